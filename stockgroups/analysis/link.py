"""Text + KB -> mentions: every alias found, kept only where the word really means the entity.

One Aho-Corasick pass over the lower-cased body finds alias candidates; a candidate is kept
when it sits on word boundaries, has the right case where case matters, and, for aliases
marked ambiguous (Apple, Georgia, Turkey, Delta...), when the context supports it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

import ahocorasick

from stockgroups.model import Mention

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

# Aliases this short are matched with their exact case ("US", "BP", "EU" are words too).
EXACT_CASE_MAX_LEN = 3
# Bare tickers this short are never matched as words (written "$X" or "(NYSE: X)" they are).
BARE_TICKER_MIN_LEN = 3
# Characters either side of an ambiguous mention searched for context cues: about a
# sentence and a half, enough to see "shares" or "recipe" near the word.
CONTEXT_WINDOW = 250
# Support needed to accept an ambiguous alias. Own cue: +2; kind cue: +1 (at most 2);
# own negative cue: -3; the same entity named unambiguously elsewhere: +3.
OWN_CUE, KIND_CUE, KIND_CUE_CAP, NEG_CUE, CONFIRMED = 2, 1, 2, -3, 3
# Companies named side by side ("Apple, Google and Microsoft"): an unambiguous company
# name this close supports an ambiguous one.
NEIGHBOUR_GAP = 40
NEIGHBOUR = 2
# "Jordan Henderson", "Georgia Tech", "Chad Smith": an ambiguous name followed by another
# capitalised word is usually part of a longer name that is not the entity.
CAPITALISED_NEXT = -2
# Words after an ambiguous company name that say it is the company ("Target Corp").
CORPORATE_SUFFIXES = frozenset({
    "inc", "corp", "corporation", "co", "company", "group", "holdings", "plc", "ltd", "ag",
    "sa", "nv", "se", "asa", "shares", "stock",
})

# Exchange-qualified tickers: "(NYSE: ETN)", "(LSE:KAP)", "(TSX: CCO)"; and cashtags "$CVX".
EXCHANGE_SUFFIX = {
    "NYSE": "", "NASDAQ": "", "NYSEAMERICAN": "", "AMEX": "", "NYSEARCA": "", "OTC": "",
    "LSE": ".L", "LON": ".L", "TSX": ".TO", "TSXV": ".V", "ASX": ".AX", "TYO": ".T",
    "TSE": ".T", "HKEX": ".HK", "HKG": ".HK", "SEHK": ".HK", "KRX": ".KS", "KOSPI": ".KS",
    "TWSE": ".TW", "TPE": ".TW", "XETRA": ".DE", "ETR": ".DE", "FRA": ".DE", "EPA": ".PA",
    "BIT": ".MI", "OSE": ".OL", "OSL": ".OL", "CPH": ".CO", "AMS": ".AS", "SIX": ".SW",
    "NSE": ".NS", "BSE": ".BO", "JSE": ".JO", "B3": ".SA", "BVMF": ".SA", "MOEX": ".ME",
    "SSE": ".SS", "SZSE": ".SZ", "AIX": ".KZ", "KASE": ".KZ", "TADAWUL": ".SR",
}
TICKER_RE = re.compile(
    r"\((?P<ex>[A-Za-z][A-Za-z0-9 ]{0,14}?)\s*:\s*(?P<sym>[A-Z0-9][A-Z0-9.\-]{0,9})\)"
    # The look-behind stands after the "$" so the pattern starts with a literal: the regex
    # engine then skips straight to the next "(" or "$" (4x faster over a story).
    r"|\$(?<![\w$]\$)(?P<cash>[A-Z][A-Z0-9.]{0,7})\b"
)


# Words that end a company's name: a commodity word just before them is part of the name
# ("Bell Petroleum Services Inc", "Technigen Platinum Corp"), not the commodity.
NAME_ENDINGS = frozenset({
    "inc", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "lp", "llc", "group",
    "holdings", "resources", "mines", "mining", "minerals", "exploration", "services", "industries",
    "partners", "enterprises", "bhd", "berhad", "ag", "sa", "nv", "asa", "ab", "oyj", "trust",
    "royalty", "royalties", "fields", "goldfields", "petroleum", "energy", "oil", "gas", "explorations",
})
# Words that end the name of a body speaking for a commodity's market ("International Coffee
# Organization", "Canadian Wheat Board", "Coffee, Sugar and Cocoa Exchange"): the commodity in
# such a name is what the body is about, unlike a company's name ("Woodside Petroleum Ltd").
MARKET_BODY_ENDINGS = frozenset({
    "organization", "organisation", "council", "board", "agreement", "association", "exchange",
    "institute", "federation", "committee", "authority", "commission", "bureau", "conference",
    "growers", "producers", "exporters", "importers", "pact", "accord",
})
# "X stocks" given in physical units are inventories of the commodity X (see _inventories).
INVENTORY_WORDS = frozenset({"stocks", "stockpiles", "inventories"})
PHYSICAL_QUANTITY = re.compile(
    r"\d[\d,.]*\s*(?:mln\s+|million\s+|billion\s+|bln\s+)?(?:short\s+|long\s+|metric\s+)?"
    r"(?:tonnes|tons|barrels|bushels|bags|ounces|bales|lbs|pounds|cubic)\b", re.IGNORECASE)
INVENTORY_WINDOW = 120
# Words a capitalised commodity word may follow and still be the commodity ("The", "Brazilian").
NAME_STARTERS = frozenset({"the", "a", "an", "and", "or", "of", "in", "on", "for", "to", "with", "as", "at", "by"})
# Nouns after a commodity word that make it a company's line of business, with the words
# that may stand between ("oil and gas", "oil-field", "mining").
_BUSINESS_AFTER = re.compile(
    r"(?:[ \t\n-]+(?:and|&)[ \t\n]+(?:natural[ \t\n]+)?gas)?(?:[ \t\n-]+(?:and[ \t\n]+gas|exploration|drilling|"
    r"mining|production|producing|service|services|field|equipment))?[ \t\n]+(?:company|companies|concern|concerns|firm|"
    r"firms|subsidiary|subsidiaries|unit|units|properties|property|interests|assets|operations|partnership|"
    r"partnerships|division|businesses|business|holdings)\b")
NAME_JOINERS = frozenset({"and", "&", "of"})  # "Bryson Oil and Gas plc"
NAME_LOOKAHEAD = 3  # capitalised words after the commodity word searched for a name ending
# "Oil and gas", "gas and oil", "oil/gas": the petroleum trade's fixed pair. Bare "gas" is no alias
# (greenhouse gas, tear gas, US "gas" for gasoline), but set beside oil read as the commodity it
# is natural gas.
OIL = "commodity:crude-oil"
PAIRED_GAS = "commodity:natural-gas"
_GAS_AFTER_OIL = re.compile(r"(?:[ \t\n]+(?:and|&)[ \t\n]+|[ \t]*[,/][ \t]*)(gas)\b", re.IGNORECASE)
_GAS_BEFORE_OIL = re.compile(r"\b(gas)(?:[ \t\n]+(?:and|&)[ \t\n]+|[ \t]*[,/][ \t]*)$", re.IGNORECASE)
PAIR_REACH = 12  # characters between "oil" and "gas": " and ", " & ", ", ", "/"
# A headline in Title Case ("Peru Announces Large New Gold Find", as wire archives print them):
# every word is capitalised, so a capital says nothing about names there.
TITLE_CASE_SHARE = 0.7
TITLE_CASE_MIN_WORDS = 3
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{3,}")


@dataclass(frozen=True)
class Candidate:
    entity: str
    alias: str
    exact: bool  # compare case with the text
    ambiguous: bool  # needs context support
    # Phrases around the alias that mean something else ("palm oil" for "oil"): the
    # entity's negative context cues that contain the alias.
    excluded: tuple[str, ...] = ()
    commodity: bool = False
    # A company name that capitalises more than its first word ("US Steel", "Royal Bank"): written
    # with one of those words in lower case beside a capital ("US steel makers"), it is a phrase.
    cased: bool = False


@dataclass
class AliasMatcher:
    automaton: ahocorasick.Automaton
    kb: KB


def alias_matcher(kb: KB) -> AliasMatcher:
    """build_matcher's automaton for this KB, built on first use and cached on the KB."""
    matcher = kb.derived.get("alias_matcher")
    if matcher is None:
        matcher = kb.derived["alias_matcher"] = build_matcher(kb)
    return matcher  # type: ignore[return-value]


def build_matcher(kb: KB) -> AliasMatcher:
    """One automaton over every alias of every entity; values list the candidates."""
    table: dict[str, list[Candidate]] = {}
    for info in kb.entities.values():
        ambiguous_lower = {a.lower(): a for a in info.ambiguous}
        negatives = kb.contexts.get(info.id, (frozenset(), frozenset()))[1]
        phrases = [(n, f, set(f.split())) for n in negatives if len((f := _fold(n)).split()) > 1] if negatives else []
        for alias in info.aliases:
            key = alias.lower()
            tickerish = info.kind == "company" and alias.upper() == alias and any(c.isalpha() for c in alias) \
                and _TICKERISH.fullmatch(alias) is not None  # "AT&T" is a name, not a ticker
            if tickerish and len(alias) <= BARE_TICKER_MIN_LEN:
                continue  # "S", "IT", "ALL", "KEY" are words; such tickers count only as "$S", "(NYSE: S)"
            ambiguous = key in ambiguous_lower or (tickerish and len(alias) <= 5)
            # The case to match is the one the ambiguous list gives: "gold", not the name "Gold".
            alias = ambiguous_lower.get(key, alias)
            exact = len(alias) <= EXACT_CASE_MAX_LEN or ambiguous or tickerish
            excluded: tuple[str, ...] = ()
            if phrases:
                words = set(_fold(key).split())
                excluded = tuple(sorted(f for n, f, fw in phrases if n != key and words & fw))
            words = alias.split()
            cased = info.kind == "company" and not exact and len(words) > 1 and \
                any(w[:1].isupper() for w in words[1:]) and alias != alias.upper()
            table.setdefault(key, []).append(Candidate(info.id, alias, exact, ambiguous, excluded,
                                                       info.kind == "commodity", cased))
    automaton = ahocorasick.Automaton()
    for key, cands in table.items():
        padded = " " + _fold(key)  # a leading space: matches can only start at a word start
        existing = automaton.get(padded, None)
        merged = tuple(cands) if existing is None else existing[1] + tuple(cands)
        # Then: does any candidate need its case checked, or its sense (other-sense phrases, a
        # commodity word in a name)? Most need neither.
        automaton.add_word(padded, (len(padded), merged, any(c.exact or c.cased for c in merged),
                                    any(c.excluded or c.commodity for c in merged)))
    automaton.make_automaton()
    return AliasMatcher(automaton, kb)


_NON_WORD = re.compile(r"[\W_]")
_START_LONGEST = itemgetter(0, 1)  # (start, -end): leftmost first, then longest
_TICKERISH = re.compile(r"[A-Z0-9.\-]{1,8}")
# "Apple (AAPL)": a name followed by its own ticker in brackets is the company.
_OWN_TICKER = re.compile(r"[ \t]*\((?:[A-Za-z]+:[ \t]*)?([A-Z][A-Z0-9.\-]{0,9})\)")


def title_case_end(body: str) -> int:
    """The end of the headline when it is printed in Title Case, else 0."""
    end = body.find("\n\n")
    title = body[:end] if end >= 0 else ""
    words = _TITLE_WORD.findall(title)
    if len(words) < TITLE_CASE_MIN_WORDS:
        return 0
    capitalised = sum(1 for w in words if w[0].isupper())
    return end if capitalised >= TITLE_CASE_SHARE * len(words) else 0


def _excluded(cand: Candidate, folded: str, start: int, end: int) -> str | None:
    """The phrase meaning something else that overlaps this mention ("palm oil" over "oil" or
    "oil output"), or None. `folded` is the lower-cased body with every non-word character a
    space (line breaks inside a phrase do not hide it)."""
    # Any overlapping phrase lies within the longest phrase's length either side: when none
    # of them occurs there at all (the usual case), one regex search says so.
    reach = _longest(cand.excluded)
    if _any_of(cand.excluded).search(folded, max(0, start - reach), end + reach) is None:
        return None
    for phrase in cand.excluded:
        at = folded.find(phrase, max(0, start - len(phrase)), end + len(phrase))
        while at >= 0:
            stop = at + len(phrase)
            if at >= end:
                break
            if stop > start and (at == 0 or folded[at - 1] == " ") and (stop >= len(folded) or folded[stop] == " "):
                return phrase
            at = folded.find(phrase, at + 1, end + len(phrase))
    return None


@lru_cache(maxsize=1024)
def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in phrases))


@lru_cache(maxsize=1024)
def _longest(phrases: tuple[str, ...]) -> int:
    return max(map(len, phrases))


def _business_line(lower: str, end: int) -> bool:
    """Does a commodity word name a company's line of business ("an oil and gas company",
    "its oil services unit", "gold properties") rather than the commodity's market?"""
    m = _BUSINESS_AFTER.match(lower, end)
    return m is not None


def _in_name(body: str, start: int, end: int, title_end: int) -> bool:
    """Is a capitalised commodity word part of a company's name ("Inverness Petroleum Ltd",
    "<Technigen Platinum Corp>")? In a Title-Case headline only a name ending or the wire's
    angle brackets say so."""
    if not body[start:start + 1].isupper():
        return False
    line_start = body.rfind("\n", 0, start) + 1
    bracket = body.rfind("<", line_start, start)
    if bracket >= 0 and body.find(">", bracket, start) < 0 and body.find(">", end, end + 60) >= 0:
        return True
    if re.match(r"[ \t]*<[A-Za-z.]+>", body[end:end + 16]):
        return True  # "Getty Petroleum <GTY>": the wire prints the ticker after the name
    after = [w for w in re.findall(r"[A-Za-z][\w&'.]*", body[end:end + 60]) if w.lower() not in NAME_JOINERS]
    for word in after[:NAME_LOOKAHEAD]:
        if word.lower().rstrip(".") in MARKET_BODY_ENDINGS:
            return False
        if word.lower().rstrip(".") in NAME_ENDINGS:
            return True
        if not word[0].isupper():
            break
    if start < title_end:
        return False
    before = re.search(r"([A-Za-z][\w&'.-]*)[ \t]+$", body[max(0, start - 40):start])
    if before and before.group(1)[0].isupper() and before.group(1).lower() not in NAME_STARTERS:
        prev = body[max(0, start - 40):start][:before.start(1)].rstrip(" \t")
        # Not the first word of a sentence or line: a capitalised word before it makes a name.
        return not (prev == "" or prev.endswith((".", "\n", ":", ";", '"', "(")))
    return False


def _fold(text: str) -> str:
    """Every non-word character as a space, same length: "U.S.," -> "u s  " for matching."""
    if text.isascii():  # most stories: a byte table does it at memory speed
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    return _NON_WORD.sub(" ", text)


# _NON_WORD over the ASCII range as a byte table: letters and digits kept, all else a space.
_ASCII_FOLD = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)) + bytes(range(128, 256))


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=4096)
def _cue_regex(cues: frozenset[str]) -> re.Pattern[str] | None:
    if not cues:
        return None
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    # The look-ahead on the cues' first characters lets the engine skip to candidates
    # instead of trying the look-behind at every position (same matches, several times faster).
    first = f"(?=[{''.join(sorted({re.escape(c[0]) for c in cues}))}])" if all(cues) else ""
    return re.compile(rf"{first}(?<!\w)(?:{alternatives})(?!\w)")


def _count(cues: frozenset[str], window: str) -> int:
    rx = _cue_regex(cues)
    return len(rx.findall(window)) if rx else 0


def _cue_counts(sets: tuple[frozenset[str], ...], window: str) -> list[int]:
    """_count of each cue set over the window, all sets read in one automaton pass: the
    occurrences on word boundaries, and per set, from the left, the longest at each free
    position (what the regex's leftmost alternation, longest cue first, counts)."""
    automaton = _cues_automaton(sets)
    if automaton is None:
        return [_count(cues, window) for cues in sets]
    size = len(window)
    spans: list[list[tuple[int, int]]] = [[] for _ in sets]
    for last, (length, members) in automaton.iter(window):
        start, end = last - length + 1, last + 1
        if start > 0 and (window[start - 1].isalnum() or window[start - 1] == "_"):
            continue
        if end < size and (window[end].isalnum() or window[end] == "_"):
            continue
        for k in members:
            spans[k].append((start, -end))
    counts = []
    for found in spans:
        n, free = 0, 0
        for start, neg_end in sorted(found):
            if start >= free:
                n, free = n + 1, -neg_end
        counts.append(n)
    return counts


@lru_cache(maxsize=4096)
def _cues_automaton(sets: tuple[frozenset[str], ...]) -> ahocorasick.Automaton | None:
    """Every cue of the sets -> (length, indexes of the sets holding it); None when a set
    holds an empty cue (left to the regex) or no set holds any."""
    members: dict[str, list[int]] = {}
    for k, cues in enumerate(sets):
        for cue in cues:
            members.setdefault(cue, []).append(k)
    if not members or "" in members:
        return None
    automaton = ahocorasick.Automaton()
    for cue, ks in members.items():
        automaton.add_word(cue, (len(cue), tuple(ks)))
    automaton.make_automaton()
    return automaton


def context_support(entity: str, lower: str, body: str, start: int, end: int, kb: KB,
                    confirmed: bool, title_end: int = 0) -> int:
    """How strongly the words around an ambiguous mention say it is this entity."""
    kind = entity.split(":", 1)[0]
    own_pos, own_neg = kb.contexts.get(entity, (frozenset(), frozenset()))
    kind_pos, kind_neg = kb.contexts.get(f"{kind}:*", (frozenset(), frozenset()))
    window = lower[max(0, start - CONTEXT_WINDOW): end + CONTEXT_WINDOW]
    n_own_pos, n_kind_pos, n_own_neg, n_kind_neg = _cue_counts((own_pos, kind_pos, own_neg, kind_neg), window)
    score = OWN_CUE * n_own_pos
    score += KIND_CUE * min(n_kind_pos, KIND_CUE_CAP)
    score += NEG_CUE * (n_own_neg + n_kind_neg)
    if confirmed:
        score += CONFIRMED
    if kind == "company":
        own = _OWN_TICKER.match(body, end)
        info = kb.entities.get(entity)
        if own and info is not None and own.group(1) == info.ticker.split(".")[0]:
            score += CONFIRMED
    nxt = re.match(r"[ \t]+([A-Z][\w'’]*)", body[end:end + 40]) if end > title_end else None
    if nxt and nxt.group(1).lower().strip("'’s") not in CORPORATE_SUFFIXES and not (
            kind == "commodity" and nxt.group(1).lower() in MARKET_BODY_ENDINGS):
        score += CAPITALISED_NEXT
    return score


def find_mentions(body: str, kb: KB) -> list[Mention]:
    """Every accepted entity mention in body, in text order."""
    matcher = alias_matcher(kb)
    lower = _lower_same_length(body)
    folded = " " + _fold(lower)  # offsets: folded[i + 1] is lower[i]
    raw: list[tuple[int, int, tuple[Candidate, ...]]] = []
    size = len(lower)
    found = []
    for last, (length, cands, exact, special) in matcher.automaton.iter(folded):
        start, end = last - length + 1, last  # the padded space stands just before the word
        if end < size and (lower[end].isalnum() or lower[end] == "_"):
            continue  # the word goes on: "Russia" in "Russian"
        if start >= 4 and lower.startswith("non-", start - 4):
            continue  # "non-oil exports", "non-US banks": everything but the entity
        found.append((start, -end, cands, exact, special))
    # Leftmost-longest among the matches that end on a word boundary: "US Midwest" keeps
    # "US" when the longer key "US.MI" stops inside "Midwest".
    found.sort(key=_START_LONGEST)
    taken_to = -1
    specials: list[bool] = []  # per raw entry: may a candidate of it have another sense?
    for start, neg_end, cands, exact, special in found:
        end = -neg_end
        if start < taken_to:
            continue
        if not exact:
            kept = cands
        else:
            surface = body[start:end]
            kept = tuple(c for c in cands if (not c.exact or _case_ok(c.alias, surface))
                         and not (c.cased and _lowered_name(c.alias, surface)))
        if kept:
            raw.append((start, end, kept))
            specials.append(special)
            taken_to = end

    title_end = title_case_end(body)
    if any(specials) and any(c.excluded or c.commodity for _, _, cands in raw for c in cands):
        flat = folded[1:]
        other_sense: set[str] = set()
        kept_raw = []
        for (start, end, cands), special in zip(raw, specials):
            if not special:  # no candidate here has another sense: all kept
                kept_raw.append((start, end, cands))
                continue
            kept = []
            for c in cands:
                if c.excluded and (phrase := _excluded(c, flat, start, end)):
                    if phrase.endswith(_fold(c.alias.lower())):
                        # The word heads the phrase ("palm oil" is an oil): the story's sense of
                        # the word. As a modifier ("soybean meal" is a meal) it says nothing of
                        # the word's sense elsewhere.
                        other_sense.add(c.entity)
                elif not (c.commodity and (_in_name(body, start, end, title_end) or _business_line(lower, end))):
                    kept.append(c)
            if kept:
                kept_raw.append((start, end, tuple(kept)))
        # One sense per story: once "palm oil" or "crude palm oil" shows the story's sense of
        # "oil", a bare "oil" or "crude" elsewhere in it ("refined oil in drums") is that sense too.
        raw = [(start, end, kept) for start, end, cands in kept_raw
               if (kept := tuple(c for c in cands if not (c.entity in other_sense and " " not in c.alias)))] \
            if other_sense else kept_raw
    sure = {c.entity for _, _, cands in raw for c in cands if not c.ambiguous and len(cands) == 1}
    sure_companies = [(s, e) for s, e, cands in raw
                      if len(cands) == 1 and not cands[0].ambiguous and cands[0].entity.startswith("company:")]
    mentions: list[Mention] = []
    title_only: set[str] = set()
    unsupported: list[tuple[int, int, tuple[Candidate, ...]]] = []
    for start, end, cands in raw:
        if len(cands) == 1 and not cands[0].ambiguous:  # the common case: nothing to weigh
            mentions.append(Mention(cands[0].entity, start, end, body[start:end]))
            continue
        best, best_score = None, None
        for cand in cands:
            if cand.ambiguous:
                score = context_support(cand.entity, lower, body, start, end, kb, cand.entity in sure, title_end)
                if cand.entity.startswith("company:") and any(
                        0 <= start - e <= NEIGHBOUR_GAP or 0 <= s - end <= NEIGHBOUR_GAP for s, e in sure_companies):
                    score += NEIGHBOUR
                if score <= 0:
                    continue
            else:
                # An unambiguous reading still competes with the others on context.
                score = 1 + (CONFIRMED if cand.entity in sure else 0)
            if best_score is None or score > best_score:
                best, best_score = cand, score
        if best is None:
            unsupported.append((start, end, cands))
        else:
            mentions.append(Mention(best.entity, start, end, body[start:end]))
            if best.ambiguous and start < title_end and not (
                    best.commodity and _headline_topic(lower, start, end, title_end)):
                title_only.add(best.entity)
    if unsupported:
        mentions = _commodity_named_again(body, lower, kb, mentions, unsupported, title_end)
    if title_only:
        # In a Title-Case headline every word is capitalised: an ambiguous word there ("Sharp
        # Drop", "Target Date") is the entity only when the body names the entity too (a commodity
        # the body never words otherwise: see _headline_topic).
        in_body = {m.entity for m in mentions if m.start >= title_end}
        mentions = [m for m in mentions if m.start >= title_end or m.entity not in title_only - in_body]
    if any(m.entity == OIL for m in mentions):
        mentions = _gas_beside_oil(body, mentions)
    if any(m.entity.startswith("industry:") for m in mentions):
        mentions = _inventories(body, mentions, matcher)
    tickers = find_tickers(body, kb)
    if tickers:
        spans = [(t.start, t.end) for t in tickers]
        mentions = [m for m in mentions if not any(s <= m.start and m.end <= e for s, e in spans)]
        mentions.extend(tickers)
        mentions.sort(key=lambda m: m.start)
    return mentions


def _commodity_named_again(body: str, lower: str, kb: KB, mentions: list[Mention],
                           unsupported: list[tuple[int, int, tuple[Candidate, ...]]], title_end: int) -> list[Mention]:
    """One sense per story: a commodity word that lacked support where it stood ("Misima gold
    project", a headline's "Gold Study") is the commodity when the story reads the same word as
    that commodity elsewhere, as an unambiguous name confirms its ambiguous mentions. Its own
    negative cues ("gold medal") still weigh against it."""
    # Read so in the body: a Title-Case headline's capitals alone confirm nothing.
    accepted = {m.entity for m in mentions if m.entity.startswith("commodity:") and m.start >= title_end}
    if not accepted:
        return mentions
    found = []
    for start, end, cands in unsupported:
        for cand in cands:
            if cand.commodity and cand.ambiguous and cand.entity in accepted and context_support(
                    cand.entity, lower, body, start, end, kb, True, title_end) > 0:
                found.append(Mention(cand.entity, start, end, body[start:end]))
                break
    if not found:
        return mentions
    return sorted(mentions + found, key=lambda m: m.start)


def _headline_topic(lower: str, start: int, end: int, title_end: int) -> bool:
    """Is a supported commodity word in a Title-Case headline the story's topic though the body
    never names it ("Coffee Rainfall" over a table of rain figures, "Gold Coin" over a coin bill)?
    Only when the body never writes the word at all: a body that writes it ("Aurex Gold Mines
    Ltd") has read it already, and a name there is no commodity in the headline either."""
    return _cue_regex(frozenset((lower[start:end],))).search(lower, title_end) is None


def _gas_beside_oil(body: str, mentions: list[Mention]) -> list[Mention]:
    """"Oil and gas production", "gas and oil production": where "oil" was kept as the commodity,
    the "gas" paired with it is natural gas (see PAIRED_GAS)."""
    found = []
    for m in mentions:
        words = m.surface.lower().split()
        if m.entity != OIL or "oil" not in (words[0], words[-1]):
            continue
        after = _GAS_AFTER_OIL.match(body, m.end, m.end + PAIR_REACH) if words[-1] == "oil" else None
        if after:
            found.append(Mention(PAIRED_GAS, after.start(1), after.end(1), after.group(1)))
        lead = max(0, m.start - PAIR_REACH)
        before = _GAS_BEFORE_OIL.search(body[lead:m.start]) if words[0] == "oil" else None
        if before:
            found.append(Mention(PAIRED_GAS, lead + before.start(1), lead + before.end(1), before.group(1)))
    taken = {m.start for m in mentions}  # "oil and gas supplies": the alias "gas supplies" has it
    found = [g for g in found if g.start not in taken]
    if not found:
        return mentions
    return sorted(mentions + found, key=lambda m: m.start)


def _inventories(body: str, mentions: list[Mention], matcher: AliasMatcher) -> list[Mention]:
    """"Copper stocks" are a commodity's inventories, not copper miners' shares, when the
    story gives them in physical units ("copper stocks held by refiners fell to 109,200 short
    tons"); one sense per story, so the headline's "Copper Stocks Fall" reads the same."""
    senses: dict[str, str] = {}
    for m in mentions:
        if not m.entity.startswith("industry:"):
            continue
        head, _, tail = m.surface.lower().rpartition(" ")
        if tail not in INVENTORY_WORDS or not head:
            continue
        found = matcher.automaton.get(" " + _fold(head), None)
        commodity = next((c.entity for c in found[1] if c.commodity), "") if found else ""
        if commodity and PHYSICAL_QUANTITY.search(body, m.end, m.end + INVENTORY_WINDOW):
            senses[m.surface.lower()] = commodity
    if not senses:
        return mentions
    return [Mention(senses[m.surface.lower()], m.start, m.end, m.surface)
            if m.entity.startswith("industry:") and m.surface.lower() in senses else m for m in mentions]


def _lowered_name(alias: str, surface: str) -> bool:
    """Is a word the name capitalises written in lower case beside a capital ("US steel")?"""
    words = surface.split()
    if len(words) != len(alias.split()) or not any(w[:1].isupper() for w in words):
        return False
    return any(a[:1].isupper() and w[:1].islower() for a, w in zip(alias.split(), words))


def _case_ok(alias: str, surface: str) -> bool:
    if surface == alias or surface == alias[:1].upper() + alias[1:]:  # "the Dow" opening a sentence
        return True
    # "KAZAKHSTAN" in an all-caps headline matches "Kazakhstan"; a lower-case "apple" does not.
    return len(alias) > EXACT_CASE_MAX_LEN and surface.isupper() and not alias.isupper()


def find_tickers(body: str, kb: KB) -> list[Mention]:
    """Tickers written as "(NYSE: ETN)" or "$CVX", resolved to companies."""
    found = []
    for m in TICKER_RE.finditer(body):
        if m.group("cash"):
            company = kb.ticker_index.get(m.group("cash").upper())
            span = m.span("cash")
            span = (span[0] - 1, span[1])
        else:
            exchange = m.group("ex").replace(" ", "").upper()
            if exchange not in EXCHANGE_SUFFIX:
                continue
            sym = m.group("sym").upper()
            suffix = EXCHANGE_SUFFIX[exchange]
            company = kb.ticker_index.get(sym + suffix) if suffix and not sym.endswith(suffix) else None
            company = company or kb.ticker_index.get(sym)
            span = m.span()
        if company:
            found.append(Mention(company, span[0], span[1], body[span[0]:span[1]]))
    return found
