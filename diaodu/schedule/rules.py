"""Milestone status (RAG) from plain values; no database. Feeds the warnings later (issue 5 §7).

- done: finished;
- red (滞后): the planned finish has passed and it is not finished, or it has not started and
  its latest start has passed (倒排工期: the target can no longer be met as planned);
- amber (有风险): total float below the threshold (negative float = target at risk); the caller
  passes no float when the schedule has no target, as the critical path then has zero float;
- green (正常): otherwise.
"""

from datetime import date

DONE, GREEN, AMBER, RED = "done", "green", "amber", "red"
SEVERITY = {DONE: 0, GREEN: 1, AMBER: 2, RED: 3}


def activity_rag(*, finished: bool, started: bool, planned_finish: date | None,
                 late_start: date | None, total_float: int | None, today: date,
                 risk_float: int) -> str:
    if finished:
        return DONE
    if planned_finish is not None and planned_finish < today:
        return RED
    if not started and late_start is not None and late_start < today:
        return RED
    if total_float is not None and total_float < risk_float:
        return AMBER
    return GREEN


def worst(rags) -> str:
    """The project's status: its worst activity (all finished = done; none = "")."""
    found = [r for r in rags if r]
    return max(found, key=SEVERITY.__getitem__) if found else ""
