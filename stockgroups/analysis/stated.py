"""The story's subject gets the direction the story states for it.

Event rules give directions only where a catalogued event fires; a story that just says
"operating profit rose" or "shares tumbled" states a direction for its own subject. This
stage gives that direction to the subject company (linked, or named but not in the KB) or,
in a story with no company, to the commodity, industry or country it is about.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stockgroups.model import CompanyHit, Entity, GroupHit, Mention, Stance
from stockgroups.analysis.relevance import ATTRIBUTED_ROLES

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

# A stance this firm (0..1) gives the subject a direction; weaker ones are left to the events.
STATED_MIN_STRENGTH = 0.45
# The hit's score: a stated direction of the subject is as strong as a main event's push.
STATED_BASE, STATED_SPAN = 0.4, 0.5
# What the story states firmly about a company outranks what an event rule infers for it
# ("Micron rose on expectations of higher prices" in a story about a quake at chip plants).
OVERRIDE_MIN_STRENGTH = 0.6
# Other companies the story names take their own stated direction when this central.
COMPANY_SUBJECT_MIN = 0.5
# The story's unnamed phrases ("operating profit rose") are the top company's when it is in the
# headline or this central.
OWNER_MIN = 0.8
# A group (commodity, industry, country) must be this central, and named in the headline, to be
# the story's subject.
GROUP_SUBJECT_MIN = 0.5
GROUP_KINDS = ("commodity", "industry", "sector", "country")
# A company named in the story but not in the KB: "unlisted" says the product cannot list it.
UNLISTED = "unlisted"
UNNAMED = "the company in the story (not named)"
NAME_RUN = re.compile(r"[A-Z][\w&'.\-]*(?:\s+(?:[A-Z][\w&'.\-]*|&|de|of|and)(?=\s+[A-Z])?)*")
POSSESSIVE = re.compile(r"\s*['’]s?$")
TITLE_CASE_SHARE = 0.7
_CORPORATE = (r"(?:Corp|Corporation|Inc|Co|Ltd|Plc|PLC|Group|Holdings?|Oyj|Oy|AB|ASA|AG|SA|NV|SE|Bank|Industries|"
              r"Mining|Petroleum|Airlines?|Motors?|Systems)\b\.?")
CORPORATE_WORD = re.compile(r"\b" + _CORPORATE + r"(?:\s+" + _CORPORATE + r")*")  # "Mining Corp" as one
TICKER_AFTER = re.compile(r"\s*[<(][A-Za-z.]{1,6}[>)]")
# Only a ticker in angle brackets: in running text a short form in parentheses is as often an
# agency's acronym ("Farm Service Agency (FSA)") as a company's ticker.
BRACKETED_TICKER_AFTER = re.compile(r"\s*<[A-Za-z.]{1,6}>")
NOT_NAMES = frozenset("""The A An In On At For From By With Its It This That These Those Our We He She They
Mr Mrs Ms Dr EUR USD SEK NOK DKK GBP JPY CEO CFO President Chairman Chief Operating Net Sales Profit Group
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Q1 Q2 Q3 Q4 According However Also""".split())


def _clear(stance: Stance | None) -> bool:
    return stance is not None and stance.direction in ("up", "down") and stance.strength >= STATED_MIN_STRENGTH


def _score(stance: Stance) -> float:
    return round(STATED_BASE + STATED_SPAN * stance.strength, 3)


def _line(stance: Stance) -> str:
    return "The story states: " + "; ".join(stance.evidence)


def unlisted_name(title: str, mentions: tuple[Mention, ...]) -> str:
    """The first proper name in the title that the KB does not know: the company, usually. In a
    headline written in Title Case every word looks like a name: there only a name that ends in
    a corporate word ("Acme Mining Corp") or cites its ticker ("Acme <ACM>") counts."""
    known = [(m.start, m.end) for m in mentions if m.start < len(title)]
    words = [w for w in title.split() if len(w) >= 4 and w[0].isalpha()]
    title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)
    for m in NAME_RUN.finditer(title):
        if title_case:
            corporate = CORPORATE_WORD.search(m.group())
            if corporate:  # "Acme Mining Corp Posts Higher Profit": the name ends at its corporate word
                return m.group()[:corporate.end()].rstrip(".")
            if not TICKER_AFTER.match(title, m.end()):
                continue
        words = [w for w in re.finditer(r"\S+", m.group())
                 if w.group().strip(".,'") not in NOT_NAMES
                 and not any(s < m.start() + w.end() and m.start() + w.start() < e for s, e in known)]
        if words:
            name = POSSESSIVE.sub("", m.group()[words[0].start():words[-1].end()]).rstrip(".,'")
            if len(name) >= 3 and not name.isdigit():
                return name
    return UNNAMED


def corporate_names(text: str, ticker: re.Pattern[str] = TICKER_AFTER) -> list[tuple[int, int]]:
    """Spans of the names that are companies by their form, known to the KB or not: a run of
    capitalised words up to a corporate word after a word of its own ("Tarrow Petroleum Ltd",
    "Acme Mining Corp"), or a run that cites its ticker ("Kaneb Energy <KEP>"). A title-case
    headline reads as one run; the span stops at the corporate word, not at the run's end."""
    spans = []
    for m in NAME_RUN.finditer(text):
        corporate = CORPORATE_WORD.search(m.group())
        if corporate and corporate.start() > 0:
            spans.append((m.start(), m.start() + corporate.end()))
        elif ticker.match(text, m.end()):
            spans.append((m.start(), m.end()))
    return spans


def corporate_headline(title: str) -> bool:
    """The headline names a company by its form, known to the KB or not (corporate_names)."""
    return bool(corporate_names(title))


def _owns_story(e: Entity) -> bool:
    """Phrases that name nobody are the top company's when it is the story's own subject."""
    return "title" in e.roles or e.relevance >= OWNER_MIN


def _signed_company(companies: tuple[CompanyHit, ...], e: Entity, stance: Stance, kb: KB) -> tuple[CompanyHit, ...]:
    """The company hit with the stated direction: added, or signed where it had none."""
    info = kb.entities[e.id]
    for i, hit in enumerate(companies):
        if hit.ticker == info.ticker:
            if hit.direction == stance.direction or (hit.direction in ("up", "down")
                                                     and stance.strength < OVERRIDE_MIN_STRENGTH):
                return companies  # an event already signed it, and the story says nothing firmer
            signed = CompanyHit(hit.ticker, hit.name, max(hit.score, _score(stance)), stance.direction, hit.via,
                                (_line(stance),) + hit.evidence)
            return tuple(sorted(companies[:i] + (signed,) + companies[i + 1:], key=lambda h: (-h.score, h.ticker)))
    added = CompanyHit(info.ticker, info.name, _score(stance), stance.direction, (e.id,),
                       (_line(stance), f"The story is about {info.name} ({info.ticker})"))
    return tuple(sorted(companies + (added,), key=lambda h: (-h.score, h.ticker)))


def stated_hits(stances: tuple[Stance, ...], entities: tuple[Entity, ...], groups: tuple[GroupHit, ...],
                companies: tuple[CompanyHit, ...], title: str, mentions: tuple[Mention, ...],
                kb: KB) -> tuple[tuple[GroupHit, ...], tuple[CompanyHit, ...]]:
    """Groups and companies with the subject's stated direction added where they had none."""
    by_entity = {s.entity: s for s in stances}
    own = by_entity.get("")
    named = [e for e in entities if e.kind == "company"]
    if named:
        # The subject company takes the story's own stance too ("Acme said operating profit rose").
        central = [e for e in named if ("title" in e.roles or e.relevance >= COMPANY_SUBJECT_MIN)
                   and ATTRIBUTED_ROLES.isdisjoint(e.roles)]
        signed = [(e, by_entity.get(e.id) or (own if e is named[0] and _owns_story(e) else None)) for e in central]
        signed = [(e, s) for e, s in signed if _clear(s)]
        for e, stance in signed:
            assert stance is not None
            companies = _signed_company(companies, e, stance, kb)
        return groups, companies
    for e in entities:
        if e.kind in GROUP_KINDS and e.relevance >= GROUP_SUBJECT_MIN and "title" in e.roles \
                and _clear(stance := by_entity.get(e.id)):
            assert stance is not None
            for i, hit in enumerate(groups):
                if hit.id == e.id:
                    if hit.direction in ("up", "down"):
                        return groups, companies
                    signed = GroupHit(hit.id, hit.kind, hit.name, max(hit.score, _score(stance)), stance.direction,
                                      (_line(stance),) + hit.evidence)
                    return tuple(sorted(groups[:i] + (signed,) + groups[i + 1:], key=lambda h: (-h.score, h.id))), \
                        companies
            added_group = GroupHit(e.id, e.kind, e.name, _score(stance), stance.direction,
                                   (_line(stance), f"{e.name} is the story's subject"))
            return tuple(sorted(groups + (added_group,), key=lambda h: (-h.score, h.id))), companies
    if _clear(own) and not any(c.direction in ("up", "down") for c in companies):
        assert own is not None
        name = unlisted_name(title, mentions)
        if name == UNNAMED and not own.corporate:
            return groups, companies  # no firm named and no firm's figures: not a company story
        added = CompanyHit("", name, _score(own), own.direction, (UNLISTED,),
                           (_line(own), f"{name} is the story's company; it is not in the knowledge base"))
        return groups, tuple(sorted(companies + (added,), key=lambda h: (-h.score, h.ticker)))
    return groups, companies
