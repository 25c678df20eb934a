"""The knowledge base at real breadth: counts, coverage and the user's own imports."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from stockgroups.interfaces.cli.main import main
from stockgroups.analysis.custom import custom_hits
from stockgroups.kb.load import DATA_DIR, load_kb
from stockgroups.model import CompanyHit

MIN_COMPANIES = 3000
MIN_COUNTRIES = 15
# Markets the world import must cover with at least this many companies each.
MARKETS = {"US": 500, "CA": 100, "GB": 100, "DE": 50, "FR": 50, "JP": 200, "KR": 50, "TW": 50,
           "CN": 100, "IN": 100, "AU": 100, "BR": 30, "ZA": 20, "RU": 20, "KZ": 3}
# Commodities whose producers are listed companies with a known share; the farm goods
# (grown by millions of farmers, traded by listed firms) are covered by country shares.
FARM_GOODS = {"commodity:wheat", "commodity:corn", "commodity:soybeans", "commodity:coffee"}


def rows(pattern: str) -> list[dict[str, str]]:
    out = []
    for path in sorted(DATA_DIR.glob(pattern)):
        with path.open(encoding="utf-8", newline="") as fh:
            out.extend(csv.DictReader(fh))
    return out


def test_enough_companies_over_enough_countries(kb_full):
    companies = [i for i in kb_full.entities.values() if i.kind == "company"]
    assert len(companies) >= MIN_COMPANIES
    by_country = Counter(c.country for c in companies)
    assert len(by_country) >= MIN_COUNTRIES
    for code, least in MARKETS.items():
        assert by_country[code] >= least, (code, by_country[code])


def test_company_ids_and_tickers_unique_across_files():
    ids = Counter(r["id"] for r in rows("companies*.csv"))
    assert not [i for i, n in ids.items() if n > 1]
    tickers = Counter(r["ticker"].upper() for r in rows("companies*.csv"))
    assert not [t for t, n in tickers.items() if n > 1]


def test_no_company_is_listed_twice_under_two_codes_of_one_country():
    # One company's lines on two home exchanges ("X.NS" and "X.BO") would report it twice.
    codes = Counter((r["ticker"].upper().split(".")[0], r["country"]) for r in rows("companies*.csv"))
    assert not [c for c, n in codes.items() if n > 1]


def test_every_row_sourced_and_dated():
    for r in rows("*.csv"):
        assert r.get("source"), r
        assert r.get("as_of", "")[:4].isdigit(), r


def test_every_industry_has_companies(kb_full):
    for eid, info in kb_full.entities.items():
        if info.kind == "industry":
            assert kb_full.companies_by_industry.get(eid), eid


def test_world_companies_reference_known_groups(kb_full):
    for r in rows("companies_world*.csv"):
        assert kb_full.entities[r["industry"]].kind == "industry"
        assert f"country:{r['country']}" in kb_full.entities
        for amb in filter(None, r["ambiguous"].split("|")):
            assert amb in {r["name"], *r["aliases"].split("|")}


def test_world_aliases_are_not_bare_tickers_or_short_words():
    for r in rows("companies_world*.csv"):
        for a in filter(None, r["aliases"].split("|")):
            assert a.upper() != r["ticker"].upper()
            if len(a) < 4:
                assert a.isupper(), (r["id"], a)  # a distinctive acronym, matched exact-case


def test_every_commodity_has_producers_with_shares(kb_full):
    for eid, info in kb_full.entities.items():
        if info.kind != "commodity":
            continue
        countries = kb_full.producers_by_commodity.get(eid, [])
        assert countries and all(0 < f.weight <= 1 for f in countries), eid
        if eid in FARM_GOODS:
            continue
        companies = [f for f in kb_full.exposures_by_object.get(eid, [])
                     if f.relation == "produces" and f.subject.startswith("company:")]
        assert companies, eid
        assert all(0 < f.weight <= 1 for f in companies), eid


@pytest.mark.parametrize("commodity", ["crude-oil", "natural-gas", "gold", "copper", "aluminum", "iron-ore"])
def test_major_commodities_have_ten_producers(kb_full, commodity):
    producers = {f.subject for f in kb_full.exposures_by_object[f"commodity:{commodity}"]
                 if f.relation == "produces" and f.subject.startswith("company:")}
    assert len(producers) >= 9, producers


def test_producer_rows_not_duplicated():
    keys = Counter((r["subject"], r["relation"], r["object"]) for r in rows("exposures*.csv"))
    assert not [k for k, n in keys.items() if n > 1]


def test_weights_in_range():
    for r in rows("exposures*.csv"):
        assert 0.0 <= float(r["weight"]) <= 1.0, r


def test_imported_companies_are_found_by_the_names_stories_use(kb_full):
    """A few of the names stories use, resolved through the alias index."""
    from stockgroups.analysis.link import find_mentions

    text = ("Shares of Pinterest and Fresnillo rose, while Hindustan Zinc and Norsk Hydro fell; "
            "Legal & General shares were flat and Orange, the telecom operator, gained.")
    found = {m.entity for m in find_mentions(text, kb_full)}
    assert {"company:PINS", "company:FRES.L", "company:HINDZINC.NS", "company:NHY.OL",
            "company:LGEN.L", "company:ORA.PA"} <= found


# ------------------------------------------------------------------ user imports

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STOCKGROUPS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STOCKGROUPS_KB_DIRS", raising=False)
    return tmp_path / "home"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_kb_import_companies_and_basket(home, tmp_path):
    runner = CliRunner()
    companies = write(tmp_path / "mine.csv",
                      "ticker,name,aliases,industry,country,exposures\n"
                      "ZZUR,Zed Uranium,Zed Uranium Corp,uranium,KZ,operates-in country:KZ 0.9\n"
                      "CCJ,,Cameco Corp,,,\n")
    res = runner.invoke(main, ["kb", "import", str(companies)])
    assert res.exit_code == 0, res.output
    assert "imported 2 companies, 1 exposures" in res.output
    basket = write(tmp_path / "basket.csv", "id,name,tickers\nmy-uranium-basket,My uranium basket,CCJ|KAP.L|ZZUR\n")
    res = runner.invoke(main, ["kb", "import", str(basket)])
    assert res.exit_code == 0, res.output
    shipped = sorted(p.name for p in DATA_DIR.glob("*user*"))
    assert shipped == []  # the shipped folder is untouched
    kb = load_kb(extra_dirs=[home / "kb"])
    assert kb.entities["company:ZZUR"].industry == "industry:uranium"
    assert kb.entities["company:CCJ"].industry == "industry:uranium"  # override kept the rest
    assert "Cameco Corp" in kb.entities["company:CCJ"].aliases
    group = kb.custom_groups["custom:my-uranium-basket"]
    assert group.members == ("company:CCJ", "company:KAP.L", "company:ZZUR")
    res = runner.invoke(main, ["kb", "show", "company:ZZUR"])
    assert "operates-in country:KZ" in res.output
    res = runner.invoke(main, ["kb", "stats"])
    assert "custom:my-uranium-basket" in res.output and "companies by country" in res.output


@pytest.mark.parametrize("text,message", [
    ("id,name,tickers\nok,Fine,CCJ\nbroken,Broken,CCJ|NOSUCHTICKER\n", "bad.csv:3: unknown ticker 'NOSUCHTICKER'"),
    ("ticker,name,industry,country\nAAA1,Fine,uranium,KZ\nBBB2,Bad,industry:nope,KZ\n", "bad.csv:3: unknown industry"),
    ("ticker,name,industry,country\nAAA1,Fine,uranium,XX\n", "bad.csv:2: unknown country"),
    ("ticker,name,industry,country,exposures\nAAA1,Fine,uranium,KZ,operates-in country:KZ 7\n", "bad.csv:2: exposure weight"),
    ("name,industry\nFoo,uranium\n", "bad.csv:1: need a 'ticker' column"),
    ("id,name,tickers\nNot A Slug!,x,CCJ\n", "bad.csv:2: id"),
])
def test_kb_import_refuses_bad_file_whole(home, tmp_path, text, message):
    runner = CliRunner()
    bad = write(tmp_path / "bad.csv", text)
    res = runner.invoke(main, ["kb", "import", str(bad)])
    assert res.exit_code == 1
    assert message in res.output
    assert "nothing imported" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (home / "kb").exists() or not any((home / "kb").glob("*.csv"))


def test_kb_import_bad_file_leaves_earlier_import_alone(home, tmp_path):
    runner = CliRunner()
    good = write(tmp_path / "good.csv", "id,name,tickers\nbasket-a,A,CCJ\n")
    assert runner.invoke(main, ["kb", "import", str(good)]).exit_code == 0
    before = (home / "kb" / "groups_custom.csv").read_text()
    bad = write(tmp_path / "bad.csv", "id,name,tickers\nbasket-b,B,CCJ\nbasket-c,C,NOPE1\n")
    assert runner.invoke(main, ["kb", "import", str(bad)]).exit_code == 1
    assert (home / "kb" / "groups_custom.csv").read_text() == before


def test_a_basket_takes_its_best_member_score_and_the_weighted_vote_of_directions(tmp_path):
    d = tmp_path / "kb"
    d.mkdir()
    write(d / "groups_custom.csv", "id,name,tickers,source,as_of\n"
          "custom:uranium,My uranium,CCJ|KAP.L|NXE,me,2025\n"
          "custom:unrelated,Other,AAPL,me,2025\n")
    kb = load_kb(extra_dirs=[d])
    hits = custom_hits((CompanyHit("CCJ", "Cameco", 0.7, "up", (), ()),
                        CompanyHit("NXE", "NexGen", 0.4, "up", (), ()),
                        CompanyHit("KAP.L", "Kazatomprom", 0.3, "down", (), ())), kb)
    assert [h.id for h in hits] == ["custom:uranium"]
    hit = hits[0]
    assert hit.kind == "custom" and hit.score == 0.7
    assert hit.direction == "up"  # 1.1 of 1.4 points up
    assert "CCJ" in hit.evidence[0] and "KAP.L" in hit.evidence[0]
    split = custom_hits((CompanyHit("CCJ", "Cameco", 0.5, "up", (), ()),
                         CompanyHit("KAP.L", "Kazatomprom", 0.5, "down", (), ())), kb)
    assert split[0].direction == "mixed"
    assert custom_hits((), kb) == ()


def test_custom_group_with_unknown_ticker_is_refused(tmp_path):
    from stockgroups.errors import KBError

    d = tmp_path / "kb"
    d.mkdir()
    write(d / "groups_custom.csv", "id,name,tickers,source,as_of\ncustom:x,X,NOPE1,me,2025\n")
    with pytest.raises(KBError, match="groups_custom.csv:2: unknown ticker"):
        load_kb(extra_dirs=[d])


def test_ceos_link_to_companies(kb_full):
    ceos = rows("people_ceos*.csv")
    assert len(ceos) >= 300
    for r in ceos:
        assert kb_full.entities[r["company"]].kind == "company"
        assert not r["aliases"], "a bare surname would be ambiguous: full names only"
