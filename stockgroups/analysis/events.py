"""Event types as data, and one pass over a story that finds which events it reports.

Every cue, negative cue and context word of every event type goes into one
Aho-Corasick automaton, so a story is scanned once whatever the number of types.
Severity starts at the type's base and is moved by where and how often its cues
fire, by intensity words near them, and down by negation, hypothesis, resolution
or history near them.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import ahocorasick

from stockgroups.errors import KBError
from stockgroups.kb import schema
from stockgroups.model import Event, quick_init

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

# The closed lists are defined once, in the KB schema; these names are kept for readers here.
CATEGORIES = schema.EVENT_CATEGORIES
SHOCKS = schema.SHOCKS
EFFECT_ROLES = schema.ROLES
EFFECT_DIRECTIONS = schema.EFFECT_DIRECTIONS

# The intrinsic sign an event carries for what it is about (earnings beat: up). Shocks whose
# sign depends on the group (rates, supply) stay neutral: the effect rows give those signs.
SHOCK_DIRECTION = {
    "company-positive": "up", "company-negative": "down",
    "regulatory-positive": "up", "regulatory-negative": "down",
    "risk-on": "up", "risk-off": "down",
}

REQUIRED_COLUMNS = schema.BY_PREFIX["events"].required_columns
SCOPES = schema.EVENT_SCOPES
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# --- cues in two parts -------------------------------------------------------------------
# A cue written "opec+ ~ cut" fires when its left part is followed, in the same sentence, by
# its right part at most this many characters later: room for a few words ("OPEC+ agreed on
# Wednesday to cut"), not for a different clause.
PAIR_SEPARATOR = schema.PAIR_SEPARATOR
PAIR_GAP_CHARS = 40

# --- where a cue fires -------------------------------------------------------------------
# A headline states what the story is about: a cue there is the strongest evidence.
TITLE_HIT_WEIGHT = 1.0
# News puts the event in the first paragraph (inverted pyramid): a cue there counts for most.
LEAD_HIT_WEIGHT = 0.6
# How many characters of the text count as the lead: about the first two sentences.
LEAD_CHARS = 400
# A cue deep in the body may be a passing mention or background.
BODY_HIT_WEIGHT = 0.35
# A one-word cue ("flooded", "protest") is more often descriptive or figurative than a phrase
# ("went on strike"): its hits count this much of a phrase's, so alone in the lead it is not
# enough (a "flooded forest" on a nature walk) but in a headline it is.
SINGLE_WORD_CUE_FACTOR = 0.6
# Each repeat of the same cue adds this fraction of the previous one: repetition is weaker
# evidence than a different cue.
REPEAT_DECAY = 0.5
# Evidence saturates: 1 - exp(-weight / EVIDENCE_SCALE); a title hit alone gives ~0.63.
EVIDENCE_SCALE = 1.0
# Share of the base severity an event gets on the thinnest evidence; the rest scales with it.
EVIDENCE_FLOOR = 0.3

# --- intensity near a cue (same sentence) --------------------------------------------------
# Words that mark an extreme instance of the event: deaths, "worst in decades", emergency rule.
INTENSITY_STRONG = 0.25
INTENSITY_STRONG_WORDS = (
    "deadly", "fire without warning", "fire with no warning", "shoot to kill",
    "worst in decades", "for decades", "in decades", "worst since", "catastrophic",
    "devastating", "unprecedented", "state of emergency", "martial law", "tens of thousands",
    "death toll", "nationwide", "massacre",
)
# Words that mark a larger than usual instance: scale, violence, records.
INTENSITY_MILD = 0.1
INTENSITY_MILD_WORDS = (
    "massive", "record", "record-breaking", "thousands", "hundreds", "violent", "violence",
    "severe", "major", "widespread", "escalating", "escalated", "escalation", "sweeping",
    "biggest", "largest", "huge", "worst", "dozens", "emergency", "chaos", "turmoil",
    "historic", "sharply", "plunged", "soared", "surged",
)
# A casualty word near a cue ("killed", "injured") marks human cost.
CASUALTY_WORD = 0.15
CASUALTY_WORDS = (
    "killed", "dead", "deaths", "died", "injured", "wounded", "casualties", "fatalities",
    "murdered", "people killed", "lives lost",
)
# Extra intensity for the casualty count: full bonus at CASUALTY_FULL_COUNT people (log scale).
CASUALTY_NUMBER = 0.2
CASUALTY_FULL_COUNT = 10_000
# How far before a casualty word to look for its number ("more than 1,000 people injured").
CASUALTY_LOOKBACK_CHARS = 40
# Counts written as words.
COUNT_WORDS = {"dozens": 30, "scores": 50, "hundreds": 300, "thousands": 3_000,
               "tens of thousands": 30_000}
# Intensity is summed over distinct words and capped: it can lift severity part of the way
# to 1 (severity += (1 - severity) * intensity), never all of it.
INTENSITY_CAP = 0.6

# --- damping near a cue ---------------------------------------------------------------------
# Each class: (factor applied to the hit, characters looked at before the cue, after it).
# A hit takes the strongest (smallest) factor among the classes that apply to it.
DAMPERS: dict[str, tuple[float, int, int]] = {
    # "no strike", "did not declare war": the event is denied.
    "negation": (0.25, 30, 0),
    # "called off the strike", "the strike was averted", "sanctions lifted": it is over.
    "resolution": (0.4, 45, 45),
    # "workers could strike", "threat of war": it may happen; markets price some of it.
    "hypothesis": (0.6, 40, 0),
    # "fears of a recession": fear itself moves markets, so damp only lightly.
    "fear": (0.8, 40, 0),
    # "on the anniversary of the coup", "the flood 20 years ago": background, not news.
    "history": (0.3, 10_000, 10_000),
}
# A history word in the headline ("Fifty years on: ...") frames the whole story as history.
HEADLINE_HISTORY_FRAMES_STORY = True
DAMPER_WORDS: dict[str, tuple[str, ...]] = {
    "negation": ("no", "not", "never", "didn't", "did not", "won't", "will not", "isn't",
                 "wasn't", "denied", "denies", "ruled out", "rules out", "rejected reports",
                 # "to avoid recession", "staved off a strike": kept from happening
                 "avoid", "avoids", "avoided", "avoiding", "stave off", "staved off", "ward off",
                 "prevent", "prevents", "prevented", "escape", "escaped"),
    "resolution": ("averted", "averts", "avert", "called off", "calls off", "call off",
                   "ended", "ends", "end to", "resolved", "settled", "back to work",
                   "returned to work", "return to work", "reached a deal", "reached an agreement", "deal to end",
                   "restored", "reopened", "reopens", "withdrawn", "scrapped", "postponed",
                   "suspended the strike"),
    "hypothesis": ("could", "may", "might", "would", "threat of", "threatens", "threatened",
                   "threatening", "possible", "possibility of", "potential", "risk of",
                   "plans to", "plan to", "considering", "mulls", "weighs", "if", "whether",
                   "proposed", "proposal", "likely", "unlikely", "risks"),
    "fear": ("fear", "fears", "fears of", "concern", "concerns", "worries", "worried",
             "warned", "warns", "warning of", "speculation", "rumors", "rumours", "talk of",
             "prospect of", "expected to", "braced for", "bracing for"),
    "history": ("anniversary", "years ago", "decades ago", "years after",
                "years on:", "years since", "looking back", "look back", "commemorate",
                "commemorated", "commemorating", "memorial", "remembrance", "in memory of",
                "history of"),
}
# Phrases that contain a damper word but do not damp ("the quarter ended", "not only"):
# a damper inside a longer phrase is ignored, so these shield it.
SHIELD_PHRASES = (
    "quarter ended", "year ended", "period ended", "months ended", "weeks ended",
    "week ended", "not only", "not just", "no doubt", "if not", "no later than",
    "no longer than", "whether or not", "fire with no warning", "may day",
)
# Hedges only when written in lower case: "May" is also the month.
LOWER_CASE_ONLY = frozenset({"may"})

# An event is reported only with this much support (one title or lead hit, or two body
# hits): a single passing cue deep in a long story is not what the story is about...
MIN_SUPPORT = 0.5
# ... unless another event of the same category is a headline event (support at least
# this): a troop deployment deep in a story about unrest is part of that story.
CATEGORY_ANCHOR_SUPPORT = 1.0
# ... and with at least this severity after damping.
MIN_SEVERITY = 0.2

# Sentence ends, found by the same automaton pass: punctuation then space or a quote, or a
# line break (headlines and paragraphs often end without a full stop).
SENTENCE_ENDS = (". ", "! ", "? ", ".\" ", ".” ", "?” ", "!” ", ".' ", ".’ ", "\n")
# --- cues inside names and titles ----------------------------------------------------------
# A cue written with capitals in the middle of a sentence-case line is part of a name or a
# title ("Empires at War", "the Hurricane, a wooden roller coaster"), not the event; a
# capitalised word right after it is the event's own name ("Hurricane Ida", "Typhoon
# Hinnamnor") and keeps it. A line with most words capitalised is a Title Case headline,
# where capitals say nothing.
SENTENCE_OPENERS = frozenset(".!?:;\n\"'“‘(—-")
TITLE_CASE_SHARE = 0.6
TITLE_CASE_MIN_LEN = 4  # words this long or longer count when judging a Title Case line
_CAPITALISED = re.compile(r"[A-Z][\w'-]*")
_LONG_WORD = re.compile(r"[A-Za-z][\w'-]{%d,}" % (TITLE_CASE_MIN_LEN - 1))

_COUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million|thousand)?\D{0,30}$")
# Characters folded before matching, each to one character so offsets stay put.
_FOLD = (("’", "'"), ("‘", "'"), ("\t", " "), ("\r", " "))


@dataclass(frozen=True)
class EventType:
    """One row of events.csv: what the event is, how severe by default, and its cues."""

    id: str  # "event:civil-unrest"
    name: str
    category: str
    severity: float  # base, 0..1
    shock: str
    cues: tuple[str, ...]
    negative_cues: tuple[str, ...] = ()  # phrases meaning the cue is used in another sense
    scope: str = "local"  # "country": hits the whole country's output; "local": one site

    @property
    def slug(self) -> str:
        return self.id.split(":", 1)[1]

    @property
    def direction(self) -> str:
        return SHOCK_DIRECTION.get(self.shock, "neutral")


@dataclass(frozen=True)
class EventMatcher:
    """Compiled event types: the types and one automaton over all their phrases."""

    types: tuple[EventType, ...]
    automaton: Any  # ahocorasick.Automaton: phrase -> _entry(...)
    pairs: tuple[tuple[int, str], ...] = ()  # two-part cue number -> (event index, cue)


_FOLD_TABLE = str.maketrans(dict(_FOLD))
_FOLD_ASCII = tuple((char, rep) for char, rep in _FOLD if char.isascii())  # all an ASCII text can hold
# The automaton value of a sentence end: length 0 marks it (identity would not survive the
# pickling that ships a matcher to Spark workers).
_SENTENCE_END: tuple = (0, "", (), False, False, False, False)

# Roles a phrase plays in the automaton. Cue and negative roles carry the event index.
_CUE, _NEG, _DAMP, _INTENSE, _CASUALTY, _SHIELD, _LEFT, _RIGHT = (
    "cue", "neg", "damp", "intense", "casualty", "shield", "left", "right")
_MODIFIERS = (_DAMP, _INTENSE, _CASUALTY)


def _split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


def _bad(where: str, problem: str) -> KBError:
    return KBError(f"events.csv {where}: {problem}")


def parse_event_type(row: dict[str, str], where: str) -> EventType:
    """One csv row -> EventType, or KBError naming the row and the problem."""
    missing = [c for c in REQUIRED_COLUMNS if not (row.get(c) or "").strip()]
    if missing:
        raise _bad(where, f"missing {', '.join(missing)}")
    event_id = row["id"].strip()
    kind, _, slug = event_id.partition(":")
    if kind != "event" or not _SLUG.match(slug):
        raise _bad(where, f"id {event_id!r} is not event:<slug>")
    if row["category"] not in CATEGORIES:
        raise _bad(where, f"{event_id}: category {row['category']!r} not one of {CATEGORIES}")
    if row["shock"] not in SHOCKS:
        raise _bad(where, f"{event_id}: shock {row['shock']!r} not one of {SHOCKS}")
    try:
        severity = float(row["severity"])
    except ValueError:
        raise _bad(where, f"{event_id}: severity {row['severity']!r} is not a number") from None
    if not 0.0 <= severity <= 1.0:
        raise _bad(where, f"{event_id}: severity {severity} not in 0..1")
    cues, negatives = _split_list(row["cues"]), _split_list(row.get("negative_cues"))
    for cue in cues + negatives:
        if cue != cue.lower():
            raise _bad(where, f"{event_id}: cue {cue!r} is not lower case")
        parts = cue.split(PAIR_SEPARATOR)
        if len(parts) > 2 or not all(part.strip() for part in parts):
            raise _bad(where, f"{event_id}: cue {cue!r} needs one 'left ~ right' split")
        if len(parts) == 2 and cue in negatives:
            raise _bad(where, f"{event_id}: negative cue {cue!r} cannot have two parts")
    if not cues:
        raise _bad(where, f"{event_id}: no cues")
    scope = (row.get("scope") or "local").strip()
    if scope not in SCOPES:
        raise _bad(where, f"{event_id}: scope {scope!r} not one of {SCOPES}")
    return EventType(event_id, row["name"].strip(), row["category"], severity, row["shock"],
                     cues, negatives, scope)


def _pairs(types: tuple[EventType, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((index, cue) for index, etype in enumerate(types) for cue in etype.cues
                 if PAIR_SEPARATOR in cue)


def _phrase_roles(types: tuple[EventType, ...],
                  pairs: tuple[tuple[int, str], ...]) -> dict[str, list[tuple]]:
    roles: dict[str, list[tuple]] = {}
    for number, (_, cue) in enumerate(pairs):
        left, right = cue.split(PAIR_SEPARATOR)
        roles.setdefault(left, []).append((_LEFT, number))
        roles.setdefault(right, []).append((_RIGHT, number))
    for index, etype in enumerate(types):
        for cue in etype.cues:
            if PAIR_SEPARATOR not in cue:
                roles.setdefault(cue, []).append((_CUE, index))
        for neg in etype.negative_cues:
            roles.setdefault(neg, []).append((_NEG, index))
    for cls, words in DAMPER_WORDS.items():
        for word in words:
            roles.setdefault(word, []).append((_DAMP, cls))
    for weight, words in ((INTENSITY_STRONG, INTENSITY_STRONG_WORDS),
                          (INTENSITY_MILD, INTENSITY_MILD_WORDS)):
        for word in words:
            roles.setdefault(word, []).append((_INTENSE, weight))
    for word in CASUALTY_WORDS:
        roles.setdefault(word, []).append((_CASUALTY, CASUALTY_WORD))
    for phrase in SHIELD_PHRASES:
        roles.setdefault(phrase, []).append((_SHIELD, None))
    return roles


def _entry(phrase: str, roles: tuple) -> tuple:
    """What the automaton returns for a phrase, precomputed so the scan loop stays light:
    length, phrase, roles, whether each end needs a word boundary, whether case matters,
    whether it is the left part of a two-part cue."""
    return (len(phrase), phrase, roles, phrase[0].isalnum(), phrase[-1].isalnum(),
            phrase in LOWER_CASE_ONLY, any(role[0] == _LEFT for role in roles))


def compile_event_types(rows: list[dict[str, str]]) -> EventMatcher:
    """events.csv rows (as csv.DictReader gives them) -> an EventMatcher; KBError if bad."""
    types: list[EventType] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        etype = parse_event_type(row, f"line {line}")
        if etype.id in seen:
            raise _bad(f"line {line}", f"duplicate id {etype.id}")
        seen.add(etype.id)
        types.append(etype)
    pairs = _pairs(tuple(types))
    automaton = ahocorasick.Automaton()
    for phrase, roles in _phrase_roles(tuple(types), pairs).items():
        automaton.add_word(phrase, _entry(phrase, tuple(roles)))
    for end in SENTENCE_ENDS:
        automaton.add_word(end.translate(_FOLD_TABLE), _SENTENCE_END)
    if types:
        automaton.make_automaton()
    return EventMatcher(tuple(types), automaton, pairs)


def event_matcher(kb: KB) -> EventMatcher:
    """The KB's event types compiled once and cached on the KB (the load has validated them)."""
    matcher = kb.derived.get("event_matcher")
    if matcher is None:
        matcher = kb.derived["event_matcher"] = compile_event_types(kb.event_rows)
    return matcher  # type: ignore[return-value]


# --- detection --------------------------------------------------------------------------------

class _Hit(NamedTuple):  # a tuple: tens are made per story, so construction cost matters
    start: int
    end: int  # exclusive
    phrase: str
    roles: tuple
    sentence: int  # number of the sentence the hit starts in


_new_hit = tuple.__new__  # builds a _Hit without the Python-level __new__: the hot loop
_START, _END = itemgetter(0), itemgetter(1)  # a _Hit's start and end


def _scan(folded: str, original: str, automaton: Any,
          pairs: tuple[tuple[int, str], ...]) -> list[_Hit]:
    """Every phrase occurrence on word boundaries, with its sentence number: one pass."""
    hits: list[_Hit] = []
    append = hits.append
    ends: list[int] = []  # offsets where sentences start, in order
    size = len(folded)
    case_known = size == len(original)
    any_left = False  # two-part cues are joined only when a left part was seen
    for last, entry in automaton.iter(folded):
        if not entry[0]:  # a sentence end
            ends.append(last + 1)
            continue
        length, phrase, roles, bound_start, bound_end, case, left = entry
        start = last - length + 1
        if bound_start and start and folded[start - 1].isalnum():
            continue
        end = last + 1
        if bound_end and end < size and folded[end].isalnum():
            continue
        if case and case_known and not original[start].islower():
            continue
        sentence = len(ends)
        if ends and ends[-1] > start:  # a sentence end inside the phrase ("e. coli")
            sentence = bisect.bisect_right(ends, start)
        append(_new_hit(_Hit, (start, end, phrase, roles, sentence)))
        any_left = any_left or left
    if pairs and any_left:
        hits.extend(_join_pairs(hits, pairs))
    return _drop_nested(hits)


def _join_pairs(hits: list[_Hit], pairs: tuple[tuple[int, str], ...]) -> list[_Hit]:
    """Cue hits for two-part cues whose parts sit close together in one sentence."""
    joined = []
    last_left: dict[int, _Hit] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        for role in hit.roles:
            if role[0] == _RIGHT:
                left = last_left.get(role[1])
                if left is not None and left.sentence == hit.sentence and \
                        0 <= hit.start - left.end <= PAIR_GAP_CHARS:
                    index, cue = pairs[role[1]]
                    joined.append(_Hit(left.start, hit.end, cue, ((_CUE, index),), hit.sentence))
            elif role[0] == _LEFT:
                last_left[role[1]] = hit
    return joined


def _drop_nested(hits: list[_Hit]) -> list[_Hit]:
    """A phrase inside a longer phrase is read as part of it: "no" in "no-confidence vote",
    "war" in "price war", "output cuts" in "opec+ extends output cuts"."""
    # By start, longest first (two stable C-keyed sorts: the order of key (start, -end)).
    hits.sort(key=_END, reverse=True)
    hits.sort(key=_START)
    kept: list[_Hit] = []
    reach = -1
    for hit in hits:
        if PAIR_SEPARATOR in hit.phrase:  # spans free text: the words inside still count
            kept.append(hit)
            continue
        if hit.end <= reach:
            continue
        reach = hit.end
        kept.append(hit)
    return kept


def _is_title_case(line: str) -> bool:
    words = _LONG_WORD.findall(line)
    return bool(words) and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _in_a_name(body: str, start: int, end: int) -> bool:
    """Is the cue at body[start:end] part of a name or title rather than the event?"""
    surface = body[start:end]
    content = [w for w in surface.split() if len(w) >= 3 or w[:1].isupper()]
    if not content or not all(w[0].isupper() for w in content):
        return False
    before = body[:start].rstrip(" \t")
    if not before or before[-1] in SENTENCE_OPENERS:
        return False  # a capital at a sentence's start says nothing
    after = _CAPITALISED.match(body[end:].lstrip(" "))
    if after and body[end:end + 1] == " ":
        return False  # "Hurricane Ida": the event's own name follows
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    return not _is_title_case(body[line_start:line_end if line_end >= 0 else len(body)])


def _casualty_count(folded: str, hit: _Hit) -> float:
    """The number written just before a casualty word, or 0 when there is none."""
    window = folded[max(0, hit.start - CASUALTY_LOOKBACK_CHARS):hit.start]
    match = _COUNT.search(window)
    if match:
        scale = {"million": 1e6, "thousand": 1e3}.get(match.group(2) or "", 1)
        try:
            return float(match.group(1).replace(",", "")) * scale
        except ValueError:
            return 0.0
    return max((n for word, n in COUNT_WORDS.items() if word in window), default=0)


def _damping(cue: _Hit, context: list[_Hit]) -> float:
    """The strongest damping factor a nearby negation, hedge or history word applies."""
    factor = 1.0
    for mod in context:
        for role in mod.roles:
            if role[0] != _DAMP:
                continue
            damp, before, after = DAMPERS[role[1]]
            if damp < factor and (
                    (mod.end <= cue.end and cue.start - mod.end <= before and before)
                    or (mod.start >= cue.end and mod.start - cue.end <= after)):
                factor = damp
    return factor


def _intensity(sentences: frozenset[int], mods: dict[int, list[_Hit]], folded: str) -> float:
    """Distinct intensity and casualty words in the cue sentences, with casualty counts."""
    words: dict[str, float] = {}
    count = 0.0
    for index in sentences:
        for mod in mods.get(index, ()):
            for role in mod.roles:
                if role[0] == _INTENSE or role[0] == _CASUALTY:
                    words[mod.phrase] = max(words.get(mod.phrase, 0.0), role[1])
                if role[0] == _CASUALTY:
                    count = max(count, _casualty_count(folded, mod))
    bonus = sum(words.values())
    if count >= 1:
        bonus += CASUALTY_NUMBER * min(1.0, math.log10(count) / math.log10(CASUALTY_FULL_COUNT))
    return min(INTENSITY_CAP, bonus)


def _position_weight(start: int, title_end: int) -> float:
    if start < title_end:
        return TITLE_HIT_WEIGHT
    if start < title_end + LEAD_CHARS:
        return LEAD_HIT_WEIGHT
    return BODY_HIT_WEIGHT


def _drop_covered_pairs(cues: list[_Hit]) -> list[_Hit]:
    """A two-part cue adds nothing where a whole-phrase cue of the same event overlaps it."""
    plain = [h for h in cues if PAIR_SEPARATOR not in h.phrase]
    if len(plain) == len(cues):
        return cues
    return plain + [h for h in cues if PAIR_SEPARATOR in h.phrase and not any(
        p.start < h.end and h.start < p.end for p in plain)]


@quick_init
@dataclass(frozen=True)
class _Support:
    """How strongly the story states one event type, before intensity."""

    support: float  # position-weighted hits, after damping
    weight: float  # the same before damping
    sentences: frozenset[int]  # sentences with an undamped hit, where intensity is read
    cues: tuple[str, ...]
    at: tuple[int, ...] = ()  # where the cues start, in body offsets


def _support(cues: list[_Hit], damping: dict[tuple[int, int], float],
             title_end: int) -> _Support:
    support = weight = 0.0
    repeats: dict[str, int] = {}
    sentences: set[int] = set()
    for hit in sorted(cues, key=lambda h: (-_position_weight(h.start, title_end), h.start)):
        position = _position_weight(hit.start, title_end)
        if " " not in hit.phrase:
            position *= SINGLE_WORD_CUE_FACTOR
        damp = damping[hit.start, hit.end]
        nth = repeats.get(hit.phrase, 0)
        repeats[hit.phrase] = nth + 1
        hit_weight = position * REPEAT_DECAY ** nth
        support += hit_weight * damp
        weight += hit_weight
        if damp == 1.0:
            sentences.add(hit.sentence)
    ordered = sorted(cues, key=lambda h: h.start)
    fired = tuple(dict.fromkeys(h.phrase for h in ordered))
    return _Support(support, weight, frozenset(sentences), fired, tuple(h.start for h in ordered))


def _severity(etype: EventType, found: _Support, intensity: float) -> float:
    """Base severity scaled by evidence, lifted by intensity, cut by the damped share."""
    evidence = 1.0 - math.exp(-found.weight / EVIDENCE_SCALE)  # damping applies once, below
    severity = etype.severity * (EVIDENCE_FLOOR + (1.0 - EVIDENCE_FLOOR) * evidence)
    severity += (1.0 - severity) * intensity
    return min(1.0, severity * found.support / found.weight)


def find_events(title: str, text: str, matcher: EventMatcher,
                names: tuple[tuple[int, int], ...] = ()) -> tuple[Event, ...]:
    """The events a story reports, most severe first; nothing for a story with no cues.

    `names` are (start, end) spans of names the linker found (companies, people), in the
    offsets of title + "\n\n" + text: a cue inside one ("Riot Platforms") is part of a name.
    """
    if not matcher.types:
        return ()
    body = f"{title}\n\n{text}" if title else text
    title_end = len(title) if title else 0
    folded = body.lower()
    for char, replacement in (_FOLD_ASCII if folded.isascii() else _FOLD):
        if char in folded:
            folded = folded.replace(char, replacement)
    hits = _scan(folded, body, matcher.automaton, matcher.pairs)
    cue_hits: dict[int, list[_Hit]] = {}
    mods: dict[int, list[_Hit]] = {}  # sentence -> context words in it
    negated: set[tuple[int, int]] = set()  # (event index, sentence) a negative cue rules out
    for hit in hits:
        for role in hit.roles:
            kind = role[0]
            if kind == _CUE:
                if not body[hit.start:hit.end].islower() and _in_a_name(body, hit.start, hit.end):
                    continue
                if names and any(start < hit.end and hit.start < end for start, end in names):
                    continue
                cue_hits.setdefault(role[1], []).append(hit)
            elif kind == _NEG:
                negated.add((role[1], hit.sentence))
            elif kind in _MODIFIERS:
                mods.setdefault(hit.sentence, []).append(hit)
                break
    damping: dict[tuple[int, int], float] = {}
    found: dict[int, _Support] = {}
    for index, cues in cue_hits.items():
        kept = [h for h in cues if (index, h.sentence) not in negated]
        if not kept:
            continue
        kept = _drop_covered_pairs(kept)
        for hit in kept:
            if (hit.start, hit.end) not in damping:
                inside = PAIR_SEPARATOR in hit.phrase  # "opec+ did not cut": "not" counts
                context = [m for m in mods.get(hit.sentence, ())
                           if inside or m.end <= hit.start or m.start >= hit.end]
                damping[hit.start, hit.end] = _damping(hit, context)
        found[index] = _support(kept, damping, title_end)
    story_damp = 1.0
    if HEADLINE_HISTORY_FRAMES_STORY and any(
            m.start < title_end and role == (_DAMP, "history")
            for sentence_mods in mods.values() for m in sentence_mods for role in m.roles):
        story_damp = DAMPERS["history"][0]
    anchors = {matcher.types[i].category for i, f in found.items()
               if f.support >= CATEGORY_ANCHOR_SUPPORT}
    events = []
    for index, support in found.items():
        etype = matcher.types[index]
        if support.weight < MIN_SUPPORT and etype.category not in anchors:
            continue
        severity = story_damp * _severity(etype, support,
                                          _intensity(support.sentences, mods, folded))
        if severity >= MIN_SEVERITY:
            events.append(Event(type=etype.slug, name=etype.name, severity=round(severity, 4),
                                cues=support.cues, direction=etype.direction, at=support.at))
    return tuple(sorted(events, key=lambda e: (-e.severity, e.type)))


__all__ = [
    "CATEGORIES",
    "EFFECT_DIRECTIONS",
    "SHOCKS",
    "EventMatcher",
    "EventType",
    "compile_event_types",
    "find_events",
    "parse_event_type",
]
