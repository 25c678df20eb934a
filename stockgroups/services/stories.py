"""The store's use cases: list, show and search stories, export, db info, prune, feeds.

The CLI and the API call these same functions; each takes an open store (open one with
open_for_reading / open_for_writing) and returns plain dicts (the JSON both print).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from stockgroups.errors import InputError
from stockgroups.sources.watch import parse_duration
from stockgroups.store import export as writers
from stockgroups.store.base import BaseStore, StoreError, StoryFilter
from stockgroups.store.open import open_store
from stockgroups.store.times import parse_time


class StoryNotFound(StoreError):
    """No story with that id (the API answers 404)."""


def open_for_reading(db: str | None = None) -> BaseStore:
    """The store at --db / the db setting; one that does not exist is a StoreError, never
    an empty store made on the way (stories, search, show, export, db info)."""
    return open_store(db, create=False)


def open_for_writing(db: str | None = None) -> BaseStore:
    """The store at --db / the db setting, created and migrated when new (ingest, watch)."""
    return open_store(db, create=True)


@contextmanager
def opened(db: str | None, *, create: bool) -> Iterator[BaseStore]:
    store = open_store(db, create=create)
    try:
        yield store
    finally:
        store.close()


def parse_when(value: str, *, now: float | None = None) -> float:
    """Epoch seconds (UTC) of a date or time (2026-01-31, ISO 8601) or an age (3d, 12h)."""
    when = parse_time(value)
    if when is not None:
        return when
    try:
        return (time.time() if now is None else now) - parse_duration(value)
    except InputError:
        raise InputError(f"{value!r} is neither a date (2026-01-31) nor an age "
                         "(3d, 12h)") from None


def list_stories(store: BaseStore, filters: StoryFilter) -> list[dict[str, Any]]:
    """Newest first, each with every source (original first) and its groups."""
    return store.stories(where=filters)


def show_story(store: BaseStore, story_id: int) -> dict[str, Any]:
    """One story: sources (outlet, time, url), the original's clean text, groups with
    their evidence chains, companies, events; each signal with its track record and,
    where the store has prices, its realised move."""
    story = store.story_detail(story_id)
    if story is None:
        raise StoryNotFound(f"no story #{story_id} in {store.location}")
    # The event study needs scipy (0.7 s to import): loaded when a story is shown, not at
    # every command's start-up.
    from stockgroups.services.study import with_track_record

    return with_track_record(store, story_id, story)


def search_articles(store: BaseStore, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search, best first (bounded in words and time: see store.base)."""
    return store.search(query, limit=limit)


def db_info(store: BaseStore) -> dict[str, Any]:
    """Where the store is, how big, what it holds, and which versions wrote it."""
    return {"location": store.location, "backend": store.backend,
            "size_bytes": store.size_bytes(), "schema_version": store.version,
            "program_schema_version": store.schema_version, "counts": store.table_counts(),
            "analysis_versions": store.kb_versions()}


def prune(store: BaseStore, before: float) -> dict[str, int]:
    """Delete the stories first seen before `before` (epoch), with all their articles."""
    stories, articles = store.prune(before)
    return {"stories": stories, "articles": articles}


def count_prunable(store: BaseStore, before: float) -> int:
    """How many stories prune(store, before) would delete (for a confirmation)."""
    return store.count_before(before)


def list_feeds(store: BaseStore) -> list[dict[str, Any]]:
    return store.feeds()


def remove_feed(store: BaseStore, url: str) -> None:
    """Stop watching a feed (its articles stay); an unknown URL is a StoreError."""
    if not store.remove_feed(url):
        raise StoreError(f"{url}: not a watched feed (see `stockgroups feeds list`)")


def export(store: BaseStore, fmt: str, out: IO[str] | None = None,
           path: str | None = None) -> int:
    """Every stored article with its story and analysis: jsonl or csv to `out`, parquet
    to `path`. Returns the number of articles written."""
    rows = store.export_rows()
    if fmt == "parquet":
        if not path:
            raise InputError("parquet export needs --output FILE")
        return writers.write_parquet(rows, path)
    if out is None:
        raise InputError(f"{fmt} export needs somewhere to write")
    if fmt == "csv":
        return writers.write_csv(rows, out)
    if fmt == "jsonl":
        return writers.write_jsonl(rows, out)
    raise InputError(f"unknown export format {fmt!r} (one of {', '.join(writers.FORMATS)})")


__all__ = ["StoryFilter", "StoryNotFound", "count_prunable", "db_info", "export", "list_feeds",
           "list_stories", "open_for_reading", "open_for_writing", "opened", "parse_when",
           "prune", "remove_feed", "search_articles", "show_story"]
