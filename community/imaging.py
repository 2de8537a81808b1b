"""Images that members upload, made safe to keep and to serve (Pillow).

Nothing about an upload is trusted: not the type the app declared, not its file name, not its
bytes. :func:`process` (CPU-bound: call it in a thread) does, in this order:

1. **sniff** the format from the first bytes: JPEG, PNG, GIF or WebP, nothing else (SVG, HTML,
   PDF… are refused whatever they are called);
2. refuse a **polyglot**: a file that another program would also read as something else —
   markup a browser would run (HTML, SVG, script), a PDF, or a ZIP archive (``GIFAR``-style);
3. read the header alone and refuse more pixels than the limit (an **image bomb**: a few
   kilobytes that decode to gigabytes) before anything is decoded; an animation's frames count
   together;
4. decode and **re-encode** the pixels into a new file of the same format: it carries nothing
   of the upload but the picture (no EXIF with its GPS position, XMP, comments or text
   chunks; the ICC colour profile is kept, and the EXIF orientation is applied to the pixels
   first, so the picture stands as it was taken); animated GIFs and WebPs keep their frames,
   timing and loop;
5. make a **preview** of at most 230,400 pixels (Mastodon's ``small`` style,
   ``app/models/media_attachment.rb``) and its **blurhash** (4×4 components, as Mastodon).

A refusal raises :class:`ImageRefused` with a reason from the closed set :data:`Refusal`.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Literal

import blurhash
from PIL import Image, ImageOps, ImageSequence

from community.errors import InvalidInput

#: Why an upload is refused (the API answers 413 for ``too_large``, 422 for the others).
Refusal = Literal["unsupported_type", "too_large", "polyglot", "too_many_pixels", "unreadable"]

PREVIEW_PIXELS = 230_400
BLURHASH_COMPONENTS = (4, 4)
BLURHASH_WIDTH = 32
JPEG_QUALITY = 90
PREVIEW_QUALITY = 85

# What a browser or an interpreter would take for markup, wherever it is in the file.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|\?php)[\s>/]", re.I
)
_PDF = b"%PDF-"
# A ZIP archive is read from its end: the end-of-central-directory record sits in the last
# 22 bytes plus an optional comment of up to 65,535.
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 22 + 65_535


class ImageRefused(InvalidInput):
    """An upload we will not keep; ``reason`` is one of :data:`Refusal`."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason: Refusal = reason


@dataclass(frozen=True, slots=True)
class Format:
    """A format we keep: Pillow's name for it, its media type, a file extension."""

    name: str
    media_type: str
    extension: str


JPEG = Format("JPEG", "image/jpeg", "jpg")
PNG = Format("PNG", "image/png", "png")
GIF = Format("GIF", "image/gif", "gif")
WEBP = Format("WEBP", "image/webp", "webp")
FORMATS = (JPEG, PNG, GIF, WEBP)
# A JPEG's further pictures (MPO: Ultra HDR gain maps, depth maps, stereo pairs) are no
# animation: the first picture is the photo, the rest is dropped with the metadata.
ANIMATED = (GIF, WEBP)
MEDIA_TYPES = frozenset(f.media_type for f in FORMATS)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True, slots=True)
class Picture:
    """One file we made: its bytes, format and size in pixels."""

    data: bytes
    format: Format
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Processed:
    """What an accepted upload became: the clean original, its preview, its blurhash."""

    original: Picture
    preview: Picture
    blurhash: str


def sniff(data: bytes) -> Format | None:
    """The format the first bytes announce (file signatures), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def foreign_content(data: bytes) -> str | None:
    """What else the file is, besides an image (markup, a PDF, a ZIP archive), or None."""
    if _MARKUP.search(data):
        return "markup"
    if _PDF in data:
        return "a PDF document"
    if _ZIP_END in data[-_ZIP_TAIL:]:
        return "a ZIP archive"
    return None


def process(data: bytes, limits: Limits) -> Processed:
    """Check, clean and preview one upload (see the module's steps); :class:`ImageRefused`."""
    if len(data) > limits.max_bytes:
        raise ImageRefused("too_large", f"the file is larger than {limits.max_bytes} bytes")
    fmt = sniff(data)
    if fmt is None:
        raise ImageRefused("unsupported_type", "the file is not a JPEG, PNG, GIF or WebP image")
    found = foreign_content(data)
    if found is not None:
        raise ImageRefused("polyglot", f"the image also holds {found}")
    try:
        with Image.open(io.BytesIO(data), formats=[fmt.name]) as image:
            animated = fmt in ANIMATED and getattr(image, "is_animated", False)
            check_pixels(image, limits.max_pixels, animated=animated)
            return _made(image, fmt, animated=animated)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (above 89 million pixels) may speak first, as an error or, where
        # warnings are errors, as its warning
        raise ImageRefused("too_many_pixels", "the image has too many pixels") from None
    except Exception:  # Pillow raises many kinds of error on malformed input
        raise ImageRefused("unreadable", f"the file is not a readable {fmt.name} image") from None


def check_pixels(image: Image.Image, max_pixels: int, *, animated: bool) -> None:
    """Refuse, from the header alone, an image (all its frames) over ``max_pixels``."""
    width, height = image.size
    frames = getattr(image, "n_frames", 1) if animated else 1
    if width * height * frames > max_pixels:
        raise ImageRefused(
            "too_many_pixels",
            f"the image has more than {max_pixels} pixels ({width}×{height}, {frames} frames)",
        )


def _made(image: Image.Image, fmt: Format, *, animated: bool) -> Processed:
    if animated:
        original = _reencode_animation(image, fmt)
        image.seek(0)
        first = image.convert("RGBA")
    else:
        first = ImageOps.exif_transpose(image)
        original = _reencode(first, fmt, image.info.get("icc_profile"))
    preview = make_preview(first)
    return Processed(original, preview, blurhash_of(first))


def _reencode(image: Image.Image, fmt: Format, icc_profile: bytes | None) -> Picture:
    """A new file with the pixels alone (and the colour profile)."""
    clean = image.copy()
    clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt is JPEG:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif fmt is WEBP:
        options.update(quality=JPEG_QUALITY)
    out = io.BytesIO()
    clean.save(out, format=fmt.name, **options)
    return Picture(out.getvalue(), fmt, clean.width, clean.height)


def _reencode_animation(image: Image.Image, fmt: Format) -> Picture:
    """Every frame (as Pillow composes it) into a new animation: timing and loop kept."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration") or 100))
        copy = frame.convert("RGBA")
        copy.info = {}
        frames.append(copy)
    out = io.BytesIO()
    frames[0].save(
        out,
        format=fmt.name,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=int(image.info.get("loop", 0)),
        disposal=2,
    )
    return Picture(out.getvalue(), fmt, image.width, image.height)


def preview_size(width: int, height: int) -> tuple[int, int]:
    """The size of a picture scaled down to at most :data:`PREVIEW_PIXELS` (never up)."""
    scale = math.sqrt(PREVIEW_PIXELS / (width * height))
    if scale >= 1:
        return width, height
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def make_preview(image: Image.Image) -> Picture:
    """A small still: JPEG, or PNG when the picture has transparency."""
    transparent = has_transparency(image)
    small = image.convert("RGBA" if transparent else "RGB")
    small.thumbnail(preview_size(*image.size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if transparent:
        small.save(out, format="PNG", optimize=True)
        return Picture(out.getvalue(), PNG, small.width, small.height)
    small.save(out, format="JPEG", quality=PREVIEW_QUALITY)
    return Picture(out.getvalue(), JPEG, small.width, small.height)


def has_transparency(image: Image.Image) -> bool:
    """Whether any pixel of the picture is not fully opaque."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return False
    alpha = image.convert("RGBA").getchannel("A")
    lowest = alpha.getextrema()[0]
    return isinstance(lowest, int | float) and lowest < 255


def blurhash_of(image: Image.Image) -> str:
    """The blurhash of a picture (computed on a 32-pixel-wide copy: it is a blur)."""
    tiny = image.convert("RGB")
    tiny.thumbnail((BLURHASH_WIDTH, BLURHASH_WIDTH), Image.Resampling.BOX)
    raw = tiny.tobytes()
    stride = tiny.width * 3
    rows = [
        [tuple(raw[i : i + 3]) for i in range(y * stride, (y + 1) * stride, 3)]
        for y in range(tiny.height)
    ]
    x, y = BLURHASH_COMPONENTS
    return str(blurhash.encode(rows, components_x=x, components_y=y))
