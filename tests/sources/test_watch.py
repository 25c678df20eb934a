"""Polling: durations, politeness, backoff, robots.txt, and a real local feed server."""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from email.utils import formatdate

import pytest
from localserver import LocalServer, QuietHandler

from stockgroups.services.ingest import Collector
from stockgroups.sources.router import Router
from stockgroups.errors import FetchError, InputError
from stockgroups.store.sqlite import Store
from stockgroups.sources.watch import (
    FeedState,
    HostDelay,
    Response,
    Robots,
    Watcher,
    conditional_get,
    parse_duration,
    read_feed_list,
)



class FakeTime:
    """A clock whose sleep advances it: a day of polling runs in no time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FeedServer:
    """A feed site on 127.0.0.1 in a thread: ETag / Last-Modified, 304, robots.txt."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.version = 0
        outer = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path not in outer.pages:
                    self.send_error(404)
                    return
                body, ctype = outer.pages[self.path]
                etag = f'"v{outer.version}"'
                if self.path.endswith(".xml") and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
                self.end_headers()
                self.wfile.write(body)

        self._server = LocalServer(Handler)
        self.base = self._server.base

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def server():
    s = FeedServer()
    yield s
    s.stop()


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}/n/{i}</link><description>{x}</description>"
        f"<pubDate>Mon, 0{i + 1} Sep 2025 10:00:00 GMT</pubDate></item>"
        for i, (t, x) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Local</title><link>{base}/</link>{entries}</channel></rss>").encode()


STORIES = [
    ("Kazakhstan uranium output cut", "Kazatomprom said it would cut uranium output in "
     "Kazakhstan next year because of an acid shortage, and uranium prices rose sharply after "
     "the announcement in Almaty on Friday, traders in London said."),
    ("Apple sales beat forecasts", "Apple said iPhone sales in the quarter beat analysts' "
     "forecasts, helped by demand in China and India, and its shares rose in late trading in "
     "New York after the company raised its dividend."),
    ("Chevron buys a rival", "Chevron agreed to buy a smaller oil producer for fifty billion "
     "dollars in stock, the largest deal in the industry this year, the companies said in a "
     "joint statement on Monday morning in Houston."),
]


@pytest.mark.parametrize("text, seconds", [("5m", 300), ("90", 90), ("30s", 30),
                                           ("1.5h", 5400), ("250ms", 0.25), ("2d", 172800)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "0s", "-1m"])
def test_parse_duration_rejects(text):
    with pytest.raises(InputError):
        parse_duration(text)


def test_host_delay_spaces_requests_per_host():
    t = FakeTime()
    delay = HostDelay(2.0, clock=t.clock, sleep=t.sleep)
    delay.wait("https://a.example/1")
    delay.wait("https://b.example/1")  # other host: no wait
    delay.wait("https://a.example/2")
    assert t.sleeps == [2.0]


def test_backoff_doubles_on_errors_and_resets_on_success():
    t = FakeTime()
    outcomes = [FetchError("x: HTTP 503"), FetchError("x: HTTP 503"), None, FetchError("x")]

    def get(state: FeedState) -> Response:
        err = outcomes.pop(0)
        if err:
            raise err
        return Response(304, b"", None, state.url, None, None)

    state = FeedState("https://a.example/feed")
    w = Watcher([state], get=get, handle=lambda url, r: 0, every=60.0, clock=t.clock,
                sleep=t.sleep)
    w.run(rounds=4)
    assert [r.status for r in w.results] == ["failed", "failed", "not-modified", "failed"]
    assert t.sleeps == [120.0, 240.0, 60.0]  # 2x, 4x the interval, then back to 1x
    assert state.failures == 1


def test_watcher_stops_when_asked():
    t = FakeTime()
    calls = []
    w = Watcher([FeedState("https://a.example/f")], every=10.0, clock=t.clock, sleep=t.sleep,
                get=lambda s: calls.append(1) or Response(304, b"", None, s.url, None, None),
                handle=lambda url, r: 0)
    w.run(stop=lambda: len(calls) >= 3)
    assert len(calls) == 3


def test_robots_rules_and_missing_robots():
    pages = {"https://a.example/robots.txt": b"User-agent: *\nDisallow: /private/\n"}

    def get(url: str):
        if url not in pages:
            raise FetchError(f"{url}: HTTP 404")
        return pages[url], "text/plain", url

    robots = Robots(get)
    assert robots.allowed("https://a.example/news/1")
    assert not robots.allowed("https://a.example/private/2")
    assert robots.allowed("https://b.example/anything")  # no robots.txt: allowed


def test_read_feed_list_text_and_opml():
    assert read_feed_list(b"# mine\nhttps://a.example/f\n\nhttps://b.example/g\n",
                          "feeds.txt") == ["https://a.example/f", "https://b.example/g"]
    opml = b'<opml><body><outline xmlUrl="https://a.example/f"/></body></opml>'
    assert read_feed_list(opml, "f.opml") == ["https://a.example/f"]


def test_conditional_get_sends_validators_and_sees_304(server):
    server.pages["/feed.xml"] = (rss(server.base, STORIES[:1]), "application/rss+xml")
    first = conditional_get(server.base + "/feed.xml", allow_private=True)
    assert first.status == 200 and first.etag == '"v0"' and first.last_modified
    second = conditional_get(server.base + "/feed.xml", etag=first.etag, allow_private=True)
    assert second.status == 304 and second.body == b""
    assert server.requests[-1] == ("/feed.xml", '"v0"')


def test_conditional_get_keeps_private_address_guard(server):
    with pytest.raises(FetchError, match="private"):
        conditional_get(server.base + "/feed.xml")


def test_watch_picks_up_new_items_only(server, kb_small):
    """A local feed grows from 2 to 3 items: 2 new, then not modified, then 1 new."""
    url = server.base + "/feed.xml"
    server.pages["/feed.xml"] = (rss(server.base, STORIES[:2]), "application/rss+xml")
    t = FakeTime()
    with Store(":memory:") as store:
        collector = Collector(store, kb_small, clock=lambda: 1.7e9)
        sources = Router(get=lambda u: (_ for _ in ()).throw(AssertionError(u)),
                          fetch_pages=False)

        def handle(feed_url: str, response: Response) -> int:
            before = collector.summary.new
            collector.add(sources.from_bytes(response.body, feed_url, response.content_type,
                                             response.final_url))
            return collector.summary.new - before

        def get(state: FeedState) -> Response:
            if len(w.results) == 2:  # between the second and third poll the feed grows
                server.version += 1
                server.pages["/feed.xml"] = (rss(server.base, STORIES), "application/rss+xml")
            return conditional_get(state.url, etag=state.etag,
                                   last_modified=state.last_modified, allow_private=True)

        w = Watcher([FeedState(url)], get=get, handle=handle, every=300.0, clock=t.clock,
                    sleep=t.sleep, delay=HostDelay(1.0, clock=t.clock, sleep=t.sleep))
        w.run(rounds=4)
        assert [(r.status, r.new) for r in w.results] == [
            ("new", 2), ("not-modified", 0), ("new", 1), ("not-modified", 0)]
        assert store.counts() == {"articles": 3, "stories": 3}
        assert sum(t.sleeps) == pytest.approx(900.0)  # three waits of 5 minutes, no more


def _line_within(proc: subprocess.Popen, seconds: float) -> str:
    """The process's next stdout line, or "" if none comes in time (never blocks longer)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=seconds):
            return ""
    return proc.stdout.readline()


def test_watch_command_stops_cleanly_on_ctrl_c(server, tmp_path):
    server.pages["/feed.xml"] = (rss(server.base, STORIES[:1]), "application/rss+xml")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(server.base + "/feed.xml\n")
    entry = ("from stockgroups.interfaces.cli.main import main; from stockgroups.interfaces.cli.store import "
             "register; register(main); main()")
    proc = subprocess.Popen(
        [sys.executable, "-c", entry, "watch", "--feeds", str(feeds), "--every", "1h",
         "--allow-private", "--db", str(tmp_path / "s.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = _line_within(proc, 30)  # the first poll is reported
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:  # a watch that ignored Ctrl-C must not outlive the test
            proc.kill()
            proc.wait(timeout=10)
    assert "/feed.xml: new, 1 new" in first
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert "watched: 1 new" in out


@pytest.mark.parametrize("listing", [
    b"https://ok.example/feed.xml\n/etc/passwd\n",
    b'<opml version="2.0"><body><outline xmlUrl="../secret/feed.xml"/></body></opml>',
    b"file:///etc/hosts\n",
])
def test_feed_list_names_web_feeds_only(listing):
    with pytest.raises(InputError, match="is not an http\\(s\\) URL"):
        read_feed_list(listing, "feeds.opml" if listing.startswith(b"<") else "feeds.txt")
