"""Scale and place: an event's reach is judged before it cascades."""
from __future__ import annotations

from stockgroups.analysis.expose.reach import _case_count, judge_reach
from stockgroups.analysis.expose.statements import moves_said
from stockgroups.analysis.expose.story import Story
from stockgroups.analysis.events import event_matcher, find_events
from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.pipeline import analyze
from stockgroups.analysis.relevance import score_entities
from stockgroups.analysis.segment import sentences_of
from stockgroups.model import Event
from conftest import exposures_of as exposures

UNREST = Event("civil-unrest", "Civil unrest", 0.8, ("protesters",))


def reach(kb, title, text, event):
    body = title + "\n\n" + text
    mentions = tuple(find_mentions(body, kb))
    entities = {e.id: e for e in score_entities(body, len(title), mentions, kb)}
    sentences = sentences_of(body)
    lower, cue = body.lower(), event.cues[0]
    cue_sentences = {sentences.index(at) for at in range(len(lower)) if lower.startswith(cue, at)}
    return judge_reach(kb, event, kb.event_categories[event.type][1], entities, mentions, sentences, cue_sentences)


def test_a_rally_at_one_statehouse_is_local_and_moves_no_national_supply(kb_small):
    title, text = "Teachers rally at the statehouse", "About 300 protesters gathered outside the statehouse in Atlanta on Monday."
    assert reach(kb_small, title, text, UNREST).scope == "local"
    groups, _ = exposures(kb_small, title, text, [UNREST])
    assert "commodity:bitcoin" not in groups  # the US mines 35% of bitcoin: not at stake here
    assert "country:US" not in groups


def test_the_same_protest_nationwide_reaches_the_national_output_the_story_names(kb_small):
    title = "Protests sweep the country"
    text = ("Protesters filled streets nationwide, from Atlanta to every state capital in the United States. "
            "Bitcoin miners said power cuts had idled some of their rigs.")
    assert reach(kb_small, title, text, UNREST).scope == "country"
    groups, _ = exposures(kb_small, title, text, [UNREST])
    assert groups["commodity:bitcoin"].direction == "down"


def test_mild_nationwide_unrest_leaves_the_commodities_the_story_never_names_a_grave_one_reaches_them(kb_small):
    title, text = "Protests sweep the country", "Protesters filled streets nationwide, from Atlanta to every state capital in the United States."
    mild = Event("civil-unrest", "Civil unrest", 0.4, ("protesters",))
    assert reach(kb_small, title, text, mild).scope == "country"
    assert "commodity:bitcoin" not in exposures(kb_small, title, text, [mild])[0]  # a march is no threat to output
    assert exposures(kb_small, title, text, [UNREST])[0]["commodity:bitcoin"].direction == "down"


def test_an_event_placed_nowhere_moves_nothing(kb_small):
    title, text = "A perfect storm at the office", "The protesters in our office want longer lunch breaks."
    assert reach(kb_small, title, text, UNREST).scope == "none"
    assert exposures(kb_small, title, text, [UNREST]) == ({}, {})


def test_local_unrest_puts_only_operations_at_that_place_at_risk(kb_small):
    local = exposures(kb_small, "Protesters gather in Aktau", "Protesters gathered in the port city of Aktau on Monday.", [UNREST])
    national = exposures(kb_small, "Protests spread across Kazakhstan",
                         "Protesters gathered in Aktau, Almaty and across the country on Monday.", [UNREST])
    assert "CVX" not in local[1]  # Chevron's exposure is Kazakhstan-wide, not to Aktau
    assert "CVX" in national[1]


def test_case_counts_are_read_from_words_and_numbers():
    assert _case_count("officials confirmed one case of the disease") == 1
    assert _case_count("3,200 new confirmed cases were reported") == 3200
    assert _case_count("no count here") is None


def test_a_single_disease_case_does_not_send_airlines_down(kb_full):
    a = analyze("Dallas hospital confirms a case of Ebola\n\nHealth officials in Dallas confirmed one case of "
                "Ebola on Tuesday in a patient who had returned from abroad. The patient is in isolation.", kb_full)
    groups = {g.id: g for g in a.groups}
    assert "industry:airlines" not in groups and "industry:hotels-resorts-cruise-lines" not in groups


def test_a_regional_power_shutoff_lists_no_chipmakers_or_gold_miners(kb_full):
    a = analyze("Blackouts hit two California counties as utility cuts power\n\nPG&E switched off power to about 30,000 "
                "customers in two counties in Northern California on Tuesday to lower the risk of wildfires "
                "during strong winds, causing blackouts until Thursday.", kb_full)
    tickers = {c.ticker for c in a.companies}
    industries = {g.id for g in a.groups}
    assert not tickers & {"TSM", "2330.TW", "NEM", "GOLD", "ABX.TO"}
    assert "industry:semiconductors" not in industries and "industry:gold-miners" not in industries
    assert "country:US" not in industries  # one region's outage does not move the US market


def test_anti_submarine_warfare_in_a_museum_is_not_a_war(kb_full):
    a = analyze("Museum opens gallery on anti-submarine warfare\n\nA maritime museum opened a gallery on "
                "anti-submarine warfare, with sonar recordings and a rebuilt radio room.", kb_full)
    assert a.groups == ()


def test_a_game_title_is_not_a_war(kb_full):
    events = find_events("Review: 'Empires at War' is handsome, but the battles drag",
                         "The new game Empires at War looks splendid, with painted maps.",
                         event_matcher(kb_full))
    assert "war" not in {e.type for e in events}


def test_a_named_storm_is_still_the_storm(kb_full):
    events = find_events("Hurricane Ida makes landfall", "Hurricane Ida made landfall in Louisiana as a category 4 storm.",
                         event_matcher(kb_full))
    assert "hurricane" in {e.type for e in events}


def test_cue_offsets_come_from_the_event_stage_on_word_boundaries(kb_full):
    title, text = "Software stocks slide as war escalates", "The war between the two countries escalated on Monday."
    events = find_events(title, text, event_matcher(kb_full))
    body = title + "\n\n" + text
    war = next(e for e in events if e.type == "war")
    assert war.at and all(body[at:at + 3].lower() == "war" and not body[at - 1].isalpha() for at in war.at)


BEAT = Event("earnings-beat", "Earnings beat", 0.4, ("topped estimates",), "up")


def test_a_background_clause_does_not_outrank_the_headline_event(kb_small):
    title = "Apple Inc topped estimates for the quarter"
    text = ("Apple Inc topped estimates on strong iPhone sales. The results came weeks after protesters "
            "gathered in Almaty, Kazakhstan, over fuel prices.")
    body = title + "\n\n" + text
    mentions = tuple(find_mentions(body, kb_small))
    entities = score_entities(body, len(title), mentions, kb_small)
    story = Story(kb_small, entities, (UNREST, BEAT), mentions, body, moves_said(body)[0])
    assert story.main_event is BEAT  # the more severe unrest is only background
    assert story.reach_of(UNREST).factor < 1.0
    groups, companies = exposures(kb_small, title, text, [UNREST, BEAT])
    assert companies["AAPL"].direction == "up"
    assert groups.get("country:KZ") is None or groups["country:KZ"].score < companies["AAPL"].score


def test_a_cue_inside_a_name_the_linker_found_is_not_an_event(kb_full):
    title = "Hurricane Harris takes over at the utility"
    text = "Hurricane Harris, a former engineer, will run the company from June."
    body = title + "\n\n" + text
    names = tuple((at, at + len("Hurricane Harris")) for at in (0, body.index("Hurricane Harris", 1)))
    assert "hurricane" in {e.type for e in find_events(title, text, event_matcher(kb_full))}  # blind to names
    assert find_events(title, text, event_matcher(kb_full), names) == ()


def test_cue_offsets_point_into_the_body_with_or_without_a_headline(kb_full):
    from stockgroups.model import Article
    from stockgroups.analysis.pipeline import run
    for article in (Article("x", title="Strike", text="Dockworkers went on strike at the port of Santos."),
                    Article("x", title="", text="Dockworkers went on strike at the port of Santos.")):
        a = run(article, kb_full)
        strike = next(e for e in a.events if e.type == "strike")
        assert all(a.body[at:].lower().startswith("went on strike") or a.body[at:].lower().startswith("strike")
                   for at in strike.at), (a.body, strike.at)


def test_money_at_stake_scales_a_regulatory_event():
    from stockgroups.analysis.expose.reach import largest_amount, money_factor
    assert largest_amount("fined the bank $50,000 and later $2.5 million") == 2_500_000
    assert largest_amount("a penalty of $3 billion") == 3e9
    assert money_factor(5e4) < money_factor(1e7) < money_factor(3e9) == 1.0


def test_a_small_fine_does_not_cascade_to_the_banks_industry_a_large_one_does(kb_full):
    """Scale in the event cascade: money at stake sets how far a fine reaches (the subject
    layer's side is in test_subjects)."""
    fine = Event("regulatory-fine", "Regulatory fine", 0.31, ("fined",), "down")
    small = exposures(kb_full, "Regulator fines Wells Fargo $50,000 over late filings",
                      "A state regulator fined Wells Fargo $50,000 on Tuesday for filing two reports late.",
                      [fine])
    large = exposures(kb_full, "Regulator fines Wells Fargo $3 billion over fake accounts",
                      "A regulator fined Wells Fargo $3 billion on Tuesday over millions of fake accounts.",
                      [fine])
    assert "industry:banks" not in small[0] and "WFC" not in small[1]
    assert "industry:banks" in large[0] and "WFC" in large[1]


def test_a_stated_share_of_world_supply_sets_what_a_local_event_puts_at_stake(kb_small):
    title = "Protesters block the Tengiz field"
    plain = "Protesters blocked the Tengiz field on Monday."
    stated = "Protesters blocked the Tengiz field on Monday, halting about 3% of world oil supply."
    assert reach(kb_small, title, plain, UNREST).world_share == 0.0
    assert reach(kb_small, title, stated, UNREST).world_share == 0.03
    small, large = exposures(kb_small, title, plain, [UNREST])[0], exposures(kb_small, title, stated, [UNREST])[0]
    assert large["commodity:crude-oil"].score > small["commodity:crude-oil"].score  # 3% beats the site's 0.6%
