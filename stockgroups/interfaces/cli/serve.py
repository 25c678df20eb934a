"""`stockgroups serve`: the dashboard and the JSON API over a store; `stockgroups alerts`."""
from __future__ import annotations

import logging

import click

from stockgroups import config as settings
from stockgroups.errors import StockGroupsError
from stockgroups.interfaces.cli.store import _open_store, db_option, db_path
from stockgroups.store.postgres import redact


@click.command()
@db_option
@click.option("--host", default=None, help="Address to listen on (setting host; default "
              "127.0.0.1, this machine only).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (setting port; default 8000).")
def serve(db: str | None, host: str | None, port: int | None) -> None:
    """Serve the dashboard and the REST API (docs at /docs) until Ctrl-C.

    Writes (watchlists, alerts, analyze) need the API key: the setting api_key
    (STOCKGROUPS_API_KEY), else one generated on first start, kept in the user's
    folder and printed once.

    \b
    Example:
        stockgroups serve --db stockgroups.db --port 8000
    """
    try:
        import uvicorn

        from stockgroups.interfaces.api.app import create_app
    except ImportError as err:
        raise click.ClickException(f"serve needs the web extra ({err.name} is missing): "
                                   "pip install 'stockgroups[web]'") from None
    from stockgroups.services.access import api_key, key_path
    from stockgroups.services.knowledge import load_user_kb

    host = host or str(settings.get("host"))
    port = port or int(settings.get("port"))  # type: ignore[arg-type]
    try:
        key, created = api_key()
        kb = load_user_kb()
        app = create_app(db_path(db), api_key=key, kb=kb,
                         max_body=int(settings.get("max_body")),  # type: ignore[arg-type]
                         rate_limit=int(settings.get("rate_limit")),  # type: ignore[arg-type]
                         allow_private_webhooks=bool(settings.get("allow_private_webhooks")))
    except StockGroupsError as err:
        raise click.ClickException(str(err)) from None
    if created:
        click.echo(f"API key (shown once; kept in {key_path()}): {key}")
    click.echo(f"serving {redact(db_path(db))} at http://{host}:{port}/ ; Ctrl-C to stop", err=True)
    logging.basicConfig(level=logging.WARNING)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port} ({err.strerror or err})")


@click.command("alerts")
@db_option
@click.option("--allow-private", is_flag=True, default=None,
              help="Allow webhooks on private or loopback addresses "
                   "(setting allow_private_webhooks).")
def alerts_cmd(db: str | None, allow_private: bool | None) -> None:
    """Evaluate the alert rules on stored stories and deliver due alerts once.

    \b
    Example:
        stockgroups ingest news/ && stockgroups alerts
    """
    from stockgroups.services import alerts

    allow = bool(settings.get("allow_private_webhooks") if allow_private is None
                 else allow_private)
    with _open_store(db) as store:
        try:
            added = alerts.evaluate(store)
            done = alerts.deliver(store, alerts.webhook_poster(allow_private=allow))
        except StockGroupsError as err:
            raise click.ClickException(str(err)) from None
    click.echo(f"{added} new alerts; {done.sent} sent, {done.retrying} to retry, "
               f"{done.failed} failed")


@click.group("watchlist")
def watchlist_cmd() -> None:
    """Save and read watchlists (the dashboard's /watchlists).

    \b
    Example:
        stockgroups watchlist save "My portfolio" holdings.csv
    """


@watchlist_cmd.command("save")
@click.argument("name")
@click.argument("csv_file", type=click.Path(dir_okay=False, allow_dash=True))
@db_option
def watchlist_save(name: str, csv_file: str, db: str | None) -> None:
    """Save (or replace) watchlist NAME from a CSV of ticker[,weight] lines.

    \b
    Example:
        stockgroups watchlist save Miners holdings.csv
    """
    from stockgroups.services import watchlists

    try:
        text = click.open_file(csv_file, encoding="utf-8-sig").read()
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"{csv_file}: cannot read ({err})") from None
    with _open_store(db) as store:
        try:
            saved = watchlists.save(store, name, text)
        except StockGroupsError as err:
            raise click.ClickException(str(err)) from None
    click.echo(f"saved watchlist {saved['id']} {saved['name']!r}: {len(saved['items'])} holdings")


@watchlist_cmd.command("show")
@click.argument("name")
@db_option
def watchlist_show(name: str, db: str | None) -> None:
    """The news on watchlist NAME: net exposure per holding over the last day and week.

    \b
    Example:
        stockgroups watchlist show Miners
    """
    from stockgroups.services import watchlists

    with _open_store(db) as store:
        found = [w for w in watchlists.listing(store) if w["name"] == name]
        if not found:
            raise click.ClickException(f"no watchlist named {name!r}")
        data = watchlists.exposure(store, found[0]["id"])
    for h in data["holdings"]:
        click.echo(f"{h['symbol']:<24} weight {h['weight']:<6g} day {h['day']:+.2f} "
                   f"week {h['week']:+.2f}  ({h['story_count']} stories)")
    click.echo(f"net exposure: day {data['net']['day']:+.2f}, week {data['net']['week']:+.2f}")


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(alerts_cmd)
    group.add_command(watchlist_cmd)


__all__ = ["register"]
