"""Watchlists and portfolios: holdings from CSV, and what the news does to them.

A holding is a ticker (CCJ) or a group id (commodity:uranium) with a weight. Its net
exposure over a window is the sum over stories that move it of +score (up) or -score
(down); the list's net exposure is the weight-averaged exposure of its holdings.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from typing import Any

from stockgroups.errors import InputError
from stockgroups.services.dashboard import GROUP_ID_RE, NotFound
from stockgroups.store import views
from stockgroups.store import watchlists as table
from stockgroups.store.base import BaseStore as Store
from stockgroups.store.views import DAY

NAME_RE = re.compile(r"^[\w .,&()-]{1,80}$")
TICKER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$")
MAX_HOLDINGS = 500
MAX_WEIGHT = 1e9
HEADER_WORDS = {"ticker", "symbol", "holding", "group"}
SIGN = {"up": 1.0, "down": -1.0}
WHY_SHOWN = 3  # stories explained per holding


def parse_holdings(text: str) -> list[tuple[str, float]]:
    """Holdings from CSV or pasted lines: `TICKER[,weight]` (a header row is allowed;
    separators: comma, semicolon, tab or spaces). Weights default to 1."""
    rows: dict[str, float] = {}
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("holdings: no tickers given")
    dialect_line = lines[0]
    delimiter = next((d for d in (",", ";", "\t") if d in dialect_line), None)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter or " ",
                        skipinitialspace=True)
    for number, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells if c.strip()]
        if not cells:
            continue
        if number == 1 and cells[0].casefold() in HEADER_WORDS:
            continue
        symbol = cells[0]
        if GROUP_ID_RE.match(symbol):
            key = symbol
        elif TICKER_RE.match(symbol):
            key = symbol.upper()
        else:
            raise InputError(f"holdings line {number}: {symbol[:40]!r} is not a ticker "
                             "(CCJ) or a group id (commodity:uranium)")
        weight = 1.0
        if len(cells) > 1:
            try:
                weight = float(cells[1].rstrip("%"))
            except ValueError:
                raise InputError(f"holdings line {number}: weight {cells[1][:20]!r} is not "
                                 "a number") from None
            if not 0 < weight <= MAX_WEIGHT:
                raise InputError(f"holdings line {number}: weight must be above 0")
        rows[key] = rows.get(key, 0.0) + weight
        if len(rows) > MAX_HOLDINGS:
            raise InputError(f"holdings: more than {MAX_HOLDINGS} holdings")
    if not rows:
        raise InputError("holdings: no tickers given")
    return list(rows.items())


def save(store: Store, name: str, holdings_text: str) -> dict[str, Any]:
    """Create or replace the watchlist `name` from CSV text; returns it."""
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise InputError("name: 1 to 80 letters, digits, spaces or .,&()-")
    items = parse_holdings(holdings_text)
    wid = table.save_watchlist(store, name, items, _now())
    return get(store, wid)


def listing(store: Store) -> list[dict[str, Any]]:
    return table.watchlists(store)


def get(store: Store, wid: int) -> dict[str, Any]:
    found = table.watchlist(store, wid)
    if found is None:
        raise NotFound(f"watchlist {wid}: no such watchlist")
    return found


def delete(store: Store, wid: int) -> None:
    if not table.delete_watchlist(store, wid):
        raise NotFound(f"watchlist {wid}: no such watchlist")


def exposure(store: Store, wid: int) -> dict[str, Any]:
    """Per holding, over the last day and week (back from the newest story): the stories
    that move it, which way, how strongly and why; and the list's net exposure."""
    wl = get(store, wid)
    newest = views.newest_epoch(store) or 0.0
    symbols = [i["symbol"] for i in wl["items"]]
    hits = views.symbol_hits(store, symbols, newest - 7 * DAY)
    holdings = []
    for item in wl["items"]:
        mine = [h for h in hits if h["symbol"] == item["symbol"]]
        day = [h for h in mine if h["epoch"] >= newest - DAY]
        holdings.append({
            "symbol": item["symbol"], "weight": item["weight"],
            "day": _net(day), "week": _net(mine),
            "stories": [{"story_id": h["story_id"], "title": h["title"],
                         "direction": h["direction"], "score": h["score"],
                         "why": _why(h)} for h in mine[:WHY_SHOWN]],
            "story_count": len(mine)})
    total = sum(h["weight"] for h in holdings) or 1.0
    return {**wl, "as_of": datetime.fromtimestamp(newest, tz=timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%SZ") if newest else None,
            "holdings": holdings,
            "net": {"day": round(sum(h["weight"] * h["day"] for h in holdings) / total, 3),
                    "week": round(sum(h["weight"] * h["week"] for h in holdings) / total, 3)}}


def _net(hits: list[dict[str, Any]]) -> float:
    return round(sum(SIGN.get(h["direction"], 0.0) * h["score"] for h in hits), 3)


def _why(hit: dict[str, Any]) -> str:
    """The first line of the evidence for this symbol in the story's analysis."""
    data = json.loads(hit["analysis"])
    symbol = hit["symbol"]
    for c in data.get("companies", ()):
        if c["ticker"] == symbol and c.get("evidence"):
            return c["evidence"][0]
    for g in data.get("groups", ()):
        if g["id"] == symbol and g.get("evidence"):
            return g["evidence"][0]
    return ""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["delete", "exposure", "get", "listing", "parse_holdings", "save"]
