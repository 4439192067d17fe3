"""Pure rules of the mediation register: the three levels and which referrals exist between
them, how party data is masked for people who do not handle the case, and the coverage check
of the legal network. No Django here; plain values in, plain values out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Top to bottom; a referral moves a dispute exactly one level up (上交) or down (下交).
LEVELS = ("district", "street", "community")


def referral_direction(from_level: str, to_level: str) -> str | None:
    """"up" or "down" for a referral between adjacent levels; None when there is no such
    referral (an unknown level, the same level, or a jump over a level)."""
    if from_level not in LEVELS or to_level not in LEVELS:
        return None
    step = LEVELS.index(to_level) - LEVELS.index(from_level)
    return {-1: "up", 1: "down"}.get(step)


def mask_name(name: str, *, organisation: bool = False) -> str:
    """张三 → 张*, 欧阳小明 → 欧***. Organisations' names are not personal data."""
    name = name.strip()
    if organisation or len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_address(address: str, keep: int = 6) -> str:
    """Keep the first `keep` characters (the road or community), hide the house number."""
    address = address.strip()
    if len(address) <= keep:
        return address[:2] + "***" if len(address) > 2 else address
    return address[:keep] + "***"


@dataclass(frozen=True)
class Gap:
    """One hole in the legal network: `what` is "station", "room", "adviser" or "liaison"."""

    what: str
    unit_id: int


def coverage_gaps(*, streets: Iterable[int], communities: Iterable[int],
                  stations: set[int], rooms: set[int], advised: set[int],
                  liaised: set[int]) -> list[Gap]:
    """Every street needs a station; every community a room, an adviser serving it on the
    day checked and at least one 法律明白人."""
    gaps = [Gap("station", s) for s in streets if s not in stations]
    for community in communities:
        for what, covered in (("room", rooms), ("adviser", advised), ("liaison", liaised)):
            if community not in covered:
                gaps.append(Gap(what, community))
    return gaps


def periods_overlap(a_start, a_end, b_start, b_end) -> bool:
    """Whether two date ranges meet; an end of None runs on without limit. Both ends count
    (an assignment ending on the 31st and one starting on the 31st overlap)."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)
