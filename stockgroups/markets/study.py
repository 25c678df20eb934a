"""Event studies by the market model: abnormal returns per ticker, aggregated per group.

Day 0 is the first trading day on or after the event date. The market model
R_i = alpha + beta * R_m + e is fitted by OLS on the `estimation` trading days
-(gap+estimation) .. -(gap+1); the abnormal return of a window day is its return less
the model's prediction, and CAR sums them over the window, both ends included.

A ticker the study cannot use (no prices, too short an estimation window, no variance,
prices missing in the window, delisted) gets a status saying so instead of numbers;
nothing here raises for bad data, only for bad parameters.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from stockgroups.errors import StockGroupsError
from stockgroups.markets.returns import (
    Prices,
    aligned_closes,
    day_zero,
    equal_weighted,
    simple_returns,
    trading_calendar,
)

DEFAULT_ESTIMATION = 120
DEFAULT_GAP = 10
DEFAULT_WINDOW = (0, 5)
# Fewest estimation days with returns for a fit worth reporting: below this a beta is
# mostly noise. Half the requested window, but never under 30 (MacKinlay 1997 uses 120).
MIN_ESTIMATION_SHARE = 0.5
MIN_ESTIMATION_DAYS = 30
# A residual variance below this (per day, squared return) is a price that never moved.
ZERO_VARIANCE = 1e-14
OK = "ok"


class StudyError(StockGroupsError):
    """Parameters a study cannot run with (a bad window, a date past every price)."""


@dataclass(frozen=True)
class StudyParams:
    estimation: int = DEFAULT_ESTIMATION
    gap: int = DEFAULT_GAP
    window: tuple[int, int] = DEFAULT_WINDOW

    def check(self) -> None:
        lo, hi = self.window
        if self.estimation < 3:
            raise StudyError(f"estimation window of {self.estimation} days: need at least 3")
        if self.gap < 0:
            raise StudyError(f"gap of {self.gap} days: cannot be negative")
        if lo > hi:
            raise StudyError(f"window {lo},{hi}: the first day comes after the last")
        if lo < -self.gap:
            raise StudyError(f"window {lo},{hi} reaches into the estimation window "
                             f"(gap {self.gap}): start it at {-self.gap} or later")

    @property
    def min_estimation_days(self) -> int:
        return min(self.estimation,
                   max(MIN_ESTIMATION_DAYS, math.ceil(MIN_ESTIMATION_SHARE * self.estimation)))


@dataclass(frozen=True)
class TickerResult:
    """One ticker's market model and abnormal returns; numbers are None when status != ok."""

    ticker: str
    status: str = OK  # "ok", or why the ticker could not be studied
    alpha: float | None = None
    beta: float | None = None
    sigma: float | None = None  # residual standard deviation of the fit
    n_estimation: int = 0  # estimation days with returns
    ar: tuple[float | None, ...] = ()  # per window day
    car: float | None = None
    car_sd: float | None = None  # forecast-error standard deviation of CAR
    t: float | None = None  # CAR / car_sd, Student t with n_estimation - 2 df
    p: float | None = None
    # Estimation residuals and window ARs by calendar index: the rank test's inputs.
    ranked: tuple[tuple[int, float], ...] = field(default=(), repr=False, compare=False)
    n_residuals: int = field(default=0, repr=False, compare=False)  # the first n of `ranked`

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def car_path(self) -> tuple[float | None, ...]:
        """Cumulative AR day by day through the window (None from the first missing day)."""
        out: list[float | None] = []
        total: float | None = 0.0
        for ar in self.ar:
            total = None if total is None or ar is None else total + ar
            out.append(total)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "status": self.status, "car": _r(self.car),
                "ar": [_r(a) for a in self.ar], "car_path": [_r(c) for c in self.car_path],
                "alpha": _r(self.alpha), "beta": _r(self.beta), "sigma": _r(self.sigma),
                "t": _r(self.t, 3), "p": _r(self.p, 4), "n_estimation": self.n_estimation}


@dataclass(frozen=True)
class GroupResult:
    """A group's average reaction and the tests that it differs from zero."""

    name: str
    tickers: tuple[str, ...]
    used: tuple[str, ...]  # the tickers with a usable CAR
    car: float | None = None  # equal-weighted mean CAR
    car_cap: float | None = None  # cap-weighted mean CAR (None without every cap)
    caar_path: tuple[float, ...] = ()
    caar_cap_path: tuple[float, ...] = ()
    t_cross: float | None = None  # cross-sectional t of the CARs
    p_cross: float | None = None
    t_bmp: float | None = None  # Boehmer, Musumeci & Poulsen (1991) standardized cross-sectional
    p_bmp: float | None = None
    # BMP scaled for the tickers' residual cross-correlation (Kolari & Pynnonen 2010): on one
    # shared event date the plain tests count correlated tickers as independent events.
    t_bmp_adj: float | None = None
    p_bmp_adj: float | None = None
    mean_correlation: float | None = None
    z_rank: float | None = None  # Corrado (1989) rank test, multi-day (Campbell & Wasley 1993)
    p_rank: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "tickers": list(self.tickers), "used": list(self.used),
                "n": len(self.used), "car": _r(self.car), "car_cap_weighted": _r(self.car_cap),
                "caar_path": [_r(c) for c in self.caar_path],
                "caar_cap_path": [_r(c) for c in self.caar_cap_path],
                "t_cross": _r(self.t_cross, 3), "p_cross": _r(self.p_cross, 4),
                "t_bmp": _r(self.t_bmp, 3), "p_bmp": _r(self.p_bmp, 4),
                "t_bmp_adj": _r(self.t_bmp_adj, 3), "p_bmp_adj": _r(self.p_bmp_adj, 4),
                "mean_correlation": _r(self.mean_correlation, 3),
                "z_rank": _r(self.z_rank, 3), "p_rank": _r(self.p_rank, 4), "note": self.note}


@dataclass(frozen=True)
class Study:
    event_date: str
    day0: str
    window: tuple[int, int]
    days: tuple[str | None, ...]  # the calendar date of each window day (None past the data)
    estimation: int
    gap: int
    market: tuple[str, ...]
    companies: tuple[TickerResult, ...]
    groups: tuple[GroupResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"event_date": self.event_date, "day0": self.day0, "window": list(self.window),
                "days": list(self.days), "estimation": self.estimation, "gap": self.gap,
                "market": list(self.market),
                "companies": [c.to_dict() for c in self.companies],
                "groups": [g.to_dict() for g in self.groups]}


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def market_model(stock: np.ndarray, market: np.ndarray, day0: int,
                 params: StudyParams, ticker: str = "") -> TickerResult:
    """Fit the market model before day 0 and return the window's abnormal returns.

    `stock` and `market` are daily returns on one calendar; day0 an index into it.
    """
    lo = max(0, day0 - params.gap - params.estimation)
    hi = day0 - params.gap  # exclusive: the last estimation day is -(gap+1)
    idx = np.arange(lo, max(lo, hi))
    est = idx[np.isfinite(stock[idx]) & np.isfinite(market[idx])] if idx.size else idx
    n = int(est.size)
    if not np.isfinite(stock).any():
        return TickerResult(ticker, "no prices", n_estimation=0)
    if n < params.min_estimation_days:
        return TickerResult(ticker, f"estimation window too short: {n} of {params.estimation} "
                            f"days with returns (need {params.min_estimation_days})",
                            n_estimation=n)
    x, y = market[est], stock[est]
    xm = float(x.mean())
    sxx = float(((x - xm) ** 2).sum())
    if sxx <= ZERO_VARIANCE:
        return TickerResult(ticker, "the market proxy did not move in the estimation window",
                            n_estimation=n)
    beta = float(((x - xm) * (y - y.mean())).sum() / sxx)
    alpha = float(y.mean() - beta * xm)
    resid = y - alpha - beta * x
    s2 = float((resid ** 2).sum() / (n - 2))

    w0, w1 = params.window
    ars: list[float | None] = []
    mkt_window: list[float] = []
    size = stock.size
    for k in range(w0, w1 + 1):
        i = day0 + k
        if 0 <= i < size and math.isfinite(stock[i]) and math.isfinite(market[i]):
            ars.append(float(stock[i] - alpha - beta * market[i]))
            mkt_window.append(float(market[i]))
        else:
            ars.append(None)
    base = dict(alpha=alpha, beta=beta, sigma=math.sqrt(s2), n_estimation=n, ar=tuple(ars))
    missing = [w0 + j for j, a in enumerate(ars) if a is None]
    if missing:
        first = missing[0]
        last = int(np.flatnonzero(np.isfinite(stock))[-1])
        if day0 + first >= size:
            why = "the prices end before"
        elif last < day0 + first:
            why = "delisted or no prices after"
        else:
            why = "prices missing on"
        return TickerResult(ticker, f"{why} day {first:+d}: no CAR", **base)
    car = float(sum(ars))  # type: ignore[arg-type]
    length = len(ars)
    if s2 <= ZERO_VARIANCE:
        return TickerResult(ticker, "no variance: the price did not move in the estimation "
                            "window", car=car, **base)
    # Forecast-error variance of CAR: the window's own noise plus the error in alpha and beta.
    spread = sum(m - xm for m in mkt_window)
    var = s2 * (length + length ** 2 / n + spread ** 2 / sxx)
    sd = math.sqrt(var)
    t = car / sd
    ranked = tuple(zip(est.tolist(), resid.tolist())) + tuple(
        (day0 + w0 + j, a) for j, a in enumerate(ars))  # type: ignore[misc]
    return TickerResult(ticker, OK, car=car, car_sd=sd, t=t,
                        p=float(2 * stats.t.sf(abs(t), n - 2)), ranked=ranked, n_residuals=n,
                        **base)


def cross_sectional_t(cars: Sequence[float]) -> tuple[float | None, float | None]:
    """Mean CAR over its standard error across tickers (N - 1 df): (t, two-sided p)."""
    return _mean_test(np.asarray(cars, dtype=float))


def bmp_t(scars: Sequence[float]) -> tuple[float | None, float | None]:
    """Boehmer-Musumeci-Poulsen: the cross-sectional t of standardized CARs (CAR / its sd),
    robust to event-induced variance that the plain standardized test is not."""
    return _mean_test(np.asarray(scars, dtype=float))


def _mean_test(values: np.ndarray) -> tuple[float | None, float | None]:
    n = values.size
    if n < 2:
        return None, None
    sd = float(values.std(ddof=1))
    if sd <= 0:
        return None, None
    t = float(values.mean() / (sd / math.sqrt(n)))
    return t, float(2 * stats.t.sf(abs(t), n - 1))


def mean_residual_correlation(residuals: Sequence[Mapping[int, float]],
                              min_common: int = 10) -> float | None:
    """Average pairwise correlation of the tickers' estimation residuals, each pair over
    the days both have (pairs with fewer than `min_common` such days are skipped)."""
    values = []
    for i in range(len(residuals)):
        for j in range(i + 1, len(residuals)):
            common = sorted(set(residuals[i]) & set(residuals[j]))
            if len(common) < min_common:
                continue
            a = np.array([residuals[i][d] for d in common])
            b = np.array([residuals[j][d] for d in common])
            if a.std() > 0 and b.std() > 0:
                values.append(float(np.corrcoef(a, b)[0, 1]))
    return float(np.mean(values)) if values else None


def kolari_pynnonen(t_bmp: float | None, n: int, rho: float | None
                    ) -> tuple[float | None, float | None]:
    """BMP t scaled by sqrt((1 - r) / (1 + (n - 1) r)) for mean residual correlation r."""
    if t_bmp is None or rho is None or n < 2:
        return None, None
    denominator = 1 + (n - 1) * rho
    if denominator <= 0:
        return None, None
    t = t_bmp * math.sqrt((1 - rho) / denominator)
    return t, float(2 * stats.t.sf(abs(t), n - 1))


def corrado_rank(series: Sequence[Sequence[tuple[int, float]]],
                 window: Sequence[int]) -> tuple[float | None, float | None]:
    """Corrado's rank test over a multi-day window (Campbell & Wasley 1993), ranks scaled by
    each ticker's count of days (Corrado & Zivney 1992) so gaps in one series are allowed.

    `series`: per ticker, (day index, abnormal return) over estimation and event days;
    `window`: the day indices of the event window. Returns (z, two-sided normal p).
    """
    by_day: dict[int, list[float]] = {}
    for obs in series:
        if not obs:
            continue
        days = [d for d, _ in obs]
        ranks = stats.rankdata([v for _, v in obs])
        m = len(obs)
        for d, k in zip(days, ranks):
            by_day.setdefault(d, []).append(float(k) / (m + 1) - 0.5)
    if not by_day or not window:
        return None, None
    mean_u = {d: float(np.mean(us)) for d, us in by_day.items()}
    s = math.sqrt(sum(u * u for u in mean_u.values()) / len(mean_u))
    if s <= 0:
        return None, None
    z = sum(mean_u.get(d, 0.0) for d in window) / (math.sqrt(len(window)) * s)
    return z, float(2 * stats.norm.sf(abs(z)))


def aggregate(name: str, tickers: Sequence[str], results: Mapping[str, TickerResult],
              window: Sequence[int], caps: Mapping[str, float] | None = None) -> GroupResult:
    """Equal- and cap-weighted mean CAR of a group and its three tests, over usable tickers."""
    used = [results[t] for t in tickers if t in results and results[t].ok]
    names = tuple(r.ticker for r in used)
    if not used:
        return GroupResult(name, tuple(tickers), (), note="no ticker with a usable CAR")
    cars = np.array([r.car for r in used], dtype=float)
    paths = np.array([r.car_path for r in used], dtype=float)
    t_cross, p_cross = cross_sectional_t(cars)
    t_bmp, p_bmp = bmp_t([r.t for r in used])  # type: ignore[misc]
    z_rank, p_rank = corrado_rank([r.ranked for r in used], window)
    rho = mean_residual_correlation([dict(r.ranked[:r.n_residuals]) for r in used])
    t_adj, p_adj = kolari_pynnonen(t_bmp, len(used), rho)
    notes = []
    if len(used) < 2:
        notes.append("one ticker: no cross-sectional test")
    car_cap = None
    cap_path: tuple[float, ...] = ()
    weights = [caps.get(r.ticker) if caps else None for r in used]
    if all(w is not None and w > 0 for w in weights):
        w = np.array(weights, dtype=float) / float(sum(weights))  # type: ignore[arg-type]
        car_cap = float(w @ cars)
        cap_path = tuple(float(x) for x in w @ paths)
    else:
        notes.append("no market cap for every ticker: no cap-weighted CAR")
    return GroupResult(name, tuple(tickers), names, car=float(cars.mean()), car_cap=car_cap,
                       caar_path=tuple(float(x) for x in paths.mean(axis=0)),
                       caar_cap_path=cap_path, t_cross=t_cross, p_cross=p_cross,
                       t_bmp=t_bmp, p_bmp=p_bmp, t_bmp_adj=t_adj, p_bmp_adj=p_adj,
                       mean_correlation=rho, z_rank=z_rank, p_rank=p_rank,
                       note="; ".join(notes))


def run_study(prices: Prices, tickers: Sequence[str], market: Sequence[str], event_date: str,
              params: StudyParams | None = None,
              groups: Mapping[str, Sequence[str]] | None = None,
              caps: Mapping[str, float] | None = None) -> Study:
    """The whole study: calendar, returns, the market proxy, each ticker, each group.

    `market`: one index series, or several tickers averaged with equal weights each day.
    `groups`: name -> tickers (default: one group "all" of every ticker).
    `caps`: market capitalisation per ticker before day 0, for cap-weighted means.
    """
    params = params or StudyParams()
    params.check()
    if not market:
        raise StudyError("no market proxy: give one index or a list of tickers")
    proxy = [m for m in market if prices.get(m)]
    if not proxy:
        raise StudyError(f"no prices for the market proxy ({', '.join(market)})")
    calendar = trading_calendar(prices, [*proxy, *tickers])
    d0 = day_zero(calendar, event_date)
    if d0 is None:
        raise StudyError(f"no trading day on or after {event_date} in the prices "
                         f"(last: {calendar[-1] if calendar else 'none'})")
    mkt = equal_weighted([simple_returns(aligned_closes(prices[m], calendar)) for m in proxy])
    results: dict[str, TickerResult] = {}
    for t in dict.fromkeys(tickers):
        series = prices.get(t)
        if not series:
            results[t] = TickerResult(t, "no prices")
            continue
        results[t] = market_model(simple_returns(aligned_closes(series, calendar)), mkt, d0,
                                  params, ticker=t)
    w0, w1 = params.window
    window_idx = list(range(d0 + w0, d0 + w1 + 1))
    days = tuple(calendar[i] if 0 <= i < len(calendar) else None for i in window_idx)
    group_map = dict(groups) if groups else {"all": list(dict.fromkeys(tickers))}
    aggregated = tuple(aggregate(name, members, results, window_idx, caps)
                       for name, members in group_map.items())
    return Study(event_date=event_date[:10], day0=calendar[d0], window=params.window,
                 days=days, estimation=params.estimation, gap=params.gap, market=tuple(proxy),
                 companies=tuple(results.values()), groups=aggregated)
