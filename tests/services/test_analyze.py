"""The analyze use case: one call for the CLI and the API, inputs through the router."""
from __future__ import annotations

from pathlib import Path

from stockgroups.analysis.version import analysis_version
from stockgroups.config import Settings
from stockgroups.errors import StockGroupsError
from stockgroups.model import Analysis
from stockgroups.services.analyze import analyze_inputs

FEED = Path(__file__).parents[1] / "fixtures" / "feeds" / "news" / "wire_rss2.xml"


def test_feed_items_and_errors_come_out_in_input_order(kb_small, tmp_path):
    missing = str(tmp_path / "missing.txt")
    out = list(analyze_inputs([missing, str(FEED)], Settings(), kb_small, fetch_pages=False))
    assert [type(item).__name__ for _, item in out] == ["InputError"] + ["Analysis"] * 3
    assert isinstance(out[0][1], StockGroupsError) and missing in str(out[0][1])
    first = out[1][1]
    assert isinstance(first, Analysis) and first.analysis_version == analysis_version(kb_small)
    assert first.article.published == "2025-08-22T08:15:00Z"
