"""The knowledge base every interface uses: the shipped data plus the user's own folders."""
from __future__ import annotations

import gc
from pathlib import Path

from stockgroups import config
from stockgroups.kb.load import KB, load_kb

_CACHE: dict[tuple[object, ...], KB] = {}


def load_user_kb(settings: config.Settings | None = None) -> KB:
    """Load the shipped KB with the user's extra folders (setting `kb_dirs`); errors are
    StockGroupsError."""
    extra = list((settings or config.load()).kb_dirs)
    kb = load_kb(extra_dirs=extra)
    # The KB lives as long as the process: keep the garbage collector from walking its
    # hundred thousand objects again at every collection (about a tenth of analysis time).
    gc.freeze()
    return kb


def user_kb(settings: config.Settings | None = None) -> KB:
    """load_user_kb(), loaded once per process and again only when the user's folders
    change (a file added, edited or removed): for library callers such as
    stockgroups.analyze() that would otherwise pay the load at every call."""
    settings = settings or config.load()
    key = (settings.kb_dirs, *(_stamp(d) for d in settings.kb_dirs))
    kb = _CACHE.get(key)
    if kb is None:
        _CACHE.clear()
        kb = _CACHE[key] = load_user_kb(settings)
    return kb


def _stamp(folder: str) -> tuple[tuple[str, int, int], ...]:
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError:
        return ()
    out = []
    for path in entries:
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


__all__ = ["load_user_kb", "user_kb"]
