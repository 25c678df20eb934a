"""`stockgroups kb ...`: inspect, validate and extend the knowledge base."""
from __future__ import annotations

from typing import Iterable

import click

from stockgroups.cli import _kb


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
    click.echo(f"kb_version {base.version}")
    for key, value in sorted(base.stats().items()):
        click.echo(f"{key:20} {value}")


@kb.command("validate")
def kb_validate() -> None:
    """Load and validate every KB file; print problems and exit 1 if any.

    \b
    Example:
        stockgroups kb validate
    """
    base = _kb()
    click.echo(f"ok: {len(base.entities)} entities, version {base.version}")


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


def register(group: click.Group) -> None:
    group.add_command(kb)
