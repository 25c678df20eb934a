"""Calibration over the store: every stored story with prices, measured by the market model.

The table is saved in the store, where services.track_record finds it for analyze, show
and the dashboard.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from stockgroups.errors import StockGroupsError
from stockgroups.markets.calibration import Case, calibrate
from stockgroups.markets.study import StudyParams
from stockgroups.markets.track_record import HEADLINE
from stockgroups.services.study import DEFAULT_MARKET, story_members, study_tickers
from stockgroups.services.track_record import main_event
from stockgroups.store import prices as price_store
from stockgroups.store.signals import all_story_signals
from stockgroups.store.base import BaseStore as Store

# Reactions measured per stored story: day 0, day +1, and the two together.
CALIBRATION_WINDOW = (0, 1)


def story_cases(store: Store, story: Mapping[str, Any], market: Iterable[str],
                params: StudyParams) -> list[Case]:
    """The directional signals of one stored story with their realised abnormal returns."""
    members = story_members(story)
    tickers = list(dict.fromkeys(
        [str(c["ticker"]).upper() for c in story.get("companies", [])] +
        [t for m in members.values() for t in m]))
    if not tickers or not story.get("first_seen"):
        return []
    try:
        study = study_tickers(store, story["first_seen"], tickers, list(market), params,
                              groups={g: m for g, m in members.items() if m})
    except StockGroupsError:
        return []  # no prices around this story's date
    event = main_event(story)
    by_ticker = {c.ticker: c for c in study.companies}
    by_group = {g.name: g for g in study.groups}
    cases: list[Case] = []
    for c in story.get("companies", []):
        r = by_ticker.get(str(c["ticker"]).upper())
        if r is not None and r.ok:
            cases.append(Case(event, "company", c["direction"], float(c.get("score", 0)),
                              _reactions(r.ar, r.car), f"{study.day0} {r.ticker}"))
    for g in story.get("groups", []):
        res = by_group.get(g["id"])
        if res is not None and res.used:
            path = res.caar_path
            ar = (path[0], path[1] - path[0]) if len(path) > 1 else (path[0], None)
            cases.append(Case(event, g.get("kind", g["id"].split(":")[0]), g["direction"],
                              float(g.get("score", 0)), _reactions(ar, res.car),
                              f"{study.day0} {g['id']}"))
    return cases


def _reactions(ar: Iterable[float | None], car: float | None) -> dict[str, float | None]:
    values = list(ar)
    first = values[0] if values else None
    second = values[1] if len(values) > 1 else None
    return {"same-day": first, "next-day": second, HEADLINE: car}


def calibrate_store(store: Store, market: Iterable[str] = DEFAULT_MARKET,
                    params: StudyParams | None = None, save: bool = True) -> dict[str, Any]:
    """Calibrate over every stored story with prices; saved in the store for `show` and
    `analyze` to use. CARs by the market model over [0,+1]."""
    params = params or StudyParams(window=CALIBRATION_WINDOW)
    market = list(market)
    cases = [case for story in all_story_signals(store)
             for case in story_cases(store, story, market, params)]
    table = calibrate(cases)
    table["source"] = "this store: every stored story with prices"
    table["method"] = (f"market model, estimation {params.estimation} days, gap {params.gap}, "
                       f"market {'+'.join(market)} equal-weighted; day 0 = first trading day on "
                       "or after the story's first publication")
    table["cases"] = len(cases)
    if save:
        price_store.save_calibration(store, table)
    return table


def iter_rows(table: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(key, cell) of a table, most cases first."""
    cells = table.get("cells", {})
    yield from sorted(cells.items(), key=lambda kv: (-int(kv[1].get("n", 0)), kv[0]))

