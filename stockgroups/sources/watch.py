"""Polling feeds politely: conditional GETs, per-feed backoff, per-host delay, robots.txt.

Time and sleep are injected (`clock`, `sleep`) so tests run a day of polling in
milliseconds; every request goes through stockgroups.sources.http and its guards.
"""
from __future__ import annotations

import logging
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from stockgroups import config
from stockgroups.errors import InputError, StockGroupsError
from stockgroups.sources import http as fetch_mod
from stockgroups.sources.polite import POLITENESS_DELAY, HostDelay, Robots

log = logging.getLogger(__name__)

DEFAULT_EVERY = 300.0  # seconds between polls of one feed: most news feeds update hourly
MAX_BACKOFF = 6 * 3600.0  # a failing feed is retried at least this often

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def parse_duration(text: str) -> float:
    """"5m" -> 300.0; "90" and "90s" -> 90.0; "1.5h" -> 5400.0 (config.parse_duration)."""
    try:
        return config.parse_duration(text)
    except ValueError as err:
        raise InputError(f"{text!r}: {err}") from None


@dataclass(frozen=True)
class Response:
    """A conditional GET's outcome: 304 has no body; validators to send next time."""

    status: int
    body: bytes
    content_type: str | None
    final_url: str
    etag: str | None
    last_modified: str | None


class _ConditionalOpener:
    """An opener for fetch(): adds If-None-Match / If-Modified-Since, records the reply.

    It resolves and checks each hop's host again and connects to that checked address,
    so fetch()'s private-address guard holds for every hop.
    """

    def __init__(self, headers: dict[str, str], allow_private: bool,
                 allow_link_local: bool = False) -> None:
        self.headers, self.allow_private = headers, allow_private
        self.allow_link_local = allow_link_local
        self.status = 0
        self.reply_headers: Any = {}

    def open(self, request: urllib.request.Request, timeout: float) -> Any:
        for name, value in self.headers.items():
            request.add_header(name, value)
        ip = fetch_mod.checked_ip(request.full_url, allow_private=self.allow_private,
                                  allow_link_local=self.allow_link_local)
        response = fetch_mod.pinned_opener(ip).open(request, timeout=timeout)
        self.status = getattr(response, "status", None) or response.getcode()
        self.reply_headers = response.headers
        return response


def conditional_get(url: str, *, etag: str | None = None, last_modified: str | None = None,
                    allow_private: bool = False, allow_link_local: bool = False,
                    timeout: float = fetch_mod.DEFAULT_TIMEOUT,
                    max_bytes: int = fetch_mod.DEFAULT_MAX_BYTES) -> Response:
    """GET through stockgroups.sources.http with validators; a 304 comes back as status 304."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                         "text/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = _ConditionalOpener(headers, allow_private, allow_link_local)
    body, ctype, final = fetch_mod.fetch(url, timeout=timeout, max_bytes=max_bytes,
                                         allow_private=allow_private,
                                         allow_link_local=allow_link_local, opener=opener)
    got = opener.reply_headers
    return Response(status=opener.status or 200, body=body, content_type=ctype,
                    final_url=final, etag=got.get("ETag") or etag,
                    last_modified=got.get("Last-Modified") or last_modified)


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    due: float = 0.0
    last_error: str | None = None


@dataclass
class PollResult:
    url: str
    status: str  # "new", "not-modified", "failed"
    new: int = 0
    message: str = ""


@dataclass
class Watcher:
    """Polls feeds each `every` seconds; a failing feed waits twice as long per failure.

    `get(state) -> Response` fetches one feed; `handle(url, response) -> new articles`
    stores its items. `run()` returns after `rounds` passes or when `stop()` says so.
    """

    feeds: list[FeedState]
    get: Callable[[FeedState], Response]
    handle: Callable[[str, Response], int]
    every: float = DEFAULT_EVERY
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    delay: HostDelay | None = None
    max_backoff: float = MAX_BACKOFF
    on_poll: Callable[[PollResult, FeedState], None] | None = None
    results: list[PollResult] = field(default_factory=list)

    def poll(self, state: FeedState) -> PollResult:
        """One conditional GET of one feed; errors become a result, never an exception."""
        if self.delay:
            self.delay.wait(state.url)
        try:
            response = self.get(state)
            if response.status == 304:
                result = PollResult(state.url, "not-modified")
            else:
                result = PollResult(state.url, "new", self.handle(state.url, response))
            state.etag, state.last_modified = response.etag, response.last_modified
            state.failures, state.last_error = 0, None
            state.due = self.clock() + self.every
        except StockGroupsError as err:
            state.failures += 1
            state.last_error = str(err)
            state.due = self.clock() + min(self.every * 2 ** state.failures, self.max_backoff)
            result = PollResult(state.url, "failed", message=str(err))
        self.results.append(result)
        if self.on_poll:
            self.on_poll(result, state)
        return result

    def run(self, rounds: int | None = None, stop: Callable[[], bool] = lambda: False) -> None:
        done = 0
        while not stop() and (rounds is None or done < rounds):
            now = self.clock()
            for state in sorted(self.feeds, key=lambda s: s.due):
                if state.due <= now and not stop():
                    self.poll(state)
            done += 1
            if rounds is not None and done >= rounds:
                break
            wait = min(s.due for s in self.feeds) - self.clock()
            if wait > 0 and not stop():
                self.sleep(wait)


def read_feed_list(data: bytes, source: str) -> list[str]:
    """Feed URLs from an OPML file, or from a text file with one URL a line (# comments).

    Only http(s) URLs: a feed list never makes us read a local file.
    """
    from stockgroups.sources.formats.feeds import parse_opml, sniff

    if sniff(data, source) == "opml":
        urls = parse_opml(data, source)
    else:
        urls = []
        for line in data.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and line not in urls:
                urls.append(line)
    if not urls:
        raise InputError(f"{source}: lists no feeds")
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise InputError(f"{source}: feed {url!r} is not an http(s) URL; feed lists "
                             "name web feeds only")
    return urls


def states(urls: Iterable[str], saved: dict[str, dict[str, Any]] | None = None) -> list[FeedState]:
    """FeedStates for urls, with the validators a previous run saved."""
    saved = saved or {}
    out = []
    for url in urls:
        s = saved.get(url, {})
        out.append(FeedState(url, etag=s.get("etag"), last_modified=s.get("last_modified"),
                             failures=int(s.get("failures") or 0)))
    return out


__all__ = [
    "POLITENESS_DELAY",
    "FeedState",
    "HostDelay",
    "PollResult",
    "Response",
    "Robots",
    "Watcher",
    "conditional_get",
    "parse_duration",
    "read_feed_list",
    "states",
]
