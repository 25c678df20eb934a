"""Moves the story states outright: "Chevron shares fell 3%", "uranium prices rose".

A stated move goes to the name nearest before the verb in the same sentence (no other
name between them); a stated price move of a commodity the story is about reaches its
producers and heavy users when no event carries it there already.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

import ahocorasick

from stockgroups.analysis.expose.combine import MIXED_MINORITY, Ledger, combine
from stockgroups.analysis.expose.records import Contribution
from stockgroups.analysis.expose.roles import CONSUMER_DAMP, CONSUMER_MIN_BASIS, FLIP, PRODUCER_DAMP, heavyweight
from stockgroups.analysis.expose.story import SUBJECT_MIN, Story
from stockgroups.analysis.relevance import attribution

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


# The words of WORD (runs of a-z): every other byte, UTF-8 ones included, a space; then the
# move words found whole (" rose ") in one automaton pass. The same pass looks for the words
# every MOVE_PHRASES match holds whole (the "time" of "all-time high", the "added" of
# "added 5"...): a body with none of them is not scanned for phrases.
_LETTERS_ONLY = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))
_PHRASE_HINT = ""  # the automaton value of a hint word
_MOVE_WORDS = ahocorasick.Automaton()
for _word in ("record", "time", "added", "lost", "shed"):
    _MOVE_WORDS.add_word(f" {_word} ", _PHRASE_HINT)
for _word in MOVE_ALL:
    _MOVE_WORDS.add_word(f" {_word} ", _word)
_MOVE_WORDS.make_automaton()


def moves_said(body: str) -> tuple[frozenset[str], bool]:
    """The move words the body uses, and whether it has a move phrase ("record high")."""
    said, phrases, _ = _said(body.lower())
    return said, bool(phrases)


@lru_cache(maxsize=8)
def _said(lower: str) -> tuple[frozenset[str], tuple[tuple[int, bool], ...], tuple[tuple[int, str], ...] | None]:
    """The move words among WORD.findall(lower) (without making a string per word); (offset,
    rising) of every MOVE_PHRASES match; and, for an ASCII body (where the letters' offsets
    are the body's), (offset, word) of every move word standing alone as a run of letters.
    Once per story."""
    letters = lower.encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).decode("ascii")
    hits = [(end - len(word) - 1, word) for end, word in _MOVE_WORDS.iter(f" {letters} ")]
    found = {word for _, word in hits}
    where = tuple(hit for hit in hits if hit[1]) if lower.isascii() else None
    if _PHRASE_HINT not in found:
        return frozenset(found), (), where
    found.discard(_PHRASE_HINT)
    return frozenset(found), tuple((p.start(), bool(p.group("up"))) for p in MOVE_PHRASES.finditer(lower)), where


def _said_at(lower: str, said: frozenset[str]) -> list[tuple[int, bool]]:
    """(offset, rising) of the `said` words standing as whole words (\\b on both sides)."""
    where = _said(lower)[2]
    if where is None or not said <= MOVE_ALL:
        rx = re.compile(r"\b(?:" + "|".join(sorted(said)) + r")\b")
        return [(w.start(), w.group() in MOVE_UP) for w in rx.finditer(lower)]
    size = len(lower)
    # A run of letters is a whole word unless a digit or "_" touches it ("rose5", "_rose").
    return [(at, word in MOVE_UP) for at, word in where
            if word in said and not (at and (lower[at - 1].isalnum() or lower[at - 1] == "_"))
            and not (at + len(word) < size and (lower[at + len(word)].isalnum() or lower[at + len(word)] == "_"))]


def stated_moves(story: Story, ledger: Ledger) -> None:
    """Attach every move the story states to the name it is stated of."""
    kb = story.kb
    stated: dict[str, list[Contribution]] = {}
    # A company named as an index ("MSCI's world index rose") or as a source ("Goldman
    # analysts said oil rose") is not the one that moved.
    movable = [m for m in story.mentions
               if (info := kb.entities.get(m.entity)) and (
                   info.kind in STATED_KINDS or info.kind == "country"
                   or (info.kind == "place" and info.get("kind") == "index"))
               and not (info.kind == "company" and attribution(story.body, m, info.industry))]
    if not movable:
        return
    ends = [m.end for m in movable]
    body = story.body
    lower = body.lower()
    verbs = []
    if story.said:  # most stories state no move at all
        verbs = _said_at(lower, story.said)
    verbs += _said(lower)[1]
    verbs.sort()
    for at, rising in verbs:
        k = bisect.bisect_right(ends, at) - 1  # the last name ending before the verb
        if k < 0:
            continue
        m = movable[k]
        s_start, s_end = story.sentences.spans[story.sentences.index(at)]
        if m.start < s_start:
            continue  # the name is in an earlier sentence
        sentence = body[s_start:s_end]
        gap = body[m.end:at]
        if len(gap) > STATED_MAX_GAP or not (MARKET_WORDS.search(gap) or len(gap) <= STATED_BARE_GAP):
            continue
        direction = "up" if rising else "down"
        info = kb.entities[m.entity]
        if info.kind in ("country", "place"):
            # "Japanese stocks fell", "the Nikkei slid": the country's equities moved.
            if not EQUITY_WORDS.search(gap) and info.get("kind") != "index":
                continue
            info = kb.entities.get(f"country:{info.country}") if info.kind == "place" else info
            if info is None:
                continue
        score = STATEMENT_WEIGHT * max(story.rel(m.entity), 0.4)
        line = f"The story says: \"{sentence.strip()[:160]}\""
        if info.kind == "company":
            ledger.add_company(info.id, score, direction, (line,), info.id, stated=True)
            heavyweight(story, ledger, info.id, score, direction, (line,))
            if info.industry:
                # Several companies of one industry moving together move the industry.
                ledger.add(info.industry, score * STATED_INDUSTRY_DAMP, direction,
                           (line, f"{info.name} ({info.ticker}) is in {kb.name(info.industry).lower()}"), hop=1)
        else:
            ledger.add(info.id, score, direction, (line,), hop=1)
            if info.kind == "commodity" and story.rel(info.id) >= SUBJECT_MIN:
                stated.setdefault(info.id, []).append(Contribution(info.id, score, direction, (line,)))
    # A price move the story is about reaches the commodity's producers and users (when
    # no event already carries it there through its own rules).
    carried = any(x.target in ("producer-industries", "consumer-industries")
                  for ev in story.events for x in kb.effects.get(ev.type, ()))
    for commodity, contribs in ({} if carried else stated).items():
        c = combine(contribs, MIXED_MINORITY)
        if c.direction not in ("up", "down"):
            continue
        for link in kb.links_by_commodity.get(commodity, ()):
            producer = link.relation == "producer"
            if not producer and (c.score < CONSUMER_MIN_BASIS or link.weight < STATED_CONSUMER_MIN_WEIGHT):
                continue
            direction = c.direction if producer else FLIP[c.direction]
            damp = PRODUCER_DAMP if producer else CONSUMER_DAMP
            line = f"{kb.name(link.object)}: {link.why} ({kb.name(commodity).lower()} {c.direction})"
            ledger.add(link.object, c.score * link.weight * damp, direction, c.chain[:1] + (line,))
