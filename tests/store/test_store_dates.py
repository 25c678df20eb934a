"""Publication times: stored as UTC ISO 8601 (the source's text kept beside), so
`stories --since` compares real times; a store written before that is normalised by a
migration."""
from __future__ import annotations

import time

import pytest

from stockgroups.model import Article
from stockgroups.services.ingest import Collector
from stockgroups.store import sqlite as store_mod
from stockgroups.store.base import StoryFilter
from stockgroups.store.open import open_store
from stockgroups.store.times import parse_time

SINCE_2020 = parse_time("2020-01-01")


def test_offset_times_are_stored_as_utc_with_the_original_kept(fresh_store, kb_small):
    item = Article(source="a", title="Copper strike", text="Miners in Chile stopped work.",
                   url="https://a.example/1", published="Tue, 03 Mar 2026 10:00:00 +0200")
    Collector(fresh_store, kb_small).add([("a", item)])
    (story,) = fresh_store.stories()
    assert story["first_seen"] == "2026-03-03T08:00:00Z"
    assert story["sources"][0]["published"] == "2026-03-03T08:00:00Z"


def test_since_compares_real_times_not_text(fresh_store, kb_small):
    older = Article(source="old", title="Crash day", text="Stocks fell around the world.",
                    url="https://a.example/old", published="1987-10-19T13:30:41Z")
    newer = Article(source="new", title="Copper strike", text="Miners in Chile stopped work.",
                    url="https://a.example/new", published="2025-01-02T00:00:00+05:00")
    Collector(fresh_store, kb_small).add([("old", older), ("new", newer)])
    assert [s["title"] for s in fresh_store.stories(where=StoryFilter(since=SINCE_2020))] == \
        ["Copper strike"]
    assert [s["title"] for s in fresh_store.stories()] == ["Copper strike", "Crash day"]


def test_migration_normalises_raw_dates_of_an_older_store(tmp_path, kb_small, monkeypatch):
    path = str(tmp_path / "old.db")
    with monkeypatch.context() as m:  # a store made by the version before dates were parsed
        m.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
        m.setattr(store_mod, "SCHEMA_VERSION", 1)
        with store_mod.SQLiteStore(path) as old:
            now = time.time()
            with old.transaction():
                old.conn.execute("INSERT INTO stories VALUES (1, 1, 'Crash day', "
                                 "'19-OCT-1987 13:30:41.59', ?, 1.0, 1)", (now,))
                old.conn.execute("INSERT INTO stories VALUES (2, 2, 'Copper strike', "
                                 "'2025-01-02T00:00:00Z', ?, 1.0, 1)", (now - 10,))
                for i, pub, epoch in ((1, "19-OCT-1987 13:30:41.59", now),
                                      (2, "2025-01-02T00:00:00Z", now - 10)):
                    old.conn.execute(
                        "INSERT INTO articles (id, story_id, content_hash, source, title, text, "
                        "published, seen_at, epoch) VALUES (?, ?, ?, 's', 't', 'x', ?, "
                        "'2026-01-01T00:00:00Z', ?)", (i, i, f"h{i}", pub, epoch))
                    old.conn.execute("INSERT INTO analyses VALUES (?, 'kb0', '{}')", (i,))
            old_order = [s["id"] for s in old.stories(since=SINCE_2020)]
    assert old_order == [1, 2]  # the fault: 1987 counted as "now"
    with open_store(path) as store:
        assert store.version == store_mod.SCHEMA_VERSION
        assert [s["id"] for s in store.stories(since=SINCE_2020)] == [2]
        assert [s["id"] for s in store.stories()] == [2, 1]  # newest first, for real
        assert store.story(1)["first_seen"] == "1987-10-19T13:30:41Z"
        raw = store.conn.execute("SELECT published, published_raw FROM articles WHERE id = 1"
                                 ).fetchone()
        assert raw == ("1987-10-19T13:30:41Z", "19-OCT-1987 13:30:41.59")


@pytest.mark.parametrize("text, iso", [
    ("19-OCT-1987 13:30:41.59", "1987-10-19T13:30:41Z"),
    ("Mon, 19 Oct 1987 13:30:41 -0500", "1987-10-19T18:30:41Z"),
    ("2025-08-22T10:00:00+02:00", "2025-08-22T08:00:00Z"),
])
def test_stored_date_forms_are_read(text, iso):
    from stockgroups.store.times import iso_utc

    assert iso_utc(parse_time(text)) == iso


def test_migration_fills_the_companies_of_stored_analyses(tmp_path, monkeypatch):
    from stockgroups.store import base

    monkeypatch.setattr(base, "EXPORT_PAGE", 2)  # several pages
    path = str(tmp_path / "old.db")
    with monkeypatch.context() as m:
        m.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
        m.setattr(store_mod, "SCHEMA_VERSION", 1)
        with store_mod.SQLiteStore(path) as old, old.transaction():
            old.conn.execute("INSERT INTO stories VALUES (1, 1, 't', '2025-01-01', 1, 1, 5)")
            for i in range(1, 6):
                old.conn.execute(
                    "INSERT INTO articles (id, story_id, content_hash, source, title, text, "
                    "seen_at, epoch) VALUES (?, 1, ?, 's', 't', 'x', '2025-01-01', 1)",
                    (i, f"h{i}"))
                old.conn.execute("INSERT INTO analyses VALUES (?, 'kb0', ?)", (
                    i, '{"companies": [{"ticker": "ccj", "name": "Cameco"}]}' if i % 2 else
                    '{"entities": [{"id": "company:KAP.L", "kind": "company", '
                    '"name": "Kazatomprom", "relevance": 0.9}]}'))
    with open_store(path) as store:
        assert store.table_counts()["article_companies"] == 5
        assert [s["id"] for s in store.stories(where=StoryFilter(ticker="CCJ"))] == [1]
        assert [s["id"] for s in store.stories(where=StoryFilter(company="kazato"))] == [1]
