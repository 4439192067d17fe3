"""Photo files left by a rolled-back transaction: the service writes the file before its row;
when the caller's outer transaction rolls back, the row is gone and the file stays on disk. The
daily sweep (core/photo_sweep.py) deletes such files once older than the grace period, keeps
younger ones and every file a row names, and records one audit event with the count."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.db import transaction

from diaodu.core import photo_services
from diaodu.core.models import AuditEvent, Photo
from diaodu.core.photo_sweep import photo_orphans_sweep
from tests.photo_images import jpeg, png, upload

from .conftest import report_of

HOUR = 3600


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOTO_ORPHAN_GRACE_SECONDS = HOUR
    return settings.MEDIA_ROOT


@pytest.fixture
def report(march, building_a):
    return report_of(march, building_a)


class Rollback(Exception):
    pass


def _files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def _age(media, names, seconds):
    then = time.time() - seconds
    for name in names:
        os.utime(media / name, (then, then))


def _left_behind(report, reporter, content, name):
    """A photo added inside a caller's transaction that then rolls back: no row, files stay."""
    with pytest.raises(Rollback), transaction.atomic():
        photo = photo_services.photo_add(actor=reporter, owner=report,
                                         upload=upload(content, name))
        names = [photo.file.name, photo.thumbnail.name]
        raise Rollback
    assert not Photo.objects.filter(file=names[0]).exists()
    return names


# A real outer transaction (not a savepoint inside the test's own): the caller's COMMIT never
# comes, the database rolls the row back.
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_upload_leaves_files_the_sweep_removes_after_the_grace_period(
        report, street_a_reporter, media):
    kept = photo_services.photo_add(actor=street_a_reporter, owner=report,
                                    upload=upload(jpeg(colour="red"), "留存.jpg"))
    assert not transaction.get_connection().in_atomic_block  # the atomic below is outermost
    orphan = _left_behind(report, street_a_reporter, jpeg(colour="blue"), "回滚.jpg")
    assert set(orphan) <= set(_files(media))  # the rollback left both files on disk
    # Both old: the orphan's files go, the photo with a row keeps its file and thumbnail.
    _age(media, [*orphan, kept.file.name, kept.thumbnail.name], 2 * HOUR)
    assert photo_orphans_sweep() == 2
    assert _files(media) == sorted([kept.file.name, kept.thumbnail.name])
    event = AuditEvent.objects.get(action="photo.orphans_sweep")
    assert event.changes["deleted"] == 2 and set(event.changes["examples"]) == set(orphan)
    assert photo_orphans_sweep() == 0  # nothing more; no second event
    assert AuditEvent.objects.filter(action="photo.orphans_sweep").count() == 1


def test_a_fresh_orphan_is_kept_until_the_grace_period_ends(report, street_a_reporter, media):
    orphan = _left_behind(report, street_a_reporter, png(), "新.png")
    _age(media, orphan, HOUR - 60)  # inside the grace period: may be a running transaction's
    assert photo_orphans_sweep() == 0 and set(orphan) <= set(_files(media))
    assert not AuditEvent.objects.filter(action="photo.orphans_sweep").exists()
    _age(media, orphan, HOUR + 60)
    assert photo_orphans_sweep() == 2 and not set(orphan) & set(_files(media))


def test_files_outside_the_photo_folder_are_never_touched(report, street_a_reporter, media):
    other = media / "exports" / "ledger.xlsx"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"not a photo")
    _age(media, ["exports/ledger.xlsx"], 10 * HOUR)
    assert photo_orphans_sweep() == 0 and other.exists()


def test_the_command_runs_the_sweep(report, street_a_reporter, media):
    orphan = _left_behind(report, street_a_reporter, jpeg(colour="green"), "命令.jpg")
    _age(media, orphan, 2 * HOUR)
    out = io.StringIO()
    call_command("photos_sweep", stdout=out)
    assert out.getvalue().strip() == "deleted=2" and not set(orphan) & set(_files(media))
