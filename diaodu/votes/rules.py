"""Pure rules of a secret ballot: whether a poll takes votes at a moment, whether a set of
choices is a valid ballot, and the count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime


def accepting(status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    """"open" when a vote cast at `now` counts; else "not_yet", "closed"."""
    if status != "open" or now >= closes_at:
        return "closed"
    if now < opens_at:
        return "not_yet"
    return "open"


def ballot_problem(choices: Iterable[int], candidates: set[int], max_choices: int) -> str | None:
    """None for a valid ballot (an empty one is an abstention, 弃权); else "duplicate",
    "unknown" or "too_many"."""
    chosen = list(choices)
    if len(set(chosen)) != len(chosen):
        return "duplicate"
    if not set(chosen) <= candidates:
        return "unknown"
    if len(chosen) > max_choices:
        return "too_many"
    return None


def tally(ballots: Iterable[Iterable[int]], candidates: Iterable[int]) -> dict[int, int]:
    """Votes per candidate (every candidate present, zero included)."""
    counts = Counter(c for ballot in ballots for c in ballot)
    return {c: counts.get(c, 0) for c in candidates}
