"""Sentences and the lead of a body, as character spans: shared by relevance and exposure."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

_bisect_right = bisect.bisect_right

# A sentence ends at . ! ? (optionally closed by a quote or bracket) before white space and
# a capital, digit or quote; or at a line break. "U.S." and "Inc." before a capital are rare
# enough in wire copy that a split there costs little.
# (Written to start with one character class, so the engine skips to candidates fast: the
# same matches as `[.!?]["'”’)\]]?(?=\s+[A-Z0-9"“‘(])|\n`, twice as fast.)
SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)|(?<=[.!?])[\"'”’)\]]?(?=\s+[A-Z0-9\"“‘(]))")
# SENTENCE_END and the white space after it, where the next sentence starts (a line break
# inside that space ends no sentence of its own: it would hold nothing).
_END_AND_SPACE = re.compile(f"({SENTENCE_END.pattern})\\s*")
# The lead: the title and the first paragraph carry the story's subject.
LEAD_CHARS = 400


def sentence_spans(body: str) -> list[tuple[int, int]]:
    spans, start, size = [], 0, len(body)
    for m in _END_AND_SPACE.finditer(body):
        end = m.end(1)
        if body[end - 1] == "\n":
            end -= 1
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < size:
        spans.append((start, size))
    return spans


class Sentences:
    """Sentence lookup by character offset."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.spans = sentence_spans(body)
        self._starts = [s for s, _ in self.spans]

    def index(self, offset: int) -> int:
        i = _bisect_right(self._starts, offset) - 1  # (asked tens of times per story)
        return i if i > 0 else 0

    def text(self, i: int) -> str:
        s, e = self.spans[i]
        return self.body[s:e]

    def __len__(self) -> int:
        return len(self.spans)


@lru_cache(maxsize=8)
def sentences_of(body: str) -> Sentences:
    """Sentences of a body, memoised: the relevance and exposure stages both need them."""
    return Sentences(body)
