"""Real image bytes for the photo tests, drawn by Pillow: a JPEG with EXIF capture time and GPS,
a PNG without EXIF, a text file named .jpg, a decompression bomb (a tiny PNG whose header
claims huge dimensions) and a file over the size limit."""

import io
import struct
import zlib
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

EXIF_IFD, GPS_IFD = 0x8769, 0x8825


def _dms(value: Decimal | float) -> tuple[float, float, float]:
    value = abs(float(value))
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = round((minutes_full - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def jpeg(*, taken: datetime | None = None, offset: str | None = None,
         lat: Decimal | float | None = None, lon: Decimal | float | None = None,
         size: tuple[int, int] = (640, 480), colour: str = "steelblue", text: str = "",
         orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] // 2, size[1] // 2), outline="white", width=4)
    if text:
        draw.text((20, 20), text, fill="white")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken is not None:
        ifd = exif.get_ifd(EXIF_IFD)
        ifd[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            ifd[36881] = offset
    if lat is not None and lon is not None:
        gps = exif.get_ifd(GPS_IFD)
        gps[1] = "N" if float(lat) >= 0 else "S"
        gps[2] = _dms(lat)
        gps[3] = "E" if float(lon) >= 0 else "W"
        gps[4] = _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (300, 200), colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (100, 80), "green").save(out, "WEBP")
    return out.getvalue()


def bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1×1 PNG whose header says width × height: a few dozen bytes on disk."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    # IHDR: 8-byte signature, 4-byte length, b"IHDR", then width and height.
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def upload(content: bytes, name: str = "site.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)
