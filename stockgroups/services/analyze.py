"""The analyze use case: inputs -> analyses, for the CLI's `analyze`, the API and scripts.

Inputs go through the one router (stockgroups.sources.router), so every limit in the
settings holds; each yields its Analysis or the one-line error saying why it could not
be read, in input order.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from stockgroups.analysis.pipeline import run
from stockgroups.config import Settings
from stockgroups.errors import StockGroupsError
from stockgroups.kb.load import KB
from stockgroups.model import Analysis
from stockgroups.sources.router import route


def analyze_inputs(inputs: Sequence[str], settings: Settings, kb: KB,
                   **hooks: Any) -> Iterator[tuple[str, Analysis | StockGroupsError]]:
    """(label, Analysis or error) per article of the inputs; `hooks` go to the router
    (warn, fetch_pages, get...)."""
    for label, item in route(inputs, settings, **hooks):
        if isinstance(item, StockGroupsError):
            yield label, item
        else:
            yield label, run(item, kb)


__all__ = ["analyze_inputs"]
