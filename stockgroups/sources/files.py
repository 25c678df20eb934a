"""Bytes of one input -> its Articles; files, stdin and streams read within bounds.

Every reader here is bounded: a file or stdin reads at most max_bytes, gzip
decompresses at most max_bytes, and a JSON Lines archive is streamed in chunks with
each line capped at max_bytes, so no input can make memory grow past a few limits.
Which reader an input goes to is decided by sources/router.py.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from stockgroups.errors import InputError, StockGroupsError
from stockgroups.model import Article
from stockgroups.sources.formats.html import decode_html, read_html
from stockgroups.sources.formats.jsonl import iter_json
from stockgroups.sources.formats.text import bom_encoding, decode, read_text
from stockgroups.sources.http import DEFAULT_MAX_BYTES, format_size

Fetcher = Callable[[str], "tuple[bytes, str | None, str]"]
Item = tuple[str, "Article | StockGroupsError"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json", *JSONL_SUFFIXES)
GZIP_MAGIC = b"\x1f\x8b"
# Markup that makes a file a web page whatever its name, looked for near the start.
_MARKUP_RE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|meta|title|div|p)[\s>/]", re.IGNORECASE)
SNIFF_CHARS = 2048
# Share of control characters (and U+FFFD) above which decoded "text" is binary data.
BINARY_CONTROL_SHARE = 0.05
BINARY_SAMPLE_CHARS = 64 * 1024
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)

log = logging.getLogger(__name__)
_OTHER_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def parse_bytes(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                content_type: str | None = None, url: str | None = None,
                name: str | None = None) -> list[Item]:
    """Bytes of one input -> its items: gunzip, refuse junk, sniff the type, parse.

    `name` is the file name to judge the type by when it differs from `source` (the
    name without ".gz" once the caller has decompressed).
    """
    if name is None:
        name = source
        if data.startswith(GZIP_MAGIC) or source.lower().endswith(".gz"):
            data = gunzip(data, source, max_bytes)
            name = source[:-3] if source.lower().endswith(".gz") else source
    if not data.strip():
        raise InputError(f"{source}: empty input")
    declared = _charset(content_type)
    kind = _kind(data, name.lower(), content_type)
    if kind == "html":
        return [(source, read_html(_text_or_raise(data, source, declared, html=True), source,
                                   url=url))]
    text = _text_or_raise(data, source, declared)
    if kind == "json" or (kind == "json?" and _is_json(text)):
        return list(iter_json(text, source, jsonl=name.lower().endswith(JSONL_SUFFIXES)))
    return [(source, read_text(text, source, url=url))]


def read_stdin(stream: BinaryIO, max_bytes: int) -> list[Item]:
    """Standard input, at most max_bytes of it."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"-: larger than the {format_size(max_bytes)} limit")
    return parse_bytes(data, "-", max_bytes=max_bytes)


def read_file(path: str, max_bytes: int) -> bytes:
    """A file's bytes, refused with a one-line InputError when missing, unreadable or too big."""
    try:
        if os.stat(path).st_size > max_bytes:
            raise InputError(f"{path}: larger than the {format_size(max_bytes)} limit")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # a file can grow after stat, or be a device
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: larger than the {format_size(max_bytes)} limit")
    return data


def gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    """Decompress at most max_bytes; a bomb, a truncation or garbage is an InputError."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error):
        raise InputError(f"{source}: corrupt or truncated gzip data") from None
    if len(out) > max_bytes:
        raise InputError(f"{source}: larger than the {format_size(max_bytes)} limit "
                         "after decompression")
    return out


LINE_CHUNK_BYTES = 64 * 1024  # how much of a stream is read at a time to find line ends


def bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of a byte stream, read in chunks; a line longer than max_bytes
    comes out as None once, and its bytes are dropped as they arrive.

    `for line in stream` would hold a whole line however long: a 4 MB gzip can hold one
    4 GiB line. Memory here stays under max_bytes plus one chunk.
    """
    buf = bytearray()
    lineno = 1
    too_long = False
    while True:
        chunk = stream.read(LINE_CHUNK_BYTES)
        if not chunk:
            break
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not too_long:
                    buf += chunk[start:]
                    if len(buf) > max_bytes:
                        too_long, buf = True, bytearray()
                break
            if too_long:
                yield lineno, None
            else:
                buf += chunk[start:end]
                yield lineno, (None if len(buf) > max_bytes else bytes(buf))
            buf, too_long = bytearray(), False
            lineno += 1
            start = end + 1
    if too_long:
        yield lineno, None
    elif buf:
        yield lineno, bytes(buf)


def read_jsonl_archive(path: str, max_bytes: int) -> Iterator[Item]:
    """A JSON Lines archive (gzip or not), streamed: any size, each line capped at max_bytes."""
    try:
        raw = open(path, "rb")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    with raw:
        gz = path.lower().endswith(".gz")
        stream: BinaryIO = gzip.GzipFile(fileobj=raw) if gz else raw  # type: ignore[assignment]
        label = path[:-3] if gz else path
        seen = False
        try:
            for lineno, line in bounded_lines(stream, max_bytes):
                where = f"{label}:{lineno}"
                if line is None:
                    seen = True
                    yield where, InputError(f"{where}: line larger than the "
                                            f"{format_size(max_bytes)} limit")
                    continue
                if not line.strip():
                    continue
                seen = True
                if line.lstrip().startswith(b"["):
                    yield where, InputError(f"{where}: expected an object with 'text' "
                                            "or 'body'")
                    continue
                yield from iter_json(line, where, jsonl=False)
        except (OSError, EOFError, zlib.error) as err:
            raise InputError(f"{path}: corrupt or truncated ({err})") from None
        if not seen:
            raise InputError(f"{path}: empty input")


def _kind(data: bytes, name: str, content_type: str | None) -> str:
    """"html", "json", "json?" (looks like JSON: parse to be sure) or "text"."""
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if name.endswith(HTML_SUFFIXES) or ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if name.endswith(JSON_SUFFIXES) or ctype.endswith(("/json", "+json", "/x-ndjson")):
        return "json"
    head = _head(data)
    if head.startswith(("{", "[")):
        return "json?"
    if head.startswith("<") and _MARKUP_RE.search(head):
        return "html"
    return "text"


def _head(data: bytes) -> str:
    """The first characters of the input, BOM and leading space removed, for sniffing."""
    encoding = bom_encoding(data)
    sample = data[: SNIFF_CHARS * 4]
    text = sample.decode(encoding or "utf-8", errors="ignore") if encoding else \
        sample.decode("latin-1")
    return text.lstrip("\ufeff \t\r\n")[:SNIFF_CHARS]


def _text_or_raise(data: bytes, source: str, declared: str | None, html: bool = False) -> str:
    """Decoded text, or InputError when the bytes are binary rather than text."""
    if bom_encoding(data) is None and b"\x00" in data:
        raise InputError(f"{source}: not text (binary data)")
    text = decode_html(data, declared) if html else decode(data, declared)
    if not text.strip():
        raise InputError(f"{source}: empty input")  # a BOM and whitespace, nothing more
    sample = text[:BINARY_SAMPLE_CHARS]
    if len(_CONTROL_RE.findall(sample)) > BINARY_CONTROL_SHARE * len(sample):
        raise InputError(f"{source}: not text (binary data)")
    return text


def _is_json(text: str) -> bool:
    """Whether text that starts like JSON parses as JSON (or JSONL's first line does)."""
    first = text.lstrip().split("\n", 1)[0]
    for candidate in (text, first):
        try:
            json.loads(candidate)
            return True
        except (ValueError, RecursionError):
            continue
    return False


def _charset(content_type: str | None) -> str | None:
    m = _CHARSET_RE.search(content_type or "")
    return m.group(1) if m else None


__all__ = ["DEFAULT_MAX_BYTES", "bounded_lines", "gunzip", "parse_bytes", "read_file",
           "read_jsonl_archive", "read_stdin"]
