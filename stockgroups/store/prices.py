"""SQL for daily prices and the stored calibration table (schema in the MIGRATIONS of sqlite.py and postgres.py); backend-neutral SQL."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from stockgroups.sources.prices import PriceRow
from stockgroups.store.base import IN_CHUNK, BaseStore

Series = dict[str, dict[str, float]]


def upsert_prices(store: BaseStore, rows: Sequence[PriceRow]) -> tuple[int, int]:
    """Insert or replace rows in one transaction: (new rows, rows already stored)."""
    with store.transaction():
        before = store._execute("SELECT count(*) FROM prices").fetchone()[0]
        store._execute_many(
            "INSERT INTO prices (ticker, date, close, volume, market_cap, source) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(ticker, date) DO UPDATE SET "
            "close = excluded.close, volume = coalesce(excluded.volume, volume), "
            "market_cap = coalesce(excluded.market_cap, market_cap), source = excluded.source",
            [(r.ticker, r.date, r.close, r.volume, r.market_cap, r.source) for r in rows])
        after = store._execute("SELECT count(*) FROM prices").fetchone()[0]
    new = int(after - before)
    return new, len(rows) - new


def load_closes(store: BaseStore, tickers: Iterable[str], start: str | None = None,
                end: str | None = None) -> Series:
    """{ticker: {date: close}} for the tickers that have prices, within [start, end]."""
    names = sorted({t.upper() for t in tickers})
    out: Series = {}
    for i in range(0, len(names), IN_CHUNK):
        chunk = names[i:i + IN_CHUNK]
        sql = (f"SELECT ticker, date, close FROM prices WHERE ticker IN "
               f"({','.join('?' * len(chunk))}) AND date >= ? AND date <= ?")
        for ticker, day, close in store._execute(sql, [*chunk, start or "", end or "9999"]):
            out.setdefault(ticker, {})[day] = float(close)
    return out


def caps_before(store: BaseStore, tickers: Iterable[str], day: str) -> dict[str, float]:
    """The last market cap of each ticker strictly before `day` (those that have one)."""
    out: dict[str, float] = {}
    for t in {t.upper() for t in tickers}:
        row = store._execute(
            "SELECT market_cap FROM prices WHERE ticker = ? AND date < ? AND market_cap > 0 "
            "ORDER BY date DESC LIMIT 1", (t, day)).fetchone()
        if row:
            out[t] = float(row[0])
    return out


def priced_tickers(store: BaseStore) -> dict[str, tuple[str, str, int]]:
    """ticker -> (first date, last date, rows)."""
    return {t: (a, b, int(n)) for t, a, b, n in store._execute(
        "SELECT ticker, min(date), max(date), count(*) FROM prices GROUP BY ticker")}


def save_calibration(store: BaseStore, table: dict[str, Any]) -> None:
    made = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with store.transaction():
        store._execute("INSERT INTO calibration (id, made_at, body) VALUES (1, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET made_at = excluded.made_at, "
                     "body = excluded.body", (made, json.dumps(table)))


def load_calibration(store: BaseStore) -> dict[str, Any] | None:
    row = store._execute("SELECT body FROM calibration WHERE id = 1").fetchone()
    return json.loads(row[0]) if row else None
