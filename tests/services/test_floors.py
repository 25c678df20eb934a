"""Floors never go down: each pinned floors file against its versions at the last commits (git)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from stockgroups.services.external_eval import bounds_that_went_the_wrong_way

ROOT = Path(__file__).resolve().parents[2]
# (floors file, the labels it is measured on: a re-labelled set re-bases its floors)
FILES = (("eval/floors.json", "eval/labels.jsonl"),
         ("eval/holdout/floors.json", "eval/holdout/labels.jsonl"),
         ("eval/external_floors.json", None))


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60, check=False)


def _at(rev: str, path: str) -> str | None:
    """The file's text at rev ("" for the working copy), or None where it did not exist."""
    if rev == "":
        file = ROOT / path
        return file.read_text(encoding="utf-8") if file.exists() else None
    out = _git("show", f"{rev}:{path}")
    return out.stdout if out.returncode == 0 else None


def _bounds(text: str) -> dict[str, dict[str, float]]:
    data = json.loads(text)
    if all(isinstance(v, (int, float)) for v in data.values()):  # a flat {metric: floor}
        return {"": {k: float(v) for k, v in data.items()}}
    return {k: {m: float(x) for m, x in v.items()} for k, v in data.items() if isinstance(v, dict)}


def _steps() -> list[tuple[str, str]]:
    """(older, newer) pairs: the last commit against the one before, the working copy against the last."""
    if _git("rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        pytest.fail("not a git checkout: the floors check needs the history")
    steps = [("HEAD", "")]
    if _git("rev-parse", "--verify", "--quiet", "HEAD~1").returncode == 0:
        steps.append(("HEAD~1", "HEAD"))
    return steps


def test_floors_are_unchanged_or_raised_since_the_previous_commit() -> None:
    problems = []
    for older, newer in _steps():
        for floors, labels in FILES:
            before, after = _at(older, floors), _at(newer, floors)
            if before is None:
                continue  # a new floors file starts where it starts
            if after is None:
                problems.append(f"{floors}: removed in {newer or 'the working copy'}")
                continue
            if labels and _at(older, labels) != _at(newer, labels):
                continue  # the set was re-labelled: its floors are re-based on the new labels
            problems += [f"{floors} ({older} -> {newer or 'working copy'}): {p}"
                         for p in bounds_that_went_the_wrong_way(_bounds(before), _bounds(after))]
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_lowered_floor() -> None:
    before = _bounds(json.dumps({"f1": 0.87, "recall": 0.8}))
    assert bounds_that_went_the_wrong_way(before, _bounds(json.dumps({"f1": 0.86, "recall": 0.9}))) == [
        " f1: floor went from 0.87 to 0.86"]
