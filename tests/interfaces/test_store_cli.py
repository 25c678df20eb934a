"""The store's commands on both backends: show, stories --ticker/--company, db info,
db prune, feeds list|remove, ids never cut, formula-safe CSV, Parquet read back, read
commands that never create a store, and one-line store errors."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
NEWS = FEEDS / "news"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def errors(result) -> list[str]:
    """stderr less the line naming the store and the warnings (a story's language...)."""
    return [line for line in result.stderr.splitlines()
            if not line.startswith(("stockgroups: store ", "stockgroups: warning: "))]


@pytest.fixture
def filled(store_cli, store_url):
    ok(store_cli("ingest", str(NEWS), "--db", store_url, "--no-fetch-pages"))
    return store_url


def stories_json(store_cli, db, *args):
    out = ok(store_cli("stories", "--db", db, "--format", "json", *args))
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_both_backends_store_the_same_stories(store_cli, filled, tmp_path):
    other = str(tmp_path / "reference.db")
    ok(store_cli("ingest", str(NEWS), "--db", other, "--no-fetch-pages"))

    def shape(db):
        return sorted((s["title"], s["first_seen"], len(s["sources"]),
                       tuple(g["id"] for g in s["groups"])) for s in stories_json(store_cli, db))

    assert shape(filled) == shape(other)
    hits = ok(store_cli("search", "uranium AND acid", "--db", filled, "--format", "json"))
    assert len({json.loads(h)["story_id"] for h in hits.stdout.splitlines()}) == 1


def test_show_prints_sources_text_groups_companies_and_evidence(store_cli, filled):
    (story,) = stories_json(store_cli, filled, "--group", "commodity:uranium")
    out = ok(store_cli("show", str(story["id"]), "--db", filled, "--wide"))
    text = out.stdout
    assert "wire.example.com" in text and "denik.example.cz" in text  # outlets
    assert story["sources"][0]["url"] in text
    assert "commodity:uranium" in text and "Kazatomprom" in text
    assert "sources:" in text and "groups:" in text and "companies:" in text
    data = json.loads(ok(store_cli("show", str(story["id"]), "--db", filled,
                                   "--format", "json")).stdout)
    uranium = next(g for g in data["groups"] if g["id"] == "commodity:uranium")
    assert uranium["evidence"] and all(line in text for line in uranium["evidence"])
    assert data["text"] and data["text"].split()[0] in text
    missing = store_cli("show", "9999", "--db", filled)
    assert missing.exit_code == 1 and errors(missing) == ["Error: no story #9999 in "
                                                          f"{filled_location(filled)}"]


def filled_location(db: str) -> str:
    from stockgroups.store.postgres import redact

    return redact(db)


def test_stories_by_ticker_and_company(store_cli, filled):
    every = stories_json(store_cli, filled)
    tickers = {}
    for s in every:
        data = json.loads(ok(store_cli("show", str(s["id"]), "--db", filled,
                                       "--format", "json")).stdout)
        for c in data["companies"]:
            if not c["ticker"]:
                continue  # an unlisted company the story names: no ticker to look up
            tickers.setdefault(c["ticker"], (c["name"], set()))[1].add(s["id"])
    assert tickers, "the sample news names companies"
    ticker, (name, ids) = sorted(tickers.items())[0]
    assert {s["id"] for s in stories_json(store_cli, filled, "--ticker", ticker.lower())} >= ids
    by_name = stories_json(store_cli, filled, "--company", name.split()[0].upper())
    assert ids <= {s["id"] for s in by_name}
    assert stories_json(store_cli, filled, "--ticker", "NO-SUCH") == []


def test_ids_are_never_cut_on_a_narrow_terminal(store_cli, filled):
    every = stories_json(store_cli, filled)
    narrow = ok(store_cli("stories", "--db", filled, env={"COLUMNS": "40"})).stdout
    wide = ok(store_cli("stories", "--db", filled, "--wide", env={"COLUMNS": "40"})).stdout
    words = set(narrow.split())
    for story in every:
        for g in story["groups"][:5]:
            assert g["id"] in words  # whole, on one line, however narrow the terminal
        for src in story["sources"]:
            assert (src["url"] or src["source"]) in words
    assert any(len(line) > 40 for line in wide.splitlines())  # --wide does not wrap
    # narrow lines are wrapped at spaces: only a lone unbreakable id or URL runs past 40
    assert all(len(line) <= 40 or len(line.split()) == 1 for line in narrow.splitlines())


def test_db_info_and_prune(store_cli, filled):
    info = json.loads(ok(store_cli("db", "info", "--db", filled, "--format", "json")).stdout)
    assert info["counts"]["articles"] == 9 and info["counts"]["stories"] == 5
    assert info["schema_version"] == info["program_schema_version"]
    assert sum(info["analysis_versions"].values()) == 9
    text = ok(store_cli("db", "info", "--db", filled)).stdout
    assert "articles:" in text and "schema:" in text
    asked = store_cli("db", "prune", "--before", "2025-08-27", "--db", filled, input="n\n")
    assert asked.exit_code == 1 and "delete 3 stories" in asked.stderr  # answered no
    assert len(stories_json(store_cli, filled)) == 5
    pruned = ok(store_cli("db", "prune", "--before", "2025-08-27", "--db", filled, "--yes"))
    assert "pruned" in pruned.stdout
    left = stories_json(store_cli, filled)
    assert len(left) == 2 and all(s["first_seen"] >= "2025-08-27" for s in left)


def test_feeds_list_and_remove(store_cli, store_url, tmp_path):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("https://a.example/feed.xml\nhttps://b.example/rss\n")
    from stockgroups.store.open import open_store

    with open_store(store_url) as store:
        store.add_feeds(["https://a.example/feed.xml", "https://b.example/rss"])
    listed = ok(store_cli("feeds", "list", "--db", store_url)).stdout
    assert "https://a.example/feed.xml" in listed and "never" in listed
    ok(store_cli("feeds", "remove", "https://a.example/feed.xml", "--db", store_url))
    listed = ok(store_cli("feeds", "list", "--db", store_url, "--format", "json")).stdout
    assert [json.loads(line)["url"] for line in listed.splitlines()] == ["https://b.example/rss"]
    again = store_cli("feeds", "remove", "https://a.example/feed.xml", "--db", store_url)
    assert again.exit_code == 1 and "not a watched feed" in again.output


def test_csv_export_neutralises_formula_cells(store_cli, store_url, tmp_path):
    article = tmp_path / "evil.json"
    article.write_text(json.dumps({
        "title": '=HYPERLINK("http://evil.example/x","Uranium prices")',
        "text": "+1 Uranium miners in Kazakhstan cut output after an acid shortage.",
        "url": "https://site.example/a"}))
    ok(store_cli("ingest", str(article), "--db", store_url))
    out = tmp_path / "out.csv"
    ok(store_cli("export", "--db", store_url, "--format", "csv", "-o", str(out)))
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert row["title"] == "'" + '=HYPERLINK("http://evil.example/x","Uranium prices")'
    assert row["text"].startswith("'+1 Uranium")
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_parquet_export_is_written_and_read_back(store_cli, filled, tmp_path):
    out = tmp_path / "out.parquet"
    ok(store_cli("export", "--db", filled, "--format", "parquet", "-o", str(out)))
    table = pq.read_table(out)
    assert table.num_rows == 9
    rows = table.to_pylist()
    jsonl = ok(store_cli("export", "--db", filled)).stdout.splitlines()
    first = json.loads(jsonl[0])
    assert rows[0]["article_id"] == first["article_id"] and rows[0]["title"] == first["title"]
    assert json.loads(rows[0]["analysis"]) == first["analysis"]
    assert sum(r["original"] for r in rows) == 5


@pytest.mark.parametrize("command", [("stories",), ("search", "uranium"), ("show", "1"),
                                     ("export",), ("db", "info"), ("feeds", "list")])
def test_read_commands_never_create_a_store(store_cli, tmp_path, command):
    typo = tmp_path / "nested" / "stroe.db"
    out = store_cli(*command, "--db", str(typo))
    assert out.exit_code == 1 and errors(out) == [f"Error: {typo}: no store here (check "
                                                  "--db, or run `stockgroups ingest` first)"]
    assert not typo.exists() and not typo.parent.exists()


def test_store_commands_name_the_store_they_use(store_cli, filled):
    out = ok(store_cli("stories", "--db", filled, "--limit", "1"))
    assert out.stderr.splitlines()[0] == f"stockgroups: store {filled_location(filled)}"


def test_ingest_into_a_read_only_store_is_one_line_and_stores_nothing(store_cli, tmp_path):
    db = tmp_path / "s.db"
    ok(store_cli("ingest", str(NEWS / "wire_rss2.xml"), "--db", str(db), "--no-fetch-pages"))
    before = json.loads(ok(store_cli("db", "info", "--db", str(db), "--format",
                                     "json")).stdout)["counts"]
    os.chmod(db, 0o444)
    try:
        out = store_cli("ingest", str(NEWS), "--db", str(db), "--no-fetch-pages")
    finally:
        os.chmod(db, 0o644)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert len(errors(out)) == 1 and "read-only" in errors(out)[0]
    after = json.loads(ok(store_cli("db", "info", "--db", str(db), "--format",
                                    "json")).stdout)["counts"]
    assert after == before


def test_db_setting_picks_the_store(store_cli, filled):
    out = ok(store_cli("stories", "--format", "json", env={"STOCKGROUPS_DB": filled}))
    assert out.stderr.splitlines()[0] == f"stockgroups: store {filled_location(filled)}"
    assert len(out.stdout.splitlines()) == 5


def test_unreachable_postgres_is_a_one_line_error(store_cli):
    out = store_cli("stories", "--db", "postgresql://nobody:pw@127.0.0.1:1/news")
    assert out.exit_code == 1 and "Traceback" not in out.output
    (line,) = errors(out)
    assert line.startswith("Error: postgresql://nobody:***@127.0.0.1:1/news: cannot connect")
    assert "pw" not in out.output  # the password is never printed
