"""Precision and recall of story clustering on the labelled set (eval/dedupe/docs.jsonl).

The documents go through stockgroups.dedupe.Clusterer in file order, as an ingest would
see them; every pair of documents is then a labelled pair: "same story" when their
`story` labels match. Pairwise precision = share of pairs put in one story that are
the same story; recall = share of same-story pairs put in one story.

    .venv/bin/python eval/dedupe/evaluate.py [--sweep] [--subjects]

--subjects also runs the analysis on every document and applies the ingest's subject
guard (dedupe.subject_key / subjects_differ), to measure what it costs in recall.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from stockgroups.store import dedupe  # noqa: E402 (after the sys.path line above)

DOCS = Path(__file__).with_name("docs.jsonl")


def load(path: Path = DOCS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def cluster(docs: list[dict], threshold: float = dedupe.THRESHOLD,
            subjects: dict[int, str | None] | None = None) -> dict[int, int]:
    """Document id -> story id, as the ingest would assign them."""
    clusterer = dedupe.Clusterer(threshold=threshold)
    assigned: dict[int, int] = {}
    for doc in docs:
        sig = dedupe.signature(f"{doc['title']}\n{doc['text']}")
        facts = dedupe.facts(doc["text"])
        subject = (subjects or {}).get(doc["id"])
        match = clusterer.match(sig, None, facts, subject)
        story = match.story_id if match.story_id is not None else doc["id"]
        assigned[doc["id"]] = story
        clusterer.add(doc["id"], sig, story, None, facts, subject)
    return assigned


def subject_keys(docs: list[dict]) -> dict[int, str | None]:
    """The analysis's subject key of every document (the shipped KB)."""
    from stockgroups.analysis.pipeline import analyze

    return {d["id"]: dedupe.subject_key(analyze({"title": d["title"], "text": d["text"]})
                                        .to_dict()) for d in docs}


def score(docs: list[dict], assigned: dict[int, int]) -> dict[str, float]:
    tp = fp = fn = 0
    missed: Counter[str] = Counter()
    for a, b in combinations(docs, 2):
        same = a["story"] == b["story"]
        together = assigned[a["id"]] == assigned[b["id"]]
        tp += same and together
        fp += together and not same
        if same and not together:
            fn += 1
            missed[b["kind"] if a["kind"] == "original" else a["kind"]] += 1
    by_story = defaultdict(set)
    for d in docs:
        by_story[d["story"]].add(assigned[d["id"]])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"documents": len(docs), "stories": len(by_story),
            "positive_pairs": tp + fn, "labelled_pairs": len(docs) * (len(docs) - 1) // 2,
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
            "false_merges": fp, "missed_pairs": fn,
            "stories_split": sum(1 for s in by_story.values() if len(s) > 1),
            "missed_by_kind": dict(missed.most_common())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also try other thresholds")
    parser.add_argument("--subjects", action="store_true",
                        help="also apply the subject guard (runs the analysis)")
    args = parser.parse_args()
    docs = load()
    print(json.dumps({"threshold": dedupe.THRESHOLD, **score(docs, cluster(docs))}, indent=1))
    if args.subjects:
        guarded = score(docs, cluster(docs, subjects=subject_keys(docs)))
        print(json.dumps({"with_subject_guard": guarded}, indent=1))
    if args.sweep:
        for t in (0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8):
            s = score(docs, cluster(docs, t))
            print(f"threshold {t:.2f}: precision {s['precision']:.3f} recall {s['recall']:.3f} "
                  f"false merges {s['false_merges']} missed {s['missed_by_kind']}")


if __name__ == "__main__":
    main()
