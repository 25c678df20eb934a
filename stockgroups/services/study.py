"""Use cases of the market side: import prices, study an event or a stored story.

Interfaces call these; the maths is in stockgroups.markets, the SQL in store.prices.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stockgroups.errors import StockGroupsError
from stockgroups.markets.study import Study, StudyParams, run_study
from stockgroups.sources.prices import PriceRow, download_yfinance, read_price_files
from stockgroups.services.track_record import Calibrator, table_for
from stockgroups.store import prices as price_store
from stockgroups.store.signals import story_signals
from stockgroups.store.base import BaseStore as Store

# The default market proxy: eight US large caps, equal-weighted (the bundled sample
# prices carry no index series; a user with one passes it with --market).
DEFAULT_MARKET = ("AAPL", "MSFT", "AMZN", "GOOGL", "NVDA", "TSLA", "JPM", "GS")
# Calendar days of prices loaded per trading day the study needs (weekends, holidays).
CALENDAR_SLACK = 1.6
DIRECTIONAL = ("up", "down")


class NotFoundError(StockGroupsError):
    """A story (or other record) asked for by id does not exist."""


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    new: int
    replaced: int
    tickers: int


def import_prices(store: Store, paths: Sequence[str]) -> ImportSummary:
    """Read every file first (PricesError on any bad row), then store all rows at once."""
    rows = read_price_files(paths)
    return store_prices(store, rows)


def store_prices(store: Store, rows: Sequence[PriceRow]) -> ImportSummary:
    new, replaced = price_store.upsert_prices(store, rows)
    return ImportSummary(len(rows), new, replaced, len({r.ticker for r in rows}))


def parse_window(text: str) -> tuple[int, int]:
    """"0,5" -> (0, 5); "-1,+1" -> (-1, 1)."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        if len(parts) != 2:
            raise ValueError
        lo, hi = int(parts[0]), int(parts[1])
    except ValueError:
        raise StockGroupsError(f"window {text!r}: give two day numbers, e.g. 0,5") from None
    return lo, hi


def parse_date(text: str) -> str:
    try:
        return date.fromisoformat(str(text).strip()[:10]).isoformat()
    except ValueError:
        raise StockGroupsError(f"date {text!r}: give YYYY-MM-DD") from None


def _span(event_date: str, params: StudyParams) -> tuple[str, str]:
    day = date.fromisoformat(event_date)
    back = int((params.estimation + params.gap + max(0, -params.window[0]) + 5) * CALENDAR_SLACK)
    ahead = int((max(0, params.window[1]) + 5) * CALENDAR_SLACK)
    return (day - timedelta(days=back)).isoformat(), (day + timedelta(days=ahead)).isoformat()


def study_tickers(store: Store, event_date: str, tickers: Sequence[str],
                  market: Sequence[str] = DEFAULT_MARKET, params: StudyParams | None = None,
                  groups: Mapping[str, Sequence[str]] | None = None) -> Study:
    """The event study of `tickers` around `event_date` on the stored prices."""
    event_date = parse_date(event_date)
    params = params or StudyParams()
    params.check()
    tickers = [t.strip().upper() for t in tickers if t.strip()]
    market = [m.strip().upper() for m in market if m.strip()]
    groups = {name: [t.strip().upper() for t in members] for name, members in (groups or {}).items()}
    every = list(dict.fromkeys([*tickers, *(t for m in groups.values() for t in m)]))
    if not every:
        raise StockGroupsError("no tickers to study: give --tickers or --group")
    start, end = _span(event_date, params)
    prices = price_store.load_closes(store, [*every, *market], start, end)
    if not any(prices.get(m) for m in market):
        raise StockGroupsError(f"no prices for the market proxy ({', '.join(market)}) from "
                               f"{start} to {end}: import prices around {event_date}")
    caps = price_store.caps_before(store, every, event_date)
    return run_study(prices, every, market, event_date, params, groups=groups or None, caps=caps)


def study_story(store: Store, story_id: int, market: Sequence[str] = DEFAULT_MARKET,
                params: StudyParams | None = None) -> dict[str, Any]:
    """The study of a stored story: its companies and groups, each prediction beside the
    realised CAR. Day 0 is the story's first publication date."""
    story = story_signals(store, story_id)
    if story is None:
        raise NotFoundError(f"story {story_id}: no such story in the store")
    members = story_members(story)
    tickers = list(dict.fromkeys(t for m in members.values() for t in m))
    if not tickers:
        raise StockGroupsError(f"story {story_id}: it moves no listed company to study")
    study = study_tickers(store, story["first_seen"], tickers, market, params,
                          groups={g: m for g, m in members.items() if m})
    return {"story": {"id": story["id"], "title": story["title"],
                      "first_seen": story["first_seen"]},
            **study.to_dict(), "predictions": predictions(story, study)}


def story_members(story: Mapping[str, Any]) -> dict[str, list[str]]:
    """Group id -> the story's companies that came in through it (its `via`)."""
    out: dict[str, list[str]] = {g["id"]: [] for g in story.get("groups", [])}
    for c in story.get("companies", []):
        for via in c.get("via", []):
            if via in out and c["ticker"] not in out[via]:
                out[via].append(str(c["ticker"]).upper())
    return out


def predictions(story: Mapping[str, Any], study: Study) -> list[dict[str, Any]]:
    """Each directional company and group signal with its realised CAR and whether the
    sign agreed (None when there is no CAR to judge by)."""
    cars = {c.ticker: c for c in study.companies}
    groups = {g.name: g for g in study.groups}
    out: list[dict[str, Any]] = []
    for c in story.get("companies", []):
        r = cars.get(str(c["ticker"]).upper())
        out.append(_prediction("company", c["ticker"], c, r.car if r else None,
                               r.status if r else "not studied"))
    for g in story.get("groups", []):
        res = groups.get(g["id"])
        out.append(_prediction(g.get("kind", g["id"].split(":")[0]), g["id"], g,
                               res.car if res else None,
                               (res.note or "ok") if res else "no priced company in the group"))
    return out


def _prediction(kind: str, ident: str, signal: Mapping[str, Any], car: float | None,
                status: str) -> dict[str, Any]:
    direction = signal.get("direction", "neutral")
    hit = None
    if car is not None and direction in DIRECTIONAL:
        hit = car > 0 if direction == "up" else car < 0
    return {"kind": kind, "id": ident, "predicted": direction,
            "score": signal.get("score"), "car": None if car is None else round(car, 6),
            "hit": hit, "status": status}


def priced_tickers(store: Store) -> dict[str, tuple[str, str, int]]:
    """Ticker -> (first date, last date, days) of the stored prices."""
    return price_store.priced_tickers(store)


def download_prices(store: Store, tickers: Sequence[str], start: str,
                    end: str | None = None) -> ImportSummary:
    """Download daily closes (yfinance extra, online) and store them like an import."""
    return store_prices(store, download_yfinance(tickers, parse_date(start),
                                                 parse_date(end) if end else None))


REALISED_WINDOW = (0, 1)  # the reaction a reader checks first: the day of the story and the next


def with_track_record(store: Store, story_id: int, record: dict[str, Any]) -> dict[str, Any]:
    """A stored story's record (show, the dashboard) with each signal's track record
    (`calibration`) and, where the store has prices, its realised CAR[0,+1] (`realised`)."""
    Calibrator(table_for(store)).annotate(record)
    try:
        study = study_story(store, story_id, params=StudyParams(window=REALISED_WINDOW))
    except StockGroupsError:
        return record  # no prices, or no listed company: the calibration alone
    found = {(p["kind"] == "company", str(p["id"])): p for p in study["predictions"]}
    for is_company, items, key in ((False, record.get("groups", []), "id"),
                                   (True, record.get("companies", []), "ticker")):
        for item in items:
            p = found.get((is_company, str(item.get(key))))
            if p and p["car"] is not None:
                item["realised"] = {"car": p["car"], "hit": p["hit"], "window": list(REALISED_WINDOW),
                                    "day0": study.get("day0")}
    return record
