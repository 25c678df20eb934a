"""One function per role an event_effects.csv row may name, in one table.

A row's target is a group id (the effect lands on that group) or a role, resolved here
through the graph:

  subject country --produces--> commodity --producer/consumer--> industry
  commodity producers inside the country move against the ones outside
  company --industry--> peers; company --supplier-to/customer-of--> companies

The table is checked against the knowledge base's list of roles when this module loads:
a role with no function, or a function for no role, is an error at start-up.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from stockgroups.analysis.expose.combine import COUNTRY_COMPANY_DAMP, Ledger
from stockgroups.analysis.expose.commodities import commodity_basis, commodity_direction, commodity_moves, share_factor
from stockgroups.analysis.expose.reach import LOCAL_DAMP
from stockgroups.analysis.expose.records import ProducerHit
from stockgroups.analysis.expose.story import Story, full_strength
from stockgroups.kb import schema
from stockgroups.model import Event

if TYPE_CHECKING:
    from stockgroups.kb.load import KB, Effect, EntityInfo, Fact

SUBJECT_INDUSTRY_DAMP = 0.6  # a company's news moves its industry, less than itself
INDEX_HEAVYWEIGHT = 0.15  # a company this big a share of its home index moves the country
INDEX_FULL_WEIGHT = 0.3
LINKED_INDUSTRY_MIN = 3  # customers or suppliers from one industry before the industry moves
# Macro shocks and disasters move global industry groups in proportion to the share of
# the listed universe in the country: full at this many KB companies, never below the floor.
MARKET_SCALED_CATEGORIES = ("macro", "disaster")
# World GDP, current US$ billions, 2023 (World Bank WDI NY.GDP.MKTP.CD), against which the
# countries' GDP (countries.csv) is a share; macro news reaches world commodity demand in
# full from ECONOMY_FULL_SHARE of it.
WORLD_GDP_USD_BN = 105_400.0
ECONOMY_FULL_SHARE = 0.15
ECONOMY_MIN_WEIGHT = 0.1
REGIONAL_COMMODITIES = frozenset({"commodity:electricity"})
MARKET_FULL_COMPANIES = 150
MARKET_MIN_WEIGHT = 0.35
# Second-order damping: producers track the commodity closely, consumers less so.
PRODUCER_DAMP = 0.9
CONSUMER_DAMP = 0.6
CONSUMER_MIN_BASIS = 0.3
LOCAL_PRODUCER_DAMP = 0.9
OPERATOR_DAMP = 0.7  # a foreign company with operations in the country
OPERATOR_FULL_EXPOSURE = 0.3  # ... hit fully when that country is this share of its business
COUNTRY_LIST_MAX = 30  # a country with at most this many KB companies has them listed under it
COMPANIES_PER_GROUP = 8
FLIP = {"up": "down", "down": "up", "mixed": "mixed", "neutral": "neutral"}

Role = Callable[[Story, Ledger, Event, "Effect"], None]


def _direction(ev: Event, eff: Effect) -> str:
    """The effect's own direction, or the event's sign for a "shock" row."""
    return ev.direction if eff.direction == "shock" else eff.direction


# -- a fixed group ------------------------------------------------------------------------
def fixed_group(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """A row naming a group id: that group moves, as far as the story's subject reaches."""
    kb = story.kb
    subject = story.main_subject()
    reach = max(story.rel(subject), 0.6) if subject else 0.6
    where = kb.name(subject) if subject and subject.startswith("country:") else ""
    chain = [story.event_line(ev, where), eff.why]
    reach_of = story.reach_of(ev)
    if reach_of.downgraded:
        chain.append(f"Reach: {reach_of.why}")
        reach *= LOCAL_DAMP
    if _market_scaled(story, ev, eff):
        weight = _market_weight(story, subject)
        if weight < 1.0:
            chain.append(f"{where} is a small part of the listed {kb.name(eff.target).lower()} universe")
        reach *= weight
    if _demand_scaled(story, ev, eff) and subject.startswith("country:"):
        weight, share = economy_weight(kb, subject)
        if weight < 1.0:
            chain.append(f"{where} makes about {share * 100:.1f}% of world output: its "
                         f"{ev.name.lower()} moves world {kb.name(eff.target).lower()} demand less")
        reach *= weight
    ledger.add(eff.target, story.strength(ev) * eff.weight * reach, _direction(ev, eff), chain)


def _demand_scaled(story: Story, ev: Event, eff: Effect) -> bool:
    """A world commodity moved through one country's demand (a rate move, a recession, a cold
    snap's heating demand, an epidemic's travel) moves by that country's weight in the world
    economy. Supply shocks go through producer shares instead; power is priced regionally."""
    category = story.category(ev)
    return eff.target.startswith("commodity:") and eff.direction != "shock" and (
        category == "macro" or (category == "disaster" and eff.target not in REGIONAL_COMMODITIES))


def economy_weight(kb: KB, country: str) -> tuple[float, float]:
    """How much a country's macro news (a rate move, a recession, a stimulus) moves world
    commodity markets: its share of world GDP, full weight from ECONOMY_FULL_SHARE (the US,
    China), the square root below (as producer shares), at least ECONOMY_MIN_WEIGHT. A
    country the KB gives no GDP for is smaller than the smallest it lists."""
    info = kb.entities.get(country)  # the loader has checked gdp_usd_bn is a number
    share = float(info.get("gdp_usd_bn") or 0.0) / WORLD_GDP_USD_BN if info is not None else 0.0
    return max(ECONOMY_MIN_WEIGHT, min(1.0, math.sqrt(share / ECONOMY_FULL_SHARE))), share


def _market_scaled(story: Story, ev: Event, eff: Effect) -> bool:
    """Global industry groups move with a local macro shock or disaster only in proportion
    to how much of the listed universe sits in that country (a Turkish rate cut does not
    move the world's homebuilders; a Fed hike does)."""
    return (story.category(ev) in MARKET_SCALED_CATEGORIES and story.scope(ev) == "local"
            and eff.target.startswith("industry:"))


def _market_weight(story: Story, subject: str) -> float:
    if not subject.startswith("country:"):
        return 1.0
    listed = len(story.kb.companies_by_country.get(subject, ()))
    return max(MARKET_MIN_WEIGHT, min(1.0, listed / MARKET_FULL_COMPANIES))


# -- countries ----------------------------------------------------------------------------
def subject_country(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The country the event happens in (or, for sanctions, the one they target)."""
    kb = story.kb
    reach = story.reach_of(ev)
    for c in story.countries_for(ev):
        direction = _direction(ev, eff)
        score = story.strength(ev) * eff.weight * c.relevance
        chain = (story.event_line(ev, c.name), eff.why)
        hop = 1
        if reach.downgraded:  # a local event moves the country's equities far less
            score *= LOCAL_DAMP
            chain += (f"Reach: {reach.why}",)
            hop = 2  # reached through its site, not reported of the country itself
        elif reach.scope == "local" and reach.places:
            # An event at named sites moves a small market's equities, hardly a large one's
            # (a mine strike is news for Chile; a county's power cut is not for the US).
            listed = len(kb.companies_by_country.get(c.id, ()))
            damp = max(LOCAL_DAMP, min(1.0, MARKET_FULL_COMPANIES / listed)) if listed else 1.0
            if damp < 1.0:
                score *= damp
                hop = 2
                chain += (f"Reach: reported at {', '.join(kb.name(p) for p in reach.places[:3])}, "
                          f"a small part of {c.name}'s market",)
        ledger.add(c.id, score, direction, chain, hop=hop)
        # A small market's listed companies are its equities: name them. (Listing every
        # American company under country:US would say nothing.)
        listed = kb.companies_by_country.get(c.id, [])
        if len(listed) <= COUNTRY_LIST_MAX:
            for company in listed:
                info = kb.entities[company]
                ledger.add_company(company, score * COUNTRY_COMPANY_DAMP, direction,
                                   chain + (f"{info.name} ({info.ticker}) is listed in and earns mostly in {c.name}",), c.id)


def actor_countries(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Countries acting in the event's own sentences (troops sent by the Russian-led CSTO)."""
    kb = story.kb
    subjects = {c.id for c in story.subject_countries}
    cue_sentences = story.cue_sentences(ev)
    found: dict[tuple[str, int], str] = {}
    # Sending troops involves a country whatever the rest of the story: a side event
    # still counts at the main event's floor.
    strength = full_strength(ev)
    for m in story.mentions:
        i = story.sentences.index(m.start)
        if i not in cue_sentences:
            continue
        info = kb.entities.get(m.entity)
        if info is None:
            continue
        country = m.entity if info.kind == "country" else (f"country:{info.leader}" if info.leader else "")
        if not country or country in subjects:
            continue
        led = country != m.entity
        if (country, i) in found and not led:
            continue  # one line per country and sentence; "led by" says more
        how = f"{info.name} is led by {kb.name(country)}" if led else f"{info.name} acts in the story"
        found[(country, i)] = how
    for (country, i), how in found.items():
        sentence = story.sentences.text(i).strip()
        ledger.add(country, strength * eff.weight, eff.direction,
                   (story.event_line(ev), f"\"{sentence[:160]}\"", how, eff.why))


# -- commodities and the industries around them --------------------------------------------
def produced_commodities(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Commodities whose output the event puts at stake."""
    for move in commodity_moves(story, ev, eff):
        ledger.add(move.commodity, move.score, move.direction, move.chain)


def subject_commodity(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The commodities the story is about."""
    for e in story.subject_commodities:
        direction = commodity_direction(story, e.id, eff)
        ledger.add(e.id, story.strength(ev) * eff.weight * e.relevance, direction,
                   (story.event_line(ev), f"The story is about {e.name.lower()}", eff.why), hop=1)


def _industry_links(story: Story, ledger: Ledger, ev: Event, relation: str, damp: float) -> None:
    kb = story.kb
    for move in commodity_basis(story, ev):
        if relation == "consumer" and move.score < CONSUMER_MIN_BASIS:
            continue  # a small move in an input does not move its users' shares
        cname = kb.name(move.commodity).lower()
        for link in kb.links_by_commodity.get(move.commodity, ()):
            if link.relation != relation:
                continue
            # Producers follow the commodity, consumers take the other side, whatever the
            # event: a bitcoin sell-off hits miners, an oil glut helps airlines.
            direction = move.direction if relation == "producer" else FLIP.get(move.direction, move.direction)
            line = f"{kb.name(link.object)}: {link.why} ({cname} {move.direction})"
            where = f" outside {kb.name(move.country)}" if relation == "producer" and move.country else ""
            ledger.add(link.object, move.score * link.weight * damp, direction, move.chain + (line + where,))
            if relation == "producer":
                _producer_companies(story, ledger, move.commodity, link.object, move.score * link.weight * damp,
                                    direction, move.chain, move.country)


def producer_industries(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Industries producing the moved commodities follow them (outside the event's country)."""
    _industry_links(story, ledger, ev, "producer", PRODUCER_DAMP)


def consumer_industries(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Industries using the moved commodities take the other side of a large move."""
    _industry_links(story, ledger, ev, "consumer", CONSUMER_DAMP)


def _producer_companies(story: Story, ledger: Ledger, commodity: str, industry: str, score: float,
                        direction: str, chain: tuple[str, ...], country: str) -> None:
    """Companies that produce the commodity: those outside the country follow it."""
    code = country.split(":")[1] if country else ""
    kept = ledger.producer_hits
    for company, home, weight, line, via in _producer_members(story.kb, commodity, industry):
        if code and (home == code):
            continue  # local producers are handled by their own role
        if score * weight > 0:
            # Ledger.add_producer inline: a hit no stronger than the one kept is not even made.
            old = kept.get((commodity, company))
            if old is None or score * weight > old.score:
                kept[commodity, company] = ProducerHit(score * weight, direction, chain + (line,), via)


def _producer_members(kb: KB, commodity: str, industry: str) -> list[tuple[str, str, float, str, str]]:
    """(company, its country, weight, line, via) of the companies producing a commodity, its
    own producers first, then the industry's: KB facts only, so worked out once per KB."""
    cache: dict = kb.derived.setdefault("expose.producer_members", {})  # type: ignore[assignment]
    key = (commodity, industry)
    if key not in cache:
        producers = {f.subject: f for f in kb.exposures_by_object.get(commodity, ())
                     if f.relation == "produces" and kb.entities[f.subject].kind == "company"}
        members = list(producers) + [c for c in kb.companies_by_industry.get(industry, []) if c not in producers]
        rows = []
        for company in members[: COMPANIES_PER_GROUP * 2]:
            info = kb.entities[company]
            fact = producers.get(company)
            weight = 0.7 + 0.3 * share_factor(fact.weight) if fact else 0.6
            line = f"{info.name} ({info.ticker}): " + (fact.why if fact else f"{kb.name(industry)} company")
            via = info.industry if info.industry == industry or not fact else commodity
            rows.append((company, info.country, weight, line, via))
        cache[key] = rows
    return cache[key]


def local_producers(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The event country's own producers of the moved commodities, and foreign companies
    with operations there, lose output."""
    kb = story.kb
    basis = commodity_basis(story, ev)
    for move in basis:
        if not move.country:
            continue
        for company, line in _home_producers(kb, move.commodity, move.country):
            ledger.add_company(company, move.score * eff.weight * LOCAL_PRODUCER_DAMP, eff.direction,
                               move.chain + (line, eff.why), move.country)
    # Foreign companies with operations where the event happens: output at risk there,
    # though a producer of a commodity the story sends up gains on price ("mixed"). A
    # country-wide event (or one placed nowhere more precise) puts operations anywhere in the
    # country at risk; one reported at named sites only those exposed to them.
    rising = {m.commodity for m in basis if m.direction == "up"}
    reach = story.reach_of(ev)
    for c in story.countries_for(ev):
        exposed_to = reach.places if reach.scope == "local" and reach.places else (c.id,)
        for fact, info, fact_line in (row for where in exposed_to for row in _operators(kb, where)):
            if info.country == c.id.split(":")[1]:  # home companies are local producers
                continue
            gains = _gains_from(story, info.id, rising)
            direction = "mixed" if gains else eff.direction
            score = story.strength(ev) * c.relevance * eff.weight * OPERATOR_DAMP * min(1.0, fact.weight / OPERATOR_FULL_EXPOSURE)
            ledger.add_company(info.id, score, direction,
                               (story.event_line(ev, c.name), fact_line,
                                "Operations in the country are at risk" + ("; its product's price rises" if gains else "")),
                               c.id)


def _home_producers(kb: KB, commodity: str, country: str) -> list[tuple[str, str]]:
    """(company, line) of a country's own producers of a commodity, by id: KB facts only, so
    worked out once per KB."""
    cache: dict = kb.derived.setdefault("expose.home_producers", {})  # type: ignore[assignment]
    key = (commodity, country)
    if key not in cache:
        code = country.split(":")[1]
        producers = {f.subject: f for f in kb.exposures_by_object.get(commodity, ())
                     if f.relation == "produces"}
        industry = kb.entities[commodity].get("producer_industry")
        # Only the country's own companies: the industry may have hundreds elsewhere.
        home = set(kb.companies_by_country.get(country, ()))
        members = (set(producers) | set(kb.companies_by_industry.get(industry, []))) & home
        rows = []
        for company in sorted(members):
            info = kb.entities.get(company)
            if info is None or info.kind != "company":
                continue
            fact = producers.get(company)
            line = f"{info.name} ({info.ticker}) produces {kb.name(commodity).lower()} in {kb.name(country)}"
            if fact:
                line += f": {fact.why}"
            if info.country == code:
                rows.append((company, line))
        cache[key] = rows
    return cache[key]


def _operators(kb: KB, where: str) -> list[tuple[Fact, EntityInfo, str]]:
    """(fact, company, line) of the companies with operations or revenue in a place or
    country: KB facts only, so worked out once per KB."""
    cache: dict = kb.derived.setdefault("expose.operators", {})  # type: ignore[assignment]
    if where not in cache:
        rows = []
        for fact in kb.exposures_by_object.get(where, ()):
            info = kb.entities.get(fact.subject)
            if info is None or info.kind != "company" or fact.relation not in ("operates-in", "revenue-from"):
                continue
            rows.append((fact, info, f"{info.name} ({info.ticker}): {fact.why}"))
        cache[where] = rows
    return cache[where]


def _gains_from(story: Story, company: str, rising: set[str]) -> bool:
    """Does the company sell one of the rising commodities (directly or by industry)?"""
    kb = story.kb
    info = kb.entities[company]
    for commodity in rising:
        if any(f.relation == "produces" and f.object == commodity
               for f in kb.exposures_by_subject.get(company, ())):
            return True
        if any(link.relation == "producer" and link.object == info.industry
               for link in kb.links_by_commodity.get(commodity, ())):
            return True
    return False


# -- companies and industries -------------------------------------------------------------
def subject_company(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The company the story is about, and its industry with it."""
    kb = story.kb
    for e in story.subject_companies:
        direction = _direction(ev, eff)
        chain = (story.event_line(ev), f"{e.name} is the company in the story", eff.why)
        score = story.strength(ev) * eff.weight * e.relevance
        ledger.add_company(e.id, score, direction, chain, e.id)
        heavyweight(story, ledger, e.id, score, direction, chain[:2])
        info = kb.entities[e.id]
        # The company's industry moves with it; when the event moves peers the other way
        # (a recall or a strike at one company helps its rivals) the industry is mixed.
        peers_apart = any(x.target == "peers" and {x.direction, direction} == {"up", "down"}
                          for x in kb.effects.get(ev.type, ()))
        if info.industry:
            ledger.add(info.industry, score * SUBJECT_INDUSTRY_DAMP,
                       "mixed" if peers_apart else direction,
                       chain + (f"{info.name} is in {kb.name(info.industry).lower()}"
                                + ("; its rivals gain" if peers_apart else ""),), hop=1)


def heavyweight(story: Story, ledger: Ledger, company: str, score: float, direction: str,
                chain: tuple[str, ...]) -> None:
    """A heavyweight of its home index moves the country's stocks (TSMC and Taiwan)."""
    kb = story.kb
    for fact in kb.exposures_by_subject.get(company, ()):
        if fact.relation == "member-of" and fact.weight >= INDEX_HEAVYWEIGHT:
            index = kb.entities[fact.object]
            if index.country:
                ledger.add(f"country:{index.country}", score * min(1.0, fact.weight / INDEX_FULL_WEIGHT),
                           direction, chain + (fact.why,))


def peers(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The subject company's industry, through its rivals."""
    kb = story.kb
    # Rivals moving against the company in the story leave its industry mixed.
    own = {x.direction for x in kb.effects.get(ev.type, ()) if x.target == "subject-company"}
    direction = "mixed" if {eff.direction} | own == {"up", "down"} else eff.direction
    for e in story.subject_companies:
        info = kb.entities[e.id]
        if info.industry:
            ledger.add(info.industry, story.strength(ev) * eff.weight * e.relevance, direction,
                       (story.event_line(ev), f"{info.name} is in {kb.name(info.industry).lower()}", eff.why))


def _linked_companies(story: Story, ledger: Ledger, ev: Event, eff: Effect, want: str) -> None:
    kb = story.kb
    for e in story.subject_companies:
        pairs = []
        for f in kb.exposures_by_subject.get(e.id, ()):
            if want == "customers" and f.relation == "supplier-to":
                pairs.append((f.object, f))
            if want == "suppliers" and f.relation == "customer-of":
                pairs.append((f.object, f))
        for f in kb.exposures_by_object.get(e.id, ()):
            if want == "suppliers" and f.relation == "supplier-to":
                pairs.append((f.subject, f))
            if want == "customers" and f.relation == "customer-of":
                pairs.append((f.subject, f))
        by_industry: dict[str, list[tuple[str, float]]] = defaultdict(list)
        direction = _direction(ev, eff)
        for other, f in pairs:
            score = story.strength(ev) * eff.weight * e.relevance * (0.5 + 0.5 * f.weight)
            ledger.add_company(other, score, direction, (story.event_line(ev), f.why, eff.why), e.id)
            industry = kb.entities[other].industry if other in kb.entities else ""
            if industry and industry != kb.entities[e.id].industry:
                by_industry[industry].append((kb.entities[other].name, score))
        # An industry whose companies depend on the story's company (carmakers on a chip
        # supplier) is hit through each of them, when several of them are.
        for industry, members in by_industry.items():
            if len(members) >= LINKED_INDUSTRY_MIN:
                score = 1.0 - math.prod(1.0 - x for _, x in members)
                names = ", ".join(n for n, _ in members[:4])
                ledger.add(industry, score, direction,
                           (story.event_line(ev), f"{e.name}'s {want} include {names}", eff.why))


def suppliers(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Companies that supply the subject company."""
    _linked_companies(story, ledger, ev, eff, "suppliers")


def customers(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """Companies that buy from the subject company."""
    _linked_companies(story, ledger, ev, eff, "customers")


def subject_industry(story: Story, ledger: Ledger, ev: Event, eff: Effect) -> None:
    """The industry the story names as its subject ("insurers face losses")."""
    for e in story.subject_industries:
        ledger.add(e.id, story.strength(ev) * eff.weight * e.relevance, _direction(ev, eff),
                   (story.event_line(ev), f"The story is about {e.name.lower()}", eff.why), hop=1)


ROLE_TABLE: dict[str, Role] = {
    "subject-country": subject_country,
    "subject-company": subject_company,
    "subject-industry": subject_industry,
    "subject-commodity": subject_commodity,
    "produced-commodities": produced_commodities,
    "producer-industries": producer_industries,
    "local-producers": local_producers,
    "consumer-industries": consumer_industries,
    "peers": peers,
    "suppliers": suppliers,
    "customers": customers,
    "actor-countries": actor_countries,
}


# A KB role with no function here (or a function for no role) stops the program at start-up.
schema.check_role_table(ROLE_TABLE, owner="analysis/expose/roles.py")


def handler_for(target: str) -> Role:
    """The function for an effect row's target: its role's, or the fixed-group one."""
    return ROLE_TABLE.get(target, fixed_group)
