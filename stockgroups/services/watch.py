"""The `watch` use case: poll feeds on a schedule and store their new articles.

Wiring only: the polling loop is sources.watch.Watcher, storing is ingest.Collector;
this builds them from the settings and reports each poll through `say`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stockgroups import config
from stockgroups.errors import InputError
from stockgroups.services.ingest import Collector, Sources, Summary, guarded_getter
from stockgroups.sources.watch import (
    HostDelay,
    Robots,
    Watcher,
    conditional_get,
    read_feed_list,
    states,
)
from stockgroups.store.base import BaseStore
from stockgroups.store.dedupe import canonical_url

Say = Callable[[str, bool], None]  # (line, is it an error/diagnostic)


def make_sources(store: BaseStore, *, allow_private: bool | None, fetch_pages: bool,
                 ignore_robots: bool, warn: Callable[[str], None],
                 delay: HostDelay | None = None) -> Sources:
    """The ingest Sources with the settings' limits, robots.txt and per-host politeness."""
    allow = config.get("allow_private") if allow_private is None else allow_private
    get = guarded_getter(allow_private=bool(allow), max_bytes=int(config.get("max_bytes")),
                         timeout=float(config.get("fetch_timeout")))
    delay = delay or HostDelay()
    robots = Robots(get, delay=delay)
    return Sources(
        get=get, max_bytes=int(config.get("max_bytes")), fetch_pages=fetch_pages,
        allowed=(lambda url: True) if ignore_robots else robots.allowed, wait=delay.wait,
        known=lambda url: store.has_url(canonical_url(url) or url), warn=warn,
        on_feed=lambda url: store.add_feeds([url]))


def feeds_to_watch(store: BaseStore, feeds_file: str | None) -> list[str]:
    """The feeds of an OPML or text file (remembered in the store), else those remembered."""
    if feeds_file:
        try:
            data = Path(feeds_file).read_bytes()
        except OSError as err:
            raise InputError(f"{feeds_file}: cannot read ({err.strerror})") from None
        urls = read_feed_list(data, feeds_file)
        store.add_feeds(urls)
        return list(urls)
    urls = [f["url"] for f in store.feeds()]
    if not urls:
        raise InputError("no feeds to watch: give --feeds FILE, or ingest a feed URL first")
    return urls


def watch_feeds(store: BaseStore, kb: Any, urls: list[str], *, every: float,
                politeness: float, rounds: int | None, allow_private: bool | None,
                fetch_pages: bool, ignore_robots: bool, say: Say) -> Summary:
    """Poll until `rounds` passes are done (None: until Ctrl-C, which stops cleanly);
    returns what was stored."""
    allow = bool(config.get("allow_private") if allow_private is None else allow_private)
    saved = {f["url"]: f for f in store.feeds()}
    delay = HostDelay(politeness)
    sources = make_sources(store, allow_private=allow, fetch_pages=fetch_pages,
                           ignore_robots=ignore_robots,
                           warn=lambda msg: say(f"warning: {msg}", True), delay=delay)
    collector = Collector(store, kb)

    def get(state: Any) -> Any:
        return conditional_get(state.url, etag=state.etag, last_modified=state.last_modified,
                               allow_private=allow, timeout=float(config.get("fetch_timeout")),
                               max_bytes=int(config.get("max_bytes")))

    def handle(url: str, response: Any) -> int:
        before, failures = collector.summary.new, collector.summary.failures
        collector.add(sources.from_bytes(response.body, url, response.content_type,
                                         response.final_url))
        for line in failures:
            say(f"error: {line}", True)
        failures.clear()  # a long watch keeps counts, not every message
        return collector.summary.new - before

    def report(result: Any, state: Any) -> None:
        stamp = time.strftime("%H:%M:%S")
        if result.status == "failed":
            say(f"{stamp} {result.url}: failed ({result.message}); retry in "
                f"{state.due - time.monotonic():.0f} s", True)
        else:
            say(f"{stamp} {result.url}: {result.status}, {result.new} new", False)
        store.save_feed(state.url, etag=state.etag, last_modified=state.last_modified,
                        polled=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        failures=state.failures, error=state.last_error)

    watcher = Watcher(states(urls, saved), get=get, handle=handle, every=every, delay=delay,
                      on_poll=report)
    try:
        watcher.run(rounds=rounds)
    except KeyboardInterrupt:
        say("stopped", True)
    return collector.summary


__all__ = ["feeds_to_watch", "make_sources", "watch_feeds"]
