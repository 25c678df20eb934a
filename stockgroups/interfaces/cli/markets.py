"""The market commands: prices import/download, study, calibrate.

Each parses its options, calls one service, prints; library errors become one-line
ClickExceptions. main.py adds them with `register(main)`.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from stockgroups.interfaces.cli.config import format_option
from stockgroups.interfaces.cli.store import _library_errors, db_option

DEFAULT_MARKET_TEXT = "AAPL,MSFT,AMZN,GOOGL,NVDA,TSLA,JPM,GS"


@contextmanager
def _store(db: str | None) -> Iterator[Any]:
    from stockgroups.store.open import open_store

    with _library_errors():
        store = open_store(db)
    try:
        with _library_errors():
            yield store
    finally:
        store.close()


def _split(text: str | None) -> list[str]:
    return [t.strip().upper() for t in (text or "").split(",") if t.strip()]


@click.group()
def prices() -> None:
    """Daily prices in the store: import files, list what is there, download (online)."""


@prices.command("import")
@click.argument("files", nargs=-1, required=True)
@db_option
def prices_import(files: tuple[str, ...], db: str | None) -> None:
    """Import daily prices from CSV (.csv, .csv.gz) or Parquet files.

    Columns: date,ticker,close and optionally volume,market_cap. Every row is checked
    first: any bad row is reported with its line number and nothing is imported.
    Importing the same file again changes nothing.

    \b
    Example:
        stockgroups prices import prices_sample/us_daily_2021-06_2022-06.csv
    """
    from stockgroups.services.study import import_prices
    from stockgroups.sources.prices import PricesError

    with _store(db) as store:
        try:
            summary = import_prices(store, list(files))
        except PricesError as err:
            for line in err.problems:
                click.echo(f"stockgroups: error: {line}", err=True)
            if err.total > len(err.problems):
                click.echo(f"stockgroups: error: ... and {err.total - len(err.problems)} more",
                           err=True)
            click.echo("stockgroups: nothing imported", err=True)
            sys.exit(1)
    click.echo(f"imported {summary.rows} rows for {summary.tickers} tickers "
               f"({summary.new} new, {summary.replaced} already stored)")


@prices.command("list")
@db_option
def prices_list(db: str | None) -> None:
    """The tickers with prices in the store, with their first and last dates.

    \b
    Example:
        stockgroups prices list
    """
    from stockgroups.services.study import priced_tickers

    with _store(db) as store:
        rows = priced_tickers(store)
    for ticker, (first, last, n) in sorted(rows.items()):
        click.echo(f"{ticker:8} {first} .. {last}  {n} days")
    if not rows:
        click.echo("no prices stored: stockgroups prices import FILE")


@prices.command("download")
@click.argument("tickers")
@click.option("--start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--end", default=None, help="Last date (default: today).")
@db_option
def prices_download(tickers: str, start: str, end: str | None, db: str | None) -> None:
    """Download daily closes from Yahoo Finance (needs the yfinance extra and a network).

    \b
    Example:
        stockgroups prices download CCJ,UEC,SPY --start 2021-06-01
    """
    from stockgroups.services.study import download_prices

    with _store(db) as store:
        summary = download_prices(store, _split(tickers), start, end)
    click.echo(f"downloaded {summary.rows} rows for {summary.tickers} tickers")


@click.command()
@click.argument("story_id", required=False, type=int)
@click.option("--event-date", default=None, help="The event's date, YYYY-MM-DD (day 0 is the "
              "first trading day on or after it).")
@click.option("--tickers", default=None, help="Tickers to study, comma-separated.")
@click.option("--group", "groups", multiple=True, metavar="NAME=T1,T2",
              help="A named group of tickers (repeat for several); default one group of "
                   "all --tickers.")
@click.option("--market", default=DEFAULT_MARKET_TEXT, show_default=True,
              help="Market proxy: one index series or tickers averaged with equal weights.")
@click.option("--estimation", type=click.IntRange(3), default=120, show_default=True,
              help="Trading days the market model is fitted on.")
@click.option("--gap", type=click.IntRange(0), default=10, show_default=True,
              help="Trading days between the estimation window and day 0.")
@click.option("--window", default="0,5", show_default=True,
              help="Event window FIRST,LAST in trading days (both included).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@click.option("--png", metavar="FILE", default=None,
              help="Also draw CAR over the window to a PNG (needs matplotlib).")
@db_option
def study(story_id: int | None, event_date: str | None, tickers: str | None,
          groups: tuple[str, ...], market: str, estimation: int, gap: int, window: str,
          fmt: str, png: str | None, db: str | None) -> None:
    """Event study: abnormal returns by the market model around a date or a stored story.

    CAR is a fraction (0.075 = +7.5%). Per ticker: AR per day, CAR, alpha, beta, t.
    Per group: equal- and cap-weighted CAR, cross-sectional t, Boehmer-Musumeci-Poulsen
    t, the same adjusted for the tickers' correlation (Kolari-Pynnonen, "t KP") and
    Corrado's rank z. With STORY_ID the story's companies and groups are studied
    from its first publication date, each prediction beside the realised CAR.

    \b
    Examples:
        stockgroups study --event-date 2022-01-03 --tickers CCJ,UEC,DNN --window 0,1
        stockgroups study --event-date 2022-01-05 --group uranium=CCJ,UEC \\
            --group oil=CVX,XOM --format html > study.html
        stockgroups study 12 --format json
    """
    from stockgroups.markets.study import StudyParams
    from stockgroups.services.study import parse_window, study_story, study_tickers

    with _library_errors():
        params = StudyParams(estimation=estimation, gap=gap, window=parse_window(window))
        params.check()
    group_map: dict[str, list[str]] = {}
    for spec in groups:
        name, sep, members = spec.partition("=")
        if not sep or not name.strip() or not _split(members):
            raise click.ClickException(f"--group {spec!r}: write NAME=T1,T2")
        group_map[name.strip()] = _split(members)
    if story_id is None and not event_date:
        raise click.ClickException("give a STORY_ID, or --event-date with --tickers or --group")
    if story_id is not None and (event_date or tickers or groups):
        raise click.ClickException("a STORY_ID brings its own date and tickers: drop "
                                   "--event-date, --tickers and --group")
    with _store(db) as store:
        if story_id is not None:
            result = study_story(store, story_id, _split(market), params)
        else:
            ticker_list = _split(tickers)
            if ticker_list and group_map:
                group_map = {"tickers": ticker_list, **group_map}
            result = study_tickers(store, event_date or "", ticker_list, _split(market),
                                   params, groups=group_map or None).to_dict()
    from stockgroups.markets.charts import study_html, study_png

    title = (f"Story {result['story']['id']}: {result['story']['title']}"
             if "story" in result else "")
    if png:
        with _library_errors():
            study_png([(title or f"day 0 = {result['day0']}", result)], png)
    if fmt == "json":
        click.echo(json.dumps(result))
    elif fmt == "html":
        click.echo(study_html(result, title), nl=False)
    else:
        _print_study(result, title)


def _pct(v: float | None) -> str:
    return "      -" if v is None else f"{v:+7.2%}"


def _num(v: float | None) -> str:
    return "     -" if v is None else f"{v:6.2f}"


def _print_study(result: dict[str, Any], title: str) -> None:
    lo, hi = result["window"]
    if title:
        click.echo(title)
    click.echo(f"event {result['event_date']}, day 0 {result['day0']}, CAR[{lo:+d},{hi:+d}], "
               f"market {'+'.join(result['market'])}")
    click.echo(f"{'group':24} {'n':>3} {'CAR':>7} {'CAR cap':>7} {'t':>6} {'t BMP':>6} "
               f"{'t KP':>6} {'z rank':>6}")
    for g in result["groups"]:
        click.echo(f"{g['name'][:24]:24} {g['n']:3d} {_pct(g['car'])} "
                   f"{_pct(g['car_cap_weighted'])} {_num(g['t_cross'])} {_num(g['t_bmp'])} "
                   f"{_num(g['t_bmp_adj'])} {_num(g['z_rank'])}" + (f"  ({g['note']})" if g["note"] else ""))
    click.echo(f"{'ticker':8} {'CAR':>7} {'t':>6} {'beta':>6}  status")
    unpriced = [c["ticker"] for c in result["companies"] if c["status"] == "no prices"]
    for c in result["companies"]:
        if c["status"] != "no prices":
            click.echo(f"{c['ticker']:8} {_pct(c['car'])} {_num(c['t'])} {_num(c['beta'])}  "
                       f"{c['status']}")
    if unpriced:
        click.echo(f"no prices: {', '.join(unpriced)}")
    judged = [p for p in result.get("predictions", []) if p["car"] is not None]
    if "predictions" in result:
        right = sum(1 for p in judged if p["hit"])
        click.echo(f"predicted direction beside realised CAR ({right} right of "
                   f"{sum(1 for p in judged if p['hit'] is not None)} with a sign to check):")
    for p in judged:
        mark = {True: "right", False: "wrong", None: "-"}[p["hit"]]
        click.echo(f"  {p['predicted']:7} {p['id'][:32]:32} CAR {_pct(p['car'])}  {mark}")


@click.command()
@click.option("--market", default=DEFAULT_MARKET_TEXT, show_default=True,
              help="Market proxy: one index series or tickers averaged with equal weights.")
@format_option()
@db_option
def calibrate(market: str, fmt: str, db: str | None) -> None:
    """How often the stored stories' signals were right, per kind of signal.

    For every stored story with prices: each up/down signal's abnormal return on day 0,
    day +1 and over [0,+1]; per (event type x group kind x direction) and per score
    bucket, the hit rate, mean CAR with a 95% interval and the count. The table is saved
    in the store; analyze, show and the dashboard then show it beside each signal.

    \b
    Example:
        stockgroups calibrate --db news.db
    """
    from stockgroups.markets.track_record import MIN_CASES
    from stockgroups.services.calibration import calibrate_store, iter_rows

    with _store(db) as store:
        table = calibrate_store(store, _split(market))
    if fmt == "json":
        click.echo(json.dumps(table))
        return
    click.echo(f"{table['cases']} signals with prices ({table['method']})")
    click.echo(f"{'signal':44} {'n':>4}  {'same day':>15}  {'next day':>15}  {'CAR[0,+1]':>23}")
    for key, cell in iter_rows(table):
        cols = []
        for reaction in ("same-day", "next-day", "0,+1"):
            b = cell.get(reaction) or {}
            if b.get("n", 0) < MIN_CASES:
                cols.append(f"{'few (' + str(b.get('n', 0)) + ')':>15}")
            else:
                cols.append(f"{b['hit_rate']:4.0%} {b['mean']:+6.2%}     ".rjust(15))
        ci = (cell.get("0,+1") or {}).get("mean_ci")
        tail = f" [{ci[0]:+.1%},{ci[1]:+.1%}]" if ci and cell["0,+1"]["n"] >= MIN_CASES else ""
        click.echo(f"{key[:44]:44} {cell['n']:4d}  {cols[0]}  {cols[1]}  {cols[2]}{tail}")
    if not table["cells"]:
        click.echo("no stored story has prices around its date: import prices first")


COMMANDS = (prices, study, calibrate)


def register(group: click.Group) -> None:
    """Add the market commands to the CLI group (main.py calls register(main))."""
    for command in COMMANDS:
        group.add_command(command)


__all__ = ["COMMANDS", "register"]
