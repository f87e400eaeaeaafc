"""A stretch's animated picture: an SVG figure moving from the start pose to the end pose
(through the middle one, if the pose has it) and back, with SMIL animation, so it moves
with no script and from a file on disk.

The joints come from the stretch's `pose:` block, checked by render/pose.py; between two
phases each limb turns about the joint it hangs from (pose.PARENT), so a limb keeps its
length while it moves instead of shrinking along a straight line. The figure is a plain
one: each body part a round-ended bar, drawn outline first and then filled, a group at a
time, so a part reads as one shape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from ..errors import DataError, Problem
from ..render.pose import (BOX_H, BOX_W, PARENT, SIDEWAYS, front_side, hollow_bow, phases,
                           pose_problems, prop_list, sub)

FRAMES = 12  # drawn between two phases; the browser moves in straight lines between them
MOVE_S, HOLD_START_S, HOLD_END_S = 2.5, 1.0, 2.0
PAD = 5.0

# (name, from joint, to joint, width in pose units); a joint missing from the pose leaves
# its part out. Groups are drawn back to front; each group's outlines, then its fills.
FAR = (("arm-far", ("shoulder_far", "shoulder"), "elbow_far", 3.2),
       ("forearm-far", "elbow_far", "wrist_far", 2.6),
       ("hand-far", "wrist_far", "hand_far", 1.9),
       ("thigh-far", ("hip_far", "hip"), "knee_far", 5.6),
       ("shin-far", "knee_far", "ankle_far", 4.0),
       ("foot-far", "ankle_far", "toe_far", 2.2))
BODY = (("thigh", "hip", "knee", 5.8),
        ("shin", "knee", "ankle", 4.2),
        ("foot", "ankle", "toe", 2.4),
        ("trunk-low", "hip", "back", 8.0),
        ("trunk-high", ("back", "hip"), "shoulder", 8.0),
        ("neck", "shoulder", "neck", 3.0),
        ("head", "head", "head", 7.6))
NEAR = (("arm", "shoulder", "elbow", 3.4),
        ("forearm", "elbow", "wrist", 2.8),
        ("hand", "wrist", "hand", 2.0))
GROUPS = (("far", FAR), ("body", BODY), ("near", NEAR))
MAT_DEPTH, BED_DEPTH = 1.6, 5.0
OUTLINE = 0.9  # the black edge round each part, in pose units


@dataclass(frozen=True)
class Animation:
    svg: str  # the <svg> element, ready to place in a page
    duration: float  # seconds for one cycle, there and back
    frames: tuple[dict, ...]  # the joints at each key time, for tests


def _angle_lerp(a: float, b: float, t: float) -> float:
    return a + ((b - a + math.pi) % (2 * math.pi) - math.pi) * t


def tween(a: dict, b: dict, t: float) -> dict:
    """The joints a fraction t of the way from phase a to phase b: the hip (and any joint
    that hangs from none) moves straight; every other joint turns about its parent."""
    out: dict[str, tuple[float, float]] = {}

    def place(joint):
        if joint in out:
            return out[joint]
        parent = PARENT.get(joint)
        if parent in a and parent in b:
            base = place(parent)
            va, vb = sub(a[joint], a[parent]), sub(b[joint], b[parent])
            length = math.hypot(*va) * (1 - t) + math.hypot(*vb) * t
            angle = _angle_lerp(math.atan2(va[1], va[0]), math.atan2(vb[1], vb[0]), t)
            out[joint] = (base[0] + length * math.cos(angle), base[1] + length * math.sin(angle))
        else:
            out[joint] = (a[joint][0] + (b[joint][0] - a[joint][0]) * t,
                          a[joint][1] + (b[joint][1] - a[joint][1]) * t)
        return out[joint]

    for joint in a:
        if joint in b:
            place(joint)
    return out


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def key_frames(pose: dict) -> tuple[list[dict], list[float]]:
    """The joints at each key time and the times (0 to 1) of one cycle: hold the start,
    move to the end through each phase, hold it, and move back the same way."""
    named = [_hollowed(pose, {k: tuple(v) for k, v in joints.items()})
             for _, joints in phases(pose)]
    common = set.intersection(*(set(j) for j in named))
    named = [{k: v for k, v in j.items() if k in common} for j in named]
    legs = len(named) - 1
    total = HOLD_START_S + HOLD_END_S + 2 * legs * MOVE_S
    frames, times = [named[0]], [0.0]
    clock = HOLD_START_S
    for path in (named, named[::-1]):
        frames.append(path[0])
        times.append(clock)
        for a, b in zip(path, path[1:]):
            for i in range(1, FRAMES + 1):
                frames.append(tween(a, b, _ease(i / FRAMES)))
                times.append(clock + MOVE_S * i / FRAMES)
            clock += MOVE_S
        if path is named:
            clock += HOLD_END_S
    return frames, [t / total for t in times]


def _hollowed(pose: dict, joints: dict) -> dict:
    """`hollow: true` as the printed picture draws it (pose.hollow_bow): the spine straight,
    the small of the back lifted off the mat and the belly a little. The trunk here is two
    bars of one width round `back`, so `back` moves to the middle of the two lines: the
    gap under it shows, a little lower than in print, with no big belly over it."""
    if not pose.get("hollow") or pose.get("view", "side") not in SIDEWAYS:
        return joints
    t_back, n, back_by, front_by = hollow_bow(joints, front_side(joints, pose.get("face")))
    hip, shoulder = joints["hip"], joints["shoulder"]
    on_line = (hip[0] + (shoulder[0] - hip[0]) * t_back, hip[1] + (shoulder[1] - hip[1]) * t_back)
    mid = (back_by + front_by) / 2
    return dict(joints, back=(on_line[0] + n[0] * mid, on_line[1] + n[1] * mid))


def animate(stretch) -> Animation:
    """The stretch's animated SVG; DataError (one line, naming the file, the stretch and
    the field) when its pose cannot be drawn or nothing in it moves."""
    pose = stretch.pose
    problems = pose_problems(pose, file=stretch.source.file or "stretches.yaml",
                             item=stretch.id, line=stretch.source.line or None)
    if problems:
        first = problems[0]
        raise DataError(Problem(first.file, first.line, first.item, first.field,
                                f"cannot animate: {first.message}"))
    frames, times = key_frames(pose)
    # A pose whose start and end are the same (walking: one walker in mid stride) is a
    # still picture: the same SVG, holding one position.
    duration = HOLD_START_S + HOLD_END_S + 2 * (len(phases(pose)) - 1) * MOVE_S
    return Animation(_svg(stretch, pose, frames, times, duration), duration, tuple(frames))


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _ends(part, joints):
    name, first, second, width = part
    first = next((j for j in (first if isinstance(first, tuple) else (first,)) if j in joints),
                 None)
    if first is None or second not in joints:
        return None
    return first, second


def _svg(stretch, pose: dict, frames: list[dict], times: list[float], duration: float) -> str:
    prefix = f"fig-{stretch.id}"
    joints = frames[0]
    xs = [p[0] for f in frames for p in f.values()]
    ys = [p[1] for f in frames for p in f.values()]
    props, prop_xs = _props(pose, min(xs) - 2, max(xs) + 2)
    x0, x1 = max(min(xs + prop_xs) - PAD, -PAD), min(max(xs + prop_xs) + PAD, BOX_W + PAD)
    y0, y1 = min(min(ys), 0.0) - PAD, min(max(ys) + PAD, BOX_H + PAD)
    if _has_floor(pose):  # under a mat or bed, not across it
        names = [name for name, _ in prop_list(pose)]
        floor = -BED_DEPTH if "bed" in names else -MAT_DEPTH if "mat" in names else 0.0
        props.insert(0, f'<line class="floor" x1="{_n(x0)}" y1="{_n(floor)}" x2="{_n(x1)}" '
                        f'y2="{_n(floor)}"/>')
    width, height = x1 - x0, y1 - y0
    key_times = ";".join(_n(t) for t in times[:-1]) + ";1"
    timing = (f'dur="{_n(duration)}s" repeatCount="indefinite" calcMode="linear" '
              f'keyTimes="{key_times}"')
    defs, uses = [], []
    for group, parts in GROUPS:
        outlines, fills = [], []
        for part in parts:
            ends = _ends(part, joints)
            if ends is None:
                continue
            a, b = ends
            values = ";".join(f"M{_n(f[a][0])} {_n(f[a][1])}L{_n(f[b][0])} {_n(f[b][1])}"
                              for f in frames)
            first = values.split(";", 1)[0]
            pid = f"{prefix}-{part[0]}"
            defs.append(f'<path id="{pid}" d="{first}"><animate attributeName="d" '
                        f'values="{values}" {timing}/></path>')
            outlines.append(f'<use href="#{pid}" stroke-width="{_n(part[3] + 2 * OUTLINE)}"/>')
            fills.append(f'<use href="#{pid}" stroke-width="{_n(part[3])}"/>')
        if outlines:
            uses.append(f'<g class="part {group}"><g class="edge">{"".join(outlines)}</g>'
                        f'<g class="fill">{"".join(fills)}</g></g>')
    title = escape(f"Moving picture of the {stretch.name.lower()}")
    desc = escape(f"A figure moves slowly from the start position to the end position and "
                  f"back, over and over ({_n(duration)} seconds each time).")
    # y up in the pose, down in SVG: the figure is drawn flipped about the middle.
    flip = f"matrix(1 0 0 -1 0 {_n(y0 + y1)})"
    return (f'<svg class="animation" id="{prefix}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{_n(x0)} {_n(y0)} {_n(width)} {_n(height)}" role="img" '
            f'aria-labelledby="{prefix}-title {prefix}-desc">'
            f'<title id="{prefix}-title">{title}</title><desc id="{prefix}-desc">{desc}</desc>'
            f'<defs>{"".join(defs)}</defs><g transform="{flip}">'
            f'{"".join(props)}{"".join(uses)}</g></svg>')


def _has_floor(pose: dict) -> bool:
    return pose.get("ground", "floor") in ("floor", "chair") and pose.get("view") != "above"


def _props(pose: dict, x0: float, x1: float) -> tuple[list[str], list[float]]:
    """The props (mat, bed, chair, pillow, wall, ball) as SVG, and how far across they
    reach; x0 and x1 bound the figure."""
    out, xs = [], []
    end = pose["end"]
    for name, value in prop_list(pose):
        if name in ("mat", "bed"):
            a, b = value or (x0, x1)
            xs += [a, b]
            depth = MAT_DEPTH if name == "mat" else BED_DEPTH
            out.append(f'<rect class="prop" x="{_n(a)}" y="{_n(-depth)}" width="{_n(b - a)}" '
                       f'height="{_n(depth)}" rx="0.6"/>')
        elif name == "chair":
            hx, hy = pose["start"]["hip"]
            ahead = 1 if pose["start"]["knee"][0] >= hx else -1
            fx, seat = value or pose.get("chair") or (hx + ahead * 7, max(hy - 4, 2))
            back = hx - ahead * 8
            a, b = sorted((fx, back))
            xs += [a - 1, b + 1]
            out.append(f'<rect class="prop" x="{_n(a)}" y="{_n(seat - 2)}" width="{_n(b - a)}" '
                       f'height="2" rx="0.5"/>'
                       f'<rect class="prop" x="{_n(back - 0.9)}" y="0" width="1.8" '
                       f'height="{_n(min(seat + 24, BOX_H))}" rx="0.5"/>'
                       f'<rect class="prop" x="{_n(fx - ahead * 1.6 - 0.8)}" y="0" width="1.6" '
                       f'height="{_n(seat)}" rx="0.3"/>')
        elif name == "pillow":
            # side on: a three-quarter pillow's length along the mat is left out
            cx, cy, *_ = value or (end["head"][0], max(end["head"][1] - 5.5, 1.8))
            xs += [cx - 6.5, cx + 6.5]
            out.append(f'<rect class="prop" x="{_n(cx - 6.5)}" y="{_n(cy - 1.8)}" width="13" '
                       f'height="3.6" rx="1.7"/>')
        elif name == "wall":
            x = value if value is not None else x1
            xs += [x - 1.5, x + 1.5]
            out.append(f'<rect class="prop" x="{_n(x - 1.5)}" y="0" width="3" '
                       f'height="{_n(BOX_H)}"/>')
        elif name == "ball":
            cx, cy = value or (x1 + 3.5, 3.5)
            xs += [cx - 3.5, cx + 3.5]
            out.append(f'<circle class="prop" cx="{_n(cx)}" cy="{_n(cy)}" r="3.5"/>')
    return out, xs
