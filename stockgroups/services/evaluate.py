"""The quality gate: score the product on a labelled set of articles.

Labels (eval/labels.jsonl) list, per article, the groups that must come out (with their
direction), those that may, and those that must not. Precision counts every reported group
that is neither must nor may as a false positive.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stockgroups.errors import InputError
from stockgroups.kb.load import KB
from stockgroups.model import Analysis

METRICS = ("precision", "recall", "f1", "direction_accuracy", "trap_clean", "must_not_clean",
           "company_recall", "company_direction")


@dataclass
class CaseResult:
    file: str
    trap: bool
    tp: list[str] = field(default_factory=list)
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)
    wrong_direction: list[str] = field(default_factory=list)
    must_not_hit: list[str] = field(default_factory=list)
    companies_found: int = 0
    companies_expected: int = 0
    companies_missed: list[str] = field(default_factory=list)
    companies_wrong_direction: list[str] = field(default_factory=list)


def load_labels(path: Path) -> list[dict]:
    labels = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            labels.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: bad JSON ({exc.msg})") from None
    return labels


def score_case(label: dict, analysis: Analysis, kb: KB | None = None) -> CaseResult:
    predicted = {g.id: g.direction for g in analysis.groups}
    must: dict[str, str] = label.get("must", {})
    may = set(label.get("may", []))
    if kb is not None:
        # Taxonomy rule: an industry is reported with its sector. A label that accepts an
        # industry accepts its sector too, so following the rule is never a false positive.
        may |= {kb.entities[g].sector for g in (*must, *may) if g in kb.entities and kb.entities[g].kind == "industry"}
    must_not = set(label.get("must_not", []))
    res = CaseResult(label["file"], bool(label.get("trap")))
    for gid, direction in predicted.items():
        if gid in must:
            res.tp.append(gid)
            if must[gid] != direction:
                res.wrong_direction.append(f"{gid} {direction} (want {must[gid]})")
        elif gid not in may:
            res.fp.append(gid)
        if gid in must_not:
            res.must_not_hit.append(gid)
    res.fn = [g for g in must if g not in predicted]
    tickers = {c.ticker for c in analysis.companies}
    expected = label.get("companies", {})

    def canonical(ticker: str) -> str:
        # "BHP" and "BHP.AX" name one company: compare primary tickers.
        if kb is None:
            return ticker
        company = kb.ticker_index.get(ticker.upper())
        return kb.entities[company].ticker if company else ticker

    by_ticker = {c.ticker: c.direction for c in analysis.companies}
    res.companies_expected = len(expected)
    res.companies_found = sum(1 for t in expected if canonical(t) in tickers)
    res.companies_missed = [t for t in expected if canonical(t) not in tickers]
    res.companies_wrong_direction = [f"{t} {by_ticker[canonical(t)]} (want {d})" for t, d in expected.items()
                                     if canonical(t) in by_ticker and by_ticker[canonical(t)] != d]
    return res


def summarize(results: list[CaseResult]) -> dict[str, float]:
    tp = sum(len(r.tp) for r in results)
    fp = sum(len(r.fp) for r in results)
    fn = sum(len(r.fn) for r in results)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong = sum(len(r.wrong_direction) for r in results)
    traps = [r for r in results if r.trap]
    exp = sum(r.companies_expected for r in results)
    return {
        "articles": len(results),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "direction_accuracy": round((tp - wrong) / tp, 4) if tp else 1.0,
        "trap_clean": round(sum(1 for r in traps if not (r.tp or r.fp)) / len(traps), 4) if traps else 1.0,
        "must_not_clean": round(sum(1 for r in results if not r.must_not_hit) / len(results), 4) if results else 1.0,
        "company_recall": round(sum(r.companies_found for r in results) / exp, 4) if exp else 1.0,
        "company_direction": round(1 - sum(len(r.companies_wrong_direction) for r in results) / found, 4)
        if (found := sum(r.companies_found for r in results)) else 1.0,
    }


def run_eval(eval_dir: Path, kb: KB, analyze: Callable[[Path], Analysis]) -> tuple[dict[str, float], list[CaseResult]]:
    labels = load_labels(eval_dir / "labels.jsonl")
    results = [score_case(label, analyze(eval_dir / label["file"]), kb) for label in labels]
    return summarize(results), results


def check_floors(summary: dict[str, float], floors: dict[str, float]) -> list[str]:
    """The metrics below their pinned floor, as readable lines."""
    return [f"{k} {summary.get(k, 0):.4f} < floor {v:.4f}" for k, v in floors.items() if summary.get(k, 0) < v]
