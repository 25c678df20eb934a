"""Daily simple returns on a trading-day calendar taken from the price series themselves.

Prices come in as {ticker: {ISO date: close}}. A day is a trading day when at least
MIN_CALENDAR_SHARE of the series have a close on it, so one stray row on a holiday or a
weekend (a data vendor's snapshot) does not split every other series' returns.
"""
from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

Prices = Mapping[str, Mapping[str, float]]

# Share of the series that must have a close on a date for it to count as a trading day.
MIN_CALENDAR_SHARE = 0.5


def trading_calendar(prices: Prices, tickers: Iterable[str] | None = None) -> list[str]:
    """Sorted ISO dates on which at least MIN_CALENDAR_SHARE of the given series trade."""
    names = [t for t in (prices if tickers is None else tickers) if prices.get(t)]
    if not names:
        return []
    counts: Counter[str] = Counter()
    for t in names:
        counts.update(prices[t].keys())
    need = max(1, int(np.ceil(MIN_CALENDAR_SHARE * len(names))))
    return sorted(d for d, n in counts.items() if n >= need)


def aligned_closes(closes: Mapping[str, float], calendar: Sequence[str]) -> np.ndarray:
    """Closes on the calendar's days; NaN where a close is missing, zero, negative or not finite."""
    out = np.full(len(calendar), np.nan)
    for i, day in enumerate(calendar):
        value = closes.get(day)
        if value is not None and np.isfinite(value) and value > 0:
            out[i] = float(value)
    return out


def simple_returns(closes: np.ndarray) -> np.ndarray:
    """r[t] = close[t] / close[t-1] - 1 for consecutive trading days; NaN on day 0 and
    wherever either close is missing (a gap is not spread over the days after it)."""
    closes = np.asarray(closes, dtype=float)
    out = np.full(closes.shape, np.nan)
    if closes.size > 1:
        out[1:] = closes[1:] / closes[:-1] - 1.0
    return out


def equal_weighted(returns: Sequence[np.ndarray]) -> np.ndarray:
    """The daily mean of the series' returns, over those with a return that day (NaN if none)."""
    if not len(returns):
        raise ValueError("no series to average")
    matrix = np.vstack(returns)
    have = np.isfinite(matrix)
    total = np.where(have, matrix, 0.0).sum(axis=0)
    count = have.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def day_zero(calendar: Sequence[str], date: str) -> int | None:
    """Index of the first trading day on or after `date` (ISO), or None past the last day."""
    i = bisect.bisect_left(calendar, date[:10])
    return i if i < len(calendar) else None
