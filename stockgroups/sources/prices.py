"""Daily prices from files: CSV (optionally gzipped) or Parquet with date,ticker,close.

Optional columns: volume, market_cap. Every row is checked before anything is stored;
a bad row is reported as "FILE:LINE: problem" and the caller refuses the whole import.
`download_yfinance` is for users online (the `yfinance` extra); nothing else needs it.
"""
from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stockgroups.errors import InputError, StockGroupsError

REQUIRED = ("date", "ticker", "close")
OPTIONAL = ("volume", "market_cap")
# Column names seen in the wild, mapped onto ours.
ALIASES = {"symbol": "ticker", "adj_close": "close", "adj close": "close", "marketcap": "market_cap",
           "market cap": "market_cap", "day": "date"}
MAX_ERRORS = 20  # listed per import; the rest are counted
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+Z?)?$")
_TICKER_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-=^/]{0,19}$")


class PricesError(StockGroupsError):
    """A price file has bad rows; `problems` lists them, one line each."""

    def __init__(self, problems: Sequence[str], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        more = self.total - 1
        super().__init__(self.problems[0] + (f" (and {more} more problems)" if more > 0 else ""))


@dataclass(frozen=True)
class PriceRow:
    ticker: str
    date: str  # ISO date
    close: float
    volume: float | None = None
    market_cap: float | None = None
    source: str = ""
    line: int = 0


def read_price_files(paths: Iterable[str | Path]) -> list[PriceRow]:
    """Every row of every file, or PricesError listing the bad rows (nothing partial)."""
    rows: list[PriceRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], PriceRow] = {}
    for path in paths:
        for item in _read_one(Path(path)):
            if isinstance(item, str):
                problems.append(item)
                continue
            key = (item.ticker, item.date)
            first = seen.get(key)
            if first is not None:
                if first.close != item.close:
                    problems.append(f"{item.source}:{item.line}: {item.ticker} {item.date} "
                                    f"already given as {first.close:g} at {first.source}:"
                                    f"{first.line}")
                continue
            seen[key] = item
            rows.append(item)
    if problems:
        raise PricesError(problems[:MAX_ERRORS], total=len(problems))
    return rows


def _read_one(path: Path) -> Iterator[PriceRow | str]:
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        yield f"{name}: no such file"
        return
    except OSError as err:
        yield f"{name}: cannot read ({err.strerror or err})"
        return
    if name.lower().endswith(".parquet"):
        yield from _parquet_rows(data, name)
        return
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            yield f"{name}: corrupt gzip data"
            return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield f"{name}: not UTF-8 text (a CSV with date,ticker,close is expected)"
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        yield f"{name}: empty file"
        return
    except csv.Error as err:
        yield f"{name}:1: {err}"
        return
    columns = _columns(header)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        yield f"{name}:1: missing column {', '.join(missing)} (need date,ticker,close)"
        return
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            values = {c: (record[i] if i < len(record) else "") for c, i in columns.items()}
            yield _row(values, name, line)
    except csv.Error as err:
        yield f"{name}:{reader.line_num}: {err}"


def _columns(header: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, raw in enumerate(header):
        col = raw.strip().lower()
        col = ALIASES.get(col, col)
        if col in (*REQUIRED, *OPTIONAL) and col not in out:
            out[col] = i
    return out


def _row(values: dict[str, object], source: str, line: int) -> PriceRow | str:
    where = f"{source}:{line}"
    raw_date = str(values.get("date") or "").strip()
    m = _DATE_RE.match(raw_date)
    if not m:
        return f"{where}: date {raw_date[:30]!r} is not YYYY-MM-DD"
    try:
        date.fromisoformat(m.group(1))
    except ValueError:
        return f"{where}: date {raw_date[:30]!r} does not exist"
    ticker = str(values.get("ticker") or "").strip().upper()
    if not _TICKER_RE.match(ticker):
        return f"{where}: ticker {ticker[:30]!r} is not a ticker"
    close = _number(values.get("close"))
    if close is None or close <= 0:
        return f"{where}: close {str(values.get('close'))[:30]!r} is not a positive number"
    extra: dict[str, float | None] = {}
    for col in OPTIONAL:
        cell = values.get(col)
        if cell is None or str(cell).strip() == "":
            extra[col] = None
            continue
        number = _number(cell)
        if number is None or number < 0:
            return f"{where}: {col} {str(cell)[:30]!r} is not a number >= 0"
        extra[col] = number
    return PriceRow(ticker, m.group(1), close, extra["volume"], extra["market_cap"],
                    source, line)


def _number(cell: object) -> float | None:
    if cell is None:
        return None
    try:
        value = float(str(cell).strip().replace(",", "")) if not isinstance(cell, (int, float)) \
            else float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parquet_rows(data: bytes, name: str) -> Iterator[PriceRow | str]:
    try:
        import pyarrow.parquet as pq  # optional extra: stockgroups[parquet]
    except ImportError:
        yield f"{name}: reading Parquet needs pyarrow: pip install 'stockgroups[parquet]'"
        return
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001 - pyarrow raises many types for a broken file
        yield f"{name}: not a readable Parquet file ({type(err).__name__})"
        return
    columns = _columns(table.column_names)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        yield f"{name}: missing column {', '.join(missing)} (need date,ticker,close)"
        return
    names = table.column_names
    data_cols = {c: table.column(names[i]).to_pylist() for c, i in columns.items()}
    for n in range(table.num_rows):
        values = {c: _cell(v[n]) for c, v in data_cols.items()}
        yield _row(values, name, n + 1)


def _cell(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def download_yfinance(tickers: Sequence[str], start: str, end: str | None = None
                      ) -> list[PriceRow]:
    """Daily closes from Yahoo Finance through the optional `yfinance` package (online)."""
    try:
        import yfinance  # optional extra: stockgroups[yfinance]
    except ImportError:
        raise InputError("downloading prices needs yfinance: pip install "
                         "'stockgroups[yfinance]'") from None
    rows: list[PriceRow] = []
    for ticker in tickers:
        try:
            frame = yfinance.Ticker(ticker).history(start=start, end=end, auto_adjust=False)
        except Exception as err:  # noqa: BLE001 - a third-party client's network and parsing failures
            raise InputError(f"{ticker}: download failed ({type(err).__name__})") from None
        for stamp, rec in frame.iterrows():
            close = _number(rec.get("Close"))
            if close is not None and close > 0:
                rows.append(PriceRow(ticker.upper(), stamp.date().isoformat(), close,
                                     _number(rec.get("Volume")), None, "yfinance"))
    return rows
