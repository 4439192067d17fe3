"""Demo section: the named projects' site points and a few sample site photos — on March 2023
progress reports and as 入库 evidence — drawn by Pillow at load time, with EXIF capture times
and positions, each marked SAMPLE in the picture and `sample` in the database.

The street centres below are SAMPLE points inside 中原区 (approximate, WGS-84), not surveyed
sites. Among the photos, one is taken 5 km from its project, one a year early and one has no
EXIF, so the reviewer's checks show on the report pages. Idempotent: a second run finds the
sample photos and changes nothing."""

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from diaodu.core import photo_services
from diaodu.core.models import Photo
from diaodu.investment.models import Cadence, ProgressReport, RegistrationPlan
from diaodu.projects import services
from diaodu.projects.models import Project

from . import data

# SAMPLE centres of the street offices (latitude, longitude).
STREET_CENTRES = {
    "410102001": ("34.756000", "113.640000"), "410102002": ("34.759000", "113.624000"),
    "410102003": ("34.766000", "113.615000"), "410102004": ("34.756000", "113.608000"),
    "410102005": ("34.748000", "113.619000"), "410102006": ("34.743000", "113.633000"),
    "410102007": ("34.750000", "113.647000"), "410102008": ("34.739000", "113.611000"),
    "410102009": ("34.728000", "113.606000"), "410102010": ("34.747000", "113.587000"),
    "410102011": ("34.769000", "113.570000"), "410102012": ("34.760000", "113.534000"),
    "410102013": ("34.775000", "113.595000"), "410102014": ("34.736000", "113.556000"),
}
FIVE_KM = Decimal("0.045")  # degrees of latitude


def _dms(value: Decimal) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = float(round(((value - degrees) * 60 - minutes) * 60, 3))
    return float(degrees), float(minutes), seconds


def site_jpeg(*, rng: random.Random, label: str, taken: datetime | None,
              point: tuple[Decimal, Decimal] | None) -> bytes:
    """A drawn building site (sky, ground, a frame going up, a crane), marked SAMPLE."""
    width, height = 960, 720
    image = Image.new("RGB", (width, height), (150 + rng.randint(0, 40), 190, 230))
    draw = ImageDraw.Draw(image)
    ground = height * 2 // 3
    draw.rectangle((0, ground, width, height), fill=(140, 115, 80))
    left = rng.randint(120, 420)
    floors = rng.randint(3, 9)
    for floor in range(floors):
        top = ground - (floor + 1) * 38
        draw.rectangle((left, top, left + 260, top + 34), outline=(90, 90, 90), width=4)
    mast = left + 320
    draw.line((mast, ground, mast, 90), fill=(230, 170, 0), width=10)
    draw.line((mast - 150, 100, mast + 260, 100), fill=(230, 170, 0), width=8)
    draw.rectangle((0, 0, width, 44), fill=(0, 0, 0))
    draw.text((16, 14), f"SAMPLE - {label}", fill=(255, 255, 255))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[36881] = "+08:00"
    if point is not None:
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: _dms(point[0]), 3: "E", 4: _dms(point[1])})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def plan_png(label: str) -> bytes:
    """A site plan exported from an office program: a PNG without EXIF."""
    image = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 120, 700, 520), outline="black", width=3)
    draw.rectangle((180, 200, 420, 440), outline="blue", width=2)
    draw.text((110, 40), f"SAMPLE - {label} site plan", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _near(rng: random.Random, point: tuple[Decimal, Decimal], metres: int = 400
          ) -> tuple[Decimal, Decimal]:
    # 0.001 degree ≈ 111 m of latitude, ≈ 91 m of longitude here.
    step = Decimal(metres) / Decimal(111_000)
    return (point[0] + step * Decimal(rng.uniform(-1, 1)).quantize(Decimal("0.0001")),
            point[1] + step * Decimal(rng.uniform(-1, 1)).quantize(Decimal("0.0001")))


def _place(rng: random.Random, project: Project) -> Project:
    centre = STREET_CENTRES.get(project.street.code if project.street else "", None)
    if centre is None:
        return project
    latitude, longitude = _near(rng, (Decimal(centre[0]), Decimal(centre[1])), 900)
    return services.project_update(actor=None, project=project, expected_version=None,
                                   latitude=latitude, longitude=longitude)


def _upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def load() -> bool:
    if Photo.objects.filter(sample=True).exists():
        return False
    rng = random.Random(20230331)
    names = [spec["name"] for spec in data.NAMED_PROJECTS]
    named = {p.pk: _place(rng, p) for p in Project.objects.select_related("street")
             .filter(name__in=names).order_by("id")}
    reports = list(ProgressReport.objects.select_related("round", "project")
                   .filter(round__cadence=Cadence.MONTHLY, round__period_end=data.DEMO_TODAY,
                           project_id__in=list(named)).order_by("project_id")[:6])
    for index, report in enumerate(reports):
        project = named[report.project_id]
        point = project.point
        label = f"{project.pk:04d}-{report.round.period_end:%Y%m}"
        taken = datetime(2023, 3, rng.randint(2, 28), rng.randint(8, 17), rng.randint(0, 59))
        where = _near(rng, point, 250) if point else None
        uploads = [_upload(site_jpeg(rng=rng, label=label, taken=taken, point=where),
                           f"现场{index + 1}.jpg")]
        if index == 1 and point:  # taken at another site, 5 km north
            uploads.append(_upload(site_jpeg(rng=rng, label=label + "-b", taken=taken,
                                             point=(point[0] + FIVE_KM, point[1])),
                                   "现场远景.jpg"))
        if index == 2:  # last year's photo sent again
            uploads.append(_upload(site_jpeg(rng=rng, label=label + "-c",
                                             taken=taken - timedelta(days=365), point=where),
                                   "去年同期.jpg"))
        if index == 3:
            uploads.append(_upload(plan_png(label), "总平面图.png"))
        photo_services.photo_add_many(actor=None, owner=report, uploads=uploads,
                                      caption="演示样例照片（示例数据）", sample=True)
    _evidence(rng)
    return True


def _evidence(rng: random.Random) -> None:
    """入库 evidence for the first two projects due for registration: a photo after the
    actual start at the site (they get a point first)."""
    plans = RegistrationPlan.objects.select_related("project__street").order_by("id")[:2]
    for plan in plans:
        project = _place(rng, plan.project) if plan.project.point is None else plan.project
        start = project.actual_start or date(2023, 3, 1)
        taken_on = min(data.DEMO_TODAY, start + timedelta(days=rng.randint(1, 20)))
        taken = datetime(taken_on.year, taken_on.month, taken_on.day, 10, rng.randint(0, 59))
        where = _near(rng, project.point, 200) if project.point else None
        photo_services.photo_add(
            actor=None, owner=project, caption="入库佐证：主体工程开工（示例数据）", sample=True,
            upload=_upload(site_jpeg(rng=rng, label=f"{project.pk:04d}-ruku", taken=taken,
                                     point=where), "开工现场.jpg"))
