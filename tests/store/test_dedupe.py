"""Near-duplicate clustering: canonical URLs, signatures, the clusterer, the labelled set."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from stockgroups.store import dedupe

ROOT = Path(__file__).resolve().parents[2]
WIRE = ("Workers at Escondida, the world's biggest copper mine, walked off the job on Tuesday "
        "after talks over a new labour contract collapsed, the union said, halting production "
        "at the site in northern Chile. The mine, controlled by BHP, produced about 1.1 million "
        "tonnes of copper last year, roughly five percent of global supply. Copper prices rose "
        "more than two percent on the London Metal Exchange.")
OTHER = ("The Czech National Bank left its main interest rate unchanged at four percent on "
         "Thursday, as expected by most economists, and warned that fast wage growth in Prague "
         "and Brno could keep services inflation high for longer than hoped.")
DAY = 86400.0


@pytest.mark.parametrize("url, canonical", [
    ("HTTPS://WWW.Example.com:443/a/b/?utm_source=x&b=2&a=1#top", "www.example.com/a/b?a=1&b=2"),
    ("http://example.com/a/b?b=2&a=1", "example.com/a/b?a=1&b=2"),
    ("https://example.com", "example.com/"),
    ("https://example.com:8080/x?fbclid=1&id=7", "example.com:8080/x?id=7"),
    ("", None),
    (None, None),
])
def test_canonical_url(url, canonical):
    assert dedupe.canonical_url(url) == canonical


def test_content_hash_ignores_case_and_spacing():
    assert dedupe.content_hash("Title", "Some  text\nhere") == \
        dedupe.content_hash("title", "some text here")
    assert dedupe.content_hash("Title", "other") != dedupe.content_hash("Title", "text")


def test_short_text_has_no_signature():
    assert dedupe.signature("Too short to compare") is None
    assert dedupe.signature(WIRE) is not None


def test_signature_is_stable_and_roundtrips():
    sig = dedupe.signature(WIRE)
    assert sig.dtype.name == "uint32" and len(sig) == dedupe.NUM_PERM
    assert (dedupe.from_blob(dedupe.to_blob(sig)) == sig).all()
    assert dedupe.similarity(sig, dedupe.signature(WIRE)) == 1.0


def _clusterer_with(text: str, when: float | None = 0.0) -> dedupe.Clusterer:
    c = dedupe.Clusterer()
    c.add(1, dedupe.signature(text), 10, when, dedupe.facts(text))
    return c


def test_republished_copy_joins_the_story():
    copy = "SANTIAGO (Wire) - " + WIRE + " Reporting by staff."
    m = _clusterer_with(WIRE).match(dedupe.signature(copy), 3600.0, dedupe.facts(copy))
    assert m.story_id == 10 and m.similar_to == 1
    assert m.novelty < 0.3


def test_different_story_is_new_and_novel():
    m = _clusterer_with(WIRE).match(dedupe.signature(OTHER), 0.0, dedupe.facts(OTHER))
    assert m.story_id is None
    assert m.novelty == 1.0


def test_copies_far_apart_in_time_are_different_stories():
    c = _clusterer_with(WIRE, when=0.0)
    assert c.match(dedupe.signature(WIRE), 30 * DAY).story_id is None
    assert c.match(dedupe.signature(WIRE), None).story_id == 10  # undated: no window


def test_templates_with_other_names_and_numbers_stay_apart():
    template = ("{co} said on Monday that revenue for the quarter rose {p} percent to ${r} "
                "billion, beating the average estimate. Shares of {co} rose {s} percent in "
                "extended trading, and chief executive {ceo} said demand remained strong and "
                "that the company raised its forecast for the full year.")
    a = template.format(co="Acme Industrial", p=12, r=4.2, s=6.1, ceo="Maria Lopez")
    b = template.format(co="Borealis Foods", p=7, r=1.9, s=3.3, ceo="John Carter")
    assert dedupe.similarity(dedupe.signature(a), dedupe.signature(b)) > dedupe.THRESHOLD
    assert not dedupe.facts_agree(dedupe.facts(a), dedupe.facts(b))
    m = _clusterer_with(a).match(dedupe.signature(b), 0.0, dedupe.facts(b))
    assert m.story_id is None


def test_old_texts_are_evicted_past_keep_min(monkeypatch):
    monkeypatch.setattr(dedupe, "KEEP_MIN", 1)
    c = dedupe.Clusterer()
    c.add(1, dedupe.signature(WIRE), 1, 0.0)
    c.add(2, dedupe.signature(OTHER), 2, 100 * DAY)
    assert len(c) == 1
    assert c.match(dedupe.signature(WIRE), None).story_id is None


def test_labelled_set_meets_floors():
    """Pairwise precision and recall on eval/dedupe (the README's figures) stay above floors."""
    sys.path.insert(0, str(ROOT / "eval" / "dedupe"))
    try:
        import evaluate
    finally:
        sys.path.pop(0)
    docs = evaluate.load()
    result = evaluate.score(docs, evaluate.cluster(docs))
    floors = json.loads((ROOT / "eval" / "dedupe" / "floors.json").read_text())
    assert result["labelled_pairs"] > 100_000 and result["positive_pairs"] > 1000
    for key, floor in floors.items():
        assert result[key] >= floor, (key, result)


@pytest.mark.parametrize("a, b, differ", [
    ("company:LMT|contract-win", "company:NOC|contract-win", True),  # same event, other firm
    ("company:LMT|contract-win", "company:LMT|contract-win,strike", False),
    ("company:LMT|contract-win", "company:LMT|strike", True),  # same firm, other event
    ("|civil-unrest", "|civil-unrest,strike", False),
    ("|strike,civil-unrest", "|civil-unrest,strike", False),  # a rewrite leads differently
    ("|strike", "|earnings-beat,civil-unrest", True),
    ("company:LMT|", "|contract-win", False),  # nothing to compare on either side
    (None, "company:LMT|contract-win", False),
])
def test_subjects_differ_on_company_or_main_event(a, b, differ):
    assert dedupe.subjects_differ(a, b) is differ


def test_subject_key_takes_the_top_subject_company_and_main_event():
    analysis = {"entities": [
        {"id": "company:BA", "kind": "company", "relevance": 0.4},
        {"id": "company:LMT", "kind": "company", "relevance": 1.0},
        {"id": "country:US", "kind": "country", "relevance": 1.0}],
        "events": [{"type": "strike", "severity": 0.2}, {"type": "contract-win", "severity": 0.4}]}
    assert dedupe.subject_key(analysis) == "company:LMT|contract-win,strike"
    passing = {"entities": [{"id": "company:BA", "kind": "company", "relevance": 0.3}]}
    assert dedupe.subject_key(passing) is None


def test_look_alike_text_about_another_company_opens_its_own_story():
    c = dedupe.Clusterer()
    sig = dedupe.signature(WIRE)
    c.add(1, sig, 10, 0.0, dedupe.facts(WIRE), "company:BHP|strike")
    assert c.match(sig, 0.0, dedupe.facts(WIRE), "company:RIO|strike").story_id is None
    assert c.match(sig, 0.0, dedupe.facts(WIRE), "company:BHP|strike").story_id == 10
