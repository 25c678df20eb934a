"""The knowledge-base schema, in one place: every file's columns and types, and the closed lists
(roles, directions, kinds, relations, event categories and shocks) that cells may hold.

kb/load.py validates every row against these definitions; the reasoner checks its table of
role functions against ROLES at start-up; docs/kb-schema.md is generated from this module
(tools/gen_kb_schema_doc.py) and a test keeps the two equal.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# --- closed lists ------------------------------------------------------------------------------

# Roles an event_effects target may name instead of a group id: whom the event moves, resolved
# per story by the reasoner (one function per role).
ROLES: tuple[str, ...] = (
    "subject-country", "subject-company", "subject-industry", "subject-commodity",
    "produced-commodities", "producer-industries", "local-producers", "consumer-industries",
    "peers", "suppliers", "customers", "actor-countries",
)
# Roles that name commodities: the only targets besides commodity ids that may take `shock`.
COMMODITY_TARGETS: tuple[str, ...] = ("subject-commodity", "produced-commodities")
# Directions an effect row may give; `shock` takes the commodity's supply_shock_direction.
EFFECT_DIRECTIONS: tuple[str, ...] = ("up", "down", "mixed", "neutral", "shock")
# Directions a story can give a group or company.
DIRECTIONS: tuple[str, ...] = ("up", "down", "mixed", "neutral")
SUPPLY_SHOCK_DIRECTIONS: tuple[str, ...] = ("up", "down")
EXPOSURE_RELATIONS: tuple[str, ...] = (
    "operates-in", "revenue-from", "produces", "supplier-to", "customer-of", "owns",
    "member-of", "located-in",
)
LINK_RELATIONS: tuple[str, ...] = ("producer", "consumer")
POLARITIES: tuple[str, ...] = ("+", "-")
PRODUCER_METRICS: tuple[str, ...] = ("production", "exports", "hashrate", "reserves", "ore")
PLACE_KINDS: tuple[str, ...] = ("city", "region", "field", "mine", "port", "waterway", "facility",
                                "index")
ORG_KINDS: tuple[str, ...] = ("alliance", "cartel", "central-bank", "regulator", "union", "agency",
                              "government-body", "exchange", "court", "ngo")
EVENT_CATEGORIES: tuple[str, ...] = ("geopolitical", "disaster", "macro", "corporate", "regulatory",
                                     "market", "cyber", "energy")
SHOCKS: tuple[str, ...] = (
    "supply-disruption", "demand-shock", "risk-off", "risk-on", "rate-up", "rate-down",
    "company-negative", "company-positive", "regulatory-negative", "regulatory-positive", "neutral",
)
# "country": the event hits a whole country's output; "local": one site or region (the default).
EVENT_SCOPES: tuple[str, ...] = ("country", "local")
# An event cue written "left ~ right" fires when right follows left in the same sentence.
PAIR_SEPARATOR = " ~ "

# --- cell types ------------------------------------------------------------------------------

# Each type: what the docs say about it. Checks are in kb/load.py (check_cell).
TYPES: dict[str, str] = {
    "text": "free text",
    "id": "an id `kind:slug`",
    "ref": "the id of a row of another file",
    "iso2": "an ISO 3166-1 alpha-2 code (`KZ`)",
    "list": "values separated by `|`",
    "iso2-list": "ISO2 codes separated by `|`",
    "enum": "one of the listed values",
    "weight": "a number from 0 to 1",
    "number": "a number",
    "year": "a year `YYYY`",
    "date": "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
    "cues": "lower-case phrases separated by `|`; a two-part cue is `left ~ right`",
    "target": "a group id or a role",
    "tickers": "tickers separated by `|`, each a known company's ticker or alias ticker",
}

STANCE_POLARITIES = ("up", "down", "neutral")
STANCE_KINDS = ("approval", "disruption", "figure", "guidance", "labour", "legal", "macro-figure",
                "market-figure", "move", "negation", "order", "payout", "price", "rating", "result",
                "share-figure", "tone", "unsigned-figure")

ID_RE = re.compile(r"^[a-z]+:[A-Za-z0-9][A-Za-z0-9.\-_&]*$")
CUSTOM_ID_RE = re.compile(r"^custom:[a-z0-9][a-z0-9\-_]*$")
EVENT_ID_RE = re.compile(r"^event:[a-z0-9]+(?:-[a-z0-9]+)*$")
AS_OF_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
YEAR_RE = re.compile(r"^\d{4}$")
ISO2_RE = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of TYPES
    required: bool = False  # the cell may not be empty
    choices: tuple[str, ...] = ()  # for enum
    doc: str = ""
    optional: bool = False  # the header may leave the column out

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if (self.type == "enum") != bool(self.choices):
            raise ValueError(f"column {self.name}: enum columns, and only they, list choices")


@dataclass(frozen=True)
class FileSchema:
    prefix: str  # files named PREFIX.csv or PREFIX_anything.csv
    what: str
    columns: tuple[Column, ...]
    kind: str = ""  # entity files: the kind of their ids

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns the header must have (every column that is not optional)."""
        return tuple(c.name for c in self.columns if not c.optional)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


SOURCE = Column("source", "text", True, doc="who says so: publication, dataset or \"Stock Groups team\"")
AS_OF = Column("as_of", "date", True, doc="when the row is true")
ALIASES = Column("aliases", "list", doc="other names a story uses; the name is always one")
AMBIGUOUS = Column("ambiguous", "list", doc="aliases matched with exact case and only with context support",
                   optional=True)
WHY = Column("why", "text", doc="the reason, in words")


def _id(kind: str) -> Column:
    return Column("id", "id", True, doc=f"`{kind}:slug`")


FILES: tuple[FileSchema, ...] = (
    FileSchema("sectors", "the 11 GICS sectors", (
        _id("sector"), Column("name", "text", True), ALIASES, SOURCE, AS_OF), kind="sector"),
    FileSchema("industries", "every `industry:` of the taxonomy with its sector", (
        _id("industry"), Column("name", "text", True), Column("sector", "ref", True, doc="a sector id"),
        ALIASES, AMBIGUOUS, SOURCE, AS_OF), kind="industry"),
    FileSchema("countries", "every ISO 3166-1 country; demonyms are aliases too", (
        Column("id", "id", True, doc="`country:KZ`"), Column("code", "iso2", True), Column("iso3", "text", optional=True),
        Column("name", "text", True), ALIASES, Column("demonyms", "list"), Column("capital", "text", optional=True),
        Column("region", "text", optional=True), AMBIGUOUS,
        Column("gdp_usd_bn", "number", optional=True,
               doc="GDP in current US$ billions (World Bank WDI NY.GDP.MKTP.CD, 2023, rounded); set for the "
                   "largest economies, empty for the rest"),
        SOURCE, AS_OF), kind="country"),
    FileSchema("places", "cities, regions, fields, mines, ports, waterways, facilities, index names", (
        _id("place"), Column("name", "text", True), ALIASES, Column("country", "iso2"),
        Column("kind", "enum", True, PLACE_KINDS), AMBIGUOUS, SOURCE, AS_OF), kind="place"),
    FileSchema("orgs", "alliances, cartels, central banks, regulators, exchanges...", (
        _id("org"), Column("name", "text", True), ALIASES, Column("kind", "enum", True, ORG_KINDS),
        Column("country", "iso2"), Column("leader", "iso2", doc="the leading member"),
        Column("members", "iso2-list"), AMBIGUOUS, SOURCE, AS_OF), kind="org"),
    FileSchema("people", "people a story may name", (
        _id("person"), Column("name", "text", True), ALIASES, Column("role", "text"),
        Column("country", "iso2"), Column("org", "ref", doc="an org id"),
        Column("company", "ref", doc="a company id"), AMBIGUOUS, SOURCE, AS_OF), kind="person"),
    FileSchema("commodities", "every `commodity:` of the taxonomy", (
        _id("commodity"), Column("name", "text", True), ALIASES,
        Column("producer_industry", "ref", True, doc="an industry id"),
        Column("supply_shock_direction", "enum", True, SUPPLY_SHOCK_DIRECTIONS,
               doc="what a supply disruption in a producing country does to the commodity"),
        Column("why", "text", optional=True, doc="why, in words"), AMBIGUOUS, SOURCE, AS_OF), kind="commodity"),
    FileSchema("companies", "listed companies", (
        Column("id", "id", True, doc="`company:CVX`"), Column("ticker", "text", True, doc="as users type it"),
        Column("name", "text", True), ALIASES, Column("industry", "ref", True, doc="an industry id"),
        Column("country", "iso2", True, doc="home or primary listing"), Column("exchange", "text", optional=True),
        AMBIGUOUS, Column("secondary_industries", "list", optional=True,
                          doc="industry ids of the company's other large segments, separated by `|`"),
        SOURCE, AS_OF), kind="company"),
    FileSchema("producers", "a country's share of world output of a commodity", (
        Column("commodity", "ref", True), Column("country", "iso2", True),
        Column("share", "weight", True), Column("year", "year"),
        Column("metric", "enum", False, PRODUCER_METRICS, doc="empty means production"),
        SOURCE, AS_OF)),
    FileSchema("commodity_links", "industries that make or use a commodity", (
        Column("commodity", "ref", True), Column("industry", "ref", True),
        Column("relation", "enum", True, LINK_RELATIONS,
               doc="producer: up when the commodity goes up; consumer: down"),
        Column("weight", "weight", True), WHY, SOURCE, AS_OF)),
    FileSchema("exposures", "edges of the graph between any two ids", (
        Column("subject", "ref", True), Column("relation", "enum", True, EXPOSURE_RELATIONS),
        Column("object", "ref", True), Column("weight", "weight", True, doc="share of output or revenue"),
        WHY, SOURCE, AS_OF)),
    FileSchema("contexts", "context words for ambiguous aliases", (
        Column("entity", "ref", True, doc="an id, or `kind:*` for every entity of a kind"),
        Column("polarity", "enum", True, POLARITIES, doc="+ supports the entity, - says it is another sense"),
        Column("cue", "text", True, doc="a lower-case word or phrase"), SOURCE, AS_OF)),
    FileSchema("events", "event types and the phrases that signal them", (
        Column("id", "id", True, doc="`event:civil-unrest`"), Column("name", "text", True),
        Column("category", "enum", True, EVENT_CATEGORIES), Column("severity", "weight", True, doc="base severity"),
        Column("shock", "enum", True, SHOCKS), Column("scope", "enum", False, EVENT_SCOPES, doc="empty means local",
                                                         optional=True),
        Column("cues", "cues", True), Column("negative_cues", "cues", doc="phrases meaning another sense; one part each", optional=True),
        SOURCE, AS_OF)),
    FileSchema("event_effects", "what an event type moves", (
        Column("event", "ref", True, doc="an event id"), Column("target", "target", True),
        Column("direction", "enum", True, EFFECT_DIRECTIONS), Column("weight", "weight", True),
        WHY, SOURCE, AS_OF)),
    FileSchema("stance_terms", "the team's own words for which way a story says a figure or a name went "
               "(analysis/stance.py reads them)", (
        Column("term", "text", True, doc="a lower-case word or phrase"),
        Column("polarity", "enum", True, STANCE_POLARITIES),
        Column("kind", "enum", True, STANCE_KINDS, doc="move, figure, signed kinds, negation: see DEVELOPERS.md"),
        Column("weight", "weight", True, doc="how much the word alone decides"), SOURCE, AS_OF)),
    FileSchema("groups_custom", "a user's named basket of companies", (
        Column("id", "id", True, doc="`custom:my-uranium-basket` (lower-case slug)"),
        Column("name", "text"), Column("tickers", "tickers", True), SOURCE, AS_OF)),
)
BY_PREFIX: dict[str, FileSchema] = {f.prefix: f for f in FILES}
# Entity kind -> file prefix, for the files whose rows are entities a story can mention.
ENTITY_FILES: dict[str, str] = {f.kind: f.prefix for f in FILES if f.kind}
KINDS: tuple[str, ...] = tuple(ENTITY_FILES)


def file_schema(stem: str) -> FileSchema | None:
    """The schema of a file named STEM.csv: PREFIX or PREFIX_anything (longest prefix wins)."""
    for prefix in sorted(BY_PREFIX, key=len, reverse=True):
        if stem == prefix or stem.startswith(prefix + "_"):
            return BY_PREFIX[prefix]
    return None


def check_role_table(table: Iterable[str], owner: str = "the reasoner") -> None:
    """Raise at start-up unless `table` (a role -> function mapping's keys) covers exactly ROLES."""
    names = set(table)
    missing, unknown = sorted(set(ROLES) - names), sorted(names - set(ROLES))
    if missing or unknown:
        raise RuntimeError(f"{owner}'s role table does not match kb/schema.py ROLES: "
                           f"missing {missing}, not roles {unknown}")
