"""Shared fixtures: a small hand-made KB, the shipped KB, and an article factory."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from stockgroups.kb.load import load_kb
from stockgroups.model import Article

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


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
    """The page the product was born from: ../shared/seeds/, or our own paraphrase when absent."""
    seeds = sorted(SHARED_SEEDS.glob("*.txt")) if SHARED_SEEDS.exists() else []
    if seeds:
        return seeds[0].read_text(encoding="utf-8")
    return (FIXTURES / "seed_paraphrase.txt").read_text(encoding="utf-8")


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


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, kb_full) -> Path:
    """A store holding WEB_ARTICLES (one pair clustered into one story, one hostile)."""
    from stockgroups.services.ingest import Collector
    from stockgroups.store.sqlite import Store

    path = tmp_path_factory.mktemp("webdb") / "web.db"
    with Store(path) as store:
        items = [(f"https://{outlet}.example/{i}", Article(
            source=f"https://{outlet}.example/{i}", title=title, text=text,
            url=f"https://{outlet}.example/{i}", published=published))
            for i, (published, outlet, title, text) in enumerate(WEB_ARTICLES)]
        Collector(store, kb_full).add(items)
    return path


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
