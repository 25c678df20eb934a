"""What the story says about each entity: up, down, mixed or neutral, and the words that decided it.

The vocabulary is data (kb/data/stance_terms.csv, the team's own words for financial news):
- `move` terms say which way a quantity went ("rose", "narrowed", "cut", "up 5%");
- `figure` terms say whether that quantity is good or bad for the holder ("profit" good,
  "net loss" bad), so "loss narrowed" reads up and "costs rose" down;
- `market-figure` terms are the holder's price ("shares", "prices"): good when up;
- the other kinds carry their own sign ("swung to a loss", "won an order", "lawsuit");
- `negation` terms flip the phrase they precede ("did not meet expectations").

Each phrase goes to one entity: the entity an event noun names ("turmoil in X", "strike at
X"), else the nearest stance-holding name before it in its clause, else the sentence's first
one; a phrase with no such name is the story's own (key ""). The headline weighs most.
"""
from __future__ import annotations

import bisect
import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from stockgroups.kb import schema
from stockgroups.analysis.segment import LEAD_CHARS, Sentences
from stockgroups.model import Mention, Stance

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

VOCAB_PATH = Path(__file__).resolve().parents[1] / "kb" / "data" / "stance_terms.csv"
VOCAB_COLUMNS = ("term", "polarity", "kind", "weight", "source", "as_of")
POLARITIES = schema.STANCE_POLARITIES
MOVE, FIGURE, MARKET_FIGURE, SHARE_FIGURE, NEGATION = "move", "figure", "market-figure", "share-figure", "negation"
# "stake", "share capital": a change in who owns what is not a direction for investors.
UNSIGNED_FIGURE = "unsigned-figure"
# "exports", "the trade deficit": a country's figures, signed, but no company's.
MACRO_FIGURE = "macro-figure"
FIGURE_KINDS = frozenset({FIGURE, MARKET_FIGURE, SHARE_FIGURE, UNSIGNED_FIGURE, MACRO_FIGURE})
COMPARED_KINDS = frozenset({FIGURE, MACRO_FIGURE})  # figures stated against their earlier value
UNSIGNED_KINDS = frozenset({NEGATION, UNSIGNED_FIGURE})
SIGNED_KINDS = frozenset({"result", "guidance", "order", "approval", "legal", "labour", "rating", "payout",
                          "disruption", "tone", "price"})
KINDS = frozenset({MOVE, NEGATION}) | FIGURE_KINDS | SIGNED_KINDS
if KINDS != frozenset(schema.STANCE_KINDS):  # the vocabulary file is checked against the schema
    raise RuntimeError("analysis/stance.py kinds differ from kb/schema.py STANCE_KINDS")
# Kinds that say the story is about a company's own fortunes (a story stance made only of
# "prices rose" or "strong" is not a company's).
CORPORATE_KINDS = frozenset({FIGURE, SHARE_FIGURE, "result", "guidance", "order", "approval", "legal", "labour", "rating",
                             "payout"})
SIGN = {"up": 1.0, "down": -1.0}

# ... or when its sentence names a firm: "the company", "Oyj", "its CEO".
COMPANY_WORDS = re.compile(r"\b(?:[Cc]ompany|[Ff]irm|[Gg]roup|[Cc]orporation|[Ss]ubsidiary|[Ss]hareholders|CEO|"
                           r"[Cc]hief [Ee]xecutive|Oyj|Oy|Plc|PLC|Inc|Ltd|AB|ASA|AG|Corp|SA|NV|A/S)\b")
# Where a phrase stands weighs on it: the headline decides the story, the lead confirms it,
# later paragraphs are often background.
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.3
BODY_WEIGHT = 0.7
# A move finds its figure this close: "operating profit rose" (before), "an increase in net
# sales" (after); further away the figure is another clause's.
FIGURE_BEFORE_CHARS = 60
FIGURE_AFTER_CHARS = 30
# A signed phrase's own figure sits right next to it: "strong sales", "profit improved".
SIGNED_FIGURE_BEFORE_CHARS = 40
SIGNED_FIGURE_AFTER_CHARS = 20
# A move with no figure is the holder's price when a number follows ("Nokia rose 3%", "was up
# 0.4 pct"); without one it may be anything ("the number of staff rose"): it counts for less.
BARE_MOVE_FACTOR = 0.4
PRICE_NUMBER = re.compile(r"\s*(?:by\s+|to\s+)?(?:eur|usd|\$|€|£)?\s?\d")
NAME_BEFORE = re.compile(r"\b[A-Z][\w&.'-]*\s+(?:(?:was|were|is|are|has|had)\s+)?$")
TITLE_CASE_SHARE = 0.5  # a sentence with this share of capitalised words is a Title Case headline
# A signed word with its figure ("strong sales", "profit improved") says more than the word alone.
WITH_FIGURE_FACTOR = 1.5
# A negation this close before a phrase flips it; a negated move says less than a stated one.
NEGATION_CHARS = 22
NEGATED_MOVE_FACTOR = 0.5
# "fell less than expected": the comparison after a move reverses what it means to investors.
SOFTER_THAN = re.compile(r"\W*(?:[\w.,%]+\s+){0,3}?less\s+than\s+(?:expected|forecast|estimated|anticipated|feared|"
                         r"analysts\s+expected)", re.IGNORECASE)
# "despite weak demand, ...", "although sales fell": a concessive clause is background.
CONCESSIVE_WORDS = ("despite", "although", "though", "even if", "notwithstanding", "in spite of")
CONCESSIVE_FACTOR = 0.4
# "..., but profit rose": what follows a contrast is what the writer stresses.
CONTRAST_WORDS = ("but", "however", "yet", "nevertheless", "nonetheless", "still")
CONTRAST_FACTOR = 1.3
# A clause ends here; a name in an earlier clause does not hold a later clause's phrase.
REPORTING_WORDS = ("said", "says", "expects", "expect", "expected", "estimates", "estimated", "forecasts",
                   "believes", "noted", "notes", "reported", "told", "predicts", "predicted", "thinks", "reckons",
                   "sees")
REPORTING_SET = frozenset(REPORTING_WORDS)
CLAUSE_WORDS = (";", ":", "while", "whereas", ", but", ", and the", ", although", ", though")
# Brackets and quotes read as spaces, so "(up 4%)" and "“strong”" start a word.
SPACED = str.maketrans({c: " " for c in "()[]{}\"“”‘’«»!?*/\\|\n\t\r—–"})
_SPACED_BYTES = bytes(0x20 if c < 128 and SPACED.get(c) in (" ", 0x20) else c for c in range(256))
WORD_ENDS = " ,.;:'"  # what may follow a word in the spaced text
# Grammar words are found in the same one pass as the vocabulary, under kinds of their own.
GRAMMAR = (("reporting", REPORTING_WORDS), ("concessive", CONCESSIVE_WORDS), ("contrast", CONTRAST_WORDS), ("clause", CLAUSE_WORDS))
MARK_KINDS = frozenset({NEGATION} | {kind for kind, _ in GRAMMAR})
# "turmoil in Libya", "strike at the mine of X", "a lawsuit against X": an event noun's
# complement names the one it hits.
COMPLEMENT = re.compile(r"\s*(?:in|at|against|on|hitting|across)\s+(?:the\s+)?", re.IGNORECASE)
COMPLEMENT_KINDS = frozenset({"disruption", "legal", "labour"})
COMPLEMENT_GAP = 2  # the name follows the preposition at once ("turmoil in Libya", not "... to the US")
# A disruption's sign for a commodity depends on supply and demand (an embargo sends oil up):
# the event rules judge that, so a commodity never holds a disruption word.
UNSIGNED_FOR_COMMODITY = frozenset({"disruption"})
# Entity kinds that hold a stance; countries only through their economy, markets or an
# event noun's complement (a demonym in "the Chilean miner's profit" is not the holder).
HOLDER_KINDS = frozenset({"company", "commodity", "industry", "sector", "country"})
COUNTRY_TIE = re.compile(r"\b(?:economy|economic|gdp|stocks?|shares|equities|bourse|market|markets|currency|"
                         r"exports?|imports?|output|growth|inflation|unemployment|bonds?|index)\b", re.IGNORECASE)
# "the uranium miner", "an oil company": a name that qualifies one firm is an adjective, not
# the one the phrase is about (plural "uranium miners" is the industry, and holds).
MODIFIER_OF = re.compile(r"[\s-]*(?:miner|producer|company|firm|group|maker|giant|refiner|trader|supplier|exporter|"
                         r"importer|operator|retailer|bank|insurer|manufacturer|developer|provider)\b",
                         re.IGNORECASE)
REPORTING = re.compile(r"[\s'’s]*(?:\w+\s+){0,2}?(?:said|says|expects?|expected|estimates?|estimated|forecasts?|"
                       r"believes?|noted|notes|reported|told|predicts?|predicted|thinks?|reckons?|sees)\s+"
                       r"(?:that\s+)?(?P<next>\S+)")
SELF_WORDS = frozenset({"It", "Its", "The", "We", "Our", "Net", "Operating", "Sales", "Profit"})
# Net sign share below which the phrases pull apart: "mixed".
MIXED_SHARE = 0.34
# Strength saturates: 1 - exp(-weight / STRENGTH_SCALE).
STRENGTH_SCALE = 1.5
# A story stance needs at least this much weight to be called up or down: one weak word is
# not a stance.
CLEAR_MIN_WEIGHT = 0.9
# Qualifiers: the figure they name is not the one that moved.
QUALIFIER_WORDS = ("excl", "incl", "before", "after", "net of", "adjusted")  # a cheap test before the search
QUALIFIER = re.compile(r"\b(?:excluding|including|excl|incl|before|after|net\s+of|adjusted\s+for)\.?\s+"
                       r"(?:[a-z-]+\s+){0,2}$")
# A move word right before its figure: at most this many plain words between ("higher freight costs").
ADJACENT_WORDS = 3
CONJUNCTIONS = frozenset({"and", "or", "but", "while", "as", "than", "whereas", "although", "though", "because"})
INTO = re.compile(r"\s+(?:to|into)\s+(?:an?\s+)?(?:[a-z-]+\s+)?")  # "slipped to a (larger) loss"
FROM = re.compile(r"\s*(?:from\s+)?(?:an?\s+)?(?:[a-z-]+\s+)?")  # "down from a (net) profit"
# A figure against its earlier value: "sales of 40 million, compared with 31 million a year before".
COMPARATOR_WORDS = ("compared", "against", "versus", " vs")  # a cheap test before the search
COMPARATOR = re.compile(r"\b(?:compared\s+(?:to|with)|as\s+against|against|versus|vs\.?)\s")
COMPARISON_CHARS = 120
COMPARISON_WEIGHT = 0.8
AMOUNT_BEFORE_CHARS = 25
AMOUNT = re.compile(r"(?P<neg>negative\s+|minus\s+|-\s?)?(?P<cur>eur|usd|sek|nok|dkk|gbp|\$|€|£)?\s?(?P<neg2>-)?(?P<n>\d[\d,]*(?:\s?\.\d+)?)\s?"
                    r"(?P<unit>bn|billion|mn|mln|million|m|k)?\b")
UNITS = {"bn": 1000.0, "billion": 1000.0, "k": 0.001}
NUMBER_AFTER = re.compile(r"\s*[+-]?\d")
EVIDENCE_MAX = 3
EVIDENCE_CHARS = 160


@dataclass(frozen=True)
class Term:
    text: str
    polarity: str
    kind: str
    weight: float
    needs_number: bool  # "up #": the word counts only before a figure
    tail: int = 0  # 1 when the automaton keys end with the character after the term
    mark: bool = False  # a grammar word or negator, not a phrase of its own


REPORTING_MARK = Term("says", "neutral", "reporting", 1.0, False, 1, True)


@dataclass(frozen=True)
class Vocab:
    """The stance vocabulary, compiled once: one automaton over every term."""

    terms: dict[str, Term]
    automaton: ahocorasick.Automaton  # vocabulary terms, negators and grammar words


class Phrase(NamedTuple):
    """One stance phrase found in the text, signed for the one it is said of (a named tuple:
    a story makes many, and they are built in the hot loop)."""

    start: int
    end: int
    direction: str  # up | down
    weight: float
    words: str  # the phrase as written, for the evidence
    sentence: int
    entity: str  # KB id of the holder, or "" for the story's own subject
    corporate: bool


def _keys(text: str, needs_number: bool) -> list[str]:
    """The automaton keys of a term: a word starts after a space and ends before a space or
    punctuation, so "rise" never fires inside "enterprise" nor "grow" inside "growth" (the text
    is read with spaces around it and brackets, quotes and dashes as spaces)."""
    lead = " " if text[0].isalnum() and not text.startswith("n'") else ""
    if needs_number:
        return [lead + text + " "]
    if not text[-1].isalnum():
        return [lead + text]
    return [lead + text + c for c in WORD_ENDS]


def _tail(text: str, needs_number: bool) -> int:
    """1 when the term's keys end with the character after it."""
    return 1 if needs_number or text[-1].isalnum() else 0


def load_vocab(path: Path | str = VOCAB_PATH) -> Vocab:
    """Read and check the vocabulary file; raise ValueError naming the first bad row."""
    terms: dict[str, Term] = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != VOCAB_COLUMNS:
            raise ValueError(f"{path}: columns must be {','.join(VOCAB_COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            text = " ".join((row["term"] or "").lower().split())
            where = f"{path}:{line}"
            if not text or text == "#":
                raise ValueError(f"{where}: empty term")
            if text in terms:
                raise ValueError(f"{where}: term {text!r} is listed twice")
            if row["kind"] not in KINDS:
                raise ValueError(f"{where}: unknown kind {row['kind']!r}")
            if row["polarity"] not in POLARITIES or (row["polarity"] == "neutral") != (row["kind"] in UNSIGNED_KINDS):
                raise ValueError(f"{where}: polarity {row['polarity']!r} does not fit kind {row['kind']!r}")
            try:
                weight = float(row["weight"])
            except ValueError:
                raise ValueError(f"{where}: weight {row['weight']!r} is not a number") from None
            if not 0.0 < weight <= 1.0:
                raise ValueError(f"{where}: weight {weight} is outside (0, 1]")
            if not row["source"] or not row["as_of"]:
                raise ValueError(f"{where}: every term needs a source and an as_of date")
            needs_number = text.endswith(" #")
            if "#" in (text[:-2] if needs_number else text):
                raise ValueError(f"{where}: '#' (a number) may only end a term")
            bare = text[:-2] if needs_number else text
            terms[text] = Term(bare, row["polarity"], row["kind"], weight, needs_number,
                               _tail(bare, needs_number), row["kind"] in MARK_KINDS)
    automaton = ahocorasick.Automaton()
    for term in terms.values():
        for key in _keys(term.text, term.needs_number):
            automaton.add_word(key, term)
    for kind, words in GRAMMAR:
        for word in words:
            if word not in terms:
                mark = Term(word, "neutral", kind, 1.0, False, _tail(word, False), True)
                for key in _keys(word, False):
                    automaton.add_word(key, mark)
    automaton.make_automaton()
    return Vocab(terms, automaton)


@lru_cache(maxsize=1)
def default_vocab() -> Vocab:
    """The shipped vocabulary, read once per process."""
    return load_vocab()


def _sentence_start(body: str, at: int) -> bool:
    """Is `at` the first word of a sentence (after an opening quote or bracket)?"""
    before = body[max(0, at - 4):at].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?:;\n"


def _matches(body: str, lower: str, title_end: int, vocab: Vocab,
             ranges: Iterable[tuple[int, int]] | None = None) -> tuple[list[tuple[int, int, Term]], _Marks]:
    """Terms on word boundaries, longest first where they overlap; and the grammar marks; read
    only within `ranges` (character spans of `lower`) when given."""
    found = []
    marks = []
    spaced = " " + (lower.encode("ascii").translate(_SPACED_BYTES).decode("ascii") if lower.isascii()
                    else lower.translate(SPACED)) + " "  # (ASCII: the same table as bytes, faster)
    for a, b in ranges if ranges is not None else ((0, len(lower)),):
        for end, term in vocab.automaton.iter(spaced, a, min(b + 2, len(spaced))):
            # `end` is the key's last character in the spaced text, one past it in `lower`
            end -= term.tail
            start = end - len(term.text)
            if term.mark:
                marks.append((start, end, term))
                continue
            if term.needs_number and not NUMBER_AFTER.match(lower, end):
                continue
            if start > title_end and body[start].isupper() and not _sentence_start(body, start):
                continue  # "the Yom Kippur War", "Miss Universe": a capitalised word inside a name
            if term.text in REPORTING_SET:  # "forecasts", "estimates": a figure, and a reporting verb
                marks.append((start, end, REPORTING_MARK))
            found.append((start, start - end, not term.needs_number, len(found), end, term))
    found.sort()  # by start, longest first, "lost 5%" over "lost"
    kept: list[tuple[int, int, Term]] = []
    last_end = -1
    for start, _, _, _, end, term in found:
        if start >= last_end:
            kept.append((start, end, term))
            last_end = end
        elif end - start > kept[-1][1] - kept[-1][0] and start >= (kept[-2][1] if len(kept) > 1 else -1):
            kept[-1] = (start, end, term)  # a longer term overlapping the last one wins
            last_end = end
    return kept, _Marks(marks)


class _Marks:
    """Where the grammar words of a body stand, found once: negators, clause breaks, concessive
    and contrast words; each phrase then asks by bisection instead of searching again."""

    def __init__(self, marks: list[tuple[int, int, Term]]) -> None:
        # the automaton reports marks in text order; a kind's marks never nest, so its list is sorted
        self.spans: dict[str, list[tuple[int, int]]] = {kind: [] for kind in MARK_KINDS}
        self.starts: dict[str, list[int]] = {kind: [] for kind in MARK_KINDS}
        for start, end, term in marks:
            self.spans[term.kind].append((start, end))
            self.starts[term.kind].append(start)

    def within(self, name: str, lo: int, hi: int) -> tuple[int, int] | None:
        """The last mark of that name lying wholly in [lo, hi), if any."""
        spans = self.spans[name]
        k = bisect.bisect_left(self.starts[name], hi) - 1
        while k >= 0 and spans[k][0] >= lo:
            if spans[k][1] <= hi:
                return spans[k]
            k -= 1
        return None


def _clause_start(marks: _Marks, s_start: int, at: int) -> int:
    """Where the clause holding offset `at` begins, within its sentence."""
    begin = s_start
    found = marks.within("clause", s_start, at)
    return found[1] if found else begin


def _holder_mentions(mentions: Iterable[Mention], kb: KB | None) -> list[tuple[Mention, str]]:
    out = []
    for m in mentions:
        kind = m.entity.partition(":")[0]
        if kind == "place" and kb is not None:
            info = kb.entities.get(m.entity)
            if info is not None and info.get("kind") == "index" and info.country:
                out.append((m, "country"))  # "the Nikkei slid": Japan's equities
            continue
        if kind in HOLDER_KINDS:
            out.append((m, kind))
    return out


def find_phrases(body: str, sentences: Sentences, mentions: Sequence[Mention], title_end: int, vocab: Vocab,
                 kb: KB | None = None) -> list[Phrase]:
    """Every signed phrase of the body, each given to the entity it is said of."""
    lower = body.lower()
    holders = _holder_mentions(mentions, kb)
    by_sentence: dict[int, list[tuple[Mention, str]]] = {}
    for m, kind in holders:
        by_sentence.setdefault(sentences.index(m.start), []).append((m, kind))
    # Past the lead, only sentences that name a holder are read (a phrase there counts only for
    # the name its sentence gives).
    lead_end = title_end + LEAD_CHARS
    ranges = [(0, lead_end)]
    for i in sorted(by_sentence):
        a, b = sentences.spans[i]
        if b > ranges[-1][1]:
            if a <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], b)  # overlapping spans are read once
            else:
                ranges.append((a, b))
    matches, marks = _matches(body, lower, title_end, vocab, ranges)
    comparing = any(word in lower for word in COMPARATOR_WORDS)
    if not comparing and all(t.kind in FIGURE_KINDS for _, _, t in matches):
        return []  # figures named, nothing said about them
    phrases: list[Phrase] = []
    # "net income excluding a one-off tax charge rose": a qualifier's figure is nobody's.
    qualifying = any(word in lower for word in QUALIFIER_WORDS)
    used_figures: set[int] = {j for j, (start, _, t) in enumerate(matches) if qualifying
                              and t.kind in FIGURE_KINDS and QUALIFIER.search(lower, max(0, start - 30), start)}
    # A figure set against its earlier value reads on its own; the words inside the comparison
    # ("against a negative 9 million") belong to it.
    inside: list[tuple[int, int]] = []
    for j, (start, end, term) in enumerate(matches if comparing else ()):
        if term.kind in COMPARED_KINDS and j not in used_figures:
            compared = _compared(matches, j, lower, sentences.spans[sentences.index(start)][1])
            if compared is not None:
                sign, last = compared
                used_figures.add(j)
                inside.append((start, last))
                phrases.append(_placed(marks, body, lower, by_sentence, term, start, last, sign, COMPARISON_WEIGHT,
                                       term.kind == FIGURE,
                                       sentences.index(start), sentences, title_end))
    softer = "less than" in lower
    for i, (start, end, term) in enumerate(matches):
        if term.kind in FIGURE_KINDS or (inside and any(a <= start < b for a, b in inside)):
            continue
        s_index = sentences.index(start)
        if start >= lead_end and s_index not in by_sentence:
            continue  # past the lead, a phrase counts only for a name its sentence gives
        s_start, s_end = sentences.spans[s_index]
        weight = term.weight
        corporate = term.kind in CORPORATE_KINDS
        sign = SIGN[term.polarity]
        if term.kind == MOVE:
            figure_at = _adjacent_figure(matches, i, lower, used_figures)
            if figure_at is not None:
                if INTO.fullmatch(lower, end, matches[figure_at][0]):
                    sign = 1.0  # "slipped to a net loss", "swung into profit": the state reached
            else:
                figure_at = _claim_figure(marks, matches, i, lower, s_start, s_end, used_figures, FIGURE_BEFORE_CHARS,
                                          FIGURE_AFTER_CHARS, after_first=False)
                then = _adjacent_figure(matches, i, lower, used_figures) if figure_at is not None else None
                if then is not None and matches[then][2].kind == FIGURE and FROM.fullmatch(
                        lower, end, matches[then][0]) and matches[then][2].polarity != matches[figure_at][2].polarity:
                    used_figures.add(then)  # "a loss of 3 million, down from a profit": the state now
                    sign = 1.0
            if figure_at is None:
                if not PRICE_NUMBER.match(lower, end):
                    weight *= BARE_MOVE_FACTOR
                elif _name_before(body, s_start, s_end, start):
                    corporate = True  # "Acme fell 4%": the price of the firm named
            elif matches[figure_at][2].kind == UNSIGNED_FIGURE:
                continue
            else:
                sign *= SIGN[matches[figure_at][2].polarity]
                corporate = corporate or matches[figure_at][2].kind in CORPORATE_KINDS
            if softer and SOFTER_THAN.match(lower, end, min(s_end, end + 60)):
                sign = -sign
        else:  # a signed phrase takes its figure along, so no later move reads it again
            figure_at = _claim_figure(marks, matches, i, lower, s_start, s_end, used_figures, SIGNED_FIGURE_BEFORE_CHARS,
                                      SIGNED_FIGURE_AFTER_CHARS, after_first=True)
            if figure_at is not None and matches[figure_at][2].kind in CORPORATE_KINDS:
                weight = min(1.0, weight * WITH_FIGURE_FACTOR)
                corporate = True
        if marks.within("negation", max(s_start, start - NEGATION_CHARS), start):
            sign = -sign
            if term.kind == MOVE:
                weight *= NEGATED_MOVE_FACTOR
        anchor = min(start, matches[figure_at][0]) if figure_at is not None else start
        last = max(end, matches[figure_at][1]) if figure_at is not None else end
        phrase = _placed(marks, body, lower, by_sentence, term, anchor, last, sign, weight, corporate, s_index, sentences,
                         title_end)
        if phrase.entity == "" and figure_at is not None and matches[figure_at][2].kind == MARKET_FIGURE:
            continue  # "higher prices" of nothing named: not the story's own company
        phrases.append(phrase)
    return phrases


def _name_before(body: str, s_start: int, s_end: int, at: int) -> bool:
    """Is the word before `at` a proper name ("Acme fell 4%")? Not in a Title Case sentence,
    where every word is capitalised ("Spain's Inflation Rises 0.4 Pct")."""
    before = NAME_BEFORE.search(body, s_start, at)
    if before is None:
        return False
    words = [w for w in body[s_start:s_end].split() if w[0].isalpha()]
    return sum(w[0].isupper() for w in words) < TITLE_CASE_SHARE * len(words)


def _adjacent_figure(matches: list[tuple[int, int, Term]], i: int, lower: str, used: set[int]) -> int | None:
    """The figure a move word qualifies directly ("higher freight costs", "fell into a net loss",
    "lower sales"): the next term, a couple of plain words away; claimed when found."""
    j = i + 1
    if j >= len(matches) or j in used or matches[j][2].kind not in FIGURE_KINDS:
        return None
    gap = lower[matches[i][1]:matches[j][0]]
    words = gap.split()
    if len(words) > ADJACENT_WORDS or not all(w.isalpha() and w not in CONJUNCTIONS for w in words):
        return None
    used.add(j)
    return j


def _placed(marks: _Marks, body: str, lower: str, holders: dict[int, list[tuple[Mention, str]]], term: Term, start: int, end: int,
            sign: float, weight: float, corporate: bool, s_index: int, sentences: Sentences,
            title_end: int) -> Phrase:
    """A phrase weighed by where it stands (headline, lead, clause) and given to its holder."""
    s_start, s_end = sentences.spans[s_index]
    clause = _clause_start(marks, s_start, start)
    concession = marks.within("concessive", s_start, start)
    if concession and "," not in lower[concession[1]:start] and not marks.within("clause", concession[1], start):
        weight *= CONCESSIVE_FACTOR  # inside "although ..." up to its comma
    elif marks.within("contrast", s_start, start):
        weight *= CONTRAST_FACTOR
    weight *= TITLE_WEIGHT if start < title_end else LEAD_WEIGHT if start < title_end + LEAD_CHARS else BODY_WEIGHT
    entity = _holder(marks, body, lower, holders.get(s_index, ()), term, start, end, s_end, clause)
    return Phrase(start, end, "up" if sign > 0 else "down", weight, body[start:end].replace("\n", " "), s_index,
                  entity, corporate)


def _amount(text: str) -> float | None:
    """The first figure written ("EUR 11.9 mn", "0 .38", "1,523"), in millions where a unit says so;
    years are not figures."""
    for m in AMOUNT.finditer(text):
        value = _value(m)
        if value is not None:
            return value
    return None


def _value(m: re.Match[str]) -> float | None:
    digits = m.group("n").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    if not m.group("unit") and not m.group("cur") and "." not in digits and 1900 <= value <= 2100:
        return None  # a year, not an amount
    sign = -1.0 if m.group("neg") or m.group("neg2") else 1.0
    return sign * value * UNITS.get((m.group("unit") or "").lower(), 1.0)


def _compared(matches: list[tuple[int, int, Term]], j: int, lower: str, s_end: int) -> tuple[float, int] | None:
    """"a net loss of 2 million, compared with a profit of 5 million": a figure stated
    against its earlier value reads up or down; the sign and the end of the comparison."""
    f_start, f_end, figure = matches[j]
    limit = min(s_end, f_end + COMPARISON_CHARS)
    cmp = COMPARATOR.search(lower, f_end, limit)
    if cmp is None:
        return None
    if any(f_end <= m_start < cmp.start() and t.kind not in FIGURE_KINDS for m_start, _, t in matches):
        return None  # a move or a signed word between them already says how it went
    now = _amount(lower[f_end:cmp.start()])
    if now is None:  # "a 40-cent dividend, compared with ...": the figure before its name
        now = _amount(lower[max(0, f_start - AMOUNT_BEFORE_CHARS):f_start])
    then_text = lower[cmp.end():min(s_end, cmp.end() + COMPARISON_CHARS // 2)]
    then = _amount(then_text)
    if now is None or then is None:
        return None
    earlier = [t for m_start, _, t in matches
               if cmp.end() <= m_start < cmp.end() + len(then_text) and t.kind in COMPARED_KINDS]
    end = cmp.end() + AMOUNT.search(then_text).end()  # type: ignore[union-attr]
    if earlier and earlier[0].polarity != figure.polarity:
        return SIGN[figure.polarity], end  # a loss now against a profit then: down
    if now == then:
        return None
    return (1.0 if now > then else -1.0) * SIGN[figure.polarity], end


def _claim_figure(marks: _Marks, matches: list[tuple[int, int, Term]], i: int, lower: str, s_start: int, s_end: int,
                  used: set[int], before_chars: int, after_chars: int, after_first: bool) -> int | None:
    """The index of the figure a phrase is about, nearest before ("operating profit rose") or
    after ("an increase in net sales", "recovered those losses"); each figure is claimed once."""
    start, end, _ = matches[i]
    found = None
    for side in ((1, -1) if after_first else (-1, 1)):
        j = i + side
        while 0 <= j < len(matches):
            f_start, f_end, f = matches[j]
            if f.kind in FIGURE_KINDS and j not in used:
                if side < 0 and f_end >= max(s_start, start - before_chars):
                    found = None if marks.within("clause", f_end, start) else j
                elif side > 0 and f_start <= min(s_end, end + after_chars):
                    # a signed word's object follows it directly ("recovered those losses"), not past a comma
                    found = None if after_first and "," in lower[end:f_start] else j
                break
            if f.kind == MOVE or f.kind in SIGNED_KINDS or (f_end < start - before_chars if side < 0
                                                             else f_start > end + after_chars):
                break  # another phrase owns anything further, or the figure is too far
            j += side
        if found is not None:
            used.add(found)
            return found
    return None


def _holder(marks: _Marks, body: str, lower: str, in_sentence: Sequence[tuple[Mention, str]], term: Term, start: int, end: int,
            s_end: int, clause: int) -> str:
    """The entity a phrase is said of: an event noun's complement, else the nearest name before
    it in its clause, else the sentence's first name; "" when the sentence names none."""
    if not in_sentence:
        return ""
    if term.kind in COMPLEMENT_KINDS:
        after = COMPLEMENT.match(lower, end, s_end)
        if after:
            for m, _ in in_sentence:
                if after.end() <= m.start <= after.end() + COMPLEMENT_GAP:
                    return m.entity
    before = [(m, kind) for m, kind in in_sentence if m.end <= start]
    for m, kind in reversed(before):
        if m.start < clause:
            break
        if _holds(marks, body, m, kind, start, end, term):
            return m.entity
    for m, kind in in_sentence:
        if m.start >= start:
            break
        if _holds(marks, body, m, kind, start, end, term):
            return m.entity
    return ""


def _source(body: str, m: Mention, phrase_start: int) -> bool:
    """"Acme Bank expects that Beta Mining will cut...": a name that reports on another one is the
    source, not the one the phrase is about ("Nokia said its profit rose" keeps Nokia)."""
    said = REPORTING.match(body, m.end, phrase_start)
    return said is not None and said.group("next")[:1].isupper() and said.group("next") not in SELF_WORDS


def _holds(marks: _Marks, body: str, m: Mention, kind: str, phrase_start: int, phrase_end: int, term: Term) -> bool:
    """A country holds a phrase only through its economy or markets ("Japan's exports fell")."""
    if kind == "commodity" and term.kind in UNSIGNED_FOR_COMMODITY:
        return False
    if kind != "company" and MODIFIER_OF.match(body, m.end):
        return False
    if marks.within("reporting", m.end, phrase_start) and _source(body, m, phrase_start):
        return False
    if kind != "country":
        return True
    return COUNTRY_TIE.search(body, m.end, phrase_end) is not None  # "Japan's exports fell": the figure ties


def combine(phrases: Iterable[Phrase], entity: str = "") -> Stance | None:
    """One stance from phrases: weighted vote, strength from the total weight, the strongest
    phrases as evidence."""
    phrases = sorted(phrases, key=lambda p: -p.weight)
    if not phrases:
        return None
    up = down = 0.0
    for p in phrases:
        if p.direction == "up":
            up += p.weight
        else:
            down += p.weight
    total = up + down
    net = up - down
    if total < CLEAR_MIN_WEIGHT - 1e-9:  # 0.45 in the headline (2 x 0.45) is clear
        direction = "neutral"
    elif abs(net) / total < MIXED_SHARE:
        direction = "mixed"
    else:
        direction = "up" if net > 0 else "down"
    strength = 1.0 - math.exp(-abs(net if direction in ("up", "down") else total) / STRENGTH_SCALE)
    lines: dict[str, None] = {}
    for p in phrases:
        lines[f"{p.words} ({p.direction})"] = None
        if len(lines) == EVIDENCE_MAX:
            break
    evidence = tuple(lines)
    return Stance(direction, round(strength, 3), evidence, entity, any(p.corporate for p in phrases))


def stances_of(phrases: Iterable[Phrase], sentences: Sentences | None = None) -> dict[str, Stance]:
    """Entity id -> its stance. The story's own phrases (no name holds them) count as the key ""
    only when they read as a company's: a corporate phrase ("profit rose" says a company moved,
    "prices rose" does not) or a sentence that names a firm ("the company", "Oyj", "its CEO")."""
    by_entity: dict[str, list[Phrase]] = {}
    for p in phrases:
        by_entity.setdefault(p.entity, []).append(p)
    own = by_entity.get("")
    if own is not None and not any(p.corporate for p in own) and not (
            sentences is not None and any(COMPANY_WORDS.search(sentences.text(p.sentence)) for p in own)):
        del by_entity[""]
    out = {}
    for entity, group in by_entity.items():
        stance = combine(group, entity)
        if stance is not None:
            out[entity] = stance
    return out


def entity_stances(body: str, sentences: Sentences, mentions: Sequence[Mention], title_end: int, vocab: Vocab,
                   kb: KB | None = None) -> dict[str, Stance]:
    """Entity id -> what the story says about it; "" is the story's own (unnamed) company."""
    return stances_of(find_phrases(body, sentences, mentions, title_end, vocab, kb), sentences)


def text_stance(body: str, sentences: Sentences, title_end: int, vocab: Vocab) -> Stance | None:
    """The stance of the text as a whole toward its own subject, names not considered."""
    return combine(find_phrases(body, sentences, (), title_end, vocab))
