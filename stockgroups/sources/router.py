"""The one input router: specs (paths, folders, URLs, "-") -> Articles, for every interface.

`analyze`, `ingest`, `watch` and the API all read their inputs here, so they see the
same inputs the same way and every limit holds on every path: the size cap, the fetch
timeout, the address guard, the teaser budget. A bad input never stops the others:
each spec yields its Article(s) or the one-line error saying why it could not be read;
notes that are not failures (a pipe skipped in a folder, a broken feed read in part,
teasers kept, a story in a language the KB does not cover) go to `warn`.

    for label, item in route(["news/", "feeds.opml"], settings, warn=print):
        ...  # item is an Article or a StockGroupsError
"""
from __future__ import annotations

import logging
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO
from urllib.parse import urljoin

from stockgroups.config import Settings
from stockgroups.errors import FetchError, InputError, StockGroupsError
from stockgroups.model import Article, replace
from stockgroups.sources.files import (
    GZIP_MAGIC,
    gunzip,
    parse_bytes,
    read_file,
    read_jsonl_archive,
    read_stdin,
)
from stockgroups.sources.formats.feeds import parse_feed, parse_opml, sniff
from stockgroups.sources.formats.html import read_html
from stockgroups.sources.http import fetch
from stockgroups.sources.language import KB_LANGUAGES, detect_language, language_name
from stockgroups.sources.polite import HostDelay, Robots

log = logging.getLogger(__name__)

Item = tuple[str, "Article | StockGroupsError"]
Getter = Callable[[str], "tuple[bytes, str | None, str]"]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_OTHER_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# After this many article-page fetches of one feed fail in a row, the feed's other
# teasers are kept as they are: offline, or a site that is down, fails them all alike.
TEASER_FAILURE_STREAK = 3
LANGUAGE_NOTES = 3  # stories named one by one as not in a KB language; the rest counted
# What a folder entry that is not a regular file is, for the note saying it was skipped.
_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def guarded_getter(settings: Settings) -> Getter:
    """fetch() with the settings' size cap, time budget and address guard."""
    return partial(fetch, max_bytes=settings.max_bytes, timeout=settings.fetch_timeout,
                   allow_private=settings.allow_private,
                   allow_link_local=settings.allow_link_local)


@dataclass
class _TeaserBudget:
    """What happened to one feed's teaser entries; refuses more fetches past the limits."""

    pages: int
    seconds: float
    clock: Callable[[], float]
    started: float = 0.0
    fetched: int = 0
    kept: int = 0  # teasers kept as they were, for any reason below
    failed: int = 0
    streak: int = 0
    disallowed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    first_error: str = ""

    def __post_init__(self) -> None:
        self.started = self.clock()

    def refusal(self) -> str | None:
        if self.fetched + self.failed >= self.pages:
            return f"past the limit of {self.pages} page(s) a feed (setting teaser_pages)"
        if self.clock() - self.started >= self.seconds:
            return f"past the {self.seconds:g} s budget (setting teaser_time)"
        if self.streak >= TEASER_FAILURE_STREAK:
            return f"after {TEASER_FAILURE_STREAK} failures in a row"
        return None

    def summary(self, source: str) -> str | None:
        """One line for the whole feed, or None when every teaser page was fetched."""
        if not self.kept:
            return None
        parts = []
        if self.failed:
            parts.append(f"{self.failed} page fetch(es) failed (first: {self.first_error})")
        if self.disallowed:
            parts.append(f"{self.disallowed} where robots.txt disallows fetching")
        parts += [f"{n} not fetched {why}" for why, n in self.skipped.items()]
        return f"{source}: kept the feed's teaser for {self.kept} entr" \
               f"{'y' if self.kept == 1 else 'ies'}: " + "; ".join(parts)


@dataclass
class Router:
    """Reads specs into items under one Settings object; hooks let ingest and watch add
    what only they know (what the store holds already, which feeds to remember)."""

    settings: Settings = field(default_factory=Settings)
    get: Getter | None = None  # None: the guarded fetch built from settings
    fetch_pages: bool = True  # fetch the article page of a teaser-only feed entry
    allowed: Callable[[str], bool] | None = None  # robots.txt check; None: Robots(get)
    wait: Callable[[str], None] | None = None  # politeness; None: HostDelay(host_delay)
    known: Callable[[str], bool] = lambda url: False  # already stored: no need to fetch
    warn: Callable[[str], None] = lambda msg: None
    on_feed: Callable[[str], None] = lambda url: None  # a feed URL was read (for watch)
    clock: Callable[[], float] = time.monotonic
    stdin: BinaryIO | None = None  # None: the process's standard input

    def __post_init__(self) -> None:
        self._uncovered = 0
        self._more_languages: dict[str, int] = {}
        if self.get is None:
            self.get = guarded_getter(self.settings)
        if self.wait is None:
            delay = HostDelay(self.settings.host_delay)
            self.wait = delay.wait
        else:
            delay = None
        if self.allowed is None:
            self.allowed = Robots(self._get, delay=delay).allowed

    def _get(self, url: str) -> tuple[bytes, str | None, str]:
        assert self.get is not None
        return self.get(url)

    # -- entry points ----------------------------------------------------------------------

    def items(self, specs: Sequence[str]) -> Iterator[Item]:
        """(label, Article or error) for every input, in the order given."""
        for label, item in self._items(specs):
            if isinstance(item, Article):
                item = self.with_language(item)
            yield label, item
        self._language_summary()

    def from_bytes(self, data: bytes, source: str, content_type: str | None = None,
                   url: str | None = None) -> Iterator[Item]:
        """Items of an input already in hand (a feed body watch has fetched)."""
        for label, item in self._guard(source, partial(self._bytes, data, source,
                                                       content_type, url)):
            if isinstance(item, Article):
                item = self.with_language(item)
            yield label, item

    # -- routing ---------------------------------------------------------------------------

    def _items(self, specs: Sequence[str]) -> Iterator[Item]:
        for spec in specs:
            if spec == "-":
                stream = self.stdin or sys.stdin.buffer
                yield from self._guard(spec, partial(read_stdin, stream,
                                                     self.settings.max_bytes))
            elif spec.lower().startswith(("http://", "https://")):
                yield from self._guard(spec, partial(self._url, spec))
            elif _OTHER_SCHEME.match(spec) and not os.path.exists(spec):
                yield spec, InputError(f"{spec}: only http and https URLs can be fetched")
            elif os.path.isdir(spec):
                yield from self._folder(spec)
            else:
                yield from self._guard(spec, partial(self._file, spec))

    def _folder(self, folder: str) -> Iterator[Item]:
        found = False
        for path, special in walk(folder):
            if special:
                self.warn(f"{path}: skipped ({special}, not a file)")
                continue
            found = True
            yield from self._guard(path, partial(self._file, path))
        if not found:
            yield folder, InputError(f"{folder}: folder has no input files")

    def _guard(self, label: str, read: Callable[[], Iterable[Item]]) -> Iterator[Item]:
        """Run one input's reader, turning any user-facing failure into an item."""
        try:
            yield from read()
        except StockGroupsError as err:
            yield label, err
        except (ValueError, LookupError, OSError, RecursionError, MemoryError) as err:
            # A parser choking on hostile input is still a bad input, not a crash.
            log.debug("reader failed on %s", label, exc_info=True)
            yield label, InputError(f"{label}: unreadable input ({type(err).__name__})")

    def _url(self, url: str, opml_ok: bool = True) -> Iterator[Item]:
        body, ctype, final = self._get(url)
        if not body:
            raise FetchError(f"{url}: empty response")
        yield from self._bytes(body, url, ctype, final, opml_ok=opml_ok)

    def _file(self, path: str) -> Iterator[Item]:
        if path.lower().endswith(JSONL_SUFFIXES):
            yield from read_jsonl_archive(path, self.settings.max_bytes)
            return
        yield from self._bytes(read_file(path, self.settings.max_bytes), path, None, None)

    def _bytes(self, data: bytes, source: str, ctype: str | None, url: str | None,
               opml_ok: bool = True) -> Iterator[Item]:
        name = source
        if data.startswith(GZIP_MAGIC) or source.lower().endswith(".gz"):
            data = gunzip(data, source, self.settings.max_bytes)
            name = source[:-3] if source.lower().endswith(".gz") else source
        kind = sniff(data, name, ctype)
        if kind == "feed":
            yield from self._feed(data, source, ctype, url)
        elif kind == "opml" and opml_ok:
            for feed_url in parse_opml(data, source):
                yield from self._opml_entry(feed_url, source, url)
        elif kind == "opml":
            raise InputError(f"{source}: an OPML list inside an OPML list is not followed")
        else:
            yield from parse_bytes(data, source, max_bytes=self.settings.max_bytes,
                                   content_type=ctype, url=url, name=name)

    def _opml_entry(self, feed_url: str, source: str, url: str | None) -> Iterator[Item]:
        """One feed of an OPML list: http(s) only, whether the list came from the web or a
        file, so a list can never make us read a local file into the store."""
        target = urljoin(url, feed_url) if url else feed_url
        if target.lower().startswith(("http://", "https://")):
            return self._guard(target, partial(self._url, target, False))
        return iter([(target, InputError(f"{source}: feed {feed_url!r} is not an http(s) "
                                         "URL; feed lists name web feeds only"))])

    def _feed(self, data: bytes, source: str, ctype: str | None,
              url: str | None) -> Iterator[Item]:
        feed = parse_feed(data, source, content_type=ctype, base_url=url)
        for problem in feed.problems:
            self.warn(problem)
        if url:
            self.on_feed(source)
        budget = _TeaserBudget(self.settings.teaser_pages, self.settings.teaser_time,
                               self.clock)
        for item in feed.items:
            article = item.article
            if item.teaser and self.fetch_pages and article.url and not self.known(article.url):
                article = self._full_page(article, budget)
            yield article.source, article
        line = budget.summary(source)
        if line:
            self.warn(line)

    def _full_page(self, teaser: Article, budget: _TeaserBudget) -> Article:
        """The article page behind a teaser, within the feed's budget and where robots.txt
        allows; else the teaser, counted for the feed's one summary line."""
        url = teaser.url or ""
        why = budget.refusal()
        if why:
            budget.kept += 1
            budget.skipped[why] = budget.skipped.get(why, 0) + 1
            return teaser
        try:
            assert self.allowed is not None and self.wait is not None
            if not self.allowed(url):
                budget.kept += 1
                budget.disallowed += 1
                return teaser
            self.wait(url)
            body, _ctype, final = self._get(url)
            page = read_html(body, url, url=final)
        except StockGroupsError as err:
            budget.kept += 1
            budget.failed += 1
            budget.streak += 1
            budget.first_error = budget.first_error or str(err)
            return teaser
        budget.fetched += 1
        budget.streak = 0
        if len(page.text) <= len(teaser.text):
            return teaser
        return replace(teaser, title=teaser.title or page.title, text=page.text,
                       published=teaser.published or page.published,
                       published_raw=teaser.published_raw or page.published_raw)

    def with_language(self, article: Article) -> Article:
        """The article with its language; a note when the KB does not cover it (one per
        story for the first few, then one line counting the rest)."""
        language = article.language or detect_language(f"{article.title}\n{article.text}")
        if language and language not in KB_LANGUAGES:
            self._uncovered += 1
            if self._uncovered <= LANGUAGE_NOTES:
                self.warn(f"{article.source}: written in {language_name(language)} "
                          f"({language}); the knowledge base covers English only, so groups "
                          "and companies may be missed")
            else:
                self._more_languages[language] = self._more_languages.get(language, 0) + 1
        return article if language == article.language else replace(article, language=language)

    def _language_summary(self) -> None:
        if self._more_languages:
            counts = ", ".join(f"{language_name(lang)} {n}" for lang, n in
                               sorted(self._more_languages.items(), key=lambda kv: -kv[1]))
            self.warn(f"{sum(self._more_languages.values())} more stories not in English "
                      f"({counts}); the knowledge base covers English only")
            self._more_languages.clear()


def walk(folder: str) -> Iterator[tuple[str, str | None]]:
    """(path, None) for the regular files under a folder, sorted, hidden ones skipped;
    (path, what it is) for pipes, sockets and devices, which are never opened: reading
    one would block or never end."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                mode = os.stat(path).st_mode
            except OSError:
                yield path, None  # a dangling link: reading it gives the one-line error
                continue
            special = next((what for test, what in _SPECIAL_FILES if test(mode)), None)
            yield path, special


def route(inputs: Sequence[str], settings: Settings | None = None,
          **hooks: Any) -> Iterator[Item]:
    """(label, Article or error) for every input under the settings; `hooks` are Router's
    other fields (warn, known, fetch_pages, get...)."""
    return Router(settings=settings or Settings(), **hooks).items(inputs)


def iter_articles(specs: Sequence[str], *, fetcher: Getter | None = None,
                  max_bytes: int | None = None, allow_private: bool = False,
                  settings: Settings | None = None, **hooks: Any) -> Iterator[Item]:
    """route() with the older keyword arguments: `fetcher(url) -> (body, content type,
    final url)` replaces the HTTP fetch (tests)."""
    base = settings or Settings()
    if max_bytes is not None or allow_private:
        base = replace(base, max_bytes=max_bytes or base.max_bytes,
                       allow_private=allow_private or base.allow_private)
    return Router(settings=base, get=fetcher, **hooks).items(specs)


__all__ = ["JSONL_SUFFIXES", "Router", "guarded_getter", "iter_articles", "route", "walk"]
