"""The store's commands: ingest, watch, stories, show, search, export, reanalyze, db, feeds.

Each parses its options, calls one function in services/, prints; library errors become
one-line ClickExceptions. main.py adds them to the main group with `register(main)`.
Every command that opens the store says which one on stderr.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from stockgroups.analysis.version import analysis_version
from stockgroups.errors import StockGroupsError
from stockgroups.services import stories as service
from stockgroups.services.knowledge import load_user_kb
from stockgroups.config import BY_NAME, show_value
from stockgroups.interfaces.cli.config import cli_settings, format_option
from stockgroups.store.base import BaseStore, StoryFilter
from stockgroups.store.export import FORMATS as EXPORT_FORMATS
from stockgroups.store.open import store_location

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))  # past 4 the writer is the bottleneck
PROGRESS_REFRESH_S = 0.1
ARROWS = {"up": "▲", "down": "▼", "mixed": "◆", "neutral": "●"}
WRAP_MIN = 40  # never wrap narrower than this, whatever the terminal says


def db_path(option: str | None) -> str:
    """--db, else the `db` setting (STOCKGROUPS_DB), else the user's data folder."""
    return store_location(option)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", metavar="FILE|URL", default=None,
        help="The store: a SQLite file or a postgresql://user@host/db URL (setting db / "
             "STOCKGROUPS_DB; default under the user's data folder, e.g. "
             "~/.local/share/stockgroups/stockgroups.db).")(func)


def wide_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--wide", is_flag=True,
                        help="One line per item, never wrapped (for grep and wide "
                             "terminals); ids are never cut either way.")(func)


def fetch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--allow-private", is_flag=True, default=None,
                        help="Allow URLs on private or loopback addresses "
                             "(setting allow_private).")(func)
    func = click.option("--fetch-pages/--no-fetch-pages", default=True, show_default=True,
                        help="Fetch the article page of a feed entry that carries only a "
                             "teaser.")(func)
    func = click.option("--ignore-robots", is_flag=True,
                        help="Fetch article pages even where robots.txt disallows it.")(func)
    return func


@contextmanager
def _library_errors() -> Iterator[None]:
    try:
        yield
    except StockGroupsError as err:
        raise click.ClickException(str(err)) from None


@contextmanager
def _pipe_closed_ok() -> Iterator[None]:
    """`stockgroups export | head` ends quietly when head stops reading."""
    try:
        yield
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)


@contextmanager
def _open_store(db: str | None, *, create: bool = False) -> Iterator[BaseStore]:
    """The store, announced on stderr; read commands pass create=False so a mistyped
    --db is a one-line error instead of a new empty store."""
    with _library_errors():
        store = service.open_for_writing(db) if create else service.open_for_reading(db)
    click.echo(f"stockgroups: store {store.location}", err=True)
    try:
        yield store
    finally:
        store.close()


def _kb() -> Any:
    with _library_errors():
        return load_user_kb()


def _warn(message: str) -> None:
    click.echo(f"stockgroups: warning: {message}", err=True)


def _say(line: str, err: bool) -> None:
    click.echo(f"stockgroups: {line}" if err and line != "stopped" else line, err=err)


def _width(wide: bool) -> int | None:
    """Columns to wrap at, or None for --wide (and when output is not a terminal)."""
    if wide:
        return None
    return max(WRAP_MIN, shutil.get_terminal_size((100, 24)).columns)


def _echo(line: str, width: int | None, indent: str = "  ") -> None:
    """One logical line, wrapped at spaces only: a group id or URL is never cut."""
    if width is None or len(line) <= width:
        click.echo(line)
        return
    lead = line[:len(line) - len(line.lstrip())]
    click.echo(textwrap.fill(line, width=width, initial_indent="", subsequent_indent=lead +
                             indent, break_long_words=False, break_on_hyphens=False))


@click.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@fetch_options
@click.option("--jobs", type=click.IntRange(1, 64), default=DEFAULT_JOBS, show_default=True,
              help="Processes analysing articles in parallel once an input passes one batch.")
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="Articles per transaction (default 500).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or warnings.")
def ingest(sources: tuple[str, ...], db: str | None, allow_private: bool | None,
           fetch_pages: bool, ignore_robots: bool, jobs: int, batch_size: int | None,
           quiet: bool) -> None:
    """Analyse and store articles: files, folders, page URLs, RSS/Atom feeds, OPML, JSONL.

    Each article is stored once: a second ingest of the same input only counts
    duplicates. Copies of one story from several outlets become one story with every
    source. The exit code is 1 if any input failed; the others are still stored.

    \b
    Examples:
        stockgroups ingest news/ archive.jsonl https://example.com/feed.xml
        stockgroups ingest feeds.opml --db news.db
    """
    # Clustering needs datasketch, whose import pulls scipy (1-2 s): loaded only by the
    # commands that cluster, so `analyze` and the read commands start fast.
    from stockgroups.services.ingest import BATCH_SIZE, Collector
    from stockgroups.services.watch import make_sources

    settings = cli_settings(allow_private=allow_private, db=db)
    kb = _kb()
    console = Console(stderr=True)
    warn = (lambda msg: None) if quiet else _warn
    with _open_store(db, create=True) as store:
        # No auto-refresh thread: worker processes are forked, and forking beside a
        # thread that may hold a lock is how deadlocks start. Refreshed from show().
        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                            console=console, transient=True, auto_refresh=False,
                            disable=quiet or not console.is_terminal)
        task = progress.add_task("ingesting", total=None, counts="")
        last = [0.0]

        def show(summary: Any) -> None:
            progress.update(task, counts=summary.line())
            if time.monotonic() - last[0] >= PROGRESS_REFRESH_S:
                last[0] = time.monotonic()
                progress.refresh()

        collector = Collector(store, kb, jobs=jobs, progress=show,
                              batch_size=batch_size or BATCH_SIZE)
        items = make_sources(store, settings, fetch_pages=fetch_pages,
                             ignore_robots=ignore_robots, warn=warn).items(list(sources))
        interrupted = False
        try:
            with progress, _library_errors():
                summary = collector.add(items)
        except KeyboardInterrupt:
            summary, interrupted = collector.summary, True
            click.echo("stockgroups: interrupted; every finished batch is stored, run the "
                       "same ingest again to finish", err=True)
    for line in summary.failures:
        click.echo(f"stockgroups: error: {line}", err=True)
    click.echo(f"ingested: {summary.line()}")
    if interrupted:
        sys.exit(130)  # the shell's code for "stopped by Ctrl-C"
    if summary.failed:
        sys.exit(1)


@click.command()
@click.option("--feeds", "feeds_file", metavar="FILE", default=None,
              help="OPML file or text file of feed URLs (default: the feeds ingested before).")
@click.option("--every", default=None,
              help="Time between polls of one feed: 30s, 5m, 1h (setting watch_every, "
                   "default 5m).")
@click.option("--politeness", default=None,
              help="Time between two requests to the same host: 1s, 500ms (setting "
                   "host_delay, default 1s).")
@click.option("--rounds", type=click.IntRange(1), default=None,
              help="Stop after this many polling rounds (default: until Ctrl-C).")
@db_option
@fetch_options
def watch(feeds_file: str | None, every: str | None, politeness: str | None,
          rounds: int | None,
          db: str | None, allow_private: bool | None, fetch_pages: bool,
          ignore_robots: bool) -> None:
    """Poll feeds on a schedule and store their new articles; Ctrl-C stops cleanly.

    Polls use conditional requests (ETag, Last-Modified), so an unchanged feed costs
    one short reply; a failing feed is retried later and later (up to 6 hours).

    \b
    Examples:
        stockgroups watch --feeds feeds.opml --every 10m
        stockgroups watch            # the feeds of earlier `ingest` runs
    """
    from stockgroups.services.watch import feeds_to_watch, watch_feeds  # datasketch: see ingest

    settings = cli_settings(allow_private=allow_private, db=db, watch_every=every,
                            host_delay=politeness)
    kb = _kb()
    with _open_store(db, create=True) as store, _library_errors():
        urls = feeds_to_watch(store, feeds_file)
        every = show_value(BY_NAME["watch_every"], settings.watch_every)
        click.echo(f"watching {len(urls)} feed(s) every {every}; Ctrl-C to stop", err=True)
        summary = watch_feeds(store, kb, urls, settings, rounds=rounds, fetch_pages=fetch_pages,
                              ignore_robots=ignore_robots, say=_say,
                              on_new=lambda: _alert(store, settings.allow_private_webhooks))
    click.echo(f"watched: {summary.line()}")


def _alert(store: Any, allow: bool) -> None:
    """Evaluate the alert rules on what was just stored and deliver due alerts."""
    from stockgroups.services import alerts

    try:
        added = alerts.evaluate(store)
        done = alerts.deliver(store, alerts.webhook_poster(allow_private=allow))
    except StockGroupsError as err:
        _warn(f"alerts: {err}")
        return
    if added or done.sent or done.failed:
        click.echo(f"alerts: {added} new, {done.sent} sent, {done.retrying} to retry, "
                   f"{done.failed} failed", err=True)


def _since(value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        return service.parse_when(value)
    except StockGroupsError as err:
        raise click.BadParameter(str(err), param_hint=option) from None


@click.command()
@click.option("--group", "group", metavar="ID", default=None,
              help="Only stories moving this group, e.g. industry:uranium.")
@click.option("--ticker", metavar="TICKER", default=None,
              help="Only stories naming this company's ticker, e.g. CCJ.")
@click.option("--company", metavar="NAME", default=None,
              help="Only stories naming a company whose name contains NAME (any case).")
@click.option("--since", metavar="DATE", default=None,
              help="Only stories first published at or after DATE (2026-01-31, UTC) or "
                   "within an age (3d).")
@format_option()
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@wide_option
@db_option
def stories(group: str | None, ticker: str | None, company: str | None, since: str | None,
            fmt: str, limit: int, wide: bool, db: str | None) -> None:
    """List stored stories, newest first, each with all its sources and groups.

    \b
    Examples:
        stockgroups stories --group industry:uranium --since 7d
        stockgroups stories --ticker CCJ --wide
        stockgroups stories --format json | jq .sources
    """
    filters = StoryFilter(group=group, since=_since(since, "--since"), ticker=ticker,
                          company=company, limit=limit)
    with _open_store(db) as store, _library_errors():
        found = service.list_stories(store, filters)
    with _pipe_closed_ok():
        _print_stories(found, fmt, _width(wide))


def _outlet(src: dict[str, Any]) -> str:
    host = urlsplit(src["url"]).hostname if src.get("url") else None
    return host or src["source"]


def _print_stories(found: list[dict[str, Any]], fmt: str, width: int | None) -> None:
    if fmt == "json":
        for story in found:
            click.echo(json.dumps(story, ensure_ascii=False))
        return
    if not found:
        click.echo("no stories")
    for story in found:
        _echo(f"#{story['id']}  {story['first_seen']}  novelty {story['novelty']:.2f}  "
              f"{len(story['sources'])} source(s)", width)
        _echo(f"  {story['title'] or '(no title)'}", width)
        if story["groups"]:
            shown = story["groups"] if width is None else story["groups"][:5]
            _echo("  groups: " + ", ".join(
                f"{g['id']} {ARROWS.get(g['direction'], '')} {g['score']:.2f}"
                for g in shown), width)
        for src in story["sources"]:
            tag = "original" if src["original"] else "copy"
            _echo(f"  - {tag:8} {src['url'] or src['source']}  "
                  f"{src['published'] or src['seen_at']}", width, indent="    ")


@click.command()
@click.argument("story_id", type=int)
@format_option()
@wide_option
@db_option
def show(story_id: int, fmt: str, wide: bool, db: str | None) -> None:
    """Show one stored story: its sources, clean text, groups, companies and evidence.

    \b
    Examples:
        stockgroups show 42
        stockgroups show 42 --format json | jq .groups
    """
    with _open_store(db) as store, _library_errors():
        story = service.show_story(store, story_id)
    with _pipe_closed_ok():
        if fmt == "json":
            click.echo(json.dumps(story, ensure_ascii=False))
            return
        _print_story(story, _width(wide))


def _print_story(story: dict[str, Any], width: int | None) -> None:
    _echo(f"#{story['id']}  {story['first_seen']}  novelty {story['novelty']:.2f}  "
          f"{len(story['sources'])} source(s)  analysis {story['kb_version']}", width)
    _echo(f"  {story['title'] or '(no title)'}", width)
    click.echo("sources:")
    for src in story["sources"]:
        tag = "original" if src["original"] else f"copy {src['similarity']:.2f}"
        _echo(f"  - {tag:9} {_outlet(src)}  {src['published'] or src['seen_at']}  "
              f"{src['url'] or src['source']}", width, indent="    ")
    if story["events"]:
        _echo("events: " + ", ".join(f"{e['type']} {e.get('severity', 0):.2f}"
                                     for e in story["events"]), width)
    click.echo("groups:" if story["groups"] else "groups: none")
    for g in story["groups"]:
        click.echo(f"  {g['id']} {ARROWS.get(g['direction'], '')} {g['direction']} "
                   f"{g['score']:.2f}")
        for line in g["evidence"]:
            _echo(f"      {line}", width)
    click.echo("companies:" if story["companies"] else "companies: none")
    for c in story["companies"]:
        _echo(f"  {c['ticker']} {c['name']} {ARROWS.get(c['direction'] or '', '')} "
              f"{c['direction']} {c['score'] or 0:.2f}  via {', '.join(c['via'] or [])}", width)
        for line in c["evidence"] or []:
            _echo(f"      {line}", width)
    click.echo("text:")
    for para in (story["text"] or "").split("\n"):
        if para.strip():
            _echo(f"  {para.strip()}", width, indent="")


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@format_option()
@db_option
def search(query: str, limit: int, fmt: str, db: str | None) -> None:
    """Full-text search of stored articles (AND, OR, NOT, "phrases", pre*), on either store.

    Queries are bounded: at most 32 words, 1,000 characters and 2 seconds.

    \b
    Examples:
        stockgroups search "uranium AND Kazakhstan"
        stockgroups search '"rate hike"' --format json
    """
    with _open_store(db) as store, _library_errors():
        hits = service.search_articles(store, query, limit=limit)
    if fmt == "json":
        for hit in hits:
            click.echo(json.dumps(hit, ensure_ascii=False))
        return
    if not hits:
        click.echo("no matches")
    for hit in hits:
        click.echo(f"story #{hit['story_id']}  {hit['title'] or '(no title)'}")
        click.echo(f"  {hit['url'] or hit['source']}")
        click.echo(f"  {hit['snippet']}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl",
              show_default=True)
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write here (default: standard output; parquet needs a file).")
@db_option
def export(fmt: str, output: str | None, db: str | None) -> None:
    """Export every stored article with its story and analysis.

    CSV cells that a spreadsheet would run as a formula (=, +, -, @) start with an
    apostrophe.

    \b
    Examples:
        stockgroups export --format jsonl > articles.jsonl
        stockgroups export --format parquet -o articles.parquet   # needs pyarrow
    """
    if fmt == "parquet" and not output:
        raise click.ClickException("parquet export needs --output FILE")
    with _open_store(db) as store, _library_errors(), _pipe_closed_ok():
        if fmt == "parquet":
            count = service.export(store, fmt, path=output)
        else:
            with _output(output) as out:
                count = service.export(store, fmt, out=out)
    click.echo(f"exported {count} article(s)" + (f" to {output}" if output else ""), err=True)


@contextmanager
def _output(path: str | None) -> Iterator[Any]:
    if not path:
        yield sys.stdout
        return
    try:
        f = open(path, "w", encoding="utf-8", newline="")
    except OSError as err:
        raise click.ClickException(f"{path}: cannot write ({err.strerror})") from None
    with f:
        yield f


@click.command()
@db_option
def reanalyze(db: str | None) -> None:
    """Re-run the analysis of stored articles made with another analysis version.

    The version names the knowledge base's content (shipped and your own files), the
    analysis code and vocabulary, and the program's version: a change to any of them
    makes the stored analyses stale.

    \b
    Example:
        stockgroups reanalyze --db news.db
    """
    from stockgroups.services.ingest import reanalyze as run_reanalyze  # see ingest

    kb = _kb()
    version = analysis_version(kb)
    with _open_store(db) as store, _library_errors():
        stale = store.count_stale(version)
        if not stale:
            click.echo(f"all analyses are current (analysis_version {version})")
            return
        with Progress(TextColumn("reanalysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("reanalyse", total=stale)
            done, failures = run_reanalyze(store, kb, progress=lambda n: bar.update(task, completed=n))
    for line in failures:
        click.echo(f"stockgroups: error: {line}", err=True)
    click.echo(f"reanalysed {done} article(s) with analysis_version {version}")
    if failures:
        sys.exit(1)


@click.group("db")
def db_group() -> None:
    """Look after the store: what it holds, and pruning old stories.

    \b
    Examples:
        stockgroups db info
        stockgroups db prune --before 2024-01-01
    """


@db_group.command("info")
@format_option()
@db_option
def db_info(fmt: str, db: str | None) -> None:
    """Where the store is, its size, row counts, schema and analysis versions.

    \b
    Example:
        stockgroups db info --db news.db
    """
    with _open_store(db) as store, _library_errors():
        info = service.db_info(store)
    if fmt == "json":
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    size = info["size_bytes"]
    click.echo(f"{'store:':19} {info['location']} ({info['backend']})")
    click.echo(f"{'size:':19} " + ("unknown" if size is None else f"{size / 1e6:,.1f} MB"))
    click.echo(f"{'schema:':19} v{info['schema_version']} (this program: "
               f"v{info['program_schema_version']})")
    for table, n in info["counts"].items():
        click.echo(f"{table + ':':19} {n:,}")
    versions = info["analysis_versions"]
    click.echo("analysis versions: " + (", ".join(f"{v} ({n:,})" for v, n in versions.items())
                                        or "none"))


@db_group.command("prune")
@click.option("--before", "before", metavar="DATE", required=True,
              help="Delete stories first published before DATE (2024-01-01, UTC) or older "
                   "than an age (90d).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def db_prune(before: str, yes: bool, db: str | None) -> None:
    """Delete old stories with all their articles and analyses.

    \b
    Example:
        stockgroups db prune --before 2024-01-01 --yes
    """
    cutoff = _since(before, "--before")
    with _open_store(db) as store, _library_errors():
        if not yes:
            n = service.count_prunable(store, cutoff if cutoff is not None else 0.0)
            click.confirm(f"delete {n} stories first published before {before}?", abort=True,
                          err=True)
        done = service.prune(store, cutoff if cutoff is not None else 0.0)
    click.echo(f"pruned {done['stories']} stories ({done['articles']} articles)")


@click.group("feeds")
def feeds_group() -> None:
    """The feeds `watch` polls: list them, or stop watching one.

    \b
    Examples:
        stockgroups feeds list
        stockgroups feeds remove https://example.com/feed.xml
    """


@feeds_group.command("list")
@format_option()
@db_option
def feeds_list(fmt: str, db: str | None) -> None:
    """Every remembered feed with its last poll and failures.

    \b
    Example:
        stockgroups feeds list --format json
    """
    with _open_store(db) as store, _library_errors():
        feeds = service.list_feeds(store)
    if fmt == "json":
        for feed in feeds:
            click.echo(json.dumps(feed, ensure_ascii=False))
        return
    if not feeds:
        click.echo("no feeds")
    for feed in feeds:
        state = f"failing x{feed['failures']}: {feed['last_error']}" if feed["failures"] else "ok"
        click.echo(f"{feed['url']}  last polled {feed['last_polled'] or 'never'}  {state}")


@feeds_group.command("remove")
@click.argument("url")
@db_option
def feeds_remove(url: str, db: str | None) -> None:
    """Stop watching a feed; the articles already stored from it stay.

    \b
    Example:
        stockgroups feeds remove https://example.com/feed.xml
    """
    with _open_store(db) as store, _library_errors():
        service.remove_feed(store, url)
    click.echo(f"removed {url}")


COMMANDS = (ingest, watch, stories, show, search, export, reanalyze, db_group, feeds_group)


def register(group: click.Group) -> None:
    """Add the store's commands to the CLI group (main.py calls register(main))."""
    for command in COMMANDS:
        group.add_command(command)


__all__ = ["COMMANDS", "db_path", "register"]
