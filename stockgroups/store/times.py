"""Publication times as the store keeps them: epoch seconds and UTC ISO 8601 text.

The sources parse what feeds and archives write; this reads what is already stored
(ISO 8601, RFC 2822, and the archive stamps older rows kept raw) so a migration can
normalise rows stored before dates were parsed at the door.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

# Archive stamps older stores kept as written (e.g. 19-OCT-1987 13:30:41.59), naive = UTC.
ARCHIVE_FORMATS = ("%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y",
                   "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y")
# A date without a time ("2025-08-22") is taken as the end of that day, so it never
# counts as earlier than a copy stamped with a time on the same day.
DATE_ONLY_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
END_OF_DAY_S = 86399.0


def parse_time(text: str | None) -> float | None:
    """Epoch seconds of an ISO 8601, RFC 2822 or archive date; naive times are UTC."""
    if not text or not text.strip():
        return None
    value = text.strip()
    dt = None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            dt = _archive(value)
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def _archive(value: str) -> datetime | None:
    for fmt in ARCHIVE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def published_epoch(published: str | None) -> float | None:
    """parse_time, with a bare date counted as the end of its day."""
    epoch = parse_time(published)
    if epoch is not None and published and DATE_ONLY_RE.match(published):
        epoch += END_OF_DAY_S
    return epoch


def iso_utc(epoch: float) -> str:
    """2025-08-22T13:30:41Z: the one form the store writes times in."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["iso_utc", "parse_time", "published_epoch"]
