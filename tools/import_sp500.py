"""Import the S&P 500 constituents into stockgroups/kb/data/companies.csv.

Re-runnable: reads the Wikipedia-derived constituents file (and, when present, the
NASDAQ screener listing for each symbol's exchange), maps every GICS sub-industry onto
the taxonomy's industries, derives the names readers use, and flags aliases that are
ordinary words or place/person names as ambiguous.

    python tools/import_sp500.py [--source PATH] [--listings PATH] [--out PATH]
"""
from __future__ import annotations

import argparse
import csv
import logging
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/data/securities/sp500_constituents.csv")
DEFAULT_LISTINGS = Path("/work/shared/data/securities/us_listings.csv")
DEFAULT_OUT = ROOT / "stockgroups" / "kb" / "data" / "companies.csv"

SOURCE_CREDIT = (
    "S&P 500 constituents, Wikipedia 'List of S&P 500 companies' via "
    "datasets/s-and-p-500-companies (CC BY-SA)"
)
AS_OF = "2025"  # date of the constituents snapshot (it includes 2025 additions such as XYZ, COIN)

# Companies with a second large business in another industry (segment reporting in their
# annual reports): a story about the company also touches that industry.
SECONDARY_INDUSTRIES: dict[str, list[str]] = {
    "AMZN": ["industry:it-services"],  # AWS cloud segment
    "MSFT": ["industry:it-services", "industry:video-games"],  # Intelligent Cloud; Xbox
    "GOOGL": ["industry:it-services"],  # Google Cloud
    "GOOG": ["industry:it-services"],
    "AAPL": ["industry:interactive-media"],  # Services segment (App Store, subscriptions)
    "META": ["industry:technology-hardware"],  # Reality Labs devices
    "DIS": ["industry:hotels-resorts-cruise-lines"],  # Parks, Experiences and Products; cruise line
    "CMCSA": ["industry:media-entertainment"],  # NBCUniversal
    "T": ["industry:media-entertainment"],
    "GE": ["industry:electrical-equipment"],
    "HON": ["industry:aerospace-defense"],  # Aerospace Technologies segment
    "BRK.B": ["industry:railroads", "industry:electric-utilities"],  # BNSF; Berkshire Hathaway Energy
    "WMT": ["industry:broadline-retail"],  # e-commerce
    "COST": ["industry:broadline-retail"],
    "TSLA": ["industry:renewable-power"],  # Energy generation and storage segment
    "NVDA": ["industry:it-services"],  # data center platforms
    "XOM": ["industry:chemicals", "industry:oil-gas-refining-marketing"],  # Chemical Products; Energy Products
    "CVX": ["industry:oil-gas-refining-marketing"],  # Downstream segment
    "ADM": ["industry:food-products"],
    "JNJ": ["industry:medical-devices"],  # MedTech segment
    "ABT": ["industry:medical-devices"],
    "CVS": ["industry:insurance"],  # Aetna
    "AMT": ["industry:telecom-services"],
    "NEE": ["industry:renewable-power"],  # NextEra Energy Resources
    "FCX": ["industry:gold-miners"],  # Grasberg gold output
    "NEM": ["industry:copper-miners"],
    "SCHW": ["industry:banks"],
    "GS": ["industry:asset-management"],
    "MS": ["industry:asset-management"],  # Wealth and Investment Management
    "JPM": ["industry:asset-management"],
}

COLUMNS = ["id", "ticker", "name", "aliases", "industry", "country", "exchange",
           "ambiguous", "secondary_industries", "source", "as_of"]

# GICS sub-industry (2023 structure) -> taxonomy.md industry id.
SUB_INDUSTRY_MAP: dict[str, str] = {
    "Advertising": "industry:media-entertainment",
    "Broadcasting": "industry:media-entertainment",
    "Cable & Satellite": "industry:telecom-services",
    "Integrated Telecommunication Services": "industry:telecom-services",
    "Interactive Home Entertainment": "industry:video-games",
    "Interactive Media & Services": "industry:interactive-media",
    "Movies & Entertainment": "industry:media-entertainment",
    "Publishing": "industry:media-entertainment",
    "Wireless Telecommunication Services": "industry:telecom-services",
    "Apparel Retail": "industry:specialty-retail",
    "Apparel, Accessories & Luxury Goods": "industry:apparel-luxury",
    "Automobile Manufacturers": "industry:automobiles",
    "Automotive Parts & Equipment": "industry:auto-parts",
    "Automotive Retail": "industry:specialty-retail",
    "Broadline Retail": "industry:broadline-retail",
    "Casinos & Gaming": "industry:casinos-gaming",
    "Computer & Electronics Retail": "industry:specialty-retail",
    "Consumer Electronics": "industry:technology-hardware",
    "Distributors": "industry:specialty-retail",
    "Footwear": "industry:apparel-luxury",
    "Home Improvement Retail": "industry:specialty-retail",
    "Homebuilding": "industry:homebuilders",
    "Homefurnishing Retail": "industry:specialty-retail",
    "Hotels, Resorts & Cruise Lines": "industry:hotels-resorts-cruise-lines",
    "Leisure Products": "industry:leisure-products",
    "Other Specialty Retail": "industry:specialty-retail",
    "Restaurants": "industry:restaurants",
    "Specialized Consumer Services": "industry:specialty-retail",
    "Agricultural Products & Services": "industry:agricultural-products",
    "Brewers": "industry:beverages",
    "Consumer Staples Merchandise Retail": "industry:food-staples-retail",
    "Distillers & Vintners": "industry:beverages",
    "Food Distributors": "industry:food-staples-retail",
    "Food Retail": "industry:food-staples-retail",
    "Household Products": "industry:household-personal-products",
    "Packaged Foods & Meats": "industry:food-products",
    "Personal Care Products": "industry:household-personal-products",
    "Soft Drinks & Non-alcoholic Beverages": "industry:beverages",
    "Tobacco": "industry:tobacco",
    "Integrated Oil & Gas": "industry:integrated-oil-gas",
    "Oil & Gas Equipment & Services": "industry:oil-gas-equipment-services",
    "Oil & Gas Exploration & Production": "industry:oil-gas-exploration-production",
    "Oil & Gas Refining & Marketing": "industry:oil-gas-refining-marketing",
    "Oil & Gas Storage & Transportation": "industry:oil-gas-midstream",
    "Coal & Consumable Fuels": "industry:coal",
    "Asset Management & Custody Banks": "industry:asset-management",
    "Consumer Finance": "industry:consumer-finance",
    "Diversified Banks": "industry:banks",
    "Financial Exchanges & Data": "industry:exchanges-market-data",
    "Insurance Brokers": "industry:insurance",
    "Investment Banking & Brokerage": "industry:banks",
    "Life & Health Insurance": "industry:insurance",
    "Multi-Sector Holdings": "industry:insurance",  # Berkshire Hathaway: insurance first
    "Multi-line Insurance": "industry:insurance",
    "Property & Casualty Insurance": "industry:insurance",
    "Regional Banks": "industry:banks",
    "Reinsurance": "industry:insurance",
    "Transaction & Payment Processing Services": "industry:payments",
    "Biotechnology": "industry:biotechnology",
    "Health Care Distributors": "industry:health-care-services",
    "Health Care Equipment": "industry:medical-devices",
    "Health Care Facilities": "industry:health-care-services",
    "Health Care Services": "industry:health-care-services",
    "Health Care Supplies": "industry:medical-devices",
    "Health Care Technology": "industry:health-care-services",
    "Life Sciences Tools & Services": "industry:life-sciences-tools",
    "Managed Health Care": "industry:health-care-services",
    "Pharmaceuticals": "industry:pharmaceuticals",
    "Aerospace & Defense": "industry:aerospace-defense",
    "Agricultural & Farm Machinery": "industry:machinery",
    "Air Freight & Logistics": "industry:air-freight-logistics",
    "Building Products": "industry:building-products",
    "Cargo Ground Transportation": "industry:trucking",
    "Construction & Engineering": "industry:construction-engineering",
    "Construction Machinery & Heavy Transportation Equipment": "industry:machinery",
    "Data Processing & Outsourced Services": "industry:it-services",
    "Diversified Support Services": "industry:industrial-conglomerates",
    "Electrical Components & Equipment": "industry:electrical-equipment",
    "Environmental & Facilities Services": "industry:industrial-conglomerates",
    "Heavy Electrical Equipment": "industry:electrical-equipment",
    "Human Resource & Employment Services": "industry:it-services",
    "Industrial Conglomerates": "industry:industrial-conglomerates",
    "Industrial Machinery & Supplies & Components": "industry:machinery",
    "Passenger Airlines": "industry:airlines",
    "Passenger Ground Transportation": "industry:trucking",  # Uber: ground transport
    "Rail Transportation": "industry:railroads",
    "Research & Consulting Services": "industry:it-services",
    "Trading Companies & Distributors": "industry:machinery",
    "Marine Transportation": "industry:marine-shipping",
    "Application Software": "industry:software",
    "Communications Equipment": "industry:communications-equipment",
    "Electronic Components": "industry:electronic-components",
    "Electronic Equipment & Instruments": "industry:electronic-components",
    "Electronic Manufacturing Services": "industry:electronic-components",
    "IT Consulting & Other Services": "industry:it-services",
    "Internet Services & Infrastructure": "industry:it-services",
    "Semiconductor Materials & Equipment": "industry:semiconductor-equipment",
    "Semiconductors": "industry:semiconductors",
    "Systems Software": "industry:software",
    "Technology Distributors": "industry:electronic-components",
    "Technology Hardware, Storage & Peripherals": "industry:technology-hardware",
    "Commodity Chemicals": "industry:chemicals",
    "Construction Materials": "industry:construction-materials",
    "Copper": "industry:copper-miners",
    "Diversified Metals & Mining": "industry:diversified-metals-mining",
    "Fertilizers & Agricultural Chemicals": "industry:fertilizers-agricultural-chemicals",
    "Forest Products": "industry:paper-forest-products",
    "Paper Products": "industry:paper-forest-products",
    "Gold": "industry:gold-miners",
    "Silver": "industry:silver-miners",
    "Aluminum": "industry:aluminum",
    "Precious Metals & Minerals": "industry:diversified-metals-mining",
    "Industrial Gases": "industry:chemicals",
    "Diversified Chemicals": "industry:chemicals",
    "Metal, Glass & Plastic Containers": "industry:containers-packaging",
    "Paper & Plastic Packaging Products & Materials": "industry:containers-packaging",
    "Specialty Chemicals": "industry:chemicals",
    "Steel": "industry:steel",
    "Data Center REITs": "industry:reits",
    "Diversified REITs": "industry:reits",
    "Health Care REITs": "industry:reits",
    "Hotel & Resort REITs": "industry:reits",
    "Industrial REITs": "industry:reits",
    "Multi-Family Residential REITs": "industry:reits",
    "Office REITs": "industry:reits",
    "Other Specialized REITs": "industry:reits",
    "Real Estate Services": "industry:real-estate-development",
    "Real Estate Development": "industry:real-estate-development",
    "Retail REITs": "industry:reits",
    "Self-Storage REITs": "industry:reits",
    "Single-Family Residential REITs": "industry:reits",
    "Telecom Tower REITs": "industry:reits",
    "Timber REITs": "industry:reits",
    "Electric Utilities": "industry:electric-utilities",
    "Gas Utilities": "industry:gas-utilities",
    "Independent Power Producers & Energy Traders": "industry:electric-utilities",
    "Renewable Electricity": "industry:renewable-power",
    "Multi-Utilities": "industry:electric-utilities",
    "Water Utilities": "industry:water-utilities",
}

# Companies whose business fits a taxonomy industry better than their GICS sub-industry.
TICKER_INDUSTRY_OVERRIDES: dict[str, str] = {
    "COIN": "industry:crypto-digital-assets",  # GICS: Financial Exchanges & Data
    "ALB": "industry:lithium-battery-materials",  # GICS: Specialty Chemicals; lithium is most revenue
    "CRWD": "industry:cybersecurity",
    "PANW": "industry:cybersecurity",
    "FTNT": "industry:cybersecurity",
    "ENPH": "industry:renewable-power",  # solar microinverters
    "FSLR": "industry:renewable-power",  # solar module maker
    "HOOD": "industry:exchanges-market-data",
    "XYZ": "industry:payments",
    "PYPL": "industry:payments",
}

# Legal-form and share-class words removed to get the name readers use.
SUFFIX_RE = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Company|Companies|Holdings?|plc|PLC|"
    r"Ltd|Limited|Group|N\.V|S\.A|L\.P|LP|AG|SE)\.?|\s*&)+$"
)
CLASS_RE = re.compile(r"\s*\((Class [A-Z]|Series [A-Z])\)\s*$")
THE_RE = re.compile(r"^(.*?)\s*\(The\)$")

# Extra names readers use that the suffix rules cannot derive.
EXTRA_ALIASES: dict[str, list[str]] = {
    "XOM": ["ExxonMobil", "Exxon"],
    "GOOGL": ["Alphabet", "Google"],
    "META": ["Meta", "Facebook"],
    "DIS": ["Disney", "Walt Disney"],
    "BRK.B": ["Berkshire"],
    "JPM": ["JPMorgan", "JP Morgan", "J.P. Morgan"],
    "GS": ["Goldman", "Goldman Sachs"],
    "BAC": ["BofA", "Bank of America"],
    "KO": ["Coca-Cola", "Coke"],
    "PEP": ["Pepsi", "PepsiCo"],
    "WMT": ["Walmart"],
    "PG": ["P&G", "Procter & Gamble"],
    "JNJ": ["J&J", "Johnson & Johnson"],
    "CVX": ["Chevron"],
    "COP": ["Conoco", "ConocoPhillips"],
    "OXY": ["Occidental", "Oxy"],
    "MCD": ["McDonald's", "McDonalds"],
    "LLY": ["Eli Lilly", "Lilly"],
    "GM": ["GM", "General Motors"],
    "F": ["Ford", "Ford Motor"],
    "BA": ["Boeing"],
    "GE": ["GE", "GE Aerospace", "General Electric"],
    "GEV": ["GE Vernova"],
    "MMM": ["3M"],
    "IBM": ["IBM"],
    "HPQ": ["HP", "HP Inc"],
    "HPE": ["HPE", "Hewlett Packard Enterprise"],
    "AMD": ["AMD", "Advanced Micro Devices"],
    "NVDA": ["Nvidia"],
    "AVGO": ["Broadcom"],
    "TSLA": ["Tesla"],
    "AMZN": ["Amazon", "Amazon.com"],
    "MSFT": ["Microsoft"],
    "AAPL": ["Apple"],
    "NFLX": ["Netflix"],
    "UNH": ["UnitedHealth"],
    "CAT": ["Caterpillar"],
    "DE": ["Deere", "John Deere"],
    "HD": ["Home Depot"],
    "LOW": ["Lowe's", "Lowes"],
    "MO": ["Altria"],
    "PM": ["Philip Morris", "PMI"],
    "FCX": ["Freeport", "Freeport-McMoRan"],
    "NEM": ["Newmont"],
    "SLB": ["Schlumberger", "SLB"],
    "HAL": ["Halliburton"],
    "BKR": ["Baker Hughes"],
    "MPC": ["Marathon Petroleum"],
    "PSX": ["Phillips 66"],
    "VLO": ["Valero"],
    "KMI": ["Kinder Morgan"],
    "UAL": ["United Airlines"],
    "DAL": ["Delta", "Delta Air Lines"],
    "AAL": ["American Airlines"],
    "LUV": ["Southwest Airlines", "Southwest"],
    "CCL": ["Carnival"],
    "RCL": ["Royal Caribbean"],
    "NCLH": ["Norwegian Cruise Line"],
    "LMT": ["Lockheed", "Lockheed Martin"],
    "RTX": ["RTX", "Raytheon"],
    "NOC": ["Northrop", "Northrop Grumman"],
    "GD": ["General Dynamics"],
    "LHX": ["L3Harris"],
    "UPS": ["UPS"],
    "FDX": ["FedEx"],
    "V": ["Visa"],
    "MA": ["Mastercard"],
    "AXP": ["Amex", "American Express"],
    "BKNG": ["Booking", "Booking.com"],
    "TGT": ["Target"],
    "COST": ["Costco"],
    "SBUX": ["Starbucks"],
    "HSY": ["Hershey"],
    "MDLZ": ["Mondelez"],
    "ADM": ["ADM", "Archer-Daniels-Midland"],
    "BG": ["Bunge"],
    "CF": ["CF Industries"],
    "MOS": ["Mosaic"],
    "NUE": ["Nucor"],
    "ALB": ["Albemarle"],
    "DOW": ["Dow"],
    "LIN": ["Linde"],
    "INTC": ["Intel"],
    "QCOM": ["Qualcomm"],
    "TXN": ["Texas Instruments"],
    "MU": ["Micron"],
    "AMAT": ["Applied Materials"],
    "LRCX": ["Lam Research"],
    "KLAC": ["KLA"],
    "ORCL": ["Oracle"],
    "CRM": ["Salesforce"],
    "XYZ": ["Block", "Square"],
    "PYPL": ["PayPal"],
    "COIN": ["Coinbase"],
    "T": ["AT&T"],
    "VZ": ["Verizon"],
    "TMUS": ["T-Mobile"],
    "CMCSA": ["Comcast"],
    "WBD": ["Warner Bros. Discovery", "Warner Bros"],
    "PARA": ["Paramount"],
    "EA": ["EA", "Electronic Arts"],
    "TTWO": ["Take-Two"],
    "NEE": ["NextEra"],
    "SO": ["Southern"],
    "HIG": ["Hartford"],
    "DUK": ["Duke Energy"],
    "D": ["Dominion", "Dominion Energy"],
    "CEG": ["Constellation Energy"],
    "WFC": ["Wells Fargo"],
    "C": ["Citigroup", "Citi"],
    "MS": ["Morgan Stanley"],
    "SCHW": ["Charles Schwab", "Schwab"],
    "BLK": ["BlackRock"],
    "CB": ["Chubb"],
    "AIG": ["AIG"],
    "MET": ["MetLife"],
    "PRU": ["Prudential Financial"],
    "ACN": ["Accenture"],
    "NOW": ["ServiceNow"],
    "ADBE": ["Adobe"],
    "UBER": ["Uber"],
    "ABNB": ["Airbnb"],
    "MAR": ["Marriott"],
    "HLT": ["Hilton"],
    "WYNN": ["Wynn"],
    "LVS": ["Las Vegas Sands"],
    "MGM": ["MGM"],
    "DHI": ["D.R. Horton", "DR Horton"],
    "LEN": ["Lennar"],
    "PHM": ["PulteGroup", "Pulte"],
    "NKE": ["Nike"],
    "TPR": ["Tapestry"],
    "RL": ["Ralph Lauren"],
    "UNP": ["Union Pacific"],
    "CSX": ["CSX"],
    "NSC": ["Norfolk Southern"],
    "PFE": ["Pfizer"],
    "MRK": ["Merck"],
    "ABBV": ["AbbVie"],
    "BMY": ["Bristol Myers", "Bristol-Myers Squibb"],
    "GILD": ["Gilead"],
    "AMGN": ["Amgen"],
    "MRNA": ["Moderna"],
    "TMO": ["Thermo Fisher"],
    "SMCI": ["Supermicro", "Super Micro"],
    "DELL": ["Dell"],
    "WDC": ["Western Digital"],
    "STX": ["Seagate"],
    "APH": ["Amphenol"],
    "GLW": ["Corning"],
    "ANET": ["Arista"],
    "CSCO": ["Cisco"],
    "PLTR": ["Palantir"],
    "CRWD": ["CrowdStrike"],
    "PANW": ["Palo Alto Networks"],
    "FTNT": ["Fortinet"],
    "APA": ["APA", "Apache"],
    "EOG": ["EOG"],
    "DVN": ["Devon", "Devon Energy"],
    "FANG": ["Diamondback"],
    "HES": ["Hess"],
    "EQT": ["EQT"],
    "EXE": ["Expand Energy"],
    "CTRA": ["Coterra"],
    "TRGP": ["Targa"],
    "OKE": ["Oneok", "ONEOK"],
    "WMB": ["Williams Companies"],
    "TPL": ["Texas Pacific Land"],
}

# Single words (lower case) that are ordinary English words, or common place or person
# names, so a company alias equal to one of them needs context (contexts_companies.csv).
# A hand list, not /usr/share/dict/words (absent here, and it would make the output
# depend on the machine): judgement beats a dictionary for brand names anyway.
AMBIGUOUS_WORDS = frozenset("""
apple target visa amazon alphabet delta ford block square snap gap meta ball progressive
southern southwest carrier caterpillar mosaic waters pool match discover principal corning
fox news oracle adobe crown equity public dominion edison booking carnival travelers
hartford chevron dow coke lilly hess devon diamondback apache freeport micron microchip
paramount williams lennox rollins mccormick cummins eaton dover xylem axon caesars hilton
tapestry chipotle domino's yum! hershey constellation oxy cadence moody's everest nasdaq
cooper vertex gilead zebra juniper workday cognizant o'reilly uber
""".split())

# Multi-word aliases that are themselves common phrases or places.
AMBIGUOUS_PHRASES = frozenset({
    "best buy", "dollar tree", "dollar general", "public storage", "american airlines",
    "waste management", "state street", "raymond james", "jack henry", "iron mountain",
    "general mills", "live nation", "southern company", "first solar",
})

# Where the suffix rules give a name nobody uses.
NAME_OVERRIDES: dict[str, str] = {
    "NWSA": "News Corp",
    "BAC": "Bank of America",
    "XOM": "Exxon Mobil",
    "BRK.B": "Berkshire Hathaway",
    "KKR": "KKR",
    "AJG": "Arthur J. Gallagher",
    "PARA": "Paramount",
    "PSKY": "Paramount Skydance",
    "LLY": "Eli Lilly",
    "AIG": "American International Group",
    "SO": "Southern Company",
    "HIG": "The Hartford",
    "COO": "Cooper Companies",
    "MRK": "Merck",
}
EXCHANGE_OVERRIDES = {"AVB": "NYSE", "EQR": "NYSE", "CBOE": "Cboe BZX"}

# Aliases we drop because they are too generic to ever link on their own.
DROP_ALIASES = frozenset({"general", "american", "international", "united", "the", "first"})

# Non-US headquarters: country name in the Headquarters Location -> ISO2.
COUNTRY_NAMES = {
    "ireland": "IE", "united kingdom": "GB", "uk": "GB", "england": "GB",
    "switzerland": "CH", "bermuda": "BM", "canada": "CA", "netherlands": "NL",
    "germany": "DE", "france": "FR", "israel": "IL", "jersey": "JE", "japan": "JP",
}
EXCHANGES = {"nasdaq": "NASDAQ", "nyse": "NYSE", "amex": "NYSE American"}


def strip_name(raw: str) -> str:
    """'Exxon Mobil Corporation' -> 'Exxon Mobil'; 'Mosaic Company (The)' -> 'Mosaic'."""
    name = CLASS_RE.sub("", raw.strip())
    m = THE_RE.match(name)
    if m:
        name = m.group(1)
    name = re.sub(r"^The\s+", "", name)
    prev = None
    while prev != name:
        prev = name
        name = SUFFIX_RE.sub("", name).strip().rstrip(",").strip()
    return name or raw.strip()


def derive_aliases(ticker: str, raw: str) -> tuple[str, list[str]]:
    """(name, other aliases) a reader would use for a company, no duplicates."""
    base = CLASS_RE.sub("", raw.strip())
    m = THE_RE.match(base)
    if m:
        base = m.group(1)
    name = NAME_OVERRIDES.get(ticker, strip_name(raw))
    seen = {name.lower()}
    rest = []
    for a in [base, *EXTRA_ALIASES.get(ticker, [])]:
        a = a.strip()
        if a and "(" not in a and a.lower() not in seen and a.lower() not in DROP_ALIASES:
            seen.add(a.lower())
            rest.append(a)
    return name, rest


def is_ambiguous(alias: str) -> bool:
    """True when the alias is an ordinary word, phrase, place or person name."""
    low = alias.lower()
    return low in AMBIGUOUS_WORDS or low in AMBIGUOUS_PHRASES


def country_of(location: str) -> str:
    """ISO2 of a 'City, State' or 'City, Country' headquarters string (US by default)."""
    loc = re.sub(r"\[\d+\]", "", location or "").strip()
    last = loc.split(",")[-1].strip().lower()
    return COUNTRY_NAMES.get(last, "US")


def load_exchanges(path: Path) -> dict[str, str]:
    """Symbol -> exchange from the NASDAQ screener listing, if the file is there."""
    if not path.exists():
        return {}
    out = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sym = row["symbol"].replace("/", ".").replace("^", ".").upper()
            out[sym] = EXCHANGES.get(row["exchange"].lower(), row["exchange"].upper())
    return out


def build_rows(source: Path, listings: Path) -> list[dict[str, str]]:
    """One row per company: share classes of one company (GOOGL/GOOG) are merged."""
    exchanges = load_exchanges(listings)
    with source.open(newline="", encoding="utf-8") as f:
        src = list(csv.DictReader(f))
    unmapped = sorted({r["GICS Sub-Industry"] for r in src} - SUB_INDUSTRY_MAP.keys())
    if unmapped:
        raise SystemExit(f"unmapped GICS sub-industries: {unmapped}")
    by_name: dict[str, dict[str, str]] = {}
    rows: list[dict[str, str]] = []
    for r in src:
        ticker = r["Symbol"].strip()
        raw = r["Security"].strip()
        key = CLASS_RE.sub("", raw).lower()
        if key in by_name:  # second share class: keep as an alias ticker
            by_name[key]["aliases"] = "|".join(filter(None, [by_name[key]["aliases"], ticker]))
            continue
        name, rest = derive_aliases(ticker, raw)
        row = {
            "id": f"company:{ticker}",
            "ticker": ticker,
            "name": name,
            "aliases": "|".join(rest),
            "industry": TICKER_INDUSTRY_OVERRIDES.get(ticker,
                                                      SUB_INDUSTRY_MAP[r["GICS Sub-Industry"]]),
            "country": country_of(r["Headquarters Location"]),
            "exchange": (EXCHANGE_OVERRIDES.get(ticker)
                         or exchanges.get(ticker, "NYSE" if "." in ticker else "")),
            "ambiguous": "|".join(a for a in [name, *rest] if is_ambiguous(a)),
            "secondary_industries": "|".join(i for i in SECONDARY_INDUSTRIES.get(ticker, [])
                                             if i != TICKER_INDUSTRY_OVERRIDES.get(
                                                 ticker, SUB_INDUSTRY_MAP[r["GICS Sub-Industry"]])),
            "source": SOURCE_CREDIT,
            "as_of": AS_OF,
        }
        by_name[key] = row
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    rows = build_rows(args.source, args.listings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    logging.getLogger(__name__).info("wrote %d companies to %s", len(rows), args.out)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
