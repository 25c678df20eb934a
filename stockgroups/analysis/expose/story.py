"""What one story gives the reasoner: its events, its subjects, its sentences, and where
each event is reported. Read-only once built; the few lookups several roles share are
computed on first use and kept.

Subjects are chosen among entities of one kind ("Guinea coup hits aluminium" is about
Guinea even when aluminium is named more often; "FDA approves Vertex drug" is about Vertex
even though the FDA and the US are named more).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stockgroups.analysis.expose.reach import Reach, judge_reach
from stockgroups.analysis.segment import Sentences, sentences_of
from stockgroups.model import Entity, Event, Mention

if TYPE_CHECKING:
    from stockgroups.analysis.expose.records import CommodityMove
    from stockgroups.kb.load import KB, Effect

# Relevance (0..1, relative to the main subject) an entity needs to be a subject of events.
SUBJECT_MIN = 0.5
SUBJECT_MAX_COUNTRIES = 2  # a story is about one or two countries; more are context
COMPANY_SUBJECT_FLOOR = 0.15  # the top company must be at least this central to be the subject
COUNTRY_SUBJECT_FLOOR = 0.35  # the top country must be at least this central to be the subject
TARGET_FLOOR = 0.2  # the target country of a sanction must be at least this central
INDUSTRY_SUBJECT_FLOOR = 0.2  # the most-named industry must be at least this central
COMMODITY_SUBJECT_MIN = 0.25
# "Washington imposed sanctions", "the EU slapped tariffs": the name before these verbs
# acts on another country; it is not the one hit.
ACTOR_VERBS = re.compile(r"\b(impos\w*|announc\w*|slap\w*|levi\w*|plac\w*|expand\w*|tighten\w*|"
                         r"threaten\w*|unveil\w*|order\w*|adopt\w*|approv\w*|agree\w*|extend\w*)\b",
                         re.IGNORECASE)
ACTOR_MAX_GAP = 80
# Event categories whose subject country is the one acted upon (not the actor).
TARGETED_CATEGORIES = ("regulatory",)
# Only the strongest few events drive effects; weaker ones are usually background.
MAX_EVENTS = 3
EVENT_MIN_SEVERITY = 0.25
# The main event pushes with at least this strength; severity adds the rest up to 1.
EVENT_FLOOR = 0.5


def full_strength(ev: Event) -> float:
    """A main event pushes with at least EVENT_FLOOR; its severity adds the rest."""
    return EVENT_FLOOR + (1.0 - EVENT_FLOOR) * ev.severity


def rescaled(e: Entity, top: float) -> Entity:
    """The entity with its relevance judged against the top one of its kind."""
    return Entity(e.id, e.kind, e.name, e.mentions, e.relevance / top, e.roles)


def _subjects(entities: tuple[Entity, ...] | list[Entity], kind: str, floor: float) -> list[Entity]:
    """Entities of one kind central enough, relevance rescaled to the top one of the kind."""
    same = [e for e in entities if e.kind == kind]
    top = same[0].relevance if same else 0.0
    if top < floor:
        return []
    return [rescaled(e, top) for e in same if e.relevance >= SUBJECT_MIN * top]


class Story:
    """One article as the reasoner sees it."""

    def __init__(self, kb: KB, entities: tuple[Entity, ...], events: tuple[Event, ...],
                 mentions: tuple[Mention, ...], body: str, said: frozenset[str]) -> None:
        self.kb = kb
        self.said = said  # move words the body uses
        self.entities = {e.id: e for e in entities}
        self.events = [e for e in events if e.severity >= EVENT_MIN_SEVERITY][:MAX_EVENTS]
        self.main_event = self.events[0] if self.events else None
        self.mentions = mentions
        self.body = body
        self._sentences: Sentences | None = None
        self._cue_positions: dict[str, list[int]] = {}
        self._near_events: set[int] | None = None
        self._targets: list[Entity] | None = None
        self._event_lines: dict[tuple[int, str], tuple[Event, str]] = {}
        self._cue_sentences: dict[int, tuple[Event, set[int]]] = {}
        self.basis: dict[str, list[CommodityMove]] = {}  # commodity moves per event type
        self.moves: dict[tuple[int, int], tuple[Event, Effect, list[CommodityMove]]] = {}  # per event and effect row
        # Each event's reach is judged before anything cascades; one with nowhere to happen
        # is dropped.
        self.reach: dict[str, Reach] = {}
        for ev in self.events:
            kb_scope = kb.event_categories.get(ev.type, ("", "local"))[1]
            self.reach[ev.type] = judge_reach(kb, ev, kb_scope, self.entities, mentions, self.sentences,
                                              self.cue_sentences(ev))
        self.events = [ev for ev in self.events if self.reach[ev.type].scope != "none"]
        # The headline's event is the main one: a more severe event in a background clause
        # does not outrank it.
        headline = [ev for ev in self.events if 0 in self.cue_sentences(ev)]
        self.main_event = headline[0] if headline else (self.events[0] if self.events else None)
        self.subject_countries = _subjects(entities, "country", COUNTRY_SUBJECT_FLOOR)[:SUBJECT_MAX_COUNTRIES]
        self.subject_companies = _subjects(entities, "company", COMPANY_SUBJECT_FLOOR)
        # An industry is the story's subject when it is named where the event is reported (or
        # often): "Insurers face losses" in a wildfire story, not "rating agencies" in passing.
        # (Named often: central in the whole story, not only among industries.)
        self.subject_industries = [e for e in _subjects(entities, "industry", INDUSTRY_SUBJECT_FLOOR)
                                   if self.rel(e.id) >= SUBJECT_MIN or self.named_with_event(e.id)]
        self.subject_commodities = [e for e in entities if e.kind == "commodity"
                                    and e.relevance >= COMMODITY_SUBJECT_MIN]

    # -- strengths and lines -------------------------------------------------------------
    def strength(self, ev: Event) -> float:
        """How hard an event pushes: the main event at least EVENT_FLOOR, its severity the
        rest; a side event ("terrorists" in an unrest story) by its severity alone."""
        base = full_strength(ev) if ev is self.main_event else ev.severity
        reach = self.reach.get(ev.type)
        return base * reach.factor if reach else base

    def rel(self, entity_id: str) -> float:
        e = self.entities.get(entity_id)
        return e.relevance if e else 0.0

    def event_line(self, ev: Event, where: str = "") -> str:
        # The roles ask for the same few lines many times. (The entry keeps the event, so no
        # other event can take its id while the story lives.)
        cached = self._event_lines.get((id(ev), where))
        if cached is not None and cached[0] is ev:
            return cached[1]
        place = f" in {where}" if where else ""
        cues = ", ".join(ev.cues[:3])
        line = f"Story: {ev.name.lower()}{place} (severity {ev.severity:.2f}; \"{cues}\")"
        self._event_lines[id(ev), where] = (ev, line)
        return line

    def category(self, ev: Event) -> str:
        return self.kb.event_categories.get(ev.type, ("", "local"))[0]

    def scope(self, ev: Event) -> str:
        """The event's judged reach: "country" or "local"."""
        reach = self.reach.get(ev.type)
        return reach.scope if reach else self.kb.event_categories.get(ev.type, ("", "local"))[1]

    def reach_of(self, ev: Event) -> Reach:
        return self.reach.get(ev.type) or Reach(self.scope(ev))

    # -- where events are reported ---------------------------------------------------------
    @property
    def sentences(self) -> Sentences:
        if self._sentences is None:
            self._sentences = sentences_of(self.body)
        return self._sentences

    def cue_positions(self, ev: Event) -> list[int]:
        """Offsets in the body where the event's cues start, as the event stage matched them
        (on word boundaries: "war" is not found inside "software"). An event built by hand
        without offsets (a test, a stored record) is located by its cues on word boundaries."""
        if ev.at:
            return list(ev.at)
        if ev.type not in self._cue_positions:
            lower = self.body.lower()
            heads = {cue.split("~")[0].strip().lower() for cue in ev.cues}  # "troops ~ flown in"
            self._cue_positions[ev.type] = sorted(m.start() for head in heads
                                                  for m in re.finditer(r"(?<!\w)" + re.escape(head) + r"(?!\w)", lower))
        return self._cue_positions[ev.type]

    def cue_sentences(self, ev: Event) -> set[int]:
        """Indexes of the sentences where the event's cues stand (worked out once per event;
        callers only read the set)."""
        cached = self._cue_sentences.get(id(ev))
        if cached is not None and cached[0] is ev:  # (the entry holds the event: no id reused)
            return cached[1]
        found = {self.sentences.index(at) for at in self.cue_positions(ev)}
        self._cue_sentences[id(ev)] = (ev, found)
        return found

    def named_with_event(self, entity: str) -> bool:
        """Is the entity named in the title or in a sentence that reports one of the events?"""
        if self._near_events is None:
            self._near_events = {0}.union(*(self.cue_sentences(ev) for ev in self.events))
        near = self._near_events
        return any(m.entity == entity and self.sentences.index(m.start) in near for m in self.mentions)

    # -- which country an event hits ---------------------------------------------------------
    def main_subject(self) -> str:
        if self.subject_countries:
            return self.subject_countries[0].id
        best = max(self.entities.values(), key=lambda e: e.relevance, default=None)
        return best.id if best else ""

    def actors(self, ev: Event) -> set[str]:
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
            actors = self.actors(self.main_event) if self.main_event else set()
            targets = [e for e in self.entities.values() if e.kind == "country"
                       and "institutional" not in e.roles and e.id not in actors]
            targets.sort(key=lambda e: -e.relevance)
            top = targets[0].relevance if targets else 0.0
            self._targets = [rescaled(e, top) for e in targets
                             if top >= TARGET_FLOOR and e.relevance >= SUBJECT_MIN * top][:SUBJECT_MAX_COUNTRIES]
        return self._targets

    def countries_for(self, ev: Event) -> list[Entity]:
        if self.category(ev) in TARGETED_CATEGORIES:
            return self.target_countries()
        return self.subject_countries
