"""One door to the store: a file path or ":memory:" opens SQLite, a postgresql:// URL
opens PostgreSQL. Interfaces and services call open_store() and never pick a backend."""
from __future__ import annotations

import os
from pathlib import Path

from stockgroups import config
from stockgroups.store.base import BaseStore
from stockgroups.store.postgres import PostgresStore, is_postgres_url
from stockgroups.store.sqlite import SQLiteStore, default_db_path


def store_location(option: str | None = None) -> str:
    """--db, else the `db` setting (STOCKGROUPS_DB), else the user's data folder's file."""
    chosen = option or str(config.get("db") or "")
    if not chosen:
        return str(default_db_path())
    return chosen if is_postgres_url(chosen) else str(Path(chosen).expanduser())


def open_store(location: str | os.PathLike[str] | None = None, *, create: bool = True,
               busy_timeout: float | None = None) -> BaseStore:
    """The store at `location` (see store_location), migrated to this program's schema.

    create=False is for read commands: a store that does not exist yet is a StoreError
    (a mistyped --db never leaves an empty store behind)."""
    where = store_location(str(location) if location is not None else None)
    kwargs = {} if busy_timeout is None else {"busy_timeout": busy_timeout}
    if is_postgres_url(where):
        return PostgresStore(where, create=create, **kwargs)
    return SQLiteStore(where, create=create, **kwargs)


__all__ = ["open_store", "store_location"]
