"""A signal's track record, read from a calibration table: pure Python, cheap to import.

`analyze` calls this for every signal it prints, so it must not pull in numpy or scipy;
the table itself is computed by markets.calibration.

Cells are keyed "event|kind|direction" (the story's main event type, or "none"; group
kind: company, industry, sector, country, commodity...), with "*" rows pooling events
and kinds, and "score:LO-HI|direction" rows for score buckets.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REACTIONS = ("same-day", "next-day", "0,+1")
HEADLINE = "0,+1"  # the reaction shown in a signal's one-line calibration
REACTION_LABELS = {"same-day": "CAR[0]", "next-day": "CAR[+1]", "0,+1": "CAR[0,+1]"}
# Fewest cases for a hit rate worth showing: at 10 the 95% interval of a rate near 50%
# is still about +-30 points, so below it the product says "too few cases".
MIN_CASES = 10
SCORE_BUCKETS = (0.0, 0.25, 0.5, 0.75, 1.0)
DIRECTIONS = ("up", "down")
ANY = "*"


def is_hit(direction: str, value: float) -> bool:
    """The realised return has the predicted sign (exactly zero is a miss)."""
    return value > 0 if direction == "up" else value < 0


def bucket(score: float) -> str:
    for lo, hi in zip(SCORE_BUCKETS, SCORE_BUCKETS[1:]):
        if score < hi or hi == SCORE_BUCKETS[-1]:
            return f"score:{lo:.2f}-{hi:.2f}"
    return f"score:{SCORE_BUCKETS[-2]:.2f}-{SCORE_BUCKETS[-1]:.2f}"


def cell_keys(event: str, kind: str, direction: str, score: float) -> list[str]:
    """Every cell a signal counts in."""
    d = direction
    return [f"{event}|{kind}|{d}", f"{ANY}|{kind}|{d}", f"{event}|{ANY}|{d}",
            f"{ANY}|{ANY}|{d}", f"{bucket(score)}|{d}"]


def describe(cell: Mapping[str, Any] | None, reaction: str = HEADLINE,
             min_cases: int = MIN_CASES, label: str | None = None) -> str:
    """One line for a user: "right 68% of 41 cases, mean CAR[0,+1] +2.1%", or why not.

    `label` names the measure (a table of raw returns says "return[0,+1]")."""
    block = (cell or {}).get(reaction) or {}
    n = int(block.get("n", 0))
    if n < min_cases:
        return f"too few cases to say ({n} with prices, need {min_cases})"
    return (f"right {block['hit_rate']:.0%} of {n} cases, mean "
            f"{label or REACTION_LABELS[reaction]} {block['mean']:+.1%}")


def lookup(table: Mapping[str, Any], event: str, kind: str,
           direction: str) -> tuple[str | None, Mapping[str, Any] | None]:
    """The most specific cell with enough cases: this event, then any event.

    Returns (key, cell); (key of the exact cell, its cell or None) when none has enough.
    """
    cells = table.get("cells", {})
    need = int(table.get("min_cases", MIN_CASES))
    # Pooled over events, never over kinds: a commodity is not judged by companies' record.
    tries = [f"{event}|{kind}|{direction}", f"{ANY}|{kind}|{direction}"]
    for key in tries:
        cell = cells.get(key)
        if cell and int((cell.get(HEADLINE) or {}).get("n", 0)) >= need:
            return key, cell
    return tries[0], cells.get(tries[0])
