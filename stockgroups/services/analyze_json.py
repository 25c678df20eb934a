"""Analyse one article handed over as JSON (POST /api/analyze): the CLI's to_dict()."""
from __future__ import annotations

from typing import Any

from stockgroups.analysis.pipeline import run
from stockgroups.errors import InputError
from stockgroups.model import Article

MAX_TEXT_CHARS = 200_000


def analyze_article(*, title: str, text: str, url: str | None = None,
                    published: str | None = None, source: str = "api", kb: Any) -> dict[str, Any]:
    if not (text or "").strip() and not (title or "").strip():
        raise InputError("text: give the article's text (or at least a title)")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text: longer than {MAX_TEXT_CHARS} characters")
    article = Article(source=source, title=title or "", text=text or "", url=url,
                      published=published)
    return run(article, kb).to_dict()


__all__ = ["analyze_article"]
