"""Store failures a user meets (read-only file, full disk, locked, corrupt): each is a
one-line StoreError, and nothing of the batch being written is left half-stored."""
from __future__ import annotations

import os
import sqlite3

import pytest

from stockgroups.model import Article
from stockgroups.services.ingest import Collector
from stockgroups.store import postgres as pg_mod
from stockgroups.store.base import StoreError
from stockgroups.store.open import open_store


TEXTS = {"a": "Miners at pit {i} in Chile stopped work over pay on day {i}; output of {i} "
              "tonnes is at risk.",
         "b": "Dockers in Rotterdam walked out over shift rules in week {i}, leaving {i} "
              "container ships waiting offshore for berth {i}."}


def items(n: int, prefix: str = "a") -> list[tuple[str, Article]]:
    return [(f"{prefix}{i}", Article(source=f"{prefix}{i}", title=f"Story {prefix}{i}",
                                     text=TEXTS[prefix].format(i=i),
                                     url=f"https://{prefix}.example/{i}"))
            for i in range(n)]


def one_line(err: pytest.ExceptionInfo) -> str:
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    return text


@pytest.fixture
def filled(tmp_path, kb_small):
    path = tmp_path / "s.db"
    with open_store(str(path)) as store:
        Collector(store, kb_small).add(items(3))
    return path


def test_read_only_store_file_reads_but_refuses_writes(filled, kb_small):
    os.chmod(filled, 0o444)
    try:
        with open_store(str(filled)) as store:
            assert store.counts()["articles"] == 3  # reading still works
            with pytest.raises(StoreError, match="read-only") as err:
                Collector(store, kb_small).add(items(2, "b"))
            one_line(err)
    finally:
        os.chmod(filled, 0o644)
    with open_store(str(filled)) as store:
        assert store.counts()["articles"] == 3


def test_full_disk_stores_nothing_of_the_batch(filled, kb_small):
    with open_store(str(filled)) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
        with pytest.raises(StoreError, match="disk is full") as err:
            Collector(store, kb_small, batch_size=50).add(items(40, "b"))
        one_line(err)
        assert store.counts()["articles"] == 3
    with open_store(str(filled)) as store:
        assert store.counts()["articles"] == 3


def _hold_write_lock(store_url: str):
    """Another process's writer, holding the store's write lock until closed."""
    if pg_mod.is_postgres_url(store_url):
        import psycopg

        conn = psycopg.connect(store_url, autocommit=True)
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg_mod.WRITER_LOCK,))
        return conn
    conn = sqlite3.connect(store_url, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_locked_store_waits_its_busy_timeout_then_fails_cleanly(store_url, kb_small):
    open_store(store_url).close()
    holder = _hold_write_lock(store_url)
    try:
        with open_store(store_url, busy_timeout=0.2) as store:
            with pytest.raises(StoreError, match="locked by another process") as err:
                Collector(store, kb_small).add(items(2))
            one_line(err)
    finally:
        holder.close()
    with open_store(store_url) as store:
        assert store.counts()["articles"] == 0
        Collector(store, kb_small).add(items(2))  # the lock gone, the same batch goes in
        assert store.counts()["articles"] == 2


def test_corrupt_store_file_is_a_one_line_error(filled):
    size = os.path.getsize(filled)
    with open(filled, "r+b") as f:  # keep the header, spoil every page after the first
        f.seek(4096)
        f.write(b"\xa5" * (size - 4096))
    with pytest.raises(StoreError, match="corrupt|cannot open") as err, \
            open_store(str(filled)) as store:
        store.stories()
    one_line(err)


def test_directory_as_store_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder") as err:
        open_store(str(tmp_path))
    one_line(err)


def test_postgres_user_without_write_rights_reads_but_gets_one_line_on_write(pg_url,
                                                                              kb_small):
    import psycopg

    with open_store(pg_url) as store:
        Collector(store, kb_small).add(items(2))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS reader")
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute("GRANT USAGE ON SCHEMA public TO reader")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader = pg_url.replace("//stockgroups@", "//reader@")
    try:
        with open_store(reader, create=False) as store:
            assert store.counts()["articles"] == 2
            with pytest.raises(StoreError, match="read-only for this user") as err:
                Collector(store, kb_small).add(items(3, "b"))
            one_line(err)
            assert store.counts()["articles"] == 2
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY reader")
            conn.execute("DROP ROLE reader")


def test_two_writers_at_once_store_everything_once(store_url, kb_small):
    """ingest beside watch: the writers' lock serialises their batches, ids never clash."""
    import threading

    open_store(store_url).close()
    failures: list[BaseException] = []

    def write(prefix: str) -> None:
        try:
            with open_store(store_url) as store:
                Collector(store, kb_small, batch_size=4).add(items(24, prefix))
        except BaseException as err:  # reported below, in the test's thread
            failures.append(err)

    threads = [threading.Thread(target=write, args=(p,)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures and not any(t.is_alive() for t in threads)
    with open_store(store_url) as store:
        assert store.counts()["articles"] == 48
        assert store.table_counts()["analyses"] == 48
        every = store.stories(limit=1000)  # each article is a source of exactly one story
        assert sorted(src["source"] for st in every for src in st["sources"]) == \
            sorted(f"{p}{i}" for p in "ab" for i in range(24))
