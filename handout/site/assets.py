"""The site's files that are not pages: the style sheet (in the brand's colours, made
readable), the script, the logo, and each point's diagram and stretch's still picture as
PNG (drawn by the handout's own code, so the page shows what the sheet prints)."""

from __future__ import annotations

from pathlib import Path

from ..brand import Brand
from ..library import Library
from .addresses import page_path

STATIC = Path(__file__).parent / "static"
DIAGRAM_MM, PICTURE_MM = 70, 90
DPI = 200
AA = 4.5  # WCAG AA contrast for body text


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darkened(colour: str, against: str = "#ffffff", ratio: float = AA) -> str:
    """The colour, darkened step by step until text in it reads on `against` (WCAG AA)."""
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    while contrast(f"#{r:02x}{g:02x}{b:02x}", against) < ratio:
        r, g, b = (int(c * 0.9) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def style_sheet(brand: Brand) -> str:
    """site.css with the brand's colours: headings and links in the primary colour made
    dark enough to read on white, boxes in the accent made light enough for black text."""
    primary = darkened(brand.primary)
    accent = brand.accent if contrast(brand.accent, "#000000") >= 7 else "#f2f2f2"
    colours = (f":root {{ --primary: {primary}; --accent: {accent}; }}\n")
    return colours + (STATIC / "site.css").read_text(encoding="utf-8")


def script() -> str:
    return (STATIC / "site.js").read_text(encoding="utf-8")


def logo_file(brand: Brand) -> tuple[str, bytes] | None:
    """(file name, bytes) of the brand's logo as checked by brand.py, or None."""
    logo = brand.logo
    if logo is None:
        return None
    if logo.kind == "svg":
        return "logo.svg", logo.data
    kind = "jpg" if logo.data[:2] == b"\xff\xd8" else "png"
    return f"logo.{kind}", logo.data


def picture_path(item) -> str:
    """The still picture beside an item's page: 'points/bl60.png'."""
    return page_path(item)[:-len(".html")] + ".png"


def write_pictures(library: Library, top: Path) -> None:
    """Each point's diagram (right side, as the sheets draw it by default) and each
    stretch's still picture (start and end), as PNG under `top`."""
    from reportlab.lib.units import mm

    from ..render.diagrams import load_view, point_diagram, write_drawing
    from ..render.figures import diagram_side, image_dirs, stretch_picture

    folders = image_dirs(library.folders)
    for point in library.points.values():
        view = load_view(point.diagram.view, folders, item=point.id)
        side = diagram_side(point, "both", view.symmetric)
        drawing = point_diagram(view, [(point.diagram.x, point.diagram.y, point.id)], side,
                                DIAGRAM_MM * mm)
        write_drawing(drawing, top / picture_path(point), dpi=DPI)
    for stretch in library.stretches.values():
        write_drawing(stretch_picture(stretch, PICTURE_MM * mm), top / picture_path(stretch),
                      dpi=DPI)


def view_name(view_id: str) -> str:
    """'outer-leg' -> 'outer leg', for a picture's text alternative."""
    return view_id.replace("-", " ").replace("_", " ")

