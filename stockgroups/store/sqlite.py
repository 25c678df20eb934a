"""The SQLite store: schema, migrations and every SQL statement, parameterized.

One writer at a time (BEGIN IMMEDIATE), WAL journal so readers never block it, and each
batch of articles lands in one transaction: a process killed at any moment leaves either
the whole batch or none of it, and re-running the same input stores each article once.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stockgroups.errors import StockGroupsError

DB_FILENAME = "stockgroups.db"
CACHE_KIB = 32 * 1024  # page cache: FTS index merges of big batches stay in memory
BUSY_TIMEOUT_S = 30.0  # a second writer (watch beside ingest) waits this long for the lock

# Each entry moves the schema one version up; user_version records how far a file is.
# Never edit an entry once released: add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        original_id INTEGER NOT NULL,      -- the source seen first (earliest time)
        title TEXT NOT NULL,
        first_time TEXT NOT NULL,          -- ISO time of the original
        first_epoch REAL NOT NULL,
        novelty REAL NOT NULL,             -- 1 = nothing like it in the window before it
        sources INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX stories_time ON stories(first_epoch);
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        url_key TEXT UNIQUE,               -- canonical URL; NULL for inputs without one
        content_hash TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        published TEXT,
        seen_at TEXT NOT NULL,
        epoch REAL NOT NULL,               -- published if known, else seen_at
        similarity REAL NOT NULL DEFAULT 0 -- best match against earlier texts
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_story ON articles(story_id);
    CREATE TABLE analyses (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        kb_version TEXT NOT NULL,
        analysis TEXT NOT NULL             -- Analysis.to_dict() without title and text
    );
    CREATE INDEX analyses_kb ON analyses(kb_version);
    CREATE TABLE article_groups (
        group_id TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        direction TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (group_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_groups_article ON article_groups(article_id);
    CREATE TABLE signatures (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id INTEGER NOT NULL,
        epoch REAL,                        -- publication time; NULL when the text had none
        sig BLOB NOT NULL,                 -- MinHash values, uint32 little-endian
        facts BLOB                         -- hashes of its names and numbers (dedupe.facts)
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id');
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_polled TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    """,
    # The dashboard's tables: event types and group hits of each analysis (indexed from the
    # analysis JSON by store/views.refresh_index), watchlists, alert rules and alerts.
    """
    CREATE TABLE article_events (
        event_type TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        severity REAL NOT NULL,
        PRIMARY KEY (event_type, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE indexed_analyses (
        article_id INTEGER PRIMARY KEY,
        kb_version TEXT NOT NULL
    );
    CREATE TABLE watchlists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE watchlist_items (
        watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
        symbol TEXT NOT NULL,              -- a ticker (CCJ) or a group id (commodity:uranium)
        weight REAL NOT NULL,
        PRIMARY KEY (watchlist_id, symbol)
    );
    CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        watchlist_id INTEGER REFERENCES watchlists(id) ON DELETE CASCADE,
        target TEXT,                       -- a group id or ticker, when not a watchlist
        min_score REAL NOT NULL,
        webhook TEXT NOT NULL,
        created TEXT NOT NULL,
        cursor INTEGER NOT NULL            -- articles with ids above this are still to check
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL,
        matched TEXT NOT NULL,             -- the group or ticker that matched
        direction TEXT NOT NULL,
        score REAL NOT NULL,
        created TEXT NOT NULL,
        status TEXT NOT NULL,              -- pending | sending | sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try REAL NOT NULL DEFAULT 0,
        sent_at TEXT,
        last_error TEXT,
        UNIQUE (rule_id, story_id)         -- one alert per rule and story, ever
    );
    CREATE INDEX alerts_due ON alerts(status, next_try);
    -- Every group and company hit with its time and story, for the dashboard's group pages,
    -- movers, watchlists and alerts: a range scan per group (or per time window), not a
    -- join over every article. Companies as company:TICKER.
    CREATE TABLE group_hits (
        group_id TEXT NOT NULL,
        epoch REAL NOT NULL,
        article_id INTEGER NOT NULL,
        story_id INTEGER NOT NULL,
        direction TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (group_id, epoch, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX group_hits_time ON group_hits(epoch, group_id);
    CREATE INDEX group_hits_article ON group_hits(article_id);
    CREATE INDEX article_events_article ON article_events(article_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(StockGroupsError):
    """The store cannot be opened, is from a newer version, or a query is malformed."""


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


def default_db_path() -> Path:
    """stockgroups.db in the user's Stock Groups folder: $STOCKGROUPS_HOME, else
    $XDG_DATA_HOME/stockgroups, else ~/.local/share/stockgroups (settings.user_home)."""
    from stockgroups.config import user_home

    return user_home() / DB_FILENAME


class Store:
    """A connection to one store file (or ":memory:"), migrated to SCHEMA_VERSION."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot create the store's folder "
                             f"({err.strerror or err})") from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S,
                                        isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process (not a power cut) and is fast.
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: cannot open the store ({err})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema v{current} is newer than this "
                             f"program (v{SCHEMA_VERSION}); upgrade stockgroups")
        for number in range(current, SCHEMA_VERSION):
            # executescript commits first, so BEGIN..COMMIT makes each step all-or-nothing
            self.conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\n"
                                    f"PRAGMA user_version = {number + 1};\nCOMMIT;")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- identity -------------------------------------------------------------------------

    def has_url(self, url_key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE url_key = ?",
                                 (url_key,)).fetchone() is not None

    def story_of_hash(self, content_hash: str) -> int | None:
        row = self.conn.execute("SELECT story_id FROM articles WHERE content_hash = ? LIMIT 1",
                                (content_hash,)).fetchone()
        return row[0] if row else None

    def known_urls(self, url_keys: Iterable[str]) -> set[str]:
        """Those of the canonical URLs already stored (one query per IN_CHUNK)."""
        return {r[0] for chunk in _chunks(list(url_keys)) for r in self.conn.execute(
            f"SELECT url_key FROM articles WHERE url_key IN ({_marks(chunk)})", chunk)}

    def stories_of_hashes(self, hashes: Iterable[str]) -> dict[str, int]:
        """Content hash -> a story holding that exact content, for those already stored."""
        return {h: sid for chunk in _chunks(list(hashes)) for h, sid in self.conn.execute(
            "SELECT content_hash, min(story_id) FROM articles "
            f"WHERE content_hash IN ({_marks(chunk)}) GROUP BY content_hash", chunk)}

    def next_ids(self) -> tuple[int, int]:
        """(next article id, next story id): call inside a transaction."""
        a = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
        s = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM stories").fetchone()[0]
        return int(a), int(s)

    # -- writes ---------------------------------------------------------------------------

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
        self.conn.executemany(
            "INSERT INTO stories (id, original_id, title, first_time, first_epoch, novelty, "
            "sources) VALUES (?, ?, ?, ?, ?, ?, 0)",
            [(sid, first[sid].id, first[sid].title, _time_of(first[sid]), first[sid].epoch,
              novelty) for sid, novelty in created.items()])
        self.conn.executemany(
            "INSERT INTO articles (id, story_id, url_key, content_hash, source, url, title, "
            "text, published, seen_at, epoch, similarity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(r.id, r.story_id, r.url_key, r.content_hash, r.source, r.url, r.title, r.text,
              r.published, r.seen_at, r.epoch, r.similarity) for r in rows])
        self.conn.executemany(
            "INSERT INTO analyses (article_id, kb_version, analysis) VALUES (?, ?, ?)",
            [(r.id, r.kb_version, r.analysis) for r in rows])
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_groups (group_id, article_id, direction, score) "
            "VALUES (?, ?, ?, ?)",
            [(g, r.id, d, s) for r in rows for g, d, s in r.groups])
        self.conn.executemany(
            "INSERT INTO signatures (article_id, story_id, epoch, sig, facts) "
            "VALUES (?, ?, ?, ?, ?)",
            [(r.id, r.story_id, r.epoch if r.dated else None, r.sig, r.facts)
             for r in rows if r.sig is not None])
        # Every row counts as a source; an earlier row becomes the story's original.
        self.conn.executemany(
            "UPDATE stories SET sources = sources + 1, "
            "original_id = CASE WHEN ? < first_epoch THEN ? ELSE original_id END, "
            "title = CASE WHEN ? < first_epoch THEN ? ELSE title END, "
            "first_time = CASE WHEN ? < first_epoch THEN ? ELSE first_time END, "
            "first_epoch = min(first_epoch, ?) WHERE id = ?",
            [(r.epoch, r.id, r.epoch, r.title, r.epoch, _time_of(r), r.epoch, r.story_id)
             for r in rows])

    def signatures(self, limit: int, span: float) -> list[tuple[int, int, float | None, bytes,
                                                                 bytes | None]]:
        """Signatures the clusterer needs: those dated within `span` seconds of the newest,
        and undated ones, newest first, at most `limit`: (article, story, epoch, sig, facts)."""
        return self.conn.execute(
            "SELECT article_id, story_id, epoch, sig, facts FROM signatures "
            "WHERE epoch IS NULL OR epoch >= (SELECT max(epoch) FROM signatures) - ? "
            "ORDER BY article_id DESC LIMIT ?", (span, limit)).fetchall()

    # -- reanalysis -----------------------------------------------------------------------

    def stale(self, kb_version: str, batch: int = 500) -> Iterator[list[sqlite3.Row]]:
        """Batches of articles whose analysis came from another KB version."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT a.id, a.source, a.url, a.title, a.text, a.published FROM articles a "
                "JOIN analyses n ON n.article_id = a.id "
                "WHERE n.kb_version != ? AND a.id > ? ORDER BY a.id LIMIT ?",
                (kb_version, last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield rows

    def count_stale(self, kb_version: str) -> int:
        return int(self.conn.execute("SELECT count(*) FROM analyses WHERE kb_version != ?",
                                     (kb_version,)).fetchone()[0])

    def replace_analyses(self, updates: Sequence[tuple[int, str, str,
                                                       tuple[tuple[str, str, float], ...]]]
                         ) -> None:
        """(article id, kb_version, analysis JSON, groups) per article, in a transaction."""
        ids = [(u[0],) for u in updates]
        self.conn.executemany("DELETE FROM article_groups WHERE article_id = ?", ids)
        self.conn.executemany(
            "UPDATE analyses SET kb_version = ?, analysis = ? WHERE article_id = ?",
            [(v, a, i) for i, v, a, _ in updates])
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_groups (group_id, article_id, direction, score) "
            "VALUES (?, ?, ?, ?)", [(g, i, d, s) for i, _, _, groups in updates
                                    for g, d, s in groups])

    # -- reads ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        one = self.conn.execute
        return {"articles": one("SELECT count(*) FROM articles").fetchone()[0],
                "stories": one("SELECT count(*) FROM stories").fetchone()[0]}

    def stories(self, *, group: str | None = None, since: float | None = None,
                limit: int = 50) -> list[dict[str, Any]]:
        """Newest stories first, each with its sources (original first) and groups."""
        sql = "SELECT s.id, s.title, s.first_time, s.novelty, s.original_id FROM stories s"
        where, params = [], []
        if group:
            where.append("s.id IN (SELECT a.story_id FROM article_groups g "
                         "JOIN articles a ON a.id = g.article_id WHERE g.group_id = ?)")
            params.append(group)
        if since is not None:
            where.append("s.first_epoch >= ?")
            params.append(since)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.first_epoch DESC, s.id DESC LIMIT ?"
        params.append(limit)
        return [self._story(*row) for row in self.conn.execute(sql, params).fetchall()]

    def story(self, story_id: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT id, title, first_time, novelty, original_id "
                                "FROM stories WHERE id = ?", (story_id,)).fetchone()
        return self._story(*row) if row else None

    def _story(self, sid: int, title: str, first_time: str, novelty: float,
               original_id: int) -> dict[str, Any]:
        sources = [
            {"article_id": a, "source": src, "url": url, "published": pub, "seen_at": seen,
             "original": a == original_id, "similarity": round(sim, 3)}
            for a, src, url, pub, seen, sim in self.conn.execute(
                "SELECT id, source, url, published, seen_at, similarity FROM articles "
                "WHERE story_id = ? ORDER BY id = ? DESC, epoch, id", (sid, original_id))]
        groups = [
            {"id": g, "direction": d, "score": round(s, 3)}
            for g, d, s in self.conn.execute(
                "SELECT g.group_id, g.direction, max(g.score) FROM article_groups g "
                "JOIN articles a ON a.id = g.article_id WHERE a.story_id = ? "
                "GROUP BY g.group_id ORDER BY max(g.score) DESC, g.group_id", (sid,))]
        return {"id": sid, "title": title, "first_seen": first_time, "novelty": novelty,
                "sources": sources, "groups": groups}

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search (FTS5 syntax), best first; a malformed query is a StoreError.

        Only the ids of the best `limit` rows come from FTS5; fields and snippets are then
        read for those alone (on 100k articles, snippet() over the ranked join cost 3x,
        and a prefix query re-run per id 80 ms).
        """
        try:
            ids = [r[0] for r in self.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?", (query, limit))]
        except sqlite3.OperationalError as err:
            raise StoreError(f"search: malformed query {query!r} ({err}); put words with "
                             "punctuation in double quotes") from None
        if not ids:
            return []
        rows = self.conn.execute(
            "SELECT id, story_id, title, source, url, published, text FROM articles "
            f"WHERE id IN ({_marks(ids)})", ids).fetchall()
        order = {article_id: i for i, article_id in enumerate(ids)}
        rows.sort(key=lambda r: order[r[0]])
        terms = _query_terms(query)
        return [{"article_id": i, "story_id": s, "title": t, "source": src, "url": u,
                 "published": p, "snippet": snippet(text, terms)}
                for i, s, t, src, u, p, text in rows]

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """Every article with its story and analysis, in id order (streams)."""
        cur = self.conn.execute(
            "SELECT a.id, a.story_id, a.id = s.original_id, a.source, a.url, a.title, a.text, "
            "a.published, a.seen_at, a.similarity, s.novelty, n.kb_version, n.analysis "
            "FROM articles a JOIN stories s ON s.id = a.story_id "
            "JOIN analyses n ON n.article_id = a.id ORDER BY a.id")
        for (aid, sid, orig, src, url, title, text, pub, seen, sim, nov, kbv,
             analysis) in cur:
            yield {"article_id": aid, "story_id": sid, "original": bool(orig), "source": src,
                   "url": url, "title": title, "text": text, "published": pub,
                   "seen_at": seen, "similarity": sim, "story_novelty": nov,
                   "kb_version": kbv, "analysis": json.loads(analysis)}

    # -- feeds ----------------------------------------------------------------------------

    def add_feeds(self, urls: Iterable[str]) -> None:
        with self.transaction():
            self.conn.executemany("INSERT OR IGNORE INTO feeds (url) VALUES (?)",
                                  [(u,) for u in urls])

    def feeds(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT url, etag, last_modified, last_polled, failures, "
                                "last_error FROM feeds ORDER BY url")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def save_feed(self, url: str, *, etag: str | None, last_modified: str | None,
                  polled: str, failures: int, error: str | None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_polled, failures, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, last_polled = excluded.last_polled, "
                "failures = excluded.failures, last_error = excluded.last_error",
                (url, etag, last_modified, polled, failures, error))


IN_CHUNK = 500  # parameters per IN (...) list, well under SQLite's limit


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(values), IN_CHUNK):
        yield values[i:i + IN_CHUNK]


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


SNIPPET_WORDS = 24
_QUERY_WORD_RE = re.compile(r"(\w+)(\*?)")
FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def _query_terms(query: str) -> list[tuple[str, bool]]:
    """(word, is_prefix) for the words of an FTS5 query, operators and columns left out."""
    terms = []
    for m in _QUERY_WORD_RE.finditer(query):
        word = m.group(1)
        after = query[m.end():m.end() + 1]
        if word in FTS_OPERATORS or after == ":":
            continue
        terms.append((word.casefold(), bool(m.group(2))))
    return terms


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


def _time_of(r: ArticleRow) -> str:
    return r.published or r.seen_at


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArticleRow",
    "Store",
    "StoreError",
    "default_db_path",
]
