"""What every store does, whatever the database: the interface and the SQL they share.

A backend (sqlite.py, postgres.py) supplies the connection, its migrations, how a
transaction starts, full-text search and how its errors read; everything else is plain
SQL written once here with `?` placeholders (a backend rewrites them if its driver wants
another style). One writer at a time; each batch of articles lands in one transaction,
so a failure anywhere leaves the whole batch or none of it.
"""
from __future__ import annotations

import json
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from stockgroups.errors import StockGroupsError
from stockgroups.store.times import DATE_ONLY_RE, iso_utc, published_epoch

log = logging.getLogger(__name__)

# Bounds on a search, so one query cannot hold the store (or a web worker) for long.
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 32
SEARCH_BUDGET_S = 2.0  # a query still running after this is stopped with a one-line error
EXPORT_PAGE = 1000  # rows read per query while exporting: streams any store size
IN_CHUNK = 500  # parameters per IN (...) list, well under SQLite's limit
SNIPPET_WORDS = 24


class StoreError(StockGroupsError):
    """The store cannot be opened or written, is from a newer version, or a query is bad."""


@dataclass(frozen=True)
class ArticleRow:
    """One source of a story, ready to insert (ids assigned by the caller in a transaction)."""

    id: int
    story_id: int
    url_key: str | None
    content_hash: str
    source: str
    url: str | None
    title: str
    text: str
    published: str | None
    seen_at: str
    epoch: float
    similarity: float
    kb_version: str
    analysis: str  # JSON of Analysis.to_dict() without title and text
    groups: tuple[tuple[str, str, float], ...]  # (group id, direction, score)
    sig: bytes | None
    facts: bytes | None = None
    dated: bool = True  # epoch is a publication time (not the time it was seen)
    companies: tuple[tuple[str, str, str, float], ...] = ()  # (ticker, name, direction, score)
    subject: str | None = None  # dedupe.subject_key of the analysis: guards clustering
    published_raw: str | None = None  # the date as the source wrote it, when it differs


Groups = tuple[tuple[str, str, float], ...]
Companies = tuple[tuple[str, str, str, float], ...]


def companies_of(analysis: dict[str, Any]) -> Companies:
    """(ticker, name, direction, score) of the companies an analysis dict moves, then of
    those it names without moving them (direction neutral, score = their relevance)."""
    found: dict[str, tuple[str, str, str, float]] = {}
    for c in analysis.get("companies", []):
        ticker = str(c.get("ticker") or "").upper()
        if ticker and ticker not in found:
            found[ticker] = (ticker, str(c.get("name") or ""),
                             str(c.get("direction") or "neutral"), float(c.get("score") or 0))
    for e in analysis.get("entities", []):
        if e.get("kind") == "company" and str(e.get("id", "")).startswith("company:"):
            ticker = e["id"].split(":", 1)[1].upper()
            found.setdefault(ticker, (ticker, str(e.get("name") or ""), "neutral",
                                      float(e.get("relevance") or 0)))
    return tuple(found.values())


@dataclass(frozen=True)
class StoryFilter:
    """What `stories` narrows to; every field optional."""

    group: str | None = None
    since: float | None = None  # epoch seconds (UTC)
    before: float | None = None
    ticker: str | None = None
    company: str | None = None  # part of a company's name, any case
    limit: int = 50


class BaseStore(ABC):
    """A connection to one store, migrated to its backend's SCHEMA_VERSION."""

    #: shown to the user: a file path, or a database URL without its password
    location: str = ""
    backend: str = ""

    # -- what a backend supplies -------------------------------------------------------

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def version(self) -> int: ...

    @property
    @abstractmethod
    def schema_version(self) -> int:
        """The version this program's migrations reach."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One writer's transaction: commits, or rolls back everything on any exception."""

    @abstractmethod
    def _search_ids(self, query: str, limit: int, budget_s: float) -> list[int]: ...

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (placeholders `?`); returns a cursor. Errors become StoreError."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def size_bytes(self) -> int | None:
        """The store's size on disk, when the backend can tell."""

    #: appended to a text column compared with < or >= so that a prefix range
    #: (`col >= 'company:' AND col < 'company;'`) follows byte order on every backend
    byte_order: str = ""

    def day_number(self, epoch_sql: str) -> str:
        """SQL for the UTC day number (days since 1970-01-01) of an epoch expression."""
        return f"CAST(({epoch_sql}) / 86400.0 AS INTEGER)"  # truncates: epochs are >= 0

    def optimize(self) -> None:
        """Refresh the planner's statistics after a bulk write (a backend's own way)."""

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations' data steps --------------------------------------------------------

    def _data_step(self, name: str) -> None:
        """Python steps some migrations need after their SQL (named in a backend's list)."""
        steps: dict[str, Callable[[], None]] = {
            "companies": self._backfill_companies,
            "dates": self._normalise_dates,
        }
        steps[name]()

    def _backfill_companies(self) -> None:
        """Companies of every stored analysis, page by page (memory stays flat)."""
        last = 0
        while True:
            rows = self._execute(
                "SELECT article_id, analysis FROM analyses WHERE article_id > ? "
                "ORDER BY article_id LIMIT ?", (last, EXPORT_PAGE)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            self._execute_many(
                "INSERT INTO article_companies (ticker, article_id, name, direction, score) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(t, aid, n, d, s) for aid, data in rows
                 for t, n, d, s in companies_of(json.loads(data))])

    def _normalise_dates(self) -> None:
        """Stored dates as the source wrote them become UTC ISO; the original is kept in
        published_raw and the story's first time follows. Unparseable ones stay as they are."""
        fixes = []
        for aid, published in self._execute(
                "SELECT id, published FROM articles WHERE published IS NOT NULL").fetchall():
            epoch = published_epoch(published)
            if epoch is None or DATE_ONLY_RE.match(published):
                continue  # unreadable, or a bare ISO date (kept: it says no more)
            iso = iso_utc(epoch)
            if iso != published:
                fixes.append((iso, published, epoch, aid))
        if not fixes:
            return
        self._execute_many("UPDATE articles SET published = ?, published_raw = ?, epoch = ? "
                           "WHERE id = ?", fixes)
        self._execute_many("UPDATE signatures SET epoch = ? WHERE article_id = ?",
                           [(epoch, aid) for _, _, epoch, aid in fixes])
        self._execute(
            "UPDATE stories SET first_epoch = (SELECT min(a.epoch) FROM articles a "
            "WHERE a.story_id = stories.id) WHERE id IN (SELECT story_id FROM articles)")
        self._execute(
            "UPDATE stories SET original_id = (SELECT a.id FROM articles a WHERE a.story_id = "
            "stories.id ORDER BY a.epoch, a.id LIMIT 1) WHERE id IN (SELECT story_id FROM "
            "articles)")
        self._execute(
            "UPDATE stories SET first_time = (SELECT coalesce(a.published, a.seen_at) FROM "
            "articles a WHERE a.id = stories.original_id), title = (SELECT a.title FROM "
            "articles a WHERE a.id = stories.original_id) WHERE id IN (SELECT story_id FROM "
            "articles)")
        log.info("normalised %d stored publication dates to UTC", len(fixes))

    # -- identity ----------------------------------------------------------------------

    def has_url(self, url_key: str) -> bool:
        return self._execute("SELECT 1 FROM articles WHERE url_key = ?",
                             (url_key,)).fetchone() is not None

    def story_of_hash(self, content_hash: str) -> int | None:
        row = self._execute("SELECT story_id FROM articles WHERE content_hash = ? LIMIT 1",
                            (content_hash,)).fetchone()
        return row[0] if row else None

    def known_urls(self, url_keys: Iterable[str]) -> set[str]:
        """Those of the canonical URLs already stored (one query per IN_CHUNK)."""
        return {r[0] for chunk in _chunks(list(url_keys)) for r in self._execute(
            f"SELECT url_key FROM articles WHERE url_key IN ({_marks(chunk)})",
            chunk).fetchall()}

    def stories_of_hashes(self, hashes: Iterable[str]) -> dict[str, int]:
        """Content hash -> a story holding that exact content, for those already stored."""
        return {h: sid for chunk in _chunks(list(hashes)) for h, sid in self._execute(
            "SELECT content_hash, min(story_id) FROM articles "
            f"WHERE content_hash IN ({_marks(chunk)}) GROUP BY content_hash",
            chunk).fetchall()}

    def next_ids(self) -> tuple[int, int]:
        """(next article id, next story id): call inside a transaction."""
        a = self._execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
        s = self._execute("SELECT coalesce(max(id), 0) + 1 FROM stories").fetchone()[0]
        return int(a), int(s)

    # -- writes ------------------------------------------------------------------------

    def insert(self, rows: Sequence[ArticleRow], new_stories: Iterable[tuple[int, float]]) -> None:
        """Insert articles (and the stories they open): call inside a transaction.

        `new_stories` is (story id, novelty) for stories these rows create; every other
        row joins an existing story, whose original moves to it if it is earlier.
        """
        first: dict[int, ArticleRow] = {}
        for r in rows:
            if r.story_id not in first or r.epoch < first[r.story_id].epoch:
                first[r.story_id] = r
        created = dict(new_stories)
        self._execute_many(
            "INSERT INTO stories (id, original_id, title, first_time, first_epoch, novelty, "
            "sources) VALUES (?, ?, ?, ?, ?, ?, 0)",
            [(sid, first[sid].id, first[sid].title, _time_of(first[sid]), first[sid].epoch,
              novelty) for sid, novelty in created.items()])
        self._execute_many(
            "INSERT INTO articles (id, story_id, url_key, content_hash, source, url, title, "
            "text, published, seen_at, epoch, similarity, published_raw) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(r.id, r.story_id, r.url_key, r.content_hash, r.source, r.url, r.title, r.text,
              r.published, r.seen_at, r.epoch, r.similarity, r.published_raw) for r in rows])
        self._execute_many(
            "INSERT INTO analyses (article_id, kb_version, analysis) VALUES (?, ?, ?)",
            [(r.id, r.kb_version, r.analysis) for r in rows])
        self._execute_many(
            "INSERT INTO article_groups (group_id, article_id, direction, score) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(g, r.id, d, s) for r in rows for g, d, s in r.groups])
        self._execute_many(
            "INSERT INTO article_companies (ticker, article_id, name, direction, score) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(t.upper(), r.id, n, d, s) for r in rows for t, n, d, s in r.companies])
        self._execute_many(
            "INSERT INTO signatures (article_id, story_id, epoch, sig, facts, subject) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(r.id, r.story_id, r.epoch if r.dated else None, r.sig, r.facts, r.subject)
             for r in rows if r.sig is not None])
        # Every row counts as a source; an earlier row becomes the story's original.
        self._execute_many(
            "UPDATE stories SET sources = sources + 1, "
            "original_id = CASE WHEN ? < first_epoch THEN ? ELSE original_id END, "
            "title = CASE WHEN ? < first_epoch THEN ? ELSE title END, "
            "first_time = CASE WHEN ? < first_epoch THEN ? ELSE first_time END, "
            "first_epoch = CASE WHEN ? < first_epoch THEN ? ELSE first_epoch END WHERE id = ?",
            [(r.epoch, r.id, r.epoch, r.title, r.epoch, _time_of(r), r.epoch, r.epoch,
              r.story_id) for r in rows])

    def signatures(self, limit: int, span: float) -> list[tuple[int, int, float | None, bytes,
                                                                 bytes | None, str | None]]:
        """Signatures the clusterer needs: those dated within `span` seconds of the newest,
        and undated ones, newest first, at most `limit`:
        (article, story, epoch, sig, facts, subject)."""
        return [(a, s, e, bytes(sig), None if f is None else bytes(f), subj)
                for a, s, e, sig, f, subj in self._execute(
                    "SELECT article_id, story_id, epoch, sig, facts, subject FROM signatures "
                    "WHERE epoch IS NULL OR epoch >= (SELECT max(epoch) FROM signatures) - ? "
                    "ORDER BY article_id DESC LIMIT ?", (float(span), limit)).fetchall()]

    def count_before(self, before: float) -> int:
        """Stories first seen before `before` (epoch): what prune() would delete."""
        return int(self._execute("SELECT count(*) FROM stories WHERE first_epoch < ?",
                                 (before,)).fetchone()[0])

    def prune(self, before: float) -> tuple[int, int]:
        """Delete the stories first seen before `before` (epoch) with all their articles.

        Returns (stories, articles) deleted; one transaction."""
        with self.transaction():
            ids = [r[0] for r in self._execute(
                "SELECT id FROM stories WHERE first_epoch < ?", (before,)).fetchall()]
            articles = 0
            for chunk in _chunks(ids):
                marks = _marks(chunk)
                inner = f"SELECT id FROM articles WHERE story_id IN ({marks})"
                for table, key in (("article_groups", "article_id"),
                                   ("article_companies", "article_id"),
                                   ("signatures", "article_id"), ("analyses", "article_id")):
                    self._execute(f"DELETE FROM {table} WHERE {key} IN ({inner})", chunk)
                articles += self._execute(f"DELETE FROM articles WHERE story_id IN ({marks})",
                                          chunk).rowcount
                self._execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
        return len(ids), articles

    # -- reanalysis --------------------------------------------------------------------

    def stale(self, kb_version: str, batch: int = 500) -> Iterator[list[tuple[Any, ...]]]:
        """Batches of articles whose analysis came from another KB version."""
        last = 0
        while True:
            rows = self._execute(
                "SELECT a.id, a.source, a.url, a.title, a.text, a.published FROM articles a "
                "JOIN analyses n ON n.article_id = a.id "
                "WHERE n.kb_version != ? AND a.id > ? ORDER BY a.id LIMIT ?",
                (kb_version, last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield rows

    def count_stale(self, kb_version: str) -> int:
        return int(self._execute("SELECT count(*) FROM analyses WHERE kb_version != ?",
                                 (kb_version,)).fetchone()[0])

    def replace_analyses(self, updates: Sequence[tuple[int, str, str, Groups]]) -> None:
        """(article id, kb_version, analysis JSON, groups) per article, in a transaction."""
        ids = [(u[0],) for u in updates]
        self._execute_many("DELETE FROM article_groups WHERE article_id = ?", ids)
        self._execute_many("DELETE FROM article_companies WHERE article_id = ?", ids)
        self._execute_many(
            "UPDATE analyses SET kb_version = ?, analysis = ? WHERE article_id = ?",
            [(v, a, i) for i, v, a, _ in updates])
        self._execute_many(
            "INSERT INTO article_groups (group_id, article_id, direction, score) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(g, i, d, s) for i, _, _, groups in updates for g, d, s in groups])
        self._execute_many(
            "INSERT INTO article_companies (ticker, article_id, name, direction, score) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(t, i, n, d, s) for i, _, data, _ in updates
             for t, n, d, s in companies_of(json.loads(data))])

    # -- reads -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        one = self._execute
        return {"articles": int(one("SELECT count(*) FROM articles").fetchone()[0]),
                "stories": int(one("SELECT count(*) FROM stories").fetchone()[0])}

    def table_counts(self) -> dict[str, int]:
        """Rows per table, for `db info`."""
        return {t: int(self._execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("stories", "articles", "analyses", "article_groups",
                          "article_companies", "feeds")}

    def kb_versions(self) -> dict[str, int]:
        """Analyses per KB (analysis) version, most used first."""
        return {v: int(n) for v, n in self._execute(
            "SELECT kb_version, count(*) FROM analyses GROUP BY kb_version "
            "ORDER BY count(*) DESC, kb_version").fetchall()}

    def stories(self, *, group: str | None = None, since: float | None = None,
                limit: int = 50, where: StoryFilter | None = None) -> list[dict[str, Any]]:
        """Newest stories first, each with its sources (original first) and groups."""
        f = where or StoryFilter(group=group, since=since, limit=limit)
        sql = "SELECT s.id, s.title, s.first_time, s.novelty, s.original_id FROM stories s"
        conds: list[str] = []
        params: list[Any] = []
        if f.group:
            conds.append("s.id IN (SELECT a.story_id FROM article_groups g "
                         "JOIN articles a ON a.id = g.article_id WHERE g.group_id = ?)")
            params.append(f.group)
        if f.ticker:
            conds.append("s.id IN (SELECT a.story_id FROM article_companies c "
                         "JOIN articles a ON a.id = c.article_id WHERE c.ticker = ?)")
            params.append(f.ticker.strip().upper())
        if f.company:
            conds.append("s.id IN (SELECT a.story_id FROM article_companies c "
                         "JOIN articles a ON a.id = c.article_id WHERE lower(c.name) LIKE ? "
                         "ESCAPE '!')")
            params.append("%" + _like_escape(f.company.strip().casefold()) + "%")
        if f.since is not None:
            conds.append("s.first_epoch >= ?")
            params.append(float(f.since))
        if f.before is not None:
            conds.append("s.first_epoch < ?")
            params.append(float(f.before))
        if conds:
            sql += " WHERE " + " AND ".join(conds)
        sql += " ORDER BY s.first_epoch DESC, s.id DESC LIMIT ?"
        params.append(f.limit)
        return [self._story(*row) for row in self._execute(sql, params).fetchall()]

    def story(self, story_id: int) -> dict[str, Any] | None:
        row = self._execute("SELECT id, title, first_time, novelty, original_id "
                            "FROM stories WHERE id = ?", (story_id,)).fetchone()
        return self._story(*row) if row else None

    def story_detail(self, story_id: int) -> dict[str, Any] | None:
        """One story as `story()` gives it, plus the original's clean text and the
        companies and evidence chains of every source's analysis."""
        story = self.story(story_id)
        if story is None:
            return None
        rows = self._execute(
            "SELECT a.id, a.text, n.analysis, n.kb_version FROM articles a "
            "JOIN analyses n ON n.article_id = a.id WHERE a.story_id = ? ORDER BY a.id",
            (story_id,)).fetchall()
        by_id = {aid: (text, json.loads(data), kbv) for aid, text, data, kbv in rows}
        original = next((s["article_id"] for s in story["sources"] if s["original"]),
                        story["sources"][0]["article_id"] if story["sources"] else None)
        text, analysis, kbv = by_id.get(original, ("", {}, ""))
        evidence: dict[str, list[str]] = {}
        companies: dict[str, dict[str, Any]] = {}
        for _text, data, _kbv in by_id.values():
            for g in data.get("groups", []):
                evidence.setdefault(g["id"], list(g.get("evidence", [])))
            for c in data.get("companies", []):
                best = companies.get(c["ticker"])
                if best is None or c.get("score", 0) > best.get("score", 0):
                    companies[c["ticker"]] = {k: c.get(k) for k in
                                              ("ticker", "name", "direction", "score", "via",
                                               "evidence")}
        story["text"] = text
        story["kb_version"] = kbv
        story["events"] = analysis.get("events", [])
        story["groups"] = [{**g, "evidence": evidence.get(g["id"], [])} for g in story["groups"]]
        story["companies"] = sorted(companies.values(),
                                    key=lambda c: (-(c.get("score") or 0), c["ticker"]))
        return story

    def story_sources(self, sid: int, original_id: int) -> list[dict[str, Any]]:
        """A story's articles, the original first, then in the order they were published."""
        return [
            {"article_id": a, "source": src, "url": url, "published": pub, "seen_at": seen,
             "original": a == original_id, "similarity": round(sim, 3)}
            for a, src, url, pub, seen, sim in self._execute(
                "SELECT id, source, url, published, seen_at, similarity FROM articles "
                "WHERE story_id = ? ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, epoch, id",
                (sid, original_id)).fetchall()]

    def _story(self, sid: int, title: str, first_time: str, novelty: float,
               original_id: int) -> dict[str, Any]:
        sources = self.story_sources(sid, original_id)
        best: dict[str, tuple[float, str]] = {}  # group -> (best score, its direction)
        for g, d, s in self._execute(
                "SELECT g.group_id, g.direction, g.score FROM article_groups g "
                "JOIN articles a ON a.id = g.article_id WHERE a.story_id = ? "
                "ORDER BY g.score DESC, a.id", (sid,)).fetchall():
            best.setdefault(g, (s, d))
        groups = [{"id": g, "direction": d, "score": round(s, 3)}
                  for g, (s, d) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        return {"id": sid, "title": title, "first_seen": first_time, "novelty": novelty,
                "sources": sources, "groups": groups}

    def search(self, query: str, limit: int = 20,
               budget_s: float = SEARCH_BUDGET_S) -> list[dict[str, Any]]:
        """Full-text search (AND, OR, NOT, "phrases", prefix*), best first.

        A malformed, too long or too slow query is a StoreError. Only the ids of the best
        `limit` rows come from the index; fields and snippets are then read for those."""
        check_query(query)
        ids = self._search_ids(query, limit, budget_s)
        if not ids:
            return []
        rows = self._execute(
            "SELECT id, story_id, title, source, url, published, text FROM articles "
            f"WHERE id IN ({_marks(ids)})", ids).fetchall()
        order = {article_id: i for i, article_id in enumerate(ids)}
        rows.sort(key=lambda r: order[r[0]])
        terms = query_terms(query)
        return [{"article_id": i, "story_id": s, "title": t, "source": src, "url": u,
                 "published": p, "snippet": snippet(text, terms)}
                for i, s, t, src, u, p, text in rows]

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """Every article with its story and analysis, in id order (streams, page by page)."""
        last = 0
        while True:
            page = self._execute(
                "SELECT a.id, a.story_id, CASE WHEN a.id = s.original_id THEN 1 ELSE 0 END, "
                "a.source, a.url, a.title, a.text, a.published, a.seen_at, a.similarity, "
                "s.novelty, n.kb_version, n.analysis "
                "FROM articles a JOIN stories s ON s.id = a.story_id "
                "JOIN analyses n ON n.article_id = a.id WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (last, EXPORT_PAGE)).fetchall()
            if not page:
                return
            last = page[-1][0]
            for (aid, sid, orig, src, url, title, text, pub, seen, sim, nov, kbv,
                 analysis) in page:
                yield {"article_id": aid, "story_id": sid, "original": bool(orig),
                       "source": src, "url": url, "title": title, "text": text,
                       "published": pub, "seen_at": seen, "similarity": sim,
                       "story_novelty": nov, "kb_version": kbv,
                       "analysis": json.loads(analysis)}

    # -- feeds -------------------------------------------------------------------------

    def add_feeds(self, urls: Iterable[str]) -> None:
        with self.transaction():
            self._execute_many("INSERT INTO feeds (url) VALUES (?) ON CONFLICT DO NOTHING",
                               [(u,) for u in urls])

    def remove_feed(self, url: str) -> bool:
        """Forget a feed (its stored articles stay); False when it was not there."""
        with self.transaction():
            return self._execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def feeds(self) -> list[dict[str, Any]]:
        names = ("url", "etag", "last_modified", "last_polled", "failures", "last_error")
        return [dict(zip(names, row)) for row in self._execute(
            f"SELECT {', '.join(names)} FROM feeds ORDER BY url").fetchall()]

    def save_feed(self, url: str, *, etag: str | None, last_modified: str | None,
                  polled: str, failures: int, error: str | None) -> None:
        with self.transaction():
            self._execute(
                "INSERT INTO feeds (url, etag, last_modified, last_polled, failures, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, last_polled = excluded.last_polled, "
                "failures = excluded.failures, last_error = excluded.last_error",
                (url, etag, last_modified, polled, failures, error))


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(values), IN_CHUNK):
        yield values[i:i + IN_CHUNK]


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _time_of(r: ArticleRow) -> str:
    return r.published or r.seen_at


# -- queries ----------------------------------------------------------------------------

QUERY_WORD_RE = re.compile(r"(\w+)(\*?)")
FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def query_terms(query: str) -> list[tuple[str, bool]]:
    """(word, is_prefix) for the words of a query, operators and columns left out."""
    terms = []
    for m in QUERY_WORD_RE.finditer(query):
        word = m.group(1)
        after = query[m.end():m.end() + 1]
        if word in FTS_OPERATORS or after == ":":
            continue
        terms.append((word.casefold(), bool(m.group(2))))
    return terms


def check_query(query: str) -> None:
    """Refuse a query too long or with too many words before it reaches the database."""
    if len(query) > MAX_QUERY_CHARS:
        raise StoreError(f"search: query of {len(query):,} characters is longer than the "
                         f"{MAX_QUERY_CHARS:,} allowed")
    words = len(query_terms(query))
    if words > MAX_QUERY_TERMS:
        raise StoreError(f"search: query of {words:,} words has more than the "
                         f"{MAX_QUERY_TERMS} allowed; narrow it")
    if not words:
        raise StoreError(f"search: malformed query {query!r} (no words to look for)")


def snippet(text: str, terms: Sequence[tuple[str, bool]], width: int = SNIPPET_WORDS) -> str:
    """The words around the first query word in the text, query words in [brackets]."""
    words = text.split()

    def hit(word: str) -> bool:
        w = re.sub(r"\W+", "", word).casefold()
        return any(w.startswith(t) if prefix else w == t for t, prefix in terms)

    first = next((i for i, w in enumerate(words) if hit(w)), 0)
    start = max(0, first - width // 3)
    shown = [f"[{w}]" if hit(w) else w for w in words[start:start + width]]
    return ("..." if start else "") + " ".join(shown) + \
        ("..." if start + width < len(words) else "")


__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "SEARCH_BUDGET_S",
    "ArticleRow",
    "BaseStore",
    "StoreError",
    "StoryFilter",
    "check_query",
    "companies_of",
    "query_terms",
    "snippet",
]
