"""Each role of event_effects.csv, alone, on the small KB: a broken rule fails its own test."""
from __future__ import annotations

import pytest

from stockgroups.kb import schema

from stockgroups.analysis.expose import roles
from stockgroups.analysis.expose.combine import Ledger, combine
from stockgroups.analysis.expose.records import Contribution
from stockgroups.analysis.expose.statements import moves_said
from stockgroups.analysis.expose.story import Story
from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.relevance import score_entities
from stockgroups.kb.load import ROLES
from stockgroups.model import Event

UNREST = Event("civil-unrest", "Civil unrest", 0.8, ("protests",))
DEPLOY = Event("military-deployment", "Military deployment", 0.6, ("soldiers were sent",))
BEAT = Event("earnings-beat", "Earnings beat", 0.6, ("topped estimates",), "up")
RECALL = Event("product-recall", "Product recall", 0.6, ("recalled",), "down")
OUTAGE = Event("plant-outage", "Plant outage", 0.6, ("halted production",), "down")
CAP = Event("price-cap", "Price cap", 0.6, ("price cap",), "down")

KZ = ("Protests spread across Kazakhstan",
      "Protests over fuel prices spread from Aktau to Almaty in Kazakhstan on Tuesday.")


def story_of(kb, title: str, text: str, events: list[Event]) -> Story:
    body = title + "\n\n" + text
    mentions = tuple(find_mentions(body, kb))
    entities = score_entities(body, len(title), mentions, kb)
    return Story(kb, entities, tuple(events), mentions, body, moves_said(body)[0])


def play(kb, role: str, title: str, text: str, event: Event, target: str | None = None) -> Ledger:
    """Run one role for one effect row of the event and return what it contributed."""
    story = story_of(kb, title, text, [event])
    effect = next(e for e in kb.effects[event.type] if e.target == (target or role))
    ledger = Ledger(kb)
    roles.handler_for(effect.target)(story, ledger, event, effect)
    return ledger


def group(ledger: Ledger, gid: str):
    assert gid in ledger.groups, f"{gid} not moved; moved: {sorted(ledger.groups)}"
    return combine(ledger.groups[gid])


def company(ledger: Ledger, cid: str):
    items = ledger.companies.get(cid) or []
    hit = ledger.producer_hits.get(next((k for k in ledger.producer_hits if k[1] == cid), ("", "")))
    contribs = [x.contribution for x in items]
    if hit:
        contribs.append(Contribution(cid, hit.score, hit.direction, hit.chain))
    assert contribs, f"{cid} not moved"
    return combine(contribs, mixed_counts=True)


def test_the_role_table_has_one_function_per_kb_role():
    assert set(roles.ROLE_TABLE) == set(ROLES)


def test_a_kb_role_without_a_function_is_a_start_up_error(monkeypatch):
    monkeypatch.setattr(schema, "ROLES", (*schema.ROLES, "new-role"))
    with pytest.raises(RuntimeError, match=r"missing \['new-role'\]"):
        schema.check_role_table(roles.ROLE_TABLE, owner="analysis/expose/roles.py")


def test_subject_country_falls_with_unrest_in_it(kb_small):
    ledger = play(kb_small, "subject-country", *KZ, UNREST)
    assert group(ledger, "country:KZ").direction == "down"
    assert "country:US" not in ledger.groups


def test_actor_countries_draws_in_the_leader_of_the_troop_sender(kb_small):
    ledger = play(kb_small, "actor-countries", "Kazakhstan asks for help",
                  "About 2,500 soldiers were sent by the Russian-led CSTO to Kazakhstan.", DEPLOY)
    russia = group(ledger, "country:RU")
    assert russia.direction == "neutral"
    assert any("led by Russia" in line for line in russia.chain)
    assert "country:KZ" not in ledger.groups  # the subject is not its own actor


def test_produced_commodities_moves_material_shares_each_its_own_way(kb_small):
    ledger = play(kb_small, "produced-commodities", *KZ, UNREST)
    assert group(ledger, "commodity:uranium").direction == "up"
    assert group(ledger, "commodity:bitcoin").direction == "down"  # its supply_shock_direction
    assert "commodity:crude-oil" not in ledger.groups  # 2% of world oil, and nothing ties it


def test_produced_commodities_takes_a_small_share_when_a_field_ties_it(kb_small):
    title, text = KZ
    ledger = play(kb_small, "produced-commodities", title, text + " Protests slowed the Tengiz field.", UNREST)
    oil = group(ledger, "commodity:crude-oil")
    assert oil.direction == "up" and any("Tengiz" in line for line in oil.chain)


def test_subject_commodity_follows_the_effect_row(kb_small):
    ledger = play(kb_small, "subject-commodity", "Price cap on crude",
                  "Ministers agreed a price cap on crude sold by sea.", CAP)
    assert group(ledger, "commodity:crude-oil").direction == "down"


def test_producer_industries_follow_the_commodity_outside_the_country(kb_small):
    ledger = play(kb_small, "producer-industries", *KZ, UNREST)
    assert group(ledger, "industry:uranium").direction == "up"
    assert any(line.endswith("outside Kazakhstan") for line in group(ledger, "industry:uranium").chain)
    assert company(ledger, "company:CCJ").direction == "up"
    assert not any(k[1] == "company:KAP.L" for k in ledger.producer_hits)  # the local one is not a winner


def test_consumer_industries_take_the_other_side_of_the_commodity(kb_small):
    # The cap row's own subject-commodity row sends crude down; consumers run on that basis.
    story = story_of(kb_small, "Price cap on crude", "Ministers agreed a price cap on crude sold by sea.", [CAP])
    row = next(e for e in kb_small.effects["civil-unrest"] if e.target == "consumer-industries")
    ledger = Ledger(kb_small)
    roles.consumer_industries(story, ledger, CAP, row)
    assert group(ledger, "industry:airlines").direction == "up"  # crude capped down: fuel is cheaper
    assert "commodity:crude-oil" not in ledger.groups  # the commodity itself is another role's


def test_local_producers_lose_output_and_operators_are_at_risk(kb_small):
    ledger = play(kb_small, "local-producers", *KZ, UNREST)
    assert company(ledger, "company:KAP.L").direction == "down"
    chevron = company(ledger, "company:CVX")
    assert chevron.direction == "down" and any("at risk" in line for line in chevron.chain)
    assert "company:CCJ" not in ledger.companies  # Canadian: not a local producer


def test_local_producers_operator_is_mixed_when_its_product_rises(kb_small):
    title, text = KZ
    ledger = play(kb_small, "local-producers", title, text + " Protests slowed the Tengiz field.", UNREST)
    assert company(ledger, "company:CVX").direction == "mixed"


def test_subject_company_moves_the_company_and_its_industry(kb_small):
    ledger = play(kb_small, "subject-company", "Apple Inc topped estimates",
                  "Apple topped estimates for the quarter on iPhone sales.", BEAT)
    assert company(ledger, "company:AAPL").direction == "up"
    assert group(ledger, "industry:technology-hardware").direction == "up"


def test_subject_company_industry_is_mixed_when_rivals_gain(kb_small):
    ledger = play(kb_small, "subject-company", "Apple Inc recalled chargers",
                  "Apple Inc recalled a million chargers on Monday.", RECALL)
    assert company(ledger, "company:AAPL").direction == "down"
    assert group(ledger, "industry:technology-hardware").direction == "mixed"


def test_peers_role_moves_the_industry_and_flags_rivals_apart(kb_small):
    ledger = play(kb_small, "peers", "Apple Inc recalled chargers", "Apple Inc recalled a million chargers on Monday.", RECALL)
    assert group(ledger, "industry:technology-hardware").direction == "mixed"
    assert "company:AAPL" not in ledger.companies  # peers moves the industry, not the company


def test_customers_of_the_subject_company_lose_its_parts(kb_small):
    ledger = play(kb_small, "customers", "Taiwan Semiconductor halted production",
                  "Taiwan Semiconductor halted production at a plant on Monday.", OUTAGE)
    assert company(ledger, "company:AAPL").direction == "down"
    assert "company:ASML" not in ledger.companies


def test_suppliers_of_the_subject_company_lose_orders(kb_small):
    ledger = play(kb_small, "suppliers", "Taiwan Semiconductor halted production",
                  "Taiwan Semiconductor halted production at a plant on Monday.", OUTAGE)
    assert company(ledger, "company:ASML").direction == "down"
    assert "company:AAPL" not in ledger.companies


def test_subject_industry_is_the_industry_the_story_names(kb_small):
    ledger = play(kb_small, "subject-industry", "Price cap for airlines",
                  "Regulators put a price cap on fares that airlines may charge.", CAP)
    assert group(ledger, "industry:airlines").direction == "down"


def test_a_group_id_target_moves_that_group(kb_small):
    ledger = play(kb_small, "industry:airlines", "Price cap on crude",
                  "Ministers agreed a price cap on crude sold by sea.", CAP)
    airlines = group(ledger, "industry:airlines")
    assert airlines.direction == "up" and "Airlines pay less for fuel" in airlines.chain


RATE_CUT = Event("rate-cut", "Rate cut", 0.6, ("cut interest rates",), "up")


def test_a_macro_shock_moves_world_commodities_by_the_size_of_the_economy(kb_full):
    def gold(country: str) -> float:
        ledger = play(kb_full, "commodity:gold", f"{country} cuts interest rates",
                      f"The central bank of {country} cut interest rates by half a point on Thursday.", RATE_CUT)
        return group(ledger, "commodity:gold").score

    us, turkey, iceland = gold("the United States"), gold("Turkey"), gold("Iceland")
    assert us > 2 * turkey > 0  # about 26% of world output against about 1%
    assert turkey > iceland  # no GDP in the KB: smaller than the smallest listed


def test_economy_weight_is_full_for_the_largest_economies_and_floored_for_the_rest(kb_full):
    assert roles.economy_weight(kb_full, "country:US")[0] == 1.0
    assert roles.economy_weight(kb_full, "country:CN")[0] == 1.0
    assert 0.2 < roles.economy_weight(kb_full, "country:GB")[0] < 0.6
    assert roles.economy_weight(kb_full, "country:IS")[0] == roles.ECONOMY_MIN_WEIGHT


COLD = Event("cold-snap", "Freeze / cold snap", 0.6, ("cold snap",), "up")


def test_a_cold_snap_moves_world_gas_by_the_economy_but_local_power_in_full(kb_full):
    def moved(country: str, target: str) -> float:
        ledger = play(kb_full, target, f"Cold snap grips {country}",
                      f"A cold snap gripped {country} on Monday, sending heating demand to a record.", COLD)
        return group(ledger, target).score

    gas = moved("the United States", "commodity:natural-gas") / moved("Spain", "commodity:natural-gas")
    power = moved("the United States", "commodity:electricity") / moved("Spain", "commodity:electricity")
    assert gas > 2 * power  # the economy's weight (1 against about 0.3) applies to gas only
