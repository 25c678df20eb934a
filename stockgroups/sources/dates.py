"""Publication times as sources write them -> UTC ISO 8601, the original kept beside it.

Real feeds and archives write "Tue, 01 Dec 2026 04:00:00 GMT" (RFC 822), the same with
localised day and month names ("Mi, 05 Nov 2025 14:00:00 +0100"), ISO 8601, or older
forms such as "19-OCT-1987 13:30:41.59". The common forms are read by the standard
library; everything else by dateparser, with relative phrases ("yesterday") refused so
that a stored time never depends on when it was read. Times without a zone are UTC.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Beyond these years a "date" is a misread number, not a publication time.
MIN_YEAR, MAX_YEAR = 1800, 2200
MAX_RAW_CHARS = 100  # a longer "date" is a sentence; dateparser would only waste time on it
_DATE_ONLY_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
# A clock time anywhere in the text ("13:30", "10h15"): without one the input is a day.
_HAS_TIME_RE = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|T\d{2}", re.IGNORECASE)
# "19-OCT-1987 13:30:41.59": day-month-year with an English month abbreviation.
# Archives of this form may carry junk after the stamp ("...41.59&#5;&#5;F"): ignored.
_DMY_RE = re.compile(r"^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})"
                     r"(?:\.(\d{1,6}))?)?)?(?![\d:.])")
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
# Common English forms read by strptime before dateparser is asked (it costs a few ms a
# call); %b and %B are English month names under the C locale Python starts in.
STRPTIME_FORMATS = (
    "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y %H:%M", "%b %d, %Y %H:%M",
    "%d %B %Y %H:%M", "%d %b %Y %H:%M", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%d.%m.%Y", "%d.%m.%Y %H:%M", "%Y%m%dT%H%M%SZ",
)
_TIME_FORMAT_RE = re.compile(r"%H")
DATEPARSER_CACHE = 4096  # archives repeat date strings; each dateparser call costs ms
DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # no "relative-time"
    "REQUIRE_PARTS": ["day", "month", "year"],  # never fill a missing part from today
}


def parse_published(raw: object) -> tuple[str | None, str | None]:
    """(UTC ISO 8601 or None, the original text or None).

    A date alone stays a date ("2022-01-07"): no time was given, none is invented.
    """
    if raw is None:
        return None, None
    text = str(raw).strip()
    if not text:
        return None, None
    parsed = _parse(text)
    if parsed is None:
        return None, text
    if isinstance(parsed, datetime):
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            return None, text
        return parsed.strftime(ISO_FORMAT), text
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None, text
    return parsed.isoformat(), text


def _parse(text: str) -> datetime | date | None:
    if _DATE_ONLY_RE.match(text):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            return None
    for reader in (_iso, _rfc822, _dmy):
        value = reader(text)
        if value is not None:
            return _utc(value)
    for fmt in STRPTIME_FORMATS:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _utc(value) if _TIME_FORMAT_RE.search(fmt) else value.date()
    if len(text) > MAX_RAW_CHARS:
        return None
    value = _dateparser(text)
    if value is None:
        return None
    if not _HAS_TIME_RE.search(text) and not text.strip().isdigit():
        return value.date()
    return _utc(value)


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _dmy(text: str) -> datetime | None:
    m = _DMY_RE.match(text)
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    day, _mon, year, hour, minute, second, frac = m.groups()
    try:
        return datetime(int(year), _MONTHS[m.group(2).lower()], int(day), int(hour or 0),
                        int(minute or 0), int(second or 0),
                        int((frac or "0").ljust(6, "0")[:6]))
    except ValueError:
        return None


@lru_cache(maxsize=DATEPARSER_CACHE)
def _dateparser(text: str) -> datetime | None:
    import dateparser  # imported late: ~0.5 s, and only unusual date forms need it

    try:
        return dateparser.parse(text, settings=DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def to_epoch(published: str | None) -> float | None:
    """Epoch seconds of a stored time (ISO 8601 or RFC 822; naive times are UTC), or None."""
    if not published or not published.strip():
        return None
    value = published.strip()
    dt = _iso(value) if not _DATE_ONLY_RE.match(value) else _iso(value + "T00:00:00")
    if dt is None:
        dt = _rfc822(value)
    if dt is None:
        return None
    try:
        return _utc(dt).timestamp()
    except (OverflowError, OSError, ValueError):
        return None


__all__ = ["parse_published", "to_epoch"]
