"""Hostile brand files, pictures and fonts (issue 14): a fixed corpus made here, in tmp_path.

Each hostile case runs `handout` as a user would (the ones that could take gigabytes or
hang in a child process with its address space capped, RLIMIT_AS, and a hang guard), and
must end with exit code 1 and one line on stderr naming the file and the field: no traceback, nothing quoted from a private file. The good
paths (a real PNG logo, an SVG logo using files beside it, a clinic's font) still print.
"""

from __future__ import annotations

import base64
import functools
import gzip
import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from handout.brand import LOGO_BOX_PX

from forked import run_forked

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS and symlinks")

MEMORY = 1536 * 1024 * 1024  # more than the child starts with; a 15000 x 15000 PNG
# decoded would need 1.8 GB
HANG_GUARD = 120  # seconds: a bound for a hang, not a timing test
SECRET = "TOPSECRET-7391"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       '{attrs}>{body}</svg>')


def svg(body: str = '<rect width="100" height="50" fill="#1F4E5F"/>',
        attrs: str = 'viewBox="0 0 100 50"') -> str:
    return SVG.format(attrs=attrs, body=body)


def handout(cwd: Path, *args, bounded: bool = False):
    """`handout ARGS...` run in `cwd` with no config or data folder from the machine.

    bounded: in a child process forked from this one (tests/forked.py), with at most
    MEMORY more memory than it starts with and a hang guard (the cases that would take
    gigabytes or hang if a check were missing); else in this process, through click's test
    runner, to keep the corpus quick. Both give returncode, stdout, stderr."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME")}
    home = cwd / "home"
    home.mkdir(exist_ok=True)
    env["HOME"] = str(home)
    if bounded:
        return run_forked(*args, cwd=cwd, env=env, memory=MEMORY, timeout=HANG_GUARD,
                          text=True)
    from click.testing import CliRunner

    from handout.cli import main

    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args], env={
            "HOME": str(home), "HANDOUT_DATA": None, "HANDOUT_CONFIG": None,
            "XDG_CONFIG_HOME": None})
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails showing it
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def assert_one_line(result, *words: str) -> str:
    """Exit 1, one line on stderr holding each of `words`, no traceback, no secret."""
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert SECRET not in everything, everything
    assert result.returncode == 1, everything
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# ----------------------------------------------------------------- the corpus, made here

def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height, with a small real zlib stream of zeros:
    decoding it would need width x height x 3 bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width * 3) * 64, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def jpeg_bomb(width: int, height: int) -> bytes:
    """SOI, then a baseline frame header (SOF0) claiming width x height."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def png_bytes(size=(600, 200), colour=(200, 30, 30), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def lato_bytes() -> bytes:
    import fontpkg

    return fontpkg.path("Lato", 400, "normal").read_bytes()


def broken_table_directory(font: bytes) -> bytes:
    """The font with every table's offset pointing past the end of the file."""
    data = bytearray(font)
    (tables,) = struct.unpack(">H", data[4:6])
    for i in range(tables):
        entry = 12 + 16 * i
        data[entry + 8:entry + 12] = struct.pack(">I", len(font) + 1000 + i)
    return bytes(data)


@pytest.fixture
def private(tmp_path) -> Path:
    """A private file outside the brand's folder, holding the secret."""
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text(f"<{SECRET}>{SECRET}</other>\n", encoding="utf-8")
    secret.chmod(0o600)
    return secret


def brand_with(folder: Path, line: str) -> Path:
    folder.mkdir(exist_ok=True)
    brand = folder / "brand.yaml"
    brand.write_text(f"clinic_name: Test Clinic\n{line}\n", encoding="utf-8")
    return brand


def make_with_brand(tmp_path: Path, brand: Path, *, bounded: bool = False):
    return handout(tmp_path, "make", "--protocol", "sciatica-gentle", "--brand", brand,
                   "-o", tmp_path / "out.pdf", bounded=bounded)


# ----------------------------------------------------------------- fonts

@pytest.mark.parametrize("value", ["Nope Sans", '""', "12"])
def test_unknown_empty_or_numeric_font_lists_the_installed_families(tmp_path, value):
    brand = brand_with(tmp_path / "brand", f"font: {value}")
    line = assert_one_line(make_with_brand(tmp_path, brand), "brand.yaml:2: font:", "Lato",
                           "Fira Sans", "installed")
    assert "AttributeError" not in line
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("damage", ["cut", "directory", "private"])
def test_broken_font_file_is_one_line_naming_it(tmp_path, private, damage):
    folder = tmp_path / "brand"
    folder.mkdir()
    font = folder / "Clinic-Regular.ttf"
    real = lato_bytes()
    if damage == "cut":
        font.write_bytes(real[:len(real) // 3])
    elif damage == "directory":
        font.write_bytes(broken_table_directory(real))
    else:
        font.symlink_to(private)
    brand = brand_with(folder, "font: Clinic\nfont_files:\n  regular: Clinic-Regular.ttf")
    assert_one_line(make_with_brand(tmp_path, brand), "Clinic-Regular.ttf",
                    "not a usable TrueType font")
    # validate --brand reads the font files as make does
    assert_one_line(handout(tmp_path, "validate", "--brand", brand), "Clinic-Regular.ttf",
                    "not a usable TrueType font")


def test_batch_with_a_broken_font_file_stops_before_any_row(tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    real = lato_bytes()
    (folder / "Clinic-Regular.ttf").write_bytes(real[:len(real) // 2])
    brand = brand_with(folder, "font: Clinic\nfont_files:\n  regular: Clinic-Regular.ttf")
    roster = Path(__file__).resolve().parent.parent / "examples" / "roster.csv"
    result = handout(tmp_path, "batch", roster, "--out", tmp_path / "out", "--brand", brand)
    assert_one_line(result, "Clinic-Regular.ttf", "not a usable TrueType font")
    assert not (tmp_path / "out").exists()


def test_a_clinic_font_file_still_prints(tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    import fontpkg

    # Lato's italic face as the clinic's only face: every word then prints in it
    (folder / "Clinic-Regular.ttf").write_bytes(fontpkg.path("Lato", 400, "italic").read_bytes())
    brand = brand_with(folder, "font: Clinic\nfont_files:\n  regular: Clinic-Regular.ttf")
    result = make_with_brand(tmp_path, brand)
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(tmp_path / "out.pdf").pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(name.endswith("+Lato-Italic") for name in fonts), fonts
    assert not any(name.endswith(("+Lato-Regular", "+Lato-Bold")) for name in fonts), fonts


# ----------------------------------------------------------------- raster logos

BOMBS = {"bomb.png", "bomb.jpg", "image-bomb.svg", "laughs.svg"}  # run memory-bounded
RASTER_LOGOS = {
    "bomb.png": (png_bomb(15000, 15000), "15000 x 15000 pixels"),
    "bomb.jpg": (jpeg_bomb(60000, 60000), "60000 x 60000 pixels"),
    "gif.png": (png_bytes(fmt="GIF"), "is a GIF file"),
    "cut.png": (png_bytes()[:30], "not a readable PNG image"),
    "zero.png": (png_bomb(0, 10), "not a readable PNG image"),
    "text.png": (b"hello, this is not a picture\n" * 4, "not a readable PNG or JPEG image"),
}


@pytest.mark.parametrize("name", sorted(RASTER_LOGOS))
def test_hostile_raster_logo_is_refused_from_its_header(tmp_path, name):
    data, words = RASTER_LOGOS[name]
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / name).write_bytes(data)
    brand = brand_with(folder, f"logo: {name}")
    assert_one_line(make_with_brand(tmp_path, brand, bounded=name in BOMBS),
                    "brand.yaml:2: logo:", name, words)
    assert not (tmp_path / "out.pdf").exists()
    # validate --brand says the same, from the same rule
    assert_one_line(handout(tmp_path, "validate", "--brand", brand, bounded=name in BOMBS),
                    "brand.yaml:2: logo:", name, words)


@pytest.mark.parametrize("name, kind", [("logo.png", "fifo"), ("logo.svg", "zero"),
                                        ("logo.svg", "folder")])
def test_logo_that_is_not_a_regular_file_is_refused_at_once(tmp_path, name, kind):
    folder = tmp_path / "brand"
    folder.mkdir()
    logo = folder / name
    if kind == "fifo":
        os.mkfifo(logo)  # nobody writes it: reading would wait for ever
    elif kind == "folder":
        logo.mkdir()
    else:
        logo.symlink_to("/dev/zero")  # reading would never end
    brand = brand_with(folder, f"logo: {name}")
    # a FIFO or a device could hang the reader: in a bounded process; a folder cannot
    assert_one_line(make_with_brand(tmp_path, brand, bounded=kind != "folder"),
                    "brand.yaml:2: logo:", name,
                    {"fifo": "pipe", "folder": "folder", "zero": "device"}[kind])


@pytest.mark.parametrize("name", ["logo.png", "logo.svg"])
def test_logo_that_links_to_a_private_file_never_shows_it(tmp_path, private, name):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / name).symlink_to(private)
    brand = brand_with(folder, f"logo: {name}")
    assert_one_line(make_with_brand(tmp_path, brand), "brand.yaml:2: logo:", name)


# ----------------------------------------------------------------- SVG logos

SVG_LOGOS = {
    "nan-width.svg": (svg(attrs='width="nan" height="10"'), "width="),
    "inf-width.svg": (svg(attrs='width="inf" height="10" viewBox="0 0 10 10"'), "width="),
    "huge-width.svg": (svg(attrs='width="1e300" height="10"'), "width="),
    "negative-box.svg": (svg(attrs='viewBox="0 0 -100 50"'), "viewBox="),
    "zero-size.svg": (svg(attrs='width="0" height="0"'), "width="),
    "nan-box.svg": (svg(attrs='viewBox="0 0 NaN 50"'), "viewBox="),
    "huge-rect.svg": (svg('<rect width="1e300" height="10"/>'), "<rect width=...>"),
    "nan-path.svg": (svg('<path d="M 0 0 L NaN 5"/>'), "NaN or infinity"),
    "no-size.svg": (svg(attrs=""), "no usable width"),
    "deep.svg": (svg("<g>" * 100 + "</g>" * 100), "nests elements"),
    "deeper.svg": (svg("<g>" * 5000 + "</g>" * 5000), "nests elements"),  # past libxml2's own
    "laughs.svg": (svg('<g id="l0"><rect width="1" height="1"/></g>' + "".join(
        f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 8))),
        "more than 20,000 elements"),
    "self-use.svg": (svg('<g id="s"><use href="#s"/></g>'), "refers to itself"),
    "entity-utf16.svg": (None, "ENTITY"),
    "entity.svg": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
                   '"file:///etc/passwd">]>' + svg('<text x="5" y="20">&x;</text>'), "ENTITY"),
    "use-outside.svg": (svg('<use href="../secret.svg"/>'), "outside the SVG's own folder"),
    "xlink-outside.svg": (svg('<use xlink:href="../secret.svg#words"/>'),
                          "outside the SVG's own folder"),
    "image-absolute.svg": (svg('<image href="/etc/passwd" width="9" height="9"/>'),
                           "only use files in its own folder"),
    "image-web.svg": (svg('<image href="https://example.com/a.png" width="9" height="9"/>'),
                      "only use files in its own folder"),
    "image-bomb.svg": (svg('<image width="9" height="9" href="data:image/png;base64,'
                           + base64.b64encode(png_bomb(15000, 15000)).decode() + '"/>'),
                       "15000 x 15000 pixels"),
    "image-gif.svg": (svg('<image width="9" height="9" href="data:image/gif;base64,'
                          + base64.b64encode(png_bytes(fmt="GIF")).decode() + '"/>'),
                      "only base64 PNG or JPEG"),
    "broken.svg": ("<svg><not-closed>", "is not valid SVG"),
}


@pytest.mark.parametrize("name", sorted(SVG_LOGOS))
def test_hostile_svg_logo_is_one_line(tmp_path, name):
    text, words = SVG_LOGOS[name]
    (tmp_path / "secret.svg").write_text(
        svg(f'<g id="words"><text x="5" y="20">{SECRET}</text></g>'), encoding="utf-8")
    folder = tmp_path / "brand"
    folder.mkdir()
    if text is None:  # the entity case in UTF-16, past a byte-level check
        text, _ = SVG_LOGOS["entity.svg"]
        (folder / name).write_bytes(text.replace('version="1.0"', 'version="1.0" encoding='
                                                 '"UTF-16"').encode("utf-16"))
    else:
        (folder / name).write_text(text, encoding="utf-8")
    brand = brand_with(folder, f"logo: {name}")
    assert_one_line(make_with_brand(tmp_path, brand, bounded=name in BOMBS),
                    "brand.yaml:2: logo:", name, words)
    assert not (tmp_path / "out.pdf").exists()


@functools.lru_cache(maxsize=1)
def _svg_bomb() -> bytes:
    """300 MB of SVG (a comment of spaces) gzipped to about 300 kB (2 s of zlib: made once
    for both tests)."""
    head = svg().replace("</svg>", "<!--").encode()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [squeeze.compress(head)]
    block = b" " * (1 << 20)
    for _ in range(300):
        parts.append(squeeze.compress(block))
    parts.append(squeeze.compress(b"--></svg>") + squeeze.flush())
    return b"".join(parts)


@pytest.mark.parametrize("name", ["bomb.svgz", "gzipped.svg"])
def test_gzip_svg_bomb_stops_at_the_cap(tmp_path, name):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / name).write_bytes(_svg_bomb())
    brand = brand_with(folder, f"logo: {name}")
    assert_one_line(make_with_brand(tmp_path, brand, bounded=True), "brand.yaml:2: logo:", name,
                    "when decompressed")


def test_gzip_svg_within_the_cap_prints(tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "logo.svgz").write_bytes(gzip.compress(svg().encode()))
    brand = brand_with(folder, "logo: logo.svgz")
    result = make_with_brand(tmp_path, brand)
    assert result.returncode == 0, result.stderr
    assert _has_colour(_header_pixels(tmp_path / "out.pdf"), (0x1F, 0x4E, 0x5F))


def test_svg_logo_cannot_reach_outside_through_a_link_or_another_svg(tmp_path, private):
    (tmp_path / "secret.svg").write_text(svg(f'<text x="5" y="20">{SECRET}</text>'),
                                         encoding="utf-8")
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "inner.svg").write_text(svg('<use href="../secret.svg"/>'), encoding="utf-8")
    (folder / "photo.png").symlink_to(private)
    (folder / "via-svg.svg").write_text(svg('<use href="inner.svg"/>'), encoding="utf-8")
    (folder / "via-link.svg").write_text(svg('<image href="photo.png" width="9" height="9"/>'),
                                         encoding="utf-8")
    for name, words in (("via-svg.svg", "inner.svg"), ("via-link.svg", "photo.png")):
        result = make_with_brand(tmp_path, brand_with(folder, f"logo: {name}"))
        assert_one_line(result, "brand.yaml:2: logo:", name, words, "outside the SVG's own folder")


# ----------------------------------------------------------------- good logos still print

def _header_pixels(pdf: Path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[0].render(scale=100 / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    return image.crop((0, 0, image.width // 2, image.height // 8))


def _has_colour(image, colour, tolerance=12) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))
               for _count, pixel in image.getcolors(1 << 20))


def _embedded_image_sizes(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) of every picture on page 1: image XObjects, and inline images in
    forms (svglib's pictures, drawn into the logo's form)."""
    import re

    from pypdf import PdfReader

    sizes = []
    page = PdfReader(pdf).pages[0]
    stack = list((page["/Resources"].get("/XObject") or {}).values())
    while stack:
        obj = stack.pop().get_object()
        if obj.get("/Subtype") == "/Image":
            sizes.append((int(obj["/Width"]), int(obj["/Height"])))
            continue
        for inline in re.finditer(rb"BI\s(.*?)\sID\s", obj.get_data(), re.S):
            w = re.search(rb"/W(?:idth)?\s+(\d+)", inline.group(1))
            h = re.search(rb"/H(?:eight)?\s+(\d+)", inline.group(1))
            sizes.append((int(w.group(1)), int(h.group(1))))
        stack.extend(((obj.get("/Resources") or {}).get("/XObject") or {}).values())
    return sizes


ILLUSTRATOR = ('<?xml version="1.0" encoding="utf-8"?>\n<!-- Generator: Adobe Illustrator -->\n'
               '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
               '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
               '<svg version="1.1" xmlns="http://www.w3.org/2000/svg" x="0px" y="0px" '
               'viewBox="0 0 100 50" xml:space="preserve"><style type="text/css">'
               '.st0{fill:#1F4E5F;}</style><rect class="st0" width="100" height="50"/></svg>')


@pytest.mark.parametrize("text", [
    ILLUSTRATOR,  # a public DOCTYPE, no declarations of its own: fine, never fetched
    svg(attrs='width="100%" height="100%" viewBox="0 0 100 50"'),
    svg(attrs='width="10cm" height="5cm"'),
    svg('<a href="https://riverside.example"><rect width="100" height="50" fill="#1F4E5F"/></a>'),
], ids=["illustrator", "percent", "centimetres", "link"])
def test_ordinary_svg_logos_still_print(tmp_path, text):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "logo.svg").write_text(text, encoding="utf-8")
    result = make_with_brand(tmp_path, brand_with(folder, "logo: logo.svg"))
    assert result.returncode == 0, result.stderr
    assert _has_colour(_header_pixels(tmp_path / "out.pdf"), (0x1F, 0x4E, 0x5F))


def test_png_logo_prints_downscaled_to_what_the_header_needs(tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "logo.png").write_bytes(png_bytes((6000, 2000), (200, 30, 30)))
    brand = brand_with(folder, "logo: logo.png")
    result = make_with_brand(tmp_path, brand)
    assert result.returncode == 0, result.stderr
    assert _has_colour(_header_pixels(tmp_path / "out.pdf"), (200, 30, 30))
    sizes = _embedded_image_sizes(tmp_path / "out.pdf")
    assert sizes and all(w <= LOGO_BOX_PX[0] and h <= LOGO_BOX_PX[1] for w, h in sizes), sizes


def test_svg_logo_using_files_in_its_own_folder_prints_them(tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "parts.svg").write_text(
        svg('<g id="mark"><circle cx="50" cy="50" r="40" fill="#123456"/></g>',
            'viewBox="0 0 100 100"'), encoding="utf-8")
    (folder / "photo.png").write_bytes(png_bytes((3000, 1000), (200, 30, 30)))
    (folder / "logo.svg").write_text(svg(
        '<use href="parts.svg#mark"/>'
        '<image x="100" y="0" width="200" height="100" xlink:href="photo.png"/>',
        'viewBox="0 0 300 100"'), encoding="utf-8")
    brand = brand_with(folder, "logo: logo.svg")
    result = make_with_brand(tmp_path, brand)
    assert result.returncode == 0, result.stderr
    header = _header_pixels(tmp_path / "out.pdf")
    assert _has_colour(header, (0x12, 0x34, 0x56)) and _has_colour(header, (200, 30, 30))
    # the picture inside the SVG was embedded downscaled, not at 3000 x 1000
    sizes = _embedded_image_sizes(tmp_path / "out.pdf")
    assert sizes and all(w <= LOGO_BOX_PX[0] for w, _ in sizes), sizes


# ----------------------------------------------------------------- clinic photos and views

def clinic_with_photo(tmp_path: Path, name: str, data: bytes | None = None,
                      link: Path | None = None) -> Path:
    folder = tmp_path / "clinic"
    (folder / "images" / "points").mkdir(parents=True)
    photo = folder / "images" / "points" / name
    if link is not None:
        photo.symlink_to(link)
    else:
        photo.write_bytes(data)
    return folder


def _truncated_jpeg() -> bytes:
    data = png_bytes((1600, 1200), (30, 120, 60), fmt="JPEG")
    return data[:len(data) // 2]


PHOTOS = {
    "bomb": ("BL60.png", png_bomb(15000, 15000), "15000 x 15000 pixels"),
    "gif": ("BL60.png", png_bytes(fmt="GIF"), "is a GIF file"),
    "cut": ("BL60.jpg", _truncated_jpeg(), "not a readable JPEG image"),
}


@pytest.mark.parametrize("case", sorted(PHOTOS))
def test_validate_refuses_the_photos_make_refuses(tmp_path, case):
    name, data, words = PHOTOS[case]
    clinic = clinic_with_photo(tmp_path, name, data)
    bounded = case == "bomb"
    result = handout(tmp_path, "validate", clinic, bounded=bounded)
    assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
    problem, summary = result.stderr.strip().splitlines()  # the problem, then the count
    assert name in problem and "BL60" in problem and words in problem, problem
    assert summary == "Error: 1 problem found"
    made = handout(tmp_path, "--data", clinic, "make", "--points", "BL60", "-o",
                   tmp_path / "out.pdf", bounded=bounded)
    assert_one_line(made, name, "BL60", words)
    assert not (tmp_path / "out.pdf").exists()


def test_photo_that_links_to_a_private_file_never_shows_it(tmp_path, private):
    clinic = clinic_with_photo(tmp_path, "BL60.jpg", link=private)
    result = handout(tmp_path, "validate", clinic)
    assert result.returncode == 1 and SECRET not in result.stderr + result.stdout
    assert "BL60.jpg" in result.stderr and "Traceback" not in result.stderr
    made = handout(tmp_path, "--data", clinic, "make", "--points", "BL60", "-o",
                   tmp_path / "out.pdf")
    assert_one_line(made, "BL60.jpg", "not a readable")


def test_view_that_uses_a_file_outside_its_folder_is_refused(tmp_path):
    (tmp_path / "secret.svg").write_text(svg(f'<text x="5" y="20">{SECRET}</text>'),
                                         encoding="utf-8")
    views = tmp_path / "clinic" / "images" / "views"
    views.mkdir(parents=True)
    from handout.resources import resource_dir

    art = (resource_dir("images") / "views" / "outer-leg.svg").read_text(encoding="utf-8")
    (views / "outer-leg.svg").write_text(
        art.replace("</svg>", '<use href="../../../secret.svg"/></svg>'), encoding="utf-8")
    result = handout(tmp_path, "validate", tmp_path / "clinic")
    assert result.returncode == 1 and SECRET not in result.stderr
    assert "Traceback" not in result.stderr
    assert "outer-leg.svg" in result.stderr and "outside the SVG's own folder" in result.stderr


@pytest.mark.parametrize("item", ["BL60", "knee-rolls"])
def test_diagram_width_that_is_not_a_number_is_one_line(tmp_path, item):
    result = handout(tmp_path, "diagram", item, "-o", tmp_path / "d.png", "--width-mm", "nan")
    assert_one_line(result, "d.png", "width")
    assert not (tmp_path / "d.png").exists()


def test_svg_logo_text_prints_in_the_embedded_family_whatever_fonts_it_names(tmp_path):
    """svglib would look each font-family up on the system (a file search, then an fc-match
    process per name) and embed whatever it found, or fall back to unembedded Helvetica."""
    folder = tmp_path / "brand"
    folder.mkdir()
    names = "".join(f'<text x="{i % 10 * 10}" y="{10 + i // 10 * 8}" font-size="6" '
                    f'font-family="Nowhere {i}, Arial, serif">w{i}</text>' for i in range(40))
    bold = '<text x="0" y="49" font-weight="bold" font-family="Helvetica">Strong</text>'
    (folder / "logo.svg").write_text(svg(names + bold, 'viewBox="0 0 100 50"'),
                                     encoding="utf-8")
    result = make_with_brand(tmp_path, brand_with(folder, "logo: logo.svg"))
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    page = PdfReader(tmp_path / "out.pdf").pages[0]
    assert "w39" in page.extract_text() and "Strong" in page.extract_text()
    fonts = {}
    stack = [page["/Resources"]]
    while stack:
        resources = stack.pop()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
        for xobject in (resources.get("/XObject") or {}).values():
            if "/Resources" in xobject.get_object():
                stack.append(xobject.get_object()["/Resources"])
    assert fonts and all("+Lato-" in name for name in fonts), sorted(fonts)


def _damaged(seed: int) -> tuple[str, bytes]:
    """One picture damaged in a fixed, seeded way: cut short, bytes changed, or tokens put
    in (NaN, a huge number, a tag, an entity, a NUL, a JPEG end, a PNG chunk name)."""
    import random

    rng = random.Random(seed)
    exif = Image.Exif()
    exif[0x0112] = 6
    small = Image.new("RGB", (120, 80), (10, 200, 30))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", exif=exif)
    originals = {
        "a.png": png_bytes((120, 80), (10, 20, 30)),
        "b.jpg": buffer.getvalue(),
        "c.jpg": png_bytes((300, 200), (1, 2, 3), fmt="JPEG"),
        "d.svg": svg('<g id="a" transform="rotate(10 5 5)"><rect width="10" height="10"/>'
                     '<path d="M0 0 C 1 2 3 4 5 6 Z"/></g><use href="#a" x="20"/>').encode(),
    }
    name = rng.choice(sorted(originals))
    data = bytearray(originals[name])
    how = rng.random()
    if how < 0.3:
        data = data[:rng.randrange(1, len(data))]
    elif how < 0.8:
        for _ in range(rng.choice([1, 3, 10, 50])):
            data[rng.randrange(len(data))] = rng.randrange(256)
    else:
        at = rng.randrange(len(data))
        data[at:at] = rng.choice([b"nan", b"1e999", b"<g>", b"&x;", b"\x00", b"\xff\xd9",
                                  b"IHDR", b"<use href='#a'/>"])
    return name, bytes(data)


def test_damaged_pictures_are_a_handout_error_or_a_picture(tmp_path, recwarn):
    """200 seeded damaged logos and photos: each loads, or fails with the package's own
    one-line error (never AssertionError, struct.error, a Pillow warning ...)."""
    from handout.brand import load_logo
    from handout.errors import HandoutError
    from handout.render.diagrams import load_photo

    loaded = 0
    for seed in range(200):
        name, data = _damaged(seed)
        path = tmp_path / name
        path.write_bytes(data)
        loaders = [load_logo] + ([] if name.endswith(".svg") else
                                 [lambda p: load_photo(p, 100, 100)])
        for load in loaders:
            try:
                load(path)
                loaded += 1
            except HandoutError as exc:
                assert "\n" not in str(exc) and name in str(exc)
    assert loaded  # some damage leaves a picture that still loads
    assert not [w for w in recwarn if "PIL" in w.filename], [str(w.message) for w in recwarn]
