"""The PostgreSQL store: for a team sharing one database (several watch workers, the
dashboard, analysts' queries). Same tables, same migrations, same behaviour as SQLite;
full-text search with PostgreSQL's own text search (a generated tsvector, GIN index).

psycopg 3 is an optional extra (`pip install 'stockgroups[postgres]'`), imported only
here. Writers take one advisory lock per transaction, as SQLite's BEGIN IMMEDIATE does,
so two ingests never hand out the same ids.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from stockgroups.store.base import BaseStore, StoreError


CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 30.0  # a second writer waits this long for the lock (SQLite's busy timeout)
WRITER_LOCK = 7_363_001  # pg_advisory_xact_lock key: one writer at a time, like BEGIN IMMEDIATE
TSV_TEXT_CHARS = 200_000  # text indexed per article: far below tsvector's 1 MB limit
# ts_rank weights {D, C, B, A}: a title word (A) counts 5x a body word (B), as bm25 in SQLite
RANK_WEIGHTS = "{0.1, 0.2, 0.2, 1.0}"

# The same steps as sqlite.MIGRATIONS, in PostgreSQL's dialect (same count, same order).
MIGRATIONS: tuple[str | tuple[str, str], ...] = (
    f"""
    CREATE TABLE stories (
        id BIGINT PRIMARY KEY,
        original_id BIGINT NOT NULL,
        title TEXT NOT NULL,
        first_time TEXT NOT NULL,
        first_epoch DOUBLE PRECISION NOT NULL,
        novelty DOUBLE PRECISION NOT NULL,
        sources INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX stories_time ON stories(first_epoch);
    CREATE TABLE articles (
        id BIGINT PRIMARY KEY,
        story_id BIGINT NOT NULL REFERENCES stories(id),
        url_key TEXT UNIQUE,
        content_hash TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        published TEXT,
        seen_at TEXT NOT NULL,
        epoch DOUBLE PRECISION NOT NULL,
        similarity DOUBLE PRECISION NOT NULL DEFAULT 0,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', left(text, {TSV_TEXT_CHARS})), 'B')) STORED
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_tsv ON articles USING GIN (tsv);
    CREATE TABLE analyses (
        article_id BIGINT PRIMARY KEY REFERENCES articles(id),
        kb_version TEXT NOT NULL,
        analysis TEXT NOT NULL
    );
    CREATE INDEX analyses_kb ON analyses(kb_version);
    CREATE TABLE article_groups (
        group_id TEXT NOT NULL,
        article_id BIGINT NOT NULL,
        direction TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (group_id, article_id)
    );
    CREATE INDEX article_groups_article ON article_groups(article_id);
    CREATE TABLE signatures (
        article_id BIGINT PRIMARY KEY REFERENCES articles(id),
        story_id BIGINT NOT NULL,
        epoch DOUBLE PRECISION,
        sig BYTEA NOT NULL,
        facts BYTEA
    );
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_polled TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    """,
    ("""
    CREATE TABLE article_companies (
        ticker TEXT NOT NULL,
        article_id BIGINT NOT NULL,
        name TEXT NOT NULL,
        direction TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (ticker, article_id)
    );
    CREATE INDEX article_companies_article ON article_companies(article_id);
    ALTER TABLE signatures ADD COLUMN subject TEXT;
    """, "companies"),
    ("ALTER TABLE articles ADD COLUMN published_raw TEXT;", "dates"),
    """
    CREATE TABLE prices (
        ticker TEXT NOT NULL,
        date TEXT NOT NULL,
        close DOUBLE PRECISION NOT NULL,
        volume DOUBLE PRECISION,
        market_cap DOUBLE PRECISION,
        source TEXT NOT NULL,
        PRIMARY KEY (ticker, date)
    );
    CREATE TABLE calibration (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        made_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
META_TABLE = """CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"""


def is_postgres_url(location: str) -> bool:
    return location.lower().startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password: what the store prints as its location."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://..."
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))


class PostgresStore(BaseStore):
    """A connection to one PostgreSQL database, migrated to SCHEMA_VERSION."""

    backend = "postgresql"

    def __init__(self, url: str, *, create: bool = True,
                 busy_timeout: float = LOCK_TIMEOUT_S) -> None:
        try:  # the optional extra, imported only when a postgresql:// store is opened
            import psycopg
        except ImportError:
            raise StoreError("a postgresql:// store needs psycopg: pip install "
                             "'stockgroups[postgres]'") from None
        self._pg = psycopg
        self.url = url
        self.location = redact(url)
        self.busy_timeout = busy_timeout
        self._in_tx = False
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except self._pg.Error as err:
            raise StoreError(f"{self.location}: cannot connect ({_first_line(err)})") from None
        except ValueError as err:  # a malformed URL
            raise StoreError(f"{self.location}: not a usable database URL ({err})") from None
        try:
            self.conn.execute(f"SET lock_timeout = '{int(busy_timeout * 1000)}ms'")
            if not create and self._stored_version() is None:
                raise StoreError(f"{self.location}: no store in this database (check --db, "
                                 "or run `stockgroups ingest` first)")
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def _stored_version(self) -> int | None:
        exists = self._execute("SELECT to_regclass('store_meta') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        row = self._execute("SELECT value FROM store_meta WHERE key = 'schema_version'"
                            ).fetchone()
        return int(row[0]) if row else None

    @property
    def version(self) -> int:
        return self._stored_version() or 0

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    def size_bytes(self) -> int | None:
        return int(self._execute("SELECT pg_database_size(current_database())").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.location}: store schema v{current} is newer than this "
                             f"program (v{SCHEMA_VERSION}); upgrade stockgroups")
        if current == SCHEMA_VERSION:
            return
        with self.transaction():
            self._execute(META_TABLE)
            current = self.version  # another process may have migrated while we waited
            for number in range(current, SCHEMA_VERSION):
                entry = MIGRATIONS[number]
                sql, step = (entry, None) if isinstance(entry, str) else entry
                self._execute(sql)
                if step:
                    self._data_step(step)
                self._execute(
                    "INSERT INTO store_meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(number + 1),))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN + the writers' advisory lock ... COMMIT; rolled back on any exception."""
        if self._in_tx:
            raise StoreError("a store transaction is already open")
        self._execute("BEGIN")
        self._in_tx = True
        try:
            self._execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
            yield self.conn
            self._execute("COMMIT")
        except BaseException:
            try:
                self.conn.execute("ROLLBACK")
            except self._pg.Error:
                pass  # the connection is gone: the server rolled back for us
            raise
        finally:
            self._in_tx = False

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(_pg(sql), [_clean(p) for p in params] or None)
        except self._pg.Error as err:
            raise self._error(err) from None

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            with self.conn.cursor() as cur:
                cur.executemany(_pg(sql), [[_clean(p) for p in row] for row in rows])
        except self._pg.Error as err:
            raise self._error(err) from None

    def _error(self, err: Exception) -> StoreError:
        state = getattr(getattr(err, "diag", None), "sqlstate", None) or ""
        text = _first_line(err)
        if state == "25006" or state == "42501":
            why = f"the store is read-only for this user ({text}); nothing was written"
        elif state.startswith("53"):
            why = f"the database server is out of space ({text}); this batch was not stored"
        elif state in ("55P03", "40P01"):
            why = (f"the store is locked by another process (waited {self.busy_timeout:g} s); "
                   "nothing was written, try again")
        elif isinstance(err, self._pg.OperationalError):
            why = f"lost the connection to the database ({text})"
        else:
            why = text
        return StoreError(f"{self.location}: {why}")

    def _search_ids(self, query: str, limit: int, budget_s: float) -> list[int]:
        tsquery = to_tsquery(query)
        try:
            with self.conn.transaction():
                self.conn.execute(f"SET LOCAL statement_timeout = {max(1, int(budget_s * 1000))}")
                rows = self.conn.execute(
                    "SELECT id FROM articles, to_tsquery('english', %s) q WHERE tsv @@ q "
                    f"ORDER BY ts_rank('{RANK_WEIGHTS}', tsv, q) DESC, id LIMIT %s",
                    (tsquery, limit)).fetchall()
        except self._pg.errors.QueryCanceled:
            raise StoreError(f"search: the query took longer than {budget_s:g} s and was "
                             "stopped; use fewer or more specific words") from None
        except self._pg.Error as err:
            raise self._error(err) from None
        return [r[0] for r in rows]


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _clean(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: scraped text sometimes does."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


# -- the query language -------------------------------------------------------------------
# Users write SQLite FTS5's syntax (AND, OR, NOT, "phrases", prefix*, parentheses) on both
# backends; it is translated to a tsquery here, never pasted into SQL.

_TOKEN_RE = re.compile(r'\s*(?:(")([^"]*)("?)|(\()|(\))|(\w+)(\*?)|(\S))')


def to_tsquery(query: str) -> str:
    """The to_tsquery() text of an FTS5-style query; a malformed one is a StoreError."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = query.rstrip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group(1):
            if not m.group(3):
                raise _malformed(query, "unclosed quote")
            words = re.findall(r"\w+", m.group(2))
            if not words:
                raise _malformed(query, "empty phrase")
            tokens.append(("term", "(" + " <-> ".join(words) + ")"))
        elif m.group(4):
            tokens.append(("(", "("))
        elif m.group(5):
            tokens.append((")", ")"))
        elif m.group(6):
            word = m.group(6)
            if word in ("AND", "OR", "NOT") and not m.group(7):
                tokens.append((word, word))
            elif word == "NEAR" and text[pos:pos + 1] == "(":
                raise _malformed(query, "NEAR is not supported here")
            else:
                tokens.append(("term", word + (":*" if m.group(7) else "")))
        else:
            raise _malformed(query, f"unexpected {m.group(8)!r}")
    parser = _Parser(tokens, query)
    out = parser.expr()
    if parser.i != len(tokens):
        raise _malformed(query, f"unexpected {tokens[parser.i][1]!r}")
    return out


class _Parser:
    """or := and (OR and)*; and := not ([AND] not)*; not := atom (NOT atom)*."""

    def __init__(self, tokens: list[tuple[str, str]], query: str) -> None:
        self.tokens, self.query, self.i = tokens, query, 0

    def _peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def expr(self) -> str:
        parts = [self._and()]
        while self._peek() == "OR":
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def _and(self) -> str:
        parts = [self._not()]
        while self._peek() in ("AND", "term", "("):
            if self._peek() == "AND":
                self.i += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def _not(self) -> str:
        out = self._atom()
        while self._peek() == "NOT":
            self.i += 1
            out = f"({out} & !{self._atom()})"
        return out

    def _atom(self) -> str:
        kind = self._peek()
        if kind == "term":
            self.i += 1
            return self.tokens[self.i - 1][1]
        if kind == "(":
            self.i += 1
            inner = self.expr()
            if self._peek() != ")":
                raise _malformed(self.query, "unbalanced parentheses")
            self.i += 1
            return inner
        raise _malformed(self.query, "an operator without a word beside it"
                         if kind else "it ends where a word should follow")


def _malformed(query: str, why: str) -> StoreError:
    return StoreError(f"search: malformed query {query!r} ({why}); put words with "
                      "punctuation in double quotes")


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostgresStore", "is_postgres_url", "redact",
           "to_tsquery"]
