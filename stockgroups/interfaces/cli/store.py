"""The store's commands: ingest, watch, stories, search, export, reanalyze.

Each parses its options, calls one library function, prints; library errors become
one-line ClickExceptions. cli.py adds them to the main group with `register(main)`.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from stockgroups import config as settings
from stockgroups.errors import StockGroupsError

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
CSV_FIELDS = ("article_id", "story_id", "original", "source", "url", "title", "published",
              "seen_at", "similarity", "story_novelty", "kb_version", "groups", "text")
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))  # past 4 the writer is the bottleneck
PROGRESS_REFRESH_S = 0.1
ARROWS = {"up": "▲", "down": "▼", "mixed": "◆", "neutral": "●"}


def db_path(option: str | None) -> Path:
    """--db, else the `db` setting (STOCKGROUPS_DB), else the user's data folder."""
    if option:
        return Path(option).expanduser()
    configured = str(settings.get("db") or "")
    if configured:
        return Path(configured).expanduser()
    from stockgroups.store.sqlite import default_db_path

    return default_db_path()


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", metavar="FILE", default=None,
        help="SQLite store (setting db / STOCKGROUPS_DB; default under the user's data "
             "folder, e.g. ~/.local/share/stockgroups/stockgroups.db).")(func)


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
def _open_store(db: str | None) -> Iterator[Any]:
    from stockgroups.store.sqlite import Store

    with _library_errors():
        store = Store(db_path(db))
    try:
        yield store
    finally:
        store.close()


def _kb() -> Any:
    from stockgroups.services.knowledge import load_user_kb

    with _library_errors():
        return load_user_kb()


def _warn(message: str) -> None:
    click.echo(f"stockgroups: warning: {message}", err=True)


def _sources(store: Any, *, allow_private: bool | None, fetch_pages: bool,
             ignore_robots: bool, warn: Callable[[str], None], delay: Any = None) -> Any:
    from stockgroups.services.ingest import Sources, guarded_getter
    from stockgroups.store.dedupe import canonical_url
    from stockgroups.sources.watch import HostDelay, Robots

    allow = settings.get("allow_private") if allow_private is None else allow_private
    get = guarded_getter(allow_private=bool(allow), max_bytes=int(settings.get("max_bytes")),
                         timeout=float(settings.get("fetch_timeout")))
    delay = delay or HostDelay()
    robots = Robots(get, delay=delay)
    return Sources(
        get=get, max_bytes=int(settings.get("max_bytes")), fetch_pages=fetch_pages,
        allowed=(lambda url: True) if ignore_robots else robots.allowed, wait=delay.wait,
        known=lambda url: store.has_url(canonical_url(url) or url), warn=warn,
        on_feed=lambda url: store.add_feeds([url]))


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
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from stockgroups.services.ingest import BATCH_SIZE, Collector

    kb = _kb()
    console = Console(stderr=True)
    warn = (lambda msg: None) if quiet else _warn
    with _open_store(db) as store:
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
        items = _sources(store, allow_private=allow_private, fetch_pages=fetch_pages,
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
@click.option("--every", default="5m", show_default=True,
              help="Time between polls of one feed: 30s, 5m, 1h.")
@click.option("--politeness", type=float, default=1.0, show_default=True,
              help="Seconds between two requests to the same host.")
@click.option("--rounds", type=click.IntRange(1), default=None,
              help="Stop after this many polling rounds (default: until Ctrl-C).")
@db_option
@fetch_options
def watch(feeds_file: str | None, every: str, politeness: float, rounds: int | None,
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
    from stockgroups.services.ingest import Collector
    from stockgroups.sources.watch import (
        HostDelay,
        Watcher,
        conditional_get,
        parse_duration,
        read_feed_list,
        states,
    )

    with _library_errors():
        interval = parse_duration(every)
    allow = bool(settings.get("allow_private") if allow_private is None else allow_private)
    kb = _kb()
    with _open_store(db) as store:
        if feeds_file:
            path = Path(feeds_file)
            try:
                data = path.read_bytes()
            except OSError as err:
                raise click.ClickException(f"{feeds_file}: cannot read ({err.strerror})")
            with _library_errors():
                urls = read_feed_list(data, feeds_file)
            store.add_feeds(urls)
        else:
            urls = [f["url"] for f in store.feeds()]
            if not urls:
                raise click.ClickException("no feeds to watch: give --feeds FILE, or ingest a "
                                           "feed URL first")
        saved = {f["url"]: f for f in store.feeds()}
        delay = HostDelay(politeness)
        sources = _sources(store, allow_private=allow, fetch_pages=fetch_pages,
                           ignore_robots=ignore_robots, warn=_warn, delay=delay)
        collector = Collector(store, kb)

        def get(state: Any) -> Any:
            return conditional_get(state.url, etag=state.etag,
                                   last_modified=state.last_modified, allow_private=allow,
                                   timeout=float(settings.get("fetch_timeout")),
                                   max_bytes=int(settings.get("max_bytes")))

        def handle(url: str, response: Any) -> int:
            before, failures = collector.summary.new, collector.summary.failures
            collector.add(sources.from_bytes(response.body, url, response.content_type,
                                             response.final_url))
            for line in failures:
                click.echo(f"stockgroups: error: {line}", err=True)
            failures.clear()  # a long watch keeps counts, not every message
            if collector.summary.new > before:
                _alert(store)
            return collector.summary.new - before

        def report(result: Any, state: Any) -> None:
            stamp = time.strftime("%H:%M:%S")
            if result.status == "failed":
                click.echo(f"{stamp} {result.url}: failed ({result.message}); retry in "
                           f"{state.due - time.monotonic():.0f} s", err=True)
            else:
                click.echo(f"{stamp} {result.url}: {result.status}, {result.new} new")
            store.save_feed(state.url, etag=state.etag, last_modified=state.last_modified,
                            polled=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            failures=state.failures, error=state.last_error)

        watcher = Watcher(states(urls, saved), get=get, handle=handle, every=interval,
                          delay=delay, on_poll=report)
        click.echo(f"watching {len(urls)} feed(s) every {every}; Ctrl-C to stop", err=True)
        try:
            watcher.run(rounds=rounds)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
    click.echo(f"watched: {collector.summary.line()}")


def _alert(store: Any) -> None:
    """Evaluate the alert rules on what was just stored and deliver due alerts."""
    from stockgroups.services import alerts

    allow = bool(settings.get("allow_private_webhooks"))
    try:
        added = alerts.evaluate(store)
        done = alerts.deliver(store, alerts.webhook_poster(allow_private=allow))
    except StockGroupsError as err:
        _warn(f"alerts: {err}")
        return
    if added or done.sent or done.failed:
        click.echo(f"alerts: {added} new, {done.sent} sent, {done.retrying} to retry, "
                   f"{done.failed} failed", err=True)


def _since(value: str | None) -> float | None:
    """An ISO date or time, or an age like 3d / 12h, as epoch seconds."""
    if value is None:
        return None
    from stockgroups.services.ingest import parse_time
    from stockgroups.sources.watch import parse_duration

    when = parse_time(value)
    if when is not None:
        return when
    try:
        return time.time() - parse_duration(value)
    except StockGroupsError:
        raise click.BadParameter(f"{value!r} is neither a date (2026-01-31) nor an age "
                                 "(3d, 12h)", param_hint="--since") from None


@click.command()
@click.option("--group", "group", metavar="ID", default=None,
              help="Only stories moving this group, e.g. industry:uranium.")
@click.option("--since", metavar="DATE", default=None,
              help="Only stories first seen at or after DATE (2026-01-31) or within an age (3d).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@db_option
def stories(group: str | None, since: str | None, fmt: str, limit: int, db: str | None) -> None:
    """List stored stories, newest first, each with all its sources and groups.

    \b
    Examples:
        stockgroups stories --group industry:uranium --since 7d
        stockgroups stories --format json | jq .sources
    """
    start = _since(since)
    with _open_store(db) as store, _library_errors():
        found = store.stories(group=group, since=start, limit=limit)
    with _pipe_closed_ok():
        _print_stories(found, fmt)


def _print_stories(found: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        for story in found:
            click.echo(json.dumps(story, ensure_ascii=False))
        return
    if not found:
        click.echo("no stories")
    for story in found:
        click.echo(f"#{story['id']}  {story['first_seen']}  novelty {story['novelty']:.2f}  "
                   f"{len(story['sources'])} source(s)")
        click.echo(f"  {story['title'] or '(no title)'}")
        if story["groups"]:
            click.echo("  groups: " + ", ".join(
                f"{g['id']} {ARROWS.get(g['direction'], '')} {g['score']:.2f}"
                for g in story["groups"][:5]))
        for src in story["sources"]:
            tag = "original" if src["original"] else "copy"
            click.echo(f"  - {tag:8} {src['url'] or src['source']}  "
                       f"{src['published'] or src['seen_at']}")


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@db_option
def search(query: str, limit: int, fmt: str, db: str | None) -> None:
    """Full-text search of stored articles (SQLite FTS5 syntax: AND, OR, NOT, "phrases", pre*).

    \b
    Examples:
        stockgroups search "uranium AND Kazakhstan"
        stockgroups search '"rate hike"' --format json
    """
    with _open_store(db) as store, _library_errors():
        hits = store.search(query, limit=limit)
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

    \b
    Examples:
        stockgroups export --format jsonl > articles.jsonl
        stockgroups export --format parquet -o articles.parquet   # needs pyarrow
    """
    if fmt == "parquet":
        if not output:
            raise click.ClickException("parquet export needs --output FILE")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise click.ClickException("parquet export needs pyarrow: pip install "
                                       "'stockgroups[parquet]'") from None
    with _open_store(db) as store, _library_errors(), _pipe_closed_ok():
        rows = store.export_rows()
        if fmt == "parquet":
            count = _write_parquet(rows, output or "")
        else:
            with _output(output) as out:
                count = (_write_jsonl if fmt == "jsonl" else _write_csv)(rows, out)
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


def _write_jsonl(rows: Iterator[dict[str, Any]], out: Any) -> int:
    n = 0
    for n, row in enumerate(rows, start=1):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return n


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    flat = {k: row[k] for k in CSV_FIELDS if k in row}
    flat["groups"] = ";".join(f"{g['id']}:{g['direction']}:{g['score']}"
                              for g in row["analysis"].get("groups", []))
    return flat


def _write_csv(rows: Iterator[dict[str, Any]], out: Any) -> int:
    writer = csv.DictWriter(out, fieldnames=[*CSV_FIELDS, "analysis"])
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, start=1):
        writer.writerow({**_flat(row), "analysis": json.dumps(row["analysis"],
                                                              ensure_ascii=False)})
    return n


PARQUET_BATCH = 5000


def _write_parquet(rows: Iterator[dict[str, Any]], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(k, pa.bool_() if k == "original" else
                         pa.int64() if k in ("article_id", "story_id") else
                         pa.float64() if k in ("similarity", "story_novelty") else pa.string())
                        for k in (*CSV_FIELDS, "analysis")])
    n = 0
    try:
        with pq.ParquetWriter(path, schema) as writer:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append({**_flat(row), "analysis": json.dumps(row["analysis"],
                                                                   ensure_ascii=False)})
                if len(batch) >= PARQUET_BATCH:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n += len(batch)
                    batch = []
            if batch or n == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
    except OSError as err:
        raise click.ClickException(f"{path}: cannot write ({err})") from None
    return n


@click.command()
@db_option
def reanalyze(db: str | None) -> None:
    """Re-run the analysis of stored articles made with another knowledge-base version.

    \b
    Example:
        stockgroups reanalyze --db news.db
    """
    from stockgroups.services.ingest import reanalyze as run_reanalyze

    kb = _kb()
    with _open_store(db) as store, _library_errors():
        stale = store.count_stale(kb.version)
        if not stale:
            click.echo(f"all analyses are current (kb_version {kb.version})")
            return
        done, failures = run_reanalyze(store, kb)
    for line in failures:
        click.echo(f"stockgroups: error: {line}", err=True)
    click.echo(f"reanalysed {done} article(s) with kb_version {kb.version}")
    if failures:
        sys.exit(1)


COMMANDS = (ingest, watch, stories, search, export, reanalyze)


def register(group: click.Group) -> None:
    """Add the store's commands to the CLI group (cli.py calls register(main))."""
    for command in COMMANDS:
        group.add_command(command)


__all__ = ["COMMANDS", "db_path", "register"]
