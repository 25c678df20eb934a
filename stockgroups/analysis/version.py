"""The analysis version: one hash of everything an analysis depends on.

It covers the knowledge base's content (shipped and user files, by name and bytes, wherever
they are installed), the code and vocabulary of the analysis (the source files of this
package, which hold the cue words and constants), and the package version. A stored analysis
whose version differs from the current one is stale: `stockgroups reanalyze` redoes it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import stockgroups

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

ANALYSIS_DIR = Path(__file__).resolve().parent


def source_hash(folder: Path) -> str:
    """A hash of a package's files (sources and any data beside them, compiled caches left
    out), sorted by their path inside it."""
    digest = hashlib.sha256()
    files = (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for path in sorted(files, key=lambda p: p.relative_to(folder).as_posix()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """source_hash of this analysis package, computed once per process."""
    return source_hash(ANALYSIS_DIR)


def analysis_version(kb: KB) -> str:
    """12 hex digits naming the KB content, the analysis code and the package version."""
    cached = kb.derived.get("analysis_version")
    if cached is None:
        digest = hashlib.sha256(f"{stockgroups.__version__}\0{kb.version}\0{code_version()}".encode())
        cached = kb.derived["analysis_version"] = digest.hexdigest()[:12]
    return cached  # type: ignore[return-value]
