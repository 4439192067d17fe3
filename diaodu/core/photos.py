"""Site photos: what an uploaded file is (by its content, never its name), when and where it
was taken (EXIF), and its thumbnail. No database here; core/photo_services.py stores them.

Accepted: JPEG (and the MPO variant phones write), PNG and WebP. HEIC is not: Pillow 13 opens it
only through the pillow-heif plugin, which we do not ship; phones can save "most compatible"
(JPEG) instead, and the message says so.

Limits (settings, with defaults here): PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, PHOTO_MAX_PER_OWNER,
PHOTO_THUMBNAIL_PX, PHOTO_MAX_DISTANCE_M. Pillow's own decompression-bomb guard
(Image.MAX_IMAGE_PIXELS: a warning above it, an error above twice it) is turned into the same
Chinese refusal as our pixel limit."""

import hashlib
import io
import math
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .user_errors import UserError

SHANGHAI = ZoneInfo("Asia/Shanghai")

MAX_BYTES = 15 * 1024 * 1024  # a 48-megapixel phone JPEG is 8–12 MB
MAX_PIXELS = 60_000_000  # 8,000 × 7,500; phones write up to 48 MP (8,064 × 6,048)
MAX_PER_OWNER = 12
THUMBNAIL_PX = 320
MAX_DISTANCE_M = 1000

# Pillow format → (content type, file extension). The formats Pillow may try: no other parser
# ever sees an upload.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 36867
DATETIME_DIGITIZED = 36868
OFFSET_TIME_ORIGINAL = 36881
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4

COORD = Decimal("0.000001")
# The parsers Pillow may run on an upload (its JPEG parser hands MPO files to its MPO class).
OPEN_FORMATS = ["JPEG", "PNG", "WEBP"]


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return limit("PHOTO_MAX_BYTES", MAX_BYTES)


def max_pixels() -> int:
    return limit("PHOTO_MAX_PIXELS", MAX_PIXELS)


def max_per_owner() -> int:
    return limit("PHOTO_MAX_PER_OWNER", MAX_PER_OWNER)


def max_distance_m() -> int:
    return limit("PHOTO_MAX_DISTANCE_M", MAX_DISTANCE_M)


@dataclass(frozen=True)
class Processed:
    """An accepted photo: its bytes, what it is, and what its EXIF says."""

    content: bytes
    sha256: str
    content_type: str
    extension: str
    width: int
    height: int
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    thumbnail: bytes


def _refuse(code: str, message: str) -> UserError:
    return UserError(code, message, "photo")


def _too_many_pixels(name: str) -> UserError:
    return _refuse("photo.too_many_pixels",
                   _("照片“%(name)s”的像素超过上限 %(mp)s 百万像素（设置 PHOTO_MAX_PIXELS），"
                     "可能是恶意构造的文件，未保存。")
                   % {"name": name, "mp": round(max_pixels() / 1_000_000, 1)})


def read_upload(upload: IO[bytes] | Any, name: str) -> bytes:
    """The upload's bytes, refusing an empty or too large file before reading all of it."""
    size_limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > size_limit:
        raise _too_large(name, size_limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(size_limit + 1)
    if len(content) > size_limit:
        raise _too_large(name, size_limit)
    if not content:
        raise _refuse("photo.empty", _("照片“%(name)s”是空文件。") % {"name": name})
    return content


def _too_large(name: str, size_limit: int) -> UserError:
    return _refuse("photo.too_large",
                   _("照片“%(name)s”超过 %(mb)s MB（设置 PHOTO_MAX_BYTES），请压缩后上传。")
                   % {"name": name, "mb": round(size_limit / 1024 / 1024, 1)})


def _open(content: bytes, name: str) -> Image.Image:
    """Open and verify, refusing what is not one of FORMATS and what would inflate beyond the
    pixel limits. Pillow reads only the header here, so a bomb is refused before decoding."""
    not_image = _refuse("photo.not_image",
                        _("文件“%(name)s”不是 JPEG、PNG 或 WebP 图片（按文件内容判断，"
                          "与扩展名无关；HEIC 请在手机上改存为 JPEG）。") % {"name": name})
    Image.init()  # registers WebP's parser, which Pillow otherwise loads lazily
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse either way.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=OPEN_FORMATS)
            if image.width * image.height > max_pixels():
                raise _too_many_pixels(name)
            image.verify()
            image = Image.open(io.BytesIO(content), formats=OPEN_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except UnidentifiedImageError:
            raise not_image from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _refuse("photo.broken",
                          _("照片“%(name)s”已损坏或不完整，无法读取。") % {"name": name}) from None
    if image.format not in FORMATS:
        raise not_image
    return image


def _exif_time(exif: Image.Exif) -> datetime | None:
    ifd = exif.get_ifd(EXIF_IFD)
    raw = ifd.get(DATETIME_ORIGINAL) or ifd.get(DATETIME_DIGITIZED)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.strptime(raw.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other blanks cameras write
    offset = ifd.get(OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        tz = _offset(offset.strip().rstrip("\x00"))
        if tz is not None:
            return naive.replace(tzinfo=tz)
    return naive.replace(tzinfo=SHANGHAI)


def _offset(text: str) -> timezone | None:
    # "+08:00" / "-05:30"
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _degrees(value: Any, ref: Any, negative: str, bound: int) -> Decimal | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if any(math.isnan(x) or x < 0 for x in (d, m, s)):
        return None
    decimal = Decimal(repr(d + m / 60 + s / 3600)).quantize(COORD, ROUND_HALF_UP)
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper().startswith(negative):
        decimal = -decimal
    if abs(decimal) > bound:
        return None
    return decimal


def _exif_position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(GPS_IFD)
    if not gps:
        return None, None
    lat = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "S", 90)
    lon = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "W", 180)
    if lat is None or lon is None:
        return None, None
    return lat, lon


def _thumbnail(image: Image.Image, name: str) -> bytes:
    """A JPEG of at most THUMBNAIL_PX on its long side, turned upright by the EXIF orientation;
    no EXIF is written, so the thumbnail carries no position."""
    side = limit("PHOTO_THUMBNAIL_PX", THUMBNAIL_PX)
    # JPEG decodes at a reduced scale: a 48 MP photo never takes its full size in memory.
    image.draft("RGB", (side * 2, side * 2))
    try:
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse("photo.broken",
                      _("照片“%(name)s”已损坏或不完整，无法读取。") % {"name": name}) from None
    upright.thumbnail((side, side))
    if upright.mode not in ("RGB", "L"):
        background = Image.new("RGB", upright.size, "white")
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        upright = background
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def process(upload: IO[bytes] | Any, name: str) -> Processed:
    """Read, sniff and measure one upload; UserError (field "photo") when it is refused."""
    content = read_upload(upload, name)
    image = _open(content, name)
    content_type, extension = FORMATS[image.format or ""]
    width, height = image.width, image.height
    exif = image.getexif()
    latitude, longitude = _exif_position(exif)
    return Processed(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=_exif_time(exif),
        latitude=latitude,
        longitude=longitude,
        thumbnail=_thumbnail(image, name),
    )


EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def distance_m(lat1: Decimal | float, lon1: Decimal | float,
               lat2: Decimal | float, lon2: Decimal | float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()
