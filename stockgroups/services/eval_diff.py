"""`stockgroups eval --diff REF`: per-article gains and losses between a git ref and this code.

The code at REF runs in a temporary `git worktree` (its own package first on the import path)
and analyses the eval set's articles; this code analyses the same files; both outputs are
scored with this code's labels and scorer, so the only difference is the analysis.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from stockgroups.errors import InputError
from stockgroups.kb.load import KB
from stockgroups.services.evaluate import CaseResult, load_labels, score_case, summarize

# The code at REF is started with the interpreter's site machinery off (-S) so that the
# editable install of this checkout cannot shadow it; the installed libraries are put on
# the path by hand.
# The command is found in REF's own pyproject.toml, so refs from before a layout change work.
SCRIPT_RE = re.compile(r'^stockgroups\s*=\s*"(?P<module>[\w.]+):(?P<func>\w+)"', re.M)
ANALYZE_TIMEOUT_S = 900
GIT_TIMEOUT_S = 120


@dataclass(frozen=True)
class ArticleChange:
    file: str
    gained: tuple[str, ...]  # problems at REF that this code no longer has
    lost: tuple[str, ...]  # problems this code has that REF did not


def problems(case: CaseResult) -> set[str]:
    """Everything wrong with one article's output, one short phrase each."""
    return ({f"missed {g}" for g in case.fn} | {f"extra {g}" for g in case.fp}
            | {f"direction {d}" for d in case.wrong_direction} | {f"must-not {g}" for g in case.must_not_hit}
            | {f"company missed {t}" for t in case.companies_missed}
            | {f"company direction {d}" for d in case.companies_wrong_direction})


def _as_analysis(output: dict[str, Any]) -> SimpleNamespace:
    """The parts of an analysis JSON line the scorer reads, whatever version wrote it."""
    groups = [SimpleNamespace(id=g["id"], direction=g.get("direction", "")) for g in output.get("groups") or []]
    companies = [SimpleNamespace(ticker=c["ticker"], direction=c.get("direction", ""))
                 for c in output.get("companies") or []]
    return SimpleNamespace(groups=groups, companies=companies)


def score_outputs(labels: list[dict], outputs: dict[str, dict], kb: KB) -> list[CaseResult]:
    """Score analysis JSON objects (keyed by the label's file) against the labels."""
    return [score_case(label, _as_analysis(outputs.get(label["file"], {})), kb)  # type: ignore[arg-type]
            for label in labels]


def compare(before: list[CaseResult], after: list[CaseResult]) -> list[ArticleChange]:
    """Articles whose problems changed, in label order."""
    changes = []
    for old, new in zip(before, after, strict=True):
        was, now = problems(old), problems(new)
        if was != now:
            changes.append(ArticleChange(new.file, tuple(sorted(was - now)), tuple(sorted(now - was))))
    return changes


def _git(repo: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"git {' '.join(args)}: {exc}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise InputError(f"git {' '.join(args)}: {last}")
    return proc.stdout


def analyze_at_ref(repo: Path, ref: str, files: list[Path]) -> dict[Path, dict]:
    """Analysis JSON per file from the code at `ref`, run in a temporary worktree."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    with tempfile.TemporaryDirectory(prefix="stockgroups-diff-") as tmp:
        tree = Path(tmp) / "tree"
        _git(repo, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            script = SCRIPT_RE.search((tree / "pyproject.toml").read_text(encoding="utf-8"))
            if script is None:
                raise InputError(f"{ref}: its pyproject.toml names no stockgroups command")
            entry = f"from {script['module']} import {script['func']}; {script['func']}()"
            libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), *sorted(libraries)])}
            proc = subprocess.run([sys.executable, "-S", "-c", entry, "analyze", *map(str, files),
                                   "--format", "json"], cwd=tree, env=env, capture_output=True, text=True,
                                  timeout=ANALYZE_TIMEOUT_S, check=False)
        except OSError as exc:
            raise InputError(f"{ref}: {exc}") from None
        except subprocess.TimeoutExpired:
            raise InputError(f"{ref}: the analysis took over {ANALYZE_TIMEOUT_S} s") from None
        finally:
            _git(repo, "worktree", "remove", "--force", str(tree))
    outputs: dict[Path, dict] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            outputs[Path(str(data.get("source", ""))).resolve()] = data
    if not outputs:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(f"{ref}: the code at {commit[:12]} analysed nothing ({last})")
    return outputs


def eval_diff(repo: Path, ref: str, eval_dir: Path, kb: KB,
              analyze_now: Callable[[Path], dict]) -> tuple[dict, dict, list[ArticleChange]]:
    """(summary at REF, summary now, changed articles) on the eval set in eval_dir."""
    labels = load_labels(eval_dir / "labels.jsonl")
    files = [(eval_dir / label["file"]).resolve() for label in labels]
    then = analyze_at_ref(repo, ref, files)
    before = score_outputs(labels, {label["file"]: then.get(path, {}) for label, path in zip(labels, files,
                                                                                              strict=True)}, kb)
    after = score_outputs(labels, {label["file"]: analyze_now(path) for label, path in zip(labels, files,
                                                                                            strict=True)}, kb)
    return summarize(before), summarize(after), compare(before, after)
