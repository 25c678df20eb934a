"""The batch use case without the engine: input records -> one output row per article.

A record is (source, kind, payload): kind "line" is one JSON Lines line, "file" the bytes of one
file (text, HTML, JSON, gzip), "record" a JSON object (a Parquet row). Every article becomes the
same `to_dict()` that `analyze --format json` prints, its nested fields as JSON strings so that a
columnar file (Parquet, a Spark row) holds it; a bad article becomes an error row with the reason.
The Spark job (stockgroups.batch.spark) only moves these records around.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from stockgroups.analysis.pipeline import run
from stockgroups.errors import StockGroupsError
from stockgroups.kb.load import KB
from stockgroups.model import Article
from stockgroups.sources.files import parse_bytes
from stockgroups.services.track_record import Calibrator, shipped_table
from stockgroups.sources.formats.jsonl import iter_json

KINDS = ("line", "file", "record")
ERROR_COLUMNS = ("source", "error")
# Parquet-friendly types of the top-level fields of Analysis.to_dict(): nested values are JSON text.
_SCALARS = (str, int, float, bool, type(None))


def articles_of(source: str, kind: str, payload: bytes | str,
                max_bytes: int) -> Iterator[tuple[str, Article | StockGroupsError]]:
    """The articles one record holds, each labelled as `analyze` labels it."""
    if kind == "line":
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        if not text.strip():
            return
        items = list(iter_json(text, source.rsplit(":", 1)[0], jsonl=True))
        for _, item in items:  # one line: relabel with its own line number
            yield source, _relabel(item, source)
    elif kind == "record":
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        for _, item in iter_json(text, source, jsonl=False):
            yield source, item
    elif kind == "file":
        data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
        try:
            yield from parse_bytes(data, source, max_bytes=max_bytes)
        except StockGroupsError as err:
            yield source, err
        except (ValueError, LookupError, RecursionError) as err:
            yield source, StockGroupsError(f"{source}: unreadable input ({type(err).__name__})")
    else:
        raise ValueError(f"unknown record kind {kind!r}")


def _relabel(item: Article | StockGroupsError, label: str) -> Article | StockGroupsError:
    if isinstance(item, Article):
        return Article(source=label, title=item.title, text=item.text, url=item.url,
                       published=item.published, html=item.html)
    message = str(item)
    _head, sep, tail = message.partition(": ")
    return type(item)(f"{label}: {tail}" if sep else message)


def flatten(d: dict[str, Any]) -> dict[str, Any]:
    """One analysis dict as a flat row: scalars as they are, lists and objects as JSON text."""
    return {k: v if isinstance(v, _SCALARS) else orjson.dumps(v).decode() for k, v in d.items()}


def unflatten(row: dict[str, Any], nested: Iterable[str]) -> dict[str, Any]:
    """The inverse of flatten for the named nested columns (readers of the output use it)."""
    return {k: json.loads(v) if k in nested and isinstance(v, str) else v for k, v in row.items()}


def analyze_records(records: Iterable[tuple[str, str, bytes | str]], kb: KB, *,
                    max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """("article", flat row) per analysed article and ("error", {source, error}) per bad one.

    The row is what `analyze --format json` prints: the analysis with each signal's track record.
    """
    calibrator = Calibrator(shipped_table())
    for source, kind, payload in records:
        try:
            items = list(articles_of(source, kind, payload, max_bytes))
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


__all__ = ["ERROR_COLUMNS", "KINDS", "analyze_records", "articles_of", "flatten", "output_fields", "unflatten"]
