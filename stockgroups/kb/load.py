"""Reads the knowledge-base CSV files into one KB object, validating as it goes.

The files are the source of truth (docs/kb-schema.md); this module only parses,
checks references and builds the indexes the stages need.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stockgroups.errors import KBError
from stockgroups.kb import schema

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"

# Re-exported for the modules that read them from here; schema.py defines each once.
EXPOSURE_RELATIONS = frozenset(schema.EXPOSURE_RELATIONS)
EFFECT_DIRECTIONS = frozenset(schema.EFFECT_DIRECTIONS)
ROLES = frozenset(schema.ROLES)
ENTITY_FILES = schema.ENTITY_FILES
ID_RE, CUSTOM_ID_RE, AS_OF_RE = schema.ID_RE, schema.CUSTOM_ID_RE, schema.AS_OF_RE


@dataclass(frozen=True)
class EntityInfo:
    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    ambiguous: frozenset[str] = frozenset()
    country: str = ""  # ISO2 of the home or location country, where one applies
    industry: str = ""  # companies: industry id
    sector: str = ""  # industries: sector id; companies: sector of their industry
    ticker: str = ""
    leader: str = ""  # orgs: ISO2 of the leading member
    members: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()  # other columns, for display (role, kind...)
    _extra: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_extra", dict(self.extra))  # looked up in hot loops

    def get(self, key: str, default: str = "") -> str:
        return self._extra.get(key, default)


@dataclass(frozen=True)
class Fact:
    """One sourced edge of the graph: producer share, commodity link or exposure."""

    subject: str
    relation: str
    object: str
    weight: float
    why: str
    source: str
    as_of: str
    year: str = ""
    metric: str = ""


@dataclass(frozen=True)
class Effect:
    event: str  # event slug without "event:"
    target: str  # group id or role
    direction: str
    weight: float
    why: str


@dataclass(frozen=True)
class CustomGroup:
    """A user's named basket of companies (groups_custom*.csv): `custom:my-uranium-basket`."""

    id: str
    name: str
    members: tuple[str, ...]  # company ids, in the order the user listed their tickers
    source: str
    as_of: str


@dataclass
class KB:
    """The loaded knowledge base: entities, graph edges, context cues and event rules."""

    entities: dict[str, EntityInfo]
    producers_by_country: dict[str, list[Fact]]  # "country:KZ" -> commodity shares
    producers_by_commodity: dict[str, list[Fact]]
    links_by_commodity: dict[str, list[Fact]]  # commodity -> industries (producer/consumer)
    exposures_by_subject: dict[str, list[Fact]]
    exposures_by_object: dict[str, list[Fact]]
    companies_by_industry: dict[str, list[str]]
    companies_by_country: dict[str, list[str]]
    contexts: dict[str, tuple[frozenset[str], frozenset[str]]]  # id or "kind:*" -> (+, -)
    event_rows: list[dict[str, str]]
    effects: dict[str, list[Effect]]
    ticker_index: dict[str, str]  # ticker or alias ticker -> company id
    version: str
    files: tuple[str, ...] = ()
    custom_groups: dict[str, CustomGroup] = field(default_factory=dict)
    # Automata the analysis builds from this KB, cached here by name on first use
    # (analysis/link.py, analysis/events.py): the KB itself stays data.
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    _event_info: dict | None = field(default=None, repr=False)

    def name(self, entity_id: str) -> str:
        info = self.entities.get(entity_id)
        return info.name if info else entity_id

    @property
    def event_categories(self) -> dict[str, tuple[str, str]]:
        """Event slug -> (category, scope): scope "country" (hits a whole country's output)
        or "local" (one site or region; the default)."""
        if self._event_info is None:
            self._event_info = {row["id"].split(":", 1)[1]: (row.get("category", ""), row.get("scope") or "local")
                                for row in self.event_rows}
        return self._event_info

    def stats(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for info in self.entities.values():
            counts[info.kind] += 1
        counts["producer_shares"] = sum(len(v) for v in self.producers_by_commodity.values())
        counts["exposures"] = sum(len(v) for v in self.exposures_by_subject.values())
        counts["event_types"] = len(self.event_rows)
        counts["company_countries"] = len(self.companies_by_country)
        counts["custom_groups"] = len(self.custom_groups)
        return dict(counts)


def split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


class _Problems:
    """Collects validation problems; load_kb raises them together, one per line."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _read_csv(path: Path, problems: _Problems) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = []
            for n, row in enumerate(reader, start=2):  # n: the row's number, the header is 1
                if None in row:
                    problems.add(f"{path.name}:{n}", "more cells than the header has columns")
                rows.append((n, {k: (v or "").strip() for k, v in row.items() if k}))
            columns = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.add(path.name, f"cannot read: {exc}")
        return []
    spec = schema.file_schema(path.stem)
    required = spec.required_columns if spec else ("source", "as_of")
    missing = [c for c in required if c not in columns]
    if missing:
        problems.add(path.name, f"missing columns: {', '.join(missing)}")
        return []
    return rows


def _prefix(path: Path) -> str:
    spec = schema.file_schema(path.stem)
    return spec.prefix if spec else path.stem


def kb_files(dirs: Iterable[Path]) -> dict[str, list[Path]]:
    """The CSV files of each kind, in name order, shipped directory first."""
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for d in dirs:
        for path in sorted(Path(d).glob("*.csv")):
            by_kind[_prefix(path)].append(path)
    return by_kind


def content_version(dirs: Iterable[Path]) -> str:
    """A hash of the KB's content: the shipped folder's files (any vocabulary file beside the
    CSVs too) and each user folder's CSV files, by name and bytes, folders in load order. Where
    the folders are does not count: the same files in two places hash the same."""
    digest = hashlib.sha256()
    for number, d in enumerate(dirs):
        pattern = "*" if Path(d).resolve() == DATA_DIR.resolve() else "*.csv"
        for path in sorted(p for p in Path(d).glob(pattern) if p.is_file() and not p.name.startswith(".")):
            data = path.read_bytes()
            digest.update(f"{number}/{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()[:12]


def check_cell(column: schema.Column, value: str, where: str, problems: _Problems) -> bool:
    """Check one cell against its column's type; add a problem and return False if bad."""
    name = column.name
    if not value:
        if column.required:
            problems.add(where, f"no {name}")
            return False
        return True
    kind = column.type
    bad = ""
    if kind == "enum" and value not in column.choices:
        bad = f"{name} {value!r} is not one of {', '.join(column.choices)}"
    elif kind in ("weight", "number"):
        try:
            number = float(value)
        except ValueError:
            bad = f"{name} {value!r} is not a number"
        else:
            if kind == "weight" and not 0.0 <= number <= 1.0:
                bad = f"{name} {number} is outside 0..1"
    elif kind == "id" and not schema.ID_RE.match(value):
        bad = f"{name} {value!r} is not of the form kind:slug"
    elif kind == "iso2" and not schema.ISO2_RE.match(value.removeprefix("country:")):
        bad = f"{name} {value!r} is not an ISO 3166 alpha-2 code"
    elif kind == "iso2-list":
        wrong = [v for v in split_list(value) if not schema.ISO2_RE.match(v)]
        if wrong:
            bad = f"{name} {wrong[0]!r} is not an ISO 3166 alpha-2 code"
    elif kind == "year" and not schema.YEAR_RE.match(value):
        bad = f"{name} {value!r} is not a year YYYY"
    elif kind == "date" and not schema.AS_OF_RE.match(value):
        bad = f"{name} {value!r} is not YYYY or YYYY-MM-DD"
    elif kind == "cues":
        bad = _cue_problem(name, split_list(value), two_parts=name == "cues")
    if bad:
        problems.add(where, bad)
        return False
    return True


def _cue_problem(name: str, cues: tuple[str, ...], two_parts: bool) -> str:
    for cue in cues:
        if cue != cue.lower():
            return f"{name}: cue {cue!r} is not lower case"
        parts = cue.split(schema.PAIR_SEPARATOR)
        if len(parts) > 2 or not all(part.strip() for part in parts):
            return f"{name}: cue {cue!r} needs one 'left ~ right' split"
        if len(parts) == 2 and not two_parts:
            return f"{name}: cue {cue!r} cannot have two parts"
    if two_parts and not cues:
        return f"no {name}"
    return ""


def _check_row(spec: schema.FileSchema | None, row: dict[str, str], where: str, problems: _Problems) -> bool:
    """Every cell of a row against the file's schema; False if any is bad."""
    if spec is None:
        return check_cell(schema.SOURCE, row.get("source", ""), where, problems) & \
            check_cell(schema.AS_OF, row.get("as_of", ""), where, problems)
    ok = True
    for column in _CHECKED[spec.prefix]:
        value = row.get(column.name, "")
        if value or column.required:
            ok &= check_cell(column, value, where, problems)
    return ok


# Per file, the columns whose cells can be wrong (free text that may be empty cannot).
_CHECKED = {spec.prefix: tuple(c for c in spec.columns if c.required or c.type not in ("text", "ref", "list"))
            for spec in schema.FILES}


def load_kb(extra_dirs: Iterable[Path | str] = (), data_dir: Path | str = DATA_DIR) -> KB:
    """Load and validate the shipped KB plus any user directories (later rows override)."""
    dirs = [Path(data_dir), *(Path(d) for d in extra_dirs)]
    files = kb_files(dirs)
    problems = _Problems()
    all_paths = [p for d in dirs for p in sorted(d.glob("*.csv"))]

    entities: dict[str, EntityInfo] = {}
    origin: dict[str, str] = {}
    raw: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    bad_rows: set[str] = set()
    shipped = Path(data_dir).resolve()
    for prefix, paths in files.items():
        for path in paths:
            spec = schema.file_schema(path.stem)
            if spec is None and path.parent.resolve() != shipped:
                # a user's misnamed file would otherwise be read and silently ignored
                problems.add(path.name, "not a KB file: its name must start with one of "
                             + ", ".join(sorted(schema.BY_PREFIX)))
                continue
            for line, row in _read_csv(path, problems):
                where = f"{path.name}:{line}"
                if not _check_row(spec, row, where, problems):
                    bad_rows.add(where)
                raw[prefix].append((where, row))

    for kind, prefix in ENTITY_FILES.items():
        for where, row in raw.get(prefix, []):
            if where in bad_rows:
                continue
            info = _entity(kind, row, where, problems)
            if info is None:
                continue
            if info.id in entities and origin[info.id].split(":")[0] == where.split(":")[0]:
                problems.add(where, f"duplicate id {info.id} (first at {origin[info.id]})")
            entities[info.id] = info  # a later directory overrides the shipped row
            origin[info.id] = where

    # Fill in derived fields now that every entity is known.
    for eid, info in list(entities.items()):
        if info.kind == "company" and info.industry:
            sector = entities.get(info.industry)
            entities[eid] = _with(info, sector=sector.sector if sector else "")

    def check_ref(where: str, ref: str, kinds: tuple[str, ...]) -> bool:
        if not ref:
            return False
        info = entities.get(ref)
        if info is None or info.kind not in kinds:
            problems.add(where, f"unknown {'/'.join(kinds)} {ref!r}")
            return False
        return True

    for eid, info in entities.items():
        where = origin[eid]
        if info.kind == "industry":
            check_ref(where, info.sector, ("sector",))
        elif info.kind == "company":
            check_ref(where, info.industry, ("industry",))
            for other in split_list(info.get("secondary_industries")):
                check_ref(where, other, ("industry",))
            check_ref(where, _cid(info.country), ("country",))
        elif info.kind == "place":
            check_ref(where, _cid(info.country), ("country",))
        elif info.kind == "org":
            for code in (info.country, info.leader, *info.members):
                if code:
                    check_ref(where, _cid(code), ("country",))
        elif info.kind == "person":
            if info.country:
                check_ref(where, _cid(info.country), ("country",))
            for col, kinds in (("org", ("org",)), ("company", ("company",))):
                if info.get(col):
                    check_ref(where, info.get(col), kinds)
        elif info.kind == "commodity":
            check_ref(where, info.get("producer_industry"), ("industry",))
        lowered = {a.lower() for a in info.aliases}
        for amb in info.ambiguous:
            if amb.lower() not in lowered:
                problems.add(where, f"ambiguous alias {amb!r} is not an alias of {eid}")

    producers_by_country: dict[str, list[Fact]] = defaultdict(list)
    producers_by_commodity: dict[str, list[Fact]] = defaultdict(list)
    for where, row in raw.get("producers", []):
        commodity, country = row["commodity"], _cid(row["country"])
        ok = check_ref(where, commodity, ("commodity",)) & check_ref(where, country, ("country",))
        if not ok or where in bad_rows:
            continue
        fact = Fact(country, "produces", commodity, float(row["share"]), row.get("why", ""), row["source"],
                    row["as_of"], year=row.get("year", ""), metric=row.get("metric") or "production")
        producers_by_country[country].append(fact)
        producers_by_commodity[commodity].append(fact)
    for commodity, facts in producers_by_commodity.items():
        by_metric: dict[str, float] = defaultdict(float)
        for f in facts:
            by_metric[f.metric] += f.weight
        for metric, total in by_metric.items():
            if total > 1.0001:
                problems.add("producers", f"{commodity} {metric} shares add up to {total:.2f} > 1")

    links: dict[str, list[Fact]] = defaultdict(list)
    for where, row in raw.get("commodity_links", []):
        ok = check_ref(where, row["commodity"], ("commodity",)) & check_ref(where, row["industry"], ("industry",))
        if ok and where not in bad_rows:
            links[row["commodity"]].append(Fact(row["commodity"], row["relation"], row["industry"],
                                                float(row["weight"]), row["why"], row["source"], row["as_of"]))

    by_subject: dict[str, list[Fact]] = defaultdict(list)
    by_object: dict[str, list[Fact]] = defaultdict(list)
    for where, row in raw.get("exposures", []):
        subject, obj = row["subject"], row["object"]
        ok = subject in entities and obj in entities
        if subject not in entities:
            problems.add(where, f"unknown subject {subject!r}")
        if obj not in entities:
            problems.add(where, f"unknown object {obj!r}")
        if ok and where not in bad_rows:
            fact = Fact(subject, row["relation"], obj, float(row["weight"]), row["why"], row["source"], row["as_of"])
            by_subject[subject].append(fact)
            by_object[obj].append(fact)

    contexts_raw: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    kinds = set(ENTITY_FILES)
    for where, row in raw.get("contexts", []):
        if where in bad_rows:
            continue
        entity = row["entity"]
        if entity.endswith(":*"):
            if entity[:-2] not in kinds:
                problems.add(where, f"unknown kind {entity!r}")
                continue
        elif entity not in entities:
            problems.add(where, f"unknown entity {entity!r}")
            continue
        contexts_raw[entity][0 if row["polarity"] == "+" else 1].add(row["cue"].lower())
    contexts = {k: (frozenset(p), frozenset(n)) for k, (p, n) in contexts_raw.items()}

    events_by_id: dict[str, dict[str, str]] = {}
    event_origin: dict[str, str] = {}
    for where, row in raw.get("events", []):
        event_id = row["id"]
        if event_id and not schema.EVENT_ID_RE.match(event_id):
            problems.add(where, f"id {event_id!r} is not of the form event:lower-case-slug")
            continue
        if where in bad_rows:
            continue
        if event_id in event_origin and event_origin[event_id].split(":")[0] == where.split(":")[0]:
            problems.add(where, f"duplicate id {event_id} (first at {event_origin[event_id]})")
            continue
        events_by_id[event_id] = row  # a later directory's row replaces the shipped one
        event_origin[event_id] = where
    event_rows = list(events_by_id.values())
    effects: dict[str, list[Effect]] = defaultdict(list)
    for where, row in raw.get("event_effects", []):
        event, target = row["event"], row["target"]
        if event and event not in events_by_id:
            problems.add(where, f"unknown event {event!r}")
            continue
        if target and target not in ROLES and target not in entities:
            problems.add(where, f"target {target!r} is neither a role nor a known group")
            continue
        if where in bad_rows:
            continue
        if row["direction"] == "shock" and target not in schema.COMMODITY_TARGETS and \
                not target.startswith("commodity:"):
            problems.add(where, f"direction shock needs a commodity target, not {target!r}")
            continue
        slug = event.split(":", 1)[1]
        effects[slug].append(Effect(slug, target, row["direction"], float(row["weight"]), row.get("why", "")))

    custom_groups = _custom_groups(raw.get("groups_custom", []), entities, problems)

    if problems.items:
        shown = problems.items[:20]
        more = len(problems.items) - len(shown)
        raise KBError("knowledge base invalid: " + "; ".join(shown) + (f"; and {more} more" if more else ""))

    companies_by_industry: dict[str, list[str]] = defaultdict(list)
    companies_by_country: dict[str, list[str]] = defaultdict(list)
    ticker_index: dict[str, str] = {}
    for eid, info in entities.items():
        if info.kind != "company":
            continue
        companies_by_industry[info.industry].append(eid)
        companies_by_country[_cid(info.country)].append(eid)
        ticker_index[info.ticker.upper()] = eid
    for eid, info in entities.items():
        if info.kind == "company":
            for alias in info.aliases:
                if _looks_like_ticker(alias):
                    ticker_index.setdefault(alias.upper(), eid)

    return KB(
        entities=entities,
        producers_by_country=dict(producers_by_country),
        producers_by_commodity=dict(producers_by_commodity),
        links_by_commodity=dict(links),
        exposures_by_subject=dict(by_subject),
        exposures_by_object=dict(by_object),
        companies_by_industry=dict(companies_by_industry),
        companies_by_country=dict(companies_by_country),
        contexts=contexts,
        event_rows=event_rows,
        effects=dict(effects),
        ticker_index=ticker_index,
        version=content_version(dirs),
        files=tuple(p.name for p in all_paths),
        custom_groups=custom_groups,
    )


def _custom_groups(rows: list[tuple[str, dict[str, str]]], entities: dict[str, EntityInfo],
                   problems: _Problems) -> dict[str, CustomGroup]:
    """Baskets of tickers; every ticker must name a known company (its ticker or an alias
    ticker). A later file's basket with the same id replaces the earlier one."""
    by_ticker: dict[str, str] = {}
    for eid, info in entities.items():
        if info.kind == "company":
            by_ticker.setdefault(info.ticker.upper(), eid)
    for eid, info in entities.items():
        if info.kind == "company":
            for alias in info.aliases:
                if _looks_like_ticker(alias):
                    by_ticker.setdefault(alias.upper(), eid)
    groups: dict[str, CustomGroup] = {}
    for where, row in rows:
        gid = row["id"]
        if not CUSTOM_ID_RE.match(gid):
            problems.add(where, f"id {gid!r} is not of the form custom:lower-case-slug")
            continue
        tickers = split_list(row["tickers"])
        if not tickers:
            problems.add(where, "no tickers")
            continue
        members = []
        for t in tickers:
            eid = by_ticker.get(t.upper()) or (t if t in entities and t.startswith("company:") else "")
            if not eid:
                problems.add(where, f"unknown ticker {t!r}")
            elif eid not in members:
                members.append(eid)
        groups[gid] = CustomGroup(gid, row["name"] or gid, tuple(members), row.get("source", ""),
                                  row.get("as_of", ""))
    return groups


TICKER_ALIAS_RE = re.compile(r"^[A-Z0-9]{1,6}([.\-][A-Z0-9]{1,4})?$")


def _looks_like_ticker(alias: str) -> bool:
    return bool(TICKER_ALIAS_RE.match(alias)) and any(c.isalpha() for c in alias)


def _cid(code: str) -> str:
    code = (code or "").strip()
    if not code:
        return ""
    return code if code.startswith("country:") else f"country:{code.upper()}"


def _with(info: EntityInfo, **changes: object) -> EntityInfo:
    return dataclasses.replace(info, **changes)


_ENTITY_COLUMNS = {"id", "name", "aliases", "ambiguous", "source", "as_of", "country", "industry",
                   "sector", "ticker", "leader", "members", "demonyms", "code"}


def _entity(kind: str, row: dict[str, str], where: str, problems: _Problems) -> EntityInfo | None:
    eid = row.get("id", "")
    if not eid.startswith(kind + ":"):
        problems.add(where, f"id {eid!r} is not of the form {kind}:slug")
        return None
    name = row.get("name", "")
    aliases = [name, *split_list(row.get("aliases"))]
    demonyms = split_list(row.get("demonyms"))
    aliases.extend(demonyms)
    if kind == "company":
        aliases.append(row.get("ticker", ""))
    seen: set[str] = set()
    unique = []
    for a in aliases:
        if a and a.lower() not in seen:
            seen.add(a.lower())
            unique.append(a)
    country = row.get("country", "") or (row.get("code", "") if kind == "country" else "")
    extra = tuple((k, v) for k, v in row.items() if k not in _ENTITY_COLUMNS and v)
    return EntityInfo(
        id=eid, kind=kind, name=name, aliases=tuple(unique),
        ambiguous=frozenset(split_list(row.get("ambiguous"))),
        country=country.upper(), industry=row.get("industry", ""), sector=row.get("sector", ""),
        ticker=row.get("ticker", ""), leader=row.get("leader", "").upper(),
        members=tuple(m.upper() for m in split_list(row.get("members"))),
        demonyms=demonyms, extra=extra,
    )


_DEFAULT: KB | None = None


def default_kb() -> KB:
    """The shipped knowledge base, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_kb()
    return _DEFAULT
