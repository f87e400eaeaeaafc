"""Raster pictures a clinic gives us (logos, point photos, pictures inside an SVG): checked
from their header, then decoded only as far as the page needs.

The kind of file is read from its first bytes, not its name (a GIF named .png is a GIF),
and its width and height from the PNG IHDR chunk or the JPEG frame header. Both are
checked against the caller's pixel limit BEFORE Pillow decodes anything, so a 15000 x 15000
PNG costs a few bytes of reading, not 1.8 GB. Messages never quote the file's bytes.
"""

from __future__ import annotations

import io
import struct
import warnings

from .errors import InputError

# The first bytes of kinds people send by mistake, to name them in the message.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"), (b"\x00\x00\x01\x00", "ICO"), (b"8BPS", "PSD"), (b"\x1f\x8b", "gzip"),
)
# EXIF orientation -> the PIL.Image.Transpose that makes the picture upright (as
# ImageOps.exif_transpose does, but on the small copy).
_TURNS = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
          6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def kind_of(data: bytes) -> str:
    """"PNG", "JPEG", another kind's name, or "" when the bytes are none we know."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    head = data[:64].lstrip()
    if head.startswith((b"<?xml", b"<svg")):
        return "SVG"
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    return ""


def header_size(data: bytes, kind: str) -> tuple[int, int]:
    """(width, height) from a PNG or JPEG header; InputError when the header is broken."""
    if kind == "PNG":
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise InputError("is not a readable PNG image (its header is broken or cut short)")
        return struct.unpack(">II", data[16:24])
    pos = 2  # JPEG: walk the segments after SOI to the first frame header (SOFn)
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in _JPEG_FRAMES:
            if pos + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        if marker == 0xDA or length < 2:  # scan data before any frame header: broken
            break
        pos += 2 + length
    raise InputError("is not a readable JPEG image (its header is broken or cut short)")


def check_header(data: bytes, *, max_pixels: int, kinds=("PNG", "JPEG")) -> tuple[str, int, int]:
    """(kind, width, height) of an image whose header passes: a kind in `kinds`, a size
    above zero and at most `max_pixels`. InputError (one line, no path) otherwise."""
    kind = kind_of(data)
    if kind not in kinds:
        raise InputError(f"is a {kind} file, whatever its name says" if kind
                         else f"is not a readable {' or '.join(kinds)} image")
    width, height = header_size(data, kind)
    if not width or not height:
        raise InputError(f"is not a readable {kind} image (its header says {width} x {height} "
                         "pixels)")
    if width * height > max_pixels:
        raise InputError(f"is too large: {width} x {height} pixels, more than the "
                         f"{max_pixels / 1e6:g} megapixels allowed (it prints a few "
                         "centimetres wide)")
    return kind, width, height


def decode(data: bytes, *, max_pixels: int, box: tuple[int, int], white_background: bool):
    """An upright (EXIF) RGB or RGBA PIL image no larger than `box` pixels, from PNG or JPEG
    bytes checked by `check_header` first. A JPEG is decoded straight at a smaller scale
    where it can be (draft), so a large photo never needs its full size in memory.
    white_background: transparent parts become white (photos); otherwise kept (logos)."""
    from PIL import Image

    kind, width, height = check_header(data, max_pixels=max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data" and the like: not a 2nd line
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=(kind,)) as im:
                if im.size != (width, height):  # Pillow read another header than we did
                    raise InputError(f"is not a readable {kind} image (its headers disagree)")
                held = im.getexif().get(0x0112, 1)  # EXIF orientation: how the camera was held
                fit = (box[1], box[0]) if held in (5, 6, 7, 8) else box
                im.draft("RGB", fit)  # a JPEG decodes at 1/2, 1/4 or 1/8 straight away
                alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                    im.mode == "P" and "transparency" in im.info)
                # RGB(A) before shrinking: a palette or 16-bit image resizes badly or not at all
                mode = "RGBA" if alpha else "RGB"
                im.load()  # decoded here, while the file is open, its errors caught
                small = im if im.mode == mode else im.convert(mode)
                small.thumbnail(fit, Image.LANCZOS)
                if held in _TURNS:
                    small = small.transpose(Image.Transpose[_TURNS[held]])
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError("is too large (more pixels than Pillow will decode)") from None
    except Exception:  # Pillow's many kinds (OSError, SyntaxError, ValueError, zlib ...)
        raise InputError(f"is not a readable {kind} image (damaged or cut short)") from None
    if small.mode == "RGB" or not white_background:
        return small
    flat = Image.new("RGB", small.size, "white")
    flat.paste(small, mask=small.getchannel("A"))
    return flat


def encode(image) -> bytes:
    """PNG bytes for an image with transparency, JPEG (quality 88) for one without."""
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=88, optimize=True)
    return buffer.getvalue()
