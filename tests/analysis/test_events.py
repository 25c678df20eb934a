"""Event detection: the right type for real phrasings, nothing for figurative ones, severity
that follows the story (damped by negation, lifted by intensity), and the event data checked
against the taxonomy."""
from __future__ import annotations

import csv
import pickle
from pathlib import Path

import pytest

from stockgroups.errors import KBError
from stockgroups.kb.load import ROLES
from stockgroups.analysis.events import (
    EFFECT_DIRECTIONS,
    EventMatcher,
    compile_event_types,
    find_events,
)

DATA = Path(__file__).resolve().parents[2] / "stockgroups" / "kb" / "data"

# The group ids of ../shared/taxonomy.md, embedded so the test runs in any clone.
SECTORS = ("energy materials industrials consumer-discretionary consumer-staples health-care "
           "financials information-technology communication-services utilities real-estate")
INDUSTRIES = """
oil-gas-exploration-production integrated-oil-gas oil-gas-refining-marketing
oil-gas-equipment-services oil-gas-midstream coal uranium chemicals
fertilizers-agricultural-chemicals gold-miners silver-miners copper-miners
diversified-metals-mining steel aluminum lithium-battery-materials paper-forest-products
construction-materials containers-packaging aerospace-defense airlines air-freight-logistics
marine-shipping railroads trucking construction-engineering machinery electrical-equipment
building-products industrial-conglomerates automobiles auto-parts homebuilders
hotels-resorts-cruise-lines restaurants casinos-gaming apparel-luxury broadline-retail
specialty-retail leisure-products food-products beverages tobacco household-personal-products
food-staples-retail agricultural-products pharmaceuticals biotechnology medical-devices
health-care-services life-sciences-tools banks insurance asset-management
exchanges-market-data payments consumer-finance crypto-digital-assets semiconductors
semiconductor-equipment software it-services cybersecurity communications-equipment
technology-hardware electronic-components telecom-services media-entertainment
interactive-media video-games electric-utilities gas-utilities water-utilities renewable-power
reits real-estate-development
"""
COMMODITIES = """
crude-oil natural-gas lpg refined-products coal uranium gold silver platinum palladium copper
aluminum nickel zinc iron-ore lithium cobalt rare-earths wheat corn soybeans sugar coffee cocoa
potash bitcoin electricity
"""
GROUP_IDS = frozenset(
    [f"sector:{s}" for s in SECTORS.split()]
    + [f"industry:{s}" for s in INDUSTRIES.split()]
    + [f"commodity:{s}" for s in COMMODITIES.split()]
)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def matcher() -> EventMatcher:
    return compile_event_types(_rows("events.csv"))


def _types(title: str, text: str, matcher: EventMatcher) -> list[str]:
    return [e.type for e in find_events(title, text, matcher)]


def _severity(title: str, text: str, event: str, matcher: EventMatcher) -> float:
    return next((e.severity for e in find_events(title, text, matcher) if e.type == event), 0.0)


# --- real phrasings find the right event -------------------------------------------------

@pytest.mark.parametrize("title, expected", [
    ("Thousands protest in Santiago as riots spread to the provinces", "civil-unrest"),
    ("Army seizes power in Niger coup, president detained", "coup"),
    ("Russian forces invade Ukraine as missile strikes hit Kyiv", "war"),
    ("NATO deploys troops to Romania after drone incident", "military-deployment"),
    ("Suicide bombing kills 30 at Kabul market", "terrorist-attack"),
    ("EU imposes new sanctions on Russian oil exports", "sanctions"),
    ("India extends export ban on non-basmati rice", "export-ban"),
    ("US doubles tariffs on Chinese steel and aluminium", "tariff"),
    ("Workers go on strike at Escondida copper mine", "strike"),
    ("Five miners trapped after mine collapse in Shaanxi", "mine-accident"),
    ("Druzhba pipeline shut after leak in Poland", "pipeline-outage"),
    ("Explosion at Texas refinery halts production", "plant-outage"),
    ("OPEC+ agrees to cut output by 2 million barrels a day", "opec-cut"),
    ("OPEC+ to raise output again in August", "opec-hike"),
    ("Frost damage in Minas Gerais hits Brazil's coffee crop", "cold-snap"),
    ("Severe drought slashes Argentina soybean harvest", "drought"),
    ("Europe heatwave pushes power prices to records", "heatwave"),
    ("Floods in Queensland shut coal mines", "flood"),
    ("Hurricane Ida makes landfall in Louisiana, shutting Gulf oil output", "hurricane"),
    ("Powerful earthquake strikes Taiwan; chip plants evacuated", "earthquake"),
    ("Wildfires rage across California, forcing thousands to flee", "wildfire"),
    ("Icelandic volcano erupts, grounding flights across Europe", "volcanic-eruption"),
    ("WHO declares mpox outbreak a global health emergency", "pandemic"),
    ("Ransomware attack shuts largest US fuel pipeline", "cyberattack"),
    ("Fed raises interest rates by 75 basis points", "rate-hike"),
    ("ECB cuts rates for the first time since 2019", "rate-cut"),
    ("Egypt devalues pound by 20% as currency crisis deepens", "currency-crisis"),
    ("US inflation accelerated to 9.1% in June", "inflation-hot"),
    ("Sri Lanka defaults on its debt for the first time", "sovereign-default"),
    ("FDA approves Lilly's Alzheimer's drug", "drug-approval"),
    ("Biogen drug failed its primary endpoint in late-stage trial", "drug-rejection"),
    ("Ford recalls 500,000 vehicles over brake defect", "product-recall"),
    ("Nvidia beats estimates as data center revenue soars", "earnings-beat"),
    ("Target cuts its forecast as shoppers pull back", "guidance-cut"),
    ("Microsoft agrees to acquire Activision Blizzard for $69 billion", "merger-acquisition"),
    ("Evergrande files for bankruptcy protection in New York", "bankruptcy"),
    ("Houthi attacks on ships in the Red Sea force carriers to reroute", "shipping-disruption"),
    ("Kazakhstan imposes internet shutdown as unrest grows", "internet-shutdown"),
    ("Hackers drain $600 million in DeFi exploit of crypto bridge", "crypto-hack"),
    ("Lockheed Martin wins $1 billion contract for missile defence", "contract-win"),
    ("Jury verdict orders Bayer to pay $2 billion over Roundup", "lawsuit"),
    ("Rolling blackouts hit South Africa as load shedding deepens", "power-outage"),
    ("Prime minister resigns as coalition collapses", "government-collapse"),
    ("Amazon cuts jobs in its cloud unit", "layoffs"),
    ("Silicon Valley Bank fails after a bank run by depositors", "bank-failure"),
    # two-part cues: the parts may have a few words between them
    ("OPEC+ agreed on Wednesday to cut its production target", "opec-cut"),
    ("Nike cut its full-year sales forecast", "guidance-cut"),
    ("Intel to cut 15% of its jobs", "layoffs"),
    ("Russian court orders halt to Caspian pipeline", "pipeline-outage"),
])
def test_headline_finds_event(title: str, expected: str, matcher: EventMatcher) -> None:
    assert expected in _types(title, "", matcher)


def test_event_in_the_lead_paragraph_counts(matcher: EventMatcher) -> None:
    text = ("Chilean workers at the world's largest copper mine went on strike on Monday after "
            "wage talks failed, the union said.")
    assert _types("Copper prices rise", text, matcher) == ["strike"]


def test_two_part_cue_needs_its_parts_close_in_one_sentence(matcher: EventMatcher) -> None:
    apart = "OPEC+ ministers met in Vienna. Separately, the airline said it would cut fares."
    far = ("OPEC+ ministers, meeting in Vienna with observers from several other producing "
           "countries, agreed to cut")
    assert "opec-cut" not in _types(apart, "", matcher)
    assert "opec-cut" not in _types(far, "", matcher)


def test_direction_comes_from_the_event(matcher: EventMatcher) -> None:
    beat, = find_events("Nvidia beats estimates", "", matcher)
    miss, = find_events("Intel misses estimates", "", matcher)
    hike, = find_events("Fed raises interest rates", "", matcher)
    assert (beat.direction, miss.direction, hike.direction) == ("up", "down", "neutral")
    assert beat.cues == ("beats estimates",)


# --- figurative uses find nothing, or not that event ---------------------------------------

@pytest.mark.parametrize("text, not_expected", [
    ("The new model bears a striking resemblance to its predecessor.", "strike"),
    ("The ad drew a storm of criticism on social media.", "hurricane"),
    ("The striker's strike in the 89th minute sealed the win.", "strike"),
    ("Analysts said the weak shares had become target practice for short sellers.", "war"),
    ("The recipe calls for a flood of butter and cream.", "flood"),
    ("The company saw a flood of orders after the launch.", "flood"),
    ("Retailers are locked in a price war over holiday discounts.", "war"),
    ("The war of words between the two chief executives escalated.", "war"),
    ("Landing the deal was quite a coup for the company.", "coup"),
    ("The director is shooting a film in Morocco this summer.", "terrorist-attack"),
    ("The fans were fired up before kickoff.", "plant-outage"),
    ("Butler brought the record heat in the fourth quarter as the Heat scored 40 points.",
     "heatwave"),
    ("The app's popularity spread like wildfire among teenagers.", "wildfire"),
    ("Critics called the sequel a laugh riot.", "civil-unrest"),
    ("Bankers braced for a tsunami of new listings.", "earthquake"),
    ("The vote was a political earthquake for the ruling party.", "earthquake"),
    ("Activision Blizzard shares rose after the console launch.", "cold-snap"),
    ("The goalkeeper ended a long scoring drought.", "drought"),
    ("Since the pandemic, remote work has become common.", "pandemic"),
    ("She recalled the early days of the company fondly.", "product-recall"),
    ("A bidding war broke out for the startup.", "war"),
    ("The chipmaker gave a live demonstration of its new processor.", "civil-unrest"),
    ("The merger is subject to regulatory approval.", "drug-approval"),
])
def test_figurative_use_is_not_the_event(text: str, not_expected: str,
                                         matcher: EventMatcher) -> None:
    assert not_expected not in _types(text, "", matcher)


@pytest.mark.parametrize("text", [
    "The new model bears a striking resemblance to its predecessor.",
    "The ad drew a storm of criticism on social media.",
    "The recipe calls for a flood of butter and cream.",
    "The fans were fired up before kickoff.",
])
def test_figurative_use_finds_nothing(text: str, matcher: EventMatcher) -> None:
    assert find_events(text, "", matcher) == ()


# --- negation, hedging, resolution and history damp; intensity lifts -----------------------

@pytest.mark.parametrize("plain, damped, event", [
    ("Workers go on strike at the port", "Workers did not go on strike at the port", "strike"),
    ("Workers go on strike at the port", "Union calls off planned strike at the port", "strike"),
    ("Workers go on strike at the port", "Workers may go on strike at the port", "strike"),
    ("Rail strike ends after a week", "Rail strike averted after last-minute deal", "strike"),
    ("Army seizes power in military coup", "Markets calm on the anniversary of the military coup",
     "coup"),
    ("Economy slides into recession", "Investors weigh fears of a recession", "recession"),
    ("EU imposes sanctions on Iran", "EU lifted sanctions on Iran", "sanctions"),
])
def test_negation_and_resolution_damp(plain: str, damped: str, event: str,
                                      matcher: EventMatcher) -> None:
    assert _severity(damped, "", event, matcher) < _severity(plain, "", event, matcher)


def test_history_headline_damps_the_whole_story(matcher: EventMatcher) -> None:
    text = "Arab producers announced an oil embargo on shipments to the United States."
    news = _severity("Arab producers announce oil embargo", text, "embargo", matcher)
    history = _severity("Fifty years on: how the 1973 oil embargo changed the world", text,
                        "embargo", matcher)
    assert history < news / 2


def test_hedged_event_is_still_reported(matcher: EventMatcher) -> None:
    assert "strike" in _types("Dockworkers could go on strike next week", "", matcher)


def test_may_the_month_does_not_hedge(matcher: EventMatcher) -> None:
    assert _severity("In May, workers went on strike at the port", "", "strike", matcher) == \
        _severity("Workers went on strike at the port", "", "strike", matcher)


def test_intensity_and_casualties_raise_severity(matcher: EventMatcher) -> None:
    calm = _severity("Protesters gather in the capital", "", "civil-unrest", matcher)
    deadly = _severity("Deadly protests: more than 1,000 people killed in crackdown on protesters",
                       "", "civil-unrest", matcher)
    assert deadly > calm + 0.15


def test_headline_outweighs_passing_mention(matcher: EventMatcher) -> None:
    filler = "Shares were little changed in morning trade. " * 30
    passing = filler + "Some analysts mentioned the strike vote."
    assert "strike" not in _types("Oil major reports steady quarter", passing, matcher)
    assert "strike" in _types("Union holds strike vote at oil major", filler, matcher)


def test_sorted_by_severity(matcher: EventMatcher) -> None:
    events = find_events("Deadly earthquake hits Turkey; insurers brace for claims",
                         "The quake killed thousands. Separately, a retailer unveiled a new app.",
                         matcher)
    assert events[0].type == "earthquake"
    assert [e.severity for e in events] == sorted((e.severity for e in events), reverse=True)


def test_matcher_survives_pickling(matcher: EventMatcher) -> None:
    """Spark ships the compiled matcher to workers."""
    copy = pickle.loads(pickle.dumps(matcher))
    story = ("Deadly riots spread", "Protesters clashed with police. Thousands marched.")
    assert find_events(*story, copy) == find_events(*story, matcher)


def test_no_cues_no_events(matcher: EventMatcher) -> None:
    assert find_events("Quarterly report", "The company sells software to banks.", matcher) == ()
    assert find_events("", "", matcher) == ()


# --- the seed story ------------------------------------------------------------------------

def _seed(seed_text: str) -> tuple[str, str]:
    from stockgroups.sources.formats.text import split_title

    return split_title(seed_text)


def test_seed_story_is_severe_civil_unrest(matcher: EventMatcher, seed_text: str) -> None:
    title, text = _seed(seed_text)
    events = find_events(title, text, matcher)
    assert events[0].type == "civil-unrest"
    assert events[0].severity >= 0.7
    assert "military-deployment" in [e.type for e in events]
    assert "government-collapse" in [e.type for e in events]


# --- compile errors ------------------------------------------------------------------------

GOOD = {"id": "event:test", "name": "Test", "category": "macro", "severity": "0.5",
        "shock": "neutral", "cues": "test cue", "source": "Stock Groups team",
        "as_of": "2026-11-25"}


@pytest.mark.parametrize("change, message", [
    ({"severity": "1.5"}, "severity"),
    ({"severity": "high"}, "severity"),
    ({"shock": "boom"}, "shock"),
    ({"category": "weather"}, "category"),
    ({"id": "civil-unrest"}, "event:<slug>"),
    ({"cues": ""}, "cues"),
    ({"cues": "Capital Letters"}, "lower case"),
    ({"cues": "a ~ b ~ c"}, "split"),
    ({"negative_cues": "price ~ war"}, "two parts"),
    ({"scope": "planet"}, "scope"),
])
def test_bad_row_raises_kb_error(change: dict, message: str) -> None:
    with pytest.raises(KBError, match=message) as err:
        compile_event_types([GOOD, {**GOOD, "id": "event:other", **change}])
    assert "line 3" in str(err.value) and "\n" not in str(err.value)


def test_duplicate_id_raises_kb_error() -> None:
    with pytest.raises(KBError, match="duplicate"):
        compile_event_types([GOOD, GOOD])


def test_bad_csv_file_raises_kb_error(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("id,name,category,severity,shock,cues,source,as_of\n"
                    "event:x,X,macro,2,neutral,x marks,Stock Groups team,2026-11-25\n")
    with open(path, newline="", encoding="utf-8") as f, pytest.raises(KBError, match="severity"):
        compile_event_types(list(csv.DictReader(f)))


# --- the data ------------------------------------------------------------------------------

REQUIRED_TYPES = (
    "civil-unrest", "coup", "war", "military-deployment", "terrorist-attack", "sanctions",
    "export-ban", "tariff", "embargo", "strike", "mine-accident", "pipeline-outage",
    "plant-outage", "nuclear-incident", "opec-cut", "opec-hike", "production-cut",
    "production-increase", "cold-snap", "drought", "heatwave", "flood", "hurricane", "earthquake",
    "wildfire", "volcanic-eruption", "pandemic", "cyberattack", "it-outage", "rate-hike",
    "rate-cut", "currency-crisis", "inflation-hot", "inflation-cool", "jobs-report", "gdp-print",
    "recession", "sovereign-default", "election", "government-collapse", "trade-deal", "antitrust",
    "regulatory-fine", "drug-approval", "drug-rejection", "product-recall", "earnings-beat",
    "earnings-miss", "guidance-raise", "guidance-cut", "merger-acquisition", "ceo-change",
    "bankruptcy", "fraud", "layoffs", "dividend-buyback", "ipo", "shipping-disruption",
    "internet-shutdown", "price-cap", "stimulus", "crypto-hack", "data-breach", "product-launch",
    "contract-win", "lawsuit",
)


def test_event_types_cover_the_list() -> None:
    ids = {row["id"] for row in _rows("events.csv")}
    assert len(ids) >= 45
    assert {f"event:{slug}" for slug in REQUIRED_TYPES} <= ids


def test_every_row_is_sourced() -> None:
    for name in ("events.csv", "event_effects.csv"):
        for row in _rows(name):
            assert row["source"].strip() and row["as_of"].strip(), (name, row)


def test_every_event_type_has_effects() -> None:
    with_effects = {row["event"] for row in _rows("event_effects.csv")}
    missing = {row["id"] for row in _rows("events.csv")} - with_effects
    assert not missing


def test_every_effect_row_names_a_taxonomy_group_or_role_with_a_valid_direction_and_reason() -> None:
    """One check over every row of event_effects.csv; the message lists every bad row."""
    bad = []
    for line, row in enumerate(_rows("event_effects.csv"), start=2):
        problems = []
        if row["target"] not in GROUP_IDS and row["target"] not in ROLES:
            problems.append(f"target {row['target']!r} is neither a taxonomy group nor a role")
        if row["direction"] not in EFFECT_DIRECTIONS:
            problems.append(f"direction {row['direction']!r}")
        try:
            if not 0.0 <= float(row["weight"]) <= 1.0:
                problems.append(f"weight {row['weight']} outside 0..1")
        except ValueError:
            problems.append(f"weight {row['weight']!r} is not a number")
        if not row["why"].strip():
            problems.append("no why")
        if row["direction"] == "shock" and not (row["target"].startswith("commodity:") or "commodit" in row["target"]):
            problems.append("direction shock on a target that is not a commodity")
        bad += [f"event_effects.csv:{line}: {p}" for p in problems]
    assert not bad, "\n".join(bad)


def test_effect_rows_are_unique() -> None:
    pairs = [(row["event"], row["target"]) for row in _rows("event_effects.csv")]
    assert len(pairs) == len(set(pairs))


def test_cues_are_not_shared_between_event_types() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for row in _rows("events.csv"):
        for cue in row["cues"].split("|"):
            if cue in owner:
                clashes.append((cue, owner[cue], row["id"]))
            owner[cue] = row["id"]
    assert not clashes
