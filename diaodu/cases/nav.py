"""Sidebar items of the cases app (collected by diaodu/navigation.py)."""


def items(request) -> list[dict]:
    return []
