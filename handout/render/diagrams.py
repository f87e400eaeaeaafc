"""Point diagrams: a body view with a marker where to press, and clinic photos.

    view = load_view("outer-leg", [clinic_images, resource_dir("images")])
    drawing = point_diagram(view, [(0.62, 0.81, "BL60")], side="left", width=50 * mm)

Markers are (x, y, label) in fractions of the view (0..1 from the top-left), as in the
`diagram:` block of data/points.yaml. Views are drawn for the RIGHT side; side="left" mirrors
the art and the markers, but never the writing. Everything is black, white and grey, so the
diagram survives a grey-scale print.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, DirectDraw, Drawing, Group, Line, Rect, String
from reportlab.lib.colors import black, white, Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth

from handout import limits
from handout.errors import DataError, InputError, Problem
from handout.render import replay
from handout.render.svgview import Label, View, find_view_file, load_view

__all__ = [
    "View", "load_view", "find_view_file", "point_diagram", "write_point_diagram",
    "check_marker", "find_photo", "load_photo", "photo_problems", "photo_flowable", "Marker",
]

Marker = tuple[float, float, str]  # x, y (0..1 from top-left), label (the point code)

MIN_LABEL_PT = 6.0  # below this a landmark name is unreadable for our readers
CODE_PT = 9.0
# A landmark name is placed by its view's artist for its own size at the drawing's width;
# kept at the sheet's least size (9 pt, 14 in large print) it grows, and grown by more than
# this it no longer fits its spot (it runs into lines): the drawing then shows codes alone.
LABEL_GROWTH = 1.15
LINE_COST = 1500  # a code's box over the art's lines hides them (times the share covered)
RING_R = 4.2  # marker ring radius in points: fixed, so it stays visible at any width
DARK = black
LABEL_GREY = Color(0.15, 0.15, 0.15)


# --------------------------------------------------------------------------- diagrams

def _default_fonts() -> tuple[str, str]:
    """The default brand family's regular and bold: embedded, unlike ReportLab's Helvetica."""
    from handout.fonts import font_set

    main = font_set().main
    return main.regular, main.bold


def point_diagram(view: View, markers: list[Marker], side: str = "right",
                  width: float = 50 * mm, *, height: float | None = None,
                  caption: str | None = None, fonts: tuple[str, str] | None = None,
                  min_label_pt: float = MIN_LABEL_PT) -> Drawing:
    """The view with its landmark names and one marker per (x, y, label), at most `width`
    wide and, if given, `height` tall (a tall view is drawn narrower to fit it).

    side: "right" (as drawn), "left" (mirrored), or "both" (a view that shows both sides,
    like lower-back: each marker and its mirror image; other views treat it as "right").
    min_label_pt: no landmark name or point code smaller (9 pt on a sheet, 14 in large print).

    The names go where the view's artist put them when the drawing is wide enough for them
    at min_label_pt; else beside the drawing, in a column on each side, each with a leader
    to what it names (large print, a tall view fitted to its height); where even that
    leaves too little room for the body (a pocket card), the point's code stands alone.
    """
    if side not in ("right", "left", "both"):
        raise InputError(f"side must be right, left or both, not {side!r}")
    regular, bold = fonts or _default_fonts()
    mirror = side == "left"
    cap_h = 0.0 if not caption else 11.0
    codes = {m[2] for m in markers}
    names = [n for n in view.names if not n.for_point or n.for_point in codes]
    plan = _plan(view, names, width, None if height is None else height - cap_h, mirror,
                 regular, bold, min_label_pt, codes)
    d = Drawing(plan.width, plan.art_h + cap_h)
    d.initialFontName = regular  # every font named in the PDF must be one we embed
    scale = plan.scale
    place = ((-scale, 0, 0, scale, plan.x0 + view.width * scale, cap_h) if mirror
             else (scale, 0, 0, scale, plan.x0, cap_h))
    d.add(Group(ViewArt(view, codes, plan.mode, regular), transform=place))

    def to_pt(fx: float, fy: float) -> tuple[float, float]:
        if mirror:
            fx = 1 - fx
        return plan.x0 + fx * view.width * scale, cap_h + (1 - fy) * plan.art_h

    boxes: list[tuple[float, float, float, float]] = []  # obstacles for the code labels
    leader_dots: list[tuple[float, float]] = []  # points along the names' own leaders
    if plan.mode is True:
        for label in view.labels:
            if label.for_point and label.for_point not in codes:
                continue
            boxes.append(_draw_label(d, label, to_pt, plan.width, mirror,
                                     bold if label.bold else regular, min_label_pt,
                                     scale * view.width))
    elif plan.mode == "brackets":
        for block in plan.blocks:
            boxes.append(_draw_block(d, block, to_pt, cap_h, leader_dots))

    words = list(boxes)  # a leader may cross a bone, not a word
    for x0, y0, x1, y1 in view.keep_clear:  # bony landmarks: keep the code labels off them
        (ax, ay), (bx, by) = to_pt(x0, y0), to_pt(x1, y1)
        boxes.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))

    spots = [to_pt(x, y) for x, y, _ in markers]
    labels = [code for _, _, code in markers]
    if side == "both" and view.symmetric:
        spots += [to_pt(1 - x, y) for x, y, _ in markers]
        labels += labels
    rings = [(px - RING_R - 1, py - RING_R - 1, px + RING_R + 1, py + RING_R + 1)
             for px, py in spots]
    for (px, py) in spots:
        _draw_marker(d, px, py)
    placed: list[tuple[float, float, float, float]] = []

    def view_at(px: float, py: float) -> tuple[float, float]:
        fx, fy = (px - plan.x0) / (view.width * scale), 1 - (py - cap_h) / plan.art_h
        return 1 - fx if mirror else fx, fy

    def on_body(px: float, py: float) -> bool:
        return view.covers(*view_at(px, py))

    def on_lines(box) -> float:
        (ax, ay), (bx, by) = view_at(box[0], box[1]), view_at(box[2], box[3])
        return view.ink(codes, plan.mode, (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))

    # A code's box is kept well off every name (a box over a word hides it).
    names_kept = [(x0 - 1, y0 - 1, x1 + 1, y1 + 1) for x0, y0, x1, y1 in words]
    for i, ((px, py), code) in enumerate(zip(spots, labels)):
        others = rings[:i] + rings[i + 1:] + placed + names_kept
        placed.append(_draw_code(d, px, py, code, others, boxes, on_body, plan.width, d.height,
                                 cap_h, bold, max(CODE_PT, min_label_pt), words=words + placed,
                                 lines=leader_dots, on_lines=on_lines))

    if caption:
        d.add(String(plan.width / 2, 2, caption, fontName=regular,
                     fontSize=max(8, min_label_pt), textAnchor="middle", fillColor=black))
    return d


@dataclass
class _Block:
    """A name set beside the drawing: its lines, where they go (left x of each line, the
    top line's baseline), its size and its leader's start (x, y) and end (view fractions)."""

    lines: list[tuple[str, str, float]]  # text, font, left
    top: float  # the block's top, in points from the drawing's foot
    size: float
    start: tuple[float, float]
    target: tuple[float, float]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING

    def box(self) -> tuple[float, float, float, float]:
        lefts = [left for _, _, left in self.lines]
        rights = [left + stringWidth(text, font, self.size) for text, font, left in self.lines]
        return (min(lefts), self.top - self.height, max(rights), self.top)


@dataclass
class _Plan:
    """How a diagram is laid out: its width, the art's scale and left edge (of the view's
    x = 0, or of its mirror image), the art's height, and how the names are shown: True in
    place, "brackets" in columns beside the art, False not at all."""

    width: float
    scale: float
    x0: float
    art_h: float
    mode: bool | str
    blocks: list[_Block] = field(default_factory=list)


LEADING = 1.2  # of a name's size, from one of its lines to the next (ascent + descent)
COLUMN_GAP = 6.0  # points between a column of names and the art
# Beside its names the body is drawn smaller than it would be alone; smaller than this
# share of that, or than LEAST_ART_MM, the names are not worth it (the code stands alone).
LEAST_ART = 0.55
LEAST_ART_MM = 18.0


def _plan(view: View, names, width: float, height: float | None, mirror: bool,
          regular: str, bold: str, min_pt: float, codes) -> _Plan:
    """The largest layout that shows the names at min_pt: in place, else in columns; else
    the code alone, as large as the room allows."""
    scale = width / view.width
    if height is not None:
        scale = min(scale, height / view.height)
    art_w = view.width * scale
    if not (math.isfinite(art_w) and art_w > 0):  # a bad width: write_drawing says so
        return _Plan(art_w, scale, 0.0, view.height * scale, False)
    if labels_fit(view, art_w, min_pt):
        return _Plan(art_w, scale, 0.0, view.height * scale, True)
    # Never taller than the view alone at this width: a caller that narrows a drawing to
    # make it shorter gets a shorter one.
    tallest = view.height * width / view.width if height is None else height
    columns = _columns(view, names, width, tallest, mirror, regular, bold, min_pt, codes, scale)
    if columns is not None:
        return columns
    return _Plan(art_w, scale, 0.0, view.height * scale, False)


def _columns(view: View, names, width: float, height: float | None, mirror: bool,
             regular: str, bold: str, min_pt: float, codes, alone: float) -> _Plan | None:
    """The names in a column on each side of the art, at min_pt, each level with what it
    names where the others leave room; None when the art would be too small (against
    `alone`, its scale without the names)."""
    sides: dict[str, list] = {"left": [], "right": []}
    for name in names:
        left = (name.middle < 0.5) != mirror
        sides["left" if left else "right"].append(name)

    def font(label) -> str:
        return bold if label.bold else regular

    column = {key: max((stringWidth(line.text, font(line), min_pt)
                        for name in group for line in name.lines), default=0.0)
              for key, group in sides.items()}
    room = width - sum(w + COLUMN_GAP for w in column.values() if w)
    bounds = ViewArt(view, codes, "brackets", regular).getBounds()
    c0, c1 = max(0.0, bounds[0] - 2), min(view.width, bounds[2] + 2)
    if mirror:
        c0, c1 = view.width - c1, view.width - c0
    scale = room / (c1 - c0)
    if height is not None:
        scale = min(scale, height / view.height)
    art_w = (c1 - c0) * scale
    if scale < LEAST_ART * alone or art_w < LEAST_ART_MM * mm:
        return None
    art_h = view.height * scale
    left_edge = column["left"] + COLUMN_GAP if column["left"] else 0.0
    x0 = left_edge - c0 * scale  # the drawing's x of the (mirrored) view's x = 0
    right_edge = left_edge + art_w + COLUMN_GAP
    total = right_edge + column["right"] if column["right"] else left_edge + art_w

    def to_pt(fx, fy):
        return x0 + (1 - fx if mirror else fx) * view.width * scale, (1 - fy) * art_h

    blocks = []
    for key, group in sides.items():
        placed = []
        for name in group:
            tx, ty = to_pt(*name.target)
            if key == "left":
                lines = [(line.text, font(line),
                          column["left"] - stringWidth(line.text, font(line), min_pt))
                         for line in name.lines]
                start_x = column["left"] + 1.5
            else:
                lines = [(line.text, font(line), right_edge) for line in name.lines]
                start_x = right_edge - 1.5
            block = _Block(lines, 0.0, min_pt, (start_x, ty), name.target)
            block.top = ty + block.height / 2
            placed.append(block)
        if not _stack(placed, art_h):
            return None
        for block in placed:
            block.start = (block.start[0], block.top - block.height / 2)
        blocks += placed
    return _Plan(total, scale, x0, art_h, "brackets", blocks)


def _stack(blocks: list[_Block], height: float, gap: float = 3.0) -> bool:
    """Move the blocks of one column up or down, least from where each wants to be, so
    that none overlaps the next and all are within 0..height. False if they cannot be."""
    if sum(b.height for b in blocks) + gap * max(0, len(blocks) - 1) > height:
        return False
    blocks.sort(key=lambda b: -b.top)
    ceiling = height
    for block in blocks:  # top down: below the one above, and under the drawing's top
        block.top = min(block.top, ceiling)
        ceiling = block.top - block.height - gap
    floor = 0.0
    for block in reversed(blocks):  # bottom up: above the foot and the one below
        block.top = max(block.top, floor + block.height)
        floor = block.top + gap
    return True


def _draw_block(d: Drawing, block: _Block, to_pt, cap_h: float, dots: list) -> tuple:
    """A name beside the art, one String a line, and its leader to what it names (left out
    when the name is already beside it)."""
    for row, (text, font, left) in enumerate(block.lines):
        baseline = cap_h + block.top - getAscent(font, block.size) - row * block.size * LEADING
        d.add(String(left, baseline, text, fontName=font, fontSize=block.size,
                     fillColor=LABEL_GREY))
    sx, sy = block.start[0], block.start[1] + cap_h
    tx, ty = to_pt(*block.target)
    if math.hypot(tx - sx, ty - sy) > 4:
        d.add(Line(sx, sy, tx, ty, strokeColor=DARK, strokeWidth=0.7))
        dots += [(sx + (tx - sx) * i / 10, sy + (ty - sy) * i / 10) for i in range(11)]
    x0, y0, x1, y1 = block.box()
    return (x0, y0 + cap_h, x1, y1 + cap_h)


class ViewArt(DirectDraw):
    """A view's line art drawn as one PDF form (XObject) per document: defined the first
    time a page shows it, then placed again by name on every card and page that shows the
    same view (mirrored, scaled: the form takes the transform it is placed with). A sheet
    of six cards on one view stores the body outline once, and draws it node by node once.

    In view units, like `View.art`, whose Group it draws; markers, names and codes are
    drawn on top by the Drawing that holds it."""

    def __init__(self, view: View | None, codes, leaders: bool, font: str):
        super().__init__()
        self.view, self.font = view, font
        if view is not None:
            self.key = (frozenset(codes) & view.point_parts, leaders)
            self.digest, self.size = view.digest, (view.width, view.height)

    def __reduce__(self):
        """Pickled (a point diagram in the disk cache) with its own art and no View: a
        diagram from the cache needs the view's file neither read nor unpickled."""
        return (_drawn_art, (self.digest, self.size, self.key, self.font, self.art()))

    def art(self) -> Group:
        if self.view is None:
            return self._art
        return self.view.art(self.key[0], leaders=self.key[1])

    def getBounds(self):
        return self.art().getBounds()

    def form_name(self) -> str:
        """The same for the same file and art wherever the package is installed (so
        --reproducible bytes are), distinct for each file's content and art (two clinic
        folders may both have a view called lower-back)."""
        codes, leaders = self.key
        what = f"{self.digest}|{','.join(sorted(codes))}|{leaders}"
        digest = hashlib.sha1(what.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        return f"view-{digest}"

    def drawDirectly(self, renderer) -> None:
        replay.place(renderer._canvas, self.form_name(), self.size, self.art, self.font)


def _drawn_art(digest: str, size, key, font: str, group: Group) -> ViewArt:
    art = ViewArt(None, (), key[1], font)
    art.digest, art.size, art.key, art._art = digest, size, key, group
    return art


def labels_fit(view: View, width: float, min_label_pt: float) -> bool:
    """Whether the view's landmark names, none under min_label_pt, fit where the view
    places them on a drawing `width` points wide."""
    return all(min_label_pt <= label.size * width * LABEL_GROWTH for label in view.labels)


def label_place(label: Label, to_pt, width: float, mirror: bool, font: str,
                min_pt: float = MIN_LABEL_PT, art_w: float | None = None):
    """Where a landmark name goes: (left, baseline, size, box), never mirrored. art_w:
    the art's width, when the drawing is wider."""
    size = max(label.size * (art_w or width), min_pt)
    x, y = to_pt(label.x, label.y)
    anchor = label.anchor
    if mirror:  # the text keeps reading left to right but hangs on the other side
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
    tw = stringWidth(label.text, font, size)
    left = {"start": x, "middle": x - tw / 2, "end": x - tw}[anchor]
    shift = max(0.5 - left, 0) - max(left + tw - (width - 0.5), 0)  # keep it on the drawing
    left += shift
    return left, y, size, (left, y - 0.25 * size, left + tw, y + 0.8 * size)


def _draw_label(d: Drawing, label: Label, to_pt, width: float, mirror: bool, font: str,
                min_pt: float = MIN_LABEL_PT, art_w: float | None = None):
    """A landmark name as one piece of text (copy-paste and screen readers read it once).
    It needs no halo: the views place every label on open skin, clear of lines (a test
    checks each built-in view)."""
    left, y, size, box = label_place(label, to_pt, width, mirror, font, min_pt, art_w)
    d.add(String(left, y, label.text, fontName=font, fontSize=size, fillColor=LABEL_GREY))
    return box


def _draw_marker(d: Drawing, x: float, y: float) -> None:
    """A target: a thick black ring with a white rim and a black centre dot. The ring is
    open, so the bone or tendon it sits beside still shows through. Reads without colour."""
    d.add(Circle(x, y, RING_R, fillColor=None, strokeColor=white, strokeWidth=4.2))
    d.add(Circle(x, y, RING_R, fillColor=None, strokeColor=black, strokeWidth=1.8))
    d.add(Circle(x, y, 1.5, fillColor=black, strokeColor=white, strokeWidth=0.6))


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _leader_crossings(x, y, box, labels) -> int:
    """How many points along the leader from the marker to the box fall on a landmark
    name: a leader through a word makes both hard to read."""
    nx, ny = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    hits = 0
    for i in range(1, 12):
        px, py = x + (nx - x) * i / 12, y + (ny - y) * i / 12
        hits += sum(lb[0] - 1 <= px <= lb[2] + 1 and lb[1] - 1 <= py <= lb[3] + 1
                    for lb in labels)
    return hits


def _draw_code(d: Drawing, x, y, code, markers, labels, on_body, width, height, bottom, font,
               size: float = CODE_PT, words=(), lines=(), on_lines=None):
    """The point code in a white box near its marker, placed where it hides least: inside the
    drawing, off other markers and labels, and off the body if it can (a leader line then
    joins it to its marker)."""
    tw = stringWidth(code, font, size)
    bw, bh = tw + 4, size + 3
    candidates = []
    for step, extra in enumerate((0, 8, 16, 26)):
        gap = RING_R + 3 + extra
        for order, (bx, by) in enumerate((  # lower-left corners around the marker
                (x + gap, y - bh / 2), (x - gap - bw, y - bh / 2),
                (x - bw / 2, y + gap), (x - bw / 2, y - gap - bh),
                (x + gap * 0.7, y + gap * 0.7), (x - gap * 0.7 - bw, y + gap * 0.7),
                (x + gap * 0.7, y - gap * 0.7 - bh), (x - gap * 0.7 - bw, y - gap * 0.7 - bh))):
            candidates.append((step * 8 + order, bx, by))
    best, best_cost = None, None
    for order, bx, by in candidates:
        box = (bx, by, bx + bw, by + bh)
        outside = (max(0.0, -bx) + max(0.0, bx + bw - width)
                   + max(0.0, bottom - by) + max(0.0, by + bh - height))
        crossed = _leader_crossings(x, y, box, words)
        crossed += sum(box[0] - 1 <= lx <= box[2] + 1 and box[1] - 1 <= ly <= box[3] + 1
                       for lx, ly in lines)  # a name's or a code's leader under it
        cost = (outside * 1000 + sum(_overlap(box, m) for m in markers) * 50
                + sum(_overlap(box, lb) for lb in labels) * 8 + crossed * 200
                + order * 1.5)
        # The dearer look-ups only for a box that may still win (every term is >= 0).
        if best_cost is not None and cost >= best_cost:
            continue
        cost += 6 * sum(on_body(bx + bw * i / 4, by + bh * j / 2)
                        for i in range(5) for j in range(3))
        if on_lines is not None and (best_cost is None or cost < best_cost):
            cost += on_lines(box) * LINE_COST
        if best_cost is None or cost < best_cost:
            best, best_cost = box, cost
    bx, by, _, _ = best
    bx = min(max(bx, 0.5), width - bw - 0.5)
    by = min(max(by, bottom + 0.5), height - bh - 0.5)
    # Leader: from the ring's edge to the nearest point of the box, when they are apart.
    nx, ny = min(max(x, bx), bx + bw), min(max(y, by), by + bh)
    dist = math.hypot(nx - x, ny - y)
    if dist > RING_R + 3:
        sx, sy = x + (nx - x) * RING_R / dist, y + (ny - y) * RING_R / dist
        d.add(Line(sx, sy, nx, ny, strokeColor=white, strokeWidth=2.6))
        d.add(Line(sx, sy, nx, ny, strokeColor=black, strokeWidth=1.0))
        if isinstance(lines, list):  # the next code keeps off this leader too
            lines += [(sx + (nx - sx) * i / 10, sy + (ny - sy) * i / 10) for i in range(11)]
    d.add(Rect(bx, by, bw, bh, rx=1.5, ry=1.5, fillColor=white, strokeColor=black,
               strokeWidth=0.8))
    d.add(String(bx + 2, by + 2.6 * size / CODE_PT, code, fontName=font, fontSize=size,
                 fillColor=black))
    return (bx, by, bx + bw, by + bh)


def write_point_diagram(view: View, markers: list[Marker], side: str, out_path,
                        *, width: float = 60 * mm, dpi: int = 300) -> Path:
    """Write the diagram to out_path: PDF or PNG by its suffix. Written atomically (a temp
    file in the same folder, then renamed), so a failed run never leaves half a file."""
    check_picture_path(out_path)
    return write_drawing(point_diagram(view, markers, side, width), out_path, dpi=dpi)


def check_picture_path(out_path) -> None:
    if Path(out_path).suffix.lower() not in (".pdf", ".png"):
        raise InputError(f"{out_path}: the diagram file must end in .pdf or .png")


def write_drawing(drawing, out_path, *, dpi: int = 300) -> Path:
    """A drawing alone in a PDF or PNG file (by the suffix), with a thin white border,
    written atomically."""
    out = Path(out_path)
    check_picture_path(out)
    if not all(math.isfinite(v) and v > 0 for v in (drawing.width, drawing.height)):
        raise InputError(f"{out_path}: the drawing would be {drawing.width:g} x "
                         f"{drawing.height:g} pt; give it a width that is a number above 0")
    suffix = out.suffix.lower()
    pad = 2 * mm  # a little white border so nothing touches the edge
    framed = Drawing(drawing.width + 2 * pad, drawing.height + 2 * pad)
    if getattr(drawing, "initialFontName", None):
        framed.initialFontName = drawing.initialFontName
    framed.add(Group(*drawing.contents, transform=(1, 0, 0, 1, pad, pad)))
    from .document import binary_streams

    with binary_streams():
        pdf = renderPDF.drawToString(framed)
    data = pdf if suffix == ".pdf" else _pdf_to_png(pdf, dpi)
    from ..files import write_atomic  # the one way files are written whole or not at all

    write_atomic(data, out)
    return out


def _pdf_to_png(pdf: bytes, dpi: int) -> bytes:
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - depends on the install
        raise InputError("PNG output needs the pypdfium2 package; write a .pdf instead")
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    if _grey(image):  # every built-in view and picture: the same pixels, a third of the data
        image = image.convert("L")  # (exact: the weights of R, G and B sum to one)
    buf = io.BytesIO()
    # zlib's default level: optimize=True (level 9) took four times as long for 4 % less.
    image.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def _grey(image) -> bool:
    """Whether an RGB image's three channels are the same everywhere."""
    from PIL import ImageChops

    if image.mode != "RGB":
        return False
    red, green, blue = image.split()
    return (ImageChops.difference(red, green).getbbox() is None
            and ImageChops.difference(green, blue).getbbox() is None)


# --------------------------------------------------------------------------- validation

def check_marker(view_id, x, y, *, file: str, item: str | None, line: int | None,
                 search_dirs: list[Path]) -> list[Problem]:
    """Problems with one point's diagram block, for `handout validate` (empty when fine):
    no view, a view that is missing or broken, a coordinate outside 0..1, or a marker that
    falls outside the body outline."""
    def problem(field: str, message: str) -> Problem:
        return Problem(file, line, item, field, message)

    if not view_id:
        return [problem("diagram.view", "no view: every point needs a diagram "
                        "(diagram: {view: ..., x: ..., y: ...})")]
    problems = []
    for name, value in (("x", x), ("y", y)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(problem(f"diagram.{name}", f"must be a number from 0 to 1, not {value!r}"))
        elif not 0 <= value <= 1:
            problems.append(problem(f"diagram.{name}",
                                    f"{value} is outside the view (use 0 to 1 from the "
                                    f"{'left' if name == 'x' else 'top'} edge)"))
    try:
        view = load_view(view_id, search_dirs, item=item)
    except DataError as e:
        return problems + [problem("diagram.view", f"view {view_id!r}: {p.file}: {p.message}")
                           for p in e.problems]
    if not problems and not view.contains(float(x), float(y)):
        problems.append(problem("diagram", f"the marker at x={x}, y={y} falls outside the body "
                                f"outline of view {view_id!r} ({view.path})"))
    return problems


# --------------------------------------------------------------------------- photos

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_PHOTO_BYTES = limits.PHOTO_BYTES
MAX_PHOTO_PIXELS = limits.PHOTO_PIXELS


def find_photo(point_id: str, search_dirs: list[Path]) -> Path | None:
    """A clinic's photo for a point: the first <dir>/points/<POINT-ID>.jpg|jpeg|png. Anything
    by that name counts (a folder, a FIFO, a broken link), so load_photo can refuse it."""
    for d in search_dirs:
        for suffix in PHOTO_SUFFIXES:
            for name in (point_id + suffix, point_id + suffix.upper()):
                candidate = Path(d) / "points" / name
                if os.path.lexists(candidate):
                    return candidate
    return None


def load_photo(path, max_width: float, max_height: float, *, dpi: int = 300,
               item: str | None = None) -> tuple[bytes, float, float]:
    """A clinic's photo as make prints it: checked by photo_bytes, decoded upright (EXIF)
    at `dpi` for the size it prints, transparent parts white, JPEG-compressed.
    Returns (jpeg bytes, width pt, height pt) fitting the box; DataError naming the file."""
    from handout import raster

    path = Path(path)
    data = photo_bytes(path, item=item)
    box = (max(1, round(max_width / 72 * dpi)), max(1, round(max_height / 72 * dpi)))
    try:
        image = raster.decode(data, max_pixels=MAX_PHOTO_PIXELS, box=box, white_background=True)
    except InputError as exc:
        raise _photo_error(path, item, exc) from None
    fit = min(max_width / image.width, max_height / image.height)
    return raster.encode(image), image.width * fit, image.height * fit


def photo_bytes(path: Path, *, item: str | None = None) -> bytes:
    """The rule for a clinic's photo before decoding: a .jpg, .jpeg or .png name; a regular
    file within MAX_PHOTO_BYTES; a JPEG or PNG by its bytes (not its name) of at most
    MAX_PHOTO_PIXELS by its header. Its bytes, or a DataError naming the file."""
    from handout import raster
    from handout.files import read_bytes

    if path.suffix.lower() not in PHOTO_SUFFIXES:
        raise DataError(Problem(str(path), None, item, None,
                                "a photo must be a .jpg, .jpeg or .png file"))
    try:
        data = read_bytes(path, what="photo", max_bytes=MAX_PHOTO_BYTES)
    except DataError as exc:
        raise DataError(Problem(str(path), None, item, None, exc.problems[0].message)) from None
    try:
        raster.check_header(data, max_pixels=MAX_PHOTO_PIXELS)
    except InputError as exc:
        raise _photo_error(path, item, exc) from None
    return data


def _photo_error(path: Path, item: str | None, exc: InputError) -> DataError:
    return DataError(Problem(str(path), None, item, None,
                             f"the photo {exc}; use a JPEG or PNG photo"))


# The largest a photo prints (a reference sheet's card): what validate decodes it for.
CHECK_BOX = (90 * mm, 120 * mm)


def photo_problems(point_id: str, search_dirs: list[Path], *, decode: bool = True
                   ) -> list[Problem]:
    """The point's photo, if it has one, checked by the rules make uses: photo_bytes (the
    file and its header: cheap, for every load of the library) and, with decode=True (for
    `handout validate`), load_photo itself. Its problem, or nothing."""
    path = find_photo(point_id, search_dirs)
    if path is None:
        return []
    try:
        if decode:
            load_photo(path, *CHECK_BOX, item=point_id)
        else:
            photo_bytes(path, item=point_id)
    except DataError as exc:
        return list(exc.problems)
    return []


def photo_flowable(path, max_width: float, max_height: float, *, item: str | None = None):
    """A ReportLab Image flowable of a clinic photo, prepared by load_photo."""
    from reportlab.platypus import Image as RLImage

    data, w, h = load_photo(path, max_width, max_height, item=item)
    return RLImage(io.BytesIO(data), width=w, height=h)
