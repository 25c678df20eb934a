"""Which commodities an event moves, through whose output, and how much.

  subject country --produces (world share)--> commodity

A country-wide event (unrest, coup, war, sanctions) reaches every commodity the country
produces in material share; a local one (a strike, a storm, a fire) only those the story
ties to it by name or through a named site or company. A disruption at the story's
company takes out that company's own output.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stockgroups.analysis.expose.records import CommodityMove, Produced, Tie
from stockgroups.model import Event

if TYPE_CHECKING:
    from stockgroups.analysis.expose.story import Story
    from stockgroups.kb.load import KB, Effect

# A commodity the story merely names ties it to a local event only if it is this central.
NAMED_TIE_MIN_RELEVANCE = 0.3
# A producer's world share reaches full effect at SHARE_FULL; the effect grows as the
# square root below it (a 2% producer still matters to a tight market, less than linearly).
# A country-wide event takes out a fraction of a country's output; a local one (a strike,
# a fire) most of one site's, so a site reaches full effect at a smaller share.
SHARE_FULL = 0.25
LOCAL_SHARE_FULL = 0.06
# Below MATERIAL_SHARE a commodity is moved only when the story ties it to the country
# (names it, or names a field, mine or company producing it there).
MATERIAL_SHARE = 0.15
TIED_SHARE_MIN = 0.01
PRIMARY_COUNTRY_MIN = 0.8  # a second subject country this central counts as a main one
# Severity (after the story's magnitudes) at which a country-wide event threatens national
# output of a commodity the story does not name.
NATIONAL_SEVERITY = 0.6
# A commodity the story itself links to a country-wide event counts at least this much.
TIED_FACTOR = 0.5
# A local event touches one site, not the whole country: its weight is the site's own share
# where known, else the country's share capped here.
LOCAL_SHARE_CAP = 0.05


def pct(x: float) -> str:
    return f"{x * 100:.0f}%" if x >= 0.01 else f"{x * 100:.1f}%"


def share_factor(share: float, full: float = SHARE_FULL) -> float:
    return min(1.0, math.sqrt(max(share, 0.0) / full))


def commodity_direction(story: Story, commodity: str, eff: Effect) -> str:
    """A supply shock sends each commodity its own way (bitcoin falls when miners go dark)."""
    if eff.direction == "shock":
        return story.kb.entities[commodity].get("supply_shock_direction", "up") or "up"
    return eff.direction


def ties(story: Story, country: str) -> dict[str, Tie]:
    """Commodities the story ties to the country, by name or through a named site or company."""
    kb = story.kb
    code = country.split(":")[1]
    out: dict[str, Tie] = {}
    for eid, ent in story.entities.items():
        info = kb.entities[eid]
        if info.kind == "commodity" and ent.mentions and ent.relevance >= NAMED_TIE_MIN_RELEVANCE \
                and story.named_with_event(eid):
            out.setdefault(eid, Tie(f"The story names {info.name.lower()}", 0.0, ent.relevance))
        if info.kind not in ("place", "company") or not ent.mentions:
            continue
        if ent.relevance < NAMED_TIE_MIN_RELEVANCE and not story.named_with_event(eid):
            continue  # a port or field named in passing does not tie its cargo to the event
        for fact in kb.exposures_by_subject.get(eid, ()):
            # A place in the country (or a sea lane, which has none), or a company of the
            # country: a foreign company's output elsewhere is not at risk here.
            local = info.country == code or (info.kind == "place" and not info.country)
            if fact.relation in ("produces", "supplier-to") and fact.object.startswith("commodity:") and local:
                old = out.get(fact.object)
                if old is None or fact.weight >= old.site_share:
                    out[fact.object] = Tie(f"{info.name}: {fact.why}", fact.weight,
                                           max(ent.relevance, old.relevance if old else 0.0))
    return out


def produced(story: Story, country: str, scope: str, stated: float = 0.0, severe: bool = True) -> dict[str, Produced]:
    """Commodities the event touches in the country: share, the fact, and what ties it in
    (`stated`: the share of world output the story says is at stake; `severe`: the event is
    grave enough to threaten national output the story does not name)."""
    best = _largest_shares(story.kb, country)
    tied = ties(story, country)
    # Only the story's main country loses output across the board; a second country
    # (Washington reacting to an attack on Saudi oil) only for what the story ties to it.
    subjects = story.subject_countries
    primary = bool(subjects) and country == subjects[0].id \
        or any(c.id == country and c.relevance >= PRIMARY_COUNTRY_MIN for c in subjects)
    # A country-wide event puts the output of a commodity the story never names at stake only
    # when it is grave (the worst unrest in decades, troops, casualties): a clerks' strike or a
    # peaceful march is no threat to the country's coffee crop.
    named = {eid for eid, ent in story.entities.items() if ent.mentions and eid in best}
    out = {}
    for commodity in dict.fromkeys([*best, *tied]):  # a fixed order: evidence reads the same every run
        known = best.get(commodity)
        share, fact = (known.share, known.fact) if known else (0.0, None)
        tie = tied.get(commodity)
        if scope == "local":
            if tie:
                # The share at stake: the site's own, what the story states, or the
                # country's share capped for one site.
                out[commodity] = Produced(max(tie.site_share, stated, min(share, LOCAL_SHARE_CAP)), fact, tie)
        elif (share >= MATERIAL_SHARE and primary and (severe or commodity in named)) or \
                (tie and (share >= TIED_SHARE_MIN or fact is None)):
            out[commodity] = Produced(share, fact, tie)
    return out


def _largest_shares(kb: KB, country: str) -> dict[str, Produced]:
    """Each commodity the country produces, at its largest share: KB facts only, so worked
    out once per KB (read-only to callers)."""
    cache: dict = kb.derived.setdefault("expose.largest_shares", {})  # type: ignore[assignment]
    if country not in cache:
        best: dict[str, Produced] = {}
        for fact in kb.producers_by_country.get(country, []):
            if fact.weight > (best[fact.object].share if fact.object in best else 0.0):
                best[fact.object] = Produced(fact.weight, fact, None)
        cache[country] = best
    return cache[country]


def commodity_moves(story: Story, ev: Event, eff: Effect) -> list[CommodityMove]:
    """The commodities the event moves through the output of its countries and companies
    (worked out once per event and effect row: the role and the basis both ask)."""
    key = (id(ev), id(eff))
    cached = story.moves.get(key)
    if cached is not None and cached[0] is ev and cached[1] is eff:  # (held: no id reused)
        return cached[2]
    kb = story.kb
    moves: list[CommodityMove] = []
    scope = story.scope(ev)
    for c in story.countries_for(ev):
        reach = story.reach_of(ev)
        severe = ev.severity * reach.factor >= NATIONAL_SEVERITY
        for commodity, p in produced(story, c.id, scope, reach.world_share, severe).items():
            direction = commodity_direction(story, commodity, eff)
            factor = share_factor(p.share, LOCAL_SHARE_FULL if scope == "local" else SHARE_FULL)
            if p.tie and scope == "country":
                factor = max(factor, TIED_FACTOR)  # the story itself links it to the country
            # A local event is as central as the site or commodity the story is about.
            rel = max(c.relevance, p.tie.relevance if p.tie else 0.0) if scope == "local" else c.relevance
            score = story.strength(ev) * eff.weight * rel * factor
            info = kb.entities[commodity]
            fact = p.fact
            fact_line = (f"{c.name} produces about {pct(fact.weight)} of world {info.name.lower()}"
                         f" ({fact.metric}, {fact.year or fact.as_of}; {fact.source})") if fact else ""
            why = info.get("why") if eff.direction == "shock" and direction == "down" else eff.why
            chain = tuple(x for x in (story.event_line(ev, c.name), fact_line, p.tie.line if p.tie else "", why) if x)
            moves.append(CommodityMove(commodity, score, direction, chain, c.id))
    # A disruption at the story's company takes out that company's own output.
    seen = {m.commodity for m in moves}
    for e in story.subject_companies:
        info = kb.entities[e.id]
        for fact in kb.exposures_by_subject.get(e.id, ()):
            if fact.relation != "produces" or not fact.object.startswith("commodity:") or fact.object in seen:
                continue
            direction = commodity_direction(story, fact.object, eff)
            score = story.strength(ev) * eff.weight * e.relevance * share_factor(fact.weight, LOCAL_SHARE_FULL)
            chain = (story.event_line(ev), f"{info.name} ({info.ticker}): {fact.why}", eff.why)
            home = f"country:{info.country}" if info.country else ""
            moves.append(CommodityMove(fact.object, score, direction, chain, home))
    story.moves[key] = (ev, eff, moves)
    return moves


def commodity_basis(story: Story, ev: Event) -> list[CommodityMove]:
    """Commodity moves this event implies, whichever role produced them (computed once per
    event: several roles ask)."""
    if ev.type not in story.basis:
        basis: dict[str, CommodityMove] = {}
        for effect in story.kb.effects.get(ev.type, []):
            if effect.target == "produced-commodities":
                for move in commodity_moves(story, ev, effect):
                    basis.setdefault(move.commodity, move)
            elif effect.target == "subject-commodity":
                for e in story.subject_commodities:
                    direction = commodity_direction(story, e.id, effect)
                    basis.setdefault(e.id, CommodityMove(
                        e.id, story.strength(ev) * effect.weight * e.relevance, direction,
                        (story.event_line(ev), f"The story is about {e.name.lower()}"), ""))
        story.basis[ev.type] = list(basis.values())
    return story.basis[ev.type]
