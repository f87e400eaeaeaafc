"""A clinic's brand: name, logo, colours, contact lines, footer, paper, font.

Loaded from brand.yaml (paths relative to that file). The built-in neutral brand is
`Brand()`. The logo is checked and downscaled here, before any page is drawn, so a missing,
corrupt or huge logo is a clear error and never a half-made PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import limits, raster
from .client import PAPER_SIZES
from .errors import DataError, InputError, Problem
from .fields import Fields
from .resources import resource_dir
from .yamlio import load_yaml

MAX_LOGO_BYTES = limits.LOGO_BYTES
MAX_LOGO_PIXELS = limits.LOGO_PIXELS
# The largest the header prints a logo (large print), in mm; at 300 dpi, in pixels.
LOGO_BOX_MM = (45, 14)
LOGO_BOX_PX = tuple(round(side / 25.4 * 300) for side in LOGO_BOX_MM)
HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Logo:
    kind: str  # "raster" or "svg"
    data: bytes = b""  # processed PNG/JPEG bytes, or the checked SVG's XML
    path: Path | None = None  # the file it came from (an SVG's references are beside it)
    width: float = 0
    height: float = 0

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
    # Where the clinic hosts the companion pages (`handout site`), ending in "/": each point
    # and stretch on the sheets then carries a QR code to its page; "" prints none.
    site_url: str = ""
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
    if not files:
        from .fonts import family_problem

        problem = family_problem(values["font"])
        if problem:
            f.problem("font", problem)
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
    site_url = f.text("site_url", required=False)
    if site_url:
        from .site.addresses import url_problem

        problem = url_problem(site_url)
        if problem:
            f.problem("site_url", problem)
        else:
            values["site_url"] = site_url if site_url.endswith("/") else site_url + "/"
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
    """A logo ready to place: an SVG checked through vector.py's gate and kept as vector;
    a PNG or JPEG checked from its header, then decoded upright at the size the header
    prints it (LOGO_BOX_PX) and compressed. InputError (one line naming the file) else."""
    from .files import read_bytes

    path = Path(path)
    if path.suffix.lower() in (".svg", ".svgz"):
        from .render.vector import load_svg

        data, drawing = load_svg(path, what="logo", box=LOGO_BOX_PX)
        return Logo("svg", data=data, path=path, width=drawing.width, height=drawing.height)
    try:
        data = read_bytes(path, what="logo file", max_bytes=MAX_LOGO_BYTES)
    except DataError as exc:
        raise InputError(str(exc)) from None  # "PATH: logo file not found" and the like
    if raster.kind_of(data) == "SVG":
        raise InputError(f"logo {path} is an SVG drawing; name it .svg")
    try:
        image = raster.decode(data, max_pixels=MAX_LOGO_PIXELS, box=LOGO_BOX_PX,
                              white_background=False)
    except InputError as exc:
        raise InputError(f"logo {path} {exc}; use a PNG, JPEG or SVG logo") from None
    return Logo("raster", data=raster.encode(image), path=path, width=image.width,
                height=image.height)


def check_fonts(brand: Brand) -> None:
    """Read and register the brand's fonts as a handout does (once per process), so a broken
    font file is one line (InputError naming it) before anything is made or passed."""
    from .fonts import font_set

    font_set(brand.font, brand.font_files, brand.cjk_font)


def starter_brand_text() -> str:
    """The commented starter file `handout init-brand` writes."""
    return (resource_dir("templates") / "brand-starter.yaml").read_text(encoding="utf-8")
