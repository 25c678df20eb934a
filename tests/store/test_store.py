"""The store on both backends (SQLite, PostgreSQL): migrations, inserts, stories, search,
export, feeds, prune, and the errors a user meets."""
from __future__ import annotations

import sqlite3

import pytest

from stockgroups.store import postgres as pg_mod
from stockgroups.store import sqlite as store_mod
from stockgroups.store.base import MAX_QUERY_TERMS, ArticleRow, StoreError, StoryFilter
from stockgroups.store.open import open_store
from stockgroups.store.sqlite import SQLiteStore


def row(i: int, story: int, *, epoch: float, url: str | None = None, title: str = "",
        text: str = "text", groups=(("industry:uranium", "up", 0.7),), companies=(),
        published: str | None = None) -> ArticleRow:
    return ArticleRow(id=i, story_id=story, url_key=url, content_hash=f"h{i}",
                      source=url or f"file{i}.txt", url=url and "https://" + url,
                      title=title or f"Story {i}", text=text, published=published,
                      seen_at=f"2025-01-0{i}T00:00:00Z", epoch=epoch, similarity=0.0,
                      kb_version="kb1", analysis='{"groups": []}', groups=groups,
                      sig=b"\0" * 256, facts=None, companies=companies)


def test_fresh_store_is_migrated_and_reopens_unchanged(store_url):
    with open_store(store_url) as s:
        assert s.version == s.schema_version
    with open_store(store_url) as s:  # re-opening migrates nothing and keeps the data
        assert s.version == s.schema_version
        assert s.counts() == {"articles": 0, "stories": 0}


def test_both_backends_have_the_same_migration_steps():
    assert len(store_mod.MIGRATIONS) == len(pg_mod.MIGRATIONS)
    steps = [m[1] if isinstance(m, tuple) else None for m in store_mod.MIGRATIONS]
    assert steps == [m[1] if isinstance(m, tuple) else None for m in pg_mod.MIGRATIONS]


def test_sqlite_store_is_in_wal_mode(tmp_path):
    with SQLiteStore(tmp_path / "a" / "s.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store_mod.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this program"):
        SQLiteStore(path)


def test_newer_postgres_schema_is_refused(pg_url):
    open_store(pg_url).close()
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE store_meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer than this program"):
        open_store(pg_url)


def test_not_a_database_is_one_line_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store") as err:
        SQLiteStore(path)
    assert "\n" not in str(err.value)


def test_migrations_apply_in_order(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 1)
    SQLiteStore(path).close()
    extra = "ALTER TABLE stories ADD COLUMN note TEXT;"
    monkeypatch.setattr(store_mod, "MIGRATIONS", (*store_mod.MIGRATIONS, extra))
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    with SQLiteStore(path) as s:
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
    with pytest.raises(StoreError, match="nothing of this batch|duplicate|UNIQUE"), \
            s.transaction():
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


def test_stories_filter_by_ticker_and_company_name(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0, companies=(("cvx", "Chevron Corp", "up", 0.6),)),
                  row(2, 2, epoch=2.0, companies=(("AAPL", "Apple Inc.", "down", 0.5),)),
                  row(3, 3, epoch=3.0)], [(1, 1.0), (2, 1.0), (3, 1.0)])
    assert [st["id"] for st in s.stories(where=StoryFilter(ticker="CVX"))] == [1]
    assert [st["id"] for st in s.stories(where=StoryFilter(ticker="aapl"))] == [2]
    assert [st["id"] for st in s.stories(where=StoryFilter(company="apple"))] == [2]
    assert s.stories(where=StoryFilter(company="100%")) == []  # LIKE wildcards are literal
    assert s.stories(where=StoryFilter(company="_")) == []


def test_story_detail_has_text_companies_and_evidence(fresh_store):
    s = fresh_store
    analysis = ('{"groups": [{"id": "industry:uranium", "evidence": ["Kazakhstan mines 40%"]}],'
                ' "companies": [{"ticker": "CCJ", "name": "Cameco", "score": 0.4, '
                '"direction": "up", "via": ["industry:uranium"], "evidence": ["miner"]}],'
                ' "events": [{"type": "strike", "severity": 0.6}]}')
    r = row(1, 1, epoch=1.0, text="Miners stopped work.")
    r = ArticleRow(**{**r.__dict__, "analysis": analysis})
    with s.transaction():
        s.insert([r], [(1, 1.0)])
    story = s.story_detail(1)
    assert story["text"] == "Miners stopped work."
    assert story["groups"][0]["evidence"] == ["Kazakhstan mines 40%"]
    assert story["companies"][0]["ticker"] == "CCJ"
    assert story["events"][0]["type"] == "strike"
    assert s.story_detail(99) is None


def test_search_ranks_and_snippets(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0, title="Uranium output cut",
                       text="Kazatomprom cut its uranium target."),
                  row(2, 2, epoch=2.0, title="Copper strike", text="Miners struck in Chile."),
                  row(3, 3, epoch=3.0, title="Mining week", text="A uranium note in passing.")],
                 [(1, 1.0), (2, 1.0), (3, 1.0)])
    hits = s.search("uranium")
    assert [h["article_id"] for h in hits] == [1, 3]  # the title match ranks first
    assert "[uranium]" in hits[0]["snippet"].lower()
    assert s.search('"copper strike" OR chile')[0]["story_id"] == 2
    assert [h["article_id"] for h in s.search("uranium NOT Kazatomprom")] == [3]
    assert [h["article_id"] for h in s.search("kazato*")] == [1]


@pytest.mark.parametrize("query", ['uranium AND (', '"unclosed', "AND", "col:uranium"])
def test_malformed_search_is_a_store_error(fresh_store, query):
    with pytest.raises(StoreError, match="malformed query"):
        fresh_store.search(query)


def test_search_with_too_many_terms_is_refused_before_running(fresh_store):
    query = " OR ".join(f"word{i}" for i in range(5000))
    with pytest.raises(StoreError, match=f"more than the {MAX_QUERY_TERMS} allowed"):
        fresh_store.search(query[:900])
    with pytest.raises(StoreError, match="longer than the"):
        fresh_store.search(query)


def test_search_over_its_time_budget_is_stopped_with_one_line(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(i, i, epoch=float(i), text=f"uranium mine {i} " * 50)
                  for i in range(1, 3000)], [(i, 1.0) for i in range(1, 3000)])
    with pytest.raises(StoreError, match="took longer than") as err:
        s.search("uranium OR mine*", budget_s=0.0)
    assert "\n" not in str(err.value)
    assert len(s.search("uranium", limit=3)) == 3  # the next query runs normally


def test_reanalysis_replaces_stale_analyses(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0), row(2, 2, epoch=2.0)], [(1, 1.0), (2, 1.0)])
    assert s.count_stale("kb2") == 2
    batches = list(s.stale("kb2", batch=1))
    assert [len(b) for b in batches] == [1, 1]
    with s.transaction():
        s.replace_analyses([(1, "kb2", '{"companies": [{"ticker": "XOM", "name": "Exxon"}]}',
                             (("sector:energy", "down", 0.5),))])
    assert s.count_stale("kb2") == 1
    assert s.story(1)["groups"][0]["id"] == "sector:energy"
    assert [st["id"] for st in s.stories(where=StoryFilter(ticker="XOM"))] == [1]


def test_export_rows_carry_story_and_analysis(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=1.0), row(2, 1, epoch=2.0)], [(1, 1.0)])
    rows = list(s.export_rows())
    assert [(r["article_id"], r["story_id"], r["original"]) for r in rows] == \
        [(1, 1, True), (2, 1, False)]
    assert rows[0]["analysis"] == {"groups": []} and rows[0]["kb_version"] == "kb1"


def test_feed_state_roundtrip_and_removal(fresh_store):
    s = fresh_store
    s.add_feeds(["https://a.example/feed", "https://a.example/feed"])
    s.save_feed("https://a.example/feed", etag='"v1"', last_modified=None,
                polled="2025-01-01T00:00:00Z", failures=2, error="HTTP 500")
    (feed,) = s.feeds()
    assert feed["etag"] == '"v1"' and feed["failures"] == 2
    assert s.remove_feed("https://a.example/feed") is True
    assert s.remove_feed("https://a.example/feed") is False
    assert s.feeds() == []


def test_prune_deletes_old_stories_with_all_their_articles(fresh_store):
    s = fresh_store
    with s.transaction():
        s.insert([row(1, 1, epoch=100.0, url="a.com/1", title="Old uranium"),
                  row(2, 1, epoch=150.0, url="b.com/1"),
                  row(3, 2, epoch=500.0, title="New uranium")], [(1, 1.0), (2, 1.0)])
    assert s.prune(before=300.0) == (1, 2)
    assert s.counts() == {"articles": 1, "stories": 1}
    assert [h["article_id"] for h in s.search("uranium")] == [3]  # the index forgot them
    assert s.table_counts()["analyses"] == 1 and s.table_counts()["article_groups"] == 1


def test_read_only_open_of_a_missing_store_creates_nothing(store_url, tmp_path):
    if store_url.startswith("postgresql"):
        with pytest.raises(StoreError, match="no store in this database"):
            open_store(store_url, create=False)
        with open_store(store_url) as s:  # and the database still has no tables
            assert s.version == s.schema_version
        return
    missing = tmp_path / "typo" / "stoer.db"
    with pytest.raises(StoreError, match="no store here"):
        open_store(str(missing), create=False)
    assert not missing.exists() and not missing.parent.exists()


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("STOCKGROUPS_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store_mod.default_db_path() == tmp_path / "stockgroups" / "stockgroups.db"


def test_postgres_password_is_never_shown():
    assert pg_mod.redact("postgresql://bob:s3cret@db.example:5432/news") == \
        "postgresql://bob:***@db.example:5432/news"


@pytest.mark.parametrize("query, tsquery", [
    ("uranium", "uranium"),
    ("uranium AND Kazakhstan", "(uranium & Kazakhstan)"),
    ("uranium Kazakhstan", "(uranium & Kazakhstan)"),
    ('"rate hike" OR cut', "((rate <-> hike) | cut)"),
    ("mine* NOT gold", "(mine:* & !gold)"),
    ("(a OR b) c", "((a | b) & c)"),
])
def test_queries_translate_to_postgres_text_search(query, tsquery):
    assert pg_mod.to_tsquery(query) == tsquery
