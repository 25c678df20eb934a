"""Combination: noisy-or and direction vote, the taxonomy rules and each hop's own bar."""
from __future__ import annotations

import pytest

from stockgroups.analysis.expose import combine as combine_module
from stockgroups.analysis.expose.combine import (FIRST_ORDER_MIN_SCORE, GROUP_MIN_SCORE, Ledger, combine,
                                                 group_hits)
from stockgroups.analysis.expose.records import Contribution


def test_noisy_or_and_a_split_vote_is_mixed():
    c = combine([Contribution("x", 0.5, "up", ("a",)), Contribution("x", 0.5, "down", ("b",))])
    assert c.score == pytest.approx(0.75) and c.direction == "mixed"


def test_the_most_direct_hop_wins():
    c = combine([Contribution("x", 0.2, "up", ("a",), hop=2), Contribution("x", 0.1, "up", ("b",), hop=1)])
    assert c.hop == 1


def test_a_reported_industry_always_brings_its_sector(kb_small):
    ledger = Ledger(kb_small)
    ledger.add("industry:airlines", GROUP_MIN_SCORE + 0.01, "down", ("airlines",))  # sector rolls up just below the bar
    ids = {h.id: h for h in group_hits(ledger)}
    assert "industry:airlines" in ids and ids["sector:industrials"].direction == "down"
    assert ids["sector:industrials"].score <= ids["industry:airlines"].score


def test_each_hop_has_its_own_bar(kb_small):
    between = (FIRST_ORDER_MIN_SCORE + GROUP_MIN_SCORE) / 2
    ledger = Ledger(kb_small)
    ledger.add("country:KZ", between, "down", ("the story is about Kazakhstan",), hop=1)
    ledger.add("country:RU", between, "down", ("reached through the graph",), hop=2)
    ids = {h.id for h in group_hits(ledger)}
    assert "country:KZ" in ids and "country:RU" not in ids


def test_the_cap_never_splits_an_industry_from_its_sector(kb_small, monkeypatch):
    monkeypatch.setattr(combine_module, "MAX_GROUPS", 2)  # room for KZ and one more: not for uranium and energy
    ledger = Ledger(kb_small)
    ledger.add("country:KZ", 0.9, "down", ("a",))
    ledger.add("industry:uranium", 0.8, "up", ("b",))
    ledger.add("country:RU", 0.5, "down", ("c",))
    hits = group_hits(ledger)
    ids = [h.id for h in hits]
    assert len(hits) == 2
    assert "industry:uranium" not in ids or "sector:energy" in ids
    assert ids[0] == "country:KZ"
