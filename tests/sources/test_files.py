"""Bounded readers: a line or a gzip member can never make memory grow past the limit."""
from __future__ import annotations

import gzip
import io
import tracemalloc

import pytest

from stockgroups.errors import InputError, StockGroupsError
from stockgroups.sources.files import bounded_lines, gunzip, read_jsonl_archive

LINE = b'{"title": "Copper strike", "text": "Workers at the mine went on strike."}\n'


def write_gzip_with_one_long_line(path, line_bytes: int, chunk: int = 1 << 20) -> None:
    """A gzip stream holding a good line, one line of line_bytes, and a good line,
    written chunk by chunk so the test itself never holds the long line."""
    with gzip.open(path, "wb", compresslevel=1) as gz:
        gz.write(LINE)
        gz.write(b'{"text": "')
        block = b"a" * chunk
        left = line_bytes
        while left > 0:
            gz.write(block[:min(chunk, left)])
            left -= chunk
        gz.write(b'"}\n')
        gz.write(LINE)


def test_bounded_lines_splits_and_flags_long_lines():
    stream = io.BytesIO(b"one\n" + b"x" * 100 + b"\nthree\n\nlast")
    assert list(bounded_lines(stream, 10)) == [(1, b"one"), (2, None), (3, b"three"), (4, b""),
                                               (5, b"last")]


def test_bounded_lines_flags_a_long_last_line_once():
    assert list(bounded_lines(io.BytesIO(b"ok\n" + b"y" * 300_000), 1000)) == [(1, b"ok"),
                                                                               (2, None)]


def test_gzip_archive_with_one_huge_line_gives_one_line_error_in_bounded_memory(tmp_path):
    """64 MB in one line under a 1 MB cap: the error names the line; the two good lines
    are read; memory stays a few MB, whatever the line's length (the 4 GiB case is
    benchmarks/bench_bounded_memory.py)."""
    path = tmp_path / "archive.jsonl.gz"
    write_gzip_with_one_long_line(path, 64 << 20)
    assert path.stat().st_size < 1 << 20  # a small file, a large line
    tracemalloc.start()
    try:
        items = list(read_jsonl_archive(str(path), 1 << 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    label = str(path)[:-3]
    assert [(where, str(item)) for where, item in items if isinstance(item, StockGroupsError)] \
        == [(f"{label}:2", f"{label}:2: line larger than the 1 MB limit")]
    assert [where for where, item in items if not isinstance(item, StockGroupsError)] == [
        f"{label}:1", f"{label}:3"]
    assert peak < 8 << 20


def test_gunzip_stops_at_the_limit(tmp_path):
    data = gzip.compress(b"z" * (5 << 20))
    with pytest.raises(InputError, match="larger than the 1 MB limit after decompression"):
        gunzip(data, "bomb.gz", 1 << 20)


def test_truncated_gzip_archive_is_one_line_error(tmp_path):
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(LINE * 100)[:-20])
    items = list(_drain(path))
    assert isinstance(items[-1], InputError) and "corrupt or truncated" in str(items[-1])


def _drain(path):
    try:
        for _, item in read_jsonl_archive(str(path), 1 << 20):
            yield item
    except InputError as err:
        yield err


