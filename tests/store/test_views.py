"""The dashboard's index: new analyses and re-analysed ones land in group_hits once."""
from __future__ import annotations

import json

from stockgroups.store import views
from stockgroups.store.sqlite import Store


def _hits(store, group):
    return store.conn.execute("SELECT count(*) FROM group_hits WHERE group_id = ?",
                              (group,)).fetchone()[0]


def test_refresh_indexes_each_analysis_once_and_again_after_reanalysis(web_copy):
    with Store(web_copy) as store:
        indexed = views.refresh_index(store)
        assert indexed == store.counts()["articles"]
        before = _hits(store, "company:CCJ")
        assert before >= 2 and views.refresh_index(store) == 0
        aid, raw = store.conn.execute(
            "SELECT n.article_id, n.analysis FROM analyses n JOIN articles a "
            "ON a.id = n.article_id WHERE a.title LIKE 'Flooding%'").fetchone()
        data = json.loads(raw)
        data["companies"] = [c for c in data["companies"] if c["ticker"] != "CCJ"]
        store.conn.execute("UPDATE analyses SET analysis = ?, kb_version = 'next' "
                           "WHERE article_id = ?", (json.dumps(data), aid))
        assert views.refresh_index(store) == 1
        assert _hits(store, "company:CCJ") == before - 1
        assert views.refresh_index(store) == 0
