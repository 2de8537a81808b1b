"""Pictures for upload tests, made on the spot: honest ones, and ones that must be refused."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_with_gps(width: int = 640, height: int = 480) -> bytes:
    """A JPEG whose EXIF holds a camera make, a GPS position and an orientation (rotate 90°)."""
    image = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.0)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png(width: int = 64, height: int = 48, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 200, 30, 128)[: len(mode)]).save(out, "PNG")
    return out.getvalue()


def gif(frames: int = 1, size: tuple[int, int] = (40, 30)) -> bytes:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
    images = [Image.new("RGB", size, colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(
        out,
        "GIF",
        save_all=frames > 1,
        append_images=images[1:],
        duration=[70 + 10 * i for i in range(frames)] if frames > 1 else 70,
        loop=0,
        comment=b"a private note",
    )
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(out, "WEBP")
    return out.getvalue()


def jpeg_with_second_picture() -> bytes:
    """A JPEG carrying a second picture (MPO: how Ultra HDR gain maps and depth maps ride)."""
    photo = Image.new("RGB", (400, 300), (200, 10, 10))
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (100, 75))])
    return out.getvalue()


def gif_with_html() -> bytes:
    """A GIF that a browser sniffing it would also run as a page (GIF/HTML polyglot)."""
    return gif() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def jpeg_with_zip() -> bytes:
    """A JPEG followed by a ZIP archive (a GIFAR-style polyglot: both read it)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.js", "alert(1)")
    return jpeg_with_gps(64, 48) + archive.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_with_svg_text() -> bytes:
    """A valid PNG whose text chunk carries an SVG with a script."""
    body = png()
    text = _chunk(b"tEXt", b"Comment\x00<svg onload=alert(1)></svg>")
    return body[:33] + text + body[33:]


def png_bomb(side: int = 30_000) -> bytes:
    """A ~100 KB PNG that decodes to ``side``² pixels (900 million by default)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\0" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def gif_bomb(frames: int = 40, side: int = 1_000) -> bytes:
    """A small GIF of many large frames: each under the limit, all together far over it."""
    images = [Image.new("P", (side, side), i % 7) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], optimize=False)
    return out.getvalue()
