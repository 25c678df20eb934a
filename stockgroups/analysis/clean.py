"""Scraped text in, readable story out: boilerplate lines dropped, spinner glue split.

`clean_text` is pure and line-based. A line is dropped only when the whole of it
matches one boilerplate pattern (ad marker, photo credit, byline, share widget,
cookie banner), so a sentence that merely mentions Reuters or cookies stays.
"""
from __future__ import annotations

import html
import re

# Glue words a text spinner leaves capitalised after a lower-case word
# ("snowballedFrom"). Function words only: brand names never end in these after a
# lower-case run of 3+ letters, while "LinkedIn" is safe because it starts upper-case.
GLUE_WORDS = (
    "From", "The", "And", "To", "Of", "In", "On", "For", "With", "As", "At", "By",
    "But", "Or", "That", "This", "Which", "While", "After", "Before", "Into", "Over",
    "Under", "About", "Than", "Then", "When", "Where", "Who", "Its", "Their", "His",
    "Her", "Has", "Have", "Had", "Was", "Were", "Is", "Are", "Will", "Would", "Said",
    "Since", "Amid", "Despite", "Against", "During", "Through",
)

# Photo agencies and wire services as they appear alone in credit lines.
AGENCIES = (
    "Getty Images", "Getty", "Reuters", "AP Photo", "AP", "Associated Press", "AFP",
    "Bloomberg", "Xinhua", "Xinhua News Agency", "Shutterstock", "EPA", "EPA-EFE",
    "Anadolu Agency", "Anadolu", "NurPhoto", "SOPA Images", "LightRocket", "Sipa USA",
    "Alamy", "Imagine China", "Corbis", "dpa", "Kyodo", "Kyodo News", "Bloomberg Creative",
    "Future Publishing", "Getty Images News", "Getty Images Entertainment",
)

# Single-character fixes applied before anything else: zero-width and control
# characters removed, exotic spaces made plain, odd dashes made ordinary.
_DELETE = "\u200b\u200c\u200d\u2060\ufeff\u00ad" + "".join(
    chr(c) for c in (*range(0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85),
                     *range(0x86, 0xA0))
)
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
          "\u202f\u205f\u3000"
_CHAR_TABLE = {
    **{ord(c): None for c in _DELETE},
    **{ord(c): " " for c in _SPACES},
    **{ord(c): "\n" for c in "\x0b\x0c\x85\u2028\u2029"},
    0x2010: "-", 0x2011: "-", 0x2212: "-", 0x2012: "\u2013", 0x2015: "\u2014",
}

# Entities left behind by a bad scrape; the semicolon is required so "AT&T" survives.
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# Removed wherever they occur, even mid-line; each gated by a cheap substring test.
_AD_MARKER_RE = re.compile(r"\[ad(?:_\d+)?\]")
_PHOTO_PAREN_RE = re.compile(
    r"\((?i:photo|image|picture)s?\s*(?i:by|credit|courtesy of|:)[^()\n]{1,150}\)"
)
_SHOUTED_AD_RE = re.compile(r"\bADVERTISEMENT\b")
_ODD_CHAR_RE = re.compile("[" + re.escape("".join(chr(k) for k in _CHAR_TABLE)) + "]")

# Scans for the glue word first (a fast first-character prefix scan); the lower-case
# run before it is checked in Python, which is far cheaper than a look-behind.
_GLUE_RE = re.compile("(?:" + "|".join(GLUE_WORDS) + r")(?![a-z])")
GLUE_MIN_RUN = 3  # "iPhone", "eBay": shorter lower-case runs are brand prefixes

_AGENCY = "(?i:" + "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True)) + ")"
# Capitalised words only around the agency, so "Reuters/Ipsos poll shows ..." stays.
_CAPS = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|da|van|von|der)){0,4}"
_AGENCY_ONLY_RE = re.compile(rf"(?:{_CAPS}\s*/\s*)?{_AGENCY}(?:\s*(?:/|\bvia\b)\s*{_CAPS})*")

_PARTICLES = "de|da|la|le|del|di|du|dos|van|von|der|bin|al-\\w+"  # "Maria de la Cruz"
_NAME = rf"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|{_PARTICLES})){{0,4}}"
_BOILERPLATE = (
    # lines left with no letters or digits (a lone "." after an ad marker, "***")
    r"[^\w]*",
    # ad slots
    (r"(?i:advertisement|ad|sponsored(?: content)?|story continues below(?: advertisement)?"
    r"|scroll to continue(?: with content)?|continue reading(?: below)?|skip advert)"),
    # photo credits and captions credited by label
    (r"(?i:photo|photograph|image|picture|credit|photo credit|image credit|image source)s?"
    r"\s*[:：].{0,300}"),
    r"(?i:image credit).{0,200}",
    # bylines: every word capitalised, so "By Friday, the index fell" stays
    (rf"(?:Written |Story |Words )?(?:By|BY|by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
    r"(?:\s*[,|–—-]\s*[A-Z0-9][\w'’.&:-]*(?:\s+[A-Z0-9][\w'’.&:-]*){0,4})?"),
    # contributor and wire-desk credits
    (r".{0,200}(?i:contributed (?:to this report|reporting|to this story|to this article))"
    r"[.)]*"),
    r"\((?i:additional reporting|reporting|writing|editing|compiled|research) by [^)]{1,300}\)\.?",
    r"(?i:additional reporting|reporting|writing) by .{1,300}(?i:editing by) .{1,200}",
    r"(?i:additional reporting|reporting|writing|editing) by(?:\s+\S+){1,8}",
    r"(?i:our standards: the thomson reuters trust principles)\.?",
    # share widgets, follow and newsletter prompts, cross-links
    r"(?i:share(?: this| the)?(?: article| story| post)?(?: on \w+)?:?)",
    (r"(?i:(?:share(?: this| the)?(?: article| story| post| page)?(?: on| via)?\s*:\s*)?"
     r"(?:share|facebook|twitter|x|linkedin|email|e-mail|whatsapp|reddit|pinterest|print"
    r"|copy link|telegram|flipboard|messenger|comments?)(?:\s*[,|·•/:]?\s*)){1,12}"),
    r"(?i:copy (?:link|url)|link copied!?)",
    r"(?i:follow (?:us|[\w .'’]{1,40}) on [\w ,&.]{1,80})",
    r"(?i:sign up (?:for|to|now)\b.{0,150})",
    r"(?i:subscribe(?: now| today)?(?: (?:to|for) .{0,100})?)",
    (r"(?i:read more|related|also read|see also|read next|more from [\w ]{1,30}|watch|watch now"
    r"|listen)\s*:.{0,250}"),
    r"(?i:click here)\b.{0,250}",
    # cookie banners and footers
    r"(?i:(?:we|this (?:web)?site|our (?:web)?site|we and our partners) uses? cookies).{0,500}",
    r"(?i:by (?:continuing to (?:use|browse)|using) (?:this|our) (?:web)?site).{0,400}",
    (r"(?i:(?:accept|reject|allow|decline)(?: all)?(?: cookies)?|manage (?:cookies|preferences"
    r"|cookie settings)|cookie (?:settings|preferences|policy))"),
    r"(?i:©|copyright ©?)\s*\d{4}.{0,200}",
    r"(?i:all rights reserved)\.?",
)
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE))

# A pipe credit ("Xinhua News Agency | Xinhua News Agency | Getty Images") has short
# parts and ends in an agency; real sentences rarely contain " | " at all.
PIPE_CREDIT_MAX_PART = 60
AGENCY_LINE_MAX = 150  # "Andrew Harrer/Bloomberg via Getty Images" and the like are short


def clean_text(text: str) -> str:
    """Return the story text without scraping boilerplate, with whitespace normalised."""
    if not text:
        return ""
    if "&" in text:
        text = _ENTITY_RE.sub(_unescape, text)
    if _has_odd_chars(text):
        text = text.translate(_CHAR_TABLE)
    if "[ad" in text:
        text = _AD_MARKER_RE.sub("", text)
    if "(" in text:
        text = _PHOTO_PAREN_RE.sub("", text)
    if "ADVERTISEMENT" in text:
        text = _SHOUTED_AD_RE.sub("", text)
    text = split_glued_words(text)
    out: list[str] = []
    gap = False
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            gap = bool(out)
            continue
        if _is_boilerplate(line):
            continue
        if gap:
            out.append("")
            gap = False
        out.append(line)
    return "\n".join(out)


def _has_odd_chars(text: str) -> bool:
    """_ODD_CHAR_RE.search(text), for ASCII text (most stories) by a byte deletion instead."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ODD_ASCII)) != len(raw)
    return _ODD_CHAR_RE.search(text) is not None


# The characters of _CHAR_TABLE below 128, as bytes.
_ODD_ASCII = bytes(k for k in _CHAR_TABLE if k < 128)


def _is_boilerplate(line: str) -> bool:
    if _BOILERPLATE_RE.fullmatch(line):
        return True
    if len(line) <= AGENCY_LINE_MAX and _AGENCY_ONLY_RE.fullmatch(line):
        return True
    if "|" in line:
        parts = [p.strip() for p in line.split("|")]
        return (
            all(0 < len(p) <= PIPE_CREDIT_MAX_PART for p in parts)
            and _AGENCY_ONLY_RE.fullmatch(parts[-1]) is not None
        )
    return False


def _unescape(m: re.Match[str]) -> str:
    return html.unescape(m.group(0))


def split_glued_words(text: str) -> str:
    """Split spinner glue ("snowballedFrom" -> "snowballed from"), leaving "LinkedIn" alone."""
    pieces: list[str] = []
    last = 0
    for m in _GLUE_RE.finditer(text):
        start = run = m.start()
        while run > 0 and "a" <= text[run - 1] <= "z":
            run -= 1
        if start - run < GLUE_MIN_RUN or (run > 0 and text[run - 1].isalnum()):
            continue
        pieces += (text[last:start], " ", m.group().lower())
        last = m.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


__all__ = ["AGENCIES", "GLUE_WORDS", "clean_text", "split_glued_words"]
