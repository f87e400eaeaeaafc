"""Load a body view (images/views/<view>.svg) and answer geometric questions about it.

A view is hand-drawn line art in an SVG file.  Everything is measured in fractions of the
viewBox (x, y in 0..1 from the top-left), the same numbers data/points.yaml uses.

- The path with id="outline" is the body silhouette: `View.contains` tests a marker against it.
- Every <text> is taken out of the art and kept as a `Label`: diagrams.py draws labels itself
  so that mirroring the art for the left side never mirrors the writing.
- An element with data-for="ST36" (a measuring bracket, say) is drawn only when that point's
  marker is on the diagram.
- Consecutive <text> lines set one under the other are one landmark's name (`View.names`),
  and a leader line (class "lead") that starts at a name is that name's: its other end is
  what the name points at, so diagrams.py can set the name beside the drawing instead.
"""

from __future__ import annotations

import hashlib

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Drawing, Group, Path as RLPath, Polygon, mmult

from handout import diskcache, files
from handout.errors import DataError, Problem
from handout.render.vector import (MAX_SVG_BYTES, cache_key, has_pictures, parse_svg, read_svg,
                                   svg_drawing)

if TYPE_CHECKING:  # lxml is imported only where a file is parsed (a cold run may not)
    from lxml import etree

MAX_VIEW_BYTES = MAX_SVG_BYTES  # hand-drawn views are a few kB; the cap is vector.py's
SVG_NS = "http://www.w3.org/2000/svg"
_CURVE_STEPS = 12  # straight pieces per Bezier curve when flattening the outline


@dataclass(frozen=True)
class Label:
    """A landmark name placed on the view (fractions of the view; size as a fraction of width)."""

    text: str
    x: float
    y: float
    anchor: str = "start"  # start | middle | end, as SVG text-anchor
    size: float = 0.05
    bold: bool = False
    for_point: str | None = None


@dataclass(frozen=True)
class Name:
    """A landmark's name: its lines (one Label each, top first), the point it names (its
    leader's far end, or the name's own inner edge when it has no leader, in fractions of
    the view) and the index of its leader among the tree's elements (or None)."""

    lines: tuple[Label, ...]
    target: tuple[float, float]
    leader: int | None = None
    middle: float = 0.5  # the x of the name's middle, as placed in the view

    @property
    def for_point(self) -> str | None:
        return self.lines[0].for_point


@dataclass
class View:
    """One parsed view file."""

    id: str
    path: Path
    digest: str  # of the file's bytes: names the view's PDF form, the same wherever installed
    width: float  # viewBox units
    height: float
    title: str = ""
    symmetric: bool = False  # the view shows both sides (lower-back): markers can be doubled
    outline: list[list[tuple[float, float]]] = field(default_factory=list)  # polygons, fractions
    labels: list[Label] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)  # the labels as whole names
    keep_clear: list[tuple[float, float, float, float]] = field(default_factory=list)
    _tree: etree._Element | None = field(default=None, repr=False)  # None: from the disk cache
    _art: dict = field(default_factory=dict, repr=False)  # drawn art by the codes it shows
    _mask: object = field(default=None, repr=False)  # the outline rasterised, for covers()
    _saved: int = field(default=-1, repr=False)  # how many _art entries the disk cache has

    def __getstate__(self):
        """What the disk cache keeps: everything but the lxml tree (not picklable; parsed
        again only if art is asked for that the cache has not got)."""
        self.point_parts  # noqa: B018 (computed from the tree, kept with the rest)
        return {**self.__dict__, "_tree": None}

    def tree(self):
        """The parsed file: kept from parse_view, or parsed again for a view from the disk
        cache that is asked for art it has not got (svglib and lxml load only then)."""
        if self._tree is None:
            self._tree = parse_view(self.path, self.id)._tree
        return self._tree

    @property
    def aspect(self) -> float:
        """Height / width."""
        return self.height / self.width

    def contains(self, x: float, y: float) -> bool:
        """True if (x, y) (fractions from the top-left) lies inside the body outline.

        Even-odd rule over all sub-paths, so a hole in the outline counts as outside.
        """
        inside = False
        for poly in self.outline:
            n = len(poly)
            for i in range(n):
                x1, y1 = poly[i]
                x2, y2 = poly[(i + 1) % n]
                if (y1 > y) != (y2 > y):
                    cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                    if x < cross:
                        inside = not inside
        return inside

    def covers(self, x: float, y: float) -> bool:
        """contains(), approximately and fast: the outline rasterised once at MASK_SIDE
        pixels across. For placing labels (thousands of look-ups a handout); validation
        uses the exact contains()."""
        if not 0 <= x < 1 or not 0 <= y < 1:
            return False
        if self._mask is None:
            self._mask = _rasterise(self.outline, MASK_SIDE, max(1, round(MASK_SIDE * self.aspect)))
        mask = self._mask
        return mask.getpixel((int(x * mask.width), int(y * mask.height))) > 0

    def art(self, points: set[str] | frozenset[str] = frozenset(), *,
            leaders: bool | str = True) -> Group:
        """The line art (no text) as a ReportLab Group, 1 unit = 1 viewBox unit, y up,
        origin at the bottom-left of the viewBox. Elements with data-for= are kept only
        for the point codes in `points`. leaders: True draws every line of class "lead";
        False none (the names are not shown); "brackets" leaves out the names' own leaders
        but keeps the measuring brackets (the names are set beside the drawing, with
        leaders of their own). Drawn once per set of codes, then reused (drawing never
        changes a Group)."""
        key = (frozenset(points) & self.point_parts, leaders)
        if key not in self._art:
            drop = frozenset(n.leader for n in self.names if n.leader is not None)
            root = _copy_without(self.tree(), points, leaders, drop)
            self._keep_art(key, _render(root, self.path, self.id))
        return self._art[key]

    def _keep_art(self, key, drawing: Drawing) -> None:
        scale = self.width / drawing.width if drawing.width else 1.0
        self._art[key] = Group(*drawing.contents, transform=(scale, 0, 0, scale, 0, 0))

    def ink(self, points, leaders, box: tuple[float, float, float, float]) -> float:
        """How much of a box (x0, y0, x1, y1 in fractions from the top-left) the lines of
        the art (for these codes and leaders, as art() draws them) cover: the stroked
        lines rasterised once at MASK_SIDE pixels across. For keeping a code's box off
        them."""
        key = ("ink", frozenset(points) & self.point_parts, leaders)
        if key not in self._art:
            self._art[key] = _stroke_mask(self.art(points, leaders=leaders), self.width,
                                          self.height)
        mask = self._art[key]
        if not all(math.isfinite(v) for v in box):
            return 0.0
        x0, y0, x1, y1 = (max(0, min(mask.width, round(box[0] * mask.width))),
                          max(0, min(mask.height, round(box[1] * mask.height))),
                          max(0, min(mask.width, round(box[2] * mask.width))),
                          max(0, min(mask.height, round(box[3] * mask.height))))
        if x1 <= x0 or y1 <= y0:
            return 0.0
        area = (x1 - x0) * (y1 - y0)
        return (area - mask.crop((x0, y0, x1, y1)).histogram()[0]) / area

    @cached_property
    def point_parts(self) -> frozenset[str]:
        """The point codes that have parts of their own in this view (data-for=)."""
        return frozenset(code for el in self.tree().iter() if (code := _for_point(el)))


MASK_SIDE = 400


def _rasterise(polygons, width: int, height: int):
    """Even-odd fill of the polygons (fractions of the view) into a width x height mask."""
    from PIL import Image, ImageChops, ImageDraw

    mask = Image.new("1", (width, height), 0)
    for poly in polygons:
        layer = Image.new("1", (width, height), 0)
        ImageDraw.Draw(layer).polygon([(px * width, py * height) for px, py in poly], fill=1)
        mask = ImageChops.logical_xor(mask, layer)
    return mask


def _stroke_mask(group: Group, vw: float, vh: float):
    """The stroked lines of the art (paths, lines, circles and ellipses with a stroke) as a
    mask MASK_SIDE pixels across, top row first."""
    from PIL import Image, ImageDraw
    from reportlab.graphics.shapes import Circle, Ellipse, Line, PolyLine, Rect

    width, height = MASK_SIDE, max(1, round(MASK_SIDE * vh / vw))
    mask = Image.new("1", (width, height), 0)
    pen = ImageDraw.Draw(mask)
    k = width / vw

    def pixel(point):
        return point[0] * k, (vh - point[1]) * k

    def walk(node, matrix):
        for child in getattr(node, "contents", []):
            m = mmult(matrix, child.transform) if isinstance(child, Group) and child.transform \
                else matrix
            if isinstance(child, Group):
                walk(child, m)
                continue
            if getattr(child, "strokeColor", None) is None or not getattr(child, "strokeWidth", 0):
                continue
            scale = (abs(m[0] * m[3] - m[1] * m[2])) ** 0.5
            line = max(1, round(child.strokeWidth * scale * k))

            def tp(x, y):
                return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])

            if isinstance(child, RLPath):
                runs = _flatten(child, m)
            elif isinstance(child, Line):
                runs = [[tp(child.x1, child.y1), tp(child.x2, child.y2)]]
            elif isinstance(child, (Circle, Ellipse)):
                rx = getattr(child, "r", None) or child.rx
                ry = getattr(child, "r", None) or child.ry
                runs = [[tp(child.cx + rx * math.cos(i * math.pi / 12),
                            child.cy + ry * math.sin(i * math.pi / 12)) for i in range(25)]]
            elif isinstance(child, Rect):
                x0, y0, x1, y1 = child.x, child.y, child.x + child.width, child.y + child.height
                runs = [[tp(x0, y0), tp(x1, y0), tp(x1, y1), tp(x0, y1), tp(x0, y0)]]
            elif isinstance(child, (PolyLine, Polygon)):
                pts = child.points
                runs = [[tp(pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2)]]
            else:
                continue
            for run in runs:
                if len(run) >= 2:
                    pen.line([pixel(p) for p in run], fill=1, width=line)

    walk(group, tuple(group.transform or (1, 0, 0, 1, 0, 0)))
    return mask


def find_view_file(view_id: str, search_dirs: list[Path]) -> Path | None:
    """The first <dir>/views/<view_id>.svg that exists, or None."""
    for d in search_dirs:
        candidate = Path(d) / "views" / f"{view_id}.svg"
        if candidate.exists():  # a folder or FIFO by that name is refused when read
            return candidate
    return None


_VIEW_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_view(view_id: str, search_dirs: list[Path], *, item: str | None = None) -> View:
    """Find and parse view `view_id`: the first folder in `search_dirs` that has
    views/<view_id>.svg wins (put clinic folders before the built-in one).

    Raises DataError naming the file (and `item`, the point that uses it) when the view is
    missing, too big, not valid SVG, or has no usable outline.
    """
    if not isinstance(view_id, str) or not _VIEW_ID.match(view_id):
        raise DataError(Problem("views", None, item, "diagram.view",
                                f"{view_id!r} is not a view name (lower-case letters, digits, -)"))
    path = find_view_file(view_id, search_dirs)
    if path is None:
        where = ", ".join(str(Path(d) / "views") for d in search_dirs) or "no folder"
        raise DataError(Problem(f"views/{view_id}.svg", None, item, "diagram.view",
                                f"no view named {view_id!r} (looked in {where})"))
    return _cached(path, view_id, item)


_CACHE: dict[tuple, View] = {}


def _cached(path: Path, view_id: str, item: str | None) -> View:
    """Parsed once per process; across processes from the disk cache, with the art drawn
    for it so far (see save_views), keyed by the stamps of its folder's files (a view may
    use the files beside it)."""
    try:
        st = path.stat()
    except OSError as e:
        raise DataError(Problem(str(path), None, item, None, f"cannot read the view: {e.strerror}"))
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        view = diskcache.load("view", (key[0], view_id), cache_key(path))
        if isinstance(view, View):
            files.note_file(path)  # not read, but still this run's input, never its output
            view._saved = len(view._art)
        else:
            view = parse_view(path, view_id, item=item)
        _CACHE[key] = view
    return _CACHE[key]


def save_views() -> None:
    """Every view parsed or drawn anew in this process, into the disk cache (after a
    render: the next run draws the same cards without svglib)."""
    for (resolved, _mtime, _size), view in list(_CACHE.items()):
        if len(view._art) != view._saved and not any(
                has_pictures(art) for art in view._art.values() if isinstance(art, Group)):
            if diskcache.store("view", (resolved, view.id), cache_key(Path(resolved)), view):
                view._saved = len(view._art)


def parse_view(path: Path, view_id: str | None = None, *, item: str | None = None) -> View:
    """Parse one view file (see the module docstring). Raises DataError on any problem."""
    view_id = view_id or path.stem

    def fail(message: str) -> DataError:
        return DataError(Problem(str(path), None, item, None, message))

    # The one gate for SVG files (size, gzip, DTD, entities, nesting, references): vector.py
    data = read_svg(path, what="view file", fail=fail)
    root = parse_svg(data, path, what="view file",
                     fail=fail)
    box = _view_box(root)
    if box is None:
        raise fail('not valid SVG: needs viewBox="0 0 WIDTH HEIGHT" with a positive size')
    vx, vy, vw, vh = box

    labels = [_label(t, vx, vy, vw, vh, fail) for t in root.iter(f"{{{SVG_NS}}}text", "text")]
    title_el = root.find(f"{{{SVG_NS}}}title")
    title = " ".join((title_el.text or "").split()) if title_el is not None else ""
    view = View(id=view_id, path=path, digest=hashlib.sha1(data).hexdigest()[:12],
                width=vw, height=vh, title=title,
                symmetric=root.get("data-symmetric", "").lower() in ("true", "yes", "1"),
                labels=labels, _tree=root)
    view.names = _names(root, labels, vw, vh, vx, vy)
    view.outline, drawing = _outline(root, path, view_id, fail)
    # That drawing is the whole art (every point's parts, leaders, no text): the art of a
    # card whose point has no parts of its own, drawn already (svglib is a view's main cost).
    view._keep_art((view.point_parts, True), drawing)
    view.keep_clear = _keep_clear(root, vx, vy, vw, vh)
    return view


EM = 0.52  # a name's width per character, in its font size: enough to find its leader
LEADER_REACH = 10.0  # view units: a leader that starts this near a name is the name's


def _names(root, labels: list[Label], vw, vh, vx=0.0, vy=0.0) -> list[Name]:
    """The labels as names: a line set just under the one before (same x, anchor and
    point, 0.8 to 1.6 lines lower) goes on the same name. Each name's target is the far
    end of the leader that starts at it, or else its own edge nearer the middle."""
    groups: list[list[Label]] = []
    for label in labels:
        if groups:
            last = groups[-1][-1]
            step = (label.y - last.y) * vh / (last.size * vw)
            if (label.x == last.x and label.anchor == last.anchor and step >= 0.8
                    and step <= 1.6 and label.for_point == last.for_point):
                groups[-1].append(label)
                continue
        groups.append([label])
    leads = _leads(root, vx, vy)
    taken: set[int] = set()
    names = []
    for lines in groups:
        x0, y0, x1, y1 = _name_box(lines, vw, vh)
        best = None
        for index, ends, for_point in leads:
            if index in taken or for_point != lines[0].for_point:
                continue
            near, far = sorted(ends, key=lambda p: _distance(p, (x0, y0, x1, y1)))
            reach = _distance(near, (x0, y0, x1, y1))
            if reach <= LEADER_REACH and (best is None or reach < best[0]):
                best = (reach, index, far)
        if best is not None:
            taken.add(best[1])
            target = (best[2][0] / vw, best[2][1] / vh)
            names.append(Name(tuple(lines), target, best[1], (x0 + x1) / 2 / vw))
        else:
            inner = x1 if (x0 + x1) / 2 < vw / 2 else x0
            names.append(Name(tuple(lines), (inner / vw, (y0 + y1) / 2 / vh), None,
                              (x0 + x1) / 2 / vw))
    return names


def _name_box(lines: list[Label], vw, vh) -> tuple[float, float, float, float]:
    """A name's box in view units (y down), its width estimated at EM a character."""
    boxes = []
    for label in lines:
        size = label.size * vw
        w = len(label.text) * EM * size
        x = label.x * vw
        left = {"start": x, "middle": x - w / 2, "end": x - w}[label.anchor]
        boxes.append((left, label.y * vh - 0.8 * size, left + w, label.y * vh + 0.25 * size))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _distance(point, box) -> float:
    x, y = point
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return (dx * dx + dy * dy) ** 0.5


_ONE_STROKE = re.compile(r"^\s*M[\s,]*(-?[\d.]+)[\s,]+(-?[\d.]+)((?:[\s,]*[LC][\s,\d.-]+)+)$")


def _leads(root, vx, vy) -> list[tuple[int, tuple, str | None]]:
    """Leader lines: paths of class "lead" drawn in one stroke (one M, then absolute L or
    C), as (element index, (start, end) in view units, the point they are for)."""
    out = []
    for index, el in enumerate(root.iter()):
        if not isinstance(el.tag, str) or "lead" not in (el.get("class") or "").split():
            continue
        match = _ONE_STROKE.match(el.get("d") or "")
        if not match:
            continue
        nums = re.findall(r"-?[\d.]+", match.group(3))
        if len(nums) < 2 or len(nums) % 2:
            continue
        try:
            start = (float(match.group(1)) - vx, float(match.group(2)) - vy)
            end = (float(nums[-2]) - vx, float(nums[-1]) - vy)
        except ValueError:
            continue
        out.append((index, (start, end), _for_point(el)))
    return out


def _keep_clear(root, vx, vy, vw, vh) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1 in fractions) of the bony landmarks: circles, ellipses and
    rects of class "bone" or "landmark". A point code's label is placed off them."""
    from lxml import etree

    boxes = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        classes = (el.get("class") or "").split()
        if not {"bone", "landmark"} & set(classes):
            continue
        name = etree.QName(el).localname
        try:
            if name in ("circle", "ellipse"):
                cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
                rx = float(el.get("rx", el.get("r", 0)))
                ry = float(el.get("ry", el.get("r", 0)))
                x0, y0, x1, y1 = cx - rx, cy - ry, cx + rx, cy + ry
            elif name == "rect":
                x0, y0 = float(el.get("x", 0)), float(el.get("y", 0))
                x1, y1 = x0 + float(el.get("width", 0)), y0 + float(el.get("height", 0))
            elif name == "path" and re.fullmatch(r"[MLCZ0-9.,\s-]+", el.get("d", "")):
                # absolute M/L/C only: the box of its points (control points included)
                nums = [float(n) for n in re.findall(r"-?[0-9.]+", el.get("d", ""))]
                xs, ys = nums[0::2], nums[1::2]
                if not xs or len(xs) != len(ys):
                    continue
                x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
            else:
                continue
        except ValueError:
            continue
        boxes.append(((x0 - vx) / vw, (y0 - vy) / vh, (x1 - vx) / vw, (y1 - vy) / vh))
    return boxes


def _view_box(root) -> tuple[float, float, float, float] | None:
    raw = root.get("viewBox")
    if not raw:
        return None
    try:
        nums = [float(v) for v in raw.replace(",", " ").split()]
    except ValueError:
        return None
    if len(nums) != 4 or nums[2] <= 0 or nums[3] <= 0:
        return None
    return nums[0], nums[1], nums[2], nums[3]


def _style(el, name: str) -> str | None:
    """An attribute, or the same property in style="..." (which wins, as in SVG)."""
    for part in (el.get("style") or "").split(";"):
        key, _, value = part.partition(":")
        if key.strip() == name:
            return value.strip()
    return el.get(name)


def _label(el, vx, vy, vw, vh, fail) -> Label:
    text = " ".join("".join(el.itertext()).split())
    try:
        x = float(el.get("x", "0"))
        y = float(el.get("y", "0"))
        size = float(re.sub(r"(px|pt)$", "", _style(el, "font-size") or "12"))
    except ValueError:
        raise fail(f"the label {text!r} needs plain numbers for x, y and font-size")
    anchor = _style(el, "text-anchor") or "start"
    weight = _style(el, "font-weight") or ""
    return Label(text=text, x=(x - vx) / vw, y=(y - vy) / vh,
                 anchor=anchor if anchor in ("start", "middle", "end") else "start",
                 size=size / vw, bold=weight in ("bold", "700", "800", "900"),
                 for_point=_for_point(el))


def _for_point(el) -> str | None:
    """The data-for of this element or its nearest ancestor that has one."""
    while el is not None:
        if el.get("data-for"):
            return el.get("data-for")
        el = el.getparent()
    return None


def _copy_without(root, points, leaders: bool | str = True,
                  name_leaders: frozenset[int] = frozenset()) -> etree._Element:
    """A copy of the tree without text, without data-for parts for other points, and
    without leader lines unless `leaders` (with "brackets": without the names' own
    leaders, the elements numbered in `name_leaders`)."""
    from lxml import etree

    root = etree.fromstring(etree.tostring(root))
    elements = list(root.iter())  # numbered as in the tree the indices were taken from
    drop = [el for index, el in enumerate(elements)
            if (leaders is False and "lead" in (el.get("class") or "").split())
            or (leaders == "brackets" and index in name_leaders)]
    for el in drop:
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter(f"{{{SVG_NS}}}text", "text")):
        el.getparent().remove(el)
    for el in list(root.iter()):
        wanted = el.get("data-for")
        if wanted and wanted not in points and el.getparent() is not None:
            el.getparent().remove(el)
    # Without width/height the drawing is the viewBox itself, so fractions map directly.
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    return root


def _render(root, path: Path, item_hint: str) -> Drawing:
    """The tree drawn by svglib, references confined to the view's folder (vector.py)."""
    def fail(message: str) -> DataError:
        return DataError(Problem(str(path), None, None, None, f"not valid SVG: {message}"))

    return svg_drawing(root, path, what="view file", fail=fail)


def _outline(root, path: Path, view_id: str, fail) -> tuple[list[list[tuple[float, float]]], Drawing]:
    """The outline as closed polygons in fractions, transforms applied, and the drawing of
    the tree without its text that it was found in."""
    from lxml import etree

    found = root.xpath('//*[@id="outline"]')
    if not found:
        raise fail('has no path with id="outline" (the body silhouette, used to check markers)')
    copy = etree.fromstring(etree.tostring(root))
    for el in list(copy.iter(f"{{{SVG_NS}}}text", "text")):
        el.getparent().remove(el)
    for attr in ("width", "height"):
        copy.attrib.pop(attr, None)
    drawing = _render(copy, path, view_id)
    hit = _find_shape(drawing, "outline", (1, 0, 0, 1, 0, 0))
    if hit is None:
        raise fail('the element with id="outline" must be a <path> or <polygon>')
    shape, matrix = hit
    polys = _flatten(shape, matrix)
    polys = [[(x / drawing.width, 1 - y / drawing.height) for x, y in p] for p in polys]
    polys = [p for p in polys if len(p) >= 3]
    if not polys:
        raise fail('the outline path (id="outline") is empty')
    return polys, drawing


def _find_shape(node, svgid: str, matrix):
    """Depth-first search for the shape svglib tagged with this id, with its full transform."""
    for child in getattr(node, "contents", []):
        m = matrix
        if isinstance(child, Group) and child.transform:
            m = mmult(matrix, child.transform)
        if getattr(child, "svgid", None) == svgid:
            if isinstance(child, (RLPath, Polygon)):
                return child, m
            if isinstance(child, Group):  # svglib wraps a filled + stroked path in a group
                return _first_shape(child, m)
            return None
        if isinstance(child, Group):
            hit = _find_shape(child, svgid, m)
            if hit:
                return hit
    return None


def _first_shape(group, matrix):
    for child in group.contents:
        if isinstance(child, (RLPath, Polygon)):
            return child, matrix
        if isinstance(child, Group):
            hit = _first_shape(child, mmult(matrix, child.transform) if child.transform else matrix)
            if hit:
                return hit
    return None


def _flatten(shape, m) -> list[list[tuple[float, float]]]:
    def tp(x, y):
        return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])

    pts = shape.points
    if isinstance(shape, Polygon):
        return [[tp(pts[i], pts[i + 1]) for i in range(0, len(pts), 2)]]
    polys: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    i = 0
    last = (0.0, 0.0)
    for op in shape.operators:
        if op == 0:  # moveTo
            if cur:
                polys.append(cur)
            last = (pts[i], pts[i + 1])
            cur = [tp(*last)]
            i += 2
        elif op == 1:  # lineTo
            last = (pts[i], pts[i + 1])
            cur.append(tp(*last))
            i += 2
        elif op == 2:  # curveTo: sample the cubic Bezier
            x0, y0 = last
            x1, y1, x2, y2, x3, y3 = pts[i:i + 6]
            for k in range(1, _CURVE_STEPS + 1):
                t = k / _CURVE_STEPS
                a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
                cur.append(tp(a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
            last = (x3, y3)
            i += 6
        elif op == 3:  # closePath
            if cur:
                polys.append(cur)
            cur = []
    if cur:
        polys.append(cur)
    return polys
