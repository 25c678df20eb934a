"""Shared fixtures: a small hand-made KB, the shipped KB, an article factory, and fresh
stores on both backends (SQLite in memory, a throwaway PostgreSQL server)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from pgserver import PgServer, PgUnavailable

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
STORE_BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run, on a loopback port, stopped at the end.
    When it cannot be started the tests that need it fail with one line (never skip)."""
    problem = None
    try:
        import psycopg  # noqa: F401 - the driver the postgresql store needs
    except ImportError:
        problem = "psycopg is missing: pip install 'stockgroups[postgres]'"
    server = None
    if problem is None:
        try:
            server = PgServer()
            server.start()
        except PgUnavailable as err:
            problem = str(err)
            if server is not None:
                server.stop()
    if problem is not None:  # outside the except: one line, no chained traceback
        pytest.fail(f"PostgreSQL store tests: {problem}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of an empty database on the test server (its schema wiped before each test)."""
    import psycopg

    url = pg_server.url("stockgroups_test")
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'stockgroups_test'"
                            ).fetchone():
            conn.execute("CREATE DATABASE stockgroups_test")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    """Where a new store would go, on each backend: a file path or a postgresql:// URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def fresh_store(store_url):
    """An empty store, migrated, on each backend (sqlite-utils' fresh_db, twice)."""
    from stockgroups.store.open import open_store

    store = open_store(store_url)
    yield store
    store.close()


@pytest.fixture
def store_cli():
    """Invoke the store's commands in-process: store_cli("stories", "--db", path)."""
    import click
    from click.testing import CliRunner

    from stockgroups.interfaces.cli.store import register

    group = click.Group("stockgroups")
    register(group)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        return runner.invoke(group, list(args), catch_exceptions=False, env=env, input=input)

    return invoke
