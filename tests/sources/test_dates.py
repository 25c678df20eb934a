"""Publication times as real feeds and archives write them -> UTC ISO 8601, original kept."""
from __future__ import annotations

import pytest

from stockgroups.sources.dates import parse_published, to_epoch
from stockgroups.sources.formats.feeds import parse_feed
from stockgroups.sources.formats.jsonl import iter_json


@pytest.mark.parametrize("raw, iso", [
    ("Tue, 01 Dec 2026 04:00:00 GMT", "2026-12-01T04:00:00Z"),
    ("Fri, 22 Aug 2025 10:15:00 +0200", "2025-08-22T08:15:00Z"),
    ("Mi, 05 Nov 2025 14:00:00 +0100", "2025-11-05T13:00:00Z"),  # German day name
    ("mar., 04 nov. 2025 10:00:00 +0100", "2025-11-04T09:00:00Z"),  # French
    ("19-OCT-1987 13:30:41.59", "1987-10-19T13:30:41Z"),
    ("02-APR-1987 09:12:03.21&#5;&#5;X", "1987-04-02T09:12:03Z"),  # archive junk after it
    ("2025-08-22T08:15:00+02:00", "2025-08-22T06:15:00Z"),
    ("2025-08-22T08:15:00Z", "2025-08-22T08:15:00Z"),
    ("2025-08-22 08:15", "2025-08-22T08:15:00Z"),  # no zone: UTC
    ("2022-01-07", "2022-01-07"),  # a day stays a day
    ("March 3, 2024", "2024-03-03"),
    ("3 mars 2024 à 10h15", "2024-03-03T10:15:00Z"),
])
def test_published_times_become_utc_iso(raw, iso):
    assert parse_published(raw) == (iso, raw)


@pytest.mark.parametrize("raw", ["yesterday", "not a date", "3 days ago", "99-XYZ-2020"])
def test_unparseable_or_relative_dates_keep_only_the_original(raw):
    assert parse_published(raw) == (None, raw)


def test_nothing_in_nothing_out():
    assert parse_published(None) == (None, None)
    assert parse_published("  ") == (None, None)


def test_iso_output_orders_like_time_and_reads_back():
    times = [parse_published(r)[0] for r in (
        "19-OCT-1987 13:30:41.59", "Mi, 05 Nov 2025 14:00:00 +0100",
        "Tue, 01 Dec 2026 04:00:00 GMT")]
    assert times == sorted(times)
    assert to_epoch(times[0]) == pytest.approx(561648641.0)


def test_feed_with_localised_dates_keeps_both_forms():
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
            '<item><title>Kupferpreis steigt</title><link>https://x.example/1</link>'
            '<pubDate>Mi, 05 Nov 2025 14:00:00 +0100</pubDate>'
            '<description>' + "Der Kupferpreis stieg am Mittwoch deutlich. " * 20 +
            '</description></item></channel></rss>').encode()
    article = parse_feed(feed, "f.xml").items[0].article
    assert (article.published, article.published_raw) == (
        "2025-11-05T13:00:00Z", "Mi, 05 Nov 2025 14:00:00 +0100")


def test_archive_dates_are_normalised_in_json_lines():
    line = b'{"title": "T", "text": "Body", "date": "19-OCT-1987 13:30:41.59"}'
    (_, article), = list(iter_json(line, "a.jsonl:1", jsonl=False))
    assert article.published == "1987-10-19T13:30:41Z"
    assert article.published_raw == "19-OCT-1987 13:30:41.59"


def test_python_analyze_reads_a_dicts_date_like_the_json_input(kb_small):
    import stockgroups

    result = stockgroups.analyze({"title": "Kupfer", "text": "Die Mine in Chile streikt.",
                                  "published": "Mi, 05 Nov 2025 14:00:00 +0100"}, kb=kb_small)
    assert (result.article.published, result.article.published_raw) == (
        "2025-11-05T13:00:00Z", "Mi, 05 Nov 2025 14:00:00 +0100")
    assert result.to_dict()["published"] == "2025-11-05T13:00:00Z"
