import pytest
from conftest import exposures_of

from stockgroups.analysis.expose.combine import combine as _combine
from stockgroups.analysis.expose.records import Contribution
from stockgroups.analysis.pipeline import analyze
from stockgroups.model import Event

KZ_TITLE = "Kazakhstan president orders troops to fire without warning"
KZ_TEXT = ("Protests over fuel prices spread from Aktau to Almaty. Tokayev declared an emergency in "
           "Kazakhstan. About 2,500 soldiers were sent by the Russian-led CSTO to Kazakhstan. "
           "The president thanked Uzbekistan, China and Russia for their support.")
UNREST = Event("civil-unrest", "Civil unrest", 0.8, ("protests",))
DEPLOY = Event("military-deployment", "Military deployment", 0.6, ("soldiers were sent",))


@pytest.fixture
def kz(kb_small):
    return exposures_of(kb_small, KZ_TITLE, KZ_TEXT, [UNREST, DEPLOY])


def test_subject_country_down(kz):
    groups, _ = kz
    assert groups["country:KZ"].direction == "down"


def test_uranium_up_with_the_share_in_the_evidence(kz):
    groups, _ = kz
    uranium = groups["commodity:uranium"]
    assert uranium.direction == "up"
    assert any("43%" in line and "Kazakhstan" in line for line in uranium.evidence)
    assert groups["industry:uranium"].direction == "up"


def test_sector_follows_industry_and_is_not_stronger(kz):
    groups, _ = kz
    assert groups["sector:energy"].score <= max(groups["industry:uranium"].score,
                                                groups.get("industry:integrated-oil-gas", groups["industry:uranium"]).score)


def test_producers_inside_and_outside_move_apart(kz):
    _, companies = kz
    assert companies["CCJ"].direction == "up"
    assert companies["KAP.L"].direction == "down"


def test_bitcoin_takes_its_own_shock_direction(kz):
    groups, _ = kz
    assert groups["commodity:bitcoin"].direction == "down"
    assert groups["industry:crypto-digital-assets"].direction == "down"


def test_small_producer_share_needs_a_tie(kz):
    groups, _ = kz
    # Kazakhstan pumps 2% of world oil: only in because the story names fuel prices? No:
    # "fuel prices" is not an alias here, and no field is named, so oil stays out.
    assert "commodity:crude-oil" not in groups


def test_named_field_ties_a_small_share(kb_small):
    groups, companies = exposures_of(kb_small, KZ_TITLE, KZ_TEXT + " Protests slowed output at the Tengiz field.", [UNREST])
    assert groups["commodity:crude-oil"].direction == "up"
    assert companies["CVX"].direction == "mixed"
    assert any("Tengizchevroil" in line for line in companies["CVX"].evidence)


def test_troop_sender_is_involved_and_passing_names_are_not(kz):
    groups, _ = kz
    assert groups["country:RU"].direction == "neutral"
    assert any("led by Russia" in line for line in groups["country:RU"].evidence)
    assert "country:UZ" not in groups and "country:CN" not in groups
    assert groups["country:KZ"].score > groups["country:RU"].score


def test_no_event_no_groups(kb_small):
    groups, companies = exposures_of(kb_small, "Kazakhstan travel notes", "We walked around Almaty.", [])
    assert groups == {} and companies == {}


def test_stated_moves_are_attached(kb_small):
    groups, companies = exposures_of(kb_small, "Markets", "Chevron shares fell 3% on Monday.", [])
    assert companies["CVX"].direction == "down"


def test_combine_is_noisy_or_and_flags_mixed():
    c = _combine([Contribution("x", 0.5, "up", ("a",)), Contribution("x", 0.5, "down", ("b",))])
    assert c.score == pytest.approx(0.75)
    assert c.direction == "mixed"
    c = _combine([Contribution("x", 0.6, "up", ("a",)), Contribution("x", 0.1, "down", ("b",))])
    assert c.direction == "up" and c.chain == ("a", "b")


def test_field_named_in_passing_does_not_tie(kb_small):
    groups, _ = exposures_of(kb_small, KZ_TITLE, KZ_TEXT + " Tourists once visited the Tengiz field.", [UNREST])
    assert "commodity:crude-oil" not in groups


def test_a_company_s_stated_share_move_outranks_the_direction_the_graph_infers(kb_full):
    text = ("Strong earthquake in Taiwan halts chip production\n\nA strong earthquake struck Taiwan on Wednesday, "
            "forcing TSMC and other chipmakers to halt production lines for inspection. Memory maker Micron also "
            "paused some lines at its Taiwan plants. Chip prices were expected to rise as supply tightened, and "
            "Micron's shares rose 3% in New York.")
    companies = {c.ticker: c for c in analyze(text, kb_full).companies}
    assert companies["MU"].direction == "up" and companies["MU"].evidence[0].startswith("The story says")
    assert companies["2330.TW"].direction == "down"  # no move stated for TSMC: the quake's inference stands
