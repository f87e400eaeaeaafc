"""SVG files as ReportLab drawings (logos; the body views use the same loader)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import InputError

MAX_SVG_BYTES = 2 * 1024 * 1024


def load_svg(path: Path, what: str = "SVG file"):
    """A reportlab Drawing from an SVG file, or an InputError naming the file."""
    from svglib.svglib import svg2rlg

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} {path} not found")
    if path.stat().st_size > MAX_SVG_BYTES:
        raise InputError(f"{what} {path} is larger than {MAX_SVG_BYTES // 1048576} MB")
    quiet = logging.getLogger("svglib.svglib")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # svglib logs unsupported attributes it skips harmlessly
    try:
        drawing = svg2rlg(str(path))
    except Exception:  # svglib raises many kinds (lxml, ValueError ...) for bad files
        drawing = None
    finally:
        quiet.setLevel(level)
    if drawing is None or not drawing.width or not drawing.height:
        raise InputError(f"{what} {path} is not a valid SVG image")
    return drawing
