import re

from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.relevance import PASSING_CUES, PASSING_STEMS, score_entities


def entities(title, text, kb):
    body = title + "\n\n" + text
    return {e.id: e for e in score_entities(body, len(title), find_mentions(body, kb), kb)}


def test_subject_outranks_listed_and_thanked_countries(kb_small):
    title = "Kazakhstan president orders troops to fire"
    text = ("Protests in Almaty grew. Tokayev said order was restored in Kazakhstan. "
            "The president thanked Uzbekistan, China and Russia for their support. "
            "The alliance includes Kazakhstan, Armenia, Belarus and Russia.")
    ents = entities(title, text, kb_small)
    assert ents["country:KZ"].relevance == 1.0
    for other in ("country:UZ", "country:CN", "country:AM", "country:BY"):
        assert ents[other].relevance < 0.2, other
    assert "listed" in ents["country:AM"].roles
    assert "passing" in ents["country:UZ"].roles


def test_places_and_people_count_towards_their_country(kb_small):
    ents = entities("Unrest in Almaty", "Tokayev spoke in Almaty. Aktau was calm.", kb_small)
    assert ents["country:KZ"].relevance > 0.5
    assert ents["country:KZ"].mentions == 0  # counted through its places, never named


def test_org_leader_gets_a_share(kb_small):
    ents = entities("Troops arrive", "The CSTO sent soldiers.", kb_small)
    assert "country:RU" in ents
    assert any(r.startswith("leads org:csto") for r in ents["country:RU"].roles)


def test_no_mentions_no_entities(kb_small):
    assert entities("A recipe", "Mix flour and water.", kb_small) == {}


# -- sources and index names are roles of their own, not subjects --------------------------
import pytest  # noqa: E402

from stockgroups.analysis.pipeline import analyze  # noqa: E402
from stockgroups.analysis.relevance import attribution  # noqa: E402
from stockgroups.model import Mention  # noqa: E402


@pytest.mark.parametrize("text, name, role", [
    ("MSCI's gauge of stocks across the globe was flat.", "MSCI", "index"),
    ("The Nasdaq Composite rose 1.1%.", "Nasdaq", "index"),
    ("Analysts at Goldman Sachs said in a note that oil would rise.", "Goldman Sachs", "source"),
    ("Goldman Sachs analysts expect Brent to average $85.", "Goldman Sachs", "source"),
    ("Stocks at ports rose, according to consultancy Mysteel.", "Mysteel", "source"),
    ("Goldman Sachs posted a higher quarterly profit.", "Goldman Sachs", ""),
    ("Apple's weighting in the index grew.", "Apple", ""),
])
def test_a_name_quoted_as_a_source_or_an_index_is_marked(text, name, role):
    start = text.index(name)
    assert attribution(text, Mention("x", start, start + len(name), name)) == role


def test_a_bank_quoted_for_a_forecast_is_not_the_subject(kb_full):
    a = analyze("Brent edges up; Goldman analysts see $85 average\n\nBrent crude rose 1% on Tuesday. Analysts at "
                "Goldman Sachs said in a note they expected Brent to average $85 next year.", kb_full)
    entities = {e.id: e for e in a.entities}
    assert "source" in entities["company:GS"].roles
    assert entities["company:GS"].relevance < entities["commodity:crude-oil"].relevance
    named = {c.ticker: c for c in a.companies}
    assert "GS" not in named or (named["GS"].relevance == "mentioned" and named["GS"].direction == "neutral")


def test_an_index_named_for_its_provider_does_not_move_the_provider(kb_full):
    a = analyze("World stocks edge up\n\nMSCI's world index rose 0.4% on Friday as bond yields eased.", kb_full)
    named = {c.ticker: c for c in a.companies}
    assert "MSCI" not in named or (named["MSCI"].relevance == "mentioned" and named["MSCI"].direction == "neutral")
    assert "index" in {r for e in a.entities if e.id == "company:MSCI" for r in e.roles}


@pytest.mark.parametrize("text", [
    "Chipmaker Kestrel jumps 20% in Nasdaq debut\n\nShares of Kestrel Semiconductor rose 20% on their first day "
    "of trading after the company raised $1.2 billion.",
    "Nasdaq soars 4% as yields fall\n\nTechnology shares led a broad rally on Wall Street after bond yields fell.",
])
def test_an_exchange_named_for_its_market_does_not_move_the_operator(kb_full, text):
    a = analyze(text, kb_full)
    assert "market" in {r for e in a.entities if e.id == "company:NDAQ" for r in e.roles}
    assert not any(g.id == "industry:exchanges-market-data" for g in a.groups)


def test_the_exchange_operator_itself_is_still_the_company(kb_full):
    a = analyze("Nasdaq Inc profit beats estimates\n\nNasdaq Inc reported quarterly profit above forecasts as "
                "trading revenue grew.", kb_full)
    assert any(c.ticker == "NDAQ" and c.relevance == "about" for c in a.companies)


@pytest.mark.parametrize("title, role", [
    ("Oil jumps after US sanctions two Russian producers", "actor"),
    ("Chip stocks fall after sweeping US export curbs on China", "actor"),
    ("Corn hits a record as drought bakes the US Midwest", "locative"),
])
def test_a_country_named_as_a_measure_s_author_or_to_place_a_region_is_not_the_subject(kb_full, title, role):
    a = analyze(f"{title}\n\nTraders said prices moved sharply on Monday.", kb_full)
    us = next(e for e in a.entities if e.id == "country:US")
    assert role in us.roles
    assert not any(g.id == "country:US" and g.role == "subject" for g in a.groups)


def test_a_country_whose_economy_the_story_is_about_is_still_the_subject(kb_full):
    a = analyze("US economy grows 3% as consumers spend\n\nThe US economy grew at a 3% annual rate in the third "
                "quarter, the Commerce Department said, as consumer spending rose.", kb_full)
    assert any(g.id == "country:US" and g.role == "subject" for g in a.groups)


def _literal_starts(pattern: re.Pattern[str]) -> list[str]:
    """The fixed text each alternative of a `(?=...)\\b(a|b|...)\\b` pattern starts with."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    group = next(arg for op, arg in sre_parse.parse(pattern.pattern, pattern.flags).data
                 if op == sre_parse.SUBPATTERN)
    (op, (_, branches)), = group[3].data
    assert op == sre_parse.BRANCH
    starts = []
    for branch in branches:
        text = ""
        for item_op, value in branch.data if hasattr(branch, "data") else branch:
            if item_op != sre_parse.LITERAL:
                break
            text += chr(value)
        starts.append(text)
    return starts


def test_every_passing_cue_starts_with_a_passing_stem():
    # The stems gate the search: a cue no stem starts would never be looked for.
    starts = _literal_starts(PASSING_CUES)
    assert starts and all(any(s.startswith(stem) for stem in PASSING_STEMS) for s in starts), starts


@pytest.mark.parametrize("sentence", ["We thank the people of Kazakhstan.", "Tourists visited Kazakhstan.",
                                      "Kazakhstan sent CONDOLENCES on Monday."])
def test_sentence_of_thanks_or_travel_is_passing_with_and_without_capitals(kb_small, sentence):
    body = "Note\n\n" + sentence
    found = score_entities(body, 4, find_mentions(body, kb_small), kb_small)
    assert any("passing" in e.roles for e in found)
