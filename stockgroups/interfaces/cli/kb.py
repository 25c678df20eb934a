"""`stockgroups kb ...`: inspect, validate and extend the knowledge base."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import click

from stockgroups import config as settings
from stockgroups.analysis.version import analysis_version
from stockgroups.errors import StockGroupsError
from stockgroups.services.knowledge import load_user_kb


def _kb():
    try:
        return load_user_kb()
    except StockGroupsError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def kb() -> None:
    """Inspect the knowledge base."""


@kb.command("stats")
def kb_stats() -> None:
    """Count entities and facts by kind.

    \b
    Example:
        stockgroups kb stats
    """
    base = _kb()
    click.echo(f"kb_version {base.version}  analysis_version {analysis_version(base)}")
    for key, value in sorted(base.stats().items()):
        click.echo(f"{key:20} {value}")
    by_country = Counter(i.country for i in base.entities.values() if i.kind == "company")
    click.echo("companies by country: " + ", ".join(f"{c} {n}" for c, n in by_country.most_common()))
    industries = [i for i in base.entities.values() if i.kind == "industry"]
    covered = sum(1 for i in industries if base.companies_by_industry.get(i.id))
    click.echo(f"industries with companies: {covered} of {len(industries)}")
    for i in industries:
        if not base.companies_by_industry.get(i.id):
            click.echo(f"  no companies: {i.id}")
    commodities = [i for i in base.entities.values() if i.kind == "commodity"]
    producers = {c.id: [f for f in base.exposures_by_object.get(c.id, []) if f.relation == "produces"
                        and f.subject.startswith("company:")] for c in commodities}
    with_producers = sum(1 for v in producers.values() if v)
    click.echo(f"commodities with producer companies: {with_producers} of {len(commodities)}")
    click.echo("  " + ", ".join(f"{cid.split(':', 1)[1]} {len(v)}" for cid, v in producers.items()))
    if base.custom_groups:
        click.echo("custom groups: " + ", ".join(sorted(base.custom_groups)))


@kb.command("validate")
def kb_validate() -> None:
    """Load and validate every KB file; print problems and exit 1 if any.

    \b
    Example:
        stockgroups kb validate
    """
    base = _kb()
    click.echo(f"ok: {len(base.entities)} entities, {len(base.event_rows)} event types, "
               f"kb_version {base.version}, analysis_version {analysis_version(base)}")


@kb.command("show")
@click.argument("entity_id")
def kb_show(entity_id: str) -> None:
    """Show one entity with its facts.

    \b
    Example:
        stockgroups kb show country:KZ
    """
    base = _kb()
    info = base.entities.get(entity_id)
    if info is None:
        raise click.ClickException(f"{entity_id}: no such entity")
    click.echo(f"{info.id}  {info.name}")
    click.echo(f"  aliases: {', '.join(info.aliases)}")
    for fact in base.producers_by_country.get(entity_id, []) + base.producers_by_commodity.get(entity_id, []):
        click.echo(f"  {fact.subject} produces {fact.object}: {fact.weight:.1%} ({fact.metric} {fact.year}; {fact.source})")
    for fact in base.exposures_by_subject.get(entity_id, []) + base.exposures_by_object.get(entity_id, []):
        click.echo(f"  {fact.subject} {fact.relation} {fact.object} ({fact.weight}): {fact.why}")


@kb.command("search")
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True)
def kb_search(text: str, limit: int) -> None:
    """Find entities whose id, name or alias contains TEXT.

    \b
    Example:
        stockgroups kb search uranium
    """
    base = _kb()
    needle = text.lower()
    hits: Iterable = (i for i in base.entities.values()
                      if needle in i.id.lower() or any(needle in a.lower() for a in i.aliases))
    for n, info in enumerate(hits):
        if n >= limit:
            break
        click.echo(f"{info.id:32} {info.name}")


@kb.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def kb_import(file: Path) -> None:
    """Add or override companies, or add custom baskets, from FILE.csv.

    Companies: columns ticker,name,aliases,industry,country[,exchange,exposures,source,as_of]
    (aliases `|`-separated; exposures like `operates-in country:KZ 0.3|produces
    commodity:uranium 0.1`). A known ticker overrides the shipped company.
    Baskets: columns id,name,tickers (`|`-separated), id like custom:my-uranium-basket.
    Rows go to the user KB folder, never the shipped files; a file with any bad row is
    refused whole.

    \b
    Example:
        stockgroups kb import my_companies.csv
        stockgroups kb import my_baskets.csv
    """
    from stockgroups.errors import StockGroupsError
    from stockgroups.kb.user import import_file

    user_dir = settings.user_kb_dir()
    other = [d for d in str(settings.get("kb_dirs")).split(os.pathsep) if d]
    try:
        result = import_file(file, user_dir, other_dirs=other)
    except StockGroupsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"imported {result.companies} companies, {result.exposures} exposures, "
               f"{result.groups} groups into {result.folder} (kb_version {result.kb_version})")


def register(group: click.Group) -> None:
    group.add_command(kb)
