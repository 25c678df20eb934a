"""The SQLite store (the embedded default): schema, migrations, FTS5 search, its errors.

One writer at a time (BEGIN IMMEDIATE), WAL journal so readers never block it, and each
batch of articles lands in one transaction: a process killed at any moment leaves either
the whole batch or none of it, and re-running the same input stores each article once.
The SQL every backend shares lives in base.py.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stockgroups.config import user_home
from stockgroups.store.base import (
    ArticleRow,
    BaseStore,
    StoreError,
    check_query,
    query_terms,
    snippet,
)

DB_FILENAME = "stockgroups.db"
CACHE_KIB = 32 * 1024  # page cache: FTS index merges of big batches stay in memory
BUSY_TIMEOUT_S = 30.0  # a second writer (watch beside ingest) waits this long for the lock
PROGRESS_STEPS = 1_000  # VM steps between two checks of a search's time budget (cheap)

# Each entry moves the schema one version up; user_version records how far a file is.
# Never edit an entry once released: add a new one. An entry may name a data step
# (BaseStore._data_step) run after its SQL in the same transaction: ("sql", "step").
# postgres.py holds the same steps in PostgreSQL's dialect: keep the two in step.
MIGRATIONS: tuple[str | tuple[str, str], ...] = (
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
    # Companies per article (stories --ticker/--company), the subject guard of clustering.
    ("""
    CREATE TABLE article_companies (
        ticker TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        direction TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (ticker, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_companies_article ON article_companies(article_id);
    ALTER TABLE signatures ADD COLUMN subject TEXT;
    """, "companies"),
    # Publication times as UTC ISO; the date as the source wrote it kept beside.
    ("ALTER TABLE articles ADD COLUMN published_raw TEXT;", "dates"),
    # Daily prices (stockgroups prices import) and the calibration table (calibrate).
    """
    CREATE TABLE prices (
        ticker TEXT NOT NULL,
        date TEXT NOT NULL,                -- ISO trading date
        close REAL NOT NULL,
        volume REAL,
        market_cap REAL,
        source TEXT NOT NULL,              -- the file (or service) it came from
        PRIMARY KEY (ticker, date)
    ) WITHOUT ROWID;
    CREATE TABLE calibration (
        id INTEGER PRIMARY KEY CHECK (id = 1),  -- one table, replaced whole by calibrate
        made_at TEXT NOT NULL,
        body TEXT NOT NULL                 -- JSON of markets.calibration.calibrate()
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


def default_db_path() -> Path:
    """stockgroups.db in the user's Stock Groups folder: $STOCKGROUPS_HOME, else
    $XDG_DATA_HOME/stockgroups, else ~/.local/share/stockgroups (config.user_home)."""
    return user_home() / DB_FILENAME


class SQLiteStore(BaseStore):
    """A connection to one store file (or ":memory:"), migrated to SCHEMA_VERSION.

    `create=False` (read commands) refuses a file that does not exist instead of making
    an empty store; a file with no write permission for anyone is opened read-only (root
    included), so writing to it is a one-line error, never a silent change.
    """

    backend = "sqlite"

    def __init__(self, path: str | os.PathLike[str] = ":memory:", *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = str(path)
        self.location = self.path
        self.busy_timeout = busy_timeout
        memory = self.path == ":memory:"
        exists = memory or os.path.exists(self.path)
        if not exists and not create:
            raise StoreError(f"{self.path}: no store here (check --db, or run `stockgroups "
                             "ingest` first)")
        if exists and not memory and os.path.isdir(self.path):
            raise StoreError(f"{self.path}: is a folder, not a store file")
        self.read_only = exists and not memory and _no_write_bits(self.path)
        try:
            if not memory and not exists:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot create the store's folder "
                             f"({err.strerror or err})") from None
        try:
            if self.read_only:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout,
                                            isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, timeout=busy_timeout,
                                            isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode survives a killed process (not a power cut) and is fast.
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as err:
            if hasattr(self, "conn"):
                self.conn.close()
            raise StoreError(f"{self.path}: cannot open the store ({err})") from None

    def close(self) -> None:
        self.conn.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    def size_bytes(self) -> int | None:
        if self.path == ":memory:":
            return None
        return sum(os.path.getsize(p) for p in (self.path, self.path + "-wal")
                   if os.path.exists(p))

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema v{current} is newer than this "
                             f"program (v{SCHEMA_VERSION}); upgrade stockgroups")
        if current < SCHEMA_VERSION and self.read_only:
            raise StoreError(f"{self.path}: the store is read-only and needs an upgrade "
                             f"(schema v{current} -> v{SCHEMA_VERSION}); make it writable once")
        for number in range(current, SCHEMA_VERSION):
            entry = MIGRATIONS[number]
            sql, step = (entry, None) if isinstance(entry, str) else entry
            # executescript commits first, so BEGIN..COMMIT makes each step all-or-nothing
            self.conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
            try:
                if step:
                    self._data_step(step)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too);
        a database error inside becomes a one-line StoreError."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise self._error(err) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._error(exc) from None
            raise

    def optimize(self) -> None:
        self._execute("PRAGMA optimize")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as err:
            raise self._error(err) from None

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.Error as err:
            raise self._error(err) from None

    def _error(self, err: sqlite3.Error) -> StoreError:
        """The one line a user reads for a database error."""
        text = str(err)
        code = getattr(err, "sqlite_errorcode", None)
        if "readonly" in text or code == sqlite3.SQLITE_READONLY:
            why = "the store is read-only (check the file's permissions); nothing was written"
        elif "full" in text or code == sqlite3.SQLITE_FULL:
            why = "the disk is full; this batch was not stored (free space and run again)"
        elif "locked" in text or "busy" in text:
            why = (f"the store is locked by another process (waited {self.busy_timeout:g} s); "
                   "nothing was written, try again")
        elif "malformed" in text or "not a database" in text:
            why = f"the store file is corrupt ({text}); restore a copy"
        elif isinstance(err, sqlite3.IntegrityError):
            why = f"the store refused a write ({text}); nothing of this batch was stored"
        else:
            why = text
        return StoreError(f"{self.path}: {why}")

    def _search_ids(self, query: str, limit: int, budget_s: float) -> list[int]:
        """Ranked ids from FTS5, stopped by a progress handler once `budget_s` has passed
        (on 100k articles, snippet() over the ranked join cost 3x: snippets come later)."""
        deadline = time.monotonic() + budget_s
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline),
                                       PROGRESS_STEPS)
        try:
            return [r[0] for r in self.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?", (query, limit))]
        except sqlite3.OperationalError as err:
            if "interrupted" in str(err):
                raise StoreError(f"search: the query took longer than {budget_s:g} s and was "
                                 "stopped; use fewer or more specific words") from None
            raise StoreError(f"search: malformed query {query!r} ({err}); put words with "
                             "punctuation in double quotes") from None
        except sqlite3.Error as err:
            raise self._error(err) from None
        finally:
            self.conn.set_progress_handler(None, 0)


def _no_write_bits(path: str) -> bool:
    """True when nobody may write the file (chmod a-w): respected even when run as root."""
    try:
        return not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    except OSError:
        return False


Store = SQLiteStore  # the name earlier code and tests use

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArticleRow",
    "SQLiteStore",
    "Store",
    "StoreError",
    "check_query",
    "default_db_path",
    "query_terms",
    "snippet",
]
