"""The external quality gate: real news labelled by others, scored by the shared scorer.

The figures are exactly those of `../shared/tools/score_news.py run --product BIN`: this module
runs that script and reads its JSON, so the gate can never drift from how the hidden halves
are scored. They are compared with the floors pinned in eval/external_floors.json.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from stockgroups.errors import InputError

SCORER = Path("tools") / "score_news.py"
SETS = ("reuters", "yahoo", "phrasebank")
# The scorer of all three sets takes about a minute on a quiet machine; a hung product fails.
SCORER_TIMEOUT_S = 1800
# Metrics where lower is better: their pinned bound is a ceiling, not a floor.
LOWER_IS_BETTER = frozenset({("phrasebank", "neutral given a direction")})
# Figures issue 8 gives for a naive name tagger, and its targets, shown beside ours.
NAIVE_TAGGER: dict[tuple[str, str], float] = {
    ("reuters", "f1"): 0.77,
    ("yahoo", "recall"): 0.73,
}
TARGETS: dict[tuple[str, str], float] = {
    ("reuters", "f1"): 0.88,
    ("yahoo", "recall"): 0.90,
    ("yahoo", "named precision (49 large caps, labelled span)"): 0.90,
    ("phrasebank", "coverage of positive/negative"): 0.50,
    ("phrasebank", "agreement"): 0.85,
    ("phrasebank", "neutral given a direction"): 0.05,
}
# Counts and timings the scorer prints that are not quality figures.
NOT_SCORED = frozenset({"stories", "articles", "sentences", "seconds", "labelled companies written in the text"})


@dataclass(frozen=True)
class Row:
    dataset: str
    metric: str
    value: float | None
    bound: float | None  # the pinned floor (or ceiling where lower is better)
    naive: float | None
    target: float | None

    @property
    def lower_is_better(self) -> bool:
        return (self.dataset, self.metric) in LOWER_IS_BETTER

    @property
    def failing(self) -> bool:
        if self.bound is None:
            return False
        if self.value is None:
            return True
        return self.value > self.bound if self.lower_is_better else self.value < self.bound


def scorer_path(shared: Path) -> Path:
    """The shared scorer, or InputError (one line) when the shared folder is not there."""
    path = Path(shared) / SCORER
    if not path.is_file():
        raise InputError(f"{shared}: no {SCORER.as_posix()} here: the external sets live in the shared "
                         "folder beside the repository (give it with --shared)")
    return path


def run_scorer(shared: Path, product: Path, sets: tuple[str, ...] = SETS,
               timeout: float = SCORER_TIMEOUT_S) -> dict[str, dict[str, float | None]]:
    """Run the shared scorer on `product` (a stockgroups executable); its figures per set."""
    script = scorer_path(shared)
    if not Path(product).exists():
        raise InputError(f"{product}: no such program to score")
    with tempfile.TemporaryDirectory(prefix="stockgroups-external-") as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, str(script), "run", "--product", str(product), "--sets", ",".join(sets),
               "--work", str(Path(tmp) / "work"), "--json", str(out)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"{script}: no figures after {timeout:.0f} s") from None
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise InputError(f"{script}: failed (exit {proc.returncode}): {last}")
        return json.loads(out.read_text(encoding="utf-8"))


def load_bounds(path: Path) -> dict[str, dict[str, float]]:
    """eval/external_floors.json: {set: {metric: bound}}; keys starting with _ are notes."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the floors ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a JSON object")
    try:
        return {k: {m: float(v) for m, v in metrics.items()} for k, metrics in data.items()
                if not k.startswith("_") and isinstance(metrics, dict)}
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path}: a floor is not a number ({exc})") from None


def table(figures: dict[str, dict[str, float | None]], bounds: dict[str, dict[str, float]]) -> list[Row]:
    """One row per scored metric: our figure, its pinned bound, the naive tagger's, the target."""
    rows = []
    for dataset in (*SETS, *(s for s in figures if s not in SETS)):
        if dataset not in figures:
            continue
        for metric, value in figures[dataset].items():
            if metric in NOT_SCORED:
                continue
            key = (dataset, metric)
            rows.append(Row(dataset, metric, value, bounds.get(dataset, {}).get(metric),
                            NAIVE_TAGGER.get(key), TARGETS.get(key)))
    for dataset, metrics in bounds.items():  # a pinned metric the scorer no longer prints fails
        for metric, bound in metrics.items():
            if dataset in figures and metric not in figures[dataset]:
                rows.append(Row(dataset, metric, None, bound, None, TARGETS.get((dataset, metric))))
    return rows


def failures(rows: list[Row]) -> list[str]:
    """One readable line per figure on the wrong side of its bound."""
    out = []
    for r in rows:
        if r.failing:
            word = "ceiling" if r.lower_is_better else "floor"
            shown = "missing" if r.value is None else f"{r.value:.4f}"
            out.append(f"{r.dataset} {r.metric} {shown} is past its {word} {r.bound:.4f}")
    return out


def bounds_that_went_the_wrong_way(old: dict[str, dict[str, float]],
                                   new: dict[str, dict[str, float]]) -> list[str]:
    """Floors only go up (ceilings only down), and none is dropped: the lines where one did not."""
    problems = []
    for dataset, metrics in old.items():
        for metric, before in metrics.items():
            after = new.get(dataset, {}).get(metric)
            lower = (dataset, metric) in LOWER_IS_BETTER
            if after is None:
                problems.append(f"{dataset} {metric}: bound {before} was removed")
            elif (after > before) if lower else (after < before):
                problems.append(f"{dataset} {metric}: {'ceiling' if lower else 'floor'} went from {before} to {after}")
    return problems
