"""What every route needs: a store connection per worker thread and the loaded KB."""
from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import Request

from stockgroups.store.base import BaseStore as Store
from stockgroups.store.open import open_store


class StorePool:
    """One store connection per thread (neither sqlite3 nor psycopg connections are
    shared across threads here)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.path)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                with contextlib.suppress(Exception):  # a connection of a finished thread
                    store.close()
            self._all.clear()


class LazyKB:
    """The knowledge base, loaded on first use (once, whichever thread asks first)."""

    def __init__(self, loader: Callable[[], Any]) -> None:
        self._loader, self._kb, self._lock = loader, None, threading.Lock()

    def get(self) -> Any:
        if self._kb is None:
            with self._lock:
                if self._kb is None:
                    self._kb = self._loader()
        return self._kb


def store_of(request: Request) -> Store:
    return request.app.state.pool.get()


def kb_of(request: Request) -> Any:
    return request.app.state.kb.get()




class ReadCache:
    """Answers of the heavy reads (story lists, movers, group pages), kept while the store
    has no new article and for at most `ttl` seconds (re-analysis shows within it)."""

    def __init__(self, generation: Callable[[Store], int], ttl: float = 30.0,
                 size: int = 512) -> None:
        self._generation, self.ttl, self.size = generation, ttl, size
        self._items: OrderedDict[tuple, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, key: tuple, compute: Callable[[], Any]) -> Any:
        generation, now = self._generation(store), time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] == generation and now - hit[1] < self.ttl:
                self._items.move_to_end(key)
                return hit[2]
        value = compute()
        with self._lock:
            self._items[key] = (generation, now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def cached(request: Request, key: tuple, compute: Callable[[], Any]) -> Any:
    return request.app.state.cache.get(store_of(request), key, compute)


__all__ = ["LazyKB", "ReadCache", "StorePool", "cached", "kb_of", "store_of"]
