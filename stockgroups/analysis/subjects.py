"""The story's own subjects: what the story is about reports its own groups, event or not.

Event rules (expose) find second-order effects through the graph; many real stories fire
no catalogued event and are still plainly about a company, a commodity, a country or an
industry. This stage selects those central entities from where and how often the story
names them (headline, lead, repetition), reports them with role "subject", marks every
other hit first- or second-order, and keeps the taxonomy consistent: an industry brings
its sector, a signed subject commodity brings its producing industry, and the cap on
groups never splits such a bundle. A market-news gate keeps recipes, sport, crime and
history pieces silent.
"""
from __future__ import annotations

import csv
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick

from stockgroups.model import CompanyHit, Entity, Event, GroupHit, Mention, Stance, quick_init

from stockgroups.kb.load import split_list
from stockgroups.analysis.expose.reach import MONEY_CATEGORIES, largest_amount, money_factor
from stockgroups.analysis.link import PHYSICAL_QUANTITY
from stockgroups.analysis.relevance import ATTRIBUTED_ROLES
from stockgroups.analysis.segment import sentences_of
from stockgroups.analysis.stated import BRACKETED_TICKER_AFTER, corporate_headline, corporate_names

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

GATE_WORDS = Path(__file__).parent / "data" / "gate_words.csv"
FAMILIES = Path(__file__).parent / "data" / "commodity_families.csv"
# The lead for subject selection: the first two sentences of the body, at most this long,
# where wire copy and news sites name what the story is about.
SUBJECT_LEAD_CHARS = 300
LEAD_SENTENCES = 2
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s+(?=[A-Z0-9\"“])")
# A commodity named this often in the body is the story's topic even when the headline and
# the lead do not name it (a crop report that opens with the region, not the crop).
COMMODITY_REPEAT = 3
# In a story headlined on a company, a commodity named only in the lead must be named this
# often to be a subject (once is the company's line of business).
LEAD_AFTER_COMPANY_REPEAT = 2
# A headline on a company the KB does not know counts as a company headline when it reports
# the company's finances or a deal: its results, payouts, royalties, write-downs, capital,
# ownership (a stake, a sale), audit and portfolio are about the company, not about the
# commodity it trades in. Operations news (a well, reserves, a smelter, its prices) is still
# about the commodity.
FINANCE_HEADLINE = re.compile(
    r"\b(?:net|loss|losses|profits?|earnings|results|revenues?|sales|dividends?|payouts?|qtr|quarter|"
    r"buys?|acquires?|acquisitions?|mergers?|merge|bids?|offer|offering|debentures|notes|shares|stock|split|"
    r"takeovers?|sells?|selling|sell|talks|partnership|stakes?|sale|royalty|royalties|writedowns?|write-downs?|"
    r"portfolio|audit)\b",
    re.IGNORECASE)
# A headline on results, payouts or a stake is on a company whatever its name's form: only a
# company reports a net profit, earnings or a dividend ("Norcen Sees Higher 1987 Earnings"),
# and a stake is a holding in a company.
COMPANY_ONLY_HEADLINE = re.compile(r"\b(?:stakes?|net|loss|profits?|earnings|dividends?|payouts?|revenues?)\b", re.IGNORECASE)
# In a story headlined on a company's money or deal, a commodity its lead names fewer times
# than this is the company's line of business unless a sentence naming it gives a physical
# quantity (barrels, tonnes, ounces): its output or reserves, not just its money.
COMPANY_STORY_REPEAT = 4
# A headline on an economy's aggregate figures or a sovereign's finances: a price index, the
# trade balance, output and growth, official reserves, a country's debt, loans and budget.
# Such a story names a commodity as a component of the figure ("crude prices rose 4 pct"
# inside a producer-price report) or as a cause ("lower oil receipts" in a debt story); a
# commodity it does not make its subject is not what moved.
AGGREGATE_HEADLINE = re.compile(
    r"\b(?:(?:producer|consumer|wholesale|industrial|industry|retail|import|export|factory[ -]gate)[ -]prices?|inflation|"
    r"cpi|ppi|price index|trade (?:deficit|surplus|gap|balance|figures|data)|current account|balance of payments|"
    r"gnp|gdp|economy|economic|growth|recession|capacity use|industrial (?:output|production)|"
    r"(?:foreign|official|currency|exchange) reserves|reserves (?:rise|rose|fall|fell)|debts?|loans?|budget|"
    r"deficit|imf|world bank|money supply|interest rates?)\b", re.IGNORECASE)
# A headline on a general price index (consumer, producer, wholesale prices): the
# story lists the index's components (fuel, food, metals), and a commodity is its subject
# only when the headline names it. Import and export prices are left out: they are often
# one commodity's ("grain export prices"); so is inflation alone ("gold, the inflation hedge").
PRICE_INDEX_HEADLINE = re.compile(
    r"\b(?:(?:producer|consumer|wholesale|industrial|industry|retail|factory[ -]gate)[ -]prices?|inflation rate|"
    r"cpi|ppi|price index)\b", re.IGNORECASE)
# A headline on livestock or meat: the story is about the animals, and the grains it names
# are their feed (feed costs, pasture, rations); a commodity is its subject only when the
# headline names it ("Cattle climb as corn slumps").
LIVESTOCK_HEADLINE = re.compile(
    r"\b(?:cattle|hogs?|pigs?|pork|beef|livestock|meat|poultry|broilers?|feedlots?)\b", re.IGNORECASE)
FEED_FAMILY = "grains"  # the family of commodity_families.csv whose members are animal feed
# A headline on the freight market (rates for carrying cargo, charters): the story is about
# shipping, and the cargoes it lists (grain, ore, coal) are its subject only when the headline
# names them ("Sugar freights").
FREIGHT_HEADLINE = re.compile(r"\b(?:freights?|timecharters?|time charters?|chartering)\b", re.IGNORECASE)
# A story about a commodity family (grains, metals) is about each member it names at least
# a quarter as often as its most-named commodity.
FAMILY_MIN_SHARE = 4
# A company is what the story is about when the headline or lead names it, or when it is
# the most central company and named this often.
COMPANY_REPEAT = 3
# A company the story names but is not about is reported with relevance "mentioned" when
# named at least twice, or once and at least this central relative to the story's main
# subject (one name in a long list deep in the story is left out).
MENTIONED_MIN_RELEVANCE = 0.1
MENTIONED_MIN_COUNT = 2
# A country is the story's subject when named in the headline or lead and at least this
# central among the story's entities.
COUNTRY_MIN_RELEVANCE = 0.5
SUBJECT_MAX_COUNTRIES = 2
# A country acting through its institutions, as the author of a measure aimed elsewhere, or
# named to locate one of its regions is not what the story is about.
NOT_SUBJECT = frozenset({"institutional", "actor", "locative"})
# An industry the story names in the headline or lead (or this often) is its subject.
INDUSTRY_REPEAT = 3
# Scores of subject hits: the headline weighs most, then the lead, then repetition.
SCORE_TITLE = 0.8
SCORE_LEAD = 0.65
SCORE_REPEAT = 0.5
SCORE_MENTIONED = 0.2
INDUSTRY_OF_COMPANY = 0.8  # a company's news moves its industry less than itself
SECONDARY_INDUSTRY = 0.6  # ... and a second segment's industry less than its main one
COUNTRY_OF_COMPANY = 0.6  # ... and its home market less still
PRODUCER_OF_COMMODITY = 0.8  # producers track a signed commodity move closely
SECTOR_OF_INDUSTRY = 0.95  # a sector moves no more than its industry (taxonomy rule)
# A producing industry follows a subject commodity when its link is at least this strong.
PRODUCER_LINK_MIN = 0.5
# A stance this firm (0..1) signs a subject the event layer left without a direction
# (the stance stage's own bar for a subject's stated direction).
STANCE_MIN_STRENGTH = 0.45
# A company's news this immaterial (0..1, from the money at stake) moves the company alone,
# not its industry, sector or home market.
MATERIAL_MIN = 0.5
# An unnamed commodity reached through the graph is reported from this score (other groups
# reached so from the expose stage's bar, 0.33).
UNNAMED_COMMODITY_MIN = 0.43
# The cap on groups (as the expose stage's); bundles are kept whole or dropped whole.
MAX_GROUPS = 15
# Market-news gate: at least this many market words, and more than the off-market ones
# (recipes, sport, crime, history) times this ratio; an event or a named company passes.
GATE_MIN_MARKET = 1
GATE_OFF_RATIO = 1.0
GATE_MIN_OFF = 2  # off-market words needed before they can silence the event layer too
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "“”‘’–—…"})
# A headline that frames the story as a look back ("Fifty years on", "20 years after",
# "the anniversary of") marks a history piece, whatever markets it recalls.
# The count must be a number: "Up 2 Pct From Year Ago" is a comparison, not a look back.
RETROSPECTIVE = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred)[ -]years?[ -](?:on|ago|later|after)\b|\banniversary\b|\bhistory of\b", re.IGNORECASE)


# A word every RETROSPECTIVE alternative holds: an ASCII headline with none of them (most) is
# not searched.
RETROSPECTIVE_HINTS = ("year", "anniversary", "history of")


def _may_look_back(title: str) -> bool:
    if not title.isascii():
        return True
    lower = title.lower()
    return any(hint in lower for hint in RETROSPECTIVE_HINTS)


@quick_init
@dataclass(frozen=True)
class Subject:
    """An entity the story is about, and why the stage thinks so."""

    entity: str
    kind: str
    where: str  # "title", "lead", "repeat", "family" (its market is the story's) or "mentioned"
    relevance: float

    @property
    def about(self) -> bool:
        return self.where != "mentioned"


@lru_cache(maxsize=1)
def gate_words(path: Path = GATE_WORDS) -> tuple[frozenset[str], frozenset[str]]:
    """(market words, off-market words) of the gate's vocabulary file."""
    market, off = set(), set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (market if row["kind"] == "market" else off).add(row["word"].strip().lower())
    return frozenset(market), frozenset(off)


@lru_cache(maxsize=1)
def _family_table(path: Path = FAMILIES) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """family -> (cue words, member commodities), read once from the families file."""
    cues: dict[str, list[str]] = defaultdict(list)
    members: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (members[row["family"]].add(row["value"]) if row["kind"] == "member"
             else cues[row["family"]].append(row["value"].lower()))
    return {f: (tuple(cues[f]), frozenset(members[f])) for f in sorted(members)}


@lru_cache(maxsize=1)
def commodity_families(path: Path = FAMILIES) -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    """(cue pattern, member commodities) per family: a story whose headline or lead speaks of
    grain (crops, harvest, bushels) is about every grain it names; likewise the other farm
    crops (sugar) and metals."""
    return tuple((re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
                             + r")\b"), members) for cues, members in _family_table(path).values())


def family_members(family: str, path: Path = FAMILIES) -> frozenset[str]:
    """The member commodities of one family of the families file."""
    return _family_table(path)[family][1]


def _siblings(commodity: str, others: set[str]) -> bool:
    """Is one of `others` in a family with `commodity` (corn beside soybeans, not sugar beside
    coffee)?"""
    return any(commodity in members and not members.isdisjoint(others - {commodity})
               for _, members in commodity_families())


def _framed(body: str, title_end: int, lead_stop: int) -> frozenset[str]:
    """Commodities whose family the headline or lead speaks of. A cue inside a company's name
    ("Hudson Mining Corp", "Acme Metals <ACM>") is the company's line of business, not the
    story's market, unless the cue is the whole name (a market's own institution)."""
    head = body[:lead_stop].lower()
    names = corporate_names(body[:title_end], BRACKETED_TICKER_AFTER) + [
        (title_end + s, title_end + e) for s, e in corporate_names(body[title_end:lead_stop], BRACKETED_TICKER_AFTER)]

    def cued(rx: re.Pattern[str]) -> bool:
        return any(not any(s <= m.start() and m.end() <= e and e - s > m.end() - m.start() for s, e in names)
                   for m in rx.finditer(head))
    return frozenset(c for rx, members in commodity_families() if cued(rx) for c in members)


@lru_cache(maxsize=16)
def _count(body: str, off: bool) -> int:
    """How many different words of one gate list (off-market if `off`, else market) the story
    uses (variety, not repetition: one word said ten times is still one sign), once per story
    and list: most stories need only the off-market count, whose words are rare in news."""
    lower = body.lower()
    if lower.isascii():  # most stories: the list's words found whole in one automaton pass
        automaton = _gate_automaton(off)
        if not len(automaton):
            return 0  # no word of the list can be a word of the story
        spaced = lower.encode("ascii").translate(_SEPARATORS_BYTES).decode("ascii")
        return len({word for _, word in automaton.iter(f" {spaced} ")})
    market, off_words = gate_words()
    words = set(lower.translate(_PUNCTUATION).split())
    return len((off_words if off else market).intersection(words))


def _counts(body: str) -> tuple[int, int]:
    """(market words, off-market words) of the story."""
    return _count(body, False), _count(body, True)


# For ASCII text: punctuation and every separator str.split() knows (\t\n\r\x0b\x0c and
# \x1c-\x1f) as a plain space, so a word of the split is a run between spaces.
_SEPARATORS_BYTES = bytes(0x20 if chr(c) in string.punctuation or chr(c).isspace() else c for c in range(256))


@lru_cache(maxsize=2)
def _gate_automaton(off: bool) -> ahocorasick.Automaton:
    """Every word of one gate list that can be a word of the split, as " word ": word."""
    market, off_words = gate_words()
    automaton = ahocorasick.Automaton()
    for word in off_words if off else market:
        if word.translate(_PUNCTUATION).split() == [word]:  # others never equal a word of the split
            automaton.add_word(f" {word} ", word)
    automaton.make_automaton()
    return automaton


def is_off_market(body: str) -> bool:
    """Does the story say outright that it is not market news: a headline looking back
    ("Fifty years on"), or the words of a recipe, a match, a crime or a review outnumbering
    the market's?"""
    title = body[:body.find("\n\n")] if "\n\n" in body else ""
    if _may_look_back(title) and RETROSPECTIVE.search(title):
        return True
    n_off = _count(body, True)
    return n_off >= GATE_MIN_OFF and n_off > GATE_OFF_RATIO * _count(body, False)


def is_market_news(body: str, events: tuple[Event, ...] = (), mentions: tuple[Mention, ...] = ()) -> bool:
    """Is the story market news at all? A recipe, a match report, a crime or a history piece
    is not, whatever commodity or place it names; a story that names a listed company (the
    linker has already judged the name in context) or reports a catalogued event is."""
    if is_off_market(body):
        return False
    if events or any(m.entity.startswith("company:") for m in mentions):
        return True
    n_market, n_off = _counts(body)
    return n_market >= GATE_MIN_MARKET and n_market > GATE_OFF_RATIO * n_off


def body_start(title_len: int) -> int:
    """Where the text starts in a body of headline, blank line, text (0 with no headline)."""
    return title_len + 2 if title_len else 0


@lru_cache(maxsize=8)  # asked twice per story (subjects and materiality)
def lead_end(body: str, title_end: int) -> int:
    """Where the lead stops: after LEAD_SENTENCES sentences, at most SUBJECT_LEAD_CHARS."""
    stop = min(len(body), title_end + SUBJECT_LEAD_CHARS)
    for n, m in enumerate(_SENTENCE_END.finditer(body, title_end, stop), start=1):
        if n == LEAD_SENTENCES:
            return m.end()
    return stop


def _quantified(body: str, mentions: list[Mention]) -> bool:
    """Does a sentence naming the commodity give a physical quantity (its barrels, tonnes)?"""
    sentences = sentences_of(body)
    return any(PHYSICAL_QUANTITY.search(sentences.text(i))
               for i in sorted({sentences.index(m.start) for m in mentions}))


_WORD_BEFORE = re.compile(r"(\S+)[ \t]+$")


def _company_words_in_title(body: str, title_end: int, lead_stop: int, mentions: tuple[Mention, ...]) -> set[int]:
    """Starts of headline commodity mentions that, with the word before them, open a company
    name the lead spells out in full ("Acme Oil" in the headline, "Acme Oil Co Ltd" in the lead)."""
    if not title_end:
        return set()
    heads = [m for m in mentions if m.start < title_end and m.entity.startswith("commodity:")]
    if not heads:
        return set()
    lead = body[title_end:lead_stop]
    names = [" ".join(lead[s:e].lower().split()) for s, e in corporate_names(lead, BRACKETED_TICKER_AFTER)]
    out = set()
    for m in heads:
        before = _WORD_BEFORE.search(body, 0, m.start)
        if before is None:
            continue
        phrase = f"{before.group(1)} {' '.join(body[m.start:m.end].split())}".lower()
        if any(name.startswith(phrase) or f" {phrase}" in name for name in names):
            out.add(m.start)
    return out


def _where(mentions: list[Mention], title_end: int, lead_stop: int) -> tuple[str, int]:
    """Where an entity is named first (title, lead or body) and how often in the body."""
    in_title = in_lead = False
    body_n = 0
    for m in mentions:
        if m.start < title_end:
            in_title = True
        else:
            body_n += 1
            in_lead = in_lead or m.start < lead_stop
    return ("title" if in_title else "lead" if in_lead else "body"), body_n


def select_subjects(body: str, title_len: int, entities: tuple[Entity, ...], mentions: tuple[Mention, ...],
                    kb: KB) -> tuple[Subject, ...]:
    """The story's central companies, commodities, countries and industries, plus the
    companies it names in passing (where="mentioned")."""
    by_entity: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_entity[m.entity].append(m)
    title_end = body_start(title_len)
    lead_stop = lead_end(body, title_end)
    framed: frozenset[str] | None = None  # computed only when a commodity needs it
    out: list[Subject] = []
    companies = [e for e in entities if e.kind == "company" and e.mentions]
    top_company = companies[0].id if companies else ""
    countries = 0
    # A headline commodity word that begins a company's name in the lead ("Acme Oil Sees ..."
    # over "Acme Oil Co Ltd said ...") names the company, not the commodity.
    company_words = _company_words_in_title(body, title_end, lead_stop, mentions)
    if company_words:
        for x, ms in list(by_entity.items()):
            if x.startswith("commodity:"):
                by_entity[x] = [m for m in ms if m.start not in company_words]
    # What the headline is about: a commodity named only in the lead of a story headlined on
    # another commodity or on a company is context (a substitute, the company's trade) unless
    # the story comes back to it.
    in_title = {m.entity for m in mentions if m.start < title_end and m.start not in company_words}
    headline = body[:title_len]
    finance = FINANCE_HEADLINE.search(headline) is not None
    title_companies = any(x.startswith("company:") for x in in_title) or (
        finance and (corporate_headline(headline) or COMPANY_ONLY_HEADLINE.search(headline) is not None))
    # The most any commodity is named: a family's member named far less is a side note.
    top_commodity = max((len(ms) for x, ms in by_entity.items() if x.startswith("commodity:")), default=0)
    # A price-index report, a freight report or a livestock story: a commodity the headline does
    # not name is a component of the index, a cargo, a grain the animals' feed.
    index_report = PRICE_INDEX_HEADLINE.search(headline) is not None or FREIGHT_HEADLINE.search(headline) is not None
    feed = family_members(FEED_FAMILY) if LIVESTOCK_HEADLINE.search(headline) is not None else frozenset()
    for e in entities:
        found = by_entity.get(e.id, [])
        if not found:
            continue
        where, body_n = _where(found, title_end, lead_stop)
        if e.kind == "commodity":
            if (index_report or e.id in feed) and where != "title":
                continue
            context = ""
            if where == "lead" and body_n < COMMODITY_REPEAT:
                if any(x.startswith("commodity:") and x != e.id for x in in_title):
                    context = "commodity"
                elif title_companies and body_n < LEAD_AFTER_COMPANY_REPEAT:
                    context = "company"
            if context:
                where = "body"
            # A story headlined on a company's money or deal is about a commodity only when the
            # headline or the lead names it, and then, if named only a few times, with a quantity
            # of its own; else it is the company's business (its oil in a results story).
            if finance and title_companies and (where == "body" or (
                    where == "lead" and body_n < COMPANY_STORY_REPEAT and not _quantified(body, found))):
                continue  # a company's money or deal: the commodity is its business, not the story's
            if where in ("title", "lead") or body_n >= COMMODITY_REPEAT:
                out.append(Subject(e.id, e.kind, where if where != "body" else "repeat", e.relevance))
            # In a company's results or deal story the family's vocabulary in the lead (mine,
            # reserves) is the company's trade: a member named in passing is its line of business.
            elif not (finance and title_companies) and \
                    (not context or (context == "commodity" and _siblings(e.id, in_title))) and \
                    body_n * FAMILY_MIN_SHARE >= top_commodity and \
                    e.id in (framed := _framed(body, title_end, lead_stop) if framed is None else framed):
                out.append(Subject(e.id, e.kind, "family", e.relevance))
        elif e.kind == "company":
            # A company quoted as a source ("analysts at X said", "X analysts see") or named for
            # an index ("the Nasdaq Composite") is not what the story is about: at most named.
            attributed = not ATTRIBUTED_ROLES.isdisjoint(e.roles)
            if not attributed and (where in ("title", "lead") or (e.id == top_company and body_n >= COMPANY_REPEAT)):
                out.append(Subject(e.id, e.kind, where if where != "body" else "repeat", e.relevance))
            elif e.relevance >= MENTIONED_MIN_RELEVANCE or e.mentions >= MENTIONED_MIN_COUNT:
                out.append(Subject(e.id, e.kind, "mentioned", e.relevance))
        elif e.kind == "industry":
            if where in ("title", "lead") or body_n >= INDUSTRY_REPEAT:
                out.append(Subject(e.id, e.kind, where if where != "body" else "repeat", e.relevance))
        elif e.kind == "country" and countries < SUBJECT_MAX_COUNTRIES:
            if where in ("title", "lead") and e.relevance >= COUNTRY_MIN_RELEVANCE and NOT_SUBJECT.isdisjoint(e.roles):
                out.append(Subject(e.id, e.kind, where, e.relevance))
                countries += 1
    return tuple(out)


@dataclass
class _Hit:
    id: str
    score: float
    direction: str
    evidence: tuple[str, ...]
    role: str


def _score(s: Subject) -> float:
    return {"title": SCORE_TITLE, "lead": SCORE_LEAD, "repeat": SCORE_REPEAT, "family": SCORE_REPEAT}.get(
        s.where, SCORE_MENTIONED)


def _why(s: Subject, name: str) -> str:
    return {"title": f"The headline names {name}", "lead": f"The story opens on {name}",
            "repeat": f"The story names {name} again and again",
            "family": f"The story is about the market {name} belongs to, and names it"}.get(s.where, f"The story names {name}")


def subject_hits(subjects: tuple[Subject, ...], groups: tuple[GroupHit, ...], companies: tuple[CompanyHit, ...],
                 named: frozenset[str], kb: KB, stances: tuple[Stance, ...] = (), material: float = 1.0,
                 aggregate: bool = False) -> tuple[tuple[GroupHit, ...], tuple[CompanyHit, ...]]:
    """The event layer's hits with the subjects' own groups and companies added, every hit
    given its role, taxonomy bundles completed, and the cap applied bundle by bundle. A
    subject's direction is the event layer's where it gave one, else the story's stance.
    `material` (0..1) scales a subject company's own score; below MATERIAL_MIN the news is
    too small to move its industry, sector or home market. In a story headlined on an
    economy's aggregate figures (`aggregate`), a commodity named but not a subject is left out.
    """
    hits: dict[str, _Hit] = {}
    for g in groups:
        role = "first-order" if g.id in named else "second-order"
        hits[g.id] = _Hit(g.id, g.score, g.direction, g.evidence, role)
    stated = {s.entity: s.direction for s in stances
              if s.entity and s.direction in ("up", "down") and s.strength >= STANCE_MIN_STRENGTH}
    for g in groups:
        if g.direction in ("up", "down") or g.id not in stated:
            stated[g.id] = g.direction
    for c in companies:
        cid = f"company:{c.ticker}"
        if c.direction in ("up", "down") or cid not in stated:
            stated[cid] = c.direction

    def put(gid: str, score: float, direction: str, line: tuple[str, ...], role: str) -> None:
        if gid not in kb.entities:
            return
        old = hits.get(gid)
        if old is None:
            hits[gid] = _Hit(gid, score, direction, line, role)
            return
        if role == "subject" or (role == "first-order" and old.role == "second-order"):
            old.role = role
        if old.direction not in ("up", "down") and direction in ("up", "down"):
            old.direction = direction
        if score > old.score:
            old.score = score
            old.evidence = line + tuple(x for x in old.evidence if x not in line)

    about_companies: dict[str, Subject] = {}
    mentioned: dict[str, Subject] = {}
    for s in subjects:
        info = kb.entities[s.entity]
        score = _score(s)
        line = (_why(s, info.name),)
        if s.kind == "company":
            (about_companies if s.about else mentioned)[s.entity] = s
            if not s.about or material < MATERIAL_MIN:
                continue
            direction = stated.get(s.entity, "neutral")
            if info.industry:
                put(info.industry, score * INDUSTRY_OF_COMPANY, direction,
                    line + (f"{info.name} ({info.ticker}) is in {kb.name(info.industry).lower()}",), "first-order")
            for other in split_list(info.get("secondary_industries")):
                if other not in named:
                    continue  # a second segment counts when the story speaks of its industry
                put(other, score * INDUSTRY_OF_COMPANY * SECONDARY_INDUSTRY, direction,
                    line + (f"{info.name} ({info.ticker}) also has a large business in {kb.name(other).lower()}",),
                    "first-order")
            if info.country and s.where == "title":
                put(f"country:{info.country}", score * COUNTRY_OF_COMPANY, direction,
                    line + (f"{info.name} ({info.ticker}) is listed in {kb.name('country:' + info.country)}",),
                    "first-order")
        elif s.kind == "commodity":
            direction = stated.get(s.entity, "neutral")
            put(s.entity, score, direction, line, "subject")
            if direction in ("up", "down"):
                for link in kb.links_by_commodity.get(s.entity, ()):
                    if link.relation == "producer" and (link.weight >= PRODUCER_LINK_MIN
                                                       or link.object == info.get("producer_industry")):
                        put(link.object, score * PRODUCER_OF_COMMODITY * link.weight, direction,
                            line + (f"{kb.name(link.object)}: {link.why} ({info.name.lower()} {direction})",),
                            "first-order")
        elif s.kind in ("country", "industry"):
            put(s.entity, score, stated.get(s.entity, "neutral"), line, "subject")

    # Sectors follow their industries (same direction, a little less).
    top_industry: dict[str, float] | None = None  # sector -> its strongest industry's score
    for h in list(hits.values()):
        info = kb.entities.get(h.id)
        if info is not None and info.kind == "industry" and info.sector:
            put(info.sector, h.score * SECTOR_OF_INDUSTRY, h.direction,
                (f"{info.name} is in the {kb.name(info.sector)} sector",) + h.evidence[:1], "second-order")
            sector = hits[info.sector]
            if top_industry is None:  # industries' scores do not change in this loop: once
                top_industry = {}
                for x in hits.values():
                    x_info = kb.entities[x.id]
                    if x_info.kind == "industry":
                        top_industry[x_info.sector] = max(top_industry.get(x_info.sector, x.score), x.score)
            sector.score = min(sector.score, top_industry[info.sector])
    if aggregate:
        _drop_components(hits, kb)
    # A commodity the story never names, reached through the graph, has its own bar: every
    # edge adds doubt, and a world price moves on large causes only.
    for h in [h for h in hits.values() if h.role == "second-order" and h.score < UNNAMED_COMMODITY_MIN
              and kb.entities[h.id].kind == "commodity"]:
        del hits[h.id]
    out_groups = _capped(hits, kb)

    company_hits: list[CompanyHit] = []
    seen: set[str] = set()
    for c in companies:
        cid = f"company:{c.ticker}"
        subject = about_companies.get(cid)
        if subject is not None:
            company_hits.append(CompanyHit(c.ticker, c.name, round(max(c.score, _score(subject)) * material, 3),
                                           stated.get(cid, c.direction),
                                           c.via, c.evidence, "subject", "about"))
        elif cid in mentioned:
            company_hits.append(CompanyHit(c.ticker, c.name, c.score, c.direction, c.via, c.evidence,
                                           "first-order", "mentioned"))
        elif not c.ticker:
            # A company the story is about that the KB does not list (the stance stage names it).
            company_hits.append(CompanyHit(c.ticker, c.name, c.score, c.direction, c.via, c.evidence, "subject", "about"))
        else:
            role = "first-order" if cid in named else "second-order"
            company_hits.append(CompanyHit(c.ticker, c.name, c.score, c.direction, c.via, c.evidence, role,
                                           "mentioned" if cid in named else "exposed"))
        seen.add(cid)
    for cid, s in list(about_companies.items()) + list(mentioned.items()):
        if cid in seen:
            continue
        info = kb.entities[cid]
        company_hits.append(CompanyHit(info.ticker, info.name, _score(s) * (material if s.about else 1.0),
                                       stated.get(cid, "neutral") if s.about
                                       else "neutral", (cid,),
                                       (_why(s, info.name),), "subject" if s.about else "first-order",
                                       "about" if s.about else "mentioned"))
    company_hits.sort(key=lambda h: (-h.score, h.ticker))
    return out_groups, tuple(company_hits)


def aggregate_headline(title: str) -> bool:
    """Is the headline on an economy's aggregate figures or a sovereign's finances?"""
    return AGGREGATE_HEADLINE.search(title) is not None


def _drop_components(hits: dict[str, _Hit], kb: KB) -> None:
    """Leave out the named commodities that are not subjects: in a story on an economy's
    figures they are components or causes of the figure, not moves of their own market."""
    for gid in [h.id for h in hits.values() if h.role == "first-order" and kb.entities[h.id].kind == "commodity"]:
        del hits[gid]


def _capped(hits: dict[str, _Hit], kb: KB) -> tuple[GroupHit, ...]:
    """The strongest groups up to MAX_GROUPS, each industry with its sector: a bundle that
    does not fit whole is left out."""
    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.id))
    chosen: dict[str, _Hit] = {}
    for h in ranked:
        if h.id in chosen:
            continue
        info = kb.entities[h.id]
        bundle = [h]
        if info.kind == "industry" and info.sector in hits and info.sector not in chosen:
            bundle.append(hits[info.sector])
        if info.kind == "sector":
            continue  # a sector comes in with one of its industries, or on its own below
        if len(chosen) + len(bundle) > MAX_GROUPS:
            continue
        for x in bundle:
            chosen[x.id] = x
    # Sectors the event layer reported without any reported industry (rare) keep their place.
    for h in ranked:
        info = kb.entities[h.id]
        if info.kind == "sector" and h.id not in chosen and len(chosen) < MAX_GROUPS and \
                not any(kb.entities[x].kind == "industry" and kb.entities[x].sector == h.id for x in hits):
            chosen[h.id] = h
    out = []
    for h in chosen.values():
        info = kb.entities[h.id]
        out.append(GroupHit(h.id, info.kind, info.name, round(min(h.score, 1.0), 3), h.direction, h.evidence[:8],
                            h.role))
    out.sort(key=lambda g: (-g.score, g.id))
    return tuple(out)


def materiality(body: str, lead_stop: int, events: tuple[Event, ...], kb: KB) -> float:
    """How much a story's company news matters to the company, from the money it states: a
    story whose only events are money matters (a fine, a penalty, a settlement) and whose
    headline or lead names the sum is as material as that sum (a $50,000 fine for a late
    filing is not a $3 billion penalty); any other story counts in full."""
    if not events or any(kb.event_categories.get(e.type, ("", ""))[0] not in MONEY_CATEGORIES for e in events):
        return 1.0
    amount = largest_amount(body[:lead_stop])
    return 1.0 if amount is None else money_factor(amount)


def find_subjects(body: str, title_len: int, entities: tuple[Entity, ...], mentions: tuple[Mention, ...],
                  events: tuple[Event, ...], groups: tuple[GroupHit, ...], companies: tuple[CompanyHit, ...],
                  kb: KB, stances: tuple[Stance, ...] = ()) -> tuple[tuple[GroupHit, ...], tuple[CompanyHit, ...]]:
    """The stage's computation. A story that is not market news moves nothing: no group,
    no direction; the listed companies it names are still listed, as "mentioned"."""
    subjects = select_subjects(body, title_len, entities, mentions, kb)
    if is_off_market(body) or not (groups or companies or is_market_news(body, events, mentions)):
        return (), _named_only(subjects, kb)
    named = frozenset(m.entity for m in mentions)
    weight = materiality(body, lead_end(body, body_start(title_len)), events, kb)
    return subject_hits(subjects, groups, companies, named, kb, stances, weight,
                        aggregate_headline(body[:title_len]))


def _named_only(subjects: tuple[Subject, ...], kb: KB) -> tuple[CompanyHit, ...]:
    out = []
    for s in subjects:
        if s.kind == "company":
            info = kb.entities[s.entity]
            out.append(CompanyHit(info.ticker, info.name, SCORE_MENTIONED, "neutral", (s.entity,),
                                  (f"The story names {info.name}; it is not market news",), "first-order",
                                  "mentioned"))
    return tuple(out)
