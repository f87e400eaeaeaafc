"""Stretch pictures: an outlined human figure drawn from the `pose:` block of a stretch.

The pose gives joints only (format: images/README.md, checks: pose.py); this module puts a
body on them: a head with a face, a neck, a torso with depth, arms with hands, legs with
feet, each limb a tapered shape. Shapes of one body part group are merged (drawn stroked,
then filled again, so only their outer edge keeps a line), the way the point diagrams are
drawn: a thin black edge round a light grey body. The start position is a mid-grey figure
behind, the end position a full one in front ("together"), or the phases stand side by
side ("apart", every panel drawn alike). Props (mat, bed, chair, pillow, wall, ball) and
an arrow at the joint that moves complete it. Adding a stretch needs no code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from reportlab.graphics.shapes import FILL_NON_ZERO, Drawing, Group, Path, Polygon, PolyLine
from reportlab.lib.colors import Color, black, white
from reportlab.lib.units import mm

from handout.errors import DataError

from . import projection
from .pose import (BOX_H, BOX_W, PARENT, SIDEWAYS, THREE_D, arrow_list, face_vector,
                   front_side, hollow_bow, norm, phases, pose_problems, prop_list, sub)
from .pose import rot_quarter as rot

__all__ = ["pictogram", "pose_problems", "BOX_W", "BOX_H"]

# Body sizes in pose units (a standing adult is about 55 high).
HEAD_R = 3.7
NECK_R = 1.55
PELVIS_R, WAIST_R, CHEST_R, SHOULDER_R = 3.9, 3.3, 4.1, 3.4
THIGH_R, KNEE_R, CALF_R, ANKLE_R, HEEL_R, TOE_R = 3.0, 2.05, 2.15, 1.2, 1.05, 0.7
UPPER_ARM_R, ELBOW_R, WRIST_R = 1.7, 1.3, 1.0
PALM_R, THUMB_R = 1.3, 0.5
FOREFOOT_R = 1.75  # a foot seen from above, across its toes
HAND_LEN = 4.6
THIGH_LEN = 15.0  # hip to knee of a lying leg seen from above
RAISED = 1.1  # a knee drawn this much larger comes towards the eye: its shin in shade

# Line weights in pose units at zoom 1 (the width of a 100-unit picture): about the point
# diagrams' edge lines at the same printed width.
EDGE = 0.62
GHOST_EDGE = 0.75
HALO = 0.6  # the white edge round a limb crossing in front of another
ARROW_W, ARROW_HEAD = 1.05, 3.6
MAX_ZOOM = 1.6
MAX_ZOOM_3D = 2.3  # a three-quarter picture, cut to the body, may be drawn larger
MIN_ASPECT, MAX_ASPECT = 0.45, 0.85  # a picture's height for its width
# Three-quarter panels one above the other (knee rolls) may stand taller, so each panel
# keeps the full width (round 14: side by side, each only 27 mm wide at 54 mm)
MAX_ASPECT_STACKED_3D = 1.45
PAD = 3.0
# The oblique view's mat: its top a band running into the picture, from its near edge at
# y = 0 to its far edge, which lies a little to one side (the view is a little from the
# feet end), over a strip for its thickness.
MAT_BAND, MAT_SKEW = 18.0, 5.0
GAP = 11.0  # between the phases of an "apart" picture
# between three-quarter panels one above the other: the cut edges of their mats part
# them, so each can keep the full width (knee rolls from the feet end)
GAP_STACKED_3D = 7.5
BADGE_R = 2.4  # the ring round a panel's number


@dataclass(frozen=True)
class Ink:
    fill: Color
    edge: Color
    hair: Color
    edge_w: float
    dash: tuple = ()  # the outline's dashes and gaps, in pose units at zoom 1; () solid


FULL = Ink(Color(0.90, 0.90, 0.90), black, Color(0.42, 0.42, 0.42), EDGE)
# The start position: a mid-grey figure with a dark grey, dashed outline, so it survives
# a black-and-white print (a light grey edge faded out) and is told apart from the
# black-edged end position by its outline as well as by its tone.
# Round 12's blind check still found a 0.25 grey dash "may print faintly": near black,
# bolder and longer dashes.
GHOST = Ink(Color(0.80, 0.80, 0.80), Color(0.1, 0.1, 0.1), Color(0.62, 0.62, 0.62),
            GHOST_EDGE, (2.2, 0.9))
PROP_FILL, PROP_DARK = Color(0.80, 0.80, 0.80), Color(0.66, 0.66, 0.66)
FLOOR = Color(0.35, 0.35, 0.35)
# The arrow between the panels of an "apart" picture says "then", not "move this way"
# (its two heads and its place between the figures tell it from a motion arrow): near
# black, as round 13's check found the mid grey one "may disappear on a black-and-white print".
THEN = Color(0.12, 0.12, 0.12)
# The gap under a hollow back: plain air, white (a blind check read a grey wedge there as a
# rolled towel, hatching as a cushion); it is kept as a shape so nothing else shows in it.
HOLLOW = white


# --------------------------------------------------------------------------- shapes

def circle(c, r, n: int = 24) -> list[tuple[float, float]]:
    return [(c[0] + r * math.cos(2 * math.pi * i / n), c[1] + r * math.sin(2 * math.pi * i / n))
            for i in range(n)]


def capsule(p1, r1, p2, r2, n: int = 10) -> list[tuple[float, float]]:
    """A limb: two circles and the lines touching both (a tapered, round-ended bar)."""
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    d = math.hypot(dx, dy)
    if d <= abs(r1 - r2) + 1e-6:  # one circle holds the other
        return circle(p1 if r1 >= r2 else p2, max(r1, r2))
    phi = math.atan2(dy, dx)
    theta = math.asin((r1 - r2) / d)
    half = math.pi / 2 + theta
    pts = []
    for i in range(n + 1):  # round the far end
        a = phi - half + 2 * half * i / n
        pts.append((p2[0] + r2 * math.cos(a), p2[1] + r2 * math.sin(a)))
    for i in range(n + 1):  # and back round the near end
        a = phi + half + (2 * math.pi - 2 * half) * i / n
        pts.append((p1[0] + r1 * math.cos(a), p1[1] + r1 * math.sin(a)))
    return pts


def lerp(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def add(a, b, k: float = 1.0):
    return (a[0] + b[0] * k, a[1] + b[1] * k)


@dataclass
class Layer:
    """Shapes that merge into one outlined silhouette, and marks drawn on top of it."""
    ink: Ink
    shapes: list = field(default_factory=list)
    marks: list = field(default_factory=list)  # (points, colour) filled, no edge
    halo: bool = False  # a white edge round it: a limb crossing in front of another
    part: str = ""  # which part it is (three-quarter view: leg, leg_far, arm, body...)


@dataclass
class Scene:
    """Everything in pose units, before it is fitted to the picture's frame."""
    behind: list = field(default_factory=list)   # props: (points, fill, edge, width)
    layers: list = field(default_factory=list)
    lines: list = field(default_factory=list)    # (points, colour, width)
    arrows: list = field(default_factory=list)   # (points, heads at start?, at end?, colour)
    # A close-up shows only what lies in these boxes (x0, y0, x1, y1); its arrows are not
    # cut.
    clips: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # the panels of an "apart" picture, each
    # drawn (and cut) on its own
    badges: list = field(default_factory=list)  # (centre, number): a panel's place in turn
    over: list = field(default_factory=list)  # lines on the figure: (points, colour, width)

    def points(self):
        for pts in self._all():
            for pt in pts:
                if not self.clips or any(_in_box(pt, box) for box in self.clips):
                    yield pt
        for x0, y0, x1, y1 in self.clips:
            yield from ((x0, y0), (x1, y1))
        for part in self.parts:
            yield from part.points()
        for (x, y), _ in self.badges:
            yield from ((x - BADGE_R, y - BADGE_R), (x + BADGE_R, y + BADGE_R))

    def _all(self):
        yield from (pts for pts, *_ in self.behind)
        yield from (pts for layer in self.layers for pts in layer.shapes)
        yield from (pts for pts, *_ in self.lines)
        yield from (pts for pts, *_ in self.over)
        yield from (pts for pts, *_ in self.arrows)

    def shifted(self, dx: float, dy: float) -> "Scene":
        def mv(pts):
            return [(x + dx, y + dy) for x, y in pts]
        return Scene([(mv(p), *rest) for p, *rest in self.behind],
                     [Layer(la.ink, [mv(p) for p in la.shapes],
                            [(mv(p), c) for p, c in la.marks], la.halo)
                      for la in self.layers],
                     [(mv(p), *rest) for p, *rest in self.lines],
                     [(mv(p), *rest) for p, *rest in self.arrows],
                     [(x0 + dx, y0 + dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in self.clips],
                     [part.shifted(dx, dy) for part in self.parts],
                     [((x + dx, y + dy), n) for (x, y), n in self.badges],
                     [(mv(p), *rest) for p, *rest in self.over])


def _in_box(pt, box) -> bool:
    return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]


def bbox(points) -> tuple[float, float, float, float]:
    pts = list(points)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


# --------------------------------------------------------------------------- the body

def body_layers(j: dict, face: str, view: str, ink: Ink, turned=(),
                flat_front: bool = False, flat=()) -> list[Layer]:
    """The figure for one phase, back to front. A near leg in `turned` (a figure-4's
    crossing leg, its knee out towards us) is a shade darker, as from the feet.
    flat_front: the back's line bows through `back` but the belly's stays straight (a
    hollow under the lower back, not a big belly). flat: the hands (hand, hand_far) lying
    flat, palm down."""
    p = {k: tuple(v) for k, v in j.items()}
    s = front_side(p, face) if view in SIDEWAYS else 1
    far_arm = _arm(p, "_far", ink, "hand_far" in flat) if "elbow_far" in p else None
    far_leg = _leg(p, "_far", s, view, ink, "leg_far" in turned) if "knee_far" in p else None
    near_arm = _arm(p, "", ink, "hand" in flat)
    near_leg = _leg(p, "", s, view, ink, "leg" in turned)
    if far_leg and (view == "feet" or "leg" in turned):  # the legs cross: the near one a
        near_leg.ink = replace(ink, fill=_darker(ink.fill))  # shade darker, told apart
        near_leg.halo = view in SIDEWAYS  # and cut out of the leg behind by a white edge
    elif far_leg and view == "above" and ink != GHOST:  # from above leg_far lies on top:
        # it is the darker (not in the pale earlier position, which would then be darker
        # than the end's legs; its grey outline tells its two legs apart)
        far_leg.ink = replace(ink, fill=_darker(ink.fill))
    if view == "above":
        for leg, far in ((near_leg, ""), (far_leg, "_far")):
            if leg and _nearer(p.get("hip" + far, p["hip"]), p["knee" + far]) > RAISED:
                leg.marks.insert(0, (_shin_shade(p, far), _darker(leg.ink.fill, 0.09)))
    if view in SIDEWAYS:
        near_leg.marks.append((_thigh_top(p), near_leg.ink.fill))
    head = _head(p, face, view, s, ink)
    trunk = _trunk(p, view, ink, s if flat_front else 0)
    if view == "feet":  # seen from the feet: head furthest, then the trunk, then the legs
        # (the hands may hold the far thigh in front of it; the near leg may cross both)
        order = [head, trunk, far_leg, far_arm, near_arm, near_leg]
    elif view == "above":  # from above: the arms on the mat, the body, the raised legs
        # (leg_far on top: name the leg that ends uppermost so)
        order = [far_arm, near_arm, head, trunk, near_leg, far_leg]
    else:
        trunk.shapes += head.shapes
        trunk.marks += head.marks
        order = [far_arm, far_leg, trunk, near_leg, near_arm]
    return [layer for layer in order if layer]


def _darker(fill: Color, by: float = 0.13) -> Color:
    return Color(fill.red - by, fill.green - by, fill.blue - by)


def _shin_shade(p: dict, far: str) -> list:
    """A knee bent up, seen from above, is a ridge: the shin, sloping away from the light
    (from the head end), in shade beyond the knee, so the leg reads as a tent, not as a
    short leg lying flat. The shin's shape from the knee's middle on, a little inside its
    edge."""
    knee, ankle = p["knee" + far], p.get("ankle" + far)
    if not ankle:
        return []
    r = KNEE_R * _nearer(p.get("hip" + far, p["hip"]), knee) - 0.15
    along = norm(sub(ankle, knee))
    side = rot(along, 1)
    start = [add(knee, side, -r), add(knee, side, r)]
    tip = [pt for pt in capsule(knee, r, ankle, ANKLE_R - 0.15)
           if (pt[0] - knee[0]) * along[0] + (pt[1] - knee[1]) * along[1] > 0]
    return _convex(start + tip)


def _convex(pts) -> list:
    """The convex hull of the points, anticlockwise (monotone chain)."""
    pts = sorted(set(pts))
    def half(seq):
        out = []
        for pt in seq:
            while len(out) >= 2 and cross_z(sub(out[-1], out[-2]), sub(pt, out[-2])) <= 0:
                out.pop()
            out.append(pt)
        return out[:-1]
    return half(pts) + half(pts[::-1])


def _thigh_top(p: dict) -> list:
    """The near thigh grows out of the buttock: the round top of its shape, inside the
    pelvis, would read as a ball on the hip. This half disc, filled over it, hides that
    line and nothing beyond the pelvis."""
    hip = p["hip"]
    away = math.atan2(*reversed(sub(hip, p["knee"])))
    r = min(THIGH_R + 1.4 * EDGE, PELVIS_R - 0.1)
    return [hip] + [(hip[0] + r * math.cos(away + math.radians(a)),
                     hip[1] + r * math.sin(away + math.radians(a))) for a in range(-95, 96, 10)]


def _trunk(p: dict, view: str, ink: Ink, flat_front: int = 0) -> Layer:
    """flat_front: the front's side (+1 anticlockwise of the spine, -1), to keep it straight
    whatever the back does; 0: both lines bow with the spine."""
    if view not in SIDEWAYS and "hip_far" in p and "shoulder_far" in p:
        hips, shoulders = (p["hip"], p["hip_far"]), (p["shoulder"], p["shoulder_far"])
        mid_h, mid_s = lerp(*hips, 0.5), lerp(*shoulders, 0.5)
        # Face on, the trunk is as wide as its shoulders and hips all the way down.
        shapes = [capsule(*_pair(hips, PELVIS_R)), capsule(*_pair(shoulders, SHOULDER_R)),
                  capsule(mid_h, CHEST_R, mid_s, CHEST_R),
                  [hips[0], hips[1], shoulders[1], shoulders[0]]]
        for hip, shoulder, other in ((hips[0], shoulders[0], hips[1]),
                                     (hips[1], shoulders[1], hips[0])):
            # each flank: in from the hip to a waist, out again to the shoulder
            waist = lerp(lerp(hip, shoulder, 0.45), lerp(other, mid_s, 0.45), 0.12)
            shapes += [capsule(hip, PELVIS_R, waist, WAIST_R),
                       capsule(waist, WAIST_R, shoulder, SHOULDER_R)]
        return Layer(ink, shapes)
    samples = spine_samples(p)
    left, right = hollow_edges(p, flat_front) if flat_front else _edges(samples)
    shapes = [left + right[::-1], circle(samples[0][0], samples[0][1], 32),
              circle(samples[-1][0], samples[-1][1], 32)]
    shapes.append(capsule(p["shoulder"], NECK_R * 1.2, p["neck"], NECK_R))
    return Layer(ink, shapes)


def _edges(samples) -> tuple[list, list]:
    """The trunk's outline along the spine, its left (anticlockwise) and right sides: each
    one smooth line at the sample's radius (capsules of changing radius, one per piece,
    left steps along the back)."""
    left, right = [], []
    for i, (pt, r) in enumerate(samples):
        a = samples[max(i - 1, 0)][0]
        b = samples[min(i + 1, len(samples) - 1)][0]
        n = rot(norm(sub(b, a)), 1)
        left.append(add(pt, n, r))
        right.append(add(pt, n, -r))
    return left, right


def hollow_edges(p: dict, s: int) -> tuple[list, list]:
    """The trunk's sides (left, right, as _edges) when the lower back's hollow is the
    point: the spine straight from the hip to the shoulder, the back's line lifted in a
    smooth hump round `back` (the small of the back), as high as `back` lies off that line
    and reaching down to it at the buttock and at as far again past `back` (the ribs lie
    on the mat), the belly's line lifted a little with it (pose.hollow_bow)."""
    samples = spine_samples({k: v for k, v in p.items() if k != "back"}, 24)
    left, right = _edges(samples)
    t_back, n, back_by, front_by = hollow_bow(p, s)
    edge, front = (right, left) if s > 0 else (left, right)
    for i, (pt, _) in enumerate(samples):
        u = (i / 24 - t_back) / max(t_back, 0.05)
        if abs(u) < 1:
            bump = math.cos(math.pi / 2 * u) ** 2
            edge[i] = add(edge[i], n, back_by * bump)
            front[i] = add(front[i], n, front_by * bump)
    return left, right


def hollow_shade(p: dict, s: int) -> list:
    """The gap between the small of the back and the mat (y = 0): the back's line where
    it is lifted, closed along the mat; none when the back lies flat. Filled white: air
    (a grey fill read as a rolled towel), made big enough to see instead."""
    left, right = hollow_edges(p, s)
    plain = _edges(spine_samples({k: v for k, v in p.items() if k != "back"}, 24))
    back, flat = (right, plain[1]) if s > 0 else (left, plain[0])
    lifted = [pt for pt, low in zip(back, flat) if pt[1] > low[1] + 0.05]
    if not lifted or max(y for _, y in lifted) < 0.5:
        return []
    return lifted + [(lifted[-1][0], 0.0), (lifted[0][0], 0.0)]


def spine_samples(p: dict, n: int = 10) -> list:
    """(point, radius) along the trunk from the hip to the shoulder, bowed through `back`."""
    hip, shoulder = p["hip"], p["shoulder"]
    back = p.get("back", lerp(hip, shoulder, 0.5))
    ctrl = (2 * back[0] - (hip[0] + shoulder[0]) / 2, 2 * back[1] - (hip[1] + shoulder[1]) / 2)
    # Radii along the spine: pelvis, waist, chest, shoulders.
    stops = [(0.0, PELVIS_R), (0.45, WAIST_R), (0.78, CHEST_R), (1.0, SHOULDER_R)]
    samples = []
    for i in range(n + 1):
        t = i / n
        pt = ((1 - t) ** 2 * hip[0] + 2 * (1 - t) * t * ctrl[0] + t * t * shoulder[0],
              (1 - t) ** 2 * hip[1] + 2 * (1 - t) * t * ctrl[1] + t * t * shoulder[1])
        samples.append((pt, _interp(stops, t)))
    return samples


def _pair(pair, r):
    return pair[0], r, pair[1], r


def _interp(stops, t):
    for (t0, r0), (t1, r1) in zip(stops, stops[1:]):
        if t <= t1:
            return r0 + (r1 - r0) * (t - t0) / (t1 - t0)
    return stops[-1][1]


def _head(p: dict, face: str, view: str, s: int, ink: Ink) -> Layer:
    c = p["head"]
    n = face_vector(p, face, view)
    layer = Layer(ink, [circle(c, HEAD_R, 32), capsule(p["neck"], NECK_R, c, NECK_R)])
    if view in SIDEWAYS:
        a = norm(sub(c, p["neck"])) if sub(c, p["neck"]) != (0, 0) else rot(n, -s)
        side = s
        # Jaw and chin a little forward and down, a small nose, an eye, hair at the back.
        layer.shapes.append(circle(add(add(c, n, 1.05), a, -1.55), 2.45, 24))
        layer.shapes.append(capsule(add(add(c, n, 3.0), a, 0.1), 0.75,
                                    add(add(c, n, 4.15), a, -0.35), 0.38, 6))
        layer.marks.append((circle(add(add(c, n, 2.05), a, 0.55), 0.42, 10), ink.edge))
        start_a = math.atan2(a[1], a[0]) + math.radians(38) * side
        sweep = -math.radians(178) * side
    else:  # face on (from the feet or above): the eyes towards us, hair at the crown
        axis = norm(sub(c, p["neck"])) if sub(c, p["neck"]) != (0, 0) else (0.0, 1.0)
        across = rot(axis, -1)
        for dx in (-1.35, 1.35):
            layer.marks.append((circle(add(add(c, across, dx), axis, 0.2), 0.42, 10),
                                ink.edge))
        start_a, sweep = math.atan2(axis[1], axis[0]) - math.radians(82), math.radians(164)
    hair = [(c[0] + (HEAD_R - 0.02) * math.cos(start_a + sweep * i / 16),
             c[1] + (HEAD_R - 0.02) * math.sin(start_a + sweep * i / 16)) for i in range(17)]
    layer.marks.insert(0, (hair, ink.hair))
    return layer


def _arm(p: dict, far: str, ink: Ink, flat: bool = False) -> Layer:
    shoulder = p.get("shoulder" + far, p["shoulder"])
    elbow, wrist = p["elbow" + far], p.get("wrist" + far)
    shapes, marks = [capsule(shoulder, UPPER_ARM_R, elbow, ELBOW_R)], []
    if wrist:
        shapes.append(capsule(elbow, ELBOW_R, wrist, WRIST_R))
        tip = p.get("hand" + far) or add(wrist, norm(sub(wrist, elbow)), HAND_LEN)
        if flat:
            hand, marks = _flat_hand(wrist, norm(sub(tip, wrist)), ink)
            shapes += hand
        else:
            shapes += _mitten(wrist, norm(sub(tip, wrist)), norm(sub(wrist, elbow)))
    return Layer(ink, shapes, marks)


def _mitten(wrist, along, forearm) -> list:
    """A hand as a mitten: a palm broader than the wrist, round-ended, and a thumb on the
    inner side of the bend (a plain tapered bar read as a stump)."""
    palm_mid = add(wrist, along, HAND_LEN * 0.45)
    tip = add(wrist, along, HAND_LEN - PALM_R)
    side = 1 if cross_z(forearm, along) >= 0 else -1  # the thumb inside the bend
    thumb_from = add(wrist, along, HAND_LEN * 0.2)
    thumb_to = add(add(wrist, along, HAND_LEN * 0.55), rot(along, side), PALM_R + 0.5)
    return [capsule(wrist, WRIST_R * 1.05, palm_mid, PALM_R, 8),
            capsule(palm_mid, PALM_R, tip, PALM_R * 0.95, 8),
            capsule(thumb_from, THUMB_R, thumb_to, THUMB_R * 0.9, 6)]


FLAT_HAND_LEN = 6.6  # a flat hand drawn a little large, so its fingers read at 54 mm
# Its fingers, seen a little from above: (height of the finger's middle above the palm's
# underside, its radius, where it ends along the hand): one over another, the lower ones
# longer, so the tip is a row of fingertips, not a round stump.
FINGERS = ((0.4, 0.38, 1.0), (0.92, 0.33, 0.92), (1.36, 0.28, 0.82))


def _flat_hand(wrist, along, ink: Ink) -> tuple[list, list]:
    """A hand lying flat, palm down (slid under the back), from the side: its underside
    level with the wrist's, the back of the hand a low dome from the wrist to the knuckles,
    the fingers beyond it one over another, parted by thin lines, so it reads as a hand
    at a handout's size (a thick mitten there read as a block). Shapes and marks."""
    up = rot(along, 1) if rot(along, 1)[1] >= 0 else rot(along, -1)
    base = add(wrist, up, -WRIST_R)  # the underside, under the wrist

    def at(u, v):
        return add(add(base, along, u), up, v)

    knuckle = FLAT_HAND_LEN * 0.45
    shapes = [capsule(at(0, WRIST_R), WRIST_R, at(knuckle, 0.8), 0.8, 8)]
    marks = []
    for v, r, reach in FINGERS:
        shapes.append(capsule(at(knuckle - 0.5, v), r, at(FLAT_HAND_LEN * reach - r, v), r, 6))
    for (v0, r0, reach0), (v1, r1, _) in zip(FINGERS, FINGERS[1:]):
        # the line between two fingers, from the knuckles to the shorter one's tip
        mid = (v0 + r0 + v1 - r1) / 2
        end = FLAT_HAND_LEN * min(reach0, 1.0) - 2 * max(r0, r1)
        line = [at(knuckle + 0.3, mid - 0.09), at(end, mid - 0.09), at(end, mid + 0.09),
                at(knuckle + 0.3, mid + 0.09)]
        marks.append((line, ink.edge))
    return shapes, marks


def cross_z(a, b) -> float:
    return a[0] * b[1] - a[1] * b[0]


def _leg(p: dict, far: str, s: int, view: str, ink: Ink, turned: bool = False) -> Layer:
    hip = p.get("hip" + far, p["hip"])
    knee, ankle, toe = p["knee" + far], p.get("ankle" + far), p.get("toe" + far)
    toward = view == "above" or turned  # a knee that may come towards the eye
    knee_r = KNEE_R * (_nearer(hip, knee) if toward else 1.0)
    shapes = [capsule(hip, THIGH_R, knee, knee_r)]
    marks = []
    if ankle:
        shin = norm(sub(ankle, knee))
        bulge = 0.45 if view in SIDEWAYS else 0.0
        calf = add(lerp(knee, ankle, 0.3), rot(shin, s), bulge)  # the calf is behind
        shapes += [capsule(knee, knee_r, calf, CALF_R), capsule(calf, CALF_R, ankle, ANKLE_R)]
        if toe:
            if view in SIDEWAYS:
                heel = add(add(ankle, shin, 1.0), norm(sub(ankle, toe)), 0.9)
                shapes += [capsule(ankle, ANKLE_R, heel, HEEL_R, 6),
                           capsule(heel, HEEL_R, toe, TOE_R, 8),
                           capsule(ankle, ANKLE_R, toe, TOE_R, 8)]
            elif view == "above":  # the foot from above: narrow at the heel, broad at
                # the toes (round 8 read the even bars as fingers)
                shapes.append(_forefoot(ankle, toe))
            else:  # the foot seen end on: a short block under the ankle
                shapes.append(capsule(ankle, ANKLE_R * 1.1, toe, 1.3, 8))
    return Layer(ink, shapes, marks)


def _forefoot(ankle, toe) -> list:
    """A flat foot seen from above it (or from the feet end): narrow at the heel, broad
    at the toes (round 8 read even bars as fingers; from the feet end a side foot read
    as the shin's stump)."""
    return capsule(ankle, ANKLE_R, add(toe, norm(sub(toe, ankle)), 0.4), FOREFOOT_R, 8)


def _nearer(hip, knee) -> float:
    """From above (or a turned leg from the side), a thigh drawn shorter than its length
    rises to its knee towards the eye: the knee is nearer, so drawn larger (at most by
    90 %), and the thigh widens towards it."""
    d = math.dist(hip, knee)
    rise = math.sqrt(max(THIGH_LEN ** 2 - d * d, 0.0)) / THIGH_LEN
    return 1.0 + 0.9 * rise


# --------------------------------------------------------------------------- three-quarter

MAT_THICK = 1.6  # the mat's slab under a three-quarter view
HELD_DARKER = 0.16  # the leg a figure-4's crossing leg rests on: a light mid grey, the
# crossing leg as light as the body in front of it (round 14: a crossing leg 0.36 darker
# "prints as a blob"; round 13: a tangle at 0.13 with no white gap)
MAT_MARGIN = 3.5  # how far the mat shows beyond the body before the picture cuts it
LEG_APART_EDGE = 1.0  # two plain legs' outline: bolder than the body's EDGE
PILLOW_SIZE = (9.0, 15.0)  # along the mat, across (its height: under the head)
SOFT = 0.9  # the pillow's rounded corners
PUFF = 0.48  # a large pillow's corners: this share of its smaller side (round 38 read
# pillows drawn with the small pillow's corners as "a box", "a wedge")


def three_quarter_layers(j3: dict, face: str | None, ink: Ink, turned=(),
                         cam: projection.Camera = projection.DEFAULT) -> list[Layer]:
    """A body whose joints are 3D, seen by the three-quarter camera: each part drawn as
    the other views draw it, at its projected joints, the parts painted back to front by
    depth (projection.back_to_front) so the near leg covers the far one. A turned leg (a
    figure-4's crossing leg) keeps the light fill, its shin cut out of what lies behind by
    a white edge, and the leg it crosses is a light mid grey; two plain legs are
    outlined bold and the nearer is cut out of the other likewise."""
    j3 = {k: tuple(v) for k, v in j3.items()}
    p = projection.project_joints(j3, cam)
    s = front_side(p, face)
    trunk = _trunk(p, "above", ink) if "hip_far" in p and "shoulder_far" in p \
        else _trunk(p, "side", ink)
    # From the feet end the face looks towards us, as the feet view draws it; from the
    # side, a profile
    from_feet = cam.turn >= projection.FEET_END_TURN
    head = _head(p, face, "feet" if from_feet else "side", s, ink)
    trunk.shapes += head.shapes
    trunk.marks += head.marks
    hips = [j3["hip"], j3.get("hip_far", j3["hip"])]
    shoulders = [j3["shoulder"], j3.get("shoulder_far", j3["shoulder"])]
    trunk.part = "body"
    items = [(trunk, [(hips[0], shoulders[0]), (hips[1], shoulders[1])])]
    legs = []

    def chain(*names):
        return [tuple(j3[n]) for n in names if n in j3]

    for far in ("", "_far"):
        if "knee" + far in p:
            leg = replace(_leg(p, far, s, "side", ink), part="leg" + far)
            if from_feet and "toe" + far in p:  # the flat foot's top towards us
                leg.shapes.append(_forefoot(p["ankle" + far], p["toe" + far]))
            hip = j3.get("hip" + far, j3["hip"])
            if ("leg" + far) in turned:
                # A crossing leg is painted in two: its thigh may lie behind the other
                # leg while its shin rests in front, on that knee (the 4 seen open).
                thigh = replace(leg, shapes=leg.shapes[:1], part=f"leg{far}.thigh")
                leg = replace(leg, shapes=leg.shapes[1:], halo=True)
                items.append((thigh, [[hip, j3["knee" + far]]]))
                items.append((leg, [chain("knee" + far, "ankle" + far, "toe" + far)]))
            else:
                if turned:  # the leg the crossing one rests on, told apart by tone
                    leg.ink = replace(ink, fill=_darker(ink.fill, HELD_DARKER))
                legs.append(leg)
                items.append((leg, [[hip] + chain("knee" + far, "ankle" + far,
                                                   "toe" + far)]))
        if "elbow" + far in p:
            arm = replace(_arm(p, far, ink), part="arm" + far)
            items.append((arm, [[j3.get("shoulder" + far, j3["shoulder"])]
                                + chain("elbow" + far, "wrist" + far, "hand" + far)]))
    order = projection.back_to_front(items, cam)
    if len(legs) == 2:  # the nearer leg cut out of the one behind
        max(legs, key=order.index).halo = True
        for leg in legs:  # and both told apart by a bold outline, not by two greys
            # (round 12 read knee rolls' lowered legs as one grey blob, round 13 grey
            # on grey as merging)
            leg.ink = replace(ink, edge_w=LEG_APART_EDGE)
    return order


def three_quarter_props(pose: dict) -> list:
    """The mat as a slab (its top and the sides the camera sees) round the whole body,
    and the pillow a soft block under the head, projected as the body is."""
    cam = projection.camera_of(pose)
    joints = [tuple(v) for _, j in phases(pose) for v in j.values()]
    xs, zs = [p[0] for p in joints], [p[2] for p in joints]
    out = []
    stacked = []  # (x from, x to, top) of each pillow drawn so far
    for name, value in prop_list(pose):
        if name in ("mat", "bed"):
            a, b = value or (min(xs) - 4, max(xs) + 3)
            half = max(abs(z) for z in zs) + 2.5
            faces = projection.box_faces((a, -MAT_THICK, -half), (b, 0.0, half), cam)
            for corners, which in faces:
                fill = Color(0.95, 0.95, 0.95) if which == "top" else PROP_FILL
                out.append((corners, fill, black, 0.45))
        elif name == "pillow":
            out += _soft_pillow(pose, value, stacked, cam)
    return out


def _soft_pillow(pose: dict, value, stacked: list, cam) -> list:
    """A pillow across the mat under the head: [x, half height] or [x, half height,
    length along the mat] (9 by default), as a block with soft corners, the larger the
    rounder (a puffed pillow, not a box). A pillow over one listed before it lies on its
    top, so pillows stack."""
    head = pose["end"]["head"]
    cx, cy, *length = value or (head[0] - 0.5, (head[1] - HEAD_R + 0.2) / 2)
    w = length[0] if length else PILLOW_SIZE[0]
    d, h = PILLOW_SIZE[1], 2 * cy
    x0, x1 = cx - w / 2, cx + w / 2
    y0 = max([top for a, b, top in stacked if a < x1 and x0 < b], default=0.0)
    stacked.append((x0, x1, y0 + h))
    r = max(SOFT, PUFF * min(w, h))
    cz = head[2]
    # the corners drawn round, inset by the rounding so the pillow keeps its size
    inset = r - SOFT
    lo = (x0 + inset, y0 + inset, cz - d / 2 + inset)
    hi = (x1 - inset, y0 + h - inset, cz + d / 2 - inset)
    out = []
    for corners, which in projection.box_faces(lo, hi, cam):
        soft = _convex([pt for c in corners for pt in circle(c, r, 8 if r == SOFT else 16)])
        out.append((soft, Color(0.93, 0.93, 0.93) if which == "top" else PROP_FILL,
                    black, 0.45))
    return out


# --------------------------------------------------------------------------- props

def _props(pose: dict, view: str, figure_box) -> list:
    if view in THREE_D:
        return three_quarter_props(pose)
    x0, _, x1, _ = figure_box
    out = []
    for name, value in prop_list(pose):
        if name == "mat" and view == "above":  # the mat's top, round the whole body
            a, b = value or (x0 - 3, x1 + 3)
            y0, y1 = figure_box[1] - 3, figure_box[3] + 3
            out.append((_rounded(a, y0, b, y1, 1.5), Color(0.96, 0.96, 0.96), black, 0.45))
        elif name == "mat" and view == "oblique":
            a, b = value or (x0 - 3, x1 + 1)
            out.append(([(a, 0), (b, 0), (b + MAT_SKEW, MAT_BAND), (a + MAT_SKEW, MAT_BAND)],
                        Color(0.95, 0.95, 0.95), black, 0.45))
            out.append((_rounded(a, -1.6, b, 0.0, 0.6), PROP_FILL, black, 0.45))
        elif name == "mat":
            a, b = value or (x0 - 2, x1 + 2)
            if view == "feet":  # the mat's top seen running away from us, then its edge
                top, inset = figure_box[3] + 3, (b - a) * 0.16
                out.append(([(a, 0), (b, 0), (b - inset, top), (a + inset, top)],
                            Color(0.94, 0.94, 0.94), Color(0.5, 0.5, 0.5), 0.4))
            out.append((_rounded(a, -1.5, b, 0.0, 0.7), PROP_FILL, black, 0.45))
        elif name == "bed":
            a, b = value or (x0 - 3, x1 + 3)
            out.append((_rounded(a, -5.0, b, 0.0, 1.6), white, black, 0.5))
            for leg in (a + 2.5, b - 4.0):
                out.append((_rounded(leg, -9.0, leg + 1.5, -5.0, 0.3), PROP_DARK, black, 0.4))
        elif name == "chair":
            out += _chair(pose, value)
        elif name == "pillow":
            cx, cy = value or _pillow_spot(pose, view)
            w, h = (8.0, 17.0) if view == "above" else (13.0, 3.6)  # from above: across
            out.append((_rounded(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, 1.7),
                        PROP_FILL, black, 0.45))  # the mat, under the head
        elif name == "wall":
            x = value if value is not None else x1 + 2
            inward = -1 if x >= (x0 + x1) / 2 else 1
            a, b = sorted((x, x - inward * 3.0))
            out.append((_rounded(a, 0.0, b, BOX_H, 0.0), PROP_DARK, black, 0.45))
        elif name == "ball":
            cx, cy = value or (x1 + 5, 3.5)
            out.append((circle((cx, cy), 3.5, 28), Color(0.62, 0.62, 0.62), black, 0.45))
    return out


def _pillow_spot(pose, view):
    head = pose["end"]["head"]
    if view == "above":  # under the head, a little towards the crown
        return head[0] - 1.0, head[1]
    return head[0], max(head[1] - HEAD_R - 1.8, 1.8)


def _rounded(x0, y0, x1, y1, r):
    if r <= 0:
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    pts = []
    for cx, cy, a0 in ((x1 - r, y0 + r, -90), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90),
                       (x0 + r, y0 + r, 180)):
        for i in range(5):
            a = math.radians(a0 + 90 * i / 4)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def _chair(pose: dict, value) -> list:
    """A plain side-view chair: seat, backrest and legs, behind the figure."""
    hx, hy = pose["start"]["hip"]
    ahead = 1 if pose["start"]["knee"][0] >= hx else -1  # the chair faces where the knees point
    if value is None:
        value = pose.get("chair")
    if value:
        fx, seat_y = value
    else:  # the seat top just under the buttocks, its front edge a little ahead
        fx, seat_y = hx + ahead * 7, max(hy - PELVIS_R, 2)
    back_x = hx - ahead * (PELVIS_R + 3.5)
    for _, joints in phases(pose):  # behind the most rounded back of any phase, with room
        bx = joints.get("back", joints["hip"])[0]  # for an arrow along that back
        back_x = min(back_x, bx - WAIST_R - 5) if ahead > 0 else max(back_x, bx + WAIST_R + 5)
    top = min(seat_y + 24, BOX_H)
    a, b = sorted((fx, back_x))
    kw = (PROP_FILL, black, 0.45)
    return [(_rounded(back_x - 0.9, 0, back_x + 0.9, top, 0.5), *kw),
            (_rounded(fx - ahead * 1.6 - 0.8, 0, fx - ahead * 1.6 + 0.8, seat_y, 0.3), *kw),
            (_rounded(a, seat_y - 2.0, b, seat_y, 0.6), *kw)]


# --------------------------------------------------------------------------- arrows

def _arrow_path(pose: dict, arrow: dict, end: dict | None = None) -> tuple[list, bool]:
    """The arrow's points along its line, and whether it has a head at the start too."""
    both = bool(arrow.get("both"))
    end = end or pose["end"]
    if pose.get("view") in THREE_D:
        return _arrow_path_3d(pose, arrow, end), both
    if "at" in arrow:
        joint = arrow["at"]
        pivot_name = arrow.get("around", PARENT.get(joint))
        centre = tuple(end[pivot_name])
        start_pivot = tuple(pose["start"].get(pivot_name, centre))
        v0 = sub(pose["start"][joint], start_pivot)
        v1 = sub(end[joint], centre)
        r = max(math.hypot(*v0), math.hypot(*v1)) + float(arrow.get("offset", 4.5))
        a0, a1 = math.atan2(v0[1], v0[0]), math.atan2(v1[1], v1[0])
        sweep = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
        # Shorten the arc a little at each end, so it sits between the two positions.
        trim = min(abs(sweep) * 0.12, 3.0 / r)
        a0 += math.copysign(trim, sweep)
        sweep -= math.copysign(2 * trim, sweep)
        pts = [(centre[0] + r * math.cos(a0 + sweep * i / 24),
                centre[1] + r * math.sin(a0 + sweep * i / 24)) for i in range(25)]
        return pts, both
    return _bowed(arrow["from"], arrow["to"], arrow), both


def _arrow_path_3d(pose: dict, arrow: dict, end: dict) -> list:
    """A three-quarter view's arrow: round the pivot in 3D (then projected), or from one
    3D point to another, bowed in the picture."""
    cam = projection.camera_of(pose)
    if "at" in arrow:
        joint = arrow["at"]
        pivot = arrow.get("around", PARENT.get(joint))
        return projection.arc(tuple(end[pivot]), tuple(pose["start"][joint]),
                              tuple(end[joint]), float(arrow.get("offset", 4.5)), cam=cam)
    return _bowed(projection.project(arrow["from"], cam), projection.project(arrow["to"], cam),
                  arrow)


def _bowed(a, b, arrow: dict) -> list:
    (x0, y0), (x1, y1) = a, b
    bend = float(arrow.get("bend", 0) or 0)
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    cx, cy = (x0 + x1) / 2 - dy / length * bend * 2, (y0 + y1) / 2 + dx / length * bend * 2
    pts = []
    for i in range(25):  # a quadratic curve through the bowed midpoint
        t = i / 24
        pts.append(((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1,
                    (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1))
    return pts


# --------------------------------------------------------------------------- the picture

def _phase_scene(pose: dict, joints: dict, ink: Ink) -> Scene:
    view, face = pose.get("view", "side"), pose.get("face")
    if view in THREE_D:
        return Scene(layers=three_quarter_layers(joints, face, ink, pose.get("turned") or (),
                                                 projection.camera_of(pose)))
    scene = Scene(layers=body_layers(joints, face, view, ink, pose.get("turned") or (),
                                     bool(pose.get("hollow")), pose.get("flat") or ()))
    if pose.get("hollow") and view in SIDEWAYS:
        p = {k: tuple(v) for k, v in joints.items()}
        s = front_side(p, face)
        gap = hollow_shade(p, s)
        if gap:  # pressed down, the back simply lies on the mat (round 14 read a bold
            # line there as a towel)
            scene.behind.append((gap, HOLLOW, HOLLOW, 0.1))
    return scene


def _together(pose: dict, named) -> list[Layer]:
    """All phases in one figure: the pale earlier phases wholly behind the end figure (a
    limb's earlier place, seen through the gaps; from the feet, in front of its head and
    trunk, which lie behind the legs), then the end; a pale part the end figure
    covers exactly (the trunk that stays still) is left out."""
    stacks = [_phase_scene(pose, joints, FULL if name == "end" else GHOST).layers
              for name, joints in named]
    full = stacks[-1]
    ghosts = [layer for stack in stacks[:-1] for layer in stack
              if not any(_same(layer, f) for f in full)]
    if pose.get("view") == "feet":  # the earlier knees stand in front of the still trunk
        return full[:2] + ghosts + full[2:]
    return ghosts + full


def _same(a: Layer, b: Layer) -> bool:
    if len(a.shapes) != len(b.shapes):
        return False
    return all(len(p) == len(q) and all(abs(x - u) + abs(y - v) < 0.3
                                        for (x, y), (u, v) in zip(p, q))
               for p, q in zip(a.shapes, b.shapes))


def build_scene(pose: dict) -> Scene:
    view = pose.get("view", "side")
    ground = pose.get("ground", "floor")
    named = phases(pose)
    if pose.get("show", "together") == "apart":
        scene = _apart(pose, named)
    else:
        scene = Scene(layers=_together(pose, named))
        for arrow in arrow_list(pose):
            pts, both = _arrow_path(pose, arrow)
            scene.arrows.append((pts, both, True, black))
        _ground(pose, scene, view, ground)
        _crop(pose, scene)
    return scene


def _crop(pose: dict, scene: Scene) -> None:
    """A close-up: only the part of the picture from x0 to x1 shows, the body cut off at
    its edges with no line there, as in the point diagrams."""
    if not pose.get("crop"):
        return
    x0, x1 = pose["crop"]
    ys = [y for pts in scene._all() for x, y in pts if x0 <= x <= x1]
    scene.clips.append((x0, min(ys) - 0.5, x1, max(ys) + 0.5))


def _ground(pose, scene: Scene, view: str, ground: str) -> None:
    box = bbox(p for layer in scene.layers for pts in layer.shapes for p in pts)
    props = _props(pose, view, box)
    scene.behind = props + scene.behind
    if view in THREE_D:  # the figure, not its mat, fills the width: the mat runs out
        # of the picture a little beyond the body (round 12: at 54 mm the figure-4 on
        # its whole mat was too small to read)
        x0, y0, x1, y1 = bbox([p for pts, *_ in scene.arrows for p in pts] +
                              [p for layer in scene.layers for pts in layer.shapes
                               for p in pts])
        scene.clips.append((x0 - MAT_MARGIN, y0 - MAT_MARGIN, x1 + MAT_MARGIN,
                            y1 + MAT_MARGIN))
    on_mat = view == "oblique" and any(n in ("mat", "bed") for n, _ in prop_list(pose))
    # From above there is no floor line; seen obliquely, the mat's edge is the floor's.
    if ground in ("floor", "chair") and view not in ("above",) + THREE_D and not on_mat:
        xs = [p[0] for p in scene.points()]
        scene.lines.insert(0, ([(min(xs) - 1, 0.0), (max(xs) + 1, 0.0)], FLOOR, 0.55))


def _apart(pose: dict, named) -> Scene:
    """Each phase in full, side by side (or one above the other for a lying figure): the
    earlier ones pale as in an overlaid picture, the end one dark."""
    parts = []
    # One person drawn alike, solid-edged, in every panel (round 7's blind check read
    # cat-cow's two panels, their hair in two greys, as two people; round 12's read a
    # darker first panel as a puzzle).
    # The panels' numbers say which comes first.
    for name, joints in named:
        part = _phase_scene(pose, joints, FULL)
        for arrow in arrow_list(pose):  # each arrow in its own phase's panel
            if arrow.get("phase", "end") == name:
                pts, both = _arrow_path(pose, arrow)
                part.arrows.append((pts, both, True, black))
        _ground(pose, part, pose.get("view", "side"), pose.get("ground", "floor"))
        _crop(pose, part)
        parts.append(part)
    boxes = [bbox(part.points()) for part in parts]
    widths = [b[2] - b[0] for b in boxes]
    heights = [b[3] - b[1] for b in boxes]
    across_w, across_h = sum(widths) + GAP * (len(parts) - 1), max(heights)
    down_gap = GAP_STACKED_3D if pose.get("view") in THREE_D else GAP
    down_w, down_h = max(widths), sum(heights) + down_gap * (len(parts) - 1)
    tall = BOX_W * _max_aspect(pose)  # the way that draws them larger in the tallest picture
    across = pose.get("panels") == "across" or (pose.get("panels") != "down" and min(
        BOX_W / across_w, tall / across_h) >= min(BOX_W / down_w, tall / down_h))
    scene = Scene()
    at = 0.0
    for i, (part, box) in enumerate(zip(parts, boxes)):
        if across:
            moved = part.shifted(at - box[0], 0.0)
            at += widths[i] + GAP
            if i:
                mid = at - widths[i] - GAP / 2 - GAP
                # at the panels' middle height (a three-quarter panel does not start
                # at the floor: its mat runs below y = 0)
                y = max(b[3] for b in boxes) - across_h * 0.55
                scene.arrows.append(([(mid - GAP * 0.4, y), (mid + GAP * 0.4, y)], True, True,
                                     THEN))
        else:
            # one above the other: the panels' numbers say which comes first (an arrow
            # down between them read as one more "press down")
            moved = part.shifted(-box[0] + (down_w - widths[i]) / 2, -at - box[3])
            at += heights[i] + down_gap
        scene.parts.append(moved)
        scene.badges.append((_badge_spot(moved, not across and pose.get("view") in THREE_D),
                             i + 1))
    return scene


def _badge_spot(panel: Scene, may_go_in: bool):
    """Where a panel's number goes: above its top left corner, or (three-quarter panels
    one above the other, whose cut mat often leaves that corner bare) inside it when no
    part of the figure or its arrows comes near, so the panels stay large."""
    x0, _, _, y1 = bbox(panel.points())
    inside = (x0 + BADGE_R + 0.4, y1 - BADGE_R - 0.4)
    drawn = [pt for layer in panel.layers for pts in layer.shapes for pt in pts] + \
        [pt for pts, *_ in panel.arrows for pt in pts]
    if may_go_in and all(math.dist(pt, inside) > BADGE_R + 2.0 for pt in drawn):
        return inside
    return x0 + BADGE_R, y1 + BADGE_R + 0.8


def _max_aspect(pose: dict) -> float:
    apart_3d = pose.get("view") in THREE_D and pose.get("show", "together") == "apart"
    return MAX_ASPECT_STACKED_3D if apart_3d else MAX_ASPECT


def pictogram(pose: dict, width: float = 45 * mm, *, file: str = "stretches.yaml",
              item: str | None = None, height: float | None = None) -> Drawing:
    """The stretch's picture, `width` points wide and 0.45 to 0.85 of that high, as its
    content needs (unless `height` is given).

    Raises DataError (naming file and item) when the pose cannot be drawn."""
    problems = pose_problems(pose, file=file, item=item, line=None)
    if problems:
        raise DataError(problems)
    scene = build_scene(pose)
    x0, y0, x1, y1 = bbox(scene.points())
    x0, y0, x1, y1 = x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD
    if not height:  # as tall as the picture needs: a lying figure is low, two stacked tall
        height = width * min(max((y1 - y0) / (x1 - x0), MIN_ASPECT), _max_aspect(pose))
    unit = width / BOX_W  # points per pose unit at zoom 1: line weights follow the width
    most = MAX_ZOOM * (BOX_W / (pose["crop"][1] - pose["crop"][0]) if pose.get("crop") else 1)
    if pose.get("view") in THREE_D:  # cut to the body (its mat runs out), it may fill
        most = max(most, MAX_ZOOM_3D)  # the width: a one-panel figure-4 read at 54 mm
    zoom = min(width / ((x1 - x0) * unit), height / ((y1 - y0) * unit), most)
    k = unit * zoom
    ox = width / 2 - (x0 + x1) / 2 * k
    oy = height / 2 - (y0 + y1) / 2 * k
    d = Drawing(width, height)
    g = Group(transform=(k, 0, 0, k, ox, oy))
    _draw_scene(g, scene, 1 / zoom)  # line weights stay the same whatever the zoom
    d.add(g)
    return d


def _draw_scene(g: Group, scene: Scene, w: float) -> None:
    """Props, lines and figures (cut to the scene's boxes, if any), then each panel in
    turn, then the arrows, uncut."""
    art = Group()
    if scene.clips:
        art.add(_clip_path(scene.clips))
    for pts, fill, edge, lw in scene.behind:
        art.add(_polygon(pts, fill, edge, lw * w))
    for pts, colour, lw in scene.lines:
        art.add(PolyLine(_flat(pts), strokeColor=colour, strokeWidth=lw * w, strokeLineCap=1))
    for layer in scene.layers:
        _draw_layer(art, layer, w)
    for pts, colour, lw in scene.over:
        art.add(PolyLine(_flat(pts), strokeColor=colour, strokeWidth=lw * w, strokeLineCap=1))
    g.add(art)
    for part in scene.parts:
        _draw_scene(g, part, w)
    for pts, head_start, head_end, colour in scene.arrows:
        _draw_arrow(g, pts, head_start, head_end, w, colour)
    for centre, number in scene.badges:
        _draw_badge(g, centre, number, w)


# Digits as strokes in a unit box (0, 0)-(1, 1), so a panel's number needs no font.
DIGITS = {1: [[(0.3, 0.76), (0.56, 0.97), (0.56, 0.03)]],
          2: [[(0.2, 0.74), (0.3, 0.9), (0.5, 0.97), (0.7, 0.9), (0.79, 0.72), (0.72, 0.52),
               (0.2, 0.03), (0.82, 0.03)]],
          3: [[(0.2, 0.86), (0.48, 0.97), (0.73, 0.86), (0.74, 0.64), (0.45, 0.52),
               (0.76, 0.4), (0.78, 0.16), (0.5, 0.03), (0.2, 0.13)]]}


def _draw_badge(g: Group, centre, number: int, w: float) -> None:
    """The panel's number in a ring, the same printed size in every picture: which comes
    first, without a key."""
    r = BADGE_R * w
    g.add(_polygon(circle(centre, r, 28), white, black, 0.45 * w))
    size = r * 1.05
    for stroke in DIGITS[number]:
        pts = [(centre[0] + (x - 0.5) * size, centre[1] + (y - 0.5) * size) for x, y in stroke]
        g.add(PolyLine(_flat(pts), strokeColor=black, strokeWidth=0.62 * w, strokeLineCap=1,
                       strokeLineJoin=1))


def _flat(pts):
    return [c for p in pts for c in p]


def _clip_path(boxes) -> Path:
    path = Path(isClipPath=1, strokeColor=None, fillColor=None, fillMode=FILL_NON_ZERO)
    for x0, y0, x1, y1 in boxes:
        path.moveTo(x0, y0)
        for x, y in ((x1, y0), (x1, y1), (x0, y1)):
            path.lineTo(x, y)
        path.closePath()
    return path


def _polygon(pts, fill, edge, width):
    return Polygon(_flat(pts), fillColor=fill, strokeColor=edge, strokeWidth=width,
                   strokeLineJoin=1)


def _draw_layer(g: Group, layer: Layer, w: float) -> None:
    """Stroke every shape twice as thick as the edge, then fill them all again: where
    shapes overlap the inner strokes are covered, so the part reads as one outline."""
    ink = layer.ink
    if layer.halo:  # round all but the thigh, which grows out of the buttock
        for pts in layer.shapes[1:]:
            g.add(_polygon(pts, white, white, 2 * (ink.edge_w + HALO) * w))
    for pts in layer.shapes:
        outline = _polygon(pts, ink.fill, ink.edge, 2 * ink.edge_w * w)
        if ink.dash:  # the fill drawn over it keeps the outer half: dashes round the part
            outline.strokeDashArray = [d * w for d in ink.dash]
        g.add(outline)
    for pts in layer.shapes:
        g.add(Polygon(_flat(pts), fillColor=ink.fill, strokeColor=None))
    for pts, colour in layer.marks:
        g.add(Polygon(_flat(pts), fillColor=colour, strokeColor=None))


def _draw_arrow(g: Group, pts, head_start: bool, head_end: bool, w: float,
                colour=black) -> None:
    length = sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(pts, pts[1:]))
    heads = int(head_start) + int(head_end)
    head = min(ARROW_HEAD * w, length * 0.7 / max(heads, 1) / 1.6)  # a short arrow keeps a shaft
    line = list(pts)
    if head_end:
        line = _cut(line, head * 0.75)
    if head_start:
        line = _cut(line[::-1], head * 0.75)[::-1]
    path = Path(strokeColor=colour, strokeWidth=ARROW_W * w, fillColor=None, strokeLineCap=1,
                strokeLineJoin=1)
    path.moveTo(*line[0])
    for pt in line[1:]:
        path.lineTo(*pt)
    g.add(path)
    if head_end:
        _arrow_head(g, pts[-1], _back_point(pts, head), head, colour)
    if head_start:
        _arrow_head(g, pts[0], _back_point(pts[::-1], head), head, colour)


def _cut(pts, dist):
    """The line with `dist` taken off its end (so the arrow head ends in a clean point)."""
    out = list(pts)
    while len(out) > 2 and math.hypot(out[-1][0] - out[-2][0], out[-1][1] - out[-2][1]) < dist:
        dist -= math.hypot(out[-1][0] - out[-2][0], out[-1][1] - out[-2][1])
        out.pop()
    (ax, ay), (bx, by) = out[-2], out[-1]
    seg = math.hypot(bx - ax, by - ay) or 1.0
    t = max(0.0, 1 - dist / seg)
    out[-1] = (ax + (bx - ax) * t, ay + (by - ay) * t)
    return out


def _back_point(pts, dist):
    """A point about `dist` back along the line from its end: the head's direction."""
    total = 0.0
    for a, b in zip(pts[::-1], pts[::-1][1:]):
        total += math.hypot(a[0] - b[0], a[1] - b[1])
        if total >= dist:
            return b
    return pts[0]


def _arrow_head(g: Group, tip, back, size, colour=black) -> None:
    a = math.atan2(tip[1] - back[1], tip[0] - back[0])
    x, y = tip
    left = (x - size * math.cos(a - 0.42), y - size * math.sin(a - 0.42))
    right = (x - size * math.cos(a + 0.42), y - size * math.sin(a + 0.42))
    g.add(Polygon([x, y, *left, *right], fillColor=colour, strokeColor=colour,
                  strokeWidth=size / 10, strokeLineJoin=1))

