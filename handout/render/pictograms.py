"""Stretch pictograms: a stick figure drawn from the `pose:` block of a stretch.

The pose format (also in images/README.md):

    pose:
      ground: floor          # floor | chair | none  (none: e.g. a view from above)
      start: {head: [x, y], neck: [x, y], shoulder: ..., elbow: ..., wrist: ...,
              hip: ..., knee: ..., ankle: ..., toe: ...}
      end:   {...}           # same joints
      arrow: {from: [x, y], to: [x, y], bend: 6, both: false}   # optional
      chair: [x, y]          # optional: front edge of the seat (default: under the hip)

Joints are [x, y] in a box 100 wide and 60 high, y upwards, the floor at y = 0. Optional
joints: back (middle of the back, bends the trunk), knee_far, ankle_far, toe_far,
elbow_far, wrist_far (the limbs on the far side, drawn behind). The start pose is drawn in
light grey, the end pose in black, so the movement reads without colour; the arrow shows it.
Adding a stretch with a pose needs no code.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Path, Polygon, PolyLine
from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm

from handout.errors import DataError, Problem

BOX_W, BOX_H = 100.0, 60.0
REQUIRED = ("head", "neck", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "toe")
OPTIONAL = ("back", "knee_far", "ankle_far", "toe_far", "elbow_far", "wrist_far")
GROUNDS = ("floor", "chair", "none")
KEYS = ("ground", "start", "end", "arrow", "chair")

HEAD_R = 4.2  # box units
TRUNK_W, LIMB_W = 4.2, 3.2
START_GREY, START_FAR = Color(0.70, 0.70, 0.70), Color(0.82, 0.82, 0.82)
END_INK, END_FAR = black, Color(0.45, 0.45, 0.45)
GROUND_GREY = Color(0.35, 0.35, 0.35)


# --------------------------------------------------------------------------- validation

def pose_problems(pose, *, file: str, item: str | None, line: int | None) -> list[Problem]:
    """Everything wrong with a pose block (empty when it can be drawn)."""
    def problem(field: str, message: str) -> Problem:
        return Problem(file, line, item, field, message)

    if pose is None:
        return [problem("pose", "no pose: every stretch needs one for its picture "
                        "(see images/README.md)")]
    if not isinstance(pose, dict):
        return [problem("pose", "must be a mapping with ground, start, end and arrow")]
    problems = [problem(f"pose.{k}", f"unknown key (allowed: {', '.join(KEYS)})")
                for k in pose if k not in KEYS]
    ground = pose.get("ground")
    if ground not in GROUNDS:
        problems.append(problem("pose.ground", f"must be one of {', '.join(GROUNDS)}, "
                                f"not {ground!r}"))
    for phase in ("start", "end"):
        joints = pose.get(phase)
        if not isinstance(joints, dict):
            problems.append(problem(f"pose.{phase}", "missing: give the joints "
                                    f"{', '.join(REQUIRED)} as [x, y]"))
            continue
        missing = [j for j in REQUIRED if j not in joints]
        if missing:
            problems.append(problem(f"pose.{phase}", f"missing joint{'s' * (len(missing) > 1)} "
                                    f"{', '.join(missing)}"))
        for name, value in joints.items():
            if name not in REQUIRED and name not in OPTIONAL:
                problems.append(problem(f"pose.{phase}.{name}", "unknown joint (joints: "
                                        f"{', '.join(REQUIRED + OPTIONAL)})"))
            else:
                problems += _xy_problems(value, f"pose.{phase}.{name}", problem)
    arrow = pose.get("arrow")
    if arrow is not None:
        if not isinstance(arrow, dict) or "from" not in arrow or "to" not in arrow:
            problems.append(problem("pose.arrow", "must have from: [x, y] and to: [x, y]"))
        else:
            for key, value in arrow.items():
                if key in ("from", "to"):
                    problems += _xy_problems(value, f"pose.arrow.{key}", problem)
                elif key == "bend":
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        problems.append(problem("pose.arrow.bend", "must be a number"))
                elif key == "both":
                    if not isinstance(value, bool):
                        problems.append(problem("pose.arrow.both", "must be true or false"))
                else:
                    problems.append(problem(f"pose.arrow.{key}",
                                            "unknown key (allowed: from, to, bend, both)"))
    if "chair" in pose:
        problems += _xy_problems(pose["chair"], "pose.chair", problem)
    return problems


def _xy_problems(value, field: str, problem) -> list[Problem]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)):
        return [problem(field, f"must be [x, y] with two numbers, not {value!r}")]
    x, y = value
    if not (0 <= x <= BOX_W and 0 <= y <= BOX_H):
        return [problem(field, f"[{x}, {y}] is outside the picture (x 0 to {BOX_W:g}, "
                        f"y 0 to {BOX_H:g})")]
    return []


# --------------------------------------------------------------------------- drawing

def pictogram(pose: dict, width: float = 45 * mm, *, file: str = "stretches.yaml",
              item: str | None = None) -> Drawing:
    """The stretch as a pictogram `width` points wide (height 0.6 x width).

    Raises DataError (naming file and item) when the pose cannot be drawn."""
    problems = pose_problems(pose, file=file, item=item, line=None)
    if problems:
        raise DataError(problems)
    start, end = pose["start"], pose["end"]
    ground = pose["ground"]
    # Zoom so the figure fills the frame (a lying figure uses only the bottom of the box),
    # but keep strokes the same width on every pictogram: a consistent style.
    x0, y0, x1, y1 = _extent(pose)
    zoom = min(BOX_W / (x1 - x0), BOX_H / (y1 - y0), MAX_ZOOM)
    cx = (x0 + x1) / 2
    scale = width / BOX_W
    d = Drawing(width, BOX_H * scale)
    ox = BOX_W / 2 - cx * zoom  # centre horizontally; floor (or content) at the bottom
    oy = -y0 * zoom + (0 if ground != "none" else (BOX_H - (y1 - y0) * zoom) / 2)
    g = Group(transform=(scale * zoom, 0, 0, scale * zoom, ox * scale, oy * scale))
    w = 1 / zoom  # stroke widths are given at zoom 1
    if ground == "chair":
        _chair(g, pose, w)
    if ground in ("floor", "chair"):
        g.add(Line(x0, 0, x1, 0, strokeColor=GROUND_GREY, strokeWidth=1.4 * w))
    _figure(g, start, START_GREY, START_FAR, w)
    _figure(g, end, END_INK, END_FAR, w)
    if pose.get("arrow"):
        _arrow(g, pose["arrow"], w)
    d.add(g)
    return d


MAX_ZOOM = 1.5
PAD = 5.0


def _extent(pose: dict) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) the picture needs, padded, in pose units."""
    pts = [tuple(v) for phase in ("start", "end") for v in pose[phase].values()]
    if pose.get("arrow"):
        pts += [tuple(pose["arrow"]["from"]), tuple(pose["arrow"]["to"])]
    if pose["ground"] == "chair":
        fx, seat_y, back_x, top = _chair_shape(pose)
        pts += [(fx, 0), (back_x, top)]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1 = min(xs) - HEAD_R - PAD, max(xs) + HEAD_R + PAD
    y0 = 0.0 if pose["ground"] != "none" else min(ys) - HEAD_R - PAD
    y1 = max(ys) + HEAD_R + PAD
    # Keep the frame's shape: widen or heighten the box to BOX_W : BOX_H.
    if (x1 - x0) / (y1 - y0) < BOX_W / BOX_H:
        grow = (y1 - y0) * BOX_W / BOX_H - (x1 - x0)
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    else:
        grow = (x1 - x0) * BOX_H / BOX_W - (y1 - y0)
        if pose["ground"] != "none":
            y1 += grow
        else:
            y0, y1 = y0 - grow / 2, y1 + grow / 2
    return x0, y0, x1, y1


def _stroke(g: Group, points, color, width: float) -> None:  # width already zoomed
    flat = [c for p in points for c in p]
    g.add(PolyLine(flat, strokeColor=color, strokeWidth=width, strokeLineCap=1,
                   strokeLineJoin=1))


def _figure(g: Group, j: dict, ink, far_ink, w: float = 1.0) -> None:
    """Far limbs first (behind), then trunk, head, near leg and near arm."""
    def p(name):
        return tuple(j[name])

    if "knee_far" in j:
        leg = [p("hip"), p("knee_far")] + [p(n) for n in ("ankle_far", "toe_far") if n in j]
        _stroke(g, leg, far_ink, LIMB_W * w)
    if "elbow_far" in j:
        arm = [p("shoulder"), p("elbow_far")] + ([p("wrist_far")] if "wrist_far" in j else [])
        _stroke(g, arm, far_ink, LIMB_W * w)
    if "back" in j:  # a curved trunk: quadratic through the back point, as a cubic
        (x0, y0), (bx, by), (x2, y2) = p("hip"), p("back"), p("shoulder")
        cx, cy = 2 * bx - (x0 + x2) / 2, 2 * by - (y0 + y2) / 2  # control point through back
        path = Path(strokeColor=ink, strokeWidth=TRUNK_W * w, fillColor=None, strokeLineCap=1)
        path.moveTo(x0, y0)
        path.curveTo(x0 + 2 / 3 * (cx - x0), y0 + 2 / 3 * (cy - y0),
                     x2 + 2 / 3 * (cx - x2), y2 + 2 / 3 * (cy - y2), x2, y2)
        g.add(path)
        _stroke(g, [p("shoulder"), p("neck")], ink, TRUNK_W * w)
    else:
        _stroke(g, [p("hip"), p("shoulder"), p("neck")], ink, TRUNK_W * w)
    g.add(Circle(*p("head"), HEAD_R, fillColor=ink, strokeColor=None))
    _stroke(g, [p("hip"), p("knee"), p("ankle"), p("toe")], ink, LIMB_W * w)
    _stroke(g, [p("shoulder"), p("elbow"), p("wrist")], ink, LIMB_W * w)


def _chair_shape(pose: dict) -> tuple[float, float, float, float]:
    """(front x, seat y, backrest x, backrest top y) of the chair for this pose."""
    hx, hy = pose["start"]["hip"]
    ahead = 1 if pose["start"]["knee"][0] >= hx else -1  # the chair faces where the knees point
    if pose.get("chair"):
        fx, seat_y = pose["chair"]
    else:  # default: the seat top just under the hip, its front edge a little ahead
        fx, seat_y = hx + ahead * 6, max(hy - 3, 2)
    return fx, seat_y, fx - ahead * 18, min(seat_y + 20, BOX_H)


def _chair(g: Group, pose: dict, w: float = 1.0) -> None:
    """A plain side-view chair in grey: seat, front leg, backrest and back leg."""
    fx, seat_y, back_x, top = _chair_shape(pose)
    kw = dict(strokeColor=Color(0.55, 0.55, 0.55), strokeWidth=1.8 * w, strokeLineCap=1,
              strokeLineJoin=1)
    g.add(Line(back_x, top, back_x, 0, **kw))
    g.add(Line(back_x, seat_y, fx, seat_y, **kw))
    g.add(Line(fx, seat_y, fx, 0, **kw))


def _arrow(g: Group, arrow: dict, w: float = 1.0) -> None:
    (x0, y0), (x1, y1) = arrow["from"], arrow["to"]
    bend = float(arrow.get("bend", 0) or 0)
    # Control point: the chord's midpoint pushed sideways by `bend` (left of travel is +).
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    cx, cy = (x0 + x1) / 2 + nx * bend * 2, (y0 + y1) / 2 + ny * bend * 2
    head = 4.6 * w
    path = Path(strokeColor=black, strokeWidth=1.7 * w, fillColor=None, strokeLineCap=1)
    # Stop the line short of each arrow head so its end is a clean point.
    sx, sy = _toward(x0, y0, cx, cy, head * 0.8 if arrow.get("both") else 0)
    ex, ey = _toward(x1, y1, cx, cy, head * 0.8)
    path.moveTo(sx, sy)
    path.curveTo(sx + 2 / 3 * (cx - sx), sy + 2 / 3 * (cy - sy),
                 ex + 2 / 3 * (cx - ex), ey + 2 / 3 * (cy - ey), ex, ey)
    g.add(path)
    _head(g, x1, y1, cx, cy, head)
    if arrow.get("both"):
        _head(g, x0, y0, cx, cy, head)


def _toward(x, y, tx, ty, dist):
    length = math.hypot(tx - x, ty - y) or 1.0
    return x + (tx - x) * dist / length, y + (ty - y) * dist / length


def _head(g: Group, x, y, cx, cy, size) -> None:
    """A filled arrow head at (x, y), pointing away from the control point (cx, cy)."""
    a = math.atan2(y - cy, x - cx)
    left = (x - size * math.cos(a - 0.45), y - size * math.sin(a - 0.45))
    right = (x - size * math.cos(a + 0.45), y - size * math.sin(a + 0.45))
    g.add(Polygon([x, y, *left, *right], fillColor=black, strokeColor=black,
                  strokeWidth=size / 10, strokeLineJoin=1))
