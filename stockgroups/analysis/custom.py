"""Users' own baskets of companies (groups_custom*.csv) as group hits.

A basket is hit when any of its member companies is: it takes the strongest member's
score, the members' vote for its direction, and evidence that names the members.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from stockgroups.model import CompanyHit, GroupHit

if TYPE_CHECKING:
    from stockgroups.kb.load import KB

# A direction needs more than this share of the members' summed scores to win the vote;
# otherwise members pulling both ways make the basket "mixed".
DIRECTION_MAJORITY = 0.6


def _vote(members: list[CompanyHit]) -> str:
    weights: dict[str, float] = {}
    for m in members:
        weights[m.direction] = weights.get(m.direction, 0.0) + max(m.score, 1e-9)
    signed = {d: w for d, w in weights.items() if d in ("up", "down")}
    if not signed:
        return "mixed" if "mixed" in weights else "neutral"
    total = sum(signed.values()) + weights.get("mixed", 0.0)
    best = max(signed, key=signed.get)
    if signed[best] / total > DIRECTION_MAJORITY:
        return best
    return "mixed"


def custom_hits(companies: Iterable[CompanyHit], kb: KB) -> tuple[GroupHit, ...]:
    """One GroupHit per user basket with at least one member among the company hits,
    strongest first."""
    if not kb.custom_groups:
        return ()
    by_id: dict[str, CompanyHit] = {}
    for hit in companies:
        eid = kb.ticker_index.get(hit.ticker.upper())
        if eid and (eid not in by_id or hit.score > by_id[eid].score):
            by_id[eid] = hit
    out = []
    for group in kb.custom_groups.values():
        members = [by_id[m] for m in group.members if m in by_id]
        if not members:
            continue
        members.sort(key=lambda h: -h.score)
        direction = _vote(members)
        listed = ", ".join(f"{h.ticker} {h.direction} ({h.score:.2f})" for h in members)
        held = f"{len(members)} of {len(group.members)}"
        evidence = (
            f"Your basket {group.name} holds {held} companies this story moves: {listed}",
            f"Score of its strongest member ({members[0].ticker}); direction by the members' vote: {direction}",
        )
        out.append(GroupHit(group.id, "custom", group.name, round(members[0].score, 4), direction, evidence))
    out.sort(key=lambda g: -g.score)
    return tuple(out)
