"""The records that flow through the pipeline: one Analysis, enriched stage by stage."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

DIRECTIONS = ("up", "down", "mixed", "neutral")
_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an __init__ that stores its fields straight into the instance's
    dict instead of through object.__setattr__: the same record (still frozen, equal, hashable,
    picklable), built about twice as fast. For records the analysis makes by the hundred per
    article. Only for plain fields: no default factory, no __post_init__, no slots."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__ or any(
            not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"quick_init: {cls.__name__} has fields it cannot set directly")
    defaults = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    params = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}"
                       for f in fields)
    lines = "".join(f"\n    _state[{f.name!r}] = {f.name}" for f in fields)
    namespace = dict(defaults)
    exec(f"def __init__(self, {params}):\n    _state = self.__dict__{lines}\n", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}
    cls.__init__ = init  # type: ignore[misc]
    return cls

# How a hit relates to the story: its own subject (the company, commodity, country or
# industry the story is about), first-order (named in the story and moved by it), or
# second-order (reached through the knowledge graph: producers, peers, suppliers, sectors).
HIT_ROLES = ("subject", "first-order", "second-order")
# How central a company is to the story: "about" (the story is about it), "mentioned"
# (named in passing), "exposed" (not named; reached through the graph).
COMPANY_RELEVANCE = ("about", "mentioned", "exposed")


@dataclass(frozen=True)
class Article:
    """One news story as read from a source, before any analysis."""

    source: str  # the path or URL as the user gave it
    title: str = ""
    text: str = ""  # the body; raw until the clean stage replaces it
    url: str | None = None
    published: str | None = None  # UTC ISO 8601 ("2022-01-07T10:30:00Z", or a date alone), or None
    html: str | None = None  # the raw page when the input was HTML
    published_raw: str | None = None  # the publication time as the source wrote it
    language: str | None = None  # ISO 639-1 code the story is written in, None if unsure


@quick_init
@dataclass(frozen=True)
class Mention:
    """One place in the text where an alias of a KB entity was found and accepted."""

    entity: str  # KB id, e.g. "country:KZ", "company:CVX"
    start: int  # char offsets into Analysis.body (title + "\n\n" + text)
    end: int
    surface: str  # the text as written


@quick_init
@dataclass(frozen=True)
class Entity:
    """An entity the story names, with how central it is to the story."""

    id: str
    kind: str  # country, place, org, person, company, commodity, industry, sector
    name: str
    mentions: int
    relevance: float  # 0..1: subject of the story near 1, passing mention near 0
    roles: tuple[str, ...] = ()  # e.g. ("listed",), ("thanked",)


@quick_init
@dataclass(frozen=True)
class Event:
    """An event type the story reports, how severe, and where it happens."""

    type: str  # id from events.csv without the "event:" prefix, e.g. "civil-unrest"
    name: str
    severity: float  # 0..1
    cues: tuple[str, ...] = ()  # the words that triggered it
    direction: str = "neutral"  # for events with an intrinsic sign (earnings beat: up)
    at: tuple[int, ...] = ()  # body offsets where its cues start (word-bounded, as the event stage matched them)


@quick_init
@dataclass(frozen=True)
class Stance:
    """What the story says about one entity: which way, how firmly, and the words that decided it."""

    direction: str  # up | down | mixed | neutral
    strength: float  # 0..1
    evidence: tuple[str, ...]  # the deciding phrases as written, each with the way it reads
    entity: str = ""  # KB id of the holder; "" for the story's own subject when no KB entity names it
    corporate: bool = False  # the deciding words speak of a firm's figures or dealings (profit, orders...)


@quick_init
@dataclass(frozen=True)
class GroupHit:
    """A stock group the story moves, which way, how strongly, and why."""

    id: str  # taxonomy id, e.g. "industry:uranium"
    kind: str
    name: str
    score: float  # 0..1
    direction: str  # up | down | mixed | neutral
    evidence: tuple[str, ...]  # readable chain of facts, first line first
    role: str = "second-order"  # one of HIT_ROLES


@quick_init
@dataclass(frozen=True)
class CompanyHit:
    ticker: str
    name: str
    score: float
    direction: str
    via: tuple[str, ...]  # group ids (or entity ids) that brought the company in
    evidence: tuple[str, ...]
    role: str = "second-order"  # one of HIT_ROLES
    relevance: str = "exposed"  # one of COMPANY_RELEVANCE


@quick_init
@dataclass(frozen=True)
class Analysis:
    """The one record: the article and everything the stages attach to it."""

    article: Article
    body: str = ""  # title + "\n\n" + clean text: the string Mention offsets refer to
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    groups: tuple[GroupHit, ...] = ()
    companies: tuple[CompanyHit, ...] = ()
    stances: tuple[Stance, ...] = ()  # per entity, strongest first; entity "" is the story's own subject
    analysis_version: str = ""  # analysis/version.py: KB content, analysis code, package version

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI, the API, the store and Spark."""
        a = self.article
        return {
            "source": a.source,
            "title": a.title,
            "text": a.text,
            "url": a.url,
            "published": a.published,
            "published_raw": a.published_raw,
            "language": a.language,
            "entities": [
                {"id": e.id, "kind": e.kind, "name": e.name, "mentions": e.mentions,
                 "relevance": round(e.relevance, 3), "roles": list(e.roles)}
                for e in self.entities
            ],
            "events": [
                {"type": e.type, "name": e.name, "severity": round(e.severity, 3),
                 "direction": e.direction, "cues": list(e.cues)}
                for e in self.events
            ],
            "groups": [
                {"id": g.id, "kind": g.kind, "name": g.name, "score": round(g.score, 3),
                 "direction": g.direction, "role": g.role, "evidence": list(g.evidence)}
                for g in self.groups
            ],
            "companies": [
                {"ticker": c.ticker, "name": c.name, "score": round(c.score, 3),
                 "direction": c.direction, "role": c.role, "relevance": c.relevance,
                 "via": list(c.via), "evidence": list(c.evidence)}
                for c in self.companies
            ],
            "stances": [
                {"entity": s.entity, "direction": s.direction, "strength": round(s.strength, 3),
                 "evidence": list(s.evidence), "corporate": s.corporate}
                for s in self.stances
            ],
            "analysis_version": self.analysis_version,
            "kb_version": self.analysis_version,  # the former name, kept for readers of old output
        }


def replace(obj: Any, **changes: Any) -> Any:
    """dataclasses.replace, re-exported so stages import one thing.

    For a plain dataclass (every field set by __init__, no __post_init__) the copy is made
    field by field without calling __init__ again: the same object, several times faster,
    and the pipeline makes one per stage per article."""
    names = _PLAIN_FIELDS.get(type(obj))
    if names is None:
        names = _PLAIN_FIELDS[type(obj)] = _plain_fields(type(obj))
    if not names or not names.issuperset(changes):
        return dataclasses.replace(obj, **changes)
    new = object.__new__(type(obj))
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


# Per dataclass: the names of its fields when replace() may copy it directly, else empty.
_PLAIN_FIELDS: dict[type, frozenset[str]] = {}


def _plain_fields(cls: type) -> frozenset[str]:
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        return frozenset()
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        return frozenset()
    return frozenset(f.name for f in fields)


__all__ = [
    "COMPANY_RELEVANCE",
    "DIRECTIONS",
    "HIT_ROLES",
    "Analysis",
    "Article",
    "CompanyHit",
    "Entity",
    "Event",
    "GroupHit",
    "Mention",
    "Stance",
    "field",
    "quick_init",
    "replace",
]
