"""The store's commands end to end: ingest, stories, search, export, reanalyze; kill -9."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from localserver import LocalServer, QuietHandler
from click.testing import CliRunner

from stockgroups.analysis import version
from stockgroups.interfaces.cli.store import register

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
NEWS = FEEDS / "news"
ENTRY = ("from stockgroups.interfaces.cli.main import main; from stockgroups.interfaces.cli.store import register; "
         "register(main); main()")


@pytest.fixture
def cli():
    group = click.Group("stockgroups")
    register(group)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(group, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "store.db")


@pytest.fixture
def ingested(cli, db):
    result = cli("ingest", str(NEWS), "--db", db, "--no-fetch-pages")
    assert result.exit_code == 0, result.output
    return result


def error_lines(result) -> list[str]:
    """stderr without the line naming the store."""
    return [line for line in result.stderr.splitlines()
            if not line.startswith("stockgroups: store ")]


def stories_json(cli, db, *args):
    result = cli("stories", "--db", db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_folder_of_feeds_and_pages_yields_stories_with_all_sources(cli, db, ingested):
    assert "ingested: 9 new (5 new stories), 0 duplicate, 0 failed" in ingested.stdout
    stories = {s["title"]: s for s in stories_json(cli, db)}
    assert len(stories) == 5
    uranium = stories["Kazatomprom cuts uranium output target as acid shortage bites"]
    urls = [src["url"] for src in uranium["sources"]]
    assert urls == [  # the wire was first; every outlet's copy is kept with its time
        "https://wire.example.com/markets/2025/08/22/kazatomprom-cut?utm_source=rss",
        "https://denik.example.cz/en/uranium-kazatomprom",
        "https://energypost.example.net/uranium/kazatomprom-trims-target"]
    assert uranium["sources"][0]["original"] and uranium["first_seen"] == "2025-08-22T08:15:00Z"
    assert all(src["published"] for src in uranium["sources"])
    strike = stories["Strike halts output at Chile's Escondida copper mine"]
    assert len(strike["sources"]) == 2  # the wire and the spun Windows-1252 copy
    tanker = next(s for t, s in stories.items() if "Houthi" in t)
    assert len(tanker["sources"]) == 2  # the undated wire item and the updated version
    assert {"Czech central bank holds rates, warns on wage growth",
            "比亚迪上半年销量增长 电动汽车出口创新高"} <= set(stories)


def test_second_ingest_stores_nothing_twice(cli, db, ingested):
    again = cli("ingest", str(NEWS), "--db", db, "--no-fetch-pages")
    assert again.exit_code == 0
    assert "ingested: 0 new (0 new stories), 9 duplicate, 0 failed" in again.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 9


def test_stories_filters(cli, db, ingested):
    assert len(stories_json(cli, db, "--group", "commodity:uranium")) == 1
    assert stories_json(cli, db, "--group", "industry:nothing") == []
    since = stories_json(cli, db, "--since", "2025-08-27")
    assert {s["title"][:5] for s in since} >= {"Czech", "UPDAT"}
    assert all(s["first_seen"] >= "2025-08-27" for s in since)
    text = cli("stories", "--db", db, "--limit", "1")
    assert text.exit_code == 0 and "source(s)" in text.stdout
    bad = cli("stories", "--db", db, "--since", "someday")
    assert bad.exit_code == 2 and "neither a date" in bad.output


def test_search_and_malformed_query(cli, db, ingested):
    hits = cli("search", "uranium AND acid", "--db", db, "--format", "json")
    assert hits.exit_code == 0
    found = [json.loads(line) for line in hits.stdout.splitlines()]
    assert len(found) == 3 and len({h["story_id"] for h in found}) == 1
    bad = cli("search", "uranium AND (", "--db", db)
    assert bad.exit_code == 1
    assert bad.stderr.startswith(f"stockgroups: store {db}\n")  # the store it searched
    assert error_lines(bad) == [error_lines(bad)[0]] and "malformed query" in bad.output
    assert "Traceback" not in bad.output


def test_export_jsonl_and_csv(cli, db, ingested, tmp_path):
    out = cli("export", "--db", db)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 9 and sum(r["original"] for r in rows) == 5
    assert {"story_id", "kb_version", "analysis", "url"} <= set(rows[0])
    assert rows[0]["kb_version"] == rows[0]["analysis"]["analysis_version"]  # the column holds it
    path = tmp_path / "out.csv"
    out = cli("export", "--db", db, "--format", "csv", "-o", str(path))
    assert out.exit_code == 0 and "exported 9 article(s)" in out.output
    assert path.read_text(encoding="utf-8").startswith("article_id,story_id,original")


def test_reanalyze_updates_other_analysis_versions(cli, db, ingested):
    current = cli("reanalyze", "--db", db)
    assert "all analyses are current" in current.stdout
    conn = sqlite3.connect(db)
    conn.execute("UPDATE analyses SET kb_version = 'old' WHERE article_id <= 4")
    conn.commit()
    out = cli("reanalyze", "--db", db)
    assert out.exit_code == 0 and "reanalysed 4 article(s)" in out.stdout
    assert conn.execute("SELECT count(DISTINCT kb_version) FROM analyses").fetchone()[0] == 1


def test_a_change_to_the_analysis_code_makes_every_stored_analysis_stale(cli, db, ingested, monkeypatch):
    """The fault: reanalyze said "all current" after a rule change in code."""
    assert "all analyses are current" in cli("reanalyze", "--db", db).stdout
    monkeypatch.setattr(version, "code_version", lambda: "a rule changed in analysis/")
    out = cli("reanalyze", "--db", db)
    assert out.exit_code == 0 and "reanalysed 9 article(s)" in out.stdout
    assert "all analyses are current" in cli("reanalyze", "--db", db).stdout


def test_local_opml_never_pulls_local_files_and_broken_feed_is_read(cli, db):
    """A feed list names web feeds only: the local files a local OPML points at stay out."""
    out = cli("ingest", str(FEEDS / "extra" / "list.opml"), str(FEEDS / "extra" / "broken.xml"),
              "--db", db, "--no-fetch-pages")
    assert out.exit_code == 1, out.output
    assert "feed '../news/wire_rss2.xml' is not an http(s) URL" in out.stderr
    assert "warning:" in out.stderr and "broken feed" in out.stderr
    conn = sqlite3.connect(db)
    titles = {t for (t,) in conn.execute("SELECT title FROM articles")}
    assert "Second story survives" in titles
    assert "Strike halts output at Chile's Escondida copper mine" not in titles


def test_bad_inputs_are_one_line_errors(cli, db, tmp_path):
    out = cli("ingest", str(tmp_path / "missing.xml"), "--db", db)
    assert out.exit_code == 1 and "no such file" in out.stderr
    assert "Traceback" not in out.output and "0 new" in out.stdout
    notdb = tmp_path / "junk.db"
    notdb.write_bytes(b"junk" * 1000)
    out = cli("stories", "--db", str(notdb))
    assert out.exit_code == 1 and "cannot open the store" in out.output
    out = cli("watch", "--db", db)
    assert out.exit_code == 1 and "no feeds to watch" in out.output
    opml = str(FEEDS / "extra" / "list.opml")
    out = cli("watch", "--db", db, "--every", "often", "--feeds", opml)
    assert out.exit_code == 1 and "not a duration" in out.output


class Site:
    """Pages, a teaser feed and robots.txt on 127.0.0.1; stops by itself."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                ctype = "text/html" if self.path.endswith(".html") else "application/xml"
                self.send_header("Content-Type", ctype if "robots" not in self.path
                                 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = LocalServer(Handler)
        self.base = self._server.base

    def stop(self) -> None:
        self._server.stop()


def test_teaser_feed_fetches_pages_where_robots_allow(cli, db):
    page = ("<html><head><title>Copper miners rally</title></head><body><article>"
            "<h1>Copper miners rally on Chile strike</h1>"
            + "".join(f"<p>Paragraph {i}: copper miners rallied in London and Toronto as the "
                      f"strike at Escondida in Chile entered its {i}th day, traders said.</p>"
                      for i in range(1, 8))
            + "</article></body></html>").encode()
    pages = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n", "/story/1.html": page,
             "/private/2.html": page}
    site = Site(pages)
    try:
        pages["/teasers.xml"] = (FEEDS / "extra" / "teasers.xml").read_bytes().replace(
            b"{BASE}", site.base.encode())
        out = cli("ingest", site.base + "/teasers.xml", "--db", db, "--allow-private")
    finally:
        site.stop()
    assert out.exit_code == 0, out.output
    assert "robots.txt disallows" in out.stderr
    assert "/private/2.html" not in site.hits and "/story/1.html" in site.hits
    conn = sqlite3.connect(db)
    texts = dict(conn.execute("SELECT title, text FROM articles"))
    assert "Paragraph 7" in texts["Copper miners rally on Chile strike"]
    assert texts["Blocked story"].startswith("This one is behind robots.txt")
    assert [u for (u,) in conn.execute("SELECT url FROM feeds")] == [site.base + "/teasers.xml"]


def test_teaser_pages_on_private_addresses_are_refused_by_default(cli, db):
    site = Site({})
    try:
        out = cli("ingest", site.base + "/teasers.xml", "--db", db)
    finally:
        site.stop()
    assert out.exit_code == 1 and "private" in out.stderr and not site.hits


def archive(path: Path, n: int) -> int:
    """A JSON Lines archive of n distinct stories plus repeats; returns the distinct count."""
    places = ["Chile", "Peru", "Kazakhstan", "Norway", "Brazil", "Canada", "Japan", "India"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            place = places[i % len(places)]
            doc = {"title": f"Story {i}: strike in {place}",
                   "text": f"Workers at mine number {i} in {place} went on strike on day {i % 28}, "
                           f"halting output of copper. Report {i * 7919 % 10007} says prices "
                           f"rose {i % 9} percent as traders weighed a long stoppage.",
                   "published": f"2025-0{1 + i % 9}-{1 + i % 28:02d}T10:00:00Z"}
            if i % 3:
                doc["url"] = f"https://news.example.com/{i}"
            f.write(json.dumps(doc) + "\n")
            if i % 10 == 0:
                f.write(json.dumps(doc) + "\n")  # the archive repeats itself
    return n


def test_kill_9_mid_ingest_then_rerun_stores_each_article_once(tmp_path):
    source = tmp_path / "archive.jsonl"
    n = archive(source, 1500)
    db = tmp_path / "store.db"
    cmd = [sys.executable, "-c", ENTRY, "ingest", str(source), "--db", str(db),
           "--batch-size", "50", "-q"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0  # schema not created yet
            if stored >= 200:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert 0 < stored < n
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n
    assert conn.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0] == n
    assert conn.execute("SELECT count(*) FROM analyses").fetchone()[0] == n
    assert conn.execute("SELECT sum(sources) FROM stories").fetchone()[0] == n
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'strike'"
                        ).fetchone()[0] == n


def test_watch_command_polls_and_remembers_feeds(cli, store_url, tmp_path):
    db = store_url  # on both backends
    feed = (FEEDS / "news" / "wire_rss2.xml").read_bytes()
    site = Site({"/wire.xml": feed})
    try:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"# the wire\n{site.base}/wire.xml\n")
        out = cli("watch", "--feeds", str(feeds), "--db", db, "--every", "50ms",
                  "--rounds", "2", "--allow-private", "--politeness", "0")
        again = cli("watch", "--db", db, "--every", "50ms", "--rounds", "1", "--allow-private")
    finally:
        site.stop()
    assert out.exit_code == 0, out.output
    polls = [line for line in out.stdout.splitlines() if "/wire.xml:" in line]
    assert [p.split(": ", 1)[1] for p in polls] == ["new, 3 new", "new, 0 new"]
    assert "watched: 3 new (3 new stories)" in out.stdout
    assert again.exit_code == 0 and "watched: 0 new" in again.stdout  # feeds remembered
    from stockgroups.store.open import open_store

    with open_store(db, create=False) as store:
        (feed,) = store.feeds()
    assert feed["failures"] == 0 and feed["last_polled"]


def test_parallel_analysis_gives_the_same_store(kb_small, tmp_path):
    from stockgroups.services.ingest import Collector
    from stockgroups.sources.router import Router
    from stockgroups.store.sqlite import Store

    path = tmp_path / "a.jsonl"
    archive(path, 60)
    results = []
    for jobs in (1, 2):
        with Store(tmp_path / f"s{jobs}.db") as store:
            collector = Collector(store, kb_small, jobs=jobs, batch_size=10,
                                  clock=lambda: 1.7e9)
            summary = collector.add(Router(get=None).items([str(path)]))
            rows = store.conn.execute("SELECT story_id, title, text FROM articles ORDER BY id")
            results.append((summary.line(), rows.fetchall()))
    assert results[0] == results[1]
    assert results[0][0] == "60 new (60 new stories), 6 duplicate, 0 failed"


def test_copies_arriving_in_a_later_run_join_the_stored_story(cli, db):
    for name in ("wire_rss2.xml", "prague_atom_latin2.xml"):
        out = cli("ingest", str(NEWS / name), "--db", db, "--no-fetch-pages")
        assert out.exit_code == 0, out.output
    assert "2 new (1 new stories)" in out.stdout  # the copy joined; the Czech story is new
    uranium = stories_json(cli, db, "--group", "commodity:uranium")
    assert len(uranium) == 1 and len(uranium[0]["sources"]) == 2
    assert uranium[0]["sources"][1]["similarity"] == 1.0


def test_an_article_the_analysis_chokes_on_fails_alone(kb_small, tmp_path, monkeypatch):
    from stockgroups.services import ingest as collect
    from stockgroups.model import Article
    from stockgroups.store.sqlite import Store

    real = collect.analyse

    def flaky(article, kb):
        if "poison" in article.text:
            raise ValueError("boom")
        return real(article, kb)

    monkeypatch.setattr(collect, "analyse", flaky)
    items = [(f"a{i}", Article(source=f"a{i}", title=f"T{i}",
                               text=f"story {i} about copper" + (" poison" if i == 1 else "")))
             for i in range(3)]
    with Store(tmp_path / "s.db") as store:
        summary = collect.Collector(store, kb_small).add(items)
        assert summary.line() == "2 new (2 new stories), 0 duplicate, 1 failed"
        assert summary.failures == ["a1: analysis failed (ValueError: boom)"]
