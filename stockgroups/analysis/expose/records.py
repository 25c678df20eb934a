"""The small records the reasoner passes between its parts (no anonymous tuples)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stockgroups.model import quick_init

if TYPE_CHECKING:
    from stockgroups.kb.load import Fact


@quick_init
@dataclass(frozen=True)
class Contribution:
    """One reason a group or company moves: how much, which way, and the chain of facts."""

    target: str
    score: float
    direction: str
    chain: tuple[str, ...]
    hop: int = 2  # 1: the story's own subject or a stated move; 2: reached through the graph
    stated: bool = False  # the story states this move outright ("Micron's shares rose", "copper rose")


@quick_init
@dataclass(frozen=True)
class CompanyContribution:
    """A contribution to a company, with the group or entity that brought it in."""

    contribution: Contribution
    via: str


@quick_init
@dataclass(frozen=True)
class Combined:
    """Contributions to one target, combined: noisy-or score, voted direction, chain."""

    score: float
    direction: str
    chain: tuple[str, ...]
    hop: int = 2  # the most direct hop among the contributions


@quick_init
@dataclass(frozen=True)
class Tie:
    """The story ties a commodity to a country: the line saying how, the site's own share
    of world output (0 when the tie is the commodity named), and the tie's relevance."""

    line: str
    site_share: float
    relevance: float


@quick_init
@dataclass(frozen=True)
class Produced:
    """A commodity an event touches in one country: the share at stake, the KB fact behind
    it, and what in the story ties it in."""

    share: float
    fact: Fact | None
    tie: Tie | None


@quick_init
@dataclass(frozen=True)
class CommodityMove:
    """A commodity an event moves, and the country whose output is at stake ("" if none)."""

    commodity: str
    score: float
    direction: str
    chain: tuple[str, ...]
    country: str


@quick_init
@dataclass(frozen=True)
class ProducerHit:
    """A producing company moved through one commodity (kept once, at its strongest)."""

    score: float
    direction: str
    chain: tuple[str, ...]
    via: str
