"""Photo files that no Photo row names: a service writes the file before its row, so when the
caller's outer transaction rolls back later, the row is gone and the file stays. The daily sweep
deletes files under the photo storage ("photos/") older than PHOTO_ORPHAN_GRACE_SECONDS that no
row names (file or thumbnail); a younger one may belong to a transaction still running. One
audit event per sweep that removed anything, with the count.

Start the chain once with `diaodu photos_sweep --schedule` (docs/operations.md)."""

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from . import audit
from .models import Photo
from .scheduling import queue_next_day

ROOT = "photos"
RUN_AT = time(3, 40)


def _storage() -> Storage:
    return Photo._meta.get_field("file").storage


def _walk(storage: Storage, folder: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names) of `folder` and every folder below it."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    yield folder, files
    for name in sorted(folders):
        yield from _walk(storage, f"{folder}/{name}")


def _named(folder: str) -> set[str]:
    """The names the rows give to files in `folder` (photos/YYYY/MM: one month's rows)."""
    prefix = f"{folder}/"
    rows = Photo.objects.filter(Q(file__startswith=prefix) | Q(thumbnail__startswith=prefix))
    named: set[str] = set()
    for file, thumbnail in rows.values_list("file", "thumbnail").iterator(chunk_size=2000):
        named.update((file, thumbnail))
    return named


def photo_orphans_sweep(*, now: datetime | None = None, grace: float | None = None) -> int:
    """Delete the photo files no row names that are older than the grace period; returns how
    many were deleted."""
    now = now or timezone.now()
    grace = settings.PHOTO_ORPHAN_GRACE_SECONDS if grace is None else grace
    cutoff = now - timedelta(seconds=grace)
    storage = _storage()
    removed: list[str] = []
    for folder, files in _walk(storage, ROOT):
        if not files:
            continue
        named = _named(folder)
        for name in sorted(files):
            path = f"{folder}/{name}"
            if path in named:
                continue
            try:
                if storage.get_modified_time(path) >= cutoff:
                    continue
                storage.delete(path)
            except FileNotFoundError:
                continue  # gone meanwhile (a second sweep, a removal)
            removed.append(path)
    if removed:
        audit.record(None, "photo.orphans_sweep", None,
                     {"deleted": len(removed), "grace_seconds": grace,
                      "examples": removed[:20]})
    return len(removed)


@task()
def daily_photo_sweep() -> dict[str, int]:
    deleted = photo_orphans_sweep()
    queue_next_day(daily_photo_sweep, after=timezone.localdate(), at=RUN_AT)
    return {"deleted": deleted}
