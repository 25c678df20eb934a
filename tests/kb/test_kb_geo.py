"""Checks on the geography, organisation and people files of the knowledge base.

Reads the CSVs with the csv module only, so the data is checked even before (or
without) the KB loader.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "stockgroups" / "kb" / "data"
ENTITY_FILES = ["countries.csv", "places.csv", "places_indices.csv", "orgs.csv", "people.csv"]
ALL_FILES = ENTITY_FILES + ["exposures_places.csv", "contexts_geo.csv"]
AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PLACE_KINDS = {"city", "region", "field", "mine", "port", "waterway", "facility"}
ORG_KINDS = {"alliance", "cartel", "central-bank", "regulator", "union", "agency",
             "government-body", "exchange", "court", "ngo"}


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split(cell: str) -> list[str]:
    return [x for x in (cell or "").split("|") if x]


@pytest.fixture(scope="module")
def countries() -> list[dict]:
    return rows("countries.csv")


@pytest.fixture(scope="module")
def codes(countries) -> set[str]:
    return {r["code"] for r in countries}


@pytest.fixture(scope="module")
def entities() -> dict[str, dict]:
    out = {}
    for name in ENTITY_FILES:
        for r in rows(name):
            out[r["id"]] = r
    return out


def test_all_iso_countries_present(countries):
    pycountry = pytest.importorskip("pycountry")
    iso = {c.alpha_2 for c in pycountry.countries}
    ids = [r["id"] for r in countries]
    assert len(ids) == 249 == len(set(ids))
    for r in countries:
        assert r["id"] == f"country:{r['code']}"
        assert r["code"] in iso
    assert {r["code"] for r in countries} == iso


@pytest.mark.parametrize("code,name", [("RU", "Russia"), ("IR", "Iran"), ("KR", "South Korea"),
                                       ("KP", "North Korea"), ("VN", "Vietnam"), ("TW", "Taiwan"),
                                       ("US", "United States"), ("GB", "United Kingdom"),
                                       ("KZ", "Kazakhstan"), ("TR", "Turkey")])
def test_countries_go_by_the_names_journalists_use(countries, code, name):
    assert {r["code"]: r["name"] for r in countries}[code] == name


def test_ids_unique_across_files():
    seen: set[str] = set()
    for name in ENTITY_FILES:
        for r in rows(name):
            assert r["id"] not in seen, f"{r['id']} repeated ({name})"
            seen.add(r["id"])


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_row_sourced_and_dated(name):
    for r in rows(name):
        assert r["source"].strip(), f"{name}: {r} has no source"
        assert AS_OF.match(r["as_of"]), f"{name}: bad as_of {r['as_of']!r}"


def test_country_codes_referenced_exist(codes):
    for r in rows("places.csv"):
        assert r["country"] == "" or r["country"] in codes, r["id"]
        assert r["kind"] in PLACE_KINDS, r["id"]
    for r in rows("orgs.csv"):
        assert r["kind"] in ORG_KINDS, r["id"]
        for c in [r["country"], r["leader"], *split(r["members"])]:
            assert c == "" or c in codes, (r["id"], c)
    for r in rows("people.csv"):
        assert r["country"] == "" or r["country"] in codes, r["id"]


def test_people_orgs_exist(entities):
    for r in rows("people.csv"):
        assert r["org"] == "" or r["org"] in entities, (r["id"], r["org"])
        assert r["company"] == "" or r["company"].startswith("company:"), r["id"]


@pytest.mark.parametrize("name,code", [("Mangystau", "KZ"), ("Aktau", "KZ"), ("Almaty", "KZ"),
                                       ("Tengiz", "KZ"), ("Astana", "KZ")])
def test_the_seed_storys_places_are_in_their_country(name, code):
    match = [r for r in rows("places.csv")
             if name == r["name"] or name in split(r["aliases"])]
    assert match and all(r["country"] == code for r in match), name


def test_the_seed_storys_people_and_orgs_are_in_the_kb(entities):
    for pid in ["person:kassym-jomart-tokayev", "person:nursultan-nazarbayev",
                "person:jen-psaki", "org:white-house", "org:bbc", "org:csto"]:
        assert pid in entities, pid


def test_csto_led_by_russia():
    csto = {r["id"]: r for r in rows("orgs.csv")}["org:csto"]
    assert csto["leader"] == "RU"
    assert {"RU", "KZ", "AM", "TJ", "KG", "BY"} <= set(split(csto["members"]))


def test_ambiguous_aliases_belong_to_their_row():
    for name in ENTITY_FILES:
        for r in rows(name):
            names = {r["name"], *split(r["aliases"]), *split(r.get("demonyms", ""))}
            for a in split(r["ambiguous"]):
                assert a in names, f"{r['id']}: ambiguous {a!r} is not one of its names"


def test_aliases_do_not_repeat_the_name():
    for name in ENTITY_FILES:
        for r in rows(name):
            assert r["name"].strip(), r["id"]
            assert "" not in (r["aliases"] or "x").split("|"), r["id"]


def test_contexts_refer_to_entities(entities):
    for r in rows("contexts_geo.csv"):
        assert r["entity"] in entities, r["entity"]
        assert r["polarity"] in {"+", "-"}
        assert r["cue"] == r["cue"].lower() and r["cue"].strip()


def test_place_exposures_tie_known_places_to_known_commodities(entities):
    commodities = {r["id"] for r in rows("commodities.csv")} \
        if (DATA / "commodities.csv").exists() else None
    for r in rows("exposures_places.csv"):
        assert r["subject"] in entities, r["subject"]
        assert r["relation"] in {"produces", "supplier-to"}, r
        assert r["object"].startswith("commodity:")
        if commodities:
            assert r["object"] in commodities, r["object"]
        assert 0 <= float(r["weight"]) <= 1
        assert r["why"].strip()
