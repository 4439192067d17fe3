"""Grid sizing and the yearly training check. Pure: plain values in and out.

Sizing (FACTS.md, Zhengzhou): a community grid holds 300–500 households, a micro-grid 50–70.
A grid over the standard is split into ceil(households / max) grids; one under it is merged
with its smallest neighbour in the same community (touching boundaries, else the next in
sort order)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

OK, UNDER, OVER = "ok", "under", "over"


def gettext_noop(text: str) -> str:
    return text


@dataclass(frozen=True)
class Standard:
    low: int
    high: int


def size_status(households: int, standard: Standard) -> str:
    """ok inside [low, high] (both ends included), else under / over."""
    if households < standard.low:
        return UNDER
    if households > standard.high:
        return OVER
    return OK


def split_into(households: int, standard: Standard) -> int:
    """How many grids an oversized grid becomes: ceil(households / high)."""
    return max(2, math.ceil(households / standard.high))


@dataclass(frozen=True)
class GridSize:
    id: int
    name: str
    community_id: int
    households: int
    sort: int = 0


@dataclass(frozen=True)
class Suggestion:
    grid: GridSize
    status: str
    parts: int = 0                       # over: split into this many
    merge_with: GridSize | None = None   # under: the smallest neighbour
    merged_households: int = 0


def suggestions(grids: Sequence[GridSize], standard: Standard,
                touching: Callable[[int, int], bool] | None = None) -> list[Suggestion]:
    """One suggestion per grid outside the standard, in the order given. `touching(a, b)`
    says whether two grids share a boundary; without it (or when no grid touches) the
    neighbours are the grids next in sort order within the community."""
    by_community: dict[int, list[GridSize]] = {}
    for g in grids:
        by_community.setdefault(g.community_id, []).append(g)
    for members in by_community.values():
        members.sort(key=lambda g: (g.sort, g.id))
    out = []
    for g in grids:
        status = size_status(g.households, standard)
        if status == OVER:
            out.append(Suggestion(g, status, parts=split_into(g.households, standard)))
        elif status == UNDER:
            partner = _smallest_neighbour(g, by_community[g.community_id], touching)
            out.append(Suggestion(g, status, merge_with=partner,
                                  merged_households=g.households
                                  + (partner.households if partner else 0)))
    return out


def _smallest_neighbour(grid: GridSize, members: list[GridSize],
                        touching: Callable[[int, int], bool] | None) -> GridSize | None:
    others = [m for m in members if m.id != grid.id]
    near = [m for m in others if touching(grid.id, m.id)] if touching else []
    if not near:
        index = members.index(grid)
        near = [m for m in (members[index - 1] if index > 0 else None,
                            members[index + 1] if index + 1 < len(members) else None) if m]
    return min(near, key=lambda m: (m.households, m.sort, m.id)) if near else None


def training_ok(hours: Decimal, minimum: Decimal) -> bool:
    """The yearly check: hours of passed courses reach the minimum (the minimum itself is
    enough)."""
    return hours >= minimum


def hours_short(hours: Decimal, minimum: Decimal) -> Decimal:
    return max(minimum - hours, Decimal(0))
