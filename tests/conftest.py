"""Shared fixtures: a small hand-made KB, the shipped KB, an article factory, and fresh
stores on both backends (SQLite in memory, a throwaway PostgreSQL server)."""
from __future__ import annotations

from datetime import date, timedelta
import os
from pathlib import Path

import numpy as np
import pytest
from pgserver import PgServer, PgUnavailable

from stockgroups.analysis.expose import find_exposures
from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.relevance import score_entities
from stockgroups.kb.load import load_kb
from stockgroups.model import Article

FIXTURES = Path(__file__).parent / "fixtures"


def exposures_of(kb, title: str, text: str, events) -> tuple[dict, dict]:
    """The expose stage alone on a headline and text with the given events: (groups by id,
    companies by ticker)."""
    body = title + "\n\n" + text
    mentions = tuple(find_mentions(body, kb))
    entities = score_entities(body, len(title), mentions, kb)
    groups, companies = find_exposures(entities, tuple(events), mentions, body, kb)
    return {g.id: g for g in groups}, {c.ticker: c for c in companies}


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

SAMPLE_PRICES = Path(__file__).resolve().parents[1] / "prices_sample" / \
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
# -- the dashboard and API ----------------------------------------------------------------

API_KEY = "test-key-0123456789"
HOSTILE_TITLE = "<script>alert('t')</script> Cameco shares jump as uranium rallies"
HOSTILE_TEXT = ("Uranium prices rose sharply on Monday. Cameco said a mine in Kazakhstan "
                "<img src=x onerror=alert(1)> would produce less this year. "
                "A reader wrote \"<b onmouseover=alert(2)>\" in the comments.")
WEB_ARTICLES = [  # (published, outlet, title, text): our own words, dated over two weeks
    ("2026-03-02T08:00:00Z", "wire", "Copper strike halts Chilean mine",
     "Workers at the Escondida copper mine in Chile went on strike on Monday. Escondida "
     "produces about 5% of the world's copper. Copper prices rose and Freeport-McMoRan "
     "shares gained."),
    ("2026-03-04T09:00:00Z", "daily", "OPEC+ extends oil output cuts",
     "OPEC+ agreed to extend its oil production cuts into next year. Brent crude rose 2%. "
     "Shares of Exxon Mobil and Chevron gained, while airlines fell on dearer jet fuel."),
    ("2026-03-04T10:30:00Z", "energy", "OPEC+ extends oil output cuts",
     "OPEC+ agreed to extend its oil production cuts into next year, delegates said. Brent "
     "crude rose 2%. Shares of Exxon Mobil and Chevron gained, while airlines fell on "
     "dearer jet fuel."),
    ("2026-03-08T07:00:00Z", "asia", "Earthquake in Taiwan halts chip plants",
     "A strong earthquake struck Taiwan and TSMC evacuated some fabrication plants. Shares "
     "of TSMC fell, and Nvidia and Apple slipped."),
    ("2026-03-12T12:00:00Z", "wire", "Flooding halts Kazakh uranium mine",
     "Flooding stopped work at a Kazatomprom uranium mine in Kazakhstan. Kazakhstan is the "
     "largest uranium producer. Uranium prices rose and Cameco shares gained."),
    ("2026-03-15T06:00:00Z", "markets", "Gold hits a record as investors seek safety",
     "Gold rose to a record high as investors bought safe assets. Shares of Newmont and "
     "Barrick Gold rose."),
    ("2026-03-15T09:00:00Z", "wire", HOSTILE_TITLE, HOSTILE_TEXT),
]


def fill_web_store(store, kb) -> None:
    """Ingest WEB_ARTICLES into a store of any backend."""
    from stockgroups.services.ingest import Collector

    items = [(f"https://{outlet}.example/{i}", Article(
        source=f"https://{outlet}.example/{i}", title=title, text=text,
        url=f"https://{outlet}.example/{i}", published=published))
        for i, (published, outlet, title, text) in enumerate(WEB_ARTICLES)]
    Collector(store, kb).add(items)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, kb_full) -> Path:
    """A store holding WEB_ARTICLES (one pair clustered into one story, one hostile)."""
    from stockgroups.store.sqlite import Store

    path = tmp_path_factory.mktemp("webdb") / "web.db"
    with Store(path) as store:
        fill_web_store(store, kb_full)
    return path


@pytest.fixture
def web_pg(pg_url, kb_full) -> str:
    """The URL of a PostgreSQL store holding WEB_ARTICLES, ingested afresh for the test."""
    from stockgroups.store.open import open_store

    with open_store(pg_url) as store:
        fill_web_store(store, kb_full)
    return pg_url


@pytest.fixture(params=STORE_BACKENDS)
def web_store(request) -> str:
    """WEB_ARTICLES in a store a test may write to, on each backend: a path or a URL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("web_copy"))
    return request.getfixturevalue("web_pg")


@pytest.fixture
def web_copy(web_db, tmp_path) -> Path:
    """A private copy of web_db that a test may write to."""
    import shutil

    target = tmp_path / "web.db"
    shutil.copy(web_db, target)
    return target


@pytest.fixture
def web_app(web_copy, kb_full):
    """The app over a private store copy; API key API_KEY; no background thread."""
    from stockgroups.interfaces.api.app import create_app

    return create_app(web_copy, api_key=API_KEY, kb=kb_full, background=False,
                      rate_limit=0, max_body=64 * 1024)


@pytest.fixture
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app) as c:
        yield c


@pytest.fixture
def live_server(web_app):
    """The app served by uvicorn on a free loopback port in a thread; stops at teardown."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def api_schema(web_app):
    """The app's OpenAPI document loaded by schemathesis (calls go in-process, no socket)."""
    import schemathesis

    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


CHROMIUM = os.environ.get("STOCKGROUPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright through its executable path (no download).
    A missing piece fails the test with one line naming it: never a silent skip."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("browser tests need the Python package playwright: pip install -e "
                    "'.[browser]' (make test installs it)", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install "
                    "--no-install-recommends chromium (tools/ensure_chromium.sh)", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                    headless=True, timeout=30_000)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page on the live server; records every request's host."""
    from urllib.parse import urlsplit

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(base_url=live_server, viewport={"width": 1200,
                                                                   "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.hosts = set()
    pg.dialogs = []
    pg.on("request", lambda r: pg.hosts.add(urlsplit(r.url).hostname))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()
