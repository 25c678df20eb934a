"""The industry rules of tools/import_securities.py on hand-written company descriptions:
each case is one misfiling pattern the 2026 mapping audit found, so a rule that regresses
fails here (no case names a real company)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import import_securities as imp  # noqa: E402

# Words that push a cue past the opening words a lead() rule looks at.
FILLER = "The company was founded long ago and serves customers in many countries. " * 4


@pytest.mark.parametrize("label,text,want", [
    # Food makers filed under "Food & Staples Retailing"
    ("Food & Staples Retailing", "Acme Foods produces and sells instant noodles and snacks.", "industry:food-products"),
    ("Food & Staples Retailing", "Acme operates supermarkets and convenience stores.", "industry:food-staples-retail"),
    ("Food & Staples Retailing", "Acme Agri makes animal feed for poultry and pigs.", "industry:agricultural-products"),
    ("Food & Staples Retailing", "Acme makes sauces. " + FILLER + "It sells through supermarkets.",
     "industry:food-products"),
    # Retailers filed under "Household Durables" / "Household Products"
    ("Household Durables", "Acme operates department stores and shopping malls.", "industry:broadline-retail"),
    ("Household Durables", "Acme operates hypermarkets that also sell electronics.", "industry:food-staples-retail"),
    ("Household Durables", "Acme makes kitchen appliances and furniture.", "industry:leisure-products"),
    ("Household Products", "Acme farms salmon in fjords.", "industry:agricultural-products"),
    ("Household Products", "Acme makes cosmetics and skin care products.", "industry:household-personal-products"),
    ("Household Products", "Acme runs a chain of dollar stores.", "industry:broadline-retail"),
    # Drugstore chains under "Pharmaceuticals", hospital groups under device makers
    ("Pharmaceuticals", "Acme operates drugstores and dispensing pharmacies.", "industry:food-staples-retail"),
    ("Pharmaceuticals", "Acme develops and markets generic drugs.", "industry:pharmaceuticals"),
    ("Health Care Equipment & Supplies", "Acme operates a network of private hospitals.",
     "industry:health-care-services"),
    ("Health Care Equipment & Supplies", "Acme makes catheters and sells them to hospitals.",
     "industry:medical-devices"),
    # Capital markets: brokers go with banks, exchanges with exchanges, the rest asset managers
    ("Capital Markets", "Acme Securities Co. provides brokerage and investment banking services.", "industry:banks"),
    ("Capital Markets", "Acme operates the national stock exchange and a clearing house.",
     "industry:exchanges-market-data"),
    ("Capital Markets", "Acme manages mutual funds for savers.", "industry:asset-management"),
    # Oil and gas: the business named first decides; no cue means a producer
    ("Oil, Gas & Consumable Fuels", "Acme refines crude oil and markets fuels; it also explores for gas.",
     "industry:oil-gas-refining-marketing"),
    ("Oil, Gas & Consumable Fuels", "Acme explores for and produces crude oil; a pipeline carries it to port.",
     "industry:oil-gas-exploration-production"),
    ("Oil, Gas & Consumable Fuels", "Acme provides offshore drilling rigs to oil companies.",
     "industry:oil-gas-equipment-services"),
    ("Oil, Gas & Consumable Fuels", "Acme Energy", "industry:oil-gas-exploration-production"),
    # Telecom label: carriers stay carriers, agencies and portals leave
    ("Diversified Telecommunication Services", "Acme provides mobile services and broadband, and an e-commerce site.",
     "industry:telecom-services"),
    ("Diversified Telecommunication Services", "Acme is an advertising agency group.", "industry:media-entertainment"),
    ("Diversified Telecommunication Services", "Acme operates online property portals.", "industry:interactive-media"),
    # Game publishers under "Interactive Media & Services"
    ("Interactive Media & Services", "Acme develops and publishes mobile games.", "industry:video-games"),
    ("Interactive Media & Services", "Acme runs a social platform with short videos.", "industry:interactive-media"),
    # Leisure: first-named business, a casino in the opening words wins
    ("Hotels, Restaurants & Leisure", "Acme operates hotels with restaurants.", "industry:hotels-resorts-cruise-lines"),
    ("Hotels, Restaurants & Leisure", "Acme operates restaurants and a few hotels.", "industry:restaurants"),
    ("Hotels, Restaurants & Leisure", "Acme operates integrated resorts with hotels and casinos.",
     "industry:casinos-gaming"),
    # Power producers: a utility that also runs hydro dams is a utility
    ("Independent Power and Renewable Electricity Producers",
     "Acme generates electricity from coal and gas plants and some hydro dams.", "industry:electric-utilities"),
    ("Independent Power and Renewable Electricity Producers", "Acme develops wind and solar farms.",
     "industry:renewable-power"),
    ("Independent Power and Renewable Electricity Producers", "Acme sells hydrocarbons and hydrogen.",
     "industry:electric-utilities"),  # 'hydro' inside other words is no cue
    # Electronics: a supplier to phone makers is no phone maker
    ("Electronic Equipment, Instruments & Components", "Acme makes capacitors used in smartphones.",
     "industry:electronic-components"),
    ("Electronic Equipment, Instruments & Components", "Acme designs and sells smartphones.",
     "industry:technology-hardware"),
    # Apparel: clothing chains leave, brands that also run shops stay; car dealers leave carmakers
    ("Textiles, Apparel & Luxury Goods", "Acme operates a chain of fashion stores selling its own label.",
     "industry:specialty-retail"),
    ("Textiles, Apparel & Luxury Goods", "Acme designs and makes handbags and sells them in its own stores.",
     "industry:apparel-luxury"),
    ("Automobiles", "Acme operates car dealerships selling new and used cars.", "industry:specialty-retail"),
    ("Automobiles", "Acme manufactures passenger cars and trucks.", "industry:automobiles"),
    # Metals: the first metal named decides, whatever full stops the company name holds
    ("Metals & Mining", "Acme Gold Corp. Acme Gold Corp. is a gold producer with two mines.", "industry:gold-miners"),
    ("Metals & Mining", "Acme Mining Inc. mines zinc, lead and silver.", "industry:diversified-metals-mining"),
    ("Metals & Mining", "Acme Iron Ltd. mines iron ore sold to steel mills.", "industry:diversified-metals-mining"),
    ("Metals & Mining", "Acme holds royalties on many mines. " + FILLER + "One of them mines coal.",
     "industry:diversified-metals-mining"),
    # Chemicals: industrial gases are no fertilizer
    ("Chemicals", "Acme makes industrial gases such as oxygen, nitrogen and argon.", "industry:chemicals"),
    ("Chemicals", "Acme makes ammonia and urea for farmers.", "industry:fertilizers-agricultural-chemicals"),
    # Media: pay-TV operators and video platforms leave broadcasters
    ("Media", "Acme provides digital cable TV and broadband to homes.", "industry:telecom-services"),
    ("Media", "Acme runs a short video and live streaming app.", "industry:interactive-media"),
    ("Media", "Acme broadcasts free-to-air television channels.", "industry:media-entertainment"),
    # Electronics and chips: appliance makers, contract manufacturers, wafer makers
    ("Electronic Equipment, Instruments & Components", "Acme manufactures and sells household appliances.",
     "industry:leisure-products"),
    ("Electronic Equipment, Instruments & Components",
     "Acme provides electronic manufacturing services; it makes home appliances for brands.",
     "industry:electronic-components"),
    ("Semiconductors & Semiconductor Equipment", "Acme makes silicon wafers for chipmakers.",
     "industry:semiconductor-equipment"),
    ("Semiconductors & Semiconductor Equipment", "Acme designs memory chips.", "industry:semiconductors"),
    # Specialty retail: makers and a fuel distributor leave, a shop selling shoes stays
    ("Specialty Retail", "Acme is engaged in the manufacture of leather footwear.", "industry:apparel-luxury"),
    ("Specialty Retail", "Acme distributes fuels and lubricants to service stations.",
     "industry:oil-gas-refining-marketing"),
    ("Specialty Retail", "Acme sells footwear and sports clothing in its stores.", "industry:specialty-retail"),
    # Railway groups filed with conglomerates
    ("Industrial Conglomerates", "Acme engages in the urban transportation, real estate and hotel businesses.",
     "industry:railroads"),
    ("Industrial Conglomerates", "Acme operates in chemicals, textiles and construction.",
     "industry:industrial-conglomerates"),
    # Road & rail
    ("Road & Rail", "Acme Railway operates railways and maintains rolling stock.", "industry:railroads"),
    ("Road & Rail", "Acme builds rolling stock and locomotives.", "industry:machinery"),
    ("Road & Rail", "Acme runs city buses and some rail lines.", "industry:trucking"),
    # Machinery: electrical gear makers leave, machine makers stay
    ("Machinery", "Acme makes switchgear and transformers for power grids.", "industry:electrical-equipment"),
    ("Machinery", "Acme makes mechanical and electrical equipment such as lifts.", "industry:machinery"),
    ("Machinery", "Acme makes machine tools and robots.", "industry:machinery"),
    # Packaging makers under "Distributors", crop chemicals under construction materials
    ("Distributors", "Acme makes glass bottles and jars for drinks.", "industry:containers-packaging"),
    ("Construction Materials", "Acme makes crop protection products and fertilizers.",
     "industry:fertilizers-agricultural-chemicals"),
    ("Construction Materials", "Acme makes cement and ready-mixed concrete.", "industry:construction-materials"),
    # Housebuilders under contractors: a contractor that also builds flats stays one
    ("Construction & Engineering", "Acme is a housebuilder selling new homes.", "industry:homebuilders"),
    ("Construction & Engineering", "Acme constructs offices, condominiums and bridges.",
     "industry:construction-engineering"),
    # Transport labels: airports, airlines, ports, waste firms
    ("Air Freight & Logistics", "Acme owns and operates the city's airport.", "industry:construction-engineering"),
    ("Air Freight & Logistics", "Acme is an airline flying passengers in Europe.", "industry:airlines"),
    ("Air Freight & Logistics", "Acme forwards freight by air and sea.", "industry:air-freight-logistics"),
    ("Marine", "Acme operates container terminals at two ports.", "industry:construction-engineering"),
    ("Marine", "Acme owns dry bulk vessels.", "industry:marine-shipping"),
    ("Transportation Infrastructure", "Acme collects and recycles household waste.",
     "industry:industrial-conglomerates"),
    ("Transportation Infrastructure", "Acme operates toll roads.", "industry:construction-engineering"),
    # Services labels
    ("Professional Services", "Acme provides security services and cash handling.",
     "industry:industrial-conglomerates"),
    ("Professional Services", "Acme makes locks and door opening systems.", "industry:building-products"),
    ("Professional Services", "Acme provides staffing and recruitment.", "industry:it-services"),
    ("Commercial Services & Supplies", "Acme makes copiers and printers.", "industry:technology-hardware"),
    ("Commercial Services & Supplies", "Acme offers car rental at airports.", "industry:trucking"),
    ("Building Products", "Acme makes bearings and machine tools.", "industry:machinery"),
    ("Building Products", "Acme makes insulation and roof tiles.", "industry:building-products"),
    # Payments firms under software / IT services, solar makers under hardware
    ("Software", "Acme runs a payments platform for merchants.", "industry:payments"),
    ("Software", "Acme sells accounting software.", "industry:software"),
    ("IT Services", "Acme processes card payments.", "industry:payments"),
    ("Technology Hardware, Storage & Peripherals", "Acme makes solar glass and panels.", "industry:renewable-power"),
    # Contract researchers and labs under biotechnology
    ("Biotechnology", "Acme is a contract research and manufacturing company for drug makers.",
     "industry:life-sciences-tools"),
    ("Biotechnology", "Acme runs clinical laboratories offering diagnostic testing.", "industry:health-care-services"),
    ("Biotechnology", "Acme develops antibody drugs for cancer.", "industry:biotechnology"),
])
def test_audited_mapping_rules(label, text, want):
    assert imp.map_industry(label, text, imp.FD_INDUSTRY_MAP) == want


@pytest.mark.parametrize("label,name,want", [
    ("Oil & Gas Production", "Acme Resources Inc.", "industry:oil-gas-exploration-production"),
    ("Oil & Gas Production", "Acme Midstream LP", "industry:oil-gas-midstream"),
    ("Investment Bankers/Brokers/Service", "Acme Financial Corp.", "industry:banks"),
    ("Natural Gas Distribution", "Acme Pipeline Partners LP", "industry:oil-gas-midstream"),
    ("Real Estate", "Acme Realty Corporation", "industry:reits"),
    ("Real Estate", "Acme Brokerage Group Inc.", "industry:real-estate-development"),
    ("Electrical Products", "Acme Electronics Inc.", "industry:electronic-components"),
])
def test_us_labels_read_from_the_name_only(label, name, want):
    assert imp.map_industry(label, name, imp.US_INDUSTRY_MAP) == want


def test_earliest_cue_rules_exist_and_lead_cues_are_bounded():
    assert imp.EARLIEST_CUE_RULES <= set(imp.RULES)
    late = "x" * (imp.LEAD_CHARS + 10) + " supermarket"
    assert not re.search(imp.lead("supermarket"), late)
    assert re.search(imp.lead("supermarket"), "acme runs a supermarket")


def test_industry_rule_names_the_rule_that_decided():
    assert imp.industry_rule("Banks", "", imp.FD_INDUSTRY_MAP) == ("industry:banks", "table")
    assert imp.industry_rule("Pharmaceuticals", "Acme operates drugstores.", imp.FD_INDUSTRY_MAP) == (
        "industry:food-staples-retail", "pharma#0")
    assert imp.industry_rule("No Such Label", "text", imp.FD_INDUSTRY_MAP) == ("", "")


def _row(ticker: str, industry: str) -> dict[str, str]:
    return {"id": f"company:{ticker}", "ticker": ticker, "name": ticker, "aliases": "", "industry": industry,
            "country": "JP", "exchange": "TSE", "ambiguous": "", "source": "listing", "as_of": "2025"}


def test_remap_changes_only_misfiled_rows_and_notes_them_once():
    fd = imp.FD_INDUSTRY_MAP
    sources = {
        "1.T": imp.SourceRow("Food & Staples Retailing", "Acme Foods makes instant noodles.", fd),
        "2.T": imp.SourceRow("Banks", "Acme Bank takes deposits.", fd),
    }
    rows = [_row("1.T", "industry:food-staples-retail"), _row("2.T", "industry:banks"),
            _row("3.T", "industry:insurance")]  # no source row: a manual addition
    assert imp.remap_rows(rows, sources) == 1
    assert rows[0]["industry"] == "industry:food-products"
    assert rows[0]["source"] == f"listing; {imp.REMAP_NOTE}"
    assert rows[1] == _row("2.T", "industry:banks") and rows[2] == _row("3.T", "industry:insurance")
    assert imp.remap_rows(rows, sources) == 0  # a second run changes nothing


def test_remap_prefers_the_override_table():
    ticker = next(t for t, i in imp.TICKER_INDUSTRY_OVERRIDES.items() if i != "industry:banks")
    rows = [_row(ticker, "industry:banks")]
    sources = {ticker: imp.SourceRow("Banks", "", imp.FD_INDUSTRY_MAP)}
    imp.remap_rows(rows, sources)
    assert rows[0]["industry"] == imp.TICKER_INDUSTRY_OVERRIDES[ticker]


def test_audit_groups_rows_by_label_rule_and_industry():
    fd = imp.FD_INDUSTRY_MAP
    sources = {
        "1.T": imp.SourceRow("Pharmaceuticals", "Acme operates drugstores.", fd),
        "2.T": imp.SourceRow("Pharmaceuticals", "Acme Drug makes generic drugs.", fd),
        "3.T": imp.SourceRow("Pharmaceuticals", "Acme Pharma develops vaccines.", fd),
    }
    rows = [_row("1.T", "industry:food-staples-retail"), _row("2.T", "industry:pharmaceuticals"),
            _row("3.T", "industry:pharmaceuticals"), _row("4.T", "industry:banks")]
    groups = imp.audit_groups(rows, sources)
    assert groups[("Pharmaceuticals", "pharma#0", "industry:food-staples-retail")] == ["1.T"]
    assert groups[("Pharmaceuticals", "pharma#1", "industry:pharmaceuticals")] == ["2.T", "3.T"]
    assert groups[("(no source row)", "", "industry:banks")] == ["4.T"]
    report = imp.audit_report(groups, examples=1)
    assert "   2  Pharmaceuticals | pharma#1 -> industry:pharmaceuticals: 2.T; ..." in report.splitlines()
