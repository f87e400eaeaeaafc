"""SVG files from outside the package (a clinic's logo, its body views), read as untrusted.

One gate for every SVG the tool draws:
- `read_svg`: a regular file within MAX_SVG_BYTES; gzip (.svgz, or gzip bytes under any
  name) is decompressed here with a cap of MAX_SVG_EXPANDED bytes, never by lxml;
- `parse_svg`: no DTD or entities, no network, at most MAX_ELEMENTS elements (counting what
  each <use> copies) and MAX_DEPTH levels; width, height, viewBox and coordinates finite,
  positive where a size must be, and within MAX_SIZE / MAX_COORD; references (<use>,
  <image>, href and xlink:href) only to files in the SVG's own folder (links resolved), each
  read through the same gate; pictures (embedded or in the folder) checked from their
  header and downscaled by handout.raster, then embedded in the tree;
- `svg_drawing`: the checked tree drawn by svglib, confined to the same folder.
Messages name the file and the offending attribute, never the file's text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import math
import os
import re
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..errors import DataError, InputError
from .. import limits

MAX_SVG_BYTES = limits.SVG_BYTES
MAX_SVG_EXPANDED = limits.SVG_EXPANDED_BYTES
MAX_ELEMENTS = limits.SVG_ELEMENTS
MAX_DEPTH = limits.SVG_DEPTH
MAX_SIZE = limits.SVG_SIZE
MAX_COORD = limits.SVG_COORD
MAX_REFERENCE_DEPTH = limits.SVG_REFERENCE_DEPTH
MAX_PICTURE_BYTES = limits.SVG_PICTURE_BYTES
MAX_PICTURE_PIXELS = limits.SVG_PICTURE_PIXELS
PICTURE_SIDE = 1200  # pixels: a picture inside an SVG is downscaled to this

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_LENGTH = re.compile(r"\s*(" + _NUMBER.pattern + r")\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_OWN_DECLARATIONS = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)  # an internal subset: [<!ENTITY ...
_NOT_FINITE = re.compile(r"(?i)(?<![a-z])(nan|inf)")
# Attributes that hold geometry: numbers only (and path or transform letters).
_GEOMETRY = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height",
             "d", "points", "transform", "viewBox", "stroke-width", "font-size", "dx", "dy",
             "offset", "opacity", "stroke-dasharray", "gradientTransform", "fx", "fy"}

Fail = Callable[[str], Exception]


def _default_fail(path: Path, what: str) -> Fail:
    return lambda message: InputError(f"{what} {path}: {message}")


def read_svg(path: Path, *, what: str = "SVG file", fail: Fail | None = None) -> bytes:
    """The SVG's XML bytes: read within MAX_SVG_BYTES, gunzipped within MAX_SVG_EXPANDED."""
    from ..files import read_bytes

    path = Path(path)
    fail = fail or _default_fail(path, what)
    try:
        data = read_bytes(path, what=what, max_bytes=MAX_SVG_BYTES)
    except DataError as exc:
        raise fail(exc.problems[0].message) from None
    if data[:2] == b"\x1f\x8b" or path.suffix.lower() == ".svgz":
        data = _gunzip(data, fail)
    return data


def _gunzip(data: bytes, fail: Fail) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and trailer
    try:
        out = inflate.decompress(data, MAX_SVG_EXPANDED + 1)
    except zlib.error:
        raise fail("is not valid gzip-compressed SVG") from None
    if len(out) > MAX_SVG_EXPANDED:
        raise fail(f"expands to more than {MAX_SVG_EXPANDED // 1048576} MB when "
                   "decompressed; a logo or view is a few kB")
    return out


def parse_svg(data: bytes, path: Path, *, what: str = "SVG file", fail: Fail | None = None,
              box: tuple[int, int] = (PICTURE_SIDE, PICTURE_SIDE), _depth: int = 0):
    """The checked lxml tree of an SVG (see the module docstring). Pictures it refers to
    are replaced by embedded, downscaled copies (at most `box` pixels)."""
    from lxml import etree

    path = Path(path)
    fail = fail or _default_fail(path, what)
    declarations = ("has a <!DOCTYPE ...> with its own declarations; remove it and any "
                    "<!ENTITY ...> (an SVG needs neither)")
    if _OWN_DECLARATIONS.search(data):  # refused unparsed; a bare <!DOCTYPE svg PUBLIC ..> is fine
        raise fail(declarations)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:  # its message can quote the file: say where only
        if "Excessive depth" in str(exc):  # libxml2 stops at 256 levels, before our check
            raise fail(f"nests elements more than {MAX_DEPTH} deep; simplify the drawing"
                       ) from None
        line = exc.position[0] if exc.position else None
        raise fail(f"is not valid SVG (XML broken at line {line})" if line
                   else "is not valid SVG (not XML)") from None
    except ValueError:
        raise fail("is not valid SVG (not XML)") from None
    dtd = root.getroottree().docinfo.internalDTD  # the same, in an encoding the regex missed
    if dtd is not None and (any(True for _ in dtd.iterentities()) or dtd.elements()):
        raise fail(declarations)
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise fail("is not valid SVG: the top element is not <svg>")
    _check_shape(root, fail)
    _check_sizes(root, fail)
    _check_references(root, path, what, fail, box, _depth)
    return root


def _check_shape(root, fail: Fail) -> None:
    """Element count (with what each <use> copies) and nesting depth within the caps."""
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    weights: dict = {}

    def weight(el, chain: tuple = ()) -> int:
        if el in weights:
            return weights[el]
        if el in chain or len(chain) > MAX_DEPTH:
            raise fail("has a <use> that refers to itself, directly or through others")
        total = 0
        for node in el.iter():
            total += 1
            href = _href(node) if isinstance(node.tag, str) else None
            if href and href.startswith("#") and href[1:] in ids:
                total += weight(ids[href[1:]], chain + (el,))
            if total > MAX_ELEMENTS:
                raise fail(f"has more than {MAX_ELEMENTS:,} elements (counting what <use> "
                           "copies); simplify the drawing")
        weights[el] = total
        return total

    weight(root)
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise fail(f"nests elements more than {MAX_DEPTH} deep; simplify the drawing")
        stack.extend((child, depth + 1) for child in el)


def _check_sizes(root, fail: Fail) -> None:
    """The root's width, height and viewBox, and every number in the geometry: finite,
    sizes above zero, nothing absurdly large (1e300 would reach the PDF as is)."""
    for name in ("width", "height"):
        value = root.get(name)
        if value is None:
            continue
        m = _LENGTH.fullmatch(value)
        if not m:
            raise fail(f"{name}={value[:40]!r} is not a length (a number, maybe with a unit)")
        number = float(m.group(1))
        if not 0 < number <= MAX_SIZE:
            raise fail(f"{name}={value[:40]!r} must be above 0 and at most {MAX_SIZE:g}")
    box = root.get("viewBox")
    if box is not None:
        parts = box.replace(",", " ").split()
        if len(parts) != 4 or not all(_NUMBER.fullmatch(p) for p in parts):
            raise fail(f"viewBox={box[:60]!r} must be four numbers: x y width height")
        x, y, w, h = map(float, parts)
        if not (0 < w <= MAX_SIZE and 0 < h <= MAX_SIZE and abs(x) <= MAX_COORD
                and abs(y) <= MAX_COORD):
            raise fail(f"viewBox={box[:60]!r} needs a width and height above 0 and at most "
                       f"{MAX_SIZE:g}")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            local = name.rpartition("}")[2]
            if local == "style":
                value = " ".join(v.partition(":")[2] for v in value.split(";")
                                 if v.partition(":")[0].strip() in _GEOMETRY)
            elif local not in _GEOMETRY:
                continue
            if _NOT_FINITE.search(value):
                raise fail(f"<{etree_name(el)} {local}=...> holds NaN or infinity")
            for number in _NUMBER.findall(value):
                if abs(float(number)) > MAX_COORD:
                    raise fail(f"<{etree_name(el)} {local}=...> holds {number[:30]}; numbers "
                               f"in a drawing must be within {MAX_COORD:g}")


def etree_name(el) -> str:
    return el.tag.rpartition("}")[2]


def _href(el) -> str | None:
    return el.get(XLINK_HREF) or el.get("href")


def _check_references(root, path: Path, what: str, fail: Fail, box, depth: int) -> None:
    """References stay in the SVG's folder; pictures are embedded as checked copies."""
    folder = os.path.realpath(path.parent)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        href = _href(el)
        if href is None or etree_name(el) == "a":  # a link for a reader, never loaded
            continue
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        shown = repr(href[:60] + ("..." if len(href) > 60 else ""))
        if href.startswith("data:"):
            shown = "(embedded)"
            _embed(el, _data_picture(href, shown, fail), shown, fail, box)
            continue
        target = href.split("#", 1)[0]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or os.path.isabs(target):
            raise fail(f"<{etree_name(el)}> refers to {shown}; an SVG here may only use "
                       "files in its own folder (no web addresses, no absolute paths)")
        full = os.path.realpath(os.path.join(path.parent, target))
        if os.path.commonpath([folder, full]) != folder:
            raise fail(f"<{etree_name(el)}> refers to {shown}, outside the SVG's own folder; "
                       "copy what it needs into that folder")
        if full == os.path.realpath(path):
            continue
        if target.lower().endswith((".svg", ".svgz")):
            if depth >= MAX_REFERENCE_DEPTH:
                raise fail(f"<{etree_name(el)}> refers to {shown}: SVG files refer to each "
                           f"other more than {MAX_REFERENCE_DEPTH} deep")
            inner = Path(full)

            def inner_fail(message: str, shown=shown) -> Exception:
                return fail(f"uses {shown}: {message}")

            parse_svg(read_svg(inner, what="SVG file", fail=inner_fail), inner, what=what,
                      fail=inner_fail, box=box, _depth=depth + 1)
            continue
        from ..files import read_bytes

        try:
            picture = read_bytes(full, what="picture", max_bytes=MAX_PICTURE_BYTES)
        except DataError as exc:
            raise fail(f"<{etree_name(el)}> refers to {shown}: "
                       f"{exc.problems[0].message}") from None
        _embed(el, picture, shown, fail, box)


def _data_picture(href: str, shown: str, fail: Fail) -> bytes:
    head, _, body = href.partition(",")
    if not re.fullmatch(r"data:image/(png|jpe?g);base64", head.strip(), re.I):
        raise fail(f"embeds {head[:40]!r}; only base64 PNG or JPEG pictures can be embedded")
    if len(body) > MAX_PICTURE_BYTES * 4 // 3 + 4:
        raise fail("embeds a picture of more than "
                   f"{MAX_PICTURE_BYTES // 1048576} MB")
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        raise fail("embeds a picture whose base64 text is broken") from None


def _embed(el, picture: bytes, shown: str, fail: Fail, box) -> None:
    """The picture checked (header first), downscaled to `box`, and put in the tree as a
    data: address, so svglib never reads a picture file itself."""
    from .. import raster

    try:
        image = raster.decode(picture, max_pixels=MAX_PICTURE_PIXELS, box=box,
                              white_background=False)
    except InputError as exc:
        raise fail(f"<{etree_name(el)}> picture {shown} {exc}") from None
    data = raster.encode(image)
    kind = "png" if image.mode == "RGBA" else "jpeg"
    uri = f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")
    for name in (XLINK_HREF, "href"):
        if name in el.attrib:
            el.set(name, uri)


@lru_cache(maxsize=1)
def _own_fonts():
    """A svglib font map giving the package's default family (embedded) for every name."""
    from svglib.fonts import FontMap

    from ..fonts import font_set

    family = font_set().main

    class OwnFonts(FontMap):
        def find_font(self, font_name, weight="normal", style="normal"):
            bold = str(weight).lower() in ("bold", "bolder", "600", "700", "800", "900")
            italic = str(style).lower() in ("italic", "oblique")
            faces = ((family.regular, family.italic), (family.bold, family.bolditalic))
            return faces[bold][italic], True

    return OwnFonts()


def svg_drawing(root, path: Path, *, what: str = "SVG file", fail: Fail | None = None):
    """A ReportLab Drawing of a tree from parse_svg; InputError (or `fail`) when svglib
    cannot draw it or its size is not a positive, finite number."""
    from svglib.svglib import SvgRenderer

    path = Path(path)
    fail = fail or _default_fail(path, what)
    import svglib.fonts

    quiet = logging.getLogger("svglib.svglib")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # it logs what it skips (and refuses) harmlessly
    # svglib looks each font-family up as a file and then with an fc-match process (300
    # names: 19 s): every name is our own embedded family instead, here and in the SVG
    # files this one uses (svglib draws those with its global map).
    own, global_map = _own_fonts(), svglib.fonts._font_map
    svglib.fonts._font_map = own
    try:
        renderer = SvgRenderer(str(path), font_map=own, external_reference_root=str(path.parent))
        drawing = renderer.render(root)
    except Exception:  # svglib raises many kinds (ValueError, TypeError ...) on odd input
        drawing = None
    finally:
        svglib.fonts._font_map = global_map
        quiet.setLevel(level)
    if drawing is None:
        raise fail("is not an SVG drawing this tool can read")
    for name in ("width", "height"):
        value = getattr(drawing, name)
        if not (isinstance(value, (int, float)) and math.isfinite(value)
                and 0 < value <= MAX_SIZE):
            raise fail(f"has no usable {name} (it must be above 0 and at most {MAX_SIZE:g}; "
                       "give the <svg> a viewBox)")
    return drawing


def load_svg(path: Path, what: str = "SVG file", *, fail: Fail | None = None,
             box: tuple[int, int] = (PICTURE_SIDE, PICTURE_SIDE)) -> tuple[bytes, object]:
    """(checked XML bytes, Drawing) of an SVG file: read, parsed and drawn through the gate
    (or, for a file that passed it before, unchanged, from the disk cache)."""
    def build():
        from lxml import etree

        root = parse_svg(read_svg(path, what=what, fail=fail), path, what=what, fail=fail,
                         box=box)
        return etree.tostring(root), svg_drawing(root, path, what=what, fail=fail)

    path = Path(path)
    return built_from_file("svg", (str(path.resolve()), what, tuple(box)), path, build)


def checked_drawing(data: bytes, path: Path, *, what: str = "SVG file"):
    """A Drawing from XML that load_svg returned (already checked): parsed safely, not
    checked again, drawn with its references confined to `path`'s folder (or the same
    drawing from the disk cache: a fresh copy each time, so the caller may scale it)."""
    def build():
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return svg_drawing(etree.fromstring(data, parser=parser), path, what=what)

    path = Path(path)
    digest = hashlib.sha256(data).hexdigest()
    return built_from_file("drawing", (digest, str(path.resolve()), what), path, build)


def cache_key(path: Path) -> tuple:
    """The disk cache's key for what is built from an SVG file: the code, and the stamps
    of every file in its folder (it may use the files beside it)."""
    from .. import diskcache

    return (diskcache.code_stamp(), diskcache.folder_stamp(Path(path).resolve().parent))


def built_from_file(kind: str, identity: tuple, path: Path, build):
    """build() of what is drawn from the file at `path`, kept in the disk cache under
    cache_key(path): only what it returns, never its errors (a broken file fails afresh
    every time), never a drawing holding a picture (has_pictures)."""
    from .. import diskcache, files

    files.note_file(path)  # read or not, this run's input, never its output
    return diskcache.through(kind, identity, cache_key(path), build,
                             keep=lambda value: not has_pictures(value))


def has_pictures(node) -> bool:
    """Whether a drawing (or (bytes, drawing), or a view's art) holds a picture: svglib keeps
    it as a PIL image that pickling would load and close (ReportLab then cannot read it),
    so such a drawing is never put in the disk cache."""
    from reportlab.graphics.shapes import Image

    if isinstance(node, tuple):
        return any(has_pictures(part) for part in node)
    if isinstance(node, Image):
        return True
    art = getattr(node, "art", None)  # a body view's art drawn as a form (diagrams.ViewArt)
    if callable(art) and not getattr(node, "contents", None):
        return has_pictures(art())
    return any(has_pictures(child) for child in getattr(node, "contents", ()) or ())
