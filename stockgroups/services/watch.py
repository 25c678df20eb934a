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

from stockgroups.config import Settings
from stockgroups.errors import InputError
from stockgroups.services.ingest import Collector, Summary
from stockgroups.sources.polite import HostDelay, Robots
from stockgroups.sources.router import Router, guarded_getter
from stockgroups.sources.watch import Watcher, conditional_get, read_feed_list, states
from stockgroups.store.base import BaseStore
from stockgroups.store.dedupe import canonical_url

Say = Callable[[str, bool], None]  # (line, is it an error/diagnostic)


def make_sources(store: BaseStore, settings: Settings, *, fetch_pages: bool,
                 ignore_robots: bool, warn: Callable[[str], None],
                 delay: HostDelay | None = None) -> Router:
    """The input router with what only the store knows: articles it holds, feeds read;
    the settings' limits, robots.txt and per-host politeness."""
    get = guarded_getter(settings)
    delay = delay or HostDelay(settings.host_delay)
    robots = Robots(get, delay=delay)
    return Router(
        settings=settings, get=get, fetch_pages=fetch_pages,
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


def watch_feeds(store: BaseStore, kb: Any, urls: list[str], settings: Settings, *,
                rounds: int | None, fetch_pages: bool, ignore_robots: bool, say: Say,
                on_new: Callable[[], None] | None = None) -> Summary:
    """Poll every settings.watch_every until `rounds` passes are done (None: until Ctrl-C,
    which stops cleanly); returns what was stored. `on_new` runs after a poll that stored
    news (the alert rules)."""
    saved = {f["url"]: f for f in store.feeds()}
    delay = HostDelay(settings.host_delay)
    sources = make_sources(store, settings, fetch_pages=fetch_pages, ignore_robots=ignore_robots,
                           warn=lambda msg: say(f"warning: {msg}", True), delay=delay)
    collector = Collector(store, kb)

    def get(state: Any) -> Any:
        return conditional_get(state.url, etag=state.etag, last_modified=state.last_modified,
                               allow_private=settings.allow_private,
                               allow_link_local=settings.allow_link_local,
                               timeout=settings.fetch_timeout, max_bytes=settings.max_bytes)

    def handle(url: str, response: Any) -> int:
        before, failures = collector.summary.new, collector.summary.failures
        collector.add(sources.from_bytes(response.body, url, response.content_type,
                                         response.final_url))
        for line in failures:
            say(f"error: {line}", True)
        failures.clear()  # a long watch keeps counts, not every message
        if on_new is not None and collector.summary.new > before:
            on_new()
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

    watcher = Watcher(states(urls, saved), get=get, handle=handle, every=settings.watch_every, delay=delay,
                      on_poll=report)
    try:
        watcher.run(rounds=rounds)
    except KeyboardInterrupt:
        say("stopped", True)
    return collector.summary


__all__ = ["feeds_to_watch", "make_sources", "watch_feeds"]
