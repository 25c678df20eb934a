"""How far an event reaches, judged before it cascades.

* Nowhere: an event reported with no country, place, organisation, person or company in the
  story has nowhere to happen ("a perfect storm of deadlines", blackout poetry); it moves
  nothing. Market events (a sell-off) are exempt: the market is their place.
* Local or national: a row of events.csv marked scope=country (unrest, war, an epidemic)
  reaches the whole country's output only when the sentences reporting it say so: they name
  the country, use a national word ("nationwide", "across the country"), or state a share of
  national output at stake. Reported only at a city, state, plant or port, it is local: a
  rally at one statehouse is not national unrest. A local event ties only the commodities
  the story ties to its site, moves its country's equities far less, and puts at risk only
  the operations exposed to that place.
* Magnitude: the story's numbers scale severity, not the cue word alone. A case count below
  an epidemic's scale (one case of a disease) keeps it local and weak; a regulatory event's
  money at stake (a $50,000 fine, a $3 billion penalty) scales it on a log scale.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stockgroups.model import Event, quick_init

if TYPE_CHECKING:
    from stockgroups.analysis.segment import Sentences
    from stockgroups.kb.load import KB
    from stockgroups.model import Entity, Mention

# Kinds of entity that locate an event; a story with none of them places it nowhere.
ANCHOR_KINDS = frozenset({"country", "place", "company", "org", "person"})
# Categories whose events need no place: a market event happens in the market.
UNANCHORED_CATEGORIES = frozenset({"market"})
# Place kinds that are sites within a country (not indices, not sea lanes).
SITE_KINDS = frozenset({"city", "region", "mine", "field", "port", "facility"})
NATIONAL_WORDS = re.compile(
    r"\b(nationwide|nation-wide|countrywide|country-wide|across the country|throughout the country|"
    r"all over the country|across the nation|the whole country|national output|national production|"
    r"in (?:several|many|dozens of|most) (?:major )?cities)\b", re.IGNORECASE)
# "about 12% of the country's output": a stated share of national output at stake.
NATIONAL_SHARE = re.compile(
    r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent) of (?:the country's|the nation's|national|its|"
    r"[A-Z][a-z]+(?:'s)?)\s+(?:\w+\s+){0,2}(?:output|production|supply|exports|capacity)", re.IGNORECASE)
NATIONAL_SHARE_MIN = 10.0  # percent: a share this large puts national output at stake
# "about 5% of global supply": the share of world output the story says is at stake; a local
# event's tied commodities move by it when it exceeds what the KB knows of the site.
WORLD_SHARE = re.compile(
    r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent) of (?:world|global|the world's|worldwide)\s+"
    r"(?:\w+\s+){0,2}(?:output|production|supply|supplies|exports|capacity)", re.IGNORECASE)
# Case counts: "one case of measles", "3,200 new cases". Full epidemic weight at CASES_FULL.
# (The look-ahead on first characters only lets the scan skip faster.)
CASES = re.compile(r"(?=[aotfsen\d])\b(a single|one|two|three|four|five|six|seven|eight|nine|ten|\d[\d,]*)\s+"
                   r"(?:(?:new|confirmed|suspected|reported|more)\s+){0,2}cases?\b", re.IGNORECASE)
CASE_WORDS = {"a single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10}
CASES_FULL = 10_000
CASES_LOCAL = 100  # fewer stated cases than this: a local matter
CASE_FLOOR = 0.2  # strength left to a single case
# Money at stake in a regulatory event (a fine, a penalty, a settlement): full weight from
# DOLLARS_FULL, the floor at or below DOLLARS_SMALL, log scale between. A $50,000 fine for a
# late filing is not a $3 billion penalty.
DOLLARS = re.compile(r"(?:US\$|\$|€|£)\s?(\d[\d,]*(?:\.\d+)?)\s*(trillion|billion|bn|million|mln|m\b)?",
                     re.IGNORECASE)
DOLLAR_SCALE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mln": 1e6, "m": 1e6}
DOLLARS_FULL = 1e9
DOLLARS_SMALL = 1e5
DOLLAR_FLOOR = 0.2
MONEY_CATEGORIES = frozenset({"regulatory"})
# A national event judged local moves its country's equities and fixed groups this much.
LOCAL_DAMP = 0.35
# A clause that sets the scene ("the listing came weeks after protests...", "last year's
# hurricane") reports background, not the news: an event cued only there, and not in the
# headline, pushes this much.
BACKGROUND = re.compile(
    r"\b(?:came (?:as|after|amid|weeks|days|months)|comes (?:as|after|amid)|(?:weeks|months|days|years) "
    r"(?:after|before)|last year's|a year earlier|earlier this year|in the past|previously|had been)\b",
    re.IGNORECASE)
BACKGROUND_DAMP = 0.5


@quick_init
@dataclass(frozen=True)
class Reach:
    """Where an event happens and how far it goes."""

    scope: str  # "country", "local" or "none"
    places: tuple[str, ...] = ()  # sites in the event's sentences (place entity ids)
    downgraded: bool = False  # the KB says country-wide; the story says local
    factor: float = 1.0  # severity scaling from the story's magnitudes
    world_share: float = 0.0  # share of world output the event's sentences say is at stake
    why: str = ""


def _anchored(entities: dict[str, Entity]) -> bool:
    return any(e.kind in ANCHOR_KINDS and e.mentions for e in entities.values())


def _case_count(text: str) -> int | None:
    if text.isascii() and "case" not in text.lower():
        return None  # every CASES match ends in "case(s)": most texts need no scan
    counts = []
    for m in CASES.finditer(text):
        word = m.group(1).lower()
        counts.append(CASE_WORDS.get(word) or int(word.replace(",", "")))
    return max(counts) if counts else None


def largest_amount(text: str) -> float | None:
    amounts = []
    for m in DOLLARS.finditer(text):
        try:
            value = float(m.group(1).replace(",", ""))
        except ValueError:
            continue
        amounts.append(value * DOLLAR_SCALE.get((m.group(2) or "").lower(), 1.0))
    return max(amounts) if amounts else None


def money_factor(amount: float) -> float:
    """How much of a regulatory event's weight a stated amount of money carries."""
    span = math.log10(DOLLARS_FULL) - math.log10(DOLLARS_SMALL)
    return max(DOLLAR_FLOOR, min(1.0, (math.log10(max(amount, 1.0)) - math.log10(DOLLARS_SMALL)) / span))


def judge_reach(kb: KB, ev: Event, scope: str, entities: dict[str, Entity], mentions: tuple[Mention, ...],
                sentences: Sentences, event_sentences: set[int]) -> Reach:
    """The reach of one event, from where and how the story reports it."""
    category = kb.event_categories.get(ev.type, ("", "local"))[0]
    if category not in UNANCHORED_CATEGORIES and not _anchored(entities):
        return Reach("none", why="the story names no country, place or company for it")
    near = {0} | event_sentences  # the headline and the sentences that report it
    text = " ".join(sentences.text(i) for i in sorted(near))
    countries, sites = set(), []
    for m in mentions:
        if sentences.index(m.start) not in near:
            continue
        info = kb.entities.get(m.entity)
        if info is None:
            continue
        if info.kind == "country":
            countries.add(m.entity)
        elif info.kind == "place" and info.get("kind") in SITE_KINDS and m.entity not in sites:
            sites.append(m.entity)
    factor, why = 1.0, ""
    if event_sentences and 0 not in event_sentences and all(
            BACKGROUND.search(sentences.text(i)) for i in event_sentences):
        factor, why = BACKGROUND_DAMP, "reported only in a background clause"
    if category in MONEY_CATEGORIES:
        amount = largest_amount(" ".join(sentences.text(i) for i in event_sentences) or text)
        if amount is not None and money_factor(amount) < 1.0:
            factor *= money_factor(amount)
            why = f"{amount:,.0f} at stake: a small sum"
    cases = _case_count(text)
    if cases is not None and category == "disaster":
        factor *= max(CASE_FLOOR, min(1.0, math.log10(cases + 1) / math.log10(CASES_FULL)))
        if cases < CASES_LOCAL:
            return Reach("local", tuple(sites), scope == "country", factor,
                         why=f"{cases} case{'s' if cases != 1 else ''} reported: a local matter")
    world = max((float(m.group(1)) / 100 for m in WORLD_SHARE.finditer(
        " ".join(sentences.text(i) for i in event_sentences))), default=0.0)
    if scope != "country":
        return Reach("local", tuple(sites), False, factor, world, why)
    shares = [float(m.group(1)) for m in NATIONAL_SHARE.finditer(text)]
    national = bool(countries) or NATIONAL_WORDS.search(text) is not None or \
        any(s >= NATIONAL_SHARE_MIN for s in shares)
    if national or not sites:
        return Reach("country", tuple(sites), False, factor, world, why)
    names = ", ".join(kb.name(s) for s in sites[:3])
    return Reach("local", tuple(sites), True, factor, world, f"reported only at {names}: a local event")
