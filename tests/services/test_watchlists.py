"""Holdings from CSV or pasted text: tickers, group ids, weights, and clear errors."""
from __future__ import annotations

import pytest

from stockgroups.errors import InputError
from stockgroups.services.watchlists import parse_holdings


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
