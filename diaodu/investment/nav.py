"""Sidebar items of the investment app (collected by diaodu/navigation.py)."""


def items(request) -> list[dict]:
    return []
