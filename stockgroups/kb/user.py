"""Users' own companies, exposures and baskets: `stockgroups kb import FILE.csv`.

The shipped files are never touched. Imported rows go to the user's KB folder
(settings.user_kb_dir()) as companies_user.csv, exposures_user.csv and groups_custom.csv,
which load_kb reads over the shipped ones (a user row with a shipped id overrides it).
A file is checked row by row, then the whole KB is loaded from a temporary copy of the
user folder with the new rows in it; only when both pass are the files replaced, so a
bad file changes nothing.
"""
from __future__ import annotations

import csv
import datetime as _dt
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stockgroups.errors import KBError
from stockgroups.kb.load import (
    CUSTOM_ID_RE,
    DATA_DIR,
    EXPOSURE_RELATIONS,
    KB,
    load_kb,
    split_list,
)

COMPANIES_FILE = "companies_user.csv"
EXPOSURES_FILE = "exposures_user.csv"
GROUPS_FILE = "groups_custom.csv"
COLUMNS_COMPANIES = ("id", "ticker", "name", "aliases", "industry", "country", "exchange",
                     "ambiguous", "source", "as_of")
EXPOSURE_COLUMNS = ("subject", "relation", "object", "weight", "why", "source", "as_of")
GROUP_COLUMNS = ("id", "name", "tickers", "source", "as_of")


@dataclass(frozen=True)
class ImportResult:
    companies: int  # rows added or replaced
    exposures: int
    groups: int
    folder: Path
    kb_version: str


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [(n, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k})
                    for n, row in enumerate(reader, start=2)]
            return [c.strip().lower() for c in reader.fieldnames or []], rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise KBError(f"{path.name}: cannot read: {exc}") from None


def _existing(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, columns: Iterable[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _merge(old: list[dict[str, str]], new: list[dict[str, str]], key: tuple[str, ...]) -> list[dict[str, str]]:
    """Old rows with the same key as a new row are replaced; order kept, new ones last."""
    fresh = {tuple(r[k] for k in key): r for r in new}
    out = [fresh.pop(tuple(r.get(k, "") for k in key), r) for r in old]
    return out + list(fresh.values())


def _company_rows(rows, base: KB, where: str, source: str, as_of: str):
    companies, exposures = [], []
    for line, row in rows:
        at = f"{where}:{line}"
        ticker = row.get("ticker", "").upper()
        if not ticker:
            raise KBError(f"{at}: no ticker")
        known = base.entities.get(base.ticker_index.get(ticker, ""))
        industry = row.get("industry", "")
        if industry and not industry.startswith("industry:"):
            industry = "industry:" + industry.lower().replace(" ", "-")
        industry = industry or (known.industry if known else "")
        if not industry or base.entities.get(industry, None) is None or not industry.startswith("industry:"):
            raise KBError(f"{at}: unknown industry {row.get('industry', '')!r} (see `stockgroups kb search industry:`)")
        country = (row.get("country", "") or (known.country if known else "")).upper().removeprefix("COUNTRY:")
        if f"country:{country}" not in base.entities:
            raise KBError(f"{at}: unknown country {row.get('country', '')!r} (ISO 3166 alpha-2, e.g. KZ)")
        name = row.get("name", "") or (known.name if known else "")
        if not name:
            raise KBError(f"{at}: no name")
        cid = known.id if known else f"company:{ticker}"
        aliases = split_list(row.get("aliases"))
        if known:  # an override keeps the shipped names unless the user gives others
            aliases = aliases or tuple(a for a in known.aliases if a not in (known.name, known.ticker))
        companies.append({
            "id": cid, "ticker": known.ticker if known else ticker, "name": name,
            "aliases": "|".join(aliases), "industry": industry, "country": country,
            "exchange": row.get("exchange", "") or (known.get("exchange") if known else ""),
            "ambiguous": row.get("ambiguous", "") or ("|".join(sorted(known.ambiguous)) if known else ""),
            "source": row.get("source", "") or source, "as_of": row.get("as_of", "") or as_of,
        })
        for item in split_list(row.get("exposures")):
            parts = item.split()
            if len(parts) not in (2, 3):
                raise KBError(f"{at}: exposure {item!r} is not 'relation object [weight]'")
            relation, obj = parts[0], parts[1]
            if relation not in EXPOSURE_RELATIONS:
                raise KBError(f"{at}: exposure relation {relation!r} is not one of {sorted(EXPOSURE_RELATIONS)}")
            try:
                weight = float(parts[2]) if len(parts) == 3 else 0.5
            except ValueError:
                raise KBError(f"{at}: exposure weight {parts[2]!r} is not a number") from None
            if not 0.0 <= weight <= 1.0:
                raise KBError(f"{at}: exposure weight {weight} is outside 0..1")
            exposures.append({"subject": cid, "relation": relation, "object": obj, "weight": str(weight),
                              "why": f"{name} {relation} {obj} (user import)",
                              "source": row.get("source", "") or source, "as_of": row.get("as_of", "") or as_of})
    return companies, exposures


def _group_rows(rows, where: str, source: str, as_of: str):
    groups = []
    for line, row in rows:
        at = f"{where}:{line}"
        gid = row.get("id", "")
        if gid and not gid.startswith("custom:"):
            gid = "custom:" + gid
        if not CUSTOM_ID_RE.match(gid):
            raise KBError(f"{at}: id {row.get('id', '')!r} is not a lower-case slug like custom:my-uranium-basket")
        tickers = [t.upper() for t in split_list(row.get("tickers"))]
        if not tickers:
            raise KBError(f"{at}: no tickers")
        groups.append({"id": gid, "name": row.get("name", "") or gid.split(":", 1)[1],
                       "tickers": "|".join(tickers), "source": row.get("source", "") or source,
                       "as_of": row.get("as_of", "") or as_of, "_line": at})
    return groups


def import_file(path: Path | str, user_dir: Path, other_dirs: Iterable[Path | str] = (),
                data_dir: Path = DATA_DIR, today: str | None = None) -> ImportResult:
    """Validate a user CSV and merge it into user_dir; raise KBError (one line) if bad.

    A file with a `tickers` column holds baskets (id,name,tickers); one with a `ticker`
    column holds companies (ticker,name,aliases,industry,country,exchange,exposures)."""
    try:
        return _import(Path(path), Path(user_dir), other_dirs, data_dir, today)
    except KBError as exc:
        raise KBError(f"refused, nothing imported: {exc}") from None


def _import(path: Path, user_dir: Path, other_dirs: Iterable[Path | str], data_dir: Path,
            today: str | None) -> ImportResult:
    where = path.name
    as_of = today or _dt.date.today().isoformat()
    source = f"user import of {path.name}"
    columns, rows = _read(path)
    if not rows:
        raise KBError(f"{where}: no rows")
    other = [Path(d) for d in other_dirs if Path(d).resolve() != Path(user_dir).resolve()]
    base = load_kb(extra_dirs=[*other, user_dir], data_dir=data_dir)
    companies: list[dict[str, str]] = []
    exposures: list[dict[str, str]] = []
    groups: list[dict[str, str]] = []
    if "tickers" in columns:
        groups = _group_rows(rows, where, source, as_of)
    elif "ticker" in columns:
        companies, exposures = _company_rows(rows, base, where, source, as_of)
    else:
        raise KBError(f"{where}:1: need a 'ticker' column (companies) or 'tickers' column (baskets)")

    with tempfile.TemporaryDirectory(prefix="stockgroups-kb-") as tmp:
        staged = Path(tmp) / "kb"
        if user_dir.exists():
            shutil.copytree(user_dir, staged)
        else:
            staged.mkdir(parents=True)
        if companies:
            _write(staged / COMPANIES_FILE, COLUMNS_COMPANIES,
                   _merge(_existing(staged / COMPANIES_FILE), companies, ("id",)))
        if exposures:
            _write(staged / EXPOSURES_FILE, EXPOSURE_COLUMNS,
                   _merge(_existing(staged / EXPOSURES_FILE), exposures, ("subject", "relation", "object")))
        if groups:
            lines = {g["id"]: g.pop("_line") for g in groups}
            _write(staged / GROUPS_FILE, GROUP_COLUMNS, _merge(_existing(staged / GROUPS_FILE), groups, ("id",)))
        try:
            checked = load_kb(extra_dirs=[*other, staged], data_dir=data_dir)
        except KBError as exc:
            message = str(exc).removeprefix("knowledge base invalid: ").split("; ")[0]
            if groups:  # point at the user's own line, not the merged file's
                message = _locate(message, lines, staged / GROUPS_FILE)
            raise KBError(message) from None
        user_dir.mkdir(parents=True, exist_ok=True)
        for name in (COMPANIES_FILE, EXPOSURES_FILE, GROUPS_FILE):
            src = staged / name
            if src.exists() and ((name == COMPANIES_FILE and companies) or (name == EXPOSURES_FILE and exposures)
                                 or (name == GROUPS_FILE and groups)):
                part = user_dir / (name + ".part")
                shutil.copyfile(src, part)
                os.replace(part, user_dir / name)
    return ImportResult(len(companies), len(exposures), len(groups), user_dir, checked.version)


def _locate(message: str, lines: dict[str, str], merged: Path) -> str:
    """'groups_custom.csv:3: unknown ticker' -> the user's 'FILE.csv:LINE: unknown ticker'."""
    prefix = merged.name + ":"
    if not message.startswith(prefix):
        return message
    try:
        line_no = int(message[len(prefix):].split(":", 1)[0])
        rows = _existing(merged)
        gid = rows[line_no - 2]["id"]
    except (ValueError, IndexError, KeyError):
        return message
    return f"{lines.get(gid, merged.name)}:{message.split(':', 2)[2]}" if gid in lines else message
