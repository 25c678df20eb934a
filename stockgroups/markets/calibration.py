"""How often signals were right: hit rates and mean reactions per kind of signal.

A case is one directional signal (up or down) with the realised abnormal return of the
stock or group it named. A case is a hit when the return has the predicted sign (a
return of exactly zero is a miss). Reactions are kept apart: the same day (a story often
arrives after the move), the next day, and the two together, CAR[0,+1].

The table's keys and how a signal reads its cell are in markets.track_record.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from stockgroups.markets.track_record import (
    DIRECTIONS,
    MIN_CASES,
    REACTION_LABELS,
    REACTIONS,
    cell_keys,
    is_hit,
)

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Case:
    """One directional signal and what the market did after it (returns as fractions)."""

    event: str  # the story's main event type, "none" if it has none
    kind: str  # company, industry, sector, country, commodity, ...
    direction: str  # up | down
    score: float
    reactions: Mapping[str, float | None]  # REACTIONS -> return (None when unknown)
    label: str = ""  # what the case is about, e.g. "2022-01-03 CCJ", for listings


def keys_of(case: Case) -> list[str]:
    """Every cell a case counts in."""
    return cell_keys(case.event, case.kind, case.direction, case.score)


def wilson(hits: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion: sane at 0%, 100% and small n."""
    if n == 0:
        return 0.0, 1.0
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def reaction_stats(direction: str, values: Sequence[float],
                   confidence: float = CONFIDENCE) -> dict[str, Any]:
    """Hit rate (with a Wilson interval), mean return with a t interval, and the share of
    up moves (what "always up" would score) over one reaction's cases."""
    n = len(values)
    if n == 0:
        return {"n": 0}
    arr = np.asarray(values, dtype=float)
    hits = int(sum(is_hit(direction, v) for v in values))
    mean = float(arr.mean())
    if n > 1:
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * arr.std(ddof=1) / math.sqrt(n))
    else:
        half = math.inf
    lo, hi = wilson(hits, n, confidence)
    return {"n": n, "hits": hits, "hit_rate": round(hits / n, 4),
            "hit_rate_ci": [round(lo, 4), round(hi, 4)], "mean": round(mean, 6),
            "mean_ci": [round(mean - half, 6), round(mean + half, 6)] if math.isfinite(half)
            else None, "up_share": round(float((arr > 0).mean()), 4)}


def calibrate(cases: Iterable[Case], min_cases: int = MIN_CASES) -> dict[str, Any]:
    """The calibration table: {"min_cases", "cells": {key: {"n", reaction: stats...}}}."""
    grouped: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.direction not in DIRECTIONS:
            continue
        for key in keys_of(case):
            grouped[key].append(case)
    cells: dict[str, Any] = {}
    for key in sorted(grouped):
        members = grouped[key]
        direction = key.rsplit("|", 1)[1]
        cell: dict[str, Any] = {"n": len(members)}
        for reaction in REACTIONS:
            values = [c.reactions.get(reaction) for c in members]
            cell[reaction] = reaction_stats(direction, [v for v in values if v is not None
                                                        and math.isfinite(v)])
        cells[key] = cell
    return {"min_cases": min_cases, "reactions": dict(REACTION_LABELS), "cells": cells}
