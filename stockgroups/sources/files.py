"""Specs (paths, folders, URLs, "-") -> Articles, in input order, one error per bad input.

A bad input never stops the others: each spec yields its Article(s) or the error
saying, in one line, why it could not be read.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from stockgroups.errors import FetchError, InputError, StockGroupsError
from stockgroups.sources.http import DEFAULT_MAX_BYTES, fetch, format_size
from stockgroups.sources.formats.html import decode_html, read_html
from stockgroups.sources.formats.jsonl import iter_json
from stockgroups.sources.formats.text import bom_encoding, decode, read_text
from stockgroups.model import Article

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


def iter_articles(specs: Sequence[str], *, fetcher: Fetcher | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES,
                  allow_private: bool = False) -> Iterator[Item]:
    """Yield (source, Article or error) for every input, in the order given.

    A folder yields its files recursively in sorted order; a JSON list or JSONL file
    yields one item per entry, its source naming the entry ("news.jsonl:3").
    `fetcher(url) -> (body, content_type, final_url)` replaces the HTTP fetch (tests).
    """
    get = fetcher or partial(fetch, max_bytes=max_bytes, allow_private=allow_private)
    for spec in specs:
        if spec == "-":
            yield from _guard(spec, lambda: _from_stdin(max_bytes))
        elif spec.lower().startswith(("http://", "https://")):
            yield from _guard(spec, lambda spec=spec: _from_url(spec, get, max_bytes))
        elif _OTHER_SCHEME.match(spec) and not os.path.exists(spec):
            yield spec, InputError(f"{spec}: only http and https URLs can be fetched")
        elif os.path.isdir(spec):
            files = list(_walk(spec))
            if not files:
                yield spec, InputError(f"{spec}: folder has no input files")
            for path in files:
                yield from _guard(path, lambda path=path: _from_file(path, max_bytes))
        else:
            yield from _guard(spec, lambda spec=spec: _from_file(spec, max_bytes))


def parse_bytes(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                content_type: str | None = None, url: str | None = None) -> list[Item]:
    """Bytes of one input -> its items: gunzip, refuse junk, sniff the type, parse."""
    name = source
    if data.startswith(GZIP_MAGIC) or source.lower().endswith(".gz"):
        data = _gunzip(data, source, max_bytes)
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


def _guard(label: str, read: Callable[[], list[Item]]) -> Iterator[Item]:
    """Run one input's reader, turning any user-facing failure into an item."""
    try:
        items = read()
    except StockGroupsError as err:
        yield label, err
        return
    except (ValueError, LookupError, OSError, RecursionError, MemoryError) as err:
        # A parser choking on hostile input is still a bad input, not a crash.
        log.debug("reader failed on %s", label, exc_info=True)
        yield label, InputError(f"{label}: unreadable input ({type(err).__name__})")
        return
    yield from items


def _from_stdin(max_bytes: int) -> list[Item]:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"-: larger than the {format_size(max_bytes)} limit")
    return parse_bytes(data, "-", max_bytes=max_bytes)


def _from_url(url: str, get: Fetcher, max_bytes: int) -> list[Item]:
    body, content_type, final_url = get(url)
    if not body:
        raise FetchError(f"{url}: empty response")
    return parse_bytes(body, url, max_bytes=max_bytes, content_type=content_type,
                       url=final_url)


def _from_file(path: str, max_bytes: int) -> list[Item]:
    return parse_bytes(read_file(path, max_bytes), path, max_bytes=max_bytes)


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


def _walk(folder: str) -> Iterator[str]:
    """Regular files under a folder, sorted, skipping hidden files and folders.

    Pipes and devices are skipped: reading one would block or never end.
    """
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            if not name.startswith(".") and os.path.isfile(path):
                yield path


def _gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
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


__all__ = ["DEFAULT_MAX_BYTES", "iter_articles", "parse_bytes"]
