"""The dashboard's index and reads: new analyses and re-analysed ones land in group_hits
once; the reads give the same answers on SQLite and PostgreSQL."""
from __future__ import annotations

import json

from stockgroups.store import views
from stockgroups.store.open import open_store
from stockgroups.store.views import StoryFilter


def _hits(store, group):
    return store._execute("SELECT count(*) FROM group_hits WHERE group_id = ?",
                          (group,)).fetchone()[0]


def test_refresh_indexes_each_analysis_once_and_again_after_reanalysis(web_store):
    with open_store(web_store) as store:
        indexed = views.refresh_index(store)
        assert indexed == store.counts()["articles"]
        before = _hits(store, "company:CCJ")
        assert before >= 2 and views.refresh_index(store) == 0
        aid, raw = store._execute(
            "SELECT n.article_id, n.analysis FROM analyses n JOIN articles a "
            "ON a.id = n.article_id WHERE a.title LIKE 'Flooding%'").fetchone()
        data = json.loads(raw)
        data["companies"] = [c for c in data["companies"] if c["ticker"] != "CCJ"]
        with store.transaction():
            store._execute("UPDATE analyses SET analysis = ?, kb_version = 'next' "
                           "WHERE article_id = ?", (json.dumps(data), aid))
        assert views.refresh_index(store) == 1
        assert _hits(store, "company:CCJ") == before - 1
        assert views.refresh_index(store) == 0


def test_story_groups_carry_the_direction_of_their_best_hit(web_store):
    with open_store(web_store) as store:
        views.refresh_index(store)
        ids = [s["id"] for s in views.list_stories(store, StoryFilter(), limit=10)]
        groups = views.story_groups(store, ids, 5)
        best = {}
        for sid, gid, direction, score in store._execute(
                "SELECT a.story_id, g.group_id, g.direction, g.score FROM article_groups g "
                "JOIN articles a ON a.id = g.article_id").fetchall():
            if (sid, gid) not in best or score > best[(sid, gid)][1]:
                best[(sid, gid)] = (direction, score)
    assert any(groups.values())
    for sid, shown in groups.items():
        assert [g["score"] for g in shown] == sorted((g["score"] for g in shown), reverse=True)
        for g in shown:
            assert (g["direction"], g["score"]) == (best[(sid, g["id"])][0],
                                                     round(best[(sid, g["id"])][1], 3))


def test_kind_filter_keeps_only_groups_of_that_kind(web_store):
    with open_store(web_store) as store:
        views.refresh_index(store)
        found = views.list_stories(store, StoryFilter(kind="country"), limit=10)
        kinds = views.story_groups(store, [s["id"] for s in found], 50)
    assert found
    assert all(any(g["id"].startswith("country:") for g in kinds[s["id"]]) for s in found)


def test_group_series_counts_stories_per_utc_day(web_store):
    with open_store(web_store) as store:
        views.refresh_index(store)
        series = views.group_series(store, "commodity:uranium", 0.0)
        days = {int(e // views.DAY) for (e,) in store._execute(
            "SELECT epoch FROM group_hits WHERE group_id = 'commodity:uranium'").fetchall()}
    assert series and {p["day"] for p in series} == days
    assert all(p["stories"] >= 1 and -1.0 <= p["net_tone"] <= 1.0 for p in series)


def _without_seen_at(record):
    """A story record without the ingest times (the two stores were filled apart)."""
    return {**record, "sources": [{k: v for k, v in src.items() if k != "seen_at"}
                                  for src in record["sources"]]}


def test_dashboard_reads_agree_between_sqlite_and_postgresql(web_copy, web_pg):
    def reads(location):
        with open_store(location) as store:
            views.refresh_index(store)
            newest = views.newest_epoch(store)
            ids = [s["id"] for s in views.list_stories(store, StoryFilter(), limit=10)]
            return {
                "stories": views.list_stories(store, StoryFilter(), limit=10),
                "ticker": views.list_stories(store, StoryFilter(ticker="CCJ"), limit=10),
                "kind": views.list_stories(store, StoryFilter(kind="commodity"), limit=10),
                "groups": views.story_groups(store, ids, 3),
                "companies": views.story_companies(store, ids, 3),
                "record": _without_seen_at(views.story_record(store, ids[0])),
                "series": views.group_series(store, "commodity:uranium", 0.0),
                "group": views.group_stories(store, "commodity:uranium", limit=5),
                "feed": views.group_newest(store, "commodity:uranium", limit=5),
                "co": views.co_companies(store, "commodity:uranium", limit=5),
                "related": views.co_groups(store, "commodity:uranium", limit=5),
                "movers": views.movers(store, newest - 7 * views.DAY, limit=5),
                "symbols": views.symbol_hits(store, ["CCJ", "commodity:gold"], 0.0),
                "new": views.new_hits(store, 0, tickers=["CCJ"], groups=["commodity:gold"],
                                      min_score=0.2),
            }

    on_sqlite, on_pg = reads(str(web_copy)), reads(web_pg)
    assert on_sqlite["stories"] and on_sqlite["group"] and on_sqlite["symbols"]
    for key, value in on_sqlite.items():
        assert on_pg[key] == value, key


def test_kind_filter_holds_under_a_language_collation_on_postgresql(web_pg):
    """en-US sorts ';' before ':', so a plain prefix range would find nothing there."""
    with open_store(web_pg) as store:
        views.refresh_index(store)
        expected = views.list_stories(store, StoryFilter(kind="country"), limit=10)
        store._execute("CREATE COLLATION en_us_icu (provider = icu, locale = 'en-US')")
        store._execute("ALTER TABLE article_groups ALTER COLUMN group_id "
                       "TYPE TEXT COLLATE en_us_icu")
        assert expected
        assert views.list_stories(store, StoryFilter(kind="country"), limit=10) == expected
