"""kb/schema.py is the one definition: the data files, the docs and the event stage follow it."""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from stockgroups.analysis import events
from stockgroups.kb import schema
from stockgroups.kb.load import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("gen_kb_schema_doc", ROOT / "tools" / "gen_kb_schema_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_kb_schema_md_is_the_generated_text() -> None:
    tool = _tool()
    text = (ROOT / "docs" / "kb-schema.md").read_text(encoding="utf-8")
    assert tool.render() in text, "docs/kb-schema.md is out of date: run tools/gen_kb_schema_doc.py"
    for spec in schema.FILES:
        assert f"### {spec.prefix}*.csv" in text
    for role in schema.ROLES:
        assert f"`{role}`" in text


def test_every_shipped_file_has_a_schema_and_its_columns() -> None:
    problems = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        spec = schema.file_schema(path.stem)
        if spec is None:
            problems.append(f"{path.name}: no schema in kb/schema.py")
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        known = {c.name for c in spec.columns}
        missing = [c for c in spec.required_columns if c not in header]
        unknown = [c for c in header if c not in known]
        if missing or unknown:
            problems.append(f"{path.name}: missing {missing}, not in the schema {unknown}")
    assert not problems, "\n".join(problems)


def test_the_event_stage_uses_the_schemas_lists() -> None:
    assert events.CATEGORIES is schema.EVENT_CATEGORIES and events.SHOCKS is schema.SHOCKS
    assert events.EFFECT_ROLES is schema.ROLES and events.SCOPES is schema.EVENT_SCOPES
    assert events.PAIR_SEPARATOR == schema.PAIR_SEPARATOR


def test_file_schema_takes_the_longest_prefix() -> None:
    assert schema.file_schema("event_effects_user").prefix == "event_effects"
    assert schema.file_schema("events").prefix == "events"
    assert schema.file_schema("companies_world").prefix == "companies"
    assert schema.file_schema("recipes") is None


def test_a_role_table_must_cover_exactly_the_schemas_roles() -> None:
    schema.check_role_table({role: None for role in schema.ROLES})
    with pytest.raises(RuntimeError, match=r"missing \['peers'\], not roles \['friends'\]"):
        schema.check_role_table([r for r in schema.ROLES if r != "peers"] + ["friends"])
