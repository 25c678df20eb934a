"""JSON bytes -> Articles: one object, a list of objects, or JSON Lines.

Each item comes out on its own, so one bad line in a JSONL file costs that line only.
An item's source names where it sits: "news.jsonl:3" (line 3), "list.json[2]" (index 2).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from stockgroups.errors import InputError
from stockgroups.model import Article
from stockgroups.sources.dates import parse_published
from stockgroups.sources.formats.text import decode

TEXT_KEYS = ("text", "body")
URL_KEYS = ("url", "link")
PUBLISHED_KEYS = ("published", "published_at", "date")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def iter_json(data: bytes | str, source: str, *,
              jsonl: bool | None = None) -> Iterator[tuple[str, Article | InputError]]:
    """Yield (item source, Article or the InputError saying why not) per item.

    `jsonl` None decides from the name, and a document with several values is JSONL too.
    """
    text = data if isinstance(data, str) else decode(data)
    if jsonl is None:
        jsonl = source.lower().endswith(JSONL_SUFFIXES)
    if not jsonl:
        try:
            doc = json.loads(text)
        except RecursionError:
            yield source, InputError(f"{source}: invalid JSON (nested too deeply)")
            return
        except json.JSONDecodeError as err:
            if err.msg != "Extra data":
                yield source, InputError(f"{source}: invalid JSON ({_where(err)})")
                return
        else:
            if isinstance(doc, list):
                if not doc:
                    yield source, InputError(f"{source}: empty JSON list")
                for i, item in enumerate(doc):
                    label = f"{source}[{i}]"
                    yield label, article_from_object(item, label)
            else:
                yield source, article_from_object(doc, source)
            return
    yield from _iter_lines(text, source)


def _iter_lines(text: str, source: str) -> Iterator[tuple[str, Article | InputError]]:
    seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen = True
        label = f"{source}:{lineno}"
        try:
            item = json.loads(line)
        except RecursionError:
            yield label, InputError(f"{label}: invalid JSON (nested too deeply)")
            continue
        except json.JSONDecodeError as err:
            yield label, InputError(f"{label}: invalid JSON ({err.msg} at column {err.colno})")
            continue
        yield label, article_from_object(item, label)
    if not seen:
        yield source, InputError(f"{source}: empty input")


def article_from_object(item: Any, label: str) -> Article | InputError:
    """The Article a JSON object describes, or the InputError saying why it is not one."""
    if not isinstance(item, dict):
        return InputError(f"{label}: expected an object with 'text' or 'body'")
    text = _first(item, TEXT_KEYS)
    if not isinstance(text, str):
        return InputError(f"{label}: expected an object with 'text' or 'body'")
    if not text.strip():
        return InputError(f"{label}: empty 'text'")
    title = item.get("title")
    url = _first(item, URL_KEYS)
    when = _first(item, PUBLISHED_KEYS)
    published, published_raw = parse_published(
        when if isinstance(when, (str, int, float)) and not isinstance(when, bool) else None)
    return Article(
        source=label,
        title=title.strip() if isinstance(title, str) else "",
        text=text,
        url=url if isinstance(url, str) and url else None,
        published=published,
        published_raw=published_raw,
    )


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None


def _where(err: json.JSONDecodeError) -> str:
    return f"{err.msg} at line {err.lineno} column {err.colno}"


__all__ = ["article_from_object", "iter_json"]
