"""The one input router: feeds and OPML, folders with pipes, limits on every path, teasers."""
from __future__ import annotations

import io
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from localserver import LocalServer, QuietHandler

from stockgroups.config import Settings
from stockgroups.errors import FetchError, InputError, StockGroupsError
from stockgroups.interfaces.cli.main import main
from stockgroups.model import Article
from stockgroups.sources.router import TEASER_FAILURE_STREAK, Router, route, walk

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
STORY = "Workers strike at a copper mine\n\nWorkers at the mine in Chile went on strike.\n"


def articles(items):
    return [item for _, item in items if isinstance(item, Article)]


def errors(items):
    return [str(item) for _, item in items if isinstance(item, StockGroupsError)]


def teaser_feed(n: int, base: str = "https://news.example") -> bytes:
    entries = "".join(
        f"<item><title>Story {i} about copper</title><link>{base}/story/{i}.html</link>"
        f"<description>Short teaser number {i} ...</description></item>" for i in range(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Teasers</title><link>{base}/</link>{entries}</channel></rss>").encode()


# --- feeds and OPML given to analyze ---------------------------------------------------

def test_analyze_of_a_feed_analyses_each_item(tmp_path):
    out = CliRunner().invoke(main, ["analyze", str(FEEDS / "news" / "wire_rss2.xml"),
                                    "--format", "json", "--no-fetch-pages"])
    assert out.exit_code == 0, out.output
    docs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [d["title"] for d in docs] == [
        "Kazatomprom cuts uranium output target as acid shortage bites",
        "Strike halts output at Chile's Escondida copper mine",
        "Houthi missiles hit tanker in Red Sea, shipping firms divert vessels"]
    assert docs[0]["published"] == "2025-08-22T08:15:00Z"
    assert docs[0]["published_raw"] == "Fri, 22 Aug 2025 08:15:00 GMT"


def test_analyze_of_an_opml_list_reads_its_web_feeds_only(tmp_path):
    """The OPML's feeds are URLs the router fetches (here refused: loopback, not allowed);
    its relative entries would be local files, which a feed list never reads."""
    opml = tmp_path / "list.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                    '<outline xmlUrl="http://127.0.0.1:9/feed.xml"/>'
                    f'<outline xmlUrl="{FEEDS / "news" / "wire_rss2.xml"}"/>'
                    '<outline xmlUrl="file:///etc/passwd"/></body></opml>')
    items = list(route([str(opml)], Settings()))
    assert articles(items) == []
    errs = errors(items)
    assert len(errs) == 3
    assert "refused" in errs[0] and "private" in errs[0]
    assert all("is not an http(s) URL" in e for e in errs[1:])


def test_web_opml_fetches_each_feed_through_the_same_getter():
    feed = (FEEDS / "news" / "wire_rss2.xml").read_bytes()
    pages = {"https://lists.example/l.opml": (b'<opml version="2.0"><body>'
                                              b'<outline xmlUrl="/wire.xml"/></body></opml>',
                                              "text/x-opml"),
             "https://lists.example/wire.xml": (feed, "application/rss+xml")}
    asked = []

    def get(url):
        asked.append(url)
        body, ctype = pages[url]
        return body, ctype, url

    items = list(Router(get=get, fetch_pages=False).items(["https://lists.example/l.opml"]))
    assert asked == ["https://lists.example/l.opml", "https://lists.example/wire.xml"]
    assert len(articles(items)) == 3 and errors(items) == []


# --- folders with pipes, sockets and devices -------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_and_socket_in_a_folder_are_skipped_with_a_note(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    os.mkfifo(tmp_path / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.sock"))
    notes: list[str] = []
    done: list[list] = []
    worker = threading.Thread(target=lambda: done.append(list(
        route([str(tmp_path)], Settings(), warn=notes.append))), daemon=True)
    worker.start()
    worker.join(timeout=30)
    sock.close()
    assert done, "reading the folder blocked on the named pipe"
    assert [a.title for a in articles(done[0])] == ["Workers strike at a copper mine"]
    assert errors(done[0]) == []
    assert sorted(notes) == [f"{tmp_path / 'pipe.txt'}: skipped (a named pipe, not a file)",
                             f"{tmp_path / 's.sock'}: skipped (a socket, not a file)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_ingest_of_a_folder_with_a_fifo_finishes(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY)
    os.mkfifo(folder / "zz.fifo")
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("stockgroups")), "ingest", str(folder),
         "--db", str(tmp_path / "s.db"), "-q"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "STOCKGROUPS_HOME": str(tmp_path / "home")})
    assert proc.returncode == 0, proc.stderr
    assert "ingested: 1 new" in proc.stdout


def test_walk_names_what_it_skips(tmp_path):
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    assert list(walk(str(tmp_path))) == [(str(tmp_path / "b.txt"), None)]


# --- every limit on every path ----------------------------------------------------------

class _Slow(QuietHandler):
    def do_GET(self) -> None:
        time.sleep(3)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"late")


def test_analyze_honours_the_fetch_timeout_setting(monkeypatch):
    server = LocalServer(_Slow)
    monkeypatch.setenv("STOCKGROUPS_FETCH_TIMEOUT", "500ms")
    try:
        out = CliRunner().invoke(main, ["analyze", server.base + "/story", "--allow-private"])
    finally:
        server.stop()
    assert out.exit_code == 1
    assert out.stderr.strip() == f"stockgroups: error: {server.base}/story: timed out after 0.5 s"


def test_max_bytes_setting_caps_stdin_and_files_alike(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text(STORY + "word " * 400)
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "1k")
    out = CliRunner().invoke(main, ["analyze", str(big), "-"], input=big.read_text())
    assert out.exit_code == 1
    assert out.stderr.splitlines() == [f"stockgroups: error: {big}: larger than the 1 KB limit",
                                       "stockgroups: error: -: larger than the 1 KB limit"]


def test_python_analyze_uses_the_users_kb_folder(monkeypatch, tmp_path):
    import stockgroups

    home = tmp_path / "home"
    (home / "kb").mkdir(parents=True)
    monkeypatch.setenv("STOCKGROUPS_HOME", str(home))
    monkeypatch.delenv("STOCKGROUPS_KB_DIRS", raising=False)
    text = ("Kazakhstan unrest spreads to uranium mines\n\nProtests spread across Kazakhstan "
            "and the government declared an emergency; Kazatomprom said uranium output "
            "could be disrupted, and uranium prices rose while Cameco shares gained.")
    before = {g.id for g in stockgroups.analyze(text).groups}
    assert "custom:my-basket" not in before
    (home / "kb" / "groups_custom.csv").write_text(
        "id,name,tickers,source,as_of\ncustom:my-basket,My basket,CCJ|KAP.L,me,2025\n")
    after = {g.id for g in stockgroups.analyze(text).groups}
    assert "custom:my-basket" in after


# --- teasers: bounded and summarised ----------------------------------------------------

def test_teaser_feed_offline_stops_after_a_few_failures_with_one_warning():
    calls: list[str] = []

    def offline(url):
        calls.append(url)
        raise FetchError(f"{url}: cannot connect (Temporary failure in name resolution)")

    notes: list[str] = []
    router = Router(get=offline, allowed=lambda url: True, wait=lambda url: None,
                    warn=notes.append)
    items = list(router.from_bytes(teaser_feed(55), "teasers.xml"))
    assert len(articles(items)) == 55
    assert all(a.text.startswith("Short teaser") for a in articles(items))
    assert len(calls) == TEASER_FAILURE_STREAK
    assert len(notes) == 1
    assert notes[0].startswith("teasers.xml: kept the feed's teaser for 55 entries: "
                               f"{TEASER_FAILURE_STREAK} page fetch(es) failed (first: ")
    assert f"52 not fetched after {TEASER_FAILURE_STREAK} failures in a row" in notes[0]


def page(n: int) -> bytes:
    body = "".join(f"<p>Paragraph {i} of a long article about copper miners and strikes in "
                   f"Chile, with enough words to count as the full story.</p>" for i in range(n))
    return (f"<html><head><title>Full</title></head><body><article>{body}</article>"
            "</body></html>").encode()


def test_teaser_pages_are_capped_by_count():
    calls: list[str] = []

    def get(url):
        calls.append(url)
        return page(8), "text/html", url

    notes: list[str] = []
    router = Router(settings=Settings(teaser_pages=4), get=get, allowed=lambda u: True,
                    wait=lambda u: None, warn=notes.append)
    items = articles(router.from_bytes(teaser_feed(10), "t.xml"))
    assert len(calls) == 4
    assert sum("Paragraph 7" in a.text for a in items) == 4
    assert notes == ["t.xml: kept the feed's teaser for 6 entries: 6 not fetched past the "
                     "limit of 4 page(s) a feed (setting teaser_pages)"]


def test_teaser_pages_are_capped_by_total_time():
    now = [0.0]
    calls: list[str] = []

    def get(url):
        calls.append(url)
        now[0] += 10.0  # each page takes ten seconds of the fake clock
        return page(8), "text/html", url

    notes: list[str] = []
    router = Router(settings=Settings(teaser_time=25.0), get=get, allowed=lambda u: True,
                    wait=lambda u: None, warn=notes.append, clock=lambda: now[0])
    list(router.from_bytes(teaser_feed(10), "t.xml"))
    assert len(calls) == 3  # at 0, 10 and 20 s; at 30 s the 25 s budget is spent
    assert notes == ["t.xml: kept the feed's teaser for 7 entries: 7 not fetched past the "
                     "25 s budget (setting teaser_time)"]


# --- language ---------------------------------------------------------------------------

def test_story_in_another_language_gets_a_language_and_a_note(tmp_path):
    story = tmp_path / "de.txt"
    story.write_text("Streik in der Kupfermine\n\nDie Arbeiter der Mine in Chile haben am "
                     "Montag die Arbeit niedergelegt, und die Produktion wurde nach Angaben "
                     "der Gewerkschaft eingestellt. Der Kupferpreis ist gestiegen.\n")
    out = CliRunner().invoke(main, ["analyze", str(story), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["language"] == "de"
    notes = [line for line in out.stderr.splitlines() if "written in" in line]
    assert notes == [
        f"stockgroups: warning: {story}: written in German (de); the knowledge base covers "
        "English only, so groups and companies may be missed"]


def test_english_story_gets_no_note():
    notes: list[str] = []
    items = list(Router(stdin=None, warn=notes.append).from_bytes(STORY.encode() + (
        b"The union said the strike would last until the company made a better offer, and "
        b"copper prices rose in London."), "en.txt"))
    assert articles(items)[0].language == "en"
    assert notes == []


def test_bad_input_in_the_middle_does_not_stop_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    items = list(route([str(tmp_path / "missing.txt"), str(good)], Settings()))
    assert errors(items) == [f"{tmp_path / 'missing.txt'}: no such file or directory"]
    assert len(articles(items)) == 1
    assert isinstance(items[0][1], InputError)


def test_many_stories_in_other_languages_are_counted_not_listed():
    lines = "\n".join(json.dumps({"title": f"Bericht {i}", "text": (
        "Die Arbeiter der Mine haben die Arbeit niedergelegt, und der Preis ist nach "
        "Angaben der Händler gestiegen.")}) for i in range(7))
    notes: list[str] = []
    router = Router(warn=notes.append, stdin=io.BytesIO(lines.encode()))
    items = list(router.items(["-"]))
    assert len(articles(items)) == 7
    assert len(notes) == 4
    assert notes[-1] == ("4 more stories not in English (German 4); the knowledge base "
                         "covers English only")
