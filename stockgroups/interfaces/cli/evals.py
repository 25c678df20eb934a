"""`stockgroups eval --external` and `eval --diff REF`: printing only; the work is in services/."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from stockgroups.errors import StockGroupsError
from stockgroups.kb.load import KB
from stockgroups.services import eval_diff, external_eval

DEFAULT_SHARED = Path("..") / "shared"
DEFAULT_EXTERNAL_FLOORS = Path("eval") / "external_floors.json"
SUMMARY_KEYS = ("precision", "recall", "f1", "direction_accuracy", "trap_clean", "must_not_clean",
                "company_recall", "company_direction")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def default_product() -> Path:
    """The stockgroups program beside the running interpreter (the venv's own)."""
    return Path(sys.executable).parent / "stockgroups"


def run_external(shared: Path, product: Path, floors: Path) -> None:
    """Score the real-news sets with the shared scorer, print the table, exit 1 past a bound."""
    try:
        bounds = external_eval.load_bounds(floors)
        figures = external_eval.run_scorer(shared, product)
    except StockGroupsError as exc:
        raise click.ClickException(str(exc)) from None
    rows = external_eval.table(figures, bounds)
    if not rows:
        raise click.ClickException("the scorer printed no figures")
    width = max(len(f"{r.dataset} {r.metric}") for r in rows)
    click.echo(f"{'set and metric':{width}}  {'ours':>6}  {'floor':>6}  {'naive':>6}  {'target':>6}")
    for r in rows:
        mark = "^" if r.lower_is_better and r.bound is not None else " "
        click.echo(f"{r.dataset + ' ' + r.metric:{width}}  {_fmt(r.value):>6}  {_fmt(r.bound):>6}{mark} "
                   f"{_fmt(r.naive):>6}  {_fmt(r.target):>6}" + ("   BELOW" if r.failing else ""))
    click.echo("(floor: pinned in eval/external_floors.json, ^ a ceiling; naive: the naive name tagger "
               "of issue 8; target: issue 8)")
    failed = external_eval.failures(rows)
    for line in failed:
        click.echo(f"stockgroups: error: {line}", err=True)
    if failed:
        sys.exit(1)


def run_diff(ref: str, eval_dir: Path, kb: KB, analyze_now: Callable[[Path], dict]) -> None:
    """Print per-article gains and losses between the code at REF and this code."""
    repo = Path.cwd()
    try:
        before, after, changes = eval_diff.eval_diff(repo, ref, eval_dir, kb, analyze_now)
    except StockGroupsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'metric':20} {ref[:12]:>12} {'now':>8}")
    for key in SUMMARY_KEYS:
        click.echo(f"{key:20} {before.get(key, 0):>12.4f} {after.get(key, 0):>8.4f}")
    gains = sum(len(c.gained) for c in changes)
    losses = sum(len(c.lost) for c in changes)
    click.echo(f"\n{len(changes)} article(s) changed: {gains} problem(s) fixed, {losses} new")
    for change in changes:
        click.echo(f"\n{change.file}")
        for item in change.gained:
            click.echo(f"  + fixed  {item}")
        for item in change.lost:
            click.echo(f"  - new    {item}")
