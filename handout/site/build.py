"""`handout site`: the whole companion site, built in a temporary folder beside the output
and moved into place only when every page is made, so a failed build leaves nothing half
done (and an earlier site where it was).

The same inputs give the same files, byte for byte: nothing is dated, everything is in a
fixed order. The sitemap lists each page under the site's address (--base-url, else the
brand's site_url); without an address there is no sitemap.xml, since it needs one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

from ..brand import Brand, load_brand
from ..errors import HandoutError, InputError
from ..files import OutputError, naming_the_file
from ..library import load_library
from .addresses import base_url as checked_base, page_path
from .assets import logo_file, picture_path, script, style_sheet, write_pictures
from .content import site_content
from .pages import Pages

MARKER = ".handout-site"  # in every folder this command built: it may replace that folder


@dataclass(frozen=True)
class SiteReport:
    folder: Path
    pages: tuple[str, ...]  # relative paths of the HTML pages
    base_url: str  # "" when none was given (no sitemap.xml)
    site_url: str = ""  # the brand's, which the QR codes on the sheets open


def build_site(out: str | Path, *, base_url: str | None = None,
               data_dirs: Sequence[str | Path] = (),
               brand: Brand | str | Path | None = None) -> SiteReport:
    """Build the site into `out` (a new folder, an empty one, or one this built before).
    HandoutError (one line) for bad input: nothing is written then."""
    out = Path(out)
    library = load_library(data_dirs)
    if not isinstance(brand, Brand):
        brand = load_brand(Path(brand) if brand else None)
    from ..job import country_of

    country = country_of(brand, library)
    base = checked_base(base_url) if base_url else brand.site_url  # checked by brand.py
    parent = _check_output(out)
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
    except OSError as exc:
        raise InputError(f"{out}: cannot write the site there ({exc.strerror})") from None
    try:
        os.chmod(building, 0o755)  # a web server reads it as another user
        pages = _write_site(building, library, brand, country, base)
        _move_into_place(building, out)
    except BaseException as exc:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, (OSError, HandoutError)):
            raise _naming_the_site(exc, building, out) from None
        raise
    return SiteReport(out, pages, base, brand.site_url)


def _naming_the_site(exc: OSError | HandoutError, building: Path, out: Path) -> HandoutError:
    """A failed write's error naming the file where the site goes, not the temporary folder
    it was being built in (which is gone by now, and means nothing to the reader)."""
    if isinstance(exc, HandoutError):
        if str(building) not in str(exc):
            return exc
        return OutputError(str(exc).replace(str(building), str(out)))
    name = str(exc.filename).replace(str(building), str(out)) if exc.filename else str(out)
    return OutputError(f"{name}: cannot write the site: {exc.strerror or exc}")


def _check_output(out: Path) -> Path:
    """The folder to build in (the output's parent), after checking the output."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(f"{out}: is a file, not a folder; give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(f"{out}: the folder holds other files; give a new or empty folder, "
                         "or one that `handout site` built")
    parent = out.absolute().parent
    if not parent.is_dir():
        raise InputError(f"{out}: the folder {parent} does not exist")
    return parent


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with naming_the_file(path, "site file"):
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(path, 0o644)


def _write_site(top: Path, library, brand: Brand, country: str, base: str) -> tuple[str, ...]:
    content = site_content(library, country)
    logo = logo_file(brand)
    pages = Pages(content, brand, logo[0] if logo else "")
    _write(top / "assets" / "site.css", style_sheet(brand))
    _write(top / "assets" / "site.js", script())
    if logo:
        _write(top / "assets" / logo[0], logo[1])
    (top / "points").mkdir()
    (top / "stretches").mkdir()
    write_pictures(library, top)
    written = {"index.html": pages.index()}
    for public in content.points:
        written[page_path(public.item)] = pages.point(public, _size(top, public.item))
    for public in content.stretches:
        written[page_path(public.item)] = pages.stretch(public, _size(top, public.item))
    for path, html in written.items():
        _write(top / path, html)
    if base:
        _write(top / "sitemap.xml", sitemap(base, written))
    _write(top / "robots.txt", "User-agent: *\nAllow: /\n"
           + (f"Sitemap: {base}sitemap.xml\n" if base else ""))
    _write(top / MARKER, "Built by `handout site`; it may replace this folder.\n")
    return tuple(written)


def _size(top: Path, item) -> tuple[int, int]:
    """The still picture's size in CSS pixels (its PNG is drawn at twice that)."""
    from ..raster import header_size

    width, height = header_size((top / picture_path(item)).read_bytes(), "PNG")
    return width // 2, height // 2


def sitemap(base: str, pages) -> str:
    urls = "".join(f"  <url><loc>{escape(base + path)}</loc></url>\n" for path in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n")


def _move_into_place(building: Path, out: Path) -> None:
    """The new site where `out` was; an earlier site there is removed only afterwards."""
    if out.is_dir():
        old = building.with_name(building.name + ".old")
        os.rename(out, old)
        try:
            os.rename(building, out)
        except OSError:
            os.rename(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(building, out)
