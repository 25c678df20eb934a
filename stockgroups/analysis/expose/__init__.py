"""Entities + events + KB graph -> the groups and companies a story moves, each with its chain.

The rules are data (event_effects.csv: event type -> target role, direction, weight, why).
The parts:
  story.py        what one story gives the reasoner: events, subjects, sentences
  commodities.py  which commodities an event moves, through whose output
  roles.py        one function per role, in a table checked against the KB's roles
  statements.py   moves the story states outright ("Chevron shares fell 3%")
  combine.py      noisy-or and direction vote per group; sectors; thresholds
  records.py      the small records passed between them
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from stockgroups.analysis.expose.combine import Ledger, add_members, company_hits, group_hits
from stockgroups.analysis.expose.roles import handler_for
from stockgroups.analysis.expose.statements import moves_said, stated_moves
from stockgroups.analysis.expose.story import Story
from stockgroups.model import CompanyHit, Entity, Event, GroupHit, Mention

if TYPE_CHECKING:
    from stockgroups.kb.load import KB


def run_roles(story: Story, ledger: Ledger) -> None:
    """Every effect row of every event the story reports, through its role's function."""
    for ev in story.events:
        for eff in story.kb.effects.get(ev.type, []):
            handler_for(eff.target)(story, ledger, ev, eff)


def find_exposures(entities: tuple[Entity, ...], events: tuple[Event, ...], mentions: tuple[Mention, ...],
                   body: str, kb: KB) -> tuple[tuple[GroupHit, ...], tuple[CompanyHit, ...]]:
    """The groups and companies the story moves; nothing when no event or statement moves them."""
    said, phrased = moves_said(body)
    if not events and not said and not phrased:
        return (), ()  # nothing happens and nothing moves: most traps end here, cheaply
    story = Story(kb, entities, events, mentions, body, said)
    ledger = Ledger(kb)
    run_roles(story, ledger)
    stated_moves(story, ledger)
    groups = group_hits(ledger)
    add_members(story, ledger, groups)
    return groups, company_hits(ledger)


__all__ = ["find_exposures", "run_roles"]
