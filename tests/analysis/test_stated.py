"""The stated stage: the story's subject takes the direction the story states for it."""
import pytest

from stockgroups.analysis.pipeline import run
from stockgroups.analysis.stated import UNNAMED, corporate_headline, corporate_names, unlisted_name


def hits(kb, article, title, text=""):
    a = run(article(text, title=title), kb)
    return a, {c.ticker: c for c in a.companies}


def test_a_linked_subject_company_gets_its_stated_direction(kb_small, article):
    _, companies = hits(kb_small, article, "Cameco's operating profit rose to 120 million dollars")
    assert companies["CCJ"].direction == "up"
    assert any("operating profit rose" in line for line in companies["CCJ"].evidence)


def test_an_unknown_company_is_reported_as_unlisted_with_its_name(kb_small, article):
    _, companies = hits(kb_small, article, "Ortalyk Mining's net sales fell 12% in the third quarter")
    assert companies[""].direction == "down"
    assert companies[""].name == "Ortalyk Mining"
    assert companies[""].via == ("unlisted",)


def test_a_neutral_sentence_gets_no_direction(kb_small, article):
    a, _ = hits(kb_small, article, "The company makes filters for industrial plants in three countries")
    assert not [h for h in a.companies + a.groups if h.direction in ("up", "down")]


def test_unlisted_name_skips_known_names_and_common_words():
    title = "In March, Kazakh miner Ortalyk Mining said profit rose"
    kazakh = title.index("Kazakh")

    class M:  # a mention's offsets are all unlisted_name reads
        start, end = kazakh, kazakh + len("Kazakh")
    assert unlisted_name(title, (M,)) == "Ortalyk Mining"
    assert unlisted_name("profit rose sharply", ()) == UNNAMED


def test_a_title_case_headline_names_only_a_corporate_looking_company():
    assert unlisted_name("Acme Mining Corp Posts Higher Quarterly Profit", ()) == "Acme Mining Corp"
    assert unlisted_name("Acme <ACM> Sells Unit For Gain", ()) == "Acme"
    assert unlisted_name("Trade Deficit Narrows Again In May", ()) == UNNAMED


def test_a_country_figure_story_gets_no_unnamed_company(kb_small, article):
    a, _ = hits(kb_small, article, "Money supply rose 2.6 billion in February", "The money supply rose 3% in the month.")
    assert not [c for c in a.companies if c.via == ("unlisted",)]


def test_a_named_unknown_firm_moving_by_a_number_is_a_company(kb_small, article):
    _, companies = hits(kb_small, article, "Ortalyk fell 4.1 percent in Almaty trading on Friday")
    assert companies[""].name == "Ortalyk" and companies[""].direction == "down"


def _inputs(strength):
    from stockgroups.model import CompanyHit, Entity, Stance
    entities = (Entity("company:CCJ", "company", "Cameco", 1, 1.0, ("title",)),)
    companies = (CompanyHit("CCJ", "Cameco", 0.5, "up", ("commodity:uranium",), ("an event rule",)),)
    stances = (Stance("down", strength, ("shares fell 9% (down)",), "company:CCJ"),)
    return stances, entities, companies


def test_a_firm_stated_direction_outranks_an_inferred_one(kb_small):
    from stockgroups.analysis.stated import stated_hits
    stances, entities, companies = _inputs(0.8)
    _, out = stated_hits(stances, entities, (), companies, "Cameco shares fell 9%", (), kb_small)
    assert out[0].direction == "down" and out[0].evidence[-1] == "an event rule"
    stances, entities, companies = _inputs(0.5)
    _, out = stated_hits(stances, entities, (), companies, "Cameco shares fell 9%", (), kb_small)
    assert out[0].direction == "up"  # a weak statement leaves the event's direction


@pytest.mark.parametrize("title, named", [
    ("Tarrow Petroleum Ltd Year Loss", True),  # a name ending in a corporate word
    ("Kestrel Energy <KES> Omits Payout", True),  # a name citing its ticker
    ("Kestrel Energy (KES) Omits Payout", True),
    ("Petroleum Exports Fall In May", False),  # a corporate word alone is not a name
    ("Oil Prices Rise On Supply Worries", False),
])
def test_corporate_headline_needs_a_name_with_a_corporate_ending_or_a_ticker(title, named):
    assert corporate_headline(title) is named


def test_corporate_names_stop_at_the_corporate_word_of_a_title_case_headline():
    title = "Varden Mining Corp To Open New Mine"
    assert [title[s:e] for s, e in corporate_names(title)] == ["Varden Mining Corp"]
