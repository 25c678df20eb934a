"""A signal's track record beside every signal: the hook of analyze, show and the dashboard.

`Calibrator(table).annotate(analysis.to_dict())` adds `calibration` beside each group and
company; the table is the store's (after `stockgroups calibrate`) or the one the product
ships (markets/data/calibration.json, measured on real dated news). Pure Python and cheap
to import: analyze's start-up does not pay for numpy or scipy.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from stockgroups.markets.track_record import ANY, HEADLINE, MIN_CASES, describe, lookup
from stockgroups.store import prices as price_store
from stockgroups.store.base import BaseStore as Store

SHIPPED_TABLE = Path(__file__).resolve().parents[1] / "markets" / "data" / "calibration.json"


@lru_cache(maxsize=1)
def shipped_table() -> dict[str, Any]:
    """The calibration table the product ships ({} when the file is missing)."""
    try:
        return json.loads(SHIPPED_TABLE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def table_for(store: Store | None = None) -> dict[str, Any]:
    """The store's own table when it has one, else the shipped table."""
    if store is not None:
        stored = price_store.load_calibration(store)
        if stored:
            return stored
    return shipped_table()


def main_event(analysis: Mapping[str, Any]) -> str:
    """The main event's type; "none" when the analysis found none, "*" (any) when the
    record carries no events at all (a stored story's summary)."""
    if "events" not in analysis:
        return ANY
    events = analysis.get("events") or []
    return str(events[0]["type"]) if events else "none"


class Calibrator:
    """Looks up signals in one table, each kind of signal once (analyze calls it per article).

    With `fragments=True` each calibration is pre-serialised JSON (orjson.Fragment) for a
    caller that writes orjson: the same object then costs about 1 us per signal to print
    instead of 4 us (measured on a 36-signal story).
    """

    def __init__(self, table: Mapping[str, Any], fragments: bool = False) -> None:
        self.table = table
        self.fragments = fragments
        self._memo: dict[tuple[str, str, str], Any] = {}

    def signal(self, event: str, kind: str, direction: str) -> Any:
        """The track record of one kind of signal (a dict, or its JSON as a Fragment)."""
        key = (event, kind, direction)
        found = self._memo.get(key)
        if found is None:
            found = signal_calibration(self.table, event, kind, direction)
            if self.fragments:
                found = orjson.Fragment(orjson.dumps(found))
            self._memo[key] = found
        return found

    def annotate(self, analysis: dict[str, Any]) -> dict[str, Any]:
        """Add `calibration` to each group and company of an Analysis.to_dict() (in place)."""
        event = main_event(analysis)
        for g in analysis.get("groups", []):
            kind = g.get("kind") or str(g.get("id", "")).split(":", 1)[0]
            g["calibration"] = self.signal(event, kind, g.get("direction", ""))
        for c in analysis.get("companies", []):
            c["calibration"] = self.signal(event, "company", c.get("direction", ""))
        return analysis


def annotate(analysis: dict[str, Any], table: Mapping[str, Any]) -> dict[str, Any]:
    """Add `calibration` beside each signal of an Analysis.to_dict() (in place)."""
    return Calibrator(table).annotate(analysis)


def signal_calibration(table: Mapping[str, Any], event: str, kind: str,
                       direction: str) -> dict[str, Any]:
    """The track record of one kind of signal: a line of text and the figures behind it."""
    if direction not in ("up", "down"):
        return {"text": f"not measured: a {direction} signal has no sign to check"}
    need = int(table.get("min_cases", MIN_CASES))
    key, cell = lookup(table, event, kind, direction)
    text = describe(cell, HEADLINE, need, (table.get("reactions") or {}).get(HEADLINE))
    if cell and key and not key.startswith(f"{event}|{kind}|"):
        scope = key.split("|")
        text = f"{text} ({_scope(scope[0], scope[1])})"
    out: dict[str, Any] = {"text": text, "cell": key}
    if cell:
        head = cell.get(HEADLINE) or {}
        out.update({k: head.get(k) for k in ("n", "hit_rate", "mean", "mean_ci")})
        for reaction, name in (("same-day", "same_day"), ("next-day", "next_day")):
            block = cell.get(reaction) or {}
            out[name] = {k: block.get(k) for k in ("n", "hit_rate", "mean")}
    return out


def _scope(event: str, kind: str) -> str:
    return f"all events, {kind} signals" if event == ANY else f"{event}, {kind} signals"
