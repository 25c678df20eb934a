"""Shared fixtures: a small hand-made KB, the shipped KB, an article factory, and fresh
stores on both backends (SQLite in memory, a throwaway PostgreSQL server)."""
from __future__ import annotations

from pathlib import Path

import pytest
from pgserver import PgServer, PgUnavailable

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
