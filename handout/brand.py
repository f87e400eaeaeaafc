"""A clinic's brand: name, logo, colours, contact lines, footer, paper, font.

Loaded from brand.yaml (paths relative to that file). The built-in neutral brand is
`Brand()`. The logo is checked and downscaled here, before any page is drawn, so a missing,
corrupt or huge logo is a clear error and never a half-made PDF.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from . import limits
from .client import PAPER_SIZES
from .errors import DataError, InputError, Problem
from .fields import Fields
from .resources import resource_dir
from .yamlio import load_yaml

MAX_LOGO_BYTES = 40 * 1024 * 1024
MAX_LOGO_PIXELS = 120_000_000  # beyond this Pillow's bomb guard trips; we refuse first
LOGO_MAX_SIDE = 900  # pixels: sharp at 300 dpi for a 75 mm wide logo
HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Logo:
    kind: str  # "raster" or "svg"
    data: bytes = b""  # processed PNG/JPEG bytes for raster logos
    path: Path | None = None  # the SVG file
    width: int = 0
    height: int = 0

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 1.0


@dataclass(frozen=True)
class Brand:
    """A clinic's look: name, logo, colours, contact lines, footer, paper size, fonts."""

    clinic_name: str = ""
    tagline: str = ""
    logo: Logo | None = None
    primary: str = "#2F4F5F"  # headings, rules, header band: dark enough to print as grey
    accent: str = "#E6EEF1"  # light fills behind boxes
    address: str = ""
    phone: str = ""
    web: str = ""
    email: str = ""
    footer: str = ""
    disclaimer: str = ""  # "" = the disclaimer from data/safety.yaml
    paper: str = "A4"
    font: str = "Lato"
    font_files: tuple[tuple[str, str], ...] | None = None
    cjk_font: str = ""  # a TrueType font with Chinese characters, if the clinic has one
    large_print: bool = False
    country: str = "GB"  # ISO 3166 code: sets the emergency number and services on every sheet
    country_line: int = 0  # where `country:` is in the brand file, for messages
    source: str = ""

    @property
    def contact_line(self) -> str:
        return "  ·  ".join(x for x in (self.address, self.phone, self.web, self.email) if x)


def load_brand(path: Path | None) -> Brand:
    """A brand file (YAML; `handout init-brand` writes a starter), checked; None gives the
    neutral built-in brand. DataError names the file, line and field of any problem."""
    if path is None:
        return Brand()
    path = Path(path)
    raw = load_yaml(path, what="brand file")
    problems: list[Problem] = []
    f = Fields(raw, str(path), None, problems)
    base = path.parent
    values = {
        "clinic_name": f.text("clinic_name", required=False),
        "tagline": f.text("tagline", required=False),
        "footer": f.text("footer", required=False),
        "disclaimer": f.text("disclaimer", required=False),
        "paper": f.choice("paper", PAPER_SIZES, required=False, default="A4"),
        "font": f.text("font", required=False, default="Lato"),
        "large_print": f.boolean("large_print", required=False, default=False),
        "country": f.text("country", required=False, default="GB").upper(),
        "country_line": f.line_of("country") if isinstance(raw, dict) and "country" in raw else 0,
        "source": str(path),
    }
    colours = f.sub("colours", required=False)
    if colours:
        for key in ("primary", "accent"):
            value = colours.text(key, required=False)
            if value:
                if not HEX.match(value):
                    colours.problem(key, f"'{value}' is not a colour like #1F5C7A")
                else:
                    values[key] = "#" + value.lstrip("#")
        colours.done()
    contact = f.sub("contact", required=False)
    if contact:
        for key in ("address", "phone", "web", "email"):
            values[key] = contact.text(key, required=False)
        contact.done()
    files = f.sub("font_files", required=False)
    if files:
        chosen = []
        for style in ("regular", "bold", "italic", "bolditalic"):
            name = files.text(style, required=(style == "regular"))
            if name:
                font_path = base / name
                if not font_path.is_file():
                    files.problem(style, f"font file {font_path} not found")
                chosen.append((style, str(font_path)))
        files.done()
        values["font_files"] = tuple(chosen)
    cjk = f.text("cjk_font", required=False)
    if cjk:
        if not (base / cjk).is_file():
            f.problem("cjk_font", f"font file {base / cjk} not found")
        values["cjk_font"] = str(base / cjk)
    logo = f.text("logo", required=False)
    for key, limit in limits.BRAND_TEXT.items():  # what the header and footer fit
        value = values.get(key, "")
        if len(value) > limit:
            where = contact if key in ("address", "phone", "web", "email") else f
            where.problem(key, f"is {len(value)} characters; at most {limit} fit the page's "
                               "header and footer")
    f.done()
    if problems:
        raise DataError(problems)
    if logo:
        try:
            values["logo"] = load_logo(base / logo)
        except InputError as exc:
            line = raw.line_of("logo") if hasattr(raw, "line_of") else None
            raise DataError(Problem(str(path), line, None, "logo", str(exc))) from None
    return Brand(**values)


def load_logo(path: Path) -> Logo:
    """A logo ready to place: SVG kept as vector, PNG/JPEG upright, downscaled, compressed."""
    if not path.is_file():
        raise InputError(f"logo file {path} not found")
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise InputError(f"logo file {path} is {size / 1048576:.0f} MB; use one under "
                         f"{MAX_LOGO_BYTES // 1048576} MB")
    if path.suffix.lower() == ".svg":
        from .render.vector import load_svg

        drawing = load_svg(path, what="logo")
        return Logo("svg", path=path, width=int(drawing.width), height=int(drawing.height))
    Image.MAX_IMAGE_PIXELS = MAX_LOGO_PIXELS
    try:
        with Image.open(path) as image:
            if image.format not in ("PNG", "JPEG"):
                raise InputError(f"logo {path} is {image.format}; use PNG, JPEG or SVG")
            image = ImageOps.exif_transpose(image)
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            has_alpha = image.mode in ("RGBA", "LA", "P")
            buffer = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(buffer, "PNG", optimize=True)
            else:
                image.convert("RGB").save(buffer, "JPEG", quality=88, optimize=True)
            return Logo("raster", data=buffer.getvalue(), width=image.width, height=image.height)
    except Image.DecompressionBombError:
        raise InputError(f"logo {path} is too many pixels to be a logo; use one under "
                         f"{MAX_LOGO_PIXELS // 1_000_000} megapixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"logo {path} is not a readable PNG, JPEG or SVG image") from None


def starter_brand_text() -> str:
    """The commented starter file `handout init-brand` writes."""
    return (resource_dir("templates") / "brand-starter.yaml").read_text(encoding="utf-8")
