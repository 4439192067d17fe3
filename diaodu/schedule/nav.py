"""Sidebar items of the schedule app (collected by diaodu/navigation.py)."""


def items(request) -> list[dict]:
    return []
