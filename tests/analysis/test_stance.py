"""Per-entity stance on sentences written for these tests (kb_small names, team vocabulary)."""
import pytest

from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.segment import Sentences
from stockgroups.analysis.stance import default_vocab, entity_stances, text_stance

TITLE_SEP = "\n\n"


def stances(kb, title, text=""):
    body = title + TITLE_SEP + text
    return entity_stances(body, Sentences(body), find_mentions(body, kb), len(title), default_vocab(), kb)


def direction(kb, title, text="", entity=""):
    found = stances(kb, title, text)
    return found[entity].direction if entity in found else None


@pytest.mark.parametrize("title, entity, want", [
    ("Chevron shares plunged after the company cut its guidance", "company:CVX", "down"),
    ("Cameco's operating profit rose to 120 million dollars", "company:CCJ", "up"),
    ("Kazatomprom said its net loss narrowed in the second quarter", "company:KAP.L", "up"),
    ("Cameco's net loss widened as costs climbed", "company:CCJ", "down"),
    ("Chevron lost 5% of its value in a week", "company:CVX", "down"),
    ("Chevron stock fell less than expected after the report", "company:CVX", "up"),
    ("Cameco erased early declines, recovered those losses and was up 0.4%", "company:CCJ", "up"),
    ("Cameco cut costs by a fifth this year", "company:CCJ", "up"),
    ("Chevron won a contract to supply the navy", "company:CVX", "up"),
    ("Chevron faces a lawsuit over a spill", "company:CVX", "down"),
    ("Cameco raised its outlook for the year", "company:CCJ", "up"),
    ("Cameco swung to a loss in the quarter", "company:CCJ", "down"),
])
def test_stated_phrase_gives_the_named_company_its_direction(kb_small, title, entity, want):
    assert direction(kb_small, title, entity=entity) == want


def test_oil_rises_on_turmoil_in_a_country_gives_the_commodity_up_and_the_country_down(kb_small):
    found = stances(kb_small, "Oil prices rise on turmoil in Kazakhstan")
    assert found["commodity:crude-oil"].direction == "up"
    assert found["country:KZ"].direction == "down"


def test_negation_flips_a_signed_phrase(kb_small):
    assert direction(kb_small, "Cameco's results were strong", entity="company:CCJ") == "up"
    assert direction(kb_small, "Cameco's results were not strong", entity="company:CCJ") == "down"


def test_a_contracted_negation_flips_too(kb_small):
    assert direction(kb_small, "Cameco's results weren't strong", entity="company:CCJ") == "down"


def test_the_headline_outweighs_the_body(kb_small):
    text = "Sales rose in the quarter."
    assert direction(kb_small, "Cameco profit falls sharply", text, "company:CCJ") == "down"


@pytest.mark.parametrize("title, want", [
    ("Chevron shares plunged after sales missed estimates, although its profit topped forecasts", "down"),
    ("Despite weak demand, Chevron's operating profit rose sharply", "up"),
])
def test_a_concessive_clause_is_background(kb_small, title, want):
    assert direction(kb_small, title, entity="company:CVX") == want


def test_opposite_statements_of_equal_weight_are_mixed(kb_small):
    assert direction(kb_small, "Chevron's sales rose while its profit fell", entity="company:CVX") == "mixed"


def test_a_company_story_without_a_known_name_gives_the_story_its_own_stance(kb_small):
    assert direction(kb_small, "The uranium miner raised its outlook for the year") == "up"
    assert direction(kb_small, "The miner raised its outlook for the year") == "up"
    assert direction(kb_small, "Operating profit fell to 3 million from 9 million") == "down"


def test_a_price_move_alone_is_not_a_company_stance(kb_small):
    assert "" not in stances(kb_small, "Prices rose sharply in the spring")


@pytest.mark.parametrize("title", [
    "Cameco reported an operating loss of 5 million dollars for the quarter",
    "The company makes filters for industrial plants",
    "Chevron will publish its results on Thursday",
])
def test_sentences_that_state_no_change_get_no_stance(kb_small, title):
    found = stances(kb_small, title)
    assert all(s.direction not in ("up", "down") for s in found.values())


def test_a_demonym_does_not_take_the_company_phrase(kb_small):
    found = stances(kb_small, "Kazakh miner Ortalyk's net profit rose sharply")
    assert "country:KZ" not in found
    assert found[""].direction == "up"


def test_evidence_quotes_the_deciding_words(kb_small):
    stance = stances(kb_small, "Cameco's operating profit rose to 120 million dollars")["company:CCJ"]
    assert any("operating profit rose" in line for line in stance.evidence)
    assert 0.0 < stance.strength <= 1.0


def test_text_stance_reads_the_text_without_names(kb_small):
    body = "Net sales decreased and the order book shrank" + TITLE_SEP
    stance = text_stance(body, Sentences(body), len(body) - 2, default_vocab())
    assert stance is not None and stance.direction == "down"


@pytest.mark.parametrize("title, want", [
    ("Quarterly net sales were 40 million dollars, compared with 32 million a year earlier", "up"),
    ("Gross margin stood at 31% against 35% a year before", "down"),
    ("The miner booked an operating loss of 3 million, compared with a profit of 2 million", "down"),
    ("Free cash flow reached 2 million, against a negative 9 million last spring", "up"),
    ("Net sales in 2024 were 5 million, compared with 2023", None),  # years are not amounts
])
def test_a_figure_compared_with_its_earlier_value_reads_up_or_down(kb_small, title, want):
    assert direction(kb_small, title) == want


@pytest.mark.parametrize("title, want", [
    ("The miner fell into a net loss after a weak summer", "down"),
    ("The miner swung into a profit of 3 million", "up"),
    ("It booked a net loss of 4 million this spring, down from a profit of 6 million", "down"),
    ("Cost reductions at the miner ran ahead of plan", "up"),
    ("The miner reported higher freight costs for the season", "down"),
])
def test_state_reached_and_qualified_figures(kb_small, title, want):
    assert direction(kb_small, title) == want


def test_a_qualifier_figure_is_not_the_one_that_moved(kb_small):
    title = "The miner's net income excluding a one-off tax charge rose to 40 million"
    assert direction(kb_small, title) == "up"


def test_a_name_that_reports_on_another_is_a_source_not_the_holder(kb_small):
    found = stances(kb_small, "Chevron expects that Ortalyk will cut its growth forecast")
    assert "company:CVX" not in found
    assert found[""].direction == "down"


def test_a_company_reporting_on_itself_keeps_the_phrase(kb_small):
    assert direction(kb_small, "Chevron said its operating profit rose", entity="company:CVX") == "up"


def test_a_country_named_further_after_an_event_noun_is_not_hit(kb_small):
    assert "country:US" not in stances(kb_small, "An embargo on shipments to the United States began in 1973")


def test_a_capitalised_cue_inside_a_name_in_the_body_is_skipped(kb_small):
    found = stances(kb_small, "Veterans remember", "The museum covers the Gulf War and Korea.")
    assert found == {}


def test_past_the_lead_a_phrase_counts_only_for_a_name_its_sentence_gives(kb_small):
    filler = "The board met on Tuesday to review the plan. " * 12
    found = stances(kb_small, "Board meeting held", filler + "Net profit fell sharply.")
    assert "" not in found
    found = stances(kb_small, "Board meeting held", filler + "Cameco's net profit fell sharply.")
    assert any("net profit fell" in line for line in found["company:CCJ"].evidence)


def test_a_name_that_forecasts_for_another_is_a_source(kb_small):
    found = stances(kb_small, "Chevron forecasts that Ortalyk will cut its growth forecast")
    assert "company:CVX" not in found
    assert found[""].direction == "down"


def test_a_phrase_straddling_the_lead_is_counted_once(kb_small):
    filler = "The board met on Tuesday to review the plan and its many annexes. " * 5
    late = "Later, after a long talk about many other matters of the day, Cameco's net profit fell sharply."
    assert len("Board meeting held") + len(TITLE_SEP) + len(filler) < len("Board meeting held") + 400 \
        < len("Board meeting held") + len(TITLE_SEP) + len(filler) + late.index("net profit")  # it straddles the lead
    found = stances(kb_small, "Board meeting held", filler + late)
    assert found["company:CCJ"].evidence == ("net profit fell (down)",)
    assert found["company:CCJ"].strength < 0.5  # one body phrase, not two


def test_taking_a_share_off_growth_reads_down():
    body = "The reform could shave half a point off growth this year" + TITLE_SEP
    stance = text_stance(body, Sentences(body), len(body) - 2, default_vocab())
    assert stance is not None and stance.evidence == ("off growth (down)",) and stance.direction != "up"
