"""Ingest: articles -> analysed, clustered into stories, stored exactly once.

The items come from the one input router (stockgroups.sources.router: files, folders,
page URLs, RSS/Atom feeds, OPML lists, JSON Lines archives streamed line by line);
articles go in batches: duplicates (same canonical URL, or same content with no URL)
are dropped before analysis, the rest are analysed, matched against recent stories,
and written in one transaction per batch.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from stockgroups.analysis.version import analysis_version
from stockgroups.errors import StockGroupsError
from stockgroups.model import Article
from stockgroups.sources.router import Item
from stockgroups.store import dedupe
from stockgroups.store.base import ArticleRow, BaseStore, Companies, companies_of
from stockgroups.store.times import DATE_ONLY_RE, iso_utc, parse_time, published_epoch

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # articles per transaction: large enough for executemany to pay off
LSH_LOAD_LIMIT = 150_000  # at most this many signatures are read back into the index
IN_FLIGHT_BATCHES = 4  # batches analysed ahead of the one being written (jobs > 1)


@dataclass
class Summary:
    """What an ingest did: counts, and one line per failed input or warning."""

    new: int = 0
    duplicate: int = 0
    failed: int = 0
    stories: int = 0  # new stories among the new articles
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.new + self.duplicate + self.failed

    def line(self) -> str:
        return (f"{self.new} new ({self.stories} new stories), {self.duplicate} duplicate, "
                f"{self.failed} failed")


# -- analysis (runs in worker processes when jobs > 1) -------------------------------------

_WORKER_KB: Any = None
Groups = tuple[tuple[str, str, float], ...]
# (title, text, analysis JSON, groups, kb_version, signature, facts, subject, companies)
Analysed = tuple[str, str, str, Groups, str, "bytes | None", bytes, "str | None", Companies]


def _init_worker(kb: Any) -> None:
    global _WORKER_KB
    _WORKER_KB = kb
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay
    # quiet instead of each printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def analyse(article: Article, kb: Any) -> Analysed:
    """(clean title, clean text, analysis JSON without them, groups, kb_version, signature,
    facts, subject, companies): all a store row needs, computed where the analysis runs
    (a worker process)."""
    from stockgroups.analysis.pipeline import run

    result = run(article, kb)
    data = result.to_dict()
    title, text = data.pop("title"), data.pop("text")
    groups = tuple((g.id, g.direction, float(g.score)) for g in result.groups)
    sig = dedupe.signature(f"{title}\n{text}")
    return (title, text, json.dumps(data, ensure_ascii=False), groups, result.analysis_version,
            dedupe.to_blob(sig), dedupe.facts(text).tobytes(), dedupe.subject_key(data),
            companies_of(data))


def analyse_safely(article: Article, kb: Any) -> Analysed | str:
    """analyse(), or the one-line reason it failed: one odd article must not end a run."""
    try:
        return analyse(article, kb)
    except Exception as err:
        log.debug("analysis failed on %s", article.source, exc_info=True)
        return f"{article.source}: analysis failed ({type(err).__name__}: {err})"


def _analyse_many(articles: list[Article]) -> list[Analysed | str]:
    return [analyse_safely(a, _WORKER_KB) for a in articles]


# -- the collector ------------------------------------------------------------------------


@dataclass
class _Pending:
    label: str
    article: Article
    url_key: str | None
    content_hash: str


class Collector:
    """Feeds articles into a store: dedupe, analyse, cluster, write; one batch a transaction."""

    def __init__(self, store: BaseStore, kb: Any, *, clock: Callable[[], float] = time.time,
                 batch_size: int = BATCH_SIZE, jobs: int = 1,
                 progress: Callable[[Summary], None] | None = None) -> None:
        self.store, self.kb, self.clock = store, kb, clock
        self.batch_size, self.jobs, self.progress = batch_size, max(1, jobs), progress
        self.summary = Summary()
        self._load_index()
        self._claimed_urls: set[str] = set()  # keys handed to analysis in this run
        self._claimed_hashes: set[str] = set()

    def add(self, items: Iterable[Item]) -> Summary:
        """Store every item; returns the running summary. Batches are analysed in worker
        processes (jobs > 1) once a full batch shows the input is big enough to pay off."""
        from stockgroups.analysis import pipeline  # noqa: F401 - imported before any fork

        pool = None
        try:
            in_flight: deque[tuple[list[_Pending], Any]] = deque()
            for batch, full in self._batches(items):
                if not batch:
                    continue
                if pool is None and self.jobs > 1 and full:
                    ctx = multiprocessing.get_context("fork")
                    pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(self.kb,))
                if pool is None:
                    self._write(batch, [analyse_safely(p.article, self.kb) for p in batch])
                    continue
                articles = [p.article for p in batch]
                step = -(-len(articles) // self.jobs)  # one chunk per worker: none idles
                chunks = [articles[i:i + step] for i in range(0, len(articles), step)]
                in_flight.append((batch, pool.map_async(_analyse_many, chunks, chunksize=1)))
                if len(in_flight) > IN_FLIGHT_BATCHES:
                    done, job = in_flight.popleft()
                    self._write(done, [r for chunk in job.get() for r in chunk])
            while in_flight:
                done, job = in_flight.popleft()
                self._write(done, [r for chunk in job.get() for r in chunk])
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
        return self.summary

    def _load_index(self) -> None:
        """Rebuild the clusterer from the store: what a killed or earlier run indexed."""
        self.clusterer = dedupe.Clusterer()
        span = dedupe.EVICT_WINDOWS * dedupe.WINDOW_DAYS * dedupe.DAY
        self.clusterer.load(self.store.signatures(LSH_LOAD_LIMIT, span))

    def _batches(self, items: Iterable[Item]) -> Iterator[tuple[list[_Pending], bool]]:
        """(new articles, whether the input filled a batch), failures and duplicates
        counted on the way; stored duplicates are found with one query per batch."""
        batch: list[_Pending] = []
        for label, item in items:
            if isinstance(item, StockGroupsError):
                self.summary.failed += 1
                self.summary.failures.append(str(item))
                self._report()
                continue
            url_key = dedupe.canonical_url(item.url)
            chash = dedupe.content_hash(item.title, item.text)
            if url_key in self._claimed_urls if url_key else chash in self._claimed_hashes:
                self.summary.duplicate += 1
                self._report()
                continue
            if url_key:
                self._claimed_urls.add(url_key)
            self._claimed_hashes.add(chash)
            batch.append(_Pending(label, item, url_key, chash))
            if len(batch) >= self.batch_size:
                yield self._unstored(batch), True
                batch = []
        if batch:
            yield self._unstored(batch), False

    def _unstored(self, batch: list[_Pending]) -> list[_Pending]:
        """The batch without articles a previous run stored (same URL, or same content
        for articles without one)."""
        urls = self.store.known_urls(p.url_key for p in batch if p.url_key)
        hashes = self.store.stories_of_hashes(p.content_hash for p in batch if not p.url_key)
        fresh = [p for p in batch if not (p.url_key in urls if p.url_key
                                          else p.content_hash in hashes)]
        if len(fresh) < len(batch):
            self.summary.duplicate += len(batch) - len(fresh)
            self._report()
        return fresh

    def _write(self, batch: list[_Pending], results: list[Analysed | str]) -> None:
        """One transaction: re-check identity, assign stories, insert everything."""
        try:
            self._write_batch(batch, results)
        except Exception:
            # The index may hold texts the rolled-back transaction never stored.
            self._load_index()
            raise

    def _write_batch(self, batch: list[_Pending], results: list[Analysed | str]) -> None:
        now = self.clock()
        seen_at = _iso(now)
        rows: list[ArticleRow] = []
        new_stories: list[tuple[int, float]] = []
        with self.store.transaction():
            next_article, next_story = self.store.next_ids()
            # Another writer (watch beside ingest) may have stored some meanwhile.
            urls = self.store.known_urls(p.url_key for p in batch if p.url_key)
            hash_story = self.store.stories_of_hashes(p.content_hash for p in batch)
            for p, result in zip(batch, results):
                if isinstance(result, str):
                    self.summary.failed += 1
                    self.summary.failures.append(result)
                    continue
                (title, text, data, groups, kb_version, blob, fact_blob, subject,
                 companies) = result
                if p.url_key in urls or (not p.url_key and p.content_hash in hash_story):
                    self.summary.duplicate += 1
                    continue
                published, raw = _stored_time(p.article.published)
                dated = published_epoch(published)
                epoch = dated if dated is not None else now
                sig, text_facts = dedupe.from_blob(blob), dedupe.from_blob(fact_blob)
                story = hash_story.get(p.content_hash)
                if story is not None:
                    match = dedupe.Match(story, None, 1.0)
                else:
                    match = self.clusterer.match(sig, dated, text_facts, subject)
                article_id = next_article
                next_article += 1
                if match.story_id is None:
                    story = next_story
                    next_story += 1
                    new_stories.append((story, match.novelty))
                else:
                    story = match.story_id
                hash_story.setdefault(p.content_hash, story)
                if p.url_key:
                    urls.add(p.url_key)
                self.clusterer.add(article_id, sig, story, dated, text_facts, subject)
                rows.append(ArticleRow(
                    id=article_id, story_id=story, url_key=p.url_key,
                    content_hash=p.content_hash, source=p.label, url=p.article.url,
                    title=title, text=text, published=published, seen_at=seen_at, epoch=epoch,
                    similarity=round(match.similarity, 3), kb_version=kb_version,
                    analysis=data, groups=groups, sig=blob, facts=fact_blob,
                    dated=dated is not None, companies=companies, subject=subject,
                    published_raw=raw))
            self.store.insert(rows, new_stories)
        self.summary.new += len(rows)
        self.summary.stories += len(new_stories)
        self._report()

    def _report(self) -> None:
        if self.progress:
            self.progress(self.summary)


def reanalyze(store: BaseStore, kb: Any, *, batch: int = BATCH_SIZE,
              progress: Callable[[int], None] | None = None) -> tuple[int, list[str]]:
    """Re-run the analysis of every stored article made with another analysis version
    (another KB content, analysis code or package version: analysis/version.py).

    Returns (articles updated, one line per article that failed and kept its analysis).
    """
    done, failures = 0, []
    for rows in store.stale(analysis_version(kb), batch):
        updates = []
        for aid, source, url, title, text, published in rows:
            result = analyse_safely(
                Article(source=source, title=title, text=text, url=url, published=published), kb)
            if isinstance(result, str):
                failures.append(result)
                continue
            _title, _text, data, groups, version, *_rest = result
            updates.append((aid, version, data, groups))
        with store.transaction():
            store.replace_analyses(updates)
        done += len(updates)
        if progress:
            progress(done)
    return done, failures


def _stored_time(published: str | None) -> tuple[str | None, str | None]:
    """(what the store keeps as the publication time, the original when that differs):
    a time that parses is kept as UTC ISO 8601, a bare ISO date as it is, anything else
    as written (it then sorts by the time it was seen)."""
    if not published or DATE_ONLY_RE.match(published):
        return published, None
    epoch = parse_time(published)
    if epoch is None:
        return published, None
    iso = iso_utc(epoch)
    return iso, (published if iso != published else None)


def _iso(epoch: float) -> str:
    return iso_utc(epoch)


__all__ = [
    "BATCH_SIZE",
    "Collector",
    "Summary",
    "analyse",
    "parse_time",
    "reanalyze",
]
