"""Site photos of a progress report: list, upload (multipart, the same service, limits and
checks as the report page) and one photo's metadata and checks. A photo follows its report's
scope: a report the caller cannot see is 404, and so is every photo of it."""

from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from diaodu.core import photo_services
from diaodu.core.errors import NotFound
from diaodu.core.models import Photo
from diaodu.investment import selectors
from diaodu.investment.models import ProgressReport

from .schemas import Error, Pk

router = Router(tags=["photos"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}


class PhotoCheck(Schema):
    code: str
    text: str


class PhotoOut(Schema):
    id: int
    report_id: int
    name: str
    caption: str
    content_type: str
    size: int
    width: int
    height: int
    sha256: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    distance_m: int | None
    no_exif: bool
    no_location: bool
    outside_period: bool
    too_far: bool
    uploaded_at: datetime
    uploaded_by_id: int | None
    file_url: str
    thumbnail_url: str
    checks: list[PhotoCheck]


def _out(shown: photo_services.ShownPhoto) -> dict:
    photo = shown.photo
    fields = {name: getattr(photo, name) for name in PhotoOut.model_fields
              if name not in ("report_id", "file_url", "thumbnail_url", "checks")}
    return {**fields, "report_id": photo.owner_id,
            "file_url": reverse("photos:file", args=[photo.pk]),
            "thumbnail_url": reverse("photos:thumb", args=[photo.pk]),
            "checks": [{"code": code, "text": text} for code, text in shown.checks]}


def _report(request, report_id: int) -> ProgressReport:
    # The answers read only the round's period: the page's joins (street, people) would be
    # compiled and fetched for nothing.
    return selectors.report_get(user=request.auth, pk=report_id, adjustments=False, page=False)


def _period(report: ProgressReport):
    return (report.round.period_start, report.round.period_end)


@router.get("/reports/{report_id}/photos", response={200: list[PhotoOut], 404: Error},
            url_name="report_photo_list")
def report_photo_list(request, report_id: Path[Pk]):
    """The report's photos, oldest first, each with the checks the reviewer sees."""
    report = _report(request, report_id)
    return [_out(shown) for shown in selectors.report_photos(report=report)]


@router.post("/reports/{report_id}/photos", response={201: list[PhotoOut], **ERRORS},
             url_name="report_photo_add")
def report_photo_add(request, report_id: Path[Pk], photo: File[list[UploadedFile]] = None,
                     caption: Form[str] = ""):
    """Upload one or more photos (multipart field `photo`, repeated; `caption` optional): all
    or none, as on the report page — the unit that fills the report in, while it is editable;
    JPEG, PNG or WebP by content, within the size, pixel and count limits."""
    report = _report(request, report_id)
    added = photo_services.photo_add_many(actor=request.auth, owner=report,
                                          uploads=list(photo or []), caption=caption)
    return Status(201, [_out(shown) for shown in photo_services.shown(added, _period(report))])


@router.get("/reports/{report_id}/photos/{photo_id}", response={200: PhotoOut, 404: Error},
            url_name="report_photo_detail")
def report_photo_detail(request, report_id: Path[Pk], photo_id: Path[Pk]):
    """One photo of the report: its metadata (capture time, position, size) and checks."""
    report = _report(request, report_id)
    photo: Photo = photo_services.photo_get(user=request.auth, pk=photo_id)
    if photo.owner_id != report.pk or photo.owner_type.model_class() is not ProgressReport:
        raise NotFound
    return _out(photo_services.shown([photo], _period(report))[0])
