"""The SQLite store: migrations, inserts, stories, search, export, feeds."""
from __future__ import annotations

import sqlite3

import pytest

from stockgroups.store import sqlite as store_mod
from stockgroups.store.sqlite import ArticleRow, Store, StoreError


@pytest.fixture
def fresh_store():
    s = Store(":memory:")
    yield s
    s.close()


def row(i: int, story: int, *, epoch: float, url: str | None = None, title: str = "",
        text: str = "text", groups=(("industry:uranium", "up", 0.7),)) -> ArticleRow:
    return ArticleRow(id=i, story_id=story, url_key=url, content_hash=f"h{i}",
                      source=url or f"file{i}.txt", url=url and "https://" + url,
                      title=title or f"Story {i}", text=text, published=None,
                      seen_at=f"2025-01-0{i}T00:00:00Z", epoch=epoch, similarity=0.0,
                      kb_version="kb1", analysis='{"groups": []}', groups=groups,
                      sig=b"\0" * 256, facts=None)


def test_fresh_store_is_migrated_in_wal(tmp_path):
    path = tmp_path / "a" / "s.db"
    with Store(path) as s:
        assert s.version == store_mod.SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:  # re-opening migrates nothing and keeps the data
        assert s.counts() == {"articles": 0, "stories": 0}


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store_mod.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this program"):
        Store(path)


def test_not_a_database_is_one_line_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def test_migrations_apply_in_order(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 1)
    Store(path).close()
    extra = "ALTER TABLE stories ADD COLUMN note TEXT;"
    monkeypatch.setattr(store_mod, "MIGRATIONS", (*store_mod.MIGRATIONS, extra))
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    with Store(path) as s:
        assert s.version == 2
        cols = [r[1] for r in s.conn.execute("PRAGMA table_info(stories)")]
        assert "note" in cols


def test_insert_keeps_every_source_and_the_earliest_as_original(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=200.0, url="a.com/1")], [(1, 1.0)])
    with s.transaction():
        s.insert([row(2, 1, epoch=100.0, url="b.com/1", title="Earlier copy"),
                  row(3, 2, epoch=300.0)], [(2, 0.9)])
    assert s.counts() == {"articles": 3, "stories": 2}
    story = s.story(1)
    assert story["title"] == "Earlier copy"
    assert [src["article_id"] for src in story["sources"]] == [2, 1]
    assert story["sources"][0]["original"] is True
    assert story["groups"] == [{"id": "industry:uranium", "direction": "up", "score": 0.7}]
    assert s.has_url("a.com/1") and not s.has_url("c.com/1")
    assert s.story_of_hash("h3") == 2


def test_failed_transaction_leaves_nothing(fresh_store):
    s = fresh_store
    with pytest.raises(sqlite3.IntegrityError), s.transaction():
        s.insert([row(1, 1, epoch=1.0, url="a.com/1"), row(2, 1, epoch=2.0, url="a.com/1")],
                 [(1, 1.0)])
    assert s.counts() == {"articles": 0, "stories": 0}


def test_stories_filter_by_group_and_time(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=100.0), row(2, 2, epoch=200.0, groups=())],
                 [(1, 1.0), (2, 1.0)])
    assert [st["id"] for st in s.stories()] == [2, 1]
    assert [st["id"] for st in s.stories(group="industry:uranium")] == [1]
    assert [st["id"] for st in s.stories(since=150.0)] == [2]


def test_search_ranks_and_snippets(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0, title="Uranium output cut",
                       text="Kazatomprom cut its uranium target."),
                  row(2, 2, epoch=2.0, title="Copper strike", text="Miners struck in Chile.")],
                 [(1, 1.0), (2, 1.0)])
    hits = s.search("uranium")
    assert [h["article_id"] for h in hits] == [1]
    assert "[uranium]" in hits[0]["snippet"].lower()
    assert s.search('"copper strike" OR chile')[0]["story_id"] == 2


@pytest.mark.parametrize("query", ['uranium AND (', '"unclosed', "AND", "col:uranium"])
def test_malformed_search_is_a_store_error(fresh_store, query):
    with pytest.raises(StoreError, match="malformed query"):
        fresh_store.search(query)


def test_reanalysis_replaces_stale_analyses(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0), row(2, 2, epoch=2.0)], [(1, 1.0), (2, 1.0)])
    assert s.count_stale("kb2") == 2
    batches = list(s.stale("kb2", batch=1))
    assert [len(b) for b in batches] == [1, 1]
    with s.transaction():
        s.replace_analyses([(1, "kb2", '{"groups": []}', (("sector:energy", "down", 0.5),))])
    assert s.count_stale("kb2") == 1
    assert s.story(1)["groups"][0]["id"] == "sector:energy"


def test_export_rows_carry_story_and_analysis(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0), row(2, 1, epoch=2.0)], [(1, 1.0)])
    rows = list(s.export_rows())
    assert [(r["article_id"], r["story_id"], r["original"]) for r in rows] == \
        [(1, 1, True), (2, 1, False)]
    assert rows[0]["analysis"] == {"groups": []} and rows[0]["kb_version"] == "kb1"


def test_feed_state_roundtrip(fresh_store):
    s = fresh_store
    s.add_feeds(["https://a.example/feed", "https://a.example/feed"])
    s.save_feed("https://a.example/feed", etag='"v1"', last_modified=None,
                polled="2025-01-01T00:00:00Z", failures=2, error="HTTP 500")
    (feed,) = s.feeds()
    assert feed["etag"] == '"v1"' and feed["failures"] == 2


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("STOCKGROUPS_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store_mod.default_db_path() == tmp_path / "stockgroups" / "stockgroups.db"
