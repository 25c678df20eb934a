"""Contributions -> reported groups and companies.

Contributions to one target are combined by noisy-or (independent reasons each may move
it) with a weighted vote for the direction; an industry's sector follows it, never more
strongly; thresholds and caps decide what is reported.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stockgroups.analysis.expose.records import (CompanyContribution, Combined, Contribution,
                                                      ProducerHit)
from stockgroups.model import CompanyHit, GroupHit

if TYPE_CHECKING:
    from stockgroups.analysis.expose.story import Story
    from stockgroups.kb.load import KB

# Reporting thresholds: below these a hit is noise. Each hop has its own bar: a group the
# story is itself about (its country, its company's industry, a commodity it states a move
# of) needs less support than one reached through the graph, where every edge adds doubt.
GROUP_MIN_SCORE = 0.33
FIRST_ORDER_MIN_SCORE = 0.25
HOP_BARS = {1: FIRST_ORDER_MIN_SCORE, 2: GROUP_MIN_SCORE}
COMPANY_MIN_SCORE = 0.12
MAX_GROUPS = 15
MAX_COMPANIES = 25
SECTOR_FACTOR = 0.95  # a sector moves no more than its industry (taxonomy rule)
# A direction holding less than this share of the weight makes the result "mixed".
MIXED_MINORITY = 0.3
# A sector is mixed only when its reported industries pull apart nearly evenly (defence up
# and airlines down in a war leave industrials up: defence moves more).
SECTOR_MIXED_MINORITY = 0.45
COUNTRY_INDUSTRY_MEMBERS = 5  # companies named for an industry moved in the story's country
COUNTRY_COMPANY_DAMP = 0.7
NAMED_MEMBER_DAMP = 0.8  # a named company moves with its industry, a little less
GROUP_KINDS = ("sector", "industry", "country", "commodity")
CHAIN_MAX = 8  # lines of evidence kept per combined hit


@dataclass
class Ledger:
    """Every contribution the roles make for one story, by target."""

    kb: KB
    groups: dict[str, list[Contribution]] = field(default_factory=lambda: defaultdict(list))
    companies: dict[str, list[CompanyContribution]] = field(default_factory=lambda: defaultdict(list))
    producer_hits: dict[tuple[str, str], ProducerHit] = field(default_factory=dict)

    def add(self, target: str, score: float, direction: str, chain: Iterable[str], hop: int = 2,
            stated: bool = False) -> None:
        if score > 0 and target in self.kb.entities:
            self.groups[target].append(Contribution(target, score, direction, tuple(chain), hop, stated))

    def add_company(self, company: str, score: float, direction: str, chain: Iterable[str], via: str,
                    stated: bool = False) -> None:
        if score > 0 and company in self.kb.entities:
            self.companies[company].append(
                CompanyContribution(Contribution(company, score, direction, tuple(chain), 2, stated), via))

    def add_producer(self, commodity: str, company: str, hit: ProducerHit) -> None:
        """One hit per company and commodity, however many producer industries lead to it."""
        old = self.producer_hits.get((commodity, company))
        if old is None or hit.score > old.score:
            self.producer_hits[commodity, company] = hit


def combine(contribs: list[Contribution], mixed_minority: float = MIXED_MINORITY,
            mixed_counts: bool = False) -> Combined:
    """Noisy-or of scores; weighted vote of directions; the strongest chain first. Moves the
    story states outright decide the direction over those the graph infers ("Micron's shares
    rose" in a quake story that hits chipmakers); the inferences still add to the score."""
    if len(contribs) == 1:  # the common case, and the same answer
        c = contribs[0]
        return Combined(c.score, c.direction, c.chain[:CHAIN_MAX], c.hop)
    contribs = sorted(contribs, key=lambda c: -c.score)
    said = [c for c in contribs if c.stated]
    voters = said if said and len(said) < len(contribs) else contribs
    score = 1.0 - math.prod(1.0 - min(c.score, 1.0) for c in contribs)
    # The chain leads with what the story says, when that decided the direction.
    first = (voters[0].chain[0],) if voters is said and voters[0].chain else ()
    return Combined(score, _vote(voters, mixed_minority, mixed_counts), _chain(contribs, first),
                    min(c.hop for c in contribs))


def _vote(contribs: list[Contribution], mixed_minority: float, mixed_counts: bool) -> str:
    """The direction the contributions' scores vote for; mixed when the minority holds
    `mixed_minority` of the signed weight."""
    votes: dict[str, float] = defaultdict(float)
    for c in contribs:
        votes[c.direction] += c.score
    signed = votes.get("up", 0.0) + votes.get("down", 0.0)
    if signed <= 0:
        return max(votes, key=votes.get) if votes else "neutral"
    minority = min(votes.get("up", 0.0), votes.get("down", 0.0)) / signed
    if mixed_counts:
        # For a company, a contribution that is itself mixed (Chevron: oil up, Tengiz at
        # risk) counts as the other side too.
        minority = max(minority, votes.get("mixed", 0.0) / (signed + votes.get("mixed", 0.0)))
    if minority >= mixed_minority or votes.get("mixed", 0.0) > signed:
        return "mixed"
    return "up" if votes.get("up", 0.0) > votes.get("down", 0.0) else "down"


def _chain(contribs: list[Contribution], first: tuple[str, ...]) -> tuple[str, ...]:
    """The first CHAIN_MAX distinct lines, `first` then the strongest reason's onwards."""
    chain: dict[str, None] = dict.fromkeys(first)
    for c in contribs:
        for line in c.chain:
            chain[line] = None
            if len(chain) == CHAIN_MAX:
                return tuple(chain)
    return tuple(chain)


def group_hits(ledger: Ledger) -> tuple[GroupHit, ...]:
    """The reported groups: combined, sectors rolled up from their industries, cut and capped."""
    kb = ledger.kb
    combined = {gid: combine(cs) if len(cs) > 1 else Combined(cs[0].score, cs[0].direction, cs[0].chain[:8], cs[0].hop)
                for gid, cs in ledger.groups.items()}  # (one contribution: what combine() gives, sooner)
    # Sector roll-up: an industry's sector moves with it, never more strongly.
    by_sector: dict[str, list[tuple[str, Combined]]] = defaultdict(list)
    for gid, c in combined.items():
        info = kb.entities[gid]
        if info.kind == "industry" and info.sector:
            by_sector[info.sector].append((gid, c))
    for sector, items in by_sector.items():
        top = max(items, key=lambda x: x[1].score)[1]
        # The sector follows the industries that are reported; one below the bar does not
        # make it mixed.
        shown = [x for x in items if x[1].score >= GROUP_MIN_SCORE] or [max(items, key=lambda x: x[1].score)]
        cs = [Contribution(sector, c.score * SECTOR_FACTOR, c.direction, (_sector_line(kb, g, sector),) + c.chain[:1],
                           c.hop)
              for g, c in shown]
        own = combined.get(sector)
        if own is not None:
            cs.append(Contribution(sector, own.score, own.direction, own.chain, own.hop))
        rolled = combine(cs, SECTOR_MIXED_MINORITY)
        cap = max(top.score, own.score if own else 0)
        combined[sector] = Combined(min(rolled.score, cap), rolled.direction, rolled.chain, rolled.hop)
    passed = {gid for gid, c in combined.items()
              if kb.entities[gid].kind in GROUP_KINDS and c.score >= HOP_BARS.get(c.hop, GROUP_MIN_SCORE)}
    # Taxonomy rule: a reported industry brings its sector, even when the sector's rolled-up
    # score (never above the industry's) falls just under the bar.
    passed |= {kb.entities[gid].sector for gid in passed
               if kb.entities[gid].kind == "industry" and kb.entities[gid].sector in combined}
    hits = []
    for gid in passed:
        info, c = kb.entities[gid], combined[gid]
        hits.append(GroupHit(gid, info.kind, info.name, round(min(c.score, 1.0), 3), c.direction, c.chain))
    hits.sort(key=lambda h: (-h.score, h.id))
    return _capped(kb, hits)


def _sector_line(kb: KB, industry: str, sector: str) -> str:
    """"Uranium is in the Energy sector": KB names only, so made once per KB."""
    cache: dict = kb.derived.setdefault("expose.sector_lines", {})  # type: ignore[assignment]
    line = cache.get((industry, sector))
    if line is None:
        line = cache[industry, sector] = f"{kb.name(industry)} is in the {kb.name(sector)} sector"
    return line


def _capped(kb: KB, hits: list[GroupHit]) -> tuple[GroupHit, ...]:
    """The strongest MAX_GROUPS hits, never splitting an industry from its sector: an
    industry whose sector would not fit is left out with it."""
    by_id = {h.id: h for h in hits}
    kept: dict[str, GroupHit] = {}
    for h in hits:
        if h.id in kept:
            continue
        sector = kb.entities[h.id].sector if h.kind == "industry" else ""
        need = [h] + ([by_id[sector]] if sector and sector in by_id and sector not in kept else [])
        if len(kept) + len(need) > MAX_GROUPS:
            continue
        for x in need:
            kept[x.id] = x
    return tuple(sorted(kept.values(), key=lambda h: (-h.score, h.id)))


def add_members(story: Story, ledger: Ledger, groups: tuple[GroupHit, ...]) -> None:
    """A company the story names, in an industry the story moves, moves with it; an industry
    moved in the story's country names that country's companies in it (a BoJ hike: Japan's
    banks), a few, in the order the KB lists them."""
    kb = ledger.kb
    hit = {g.id: g for g in groups if g.kind == "industry" and g.direction in ("up", "down")}
    for e in story.entities.values():
        info = kb.entities.get(e.id)
        if e.kind == "company" and e.mentions and info and info.industry in hit:
            g = hit[info.industry]
            ledger.add_company(e.id, g.score * NAMED_MEMBER_DAMP, g.direction,
                               g.evidence[:2] + (f"{info.name} ({info.ticker}), named in the story, is a {g.name.lower()} company",),
                               g.id)
    if not story.subject_countries:
        return
    country = story.subject_countries[0]
    for g in groups:
        if g.kind != "industry" or g.direction not in ("up", "down"):
            continue
        for company in _listed_members(kb, g.id, country.id):
            info = kb.entities[company]
            ledger.add_company(company, g.score * COUNTRY_COMPANY_DAMP, g.direction,
                               g.evidence[:2] + (f"{info.name} ({info.ticker}) is a {g.name.lower()} company in {country.name}",),
                               g.id)


def _listed_members(kb: KB, industry: str, country: str) -> list[str]:
    """The first COUNTRY_INDUSTRY_MEMBERS companies of an industry listed in a country, in
    the KB's order: KB facts only, so worked out once per KB."""
    cache: dict = kb.derived.setdefault("expose.listed_members", {})  # type: ignore[assignment]
    key = (industry, country)
    if key not in cache:
        listed = set(kb.companies_by_country.get(country, ()))
        cache[key] = [c for c in kb.companies_by_industry.get(industry, ()) if c in listed][:COUNTRY_INDUSTRY_MEMBERS]
    return cache[key]


def company_hits(ledger: Ledger) -> tuple[CompanyHit, ...]:
    """The reported companies: producer hits joined in, combined, cut and capped."""
    kb = ledger.kb
    companies, entities = ledger.companies, kb.entities
    for (_, company), hit in ledger.producer_hits.items():  # what add_company() does, inline
        if hit.score > 0 and company in entities:
            companies[company].append(
                CompanyContribution(Contribution(company, hit.score, hit.direction, tuple(hit.chain)), hit.via))
    ledger.producer_hits.clear()
    hits = []
    for cid, items in ledger.companies.items():
        if len(items) == 1:  # the common case: what combine() gives for one contribution
            one = items[0].contribution
            score, direction, chain, via = one.score, one.direction, one.chain[:8], (items[0].via,)
        else:
            c = combine([x.contribution for x in items], MIXED_MINORITY, mixed_counts=True)
            score, direction, chain = c.score, c.direction, c.chain
            via = tuple(dict.fromkeys(x.via for x in items))
        if score < COMPANY_MIN_SCORE:
            continue
        info = kb.entities[cid]
        hits.append(CompanyHit(info.ticker, info.name, round(min(score, 1.0), 3), direction, via, chain))
    hits.sort(key=lambda h: (-h.score, h.ticker))
    return tuple(hits[:MAX_COMPANIES])
