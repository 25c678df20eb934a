"""Holdings from CSV or pasted text: tickers, group ids, weights, and clear errors; a
watchlist saved, replaced, exposed and deleted on each backend."""
from __future__ import annotations

import pytest

from stockgroups.errors import InputError
from stockgroups.services import watchlists
from stockgroups.services.dashboard import NotFound
from stockgroups.services.watchlists import parse_holdings
from stockgroups.store import views
from stockgroups.store.open import open_store


@pytest.mark.parametrize("text, expected", [
    ("ticker,weight\nCCJ,0.4\nxom,0.6\n", [("CCJ", 0.4), ("XOM", 0.6)]),
    ("CCJ\nFCX\n", [("CCJ", 1.0), ("FCX", 1.0)]),
    ("symbol;weight\nKAP.L;2\ncommodity:uranium;1", [("KAP.L", 2.0), ("commodity:uranium", 1.0)]),
    ("CCJ 10%\nCCJ 5%", [("CCJ", 15.0)]),
    ("CCJ,1\n\n  \nFCX,2", [("CCJ", 1.0), ("FCX", 2.0)]),
])
def test_holdings_parse_tickers_groups_and_weights(text, expected):
    assert parse_holdings(text) == expected


@pytest.mark.parametrize("text, words", [
    ("", "no tickers"), ("ticker,weight\n", "no tickers"), ("CCJ,abc", "line 1"),
    ("CCJ\n<script>", "line 2"), ("CCJ,0", "above 0"),
    ("\n".join(f"T{i}" for i in range(600)), "more than"),
])
def test_bad_holdings_name_the_line(text, words):
    with pytest.raises(InputError, match=words):
        parse_holdings(text)


def test_watchlist_saved_replaced_exposed_and_deleted_on_each_backend(web_store):
    with open_store(web_store) as store:
        views.refresh_index(store)  # as serve does at start
        first = watchlists.save(store, "miners", "CCJ,2\ncommodity:gold,1")
        again = watchlists.save(store, "miners", "CCJ,1\nXOM,1")
        assert again["id"] == first["id"]
        assert [i["symbol"] for i in again["items"]] == ["CCJ", "XOM"]
        assert [(w["name"], w["holdings"]) for w in watchlists.listing(store)] == [
            ("miners", 2)]
        held = {h["symbol"]: h for h in watchlists.exposure(store, first["id"])["holdings"]}
        assert set(held) == {"CCJ", "XOM"} and held["CCJ"]["story_count"] >= 1
        watchlists.delete(store, first["id"])
        assert watchlists.listing(store) == []
        with pytest.raises(NotFound):
            watchlists.get(store, first["id"])
