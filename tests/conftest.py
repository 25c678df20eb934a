"""Shared fixtures: a small hand-made KB, the shipped KB, and an article factory."""
from __future__ import annotations

from pathlib import Path

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
