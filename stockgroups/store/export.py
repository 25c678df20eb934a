"""Writers for `export`: JSON Lines, CSV (formula-safe), Parquet (optional pyarrow).

Each takes the store's export rows (dicts, streamed) and returns how many it wrote.
Scraped titles and texts are untrusted: a CSV cell that a spreadsheet would run as a
formula (=, +, -, @, tab, CR at the start) is written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from stockgroups.store.base import StoreError

FORMATS = ("jsonl", "csv", "parquet")
CSV_FIELDS = ("article_id", "story_id", "original", "source", "url", "title", "published",
              "seen_at", "similarity", "story_novelty", "kb_version", "groups", "text")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_BATCH = 5000


def neutralise(value: Any) -> Any:
    """A string a spreadsheet would evaluate, made inert (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """One export row as flat columns: groups as id:direction:score;..., analysis as JSON."""
    out = {k: row[k] for k in CSV_FIELDS if k in row}
    out["groups"] = ";".join(f"{g['id']}:{g['direction']}:{g['score']}"
                             for g in row["analysis"].get("groups", []))
    out["analysis"] = json.dumps(row["analysis"], ensure_ascii=False)
    return out


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for n, row in enumerate(rows, start=1):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return n


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=[*CSV_FIELDS, "analysis"])
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, start=1):
        writer.writerow({k: neutralise(v) for k, v in flat(row).items()})
    return n


def write_parquet(rows: Iterable[dict[str, Any]], path: str) -> int:
    """Parquet in batches of PARQUET_BATCH rows; needs the `parquet` extra (pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise StoreError("parquet export needs pyarrow: pip install "
                         "'stockgroups[parquet]'") from None
    schema = pa.schema([(k, pa.bool_() if k == "original" else
                         pa.int64() if k in ("article_id", "story_id") else
                         pa.float64() if k in ("similarity", "story_novelty") else pa.string())
                        for k in (*CSV_FIELDS, "analysis")])
    n = 0
    try:
        with pq.ParquetWriter(path, schema) as writer:
            for batch in _batches(rows, PARQUET_BATCH):
                writer.write_table(pa.Table.from_pylist([flat(r) for r in batch],
                                                        schema=schema))
                n += len(batch)
            if n == 0:
                writer.write_table(pa.Table.from_pylist([], schema=schema))
    except OSError as err:
        raise StoreError(f"{path}: cannot write ({err})") from None
    return n


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["CSV_FIELDS", "FORMATS", "neutralise", "write_csv", "write_jsonl",
           "write_parquet"]
