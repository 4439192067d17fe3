"""The inbox every app writes to: `notify(users, title=..., body=..., key=..., about=...)`.

Core defines the door; the cases app keeps the messages (its Notification model links a message
to a case) and opens the door at start-up (cases/apps.py, `install`). So 催报 (investment), the
督办 steps and later apps (grid events) reach people's inboxes the same way without importing
each other. `title`/`body`: a person's words, or a phrase (core/phrases.py) shown in the
reader's language. With a `key`, a user already holding a message with that key gets nothing
new (scheduled messages never repeat). Returns the number of messages written.
"""

from collections.abc import Callable, Iterable
from typing import Any

Writer = Callable[..., int]
_writer: Writer | None = None


def install(writer: Writer) -> None:
    """Called once by the app that stores messages."""
    global _writer
    _writer = writer


def notify(users: Iterable[Any], *, title: str | dict, body: str | dict = "", key: str = "",
           about: Any = None) -> int:
    if _writer is None:
        raise RuntimeError("no inbox installed: diaodu.cases is missing from INSTALLED_APPS")
    return _writer(users, title=title, body=body, key=key, about=about)
