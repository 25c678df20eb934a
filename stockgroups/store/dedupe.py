"""Near-duplicate stories: MinHash signatures, an LSH index, clusters and a novelty score.

The same wire copy republished, a lightly spun copy and an updated version share most
of their word 3-grams, so their MinHash signatures agree on most positions. The LSH
index (datasketch) proposes candidates cheaply; each candidate is then checked with the
signature's Jaccard estimate and a time window, and the best one above the threshold
gives the story. Nothing here touches the disk or the clock: times are passed in.
"""
from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64  # 64 permutations: Jaccard estimate +-0.06, a quarter of the memory of 256
SHINGLE_WORDS = 3  # word 3-grams: one changed word spoils 3 shingles, copies still match
# Jaccard above which two texts are the same story. DEPENDENCIES.md measured that 0.8
# finds only 22% of planted near-copies; on eval/dedupe excerpts, edited and spun copies
# sit at 0.4-0.8 (eval/dedupe/evaluate.py --sweep). The facts check keeps precision.
THRESHOLD = 0.4
# 21 bands of 3 rows: a pair at Jaccard 0.5 is proposed with p=0.94, at 0.6 with 0.99
# (16x4 missed one pair in nine at 0.6). Candidates are then checked exactly.
LSH_BANDS = (21, 3)
# Template stories (earnings, rate decisions) share most words but not their names and
# numbers: two texts whose facts overlap less than this are never one story.
FACTS_MIN = 3  # below this many facts in either text the check is skipped
FACTS_AGREEMENT = 0.5  # shared facts / facts of the text with fewer
# Look-alike announcements (two defence contracts, two bond sales) share template words
# and even most facts; their subjects tell them apart. A company is a story's subject
# from this relevance up (the relevance stage puts a subject near 1, a passing mention
# near 0); texts whose subjects, or whose main events, differ are never one story.
SUBJECT_MIN_RELEVANCE = 0.6
MIN_SHINGLES = 8  # texts shorter than this are matched by exact content hash only
WINDOW_DAYS = 7.0  # two copies of a story are this close in time; novelty looks this far back
DAY = 86400.0
KEEP_MIN = 20_000  # below this many texts nothing is evicted (~130 MB of index)
KEEP_MAX = 150_000  # never more than this many (~1 GB of index): the oldest leave first
EVICT_WINDOWS = 2  # texts older than this many windows behind the newest leave the index

# Query parameters that track the reader, not the page: dropped from canonical URLs.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
                             "igshid", "ref", "ref_src", "cmpid", "ncid", "ocid", "smid"})
TRACKING_PREFIXES = ("utm_", "at_", "itm_")
DEFAULT_PORTS = {"http": 80, "https": 443}

_WORD_RE = re.compile(r"\w+")
_FACT_RE = re.compile(r"\b([A-Z][\w'-]+|\d(?:[\d.,]*\d)?)")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?]\s+|\n\s*)([A-Z][\w'-]*)")
_MIX = np.uint32(0x9E3779B1)  # golden-ratio multiplier: spreads word order into the hash


def canonical_url(url: str | None) -> str | None:
    """The URL two links to the same page share: no fragment, tracking or default port.

    Scheme and host are lower-cased, "www." is kept (sites differ), query parameters are
    sorted; http and https stay distinct only in the scheme, which is dropped.
    """
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return url.strip()
    if port and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k.lower() not in TRACKING_PARAMS
                   and not k.lower().startswith(TRACKING_PREFIXES))
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit(("", host, path, urlencode(query), "")).lstrip("/")


def content_hash(title: str, text: str) -> str:
    """sha256 of the title and text, case and spacing normalised: same words, same hash."""
    norm = " ".join(f"{title}\n{text}".casefold().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the text's lower-cased word 3-grams (unique, order ignored)."""
    words = _WORD_RE.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint32)
    h = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint32,
                    count=len(words))
    n = len(words) - SHINGLE_WORDS + 1
    out = h[:n].copy()
    for k in range(1, SHINGLE_WORDS):
        out = out * _MIX ^ h[k:k + n]
    return np.unique(out)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (uint32[NUM_PERM]) of a text, or None when it is too short."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=_PERMUTATIONS,
                 scheme=SCHEME)
    mh.update_batch(hashes.tolist())
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def facts(text: str) -> np.ndarray:
    """Hashes of the names and numbers a text states (capitalised words not starting a
    sentence, and figures), sorted and unique: what a copy keeps and a template changes."""
    starts = {m.start(1) for m in _SENTENCE_START_RE.finditer(text)}
    found = {zlib.crc32(m.group(1).casefold().encode("utf-8"))
             for m in _FACT_RE.finditer(text) if m.start(1) not in starts}
    return np.array(sorted(found), dtype=np.uint32)


def facts_agree(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """False when both texts state enough facts and share too few of them."""
    if a is None or b is None or len(a) < FACTS_MIN or len(b) < FACTS_MIN:
        return True
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared >= FACTS_AGREEMENT * min(len(a), len(b))


def subject_key(analysis: dict[str, Any]) -> str | None:
    """"TICKER|main-event,other-event": the analysis's top subject company (if any is a
    subject) and its events, main (most severe) first; None when it names neither."""
    companies = sorted((e for e in analysis.get("entities", []) if e.get("kind") == "company"
                        and e.get("relevance", 0) >= SUBJECT_MIN_RELEVANCE),
                       key=lambda e: (-e.get("relevance", 0), e.get("id", "")))
    events = [e["type"] for e in sorted(analysis.get("events", []),
                                        key=lambda e: (-e.get("severity", 0), e.get("type", "")))]
    company = companies[0]["id"] if companies else ""
    if not company and not events:
        return None
    return f"{company}|{','.join(events)}"


def subjects_differ(a: str | None, b: str | None) -> bool:
    """True when both texts have a subject company and they differ, or when neither main
    event is among the other text's events: then they are different stories.

    On eval/dedupe (--subjects) the company check costs no recall; requiring BOTH main
    events in the other's list cost 30 of 2,163 same-story pairs (a rewrite's cue words
    shift which event leads), this rule 6."""
    if not a or not b:
        return False
    company_a, _, events_a = a.partition("|")
    company_b, _, events_b = b.partition("|")
    if company_a and company_b and company_a != company_b:
        return True
    ev_a, ev_b = events_a.split(",") if events_a else [], events_b.split(",") if events_b else []
    return bool(ev_a and ev_b and ev_a[0] not in ev_b and ev_b[0] not in ev_a)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard estimate of two signatures: the share of positions where they agree."""
    return float(np.count_nonzero(a == b)) / len(a)


def _identity(x: int) -> int:
    return x


SCHEME = "affine32"  # datasketch 2's 32-bit scheme: half the memory of 64-bit values
# Fixed seed: signatures are stored, so every run must permute the same way.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_identity,
                        scheme=SCHEME).permutations


@dataclass(frozen=True)
class Match:
    """Where a new text belongs: an existing story (or None) and how new it is."""

    story_id: int | None
    similar_to: int | None  # the key of the closest earlier text, if any passed the threshold
    similarity: float  # best Jaccard estimate against texts in the window (0 if none)

    @property
    def novelty(self) -> float:
        """1.0 for a story nothing in the last WINDOW_DAYS resembles, 0.0 for an exact copy."""
        return round(1.0 - self.similarity, 3)


class Clusterer:
    """An in-memory LSH index over recent texts, each key remembering its story and time."""

    def __init__(self, threshold: float = THRESHOLD, window_days: float = WINDOW_DAYS) -> None:
        self.threshold = threshold
        self.window = window_days * DAY
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
        # One MinHash reused for every call: the index keeps band hashes, not the object,
        # and building a MinHash costs more than the query itself.
        self._probe = _as_minhash(np.zeros(NUM_PERM, dtype=np.uint32))
        self._sigs: dict[int, np.ndarray] = {}
        self._facts: dict[int, np.ndarray | None] = {}
        self._subjects: dict[int, str | None] = {}
        self._meta: dict[int, tuple[int, float | None]] = {}  # key -> (story id, time)
        self._by_time: list[tuple[float, int]] = []  # min-heap (time, key): eviction order
        self._newest = float("-inf")

    def __len__(self) -> int:
        return len(self._sigs)

    def match(self, sig: np.ndarray | None, when: float | None,
              text_facts: np.ndarray | None = None, subject: str | None = None) -> Match:
        """The story a signature joins: the best candidate above threshold in the window.

        `when` is the text's publication time (epoch seconds), None when unknown: an
        undated text is compared with everything in the index. A candidate whose subject
        (subject_key) differs is never joined, however alike the words.
        """
        if sig is None:
            return Match(None, None, 0.0)
        best_key, best_sim = None, 0.0
        self._probe.hashvalues = sig
        for key in self._lsh.query(self._probe):
            _story, t = self._meta[key]
            if when is not None and t is not None and abs(t - when) > self.window:
                continue
            sim = similarity(sig, self._sigs[key])
            if sim >= self.threshold and (not facts_agree(text_facts, self._facts[key])
                                          or subjects_differ(subject, self._subjects[key])):
                continue
            if sim > best_sim or (sim == best_sim and best_key is not None and key < best_key):
                best_key, best_sim = key, sim
        if best_key is not None and best_sim >= self.threshold:
            return Match(self._meta[best_key][0], best_key, best_sim)
        return Match(None, None, best_sim)

    def add(self, key: int, sig: np.ndarray | None, story_id: int, when: float | None,
            text_facts: np.ndarray | None = None, subject: str | None = None) -> None:
        if sig is None or key in self._sigs:
            return
        self._probe.hashvalues = sig
        self._lsh.insert(key, self._probe, check_duplication=False)
        self._sigs[key] = sig
        self._facts[key] = text_facts
        self._subjects[key] = subject
        self._meta[key] = (story_id, when)
        if when is not None:
            self._newest = max(self._newest, when)
        # An undated text leaves the index as if it had the newest time seen so far.
        heapq.heappush(self._by_time, (when if when is not None else self._newest, key))
        self._evict()

    def _evict(self) -> None:
        """Past KEEP_MIN texts, drop those too old to match anything new.

        Memory then stays bounded by the window on big archives; EVICT_WINDOWS windows
        are kept so an archive read slightly out of order still finds its copies, and
        never more than KEEP_MAX texts (undated archives have no window).
        """
        if len(self._sigs) <= KEEP_MIN:
            return
        horizon = self._newest - EVICT_WINDOWS * self.window
        while self._by_time and (self._by_time[0][0] < horizon or len(self._sigs) > KEEP_MAX):
            _, key = heapq.heappop(self._by_time)
            self._lsh.remove(key)
            del self._sigs[key], self._meta[key], self._facts[key], self._subjects[key]

    def load(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rebuild from stored (key, story id, epoch or None, signature, facts[, subject])."""
        for key, story_id, when, blob, fact_blob, *rest in rows:
            self.add(key, from_blob(blob), story_id, when, from_blob(fact_blob),
                     rest[0] if rest else None)


def _as_minhash(sig: np.ndarray) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=sig, hashfunc=_identity,
                   permutations=_PERMUTATIONS, scheme=SCHEME)


def to_blob(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def from_blob(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype="<u4").astype(np.uint32)


__all__ = [
    "NUM_PERM",
    "THRESHOLD",
    "WINDOW_DAYS",
    "Clusterer",
    "Match",
    "canonical_url",
    "content_hash", "facts", "facts_agree",
    "from_blob",
    "shingle_hashes",
    "signature",
    "similarity",
    "subject_key",
    "subjects_differ",
    "to_blob",
]
