"""Checks on the market half of the knowledge base (sectors, industries, commodities,
producers, companies, exposures, company contexts), read straight from the CSVs."""
from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "stockgroups" / "kb" / "data"
SP500_SOURCE = ROOT.parent / "shared" / "data" / "securities" / "sp500_constituents.csv"  # beside the clone, where CI has it

# Copied from ../shared/taxonomy.md (the group-id contract).
SECTORS = {
    "energy", "materials", "industrials", "consumer-discretionary", "consumer-staples",
    "health-care", "financials", "information-technology", "communication-services",
    "utilities", "real-estate",
}
INDUSTRIES_BY_SECTOR = {
    "energy": ["oil-gas-exploration-production", "integrated-oil-gas",
               "oil-gas-refining-marketing", "oil-gas-equipment-services",
               "oil-gas-midstream", "coal", "uranium"],
    "materials": ["chemicals", "fertilizers-agricultural-chemicals", "gold-miners",
                  "silver-miners", "copper-miners", "diversified-metals-mining", "steel",
                  "aluminum", "lithium-battery-materials", "paper-forest-products",
                  "construction-materials", "containers-packaging"],
    "industrials": ["aerospace-defense", "airlines", "air-freight-logistics",
                    "marine-shipping", "railroads", "trucking", "construction-engineering",
                    "machinery", "electrical-equipment", "building-products",
                    "industrial-conglomerates"],
    "consumer-discretionary": ["automobiles", "auto-parts", "homebuilders",
                               "hotels-resorts-cruise-lines", "restaurants", "casinos-gaming",
                               "apparel-luxury", "broadline-retail", "specialty-retail",
                               "leisure-products"],
    "consumer-staples": ["food-products", "beverages", "tobacco",
                         "household-personal-products", "food-staples-retail",
                         "agricultural-products"],
    "health-care": ["pharmaceuticals", "biotechnology", "medical-devices",
                    "health-care-services", "life-sciences-tools"],
    "financials": ["banks", "insurance", "asset-management", "exchanges-market-data",
                   "payments", "consumer-finance", "crypto-digital-assets"],
    "information-technology": ["semiconductors", "semiconductor-equipment", "software",
                               "it-services", "cybersecurity", "communications-equipment",
                               "technology-hardware", "electronic-components"],
    "communication-services": ["telecom-services", "media-entertainment",
                               "interactive-media", "video-games"],
    "utilities": ["electric-utilities", "gas-utilities", "water-utilities", "renewable-power"],
    "real-estate": ["reits", "real-estate-development"],
}
COMMODITIES = {
    "crude-oil", "natural-gas", "lpg", "refined-products", "coal", "uranium", "gold",
    "silver", "platinum", "palladium", "copper", "aluminum", "nickel", "zinc", "iron-ore",
    "lithium", "cobalt", "rare-earths", "wheat", "corn", "soybeans", "sugar", "coffee",
    "cocoa", "potash", "bitcoin", "electricity",
}
EXPOSURE_RELATIONS = {"operates-in", "revenue-from", "produces", "supplier-to",
                      "customer-of", "owns", "member-of", "located-in"}
COUNTRY_RE = re.compile(r"^country:[A-Z]{2}$")
AS_OF_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
COMPANY_COLUMNS = ["id", "ticker", "name", "aliases", "industry", "country", "exchange",
                   "ambiguous", "source", "as_of"]

FILES = ["sectors.csv", "industries.csv", "commodities.csv", "producers.csv",
         "commodity_links.csv", "companies.csv", "companies_extra.csv", "exposures.csv",
         "contexts_companies.csv"]


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def split(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x]


@pytest.fixture(scope="module")
def companies() -> dict[str, dict[str, str]]:
    rows = read("companies.csv") + read("companies_extra.csv")
    return {r["id"]: r for r in rows}


@pytest.mark.parametrize("name", FILES)
def test_every_row_sourced_and_dated(name):
    rows = read(name)
    assert rows, name
    for r in rows:
        assert r["source"].strip(), (name, r)
        assert AS_OF_RE.match(r["as_of"]), (name, r)
        assert None not in r, (name, r)  # no stray extra cells


@pytest.mark.parametrize("name,key", [("sectors.csv", "id"), ("industries.csv", "id"),
                                      ("commodities.csv", "id")])
def test_ids_unique(name, key):
    ids = [r[key] for r in read(name)]
    assert len(ids) == len(set(ids))


def test_company_ids_unique_across_files():
    ids = [r["id"] for r in read("companies.csv") + read("companies_extra.csv")]
    dupes = [k for k, v in Counter(ids).items() if v > 1]
    assert not dupes


def test_sectors_match_taxonomy():
    assert {r["id"] for r in read("sectors.csv")} == {f"sector:{s}" for s in SECTORS}


def test_industries_match_taxonomy_with_sector():
    got = {r["id"]: r["sector"] for r in read("industries.csv")}
    want = {f"industry:{i}": f"sector:{s}"
            for s, inds in INDUSTRIES_BY_SECTOR.items() for i in inds}
    assert got == want


def test_industry_aliases_present_and_unique():
    seen: dict[str, str] = {}
    for r in read("industries.csv"):
        aliases = split(r["aliases"])
        assert aliases, r["id"]
        for a in aliases:
            assert a.lower() not in seen, (a, r["id"], seen.get(a.lower()))
            seen[a.lower()] = r["id"]
    for phrase in ["uranium miners", "oil majors", "refiners", "chipmakers", "airlines",
                   "bitcoin miners", "gold miners", "steelmakers", "automakers", "banks",
                   "insurers", "homebuilders", "cruise lines", "defense contractors",
                   "shipping lines", "tanker owners", "utilities", "REITs"]:
        assert phrase.lower() in seen, phrase


def test_commodities_match_taxonomy():
    rows = read("commodities.csv")
    assert {r["id"] for r in rows} == {f"commodity:{c}" for c in COMMODITIES}
    industries = {r["id"] for r in read("industries.csv")}
    for r in rows:
        assert r["producer_industry"] in industries, r["id"]
        assert r["supply_shock_direction"] in {"up", "down"}, r["id"]
        assert r["why"].strip(), r["id"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["commodity:bitcoin"]["supply_shock_direction"] == "down"
    assert by_id["commodity:uranium"]["supply_shock_direction"] == "up"


@pytest.mark.parametrize("name", ["commodities.csv", "companies.csv", "companies_extra.csv"])
def test_ambiguous_aliases_are_aliases_of_their_row(name):
    for r in read(name):
        names = {a.lower() for a in split(r["aliases"])} | {r["name"].lower()}
        for a in split(r["ambiguous"]):
            assert a.lower() in names, (r["id"], a)


def test_producer_shares_are_well_formed_cover_every_commodity_and_add_up_within_a_metric():
    rows = read("producers.csv")
    by_commodity = defaultdict(list)
    for r in rows:
        assert COUNTRY_RE.match(r["country"]), r
        assert r["metric"] in {"production", "exports", "hashrate", "reserves", "ore"}, r
        assert 0 < float(r["share"]) <= 1, r
        assert re.match(r"^\d{4}$", r["year"]), r
        by_commodity[r["commodity"]].append(r)
    assert set(by_commodity) == {f"commodity:{c}" for c in COMMODITIES}
    for c, rs in by_commodity.items():
        assert len(rs) >= 5, c
        for metric in {r["metric"] for r in rs}:  # shares add up within one measure
            of_metric = [r for r in rs if r["metric"] == metric]
            assert sum(float(r["share"]) for r in of_metric) <= 1.0 + 1e-9, (c, metric)
            assert len({r["country"] for r in of_metric}) == len(of_metric), (c, metric)
    shares = {(r["commodity"], r["country"]): float(r["share"]) for r in rows}
    assert shares[("commodity:uranium", "country:KZ")] >= 0.4
    assert ("commodity:crude-oil", "country:KZ") in shares
    assert shares[("commodity:bitcoin", "country:KZ")] == pytest.approx(0.181)
    for c in ["crude-oil", "natural-gas", "wheat", "palladium", "nickel", "aluminum"]:
        assert (f"commodity:{c}", "country:RU") in shares, c


def test_commodity_links_are_unique_and_reasoned_and_every_commodity_has_a_producer_industry():
    commodities = {r["id"] for r in read("commodities.csv")}
    industries = {r["id"] for r in read("industries.csv")}
    rows = read("commodity_links.csv")
    keys = set()
    for r in rows:
        assert r["commodity"] in commodities and r["industry"] in industries, r
        assert r["relation"] in {"producer", "consumer"}, r
        assert 0 <= float(r["weight"]) <= 1, r
        assert r["why"].strip(), r
        key = (r["commodity"], r["industry"], r["relation"])
        assert key not in keys, key
        keys.add(key)
    for c in commodities:  # every commodity has a producer industry link
        assert any(k[0] == c and k[2] == "producer" for k in keys), c
    assert ("commodity:uranium", "industry:uranium", "producer") in keys
    assert ("commodity:crude-oil", "industry:airlines", "consumer") in keys


def test_company_files_have_the_columns_and_rows_name_a_known_industry_and_country(companies):
    industries = {r["id"] for r in read("industries.csv")}
    for name in ["companies.csv", "companies_extra.csv"]:
        with (DATA / name).open(newline="", encoding="utf-8") as f:
            assert [c for c in next(csv.reader(f)) if c != "secondary_industries"] == COMPANY_COLUMNS, name
    for cid, r in companies.items():
        assert cid == f"company:{r['ticker']}", cid
        assert r["industry"] in industries, cid
        for other in (r.get("secondary_industries") or "").split("|"):
            assert not other or (other in industries and other != r["industry"]), cid
        assert re.match(r"^[A-Z]{2}$", r["country"]), cid
        assert r["name"].strip(), cid


def test_every_industry_has_a_company(companies):
    used = {r["industry"] for r in companies.values()}
    missing = {r["id"] for r in read("industries.csv")} - used
    assert not missing


def test_extra_company_count():
    assert 200 <= len(read("companies_extra.csv")) <= 450


@pytest.mark.parametrize("cid,industry,country", [
    ("company:KAP.L", "industry:uranium", "KZ"),
    ("company:CCJ", "industry:uranium", "CA"),
    ("company:CVX", "industry:integrated-oil-gas", "US"),
    ("company:XOM", "industry:integrated-oil-gas", "US"),
    ("company:MARA", "industry:crypto-digital-assets", "US"),
    ("company:COIN", "industry:crypto-digital-assets", "US"),
    ("company:NXE", "industry:uranium", "CA"),
    ("company:PDN.AX", "industry:uranium", "AU"),
    ("company:KSPI", "industry:payments", "KZ"),
    ("company:2330.TW", "industry:semiconductors", "TW"),
])
def test_key_companies(companies, cid, industry, country):
    assert companies[cid]["industry"] == industry
    assert companies[cid]["country"] == country


def test_share_classes_merged(companies):
    assert "company:GOOG" not in companies
    assert "GOOG" in split(companies["company:GOOGL"]["aliases"])
    assert "Google" in split(companies["company:GOOGL"]["aliases"])
    assert companies["company:XOM"]["name"] == "Exxon Mobil"
    assert {"ExxonMobil", "Exxon"} <= set(split(companies["company:XOM"]["aliases"]))
    assert "Disney" in split(companies["company:DIS"]["aliases"])
    assert "Meta" in split(companies["company:META"]["aliases"])


def test_common_word_aliases_flagged(companies):
    for cid, word in [("company:AAPL", "Apple"), ("company:TGT", "Target"),
                      ("company:V", "Visa"), ("company:AMZN", "Amazon"),
                      ("company:DAL", "Delta"), ("company:SHEL.L", "Shell"),
                      ("company:RIOT", "Riot")]:
        assert word in split(companies[cid]["ambiguous"]), cid


def test_exposures_endpoints_exist(companies):
    commodities = {r["id"] for r in read("commodities.csv")}
    rows = read("exposures.csv")
    assert len(rows) >= 150
    keys = set()
    for r in rows:
        assert r["subject"] in companies, r
        assert r["relation"] in EXPOSURE_RELATIONS, r
        obj = r["object"]
        assert (obj in companies or obj in commodities or COUNTRY_RE.match(obj)), r
        if r["relation"] in {"supplier-to", "customer-of"}:
            assert obj in companies, r
        if r["relation"] == "produces":
            assert obj in commodities, r
        assert 0 <= float(r["weight"]) <= 1, r
        assert r["why"].strip(), r
        key = (r["subject"], r["relation"], obj)
        assert key not in keys, key
        keys.add(key)
    for subject in ["company:CVX", "company:XOM", "company:ENI.MI", "company:SHEL.L",
                    "company:TTE.PA", "company:KAP.L"]:
        assert (subject, "operates-in", "country:KZ") in keys, subject
    assert ("company:KAP.L", "produces", "commodity:uranium") in keys


def test_contexts_reference_real_entities(companies):
    commodities = {r["id"] for r in read("commodities.csv")}
    industries = {r["id"] for r in read("industries.csv")}
    rows = read("contexts_companies.csv")
    with_cues = set()
    for r in rows:
        assert r["polarity"] in {"+", "-"}, r
        assert r["cue"] == r["cue"].lower() and r["cue"].strip(), r
        e = r["entity"]
        assert e in companies or e in commodities or e in industries or e == "company:*", r
        with_cues.add(e)
    for cid, r in companies.items():
        if split(r["ambiguous"]):
            assert cid in with_cues, cid
    for r in read("commodities.csv"):
        if split(r["ambiguous"]):
            assert r["id"] in with_cues, r["id"]


def _load_import_script():
    path = ROOT / "tools" / "import_sp500.py"
    spec = importlib.util.spec_from_file_location("import_sp500", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_import_mapping_covers_source_and_taxonomy():
    mod = _load_import_script()
    industries = {r["id"] for r in read("industries.csv")}
    assert set(mod.SUB_INDUSTRY_MAP.values()) <= industries
    assert set(mod.TICKER_INDUSTRY_OVERRIDES.values()) <= industries
    if not SP500_SOURCE.exists():
        pytest.skip("S&P 500 source file not available")
    with SP500_SOURCE.open(newline="", encoding="utf-8") as f:
        subs = {r["GICS Sub-Industry"] for r in csv.DictReader(f)}
    assert subs - mod.SUB_INDUSTRY_MAP.keys() == set()


@pytest.mark.parametrize("raw,name", [
    ("Exxon Mobil Corporation", "Exxon Mobil"),
    ("Alphabet Inc. (Class A)", "Alphabet"),
    ("Mosaic Company (The)", "Mosaic"),
    ("The Walt Disney Company", "Walt Disney"),
    ("Merck & Co.", "Merck"),
    ("Block, Inc.", "Block"),
])
def test_strip_name(raw, name):
    assert _load_import_script().strip_name(raw) == name


def test_import_is_reproducible(tmp_path):
    if not SP500_SOURCE.exists():
        pytest.skip("S&P 500 source file not available")
    mod = _load_import_script()
    out = tmp_path / "companies.csv"
    mod.main(["--out", str(out)])
    assert out.read_text(encoding="utf-8") == (DATA / "companies.csv").read_text(encoding="utf-8")


def test_aliases_do_not_collide_across_entities():
    """One alias, one entity: a phrase shared by two rows cannot be linked."""
    allowed = {"utilities"}  # sector:utilities' name and the electric-utilities alias
    owner: dict[str, set[str]] = defaultdict(set)
    for name in ["sectors.csv", "industries.csv", "commodities.csv", "companies.csv",
                 "companies_extra.csv"]:
        for r in read(name):
            for a in [r["name"], *split(r["aliases"])]:
                owner[a.lower()].add(r["id"])
    clashes = {a: ids for a, ids in owner.items() if len(ids) > 1 and a not in allowed}
    assert not clashes
