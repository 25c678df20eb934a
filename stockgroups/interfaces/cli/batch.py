"""`stockgroups batch`: the same analysis over an archive, on Apache Spark (the spark extra)."""
from __future__ import annotations

import click

from stockgroups.interfaces.cli.config import cli_settings
from stockgroups.errors import StockGroupsError


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.argument("output")
@click.option("--master", default=None,
              help="Spark master: local[N], spark://host:7077, yarn... [default: the one spark-submit "
                   "was given, else local[*]]")
@click.option("--partitions", type=click.IntRange(1), default=None,
              help="Repartition the input into N tasks (default: as read).")
@click.option("--overwrite", is_flag=True, help="Replace an existing non-empty OUTPUT folder.")
def batch(inputs: tuple[str, ...], output: str, master: str | None, partitions: int | None, overwrite: bool) -> None:
    """Analyse every article of INPUTS on Spark; write Parquet under OUTPUT.

    INPUTS are JSON Lines files (one article a line: title, text or body, url, published),
    Parquet files or folders with those columns, or folders of text/HTML/JSON files.
    OUTPUT gets articles/ (one row per article, the fields of `analyze --format json`),
    errors/ (source, reason) and group_days/ (volume, net tone, top stories per group and day).

    \b
    Example:
        stockgroups batch archive.jsonl out/ --master 'local[2]'
        spark-submit -m stockgroups.batch ... (see the README)
    """
    try:
        from stockgroups.batch.spark import run_batch  # optional heavy extra: imported only here

        summary = run_batch(list(inputs), output, cli_settings(), master=master, partitions=partitions,
                            overwrite=overwrite)
    except StockGroupsError as err:
        raise click.ClickException(str(err)) from None
    click.echo(summary.line())


def register(main: click.Group) -> None:
    main.add_command(batch)
