"""The command line: one command per user task, each parsing, calling the library, printing."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import orjson

from stockgroups.errors import StockGroupsError
from stockgroups.interfaces.cli import batch as batch_commands
from stockgroups.interfaces.cli import evals
from stockgroups.interfaces.cli import config as config_commands
from stockgroups.interfaces.cli import kb as kb_commands
from stockgroups.interfaces.cli import markets as market_commands
from stockgroups.interfaces.cli import serve as serve_commands
from stockgroups.interfaces.cli import store as store_commands
from stockgroups.interfaces.cli.config import cli_settings, format_option
from stockgroups.model import Analysis
from stockgroups.services.knowledge import load_user_kb
from stockgroups.services.track_record import Calibrator, shipped_table

DEFAULT_EVAL_DIR = Path("eval")


def _kb(settings=None):
    try:
        return load_user_kb(settings)
    except StockGroupsError as exc:
        raise click.ClickException(str(exc)) from None


def _err(message: str) -> None:
    click.echo(f"stockgroups: error: {message}", err=True)


def _warn(message: str) -> None:
    click.echo(f"stockgroups: warning: {message}", err=True)


class _Main(click.Group):
    """The command group; a library error that reaches it is still a one-line error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StockGroupsError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stockgroups")
def main() -> None:
    """Stock Groups: which groups of stocks a news story moves, which way, and why.

    \b
    Example:
        stockgroups analyze samples/ --format json
    """


@main.command()
@click.argument("sources", nargs=-1, required=True)
@format_option("text: a readable table per article; json: one object per line.")
@click.option("--top", type=int, default=8, show_default=True, help="Rows per table in text format.")
@click.option("--allow-private", is_flag=True, default=None,
              help="Allow URLs on private or loopback addresses (setting allow_private).")
@click.option("--fetch-pages/--no-fetch-pages", default=True, show_default=True,
              help="Fetch the article page of a feed entry that carries only a teaser.")
def analyze(sources: tuple[str, ...], fmt: str, top: int, allow_private: bool | None,
            fetch_pages: bool) -> None:
    """Analyse articles: files, folders, http(s) URLs, or - for stdin.

    Inputs may be plain text (title on the first line), HTML pages, JSON objects
    ({"title", "text" or "body", "url", "published"}), JSON Lines, gzip of any of these,
    RSS/Atom feeds and OPML feed lists (each item analysed). The exit code is 1 if any
    input failed; the others are still analysed.

    \b
    Examples:
        stockgroups analyze story.txt page.html
        stockgroups analyze samples/ --format json
        curl -s https://example.com/story | stockgroups analyze -
    """
    from stockgroups.services.analyze import analyze_inputs

    settings = cli_settings(allow_private=allow_private)
    kb = _kb(settings)
    calibrator = Calibrator(shipped_table(), fragments=True)
    failed = 0
    out = sys.stdout.buffer
    try:
        for spec, analysis in analyze_inputs(list(sources), settings, kb,
                                             fetch_pages=fetch_pages, warn=_warn):
            if isinstance(analysis, StockGroupsError):
                failed += 1
                _err(str(analysis))
                continue
            if fmt == "json":  # orjson: 10x json.dumps, it shows; calibration beside each signal
                out.write(orjson.dumps(calibrator.annotate(analysis.to_dict())) + b"\n")
            else:
                print_analysis(analysis, top)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    if failed:
        sys.exit(1)


def key_fact(evidence: tuple[str, ...]) -> str:
    """The line of a chain most worth a glance: a sourced fact (a share, a site) over a rule."""
    facts = [line for line in evidence[1:] if not line.startswith("Story:")
             and (any(ch.isdigit() for ch in line) or ": " in line)]
    return (facts or list(evidence[1:2]) or list(evidence[:1]) or [""])[0]


def print_analysis(analysis: Analysis, top: int) -> None:
    """A Rich table of the top groups and companies, with the first line of evidence."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    a = analysis.article
    events = ", ".join(f"{e.type} {e.severity:.2f}" for e in analysis.events[:3]) or "none"
    console.print(f"[bold]{escape(a.title or '(no title)')}[/bold]  [dim]{escape(a.source)}[/dim]")
    console.print(f"  events: {escape(events)}")
    if not analysis.groups:
        console.print("  [dim]no stock groups moved[/dim]\n")
        return
    arrows = {"up": "[green]▲ up[/green]", "down": "[red]▼ down[/red]", "mixed": "[yellow]◆ mixed[/yellow]",
              "neutral": "[dim]● neutral[/dim]"}
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("group", "direction", "score", "why (first fact)"):
        table.add_column(col)
    for g in analysis.groups[:top]:
        table.add_row(escape(g.id), arrows[g.direction], f"{g.score:.2f}", escape(key_fact(g.evidence)))
    console.print(table)
    if analysis.companies:
        ctable = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("company", "direction", "score", "via"):
            ctable.add_column(col)
        for c in analysis.companies[:top]:
            ctable.add_row(escape(f"{c.ticker} {c.name}"), arrows[c.direction], f"{c.score:.2f}", escape(", ".join(c.via[:2])))
        console.print(ctable)
    console.print()


@main.command("eval")
@click.option("--dir", "eval_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_EVAL_DIR,
              show_default=True, help="Folder with labels.jsonl and articles/.")
@click.option("--floors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON file of metric floors (default: DIR/floors.json); exit 1 below any.")
@click.option("-v", "--verbose", is_flag=True, help="List every miss and false hit per article.")
@format_option()
@click.option("--external", is_flag=True,
              help="Score the real-news sets of the shared folder with its scorer instead, against "
                   "eval/external_floors.json (or --floors).")
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=evals.DEFAULT_SHARED,
              show_default=True, help="The shared folder holding tools/score_news.py and data/news (--external).")
@click.option("--product", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The stockgroups program to score (--external; default: the one beside this Python).")
@click.option("--diff", "diff_ref", metavar="REF", default=None,
              help="List per-article gains and losses between the code at git REF and this code.")
def eval_cmd(eval_dir: Path, floors: Path | None, verbose: bool, fmt: str, external: bool, shared: Path,
             product: Path | None, diff_ref: str | None) -> None:
    """Score the product on the labelled eval set: precision, recall, F1, direction, traps.

    \b
    Examples:
        stockgroups eval -v
        stockgroups eval --external --shared ../shared
        stockgroups eval --diff HEAD~1
    """
    if external:
        evals.run_external(shared, product or evals.default_product(),
                           floors or evals.DEFAULT_EXTERNAL_FLOORS)
        return
    from stockgroups.analysis.pipeline import run
    from stockgroups.services.evaluate import check_floors, run_eval
    from stockgroups.sources.router import route

    settings = cli_settings()
    kb = _kb(settings)
    if not (eval_dir / "labels.jsonl").exists():
        raise click.ClickException(f"{eval_dir}: no labels.jsonl here")

    def analyze_path(path: Path) -> Analysis:
        for _, item in route([str(path)], settings):
            if isinstance(item, StockGroupsError):
                raise click.ClickException(str(item))
            return run(item, kb)
        raise click.ClickException(f"{path}: no article")

    if diff_ref:
        evals.run_diff(diff_ref, eval_dir, kb, lambda path: analyze_path(path).to_dict())
        return
    summary, results = run_eval(eval_dir, kb, analyze_path)
    floors_path = floors or eval_dir / "floors.json"
    try:
        pinned = json.loads(floors_path.read_text(encoding="utf-8")) if floors_path.exists() else {}
        if not isinstance(pinned, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{floors_path}: cannot read the floors ({exc})") from None
    below = check_floors(summary, pinned)
    if fmt == "json":
        click.echo(json.dumps({"summary": summary, "below_floor": below}))
    else:
        for key, value in summary.items():
            floor = pinned.get(key)
            click.echo(f"{key:20} {value:>8}" + (f"   (floor {floor})" if floor is not None else ""))
        if verbose:
            for r in results:
                if r.fp or r.fn or r.wrong_direction or r.companies_missed or r.companies_wrong_direction:
                    click.echo(f"\n{r.file}")
                    for name, items in (("missed", r.fn), ("extra", r.fp), ("direction", r.wrong_direction),
                                        ("companies missed", r.companies_missed),
                                        ("company direction", r.companies_wrong_direction)):
                        if items:
                            click.echo(f"  {name}: {', '.join(items)}")
    if below:
        for line in below:
            _err(line)
        sys.exit(1)


# Commands that live in their own modules (knowledge base, store, settings).
kb_commands.register(main)
store_commands.register(main)
market_commands.register(main)
batch_commands.register(main)
config_commands.register(main)
serve_commands.register(main)
