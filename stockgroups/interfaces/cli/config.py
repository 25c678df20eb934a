"""Settings at the command-line edge: built once per command from flags, environment and the
config file; `stockgroups config` shows each effective value and where it came from."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from stockgroups import config
from stockgroups.errors import StockGroupsError


def cli_settings(**flags: Any) -> config.Settings:
    """The one Settings object of a command; a bad value is a one-line ClickException."""
    try:
        return config.load(flags=flags)
    except StockGroupsError as err:
        raise click.ClickException(str(err)) from None


def format_option(help: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The `--format text|json` option every listing command takes (parameter `fmt`)."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help=help)


@click.command("config")
@format_option()
@click.option("-v", "--verbose", is_flag=True, help="Add each setting's help text.")
def config_cmd(fmt: str, verbose: bool) -> None:
    """Show every effective setting, its value, and where it came from.

    A value comes from, strongest first: a command's flag, the environment
    (STOCKGROUPS_<NAME>), the config file (config.toml in your Stock Groups folder, or
    the file STOCKGROUPS_CONFIG names), else the default.

    \b
    Example:
        STOCKGROUPS_MAX_BYTES=20MB stockgroups config
    """
    settings = cli_settings()
    rows = config.describe(settings)
    path = config.config_path()
    if fmt == "json":
        click.echo(json.dumps({"folder": str(config.user_home()),
                               "config_file": settings.config_file,
                               "config_file_looked_for": str(path) if path else None,
                               "settings": rows}, ensure_ascii=False))
        return
    click.echo(f"Stock Groups folder: {config.user_home()}")
    if settings.config_file:
        click.echo(f"config file: {settings.config_file}")
    else:
        click.echo(f"config file: none ({path} does not exist)" if path else
                   "config file: none (STOCKGROUPS_CONFIG is empty)")
    width = max(len(r["name"]) for r in rows)
    vwidth = max(len(r["value"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['value']:<{vwidth}}  {r['source']}")
        if verbose:
            click.echo(f"{'':<{width}}  {r['help']}")


def register(group: click.Group) -> None:
    group.add_command(config_cmd)


__all__ = ["cli_settings", "config_cmd", "register"]
