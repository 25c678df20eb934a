"""Shared fixtures: a small hand-made KB, the shipped KB, and an article factory."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from stockgroups.kb.load import load_kb
from stockgroups.model import Article

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Tests never read or write the developer's own Stock Groups folder."""
    monkeypatch.setenv("STOCKGROUPS_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def kb_small():
    """A dozen entities whose facts the tests control: Kazakhstan, uranium, Chevron, Apple."""
    return load_kb(data_dir=FIXTURES / "kb_small")


@pytest.fixture(scope="session")
def kb_full():
    """The shipped knowledge base."""
    return load_kb()


@pytest.fixture
def article():
    def make(text: str, title: str = "", source: str = "test") -> Article:
        return Article(source=source, title=title, text=text)

    return make


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed story in our own words, as a scraped page (one committed text on every machine)."""
    return (FIXTURES / "seed_paraphrase.txt").read_text(encoding="utf-8")


# -- markets: synthetic price panels with known alpha, beta and planted moves -----------------

SAMPLE_PRICES = Path(__file__).resolve().parents[1] / "samples" / "prices" / \
    "us_daily_2021-06_2022-06.csv"


def weekdays(start: str, n: int) -> list[str]:
    d, out = date.fromisoformat(start), []
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d.isoformat())
        d += timedelta(days=1)
    return out


def closes_from_returns(days: list[str], returns: np.ndarray, start: float = 100.0
                        ) -> dict[str, float]:
    """Closes whose simple returns are exactly `returns` (returns[0] ignored)."""
    levels = start * np.cumprod(np.concatenate([[1.0], 1.0 + returns[1:]]))
    return dict(zip(days, levels.tolist()))


@pytest.fixture(scope="session")
def market_panel():
    """200 weekdays, a market with noise, five stocks with known alpha and beta."""
    rng = np.random.default_rng(7)
    days = weekdays("2021-03-01", 200)
    m = rng.normal(0.0005, 0.01, len(days))
    stocks = {}
    for i, (a, b) in enumerate([(0.0002, 0.8), (-0.0001, 1.2), (0.0, 1.0), (0.0003, 0.5),
                                (0.0001, 1.5)]):
        stocks[f"S{i}"] = (a, b, a + b * m + rng.normal(0, 0.004 + 0.002 * i, len(days)))
    return days, m, stocks


@pytest.fixture(scope="session")
def edge_prices(market_panel):
    days, m, stocks = market_panel
    _, _, r = stocks["S0"]
    good = closes_from_returns(days, r)
    prices = {"MKT": closes_from_returns(days, m), "GOOD": good}
    prices["GAPPY"] = {d: v for i, (d, v) in enumerate(good.items()) if i != 161}
    prices["DELISTED"] = {d: v for i, (d, v) in enumerate(good.items()) if i <= 161}
    prices["NEWLISTED"] = {d: v for i, (d, v) in enumerate(good.items()) if i >= 140}
    prices["FLAT"] = {d: 10.0 for d in days}
    return days, prices


@pytest.fixture
def priced_store(tmp_path):
    """A store file with the bundled sample prices imported."""
    from stockgroups.services.study import import_prices
    from stockgroups.store.sqlite import Store

    path = tmp_path / "priced.db"
    with Store(path) as store:
        import_prices(store, [str(SAMPLE_PRICES)])
    return str(path)
