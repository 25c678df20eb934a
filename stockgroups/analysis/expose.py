"""Entities + events + KB graph -> the groups and companies a story moves, each with its chain.

The rules are data (event_effects.csv: event type -> target role, direction, weight, why);
this module resolves each role through the graph:

  subject country --produces (world share)--> commodity --producer/consumer--> industry
  commodity producers inside the country move against the ones outside
  company --industry--> peers; company --supplier-to/customer-of--> companies

Every contribution carries the facts that produced it; contributions to one group are
combined (noisy-or for the score, weighted vote for the direction).
"""
from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stockgroups.model import CompanyHit, Entity, Event, GroupHit, Mention
from stockgroups.analysis.segment import Sentences, sentences_of

if TYPE_CHECKING:
    from stockgroups.kb.load import KB, Effect, Fact

# Relevance (0..1, relative to the main subject) an entity needs to be a subject of events.
SUBJECT_MIN = 0.5
SUBJECT_MAX_COUNTRIES = 2  # a story is about one or two countries; more are context
COMPANY_SUBJECT_FLOOR = 0.15  # the top company must be at least this central to be the subject
COUNTRY_SUBJECT_FLOOR = 0.35  # the top country must be at least this central to be the subject
TARGET_FLOOR = 0.2  # the target country of a sanction must be at least this central
SUBJECT_INDUSTRY_DAMP = 0.6  # a company's news moves its industry, less than itself
INDEX_HEAVYWEIGHT = 0.15  # a company this big a share of its home index moves the country
INDEX_FULL_WEIGHT = 0.3
LINKED_INDUSTRY_MIN = 3  # customers or suppliers from one industry before the industry moves
# "Washington imposed sanctions", "the EU slapped tariffs": the name before these verbs
# acts on another country; it is not the one hit.
ACTOR_VERBS = re.compile(r"\b(impos\w*|announc\w*|slap\w*|levi\w*|plac\w*|expand\w*|tighten\w*|"
                         r"threaten\w*|unveil\w*|order\w*|adopt\w*|approv\w*|agree\w*|extend\w*)\b",
                         re.IGNORECASE)
ACTOR_MAX_GAP = 80
# Event categories whose subject country is the one acted upon (not the actor).
TARGETED_CATEGORIES = ("regulatory",)
INDUSTRY_SUBJECT_MIN = 0.3  # "airlines" named in a story about jet fuel is a subject
INDUSTRY_SUBJECT_FLOOR = 0.2  # the most-named industry must be at least this central
COMMODITY_SUBJECT_MIN = 0.25
# Only the strongest few events drive effects; weaker ones are usually background.
MAX_EVENTS = 3
EVENT_MIN_SEVERITY = 0.25
# The main event pushes with at least this strength; severity adds the rest up to 1.
EVENT_FLOOR = 0.5
# Macro shocks and disasters move global industry groups in proportion to the share of
# the listed universe in the country: full at this many KB companies, never below the floor.
MARKET_SCALED_CATEGORIES = ("macro", "disaster")
MARKET_FULL_COMPANIES = 150
MARKET_MIN_WEIGHT = 0.35
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
# A commodity the story itself links to a country-wide event counts at least this much.
TIED_FACTOR = 0.5
# A local event touches one site, not the whole country: its weight is the site's own share
# where known, else the country's share capped here.
LOCAL_SHARE_CAP = 0.05
# Second-order damping: producers track the commodity closely, consumers less so.
PRODUCER_DAMP = 0.9
CONSUMER_DAMP = 0.6
CONSUMER_MIN_BASIS = 0.3
LOCAL_PRODUCER_DAMP = 0.9
OPERATOR_DAMP = 0.7  # a foreign company with operations in the country
OPERATOR_FULL_EXPOSURE = 0.3  # ... hit fully when that country is this share of its business
COUNTRY_LIST_MAX = 30  # a country with at most this many KB companies has them listed under it
COUNTRY_COMPANY_DAMP = 0.7
COUNTRY_INDUSTRY_MEMBERS = 5  # companies named for an industry moved in the story's country
NAMED_MEMBER_DAMP = 0.8  # a named company moves with its industry, a little less
# Reporting thresholds: below these a hit is noise.
GROUP_MIN_SCORE = 0.33
COMPANY_MIN_SCORE = 0.12
MAX_GROUPS = 15
MAX_COMPANIES = 25
COMPANIES_PER_GROUP = 8
SECTOR_FACTOR = 0.95  # a sector moves no more than its industry (taxonomy rule)
# A direction holding less than this share of the weight makes the result "mixed".
MIXED_MINORITY = 0.3
# A sector is mixed only when its reported industries pull apart nearly evenly (defence up
# and airlines down in a war leave industrials up: defence moves more).
SECTOR_MIXED_MINORITY = 0.45
# Direct statements: "Chevron shares fell 3%", "oil prices jumped".
STATEMENT_WEIGHT = 0.75
# Words that state a move, looked up word by word (one set lookup beats a long regex).
MOVE_UP = frozenset(["rose", "rise", "rises", "risen", "rising", "jump", "jumped", "jumps", "surged", "surges", "surging", "soar", "soared", "soars", "soaring", "rally", "rallied", "rallies", "gain", "gained", "gains", "climb", "climbed", "climbs", "spiked", "spikes", "advanced", "advances", "rebound", "rebounded", "rebounds", "topped", "tops", "doubled", "doubles", "tripled", "triples"])
MOVE_DOWN = frozenset(["fell", "fall", "falls", "falling", "drop", "dropped", "drops", "plunged", "plunges", "plunging", "tumbled", "tumbles", "tumbling", "slump", "slumped", "slumps", "sank", "sink", "sinks", "sinking", "slid", "slide", "slides", "declined", "declines", "crashed", "crashes", "plummet", "plummeted", "plummets", "slipped", "slips"])
MOVE_ALL = MOVE_UP | MOVE_DOWN
MOVE_PHRASES = re.compile(r"\b(?:(?P<up>record high|all-time high|added \d)|(?P<down>record low|lost \d|shed \d))")
WORD = re.compile(r"[a-z]+")
STATED_KINDS = ("company", "commodity", "industry")
EQUITY_WORDS = re.compile(r"\b(stocks?|shares|equities|bourse|stock market|index|benchmark)\b", re.IGNORECASE)
STATED_INDUSTRY_DAMP = 0.5  # one company's stated move says a little about its industry
STATED_CONSUMER_MIN_WEIGHT = 0.5  # only heavy users feel a stated price move
STATED_MAX_GAP = 60  # "Kazatomprom, whose London-listed shares fell": name and verb stay close
STATED_BARE_GAP = 12  # "oil jumped" needs no "prices" between the name and the verb
MARKET_WORDS = re.compile(r"\b(shares?|stocks?|equities|index|prices?|futures|bonds?|currency|"
                          r"valuations?|market)\b", re.IGNORECASE)

SIGN = {"up": 1.0, "down": -1.0}
FLIP = {"up": "down", "down": "up", "mixed": "mixed", "neutral": "neutral"}


@dataclass(frozen=True)
class Contribution:
    target: str
    score: float
    direction: str
    chain: tuple[str, ...]


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%" if x >= 0.01 else f"{x * 100:.1f}%"


def _share_factor(share: float, full: float = 0.25) -> float:
    return min(1.0, math.sqrt(max(share, 0.0) / full))


class Reasoner:
    """Collects contributions for one analysis; `groups()` and `companies()` combine them."""

    def __init__(self, kb: KB, entities: tuple[Entity, ...], events: tuple[Event, ...],
                 mentions: tuple[Mention, ...], body: str, said: frozenset[str] | None = None) -> None:
        self.kb = kb
        self.said = _moves_said(body)[0] if said is None else said  # move words the body uses
        self.entities = {e.id: e for e in entities}
        self.events = [e for e in events if e.severity >= EVENT_MIN_SEVERITY][:MAX_EVENTS]
        self.main_event = self.events[0] if self.events else None
        self.mentions = mentions
        self.body = body
        self._sentences: Sentences | None = None
        self._cue_positions: dict[str, list[int]] = {}
        self._near_events: set[int] | None = None
        self._basis: dict[str, list[tuple[str, float, str, tuple[str, ...], str]]] = {}
        self.contribs: dict[str, list[Contribution]] = defaultdict(list)
        self.company_contribs: dict[str, list[tuple[Contribution, str]]] = defaultdict(list)
        self.producer_hits: dict[tuple[str, str], tuple[float, str, tuple[str, ...], str]] = {}
        # Countries are judged among countries: "Guinea coup hits aluminium" is about Guinea
        # even when aluminium is named more often.
        countries = [e for e in entities if e.kind == "country"]
        top_country = countries[0].relevance if countries else 0.0
        self.subject_countries = [_rescaled(e, top_country) for e in countries
                                  if top_country >= COUNTRY_SUBJECT_FLOOR and e.relevance >= SUBJECT_MIN * top_country
                                  ][:SUBJECT_MAX_COUNTRIES]
        self._targets: list[Entity] | None = None
        # The story's company is judged among companies: "FDA approves Vertex drug" is about
        # Vertex even though the FDA and the US are named more.
        companies = [e for e in entities if e.kind == "company"]
        top_company = companies[0].relevance if companies else 0.0
        self.subject_companies = [_rescaled(e, top_company) for e in companies
                                  if top_company >= COMPANY_SUBJECT_FLOOR and e.relevance >= SUBJECT_MIN * top_company]
        industries = [e for e in entities if e.kind == "industry"]
        top_industry = industries[0].relevance if industries else 0.0
        # An industry is the story's subject when it is named where the event is reported (or
        # often): "Insurers face losses" in a wildfire story, not "rating agencies" in passing.
        self.subject_industries = [_rescaled(e, top_industry) for e in industries
                                   if top_industry >= INDUSTRY_SUBJECT_FLOOR and e.relevance >= SUBJECT_MIN * top_industry
                                   and (e.relevance >= SUBJECT_MIN or self._named_with_event(e.id))]
        self.subject_commodities = [e for e in entities if e.kind == "commodity" and e.relevance >= COMMODITY_SUBJECT_MIN]

    # -- helpers ---------------------------------------------------------------------
    def strength(self, ev: Event) -> float:
        """How hard an event pushes: the main event at least EVENT_FLOOR, its severity the
        rest; a side event ("terrorists" in an unrest story) by its severity alone."""
        return _full_strength(ev) if ev is self.main_event else ev.severity

    def add(self, target: str, score: float, direction: str, chain: Iterable[str]) -> None:
        if score > 0 and target in self.kb.entities:
            self.contribs[target].append(Contribution(target, score, direction, tuple(chain)))

    def add_company(self, company: str, score: float, direction: str, chain: Iterable[str], via: str) -> None:
        if score > 0 and company in self.kb.entities:
            self.company_contribs[company].append((Contribution(company, score, direction, tuple(chain)), via))

    def rel(self, entity_id: str) -> float:
        e = self.entities.get(entity_id)
        return e.relevance if e else 0.0

    @property
    def sentences(self) -> Sentences:
        if self._sentences is None:
            self._sentences = sentences_of(self.body)
        return self._sentences

    def event_line(self, ev: Event, where: str = "") -> str:
        place = f" in {where}" if where else ""
        cues = ", ".join(ev.cues[:3])
        return f"Story: {ev.name.lower()}{place} (severity {ev.severity:.2f}; \"{cues}\")"

    # -- roles -----------------------------------------------------------------------
    def run(self) -> None:
        for ev in self.events:
            for eff in self.kb.effects.get(ev.type, []):
                handler = getattr(self, "role_" + eff.target.replace("-", "_"), None)
                if handler is not None:
                    handler(ev, eff)
                else:
                    self.fixed(ev, eff)
        self.statements()

    def fixed(self, ev: Event, eff: Effect) -> None:
        subject = self._main_subject()
        reach = max(self.rel(subject), 0.6) if subject else 0.6
        where = self.kb.name(subject) if subject and subject.startswith("country:") else ""
        direction = ev.direction if eff.direction == "shock" else eff.direction
        chain = [self.event_line(ev, where), eff.why]
        if self._market_scaled(ev, eff):
            weight = self._market_weight(subject)
            if weight < 1.0:
                chain.append(f"{where} is a small part of the listed {self.kb.name(eff.target).lower()} universe")
            reach *= weight
        self.add(eff.target, self.strength(ev) * eff.weight * reach, direction, chain)

    def _market_scaled(self, ev: Event, eff: Effect) -> bool:
        """Global industry groups move with a local macro shock or disaster only in proportion
        to how much of the listed universe sits in that country (a Turkish rate cut does not
        move the world's homebuilders; a Fed hike does)."""
        row = self.kb.event_categories.get(ev.type, ("", "local"))
        return row[0] in MARKET_SCALED_CATEGORIES and row[1] == "local" and eff.target.startswith("industry:")

    def _market_weight(self, subject: str) -> float:
        if not subject.startswith("country:"):
            return 1.0
        listed = len(self.kb.companies_by_country.get(subject, ()))
        return max(MARKET_MIN_WEIGHT, min(1.0, listed / MARKET_FULL_COMPANIES))

    def _main_subject(self) -> str:
        best = max(self.entities.values(), key=lambda e: e.relevance, default=None)
        if self.subject_countries:
            return self.subject_countries[0].id
        return best.id if best else ""

    def _actors(self, ev: Event) -> set[str]:
        """Countries that act in the event's sentences: "the United States imposed sanctions"."""
        actors: set[str] = set()
        for at in self.cue_positions(ev):
            s_start = self.sentences.spans[self.sentences.index(at)][0]
            for m in self.mentions:
                if not (s_start <= m.end <= at):
                    continue
                info = self.kb.entities.get(m.entity)
                country = m.entity if info and info.kind == "country" else (
                    f"country:{info.country}" if info and info.country else "")
                if country and at - m.end <= ACTOR_MAX_GAP and ACTOR_VERBS.search(self.body[m.end:at]):
                    actors.add(country)
        return actors

    def target_countries(self) -> list[Entity]:
        """Sanctions, tariffs, export bans: the subject is the target, not the country whose
        Treasury or regulator acts; among the rest, relevance is judged afresh."""
        if self._targets is None:
            actors = self._actors(self.main_event) if self.main_event else set()
            targets = [e for e in self.entities.values() if e.kind == "country"
                       and "institutional" not in e.roles and e.id not in actors]
            targets.sort(key=lambda e: -e.relevance)
            top = targets[0].relevance if targets else 0.0
            self._targets = [_rescaled(e, top) for e in targets
                             if top >= TARGET_FLOOR and e.relevance >= SUBJECT_MIN * top][:SUBJECT_MAX_COUNTRIES]
        return self._targets

    def countries_for(self, ev: Event) -> list[Entity]:
        if self.kb.event_categories.get(ev.type, ("", ""))[0] in TARGETED_CATEGORIES:
            return self.target_countries()
        return self.subject_countries

    def role_subject_country(self, ev: Event, eff: Effect) -> None:
        for c in self.countries_for(ev):
            direction = ev.direction if eff.direction == "shock" else eff.direction
            score = self.strength(ev) * eff.weight * c.relevance
            chain = (self.event_line(ev, c.name), eff.why)
            self.add(c.id, score, direction, chain)
            # A small market's listed companies are its equities: name them. (Listing every
            # American company under country:US would say nothing.)
            listed = self.kb.companies_by_country.get(c.id, [])
            if len(listed) <= COUNTRY_LIST_MAX:
                for company in listed:
                    info = self.kb.entities[company]
                    self.add_company(company, score * COUNTRY_COMPANY_DAMP, direction,
                                     chain + (f"{info.name} ({info.ticker}) is listed in and earns mostly in {c.name}",), c.id)

    def _commodity_direction(self, commodity: str, eff: Effect) -> str:
        if eff.direction == "shock":
            return self.kb.entities[commodity].get("supply_shock_direction", "up") or "up"
        return eff.direction

    def produced(self, country: str, scope: str) -> dict[str, tuple[float, Fact | None, str, float]]:
        """Commodities the event touches in the country: share, the fact, and what ties it in.

        A country-wide event (unrest, coup, war, sanctions) reaches every commodity the
        country produces in material share; a local one (a strike, a storm, a fire) only
        those the story ties to it by name or through a named site or company.
        """
        best: dict[str, tuple[float, Fact | None, str]] = {}
        for fact in self.kb.producers_by_country.get(country, []):
            if fact.weight > best.get(fact.object, (0.0, None, ""))[0]:
                best[fact.object] = (fact.weight, fact, "")
        ties = self._ties(country)
        # Only the story's main country loses output across the board; a second country
        # (Washington reacting to an attack on Saudi oil) only for what the story ties to it.
        primary = bool(self.subject_countries) and country == self.subject_countries[0].id \
            or any(c.id == country and c.relevance >= PRIMARY_COUNTRY_MIN for c in self.subject_countries)
        out = {}
        for commodity in set(best) | set(ties):
            share, fact, _ = best.get(commodity, (0.0, None, ""))
            tie, site_share, tie_rel = ties.get(commodity, ("", 0.0, 0.0))
            if scope == "local":
                if tie:
                    out[commodity] = (max(site_share, min(share, LOCAL_SHARE_CAP)), fact, tie, tie_rel)
            elif (share >= MATERIAL_SHARE and primary) or (tie and (share >= TIED_SHARE_MIN or fact is None)):
                out[commodity] = (share, fact, tie, tie_rel)
        return out

    def _ties(self, country: str) -> dict[str, tuple[str, float, float]]:
        """Commodities the story ties to the country: commodity -> (line, site share, relevance)."""
        code = country.split(":")[1]
        ties: dict[str, tuple[str, float, float]] = {}
        for eid, ent in self.entities.items():
            info = self.kb.entities[eid]
            if info.kind == "commodity" and ent.mentions and ent.relevance >= NAMED_TIE_MIN_RELEVANCE \
                    and self._named_with_event(eid):
                ties.setdefault(eid, (f"The story names {info.name.lower()}", 0.0, ent.relevance))
            if info.kind not in ("place", "company") or not ent.mentions:
                continue
            if ent.relevance < NAMED_TIE_MIN_RELEVANCE and not self._named_with_event(eid):
                continue  # a port or field named in passing does not tie its cargo to the event
            for fact in self.kb.exposures_by_subject.get(eid, ()):
                # A place in the country (or a sea lane, which has none), or a company of the
                # country: a foreign company's output elsewhere is not at risk here.
                local = info.country == code or (info.kind == "place" and not info.country)
                if fact.relation in ("produces", "supplier-to") and fact.object.startswith("commodity:") and local:
                    line = f"{info.name}: {fact.why}"
                    old = ties.get(fact.object, ("", -1.0, 0.0))
                    if fact.weight >= old[1]:
                        ties[fact.object] = (line, fact.weight, max(ent.relevance, old[2]))
        return ties

    def cue_positions(self, ev: Event) -> list[int]:
        """Offsets in the body where the event's cues start (once per event)."""
        if ev.type not in self._cue_positions:
            lower = self.body.lower()
            heads = {cue.split("~")[0].strip().lower() for cue in ev.cues}  # "troops ~ flown in"
            self._cue_positions[ev.type] = sorted(m.start() for head in heads
                                                  for m in re.finditer(re.escape(head), lower))
        return self._cue_positions[ev.type]

    def cue_sentences(self, ev: Event) -> set[int]:
        """Indexes of the sentences where the event's cues stand."""
        return {self.sentences.index(at) for at in self.cue_positions(ev)}

    def _named_with_event(self, entity: str) -> bool:
        """Is the entity named in the title or in a sentence that reports one of the events?"""
        if self._near_events is None:
            self._near_events = {0}.union(*(self.cue_sentences(ev) for ev in self.events))
        near = self._near_events
        return any(m.entity == entity and self.sentences.index(m.start) in near for m in self.mentions)

    def commodity_moves(self, ev: Event, eff: Effect) -> list[tuple[str, float, str, tuple[str, ...], str]]:
        """(commodity, score, direction, chain, country) for the event's produced commodities."""
        moves = []
        scope = self.kb.event_categories.get(ev.type, ("", "local"))[1]
        for c in self.countries_for(ev):
            for commodity, (share, fact, tie, tie_rel) in self.produced(c.id, scope).items():
                direction = self._commodity_direction(commodity, eff)
                factor = _share_factor(share, LOCAL_SHARE_FULL if scope == "local" else SHARE_FULL)
                if tie and scope == "country":
                    factor = max(factor, TIED_FACTOR)  # the story itself links it to the country
                # A local event is as central as the site or commodity the story is about.
                rel = max(c.relevance, tie_rel) if scope == "local" else c.relevance
                score = self.strength(ev) * eff.weight * rel * factor
                info = self.kb.entities[commodity]
                fact_line = (f"{c.name} produces about {_pct(fact.weight)} of world {info.name.lower()}"
                             f" ({fact.metric}, {fact.year or fact.as_of}; {fact.source})") if fact else ""
                why = info.get("why") if eff.direction == "shock" and direction == "down" else eff.why
                chain = tuple(x for x in (self.event_line(ev, c.name), fact_line, tie, why) if x)
                moves.append((commodity, score, direction, chain, c.id))
        # A disruption at the story's company takes out that company's own output.
        seen = {m[0] for m in moves}
        for e in self.subject_companies:
            info = self.kb.entities[e.id]
            for fact in self.kb.exposures_by_subject.get(e.id, ()):
                if fact.relation != "produces" or not fact.object.startswith("commodity:") or fact.object in seen:
                    continue
                direction = self._commodity_direction(fact.object, eff)
                score = self.strength(ev) * eff.weight * e.relevance * _share_factor(fact.weight, LOCAL_SHARE_FULL)
                chain = (self.event_line(ev), f"{info.name} ({info.ticker}): {fact.why}", eff.why)
                home = f"country:{info.country}" if info.country else ""
                moves.append((fact.object, score, direction, chain, home))
        return moves

    def role_produced_commodities(self, ev: Event, eff: Effect) -> None:
        for commodity, score, direction, chain, _ in self.commodity_moves(ev, eff):
            self.add(commodity, score, direction, chain)

    def role_subject_commodity(self, ev: Event, eff: Effect) -> None:
        for e in self.subject_commodities:
            direction = self._commodity_direction(e.id, eff)
            self.add(e.id, self.strength(ev) * eff.weight * e.relevance, direction,
                     (self.event_line(ev), f"The story is about {e.name.lower()}", eff.why))

    def _commodity_basis(self, ev: Event, eff: Effect) -> list[tuple[str, float, str, tuple[str, ...], str]]:
        """Commodity moves this event implies, whichever role produced them (computed once
        per event: several roles ask)."""
        if ev.type not in self._basis:
            self._basis[ev.type] = self._compute_basis(ev)
        return self._basis[ev.type]

    def _compute_basis(self, ev: Event) -> list[tuple[str, float, str, tuple[str, ...], str]]:
        basis = {}
        for effect in self.kb.effects.get(ev.type, []):
            if effect.target == "produced-commodities":
                for move in self.commodity_moves(ev, effect):
                    basis.setdefault(move[0], move)
            elif effect.target == "subject-commodity":
                for e in self.subject_commodities:
                    direction = self._commodity_direction(e.id, effect)
                    basis.setdefault(e.id, (e.id, self.strength(ev) * effect.weight * e.relevance, direction,
                                            (self.event_line(ev), f"The story is about {e.name.lower()}"), ""))
        return list(basis.values())

    def _industry_links(self, ev: Event, eff: Effect, relation: str, damp: float) -> None:
        for commodity, score, cdir, chain, country in self._commodity_basis(ev, eff):
            if relation == "consumer" and score < CONSUMER_MIN_BASIS:
                continue  # a small move in an input does not move its users' shares
            cname = self.kb.name(commodity).lower()
            for link in self.kb.links_by_commodity.get(commodity, ()):
                if link.relation != relation:
                    continue
                # Producers follow the commodity, consumers take the other side, whatever the
                # event: a bitcoin sell-off hits miners, an oil glut helps airlines.
                direction = cdir if relation == "producer" else FLIP.get(cdir, cdir)
                line = f"{self.kb.name(link.object)}: {link.why} ({cname} {cdir})"
                where = f" outside {self.kb.name(country)}" if relation == "producer" and country else ""
                self.add(link.object, score * link.weight * damp, direction, chain + (line + where,))
                if relation == "producer":
                    self._producer_companies(commodity, link.object, score * link.weight * damp,
                                             direction, chain, country)

    def role_producer_industries(self, ev: Event, eff: Effect) -> None:
        self._industry_links(ev, eff, "producer", PRODUCER_DAMP)

    def role_consumer_industries(self, ev: Event, eff: Effect) -> None:
        self._industry_links(ev, eff, "consumer", CONSUMER_DAMP)

    def _producer_companies(self, commodity: str, industry: str, score: float, direction: str,
                            chain: tuple[str, ...], country: str) -> None:
        """Companies that produce the commodity: those outside the country follow it."""
        code = country.split(":")[1] if country else ""
        producers = {f.subject: f for f in self.kb.exposures_by_object.get(commodity, ())
                     if f.relation == "produces" and self.kb.entities[f.subject].kind == "company"}
        members = list(producers) + [c for c in self.kb.companies_by_industry.get(industry, []) if c not in producers]
        for company in members[: COMPANIES_PER_GROUP * 2]:
            info = self.kb.entities[company]
            if code and (info.country == code):
                continue  # local producers are handled by their own role
            fact = producers.get(company)
            weight = 0.7 + 0.3 * _share_factor(fact.weight) if fact else 0.6
            line = f"{info.name} ({info.ticker}): " + (fact.why if fact else f"{self.kb.name(industry)} company")
            # One hit per company and commodity, however many producer industries lead to it.
            key = (commodity, company)
            if score * weight > self.producer_hits.get(key, (0.0,))[0]:
                via = info.industry if info.industry == industry or not fact else commodity
                self.producer_hits[key] = (score * weight, direction, chain + (line,), via)

    def role_local_producers(self, ev: Event, eff: Effect) -> None:
        for commodity, score, cdir, chain, country in self._commodity_basis(ev, eff):
            if not country:
                continue
            code = country.split(":")[1]
            producers = {f.subject: f for f in self.kb.exposures_by_object.get(commodity, ())
                         if f.relation == "produces"}
            industry = self.kb.entities[commodity].get("producer_industry")
            # Only the country's own companies: the industry may have hundreds elsewhere.
            home = set(self.kb.companies_by_country.get(country, ()))
            members = (set(producers) | set(self.kb.companies_by_industry.get(industry, []))) & home
            for company in sorted(members):
                info = self.kb.entities.get(company)
                if info is None or info.kind != "company":
                    continue
                fact = producers.get(company)
                line = f"{info.name} ({info.ticker}) produces {self.kb.name(commodity).lower()} in {self.kb.name(country)}"
                if fact:
                    line += f": {fact.why}"
                if info.country == code:
                    self.add_company(company, score * eff.weight * LOCAL_PRODUCER_DAMP, eff.direction,
                                     chain + (line, eff.why), country)
        # Foreign companies with operations in the country: output at risk there, though a
        # producer of a commodity the story sends up gains on price ("mixed").
        rising = {m[0] for m in self._commodity_basis(ev, eff) if m[2] == "up"}
        for c in self.countries_for(ev):
            for fact in self.kb.exposures_by_object.get(c.id, ()):
                info = self.kb.entities.get(fact.subject)
                if info is None or info.kind != "company" or fact.relation not in ("operates-in", "revenue-from") \
                        or info.country == c.id.split(":")[1]:  # home companies are local producers
                    continue
                gains = self._gains_from(info.id, rising)
                direction = "mixed" if gains else eff.direction
                score = self.strength(ev) * c.relevance * eff.weight * OPERATOR_DAMP * min(1.0, fact.weight / OPERATOR_FULL_EXPOSURE)
                self.add_company(info.id, score, direction,
                                 (self.event_line(ev, c.name), f"{info.name} ({info.ticker}): {fact.why}",
                                  "Operations in the country are at risk" + ("; its product's price rises" if gains else "")),
                                 c.id)

    def _gains_from(self, company: str, rising: set[str]) -> bool:
        """Does the company sell one of the rising commodities (directly or by industry)?"""
        info = self.kb.entities[company]
        for commodity in rising:
            if any(f.relation == "produces" and f.object == commodity
                   for f in self.kb.exposures_by_subject.get(company, ())):
                return True
            if any(link.relation == "producer" and link.object == info.industry
                   for link in self.kb.links_by_commodity.get(commodity, ())):
                return True
        return False

    def role_subject_company(self, ev: Event, eff: Effect) -> None:
        for e in self.subject_companies:
            direction = ev.direction if eff.direction == "shock" else eff.direction
            chain = (self.event_line(ev), f"{e.name} is the company in the story", eff.why)
            score = self.strength(ev) * eff.weight * e.relevance
            self.add_company(e.id, score, direction, chain, e.id)
            self._heavyweight(e.id, score, direction, chain[:2])
            info = self.kb.entities[e.id]
            # The company's industry moves with it; when the event moves peers the other way
            # (a recall or a strike at one company helps its rivals) the industry is mixed.
            peers_apart = any(x.target == "peers" and {x.direction, direction} == {"up", "down"}
                              for x in self.kb.effects.get(ev.type, ()))
            if info.industry:
                self.add(info.industry, self.strength(ev) * eff.weight * e.relevance * SUBJECT_INDUSTRY_DAMP,
                         "mixed" if peers_apart else direction,
                         chain + (f"{info.name} is in {self.kb.name(info.industry).lower()}"
                                  + ("; its rivals gain" if peers_apart else ""),))

    def _heavyweight(self, company: str, score: float, direction: str, chain: tuple[str, ...]) -> None:
        """A heavyweight of its home index moves the country's stocks (TSMC and Taiwan)."""
        for fact in self.kb.exposures_by_subject.get(company, ()):
            if fact.relation == "member-of" and fact.weight >= INDEX_HEAVYWEIGHT:
                index = self.kb.entities[fact.object]
                if index.country:
                    self.add(f"country:{index.country}", score * min(1.0, fact.weight / INDEX_FULL_WEIGHT),
                             direction, chain + (fact.why,))

    def role_peers(self, ev: Event, eff: Effect) -> None:
        # Rivals moving against the company in the story leave its industry mixed.
        own = {x.direction for x in self.kb.effects.get(ev.type, ()) if x.target == "subject-company"}
        direction = "mixed" if {eff.direction} | own == {"up", "down"} else eff.direction
        for e in self.subject_companies:
            info = self.kb.entities[e.id]
            if info.industry:
                self.add(info.industry, self.strength(ev) * eff.weight * e.relevance, direction,
                         (self.event_line(ev), f"{info.name} is in {self.kb.name(info.industry).lower()}", eff.why))

    def _linked_companies(self, ev: Event, eff: Effect, want: str) -> None:
        for e in self.subject_companies:
            pairs = []
            for f in self.kb.exposures_by_subject.get(e.id, ()):
                if want == "customers" and f.relation == "supplier-to":
                    pairs.append((f.object, f))
                if want == "suppliers" and f.relation == "customer-of":
                    pairs.append((f.object, f))
            for f in self.kb.exposures_by_object.get(e.id, ()):
                if want == "suppliers" and f.relation == "supplier-to":
                    pairs.append((f.subject, f))
                if want == "customers" and f.relation == "customer-of":
                    pairs.append((f.subject, f))
            by_industry: dict[str, list[tuple[str, float]]] = defaultdict(list)
            direction = ev.direction if eff.direction == "shock" else eff.direction
            for other, f in pairs:
                score = self.strength(ev) * eff.weight * e.relevance * (0.5 + 0.5 * f.weight)
                self.add_company(other, score, direction, (self.event_line(ev), f.why, eff.why), e.id)
                industry = self.kb.entities[other].industry if other in self.kb.entities else ""
                if industry and industry != self.kb.entities[e.id].industry:
                    by_industry[industry].append((self.kb.entities[other].name, score))
            # An industry whose companies depend on the story's company (carmakers on a chip
            # supplier) is hit through each of them, when several of them are.
            for industry, members in by_industry.items():
                if len(members) >= LINKED_INDUSTRY_MIN:
                    score = 1.0 - math.prod(1.0 - x for _, x in members)
                    names = ", ".join(n for n, _ in members[:4])
                    self.add(industry, score, direction, (self.event_line(ev), f"{e.name}'s {want} include {names}", eff.why))

    def role_suppliers(self, ev: Event, eff: Effect) -> None:
        self._linked_companies(ev, eff, "suppliers")

    def role_customers(self, ev: Event, eff: Effect) -> None:
        self._linked_companies(ev, eff, "customers")

    def role_subject_industry(self, ev: Event, eff: Effect) -> None:
        for e in self.subject_industries:
            self.add(e.id, self.strength(ev) * eff.weight * e.relevance, eff.direction if eff.direction != "shock" else ev.direction,
                     (self.event_line(ev), f"The story is about {e.name.lower()}", eff.why))

    def role_actor_countries(self, ev: Event, eff: Effect) -> None:
        """Countries acting in the event's own sentences (troops sent by the Russian-led CSTO)."""
        subjects = {c.id for c in self.subject_countries}
        cue_sentences = self.cue_sentences(ev)
        found: dict[tuple[str, int], str] = {}
        # Sending troops involves a country whatever the rest of the story: a side event
        # still counts at the main event's floor.
        strength = _full_strength(ev)
        for m in self.mentions:
            i = self.sentences.index(m.start)
            if i not in cue_sentences:
                continue
            info = self.kb.entities.get(m.entity)
            if info is None:
                continue
            country = m.entity if info.kind == "country" else (f"country:{info.leader}" if info.leader else "")
            if not country or country in subjects:
                continue
            led = country != m.entity
            if (country, i) in found and not led:
                continue  # one line per country and sentence; "led by" says more
            how = f"{info.name} is led by {self.kb.name(country)}" if led else f"{info.name} acts in the story"
            found[(country, i)] = how
        for (country, i), how in found.items():
            sentence = self.sentences.text(i).strip()
            self.add(country, strength * eff.weight, eff.direction,
                     (self.event_line(ev), f"\"{sentence[:160]}\"", how, eff.why))

    # -- direct statements -------------------------------------------------------------
    def statements(self) -> None:
        """'Chevron shares fell 3%', 'uranium prices rose': a stated move, given to the name
        nearest before the verb in the same sentence (no other name between them)."""
        stated: dict[str, list[Contribution]] = {}
        movable = [m for m in self.mentions
                   if (info := self.kb.entities.get(m.entity)) and (
                       info.kind in STATED_KINDS or info.kind == "country"
                       or (info.kind == "place" and info.get("kind") == "index"))]
        if not movable:
            return
        ends = [m.end for m in movable]
        lower = self.body.lower()
        verbs = []
        if self.said:  # most stories state no move at all
            rx = re.compile(r"\b(?:" + "|".join(sorted(self.said)) + r")\b")
            verbs = [(w.start(), w.group() in MOVE_UP) for w in rx.finditer(lower)]
        verbs += [(p.start(), bool(p.group("up"))) for p in MOVE_PHRASES.finditer(lower)]
        verbs.sort()
        for at, rising in verbs:
            k = bisect.bisect_right(ends, at) - 1  # the last name ending before the verb
            if k < 0:
                continue
            m = movable[k]
            s_start, s_end = self.sentences.spans[self.sentences.index(at)]
            if m.start < s_start:
                continue  # the name is in an earlier sentence
            sentence = self.body[s_start:s_end]
            gap = self.body[m.end:at]
            if len(gap) > STATED_MAX_GAP or not (MARKET_WORDS.search(gap) or len(gap) <= STATED_BARE_GAP):
                continue
            direction = "up" if rising else "down"
            info = self.kb.entities[m.entity]
            if info.kind in ("country", "place"):
                # "Japanese stocks fell", "the Nikkei slid": the country's equities moved.
                if not EQUITY_WORDS.search(gap) and info.get("kind") != "index":
                    continue
                info = self.kb.entities.get(f"country:{info.country}") if info.kind == "place" else info
                if info is None:
                    continue
            score = STATEMENT_WEIGHT * max(self.rel(m.entity), 0.4)
            line = f"The story says: \"{sentence.strip()[:160]}\""
            if info.kind == "company":
                self.add_company(info.id, score, direction, (line,), info.id)
                self._heavyweight(info.id, score, direction, (line,))
                if info.industry:
                    # Several companies of one industry moving together move the industry.
                    self.add(info.industry, score * STATED_INDUSTRY_DAMP, direction,
                             (line, f"{info.name} ({info.ticker}) is in {self.kb.name(info.industry).lower()}"))
            else:
                self.add(info.id, score, direction, (line,))
                if info.kind == "commodity" and self.rel(info.id) >= SUBJECT_MIN:
                    stated.setdefault(info.id, []).append(Contribution(info.id, score, direction, (line,)))
        # A price move the story is about reaches the commodity's producers and users (when
        # no event already carries it there through its own rules).
        carried = any(x.target in ("producer-industries", "consumer-industries")
                      for ev in self.events for x in self.kb.effects.get(ev.type, ()))
        for commodity, contribs in ({} if carried else stated).items():
            score, cdir, chain = _combine(contribs, MIXED_MINORITY)
            if cdir not in ("up", "down"):
                continue
            for link in self.kb.links_by_commodity.get(commodity, ()):
                producer = link.relation == "producer"
                if not producer and (score < CONSUMER_MIN_BASIS or link.weight < STATED_CONSUMER_MIN_WEIGHT):
                    continue
                direction = cdir if producer else FLIP[cdir]
                damp = PRODUCER_DAMP if producer else CONSUMER_DAMP
                line = f"{self.kb.name(link.object)}: {link.why} ({self.kb.name(commodity).lower()} {cdir})"
                self.add(link.object, score * link.weight * damp, direction, chain[:1] + (line,))

    # -- combination ---------------------------------------------------------------------
    def groups(self) -> tuple[GroupHit, ...]:
        combined = {gid: _combine(cs, MIXED_MINORITY) for gid, cs in self.contribs.items()}
        # Sector roll-up: an industry's sector moves with it, never more strongly.
        by_sector: dict[str, list[tuple[float, str, tuple[str, ...], str]]] = defaultdict(list)
        for gid, (score, direction, chain) in combined.items():
            info = self.kb.entities[gid]
            if info.kind == "industry" and info.sector:
                by_sector[info.sector].append((score, direction, chain, gid))
        for sector, items in by_sector.items():
            top = max(items, key=lambda x: x[0])
            # The sector follows the industries that are reported; one below the bar does not
            # make it mixed.
            shown = [x for x in items if x[0] >= GROUP_MIN_SCORE] or [top]
            cs = [Contribution(sector, s * SECTOR_FACTOR, d, (f"{self.kb.name(g)} is in the {self.kb.name(sector)} sector",) + c[:1])
                  for s, d, c, g in shown]
            if sector in combined:
                cs.append(Contribution(sector, *combined[sector]))
            score, direction, chain = _combine(cs, SECTOR_MIXED_MINORITY)
            combined[sector] = (min(score, max(top[0], combined.get(sector, (0,))[0])), direction, chain)
        hits = []
        for gid, (score, direction, chain) in combined.items():
            info = self.kb.entities[gid]
            if info.kind not in ("sector", "industry", "country", "commodity") or score < GROUP_MIN_SCORE:
                continue
            hits.append(GroupHit(gid, info.kind, info.name, round(min(score, 1.0), 3), direction, chain))
        hits.sort(key=lambda h: (-h.score, h.id))
        return tuple(hits[:MAX_GROUPS])

    def members_of(self, groups: tuple[GroupHit, ...]) -> None:
        """An industry moved in the story's country names that country's companies in it
        (a BoJ hike: Japan's banks), a few, in the order the KB lists them."""
        # A company the story names, in an industry the story moves, moves with it.
        hit = {g.id: g for g in groups if g.kind == "industry" and g.direction in ("up", "down")}
        for e in self.entities.values():
            info = self.kb.entities.get(e.id)
            if e.kind == "company" and e.mentions and info and info.industry in hit:
                g = hit[info.industry]
                self.add_company(e.id, g.score * NAMED_MEMBER_DAMP, g.direction,
                                 g.evidence[:2] + (f"{info.name} ({info.ticker}), named in the story, is a {g.name.lower()} company",),
                                 g.id)
        if not self.subject_countries:
            return
        country = self.subject_countries[0]
        listed = set(self.kb.companies_by_country.get(country.id, ()))
        for g in groups:
            if g.kind != "industry" or g.direction not in ("up", "down"):
                continue
            members = [c for c in self.kb.companies_by_industry.get(g.id, ()) if c in listed]
            for company in members[:COUNTRY_INDUSTRY_MEMBERS]:
                info = self.kb.entities[company]
                self.add_company(company, g.score * COUNTRY_COMPANY_DAMP, g.direction,
                                 g.evidence[:2] + (f"{info.name} ({info.ticker}) is a {g.name.lower()} company in {country.name}",),
                                 g.id)

    def companies(self) -> tuple[CompanyHit, ...]:
        for (_, company), (score, direction, chain, via) in self.producer_hits.items():
            self.add_company(company, score, direction, chain, via)
        self.producer_hits.clear()
        hits = []
        for cid, items in self.company_contribs.items():
            score, direction, chain = _combine([c for c, _ in items], MIXED_MINORITY, mixed_counts=True)
            if score < COMPANY_MIN_SCORE:
                continue
            info = self.kb.entities[cid]
            via = tuple(dict.fromkeys(v for _, v in items))
            hits.append(CompanyHit(info.ticker, info.name, round(min(score, 1.0), 3), direction, via, chain))
        hits.sort(key=lambda h: (-h.score, h.ticker))
        return tuple(hits[:MAX_COMPANIES])


def _moves_said(body: str) -> tuple[frozenset[str], bool]:
    """The move words the body uses, and whether it has a move phrase ("record high")."""
    lower = body.lower()
    return frozenset(MOVE_ALL.intersection(WORD.findall(lower))), MOVE_PHRASES.search(lower) is not None


def _full_strength(ev: Event) -> float:
    """A main event pushes with at least EVENT_FLOOR; its severity adds the rest."""
    return EVENT_FLOOR + (1.0 - EVENT_FLOOR) * ev.severity


def _rescaled(e: Entity, top: float) -> Entity:
    """The entity with its relevance judged against the top one of its kind."""
    return Entity(e.id, e.kind, e.name, e.mentions, e.relevance / top, e.roles)


def _combine(contribs: list[Contribution], mixed_minority: float = 0.3,
             mixed_counts: bool = False) -> tuple[float, str, tuple[str, ...]]:
    """Noisy-or of scores; weighted vote of directions; the strongest chain first."""
    if len(contribs) == 1:  # the common case, and the same answer
        c = contribs[0]
        return c.score, c.direction, c.chain[:8]
    contribs = sorted(contribs, key=lambda c: -c.score)
    miss = 1.0
    votes: dict[str, float] = defaultdict(float)
    for c in contribs:
        miss *= 1.0 - min(c.score, 1.0)
        votes[c.direction] += c.score
    score = 1.0 - miss
    signed = votes.get("up", 0.0) + votes.get("down", 0.0)
    if signed > 0:
        minority = min(votes.get("up", 0.0), votes.get("down", 0.0)) / signed
        if mixed_counts:
            # For a company, a contribution that is itself mixed (Chevron: oil up, Tengiz at
            # risk) counts as the other side too.
            minority = max(minority, votes.get("mixed", 0.0) / (signed + votes.get("mixed", 0.0)))
        if minority >= mixed_minority or votes.get("mixed", 0.0) > signed:
            direction = "mixed"
        else:
            direction = "up" if votes.get("up", 0.0) > votes.get("down", 0.0) else "down"
    else:
        direction = max(votes, key=votes.get) if votes else "neutral"
    chain: list[str] = []
    for c in contribs:
        for line in c.chain:
            if line not in chain:
                chain.append(line)
    return score, direction, tuple(chain[:8])


def find_exposures(entities: tuple[Entity, ...], events: tuple[Event, ...], mentions: tuple[Mention, ...],
                   body: str, kb: KB) -> tuple[tuple[GroupHit, ...], tuple[CompanyHit, ...]]:
    """The groups and companies the story moves; nothing when no event or statement moves them."""
    said, phrased = _moves_said(body)
    if not events and not said and not phrased:
        return (), ()  # nothing happens and nothing moves: most traps end here, cheaply
    reasoner = Reasoner(kb, entities, events, mentions, body, said)
    reasoner.run()
    groups = reasoner.groups()
    reasoner.members_of(groups)
    return groups, reasoner.companies()
