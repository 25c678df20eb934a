"""Plain text bytes -> Article: decode whatever encoding it came in, find the title."""
from __future__ import annotations

import codecs
import re

from stockgroups.model import Article

# Byte-order marks, longest first so UTF-32 LE is not mistaken for UTF-16 LE.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK_ENCODING = "cp1252"  # the commonest legacy encoding of English news text
# Legacy encodings news text plausibly arrives in, commonest first: on short texts
# charset_normalizer scores near-identical code pages alike, and the order breaks ties.
# Unrestricted, it happily picks cp775 or mac_iceland for a Windows-1252 file.
LEGACY_ENCODINGS = (
    "cp1252", "iso8859_2", "cp1250", "iso8859_15", "cp1251", "koi8_r", "iso8859_5",
    "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1257", "iso8859_13", "cp1255",
    "cp1256", "shift_jis", "euc_jp", "iso2022_jp", "gb18030", "big5", "euc_kr", "cp874",
    "cp1258",
)
CHAOS_DIGITS = 2  # chaos scores closer than 0.01 count as a tie
# A declared charset is trusted, its bad bytes replaced, while they stay under this share
# of the characters; past it the label is wrong for these bytes and detection decides.
DECLARED_BAD_SHARE = 0.01
DECLARED_BAD_FEW = 3  # a short text is allowed a few stray bytes whatever its length
# Codecs of one byte per character: a page labelled with one of them may really be UTF-8.
SINGLE_BYTE = frozenset(codecs.lookup(n).name for n in (
    "cp1252", "latin-1", "iso8859_2", "iso8859_15", "cp1250", "cp1251", "ascii"))
# Labels browsers read as cp1252 (WHATWG Encoding Standard), since cp1252 is a superset.
LEGACY_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                  "us-ascii": "cp1252", "ascii": "cp1252"}

# A first line counts as a site name ("Stock Groups", "Reuters") when it is this short,
# every word is capitalised, it has no sentence punctuation, and a longer line follows.
SITE_NAME_MAX_WORDS = 4
HEADLINE_MIN_WORDS = 5
HEADLINE_MAX_WORDS = 30
TITLE_MAX_CHARS = 300  # a longer first line is a paragraph: the story has no title line
# Words a headline does not end on but a hard-wrapped line of prose often does.
WRAP_ENDINGS = frozenset("a an the of in on at to for from by with and or but that which its "
                         "their his her is are was were be been has have had will would".split())

_SENTENCE_PUNCT_RE = re.compile(r"[.!?;:,](?:\s|$)")


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM, UTF-8, the declared charset, a detected legacy encoding.

    Bad bytes are replaced where they are (U+FFFD), never a reason to re-decode the whole
    document in another encoding: a UTF-8 page with one stray byte keeps its accented
    names. Valid (or nearly valid) UTF-8 wins over a declared single-byte charset because
    servers often mislabel UTF-8 pages as ISO-8859-1. When nothing is declared,
    charset-normalizer picks among the legacy encodings news comes in. Never raises.
    """
    encoding = bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    label = _codec(declared)
    if (label is None or label == "utf-8" or label in SINGLE_BYTE) and _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    if label and label != "utf-8":  # "utf-8" on bytes that are not even nearly UTF-8 is wrong
        text = data.decode(label, errors="replace")
        if text.count("\ufffd") <= max(DECLARED_BAD_FEW, DECLARED_BAD_SHARE * len(text)):
            return text
        # A label the bytes do not fit at all is a wrong label: detect instead.
    guess = _detect(data)
    if guess is not None:
        return guess
    return data.decode(FALLBACK_ENCODING, errors="replace")


def _codec(declared: str | None) -> str | None:
    """The Python codec name of a declared charset label, or None (absent or unknown)."""
    if not declared or not declared.strip():
        return None
    label = LEGACY_ALIASES.get(declared.strip().lower(), declared.strip())
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes: its valid multi-byte characters at least as many as
    the bad bytes. Legacy single-byte text almost never forms valid UTF-8 sequences."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ch > "\x7f") - bad
    return multibyte > 0 and bad <= multibyte


def _detect(data: bytes) -> str | None:
    """Best legacy encoding by charset_normalizer's chaos score, ties to the commoner one."""
    from charset_normalizer import from_bytes  # imported late: only legacy files need it

    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        return None
    rank = {name: i for i, name in enumerate(LEGACY_ENCODINGS)}
    best = min(matches, key=lambda m: (round(m.chaos, CHAOS_DIGITS),
                                       rank.get(m.encoding, len(rank))))
    return str(best)


def split_title(text: str) -> tuple[str, str]:
    """(title, body) of a plain-text story, skipping a leading site-name line."""
    lines = text.splitlines()
    first = _next_nonempty(lines, 0)
    if first is None:
        return "", ""
    if len(lines[first].strip()) > TITLE_MAX_CHARS:
        return "", "\n".join(lines[first:]).strip()
    title_at = first
    second = _next_nonempty(lines, first + 1)
    if (second is not None and _stands_alone(lines, second)
            and _looks_like_site_name(lines[first], lines[second])):
        title_at = second
    return lines[title_at].strip(), "\n".join(lines[title_at + 1:]).strip()


def _next_nonempty(lines: list[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if lines[i].strip():
            return i
    return None


def _stands_alone(lines: list[str], at: int) -> bool:
    """The line at `at` is not the first line of a hard-wrapped paragraph: a blank line or the
    end follows it, or the next line starts a sentence of its own. "Ghana Cocoa Review" over
    "Rain fell across the western growing areas in" / "the week to Friday, ..." is a title over
    a wrapped body, not a site name over a headline."""
    if at + 1 >= len(lines) or not lines[at + 1].strip():
        return True
    following = lines[at + 1].lstrip()
    last = lines[at].split()[-1].lower()
    return not following[0].islower() and last not in WRAP_ENDINGS


def _looks_like_site_name(line: str, following: str) -> bool:
    words = [w for w in line.split() if any(c.isalnum() for c in w)]  # "&", "|" aren't words
    next_words = following.split()
    return (
        len(words) <= SITE_NAME_MAX_WORDS
        and all(w[0].isupper() or w[0].isdigit() for w in words)
        and not _SENTENCE_PUNCT_RE.search(line.strip())
        and len(next_words) > len(words)
        and HEADLINE_MIN_WORDS <= len(next_words) <= HEADLINE_MAX_WORDS
        and len(following.strip()) <= TITLE_MAX_CHARS
        and not following.lstrip()[0].islower()  # a headline starts as a sentence does
        and not following.rstrip().endswith(".")
    )


def read_text(data: bytes | str, source: str, *, declared: str | None = None,
              url: str | None = None) -> Article:
    """Article from plain text (bytes or already decoded); the body stays raw for cleaning."""
    title, body = split_title(data if isinstance(data, str) else decode(data, declared))
    return Article(source=source, title=title, text=body, url=url)


__all__ = ["bom_encoding", "decode", "read_text", "split_title"]
