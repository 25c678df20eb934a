"""The batch use case without the engine: input records -> one output row per article.

A record is (source, kind, payload): kind "line" is one JSON Lines line, "file" the bytes of one
file (text, HTML, JSON, gzip), "record" a JSON object (a Parquet row), "path" a local file's
path (read by the router, with its size cap). Every article becomes the
same `to_dict()` that `analyze --format json` prints, its nested fields as JSON strings so that a
columnar file (Parquet, a Spark row) holds it; a bad article becomes an error row with the reason.
The Spark job (stockgroups.batch.spark) only moves these records around.
"""
from __future__ import annotations

import json
from dataclasses import replace
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from stockgroups.analysis.pipeline import run
from stockgroups.config import Settings
from stockgroups.errors import StockGroupsError
from stockgroups.kb.load import KB
from stockgroups.model import Article
from stockgroups.sources.router import Router
from stockgroups.services.track_record import Calibrator, shipped_table
from stockgroups.sources.formats.jsonl import iter_json

KINDS = ("line", "file", "record", "path")
ERROR_COLUMNS = ("source", "error")
# Parquet-friendly types of the top-level fields of Analysis.to_dict(): nested values are JSON text.
_SCALARS = (str, int, float, bool, type(None))


def articles_of(source: str, kind: str, payload: bytes | str,
                router: Router) -> Iterator[tuple[str, Article | StockGroupsError]]:
    """The articles one record holds, each labelled and read as `analyze` reads it (the
    same router: charsets, dates, language, limits)."""
    data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
    if kind == "line":
        if not data.strip():
            return
        for _, item in iter_json(data, source.rsplit(":", 1)[0], jsonl=True):
            # one line of a JSON Lines file: labelled with its own line number
            if isinstance(item, Article):
                yield source, router.with_language(replace(item, source=source))
            else:
                _head, sep, tail = str(item).partition(": ")
                yield source, type(item)(f"{source}: {tail}" if sep else str(item))
    elif kind == "record":
        for _, item in iter_json(data, source, jsonl=False):
            yield source, router.with_language(item) if isinstance(item, Article) else item
    elif kind == "file":
        yield from router.from_bytes(data, source)
    elif kind == "path":  # a local file, read where the record is processed
        yield from router.items([source])
    else:
        raise ValueError(f"unknown record kind {kind!r}")


def flatten(d: dict[str, Any]) -> dict[str, Any]:
    """One analysis dict as a flat row: scalars as they are, lists and objects as JSON text."""
    return {k: v if isinstance(v, _SCALARS) else orjson.dumps(v).decode() for k, v in d.items()}


def unflatten(row: dict[str, Any], nested: Iterable[str]) -> dict[str, Any]:
    """The inverse of flatten for the named nested columns (readers of the output use it)."""
    return {k: json.loads(v) if k in nested and isinstance(v, str) else v for k, v in row.items()}


def batch_router(settings: Settings) -> Router:
    """The router a batch worker reads records with: the settings' limits, no fetching
    (an archive job does not go to the web for teaser pages)."""
    return Router(settings=settings, fetch_pages=False)


def analyze_records(records: Iterable[tuple[str, str, bytes | str]], kb: KB,
                    router: Router) -> Iterator[tuple[str, dict[str, Any]]]:
    """("article", flat row) per analysed article and ("error", {source, error}) per bad one.

    The row is what `analyze --format json` prints: the analysis with each signal's track record.
    """
    calibrator = Calibrator(shipped_table())
    for source, kind, payload in records:
        try:
            items = list(articles_of(source, kind, payload, router))
        except StockGroupsError as err:
            items = [(source, err)]
        for label, item in items:
            if isinstance(item, StockGroupsError):
                yield "error", {"source": label, "error": str(item)}
                continue
            try:
                yield "article", flatten(calibrator.annotate(run(item, kb).to_dict()))
            except Exception as err:  # noqa: BLE001 - one bad article must not stop a job of millions
                yield "error", {"source": label, "error": f"{label}: analysis failed ({type(err).__name__})"}


def output_fields(kb: KB) -> list[tuple[str, str]]:
    """(column, type) of the article rows, read off a real analysis: "string", "double" or "boolean"."""
    sample = flatten(run(Article(source="<schema>", title="Schema", text="Schema probe.",
                                 url="https://example.invalid/", published="2000-01-01"), kb).to_dict())
    types = []
    for key, value in sample.items():
        kind = "boolean" if isinstance(value, bool) else "double" if isinstance(value, (int, float)) else "string"
        types.append((key, kind))
    return types


__all__ = ["ERROR_COLUMNS", "KINDS", "analyze_records", "articles_of", "batch_router", "flatten", "output_fields", "unflatten"]
