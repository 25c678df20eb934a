"""The noise-cleaning and mapping rules of tools/import_securities.py, on hand-made rows."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import import_securities as imp  # noqa: E402

from stockgroups.kb.load import load_kb  # noqa: E402

TAXONOMY_INDUSTRIES = {i for i, info in load_kb().entities.items() if info.kind == "industry"}
# Zipf frequencies standing in for wordfreq, so the tests run without it.
FREQ = {"target": 4.8, "orange": 4.6, "shell": 4.4, "legal": 4.9, "general": 5.2, "sky": 4.7,
        "toyota": 3.95, "glencore": 2.1, "lattice": 3.4, "compass": 3.7, "smart": 4.8,
        "energy": 5.0, "national": 5.3, "bank": 5.0, "motor": 4.0, "pinterest": 3.5}
ABROAD = {"target": 3.2, "orange": 4.6, "shell": 3.5, "toyota": 3.7, "lattice": 1.7,
          "compass": 2.7, "pinterest": 3.2, "sky": 4.2, "smart": 4.1}


def zipf(w: str) -> float:
    return FREQ.get(w, 1.0)


def abroad(w: str) -> float:
    return ABROAD.get(w, 0.0)


def listing(symbol, name, exchange, country, size=1, isin="", figi="", industry="Banks"):
    return imp.Listing(symbol, name, exchange, country, size, "", industry, "", isin, figi)


@pytest.mark.parametrize("table", [imp.FD_INDUSTRY_MAP, imp.US_INDUSTRY_MAP, imp.TICKER_INDUSTRY_OVERRIDES])
def test_every_mapping_target_is_a_taxonomy_industry_or_a_rule(table):
    for label, target in table.items():
        if target.startswith("rule:"):
            assert target[5:] in imp.RULES, label
        else:
            assert target in TAXONOMY_INDUSTRIES, (label, target)


def test_rule_outcomes_are_taxonomy_industries():
    for rules in imp.RULES.values():
        for _, target in rules:
            assert target in TAXONOMY_INDUSTRIES or target == "rule:first-metal"
        assert rules[-1][0] == "", "every rule needs a default"


@pytest.mark.parametrize("label,text,want", [
    ("Banks", "", "industry:banks"),
    ("Metals & Mining", "Alamos Gold explores for gold and silver in Canada.", "industry:gold-miners"),
    ("Metals & Mining", "Fresnillo mines silver and gold in Mexico.", "industry:silver-miners"),
    ("Metals & Mining", "Produces flat steel and long products.", "industry:steel"),
    ("Metals & Mining", "A diversified miner of iron ore and coal.", "industry:coal"),
    ("Metals & Mining", "Mines iron ore in the Pilbara.", "industry:diversified-metals-mining"),
    ("Oil, Gas & Consumable Fuels", "Mines and sells uranium.", "industry:uranium"),
    ("Oil, Gas & Consumable Fuels", "Operates oil refineries and fuel stations.", "industry:oil-gas-refining-marketing"),
    ("Oil, Gas & Consumable Fuels", "Explores for and produces crude oil.", "industry:oil-gas-exploration-production"),
    ("Chemicals", "Makes potash and nitrogen fertilizers.", "industry:fertilizers-agricultural-chemicals"),
    ("Semiconductors & Semiconductor Equipment", "Lithography systems for chipmakers.", "industry:semiconductor-equipment"),
    ("Independent Power and Renewable Electricity Producers", "Wind and solar farms.", "industry:renewable-power"),
    ("", "anything", ""),  # missing sector: skipped
    ("Shell Companies", "anything", ""),  # unknown label: skipped, not guessed
])
def test_map_industry(label, text, want):
    assert imp.map_industry(label, text, imp.FD_INDUSTRY_MAP) == want


def test_us_labels_map():
    assert imp.map_industry("Major Banks", "", imp.US_INDUSTRY_MAP) == "industry:banks"
    assert imp.map_industry("Blank Checks", "", imp.US_INDUSTRY_MAP) == ""


@pytest.mark.parametrize("raw,want", [
    ("Toyota Motor Corporation", "Toyota Motor"),
    ("Shell plc ", "Shell"),
    ("Public Joint Stock Company Gazprom", "Gazprom"),
    ("Twilio Inc. Class A Common Stock", "Twilio"),
    ("STARWOOD PROPERTY TRUST INC. Starwood Property Trust", "Starwood Property Trust"),
    ("Samsung Electronics Co., Ltd.", "Samsung Electronics"),
    ("Nestle S.A.", "Nestle"),
])
def test_clean_name(raw, want):
    assert imp.clean_name(raw) == want


def test_soft_name_keeps_group():
    assert imp.soft_name("Partners Group Holding AG") == "Partners Group Holding"


@pytest.mark.parametrize("country,exchange,isin,want", [
    ("Japan", "JPX", "", "JP"),
    ("", "JPX", "", "JP"),  # missing country: from a one-country exchange
    ("Kazakhstan", "BER", "", ""),  # KAP.BE is Kansai Paint on Berlin, not Kazakh
    ("United States", "TAI", "TW0002330008", "TW"),  # exchange and ISIN agree against the cell
    ("Thailand", "SET", "", ""),  # a country we do not import
])
def test_clean_country(country, exchange, isin, want):
    assert imp.clean_country(country, exchange, isin) == want


def test_dedupe_groups_lines_by_isin_figi_and_name():
    rows = [
        listing("0857.HK", "PetroChina Co., Ltd.", "HKG", "CN", isin="CNE1000003W8"),
        listing("601857.SS", "PetroChina Co., Ltd.", "SHH", "CN", isin="CNE1000003W8"),
        listing("PC6.BE", "PetroChina Co Ltd", "BER", "CN", figi="F1"),
        listing("PC6.MU", "PETROCHINA CO LTD", "MUN", "CN", figi="F1"),
        listing("SHEL.L", "Shell plc", "LSE", "GB", isin="GB00BP6MXD84"),
    ]
    groups = imp.dedupe_listings(rows)
    assert len(groups) == 2
    china = next(g for g in groups if g[0].country == "CN")
    assert china[0].symbol == "0857.HK"  # H share first, as international stories quote it
    assert {lst.symbol for lst in china} == {"0857.HK", "601857.SS", "PC6.BE", "PC6.MU"}


def test_primary_listing_is_on_a_home_exchange():
    assert imp.is_primary_candidate(listing("SAP.DE", "SAP SE", "GER", "DE"))
    assert not imp.is_primary_candidate(listing("SAP.BE", "SAP SE", "BER", "DE"))
    assert not imp.is_primary_candidate(listing("SHEL.SA", "Shell plc", "SAO", "GB"))  # a BDR
    assert not imp.is_primary_candidate(listing("XX.L", "Big Bank 5.5% Notes 2030", "LSE", "GB"))


@pytest.mark.parametrize("alias,want", [
    ("Target", "ambiguous"),  # an English word
    ("Orange", "ambiguous"),  # very common, whatever its use abroad
    ("Toyota", "keep"),  # a brand: as frequent abroad as in English
    ("Pinterest", "keep"),
    ("Glencore", "keep"),
    ("Compass", "ambiguous"),
    ("Legal & General", "ambiguous"),  # an ordinary phrase
    ("National Bank", "generic"),  # only generic words: names no one company
    ("Energy", "generic"),
    ("BHP", "keep"),  # a distinctive acronym
    ("Co", "drop"),  # too short and not an acronym
    ("CEO", "drop"),  # an acronym everybody uses
    ("XYZ1", "drop"),  # the ticker itself
    ("Phoenix", "ambiguous"),  # a place
    ("Kazakhstan", "drop"),  # already another entity's name
])
def test_alias_verdict(alias, want):
    got = imp.alias_verdict(alias, "XYZ1", zipf, frozenset({"phoenix"}), frozenset({"kazakhstan"}), abroad)
    assert got == want


def test_short_name_only_with_generic_tail():
    assert imp.short_name("Toyota Motor") == "Toyota"
    assert imp.short_name("Hitachi Construction Machinery") == ""  # not Hitachi itself
    assert imp.short_name("China Petroleum") == ""  # generic first word
    assert imp.short_name("Rio Tinto") == ""


def test_smaller_company_with_a_word_name_goes_by_its_full_name():
    from collections import Counter

    c = imp.Company("ZZZ.AX", "Compass", "Compass Resources Limited", "AU", "ASX",
                    "industry:gold-miners", 3, "test")
    name, aliases, ambiguous = imp.build_aliases(c, [], zipf, frozenset(), frozenset(), Counter(), abroad)
    assert name == "Compass Resources Limited" and not ambiguous
    assert "Compass" not in aliases
    c.major = True
    name, aliases, ambiguous = imp.build_aliases(c, [], zipf, frozenset(), frozenset(), Counter(), abroad)
    assert name == "Compass" and ambiguous == ["Compass"]


def test_select_skips_companies_already_in_the_kb():
    a = imp.Company("7203.T", "Toyota Motor", "Toyota Motor Corporation", "JP", "TSE", "industry:automobiles", 0, "t")
    b = imp.Company("7267.T", "Honda Motor", "Honda Motor Co., Ltd.", "JP", "TSE", "industry:automobiles", 0, "t")
    c = imp.Company("6758.T", "Sony", "Sony Group Corporation", "JP", "TSE", "industry:technology-hardware", 0, "t")
    for n, x in enumerate((a, b, c)):
        x.rank = (n,)
    chosen = imp.select([a, b, c], {"7203.T"}, {imp.name_key("Honda Motor Co")}, {"JP": 5})
    assert [x.ticker for x in chosen] == ["6758.T"]
    assert len(imp.select([a, b, c], set(), set(), {"JP": 2})) == 2  # the quota keeps the largest


@pytest.mark.parametrize("cell,want", [
    ("David Hutchison (chairman) Simon Borrows ( CEO )", "Simon Borrows"),
    ("Robert B. Ford ( chairman & CEO ) Robert Funck ( EVP & CFO )", "Robert B. Ford"),
    ("John-Eric Bertrand (co-CEO) Piet Dejonghe (co-CEO)", ""),  # no single chief executive
    ("Florentino Pérez ( chairman )", ""),
    ("Max & Arthur Gochman, founders", ""),
    ("", ""),
])
def test_ceo_of(cell, want):
    assert imp.ceo_of(cell) == want
