"""Mentions -> entities with a relevance score: the story's subject near 1, passing names near 0.

A mention weighs more in the title and the lead, less as a demonym, much less inside a
list of names or a sentence of thanks. Places, people and institutions count towards
their country, so "Almaty", "Tokayev" and "Kazakhstan's Health Ministry" all make the
story about Kazakhstan.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from stockgroups.model import Entity, Mention
from stockgroups.analysis.segment import LEAD_CHARS, sentences_of

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

TITLE_WEIGHT = 2.5  # the headline names the subject
LEAD_WEIGHT = 1.5  # so does the first paragraph
DEMONYM_WEIGHT = 0.6  # "Russian-led" says less than "Russia"
LISTED_WEIGHT = 0.25  # "Kazakhstan, Armenia, Tajikistan and Belarus": one of many
PASSING_WEIGHT = 0.3  # a sentence of thanks, condolences or travel names, it does not report
ROLLUP_WEIGHT = 0.6  # a city, person or ministry counts towards its country
LEADER_ROLLUP_WEIGHT = 0.5  # "the Russian-led CSTO" counts towards Russia
LIST_MIN = 3  # names in a row before they are a list
PASSING_CUES = re.compile(  # the look-ahead on first letters only makes the scan skip faster
    r"(?=[tcgsvhi])\b(thank(?:s|ed|ing)?|congratulat\w*|condolences?|grateful|sympath\w+|visit(?:ed|ing)?|"
    r"holiday|vacation|tourists?|itinerary)\b",
    re.IGNORECASE,
)
# The fixed start of every PASSING_CUES alternative: an ASCII story holding none of them (most
# stories) has no sentence of thanks or travel, and no sentence is searched.
PASSING_STEMS = ("thank", "congratulat", "condolence", "grateful", "sympath", "visit", "holiday", "vacation",
                 "tourist", "itinerary")
LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|&|/|;)\s*$")
ROLLUP_KINDS = ("place", "person", "org")
# Institutions that act on others (a Treasury imposing sanctions, a regulator fining): a
# country named mostly through them is the actor, and gets the role "institutional".
INSTITUTION_KINDS = frozenset({"regulator", "government-body", "agency", "central-bank"})
INSTITUTIONAL_SHARE = 0.5
# Names that are not what the story is about: a source ("according to Kpler", "Goldman Sachs
# analysts said", "data from LSEG showed") or an index ("MSCI's world index", "the Nasdaq
# Composite"). The mention gets the role "source" or "index" and counts this much.
ATTRIBUTION_WEIGHT = 0.15
SOURCE_BEFORE = re.compile(r"(?:according to|data from|figures from|a (?:report|survey|poll|note) (?:by|from)|"
                           r"(?:analysts?|economists?|strategists?|researchers?) (?:at|from|with)|"
                           r"consultancy|data provider|research firm)\s+(?:the\s+)?$", re.IGNORECASE)
SOURCE_AFTER = re.compile(r"^(?:'s)?\s*(?:analysts?|economists?|strategists?|research(?:ers)?|data|figures|"
                          r"estimates?|forecasts?|calculations)\b|^,?\s*(?:said|says|wrote|noted) in a (?:research )?note",
                          re.IGNORECASE)
INDEX_AFTER = re.compile(r"^(?:'s)?(?:\s+(?!(?:in|of|on|to|for|from|the|a|an|and|its|their)\b)[\w&-]+){0,2}?"
                         r"\s+(?:index|indices|indexes|gauge|composite|benchmark)\b",
                         re.IGNORECASE)
ATTRIBUTION_WINDOW = 40  # characters looked at either side of a name
# An exchange operator's name used for its market: the venue of a listing ("in its Nasdaq
# debut", "listed on the Nasdaq") or the market's own move ("Nasdaq soars 7%"). The mention is
# the market, not the company (role "market"), unless the company itself is meant ("Nasdaq Inc").
MARKET_OPERATOR_INDUSTRIES = frozenset({"industry:exchanges-market-data"})
VENUE_BEFORE = re.compile(r"\b(?:on|onto|to|from)\s+(?:the\s+)?$", re.IGNORECASE)
VENUE_AFTER = re.compile(
    r"^(?:[- ](?:listed|debut|listing|ipo|composite|100)\b|\s+(?:rose|rises|fell|falls|gained|gains|lost|loses|jumped|"
    r"jumps|surged|surges|soared|soars|slid|slides|dropped|drops|climbed|climbs|sank|sinks|tumbled|tumbles|rallied|"
    r"rallies|added|adds|edged|edges|ended|ends|closed|closes|finished|slumped|slumps|plunged|plunges)\b)",
    re.IGNORECASE)


# How the headline or lead first names a country can say it is not the story's subject: as the
# author of a measure aimed elsewhere ("US sanctions Russia's Rosneft", "sweeping US export
# curbs on China": role "actor") or to locate one region of it ("the US Midwest", "the US Gulf
# Coast": role "locative"). The expose stage judges actors of events on its own.
COUNTRY_ACTOR_AFTER = re.compile(
    r"^(?:'s)?[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:sanctions?|sanctioned|curbs?|tariffs?|export[ \t]+(?:controls?|bans?|rules)|"
    r"embargo|blacklist\w*|restrictions?|restricts|imposes|imposed|slaps|slapped|bans|banned)\b", re.IGNORECASE)
COUNTRY_REGION_AFTER = re.compile(
    r"^(?:'s)?[ \t]+(?:midwest|mid-west|corn belt|farm belt|sun belt|rust belt|gulf coast|gulf of mexico|east coast|"
    r"west coast|northeast|northwest|southeast|southwest|great plains|plains|heartland)\b", re.IGNORECASE)
COUNTRY_USAGE_WINDOW = 60


def country_usage(body: str, m: Mention) -> str:
    """'actor' or 'locative' when a country's name is used as above, else ''."""
    after = body[m.end:m.end + COUNTRY_USAGE_WINDOW]
    if COUNTRY_ACTOR_AFTER.match(after):
        return "actor"
    if COUNTRY_REGION_AFTER.match(after):
        return "locative"
    return ""


def score_entities(body: str, title_len: int, mentions: Iterable[Mention], kb: KB) -> tuple[Entity, ...]:
    """Entities sorted by relevance (0..1, relative to the story's main subject)."""
    mentions = list(mentions)
    if not mentions:
        return ()
    sentences = sentences_of(body)
    listed = _listed(mentions, kb, body)
    raw: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    roles: dict[str, set[str]] = defaultdict(set)
    institutional: dict[str, float] = defaultdict(float)
    passing: dict[int, bool] = {}  # sentence index -> is it a sentence of thanks, travel...
    first_named: set[str] = set()  # countries whose first headline or lead mention was read
    lower = body.lower() if body.isascii() else ""
    may_pass = not lower or any(stem in lower for stem in PASSING_STEMS)  # else none is searched
    for i, m in enumerate(mentions):
        info = kb.entities.get(m.entity)
        if info is None:
            continue
        w = 1.0
        if m.start < title_len:
            w *= TITLE_WEIGHT
            roles[m.entity].add("title")
        elif m.start < title_len + LEAD_CHARS:
            w *= LEAD_WEIGHT
        if info.demonyms and m.surface in info.demonyms:
            w *= DEMONYM_WEIGHT
        if info.kind == "country" and m.entity not in first_named and m.start < title_len + LEAD_CHARS:
            first_named.add(m.entity)
            if usage := country_usage(body, m):
                roles[m.entity].add(usage)
        quoted_as = attribution(body, m, info.industry) if info.kind in ATTRIBUTED_KINDS else ""
        if quoted_as:
            w *= ATTRIBUTION_WEIGHT
            roles[m.entity].add(quoted_as)
        if i in listed:
            w *= LISTED_WEIGHT
            roles[m.entity].add("listed")
        i_sentence = sentences.index(m.start)
        if i_sentence not in passing:
            passing[i_sentence] = may_pass and PASSING_CUES.search(sentences.text(i_sentence)) is not None
        if passing[i_sentence]:
            w *= PASSING_WEIGHT
            roles[m.entity].add("passing")
        raw[m.entity] += w
        counts[m.entity] += 1
        if info.kind in ROLLUP_KINDS:
            if info.country:
                raw[f"country:{info.country}"] += w * ROLLUP_WEIGHT
                if info.kind == "org" and info.get("kind") in INSTITUTION_KINDS:
                    institutional[f"country:{info.country}"] += w * ROLLUP_WEIGHT
            if info.leader:
                raw[f"country:{info.leader}"] += w * LEADER_ROLLUP_WEIGHT
                roles[f"country:{info.leader}"].add(f"leads {info.id}")
    for country, value in institutional.items():
        if value > INSTITUTIONAL_SHARE * raw[country]:
            roles[country].add("institutional")
    top = max(raw.values())
    entities = []
    for eid, value in raw.items():
        info = kb.entities.get(eid)
        if info is None:
            continue
        entities.append(Entity(eid, info.kind, info.name, counts.get(eid, 0), min(1.0, value / top),
                               tuple(sorted(roles.get(eid, ())))))
    entities.sort(key=lambda e: (-e.relevance, e.id))
    return tuple(entities)


ATTRIBUTED_KINDS = frozenset({"company", "org"})
# Roles of a name that stands for something else: a source, an index, an exchange's market.
ATTRIBUTED_ROLES = frozenset({"source", "index", "market"})


@lru_cache(maxsize=256)  # the relevance and the expose stages both ask of the same mentions
def attribution(body: str, m: Mention, industry: str = "") -> str:
    """'index' when the name is an index's, 'source' when it is quoted as a source, 'market'
    when an exchange operator (of `industry`) is named for its market, else ''."""
    after = body[m.end:m.end + ATTRIBUTION_WINDOW]
    if INDEX_AFTER.match(after):
        return "index"
    before = body[max(0, m.start - ATTRIBUTION_WINDOW):m.start]
    if SOURCE_BEFORE.search(before) or SOURCE_AFTER.match(after):
        return "source"
    if industry in MARKET_OPERATOR_INDUSTRIES and (VENUE_BEFORE.search(before) or VENUE_AFTER.match(after)):
        return "market"
    return ""


def _listed(mentions: list[Mention], kb: KB, body: str) -> set[int]:
    """Indexes of mentions that stand in a run of LIST_MIN or more names of one kind."""
    out: set[int] = set()
    run = [0]
    kinds = [m.entity.split(":")[0] for m in mentions]
    for i in range(1, len(mentions) + 1):
        same = i < len(mentions) and (
            kinds[i] == kinds[run[-1]]
            and LIST_GAP.match(body[mentions[run[-1]].end:mentions[i].start]) is not None
        )
        if same:
            run.append(i)
            continue
        if len(run) >= LIST_MIN:
            out.update(run)
        run = [i]
    return out
