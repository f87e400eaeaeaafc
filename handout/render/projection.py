"""The three-quarter view's camera: 3D joints [x, y, z] onto the picture, and what lies
in front of what.

x runs along the mat (head at the low end), y up from the floor, z across the body
towards the viewer (0 down the body's middle). The camera is turned from the side
towards the feet end and tilted down, as exercise libraries draw a body lying on a mat,
so a knee that rises or tips to one side shows its depth; a pose may choose its own
(`camera: {turn, tilt}`: knee rolls from the feet end, low, the figure-4 from the
feet end, a little from the side); turned FEET_END_TURN or more, the camera stands at
the feet end.
Orthographic: a ball of radius r is a circle of radius r wherever it lies, so a limb
swept by balls (the figure's tapered capsules) draws as the capsule of its projected
ends. Pure geometry: drawing is pictograms.py's, format and checks pose.py's.
"""

from __future__ import annotations

import math

TURN, TILT = 32.0, 27.0  # the default camera: turned from the side view towards the feet
# end, tilted down from level (degrees); a pose may choose its own (`camera:`)
# Turned this far, the camera stands at the feet end: the body's length runs up the
# picture, and a face-up head is seen face on (a profile would look sideways)
FEET_END_TURN = 60.0
TURN_RANGE, TILT_RANGE = (0.0, 80.0), (10.0, 60.0)  # still a lying body seen from above it
Z_MAX = 30.0              # the body's width and arms out to the sides fit well inside


class Camera:
    """Its basis: TOWARDS points from the scene to the eye, RIGHT and UP span the picture
    (RIGHT level, so the floor's lines along x stay level-ish; UP tilted with it)."""

    def __init__(self, turn: float = TURN, tilt: float = TILT):
        self.turn, self.tilt = turn, tilt
        yaw, pitch = math.radians(turn), math.radians(tilt)
        self.towards = (math.sin(yaw) * math.cos(pitch), math.sin(pitch),
                        math.cos(yaw) * math.cos(pitch))
        self.right = (math.cos(yaw), 0.0, -math.sin(yaw))
        self.up = (-math.sin(yaw) * math.sin(pitch), math.cos(pitch),
                   -math.cos(yaw) * math.sin(pitch))


DEFAULT = Camera()


def camera_of(pose: dict) -> Camera:
    """The pose's own camera (checked by camera_problem), else the default."""
    cam = pose.get("camera") or {}
    return Camera(float(cam.get("turn", TURN)), float(cam.get("tilt", TILT)))


def camera_problem(value) -> str | None:
    """What is wrong with a pose's `camera:` (None: nothing)."""
    if not isinstance(value, dict) or not value or any(k not in ("turn", "tilt") for k in value):
        return f"must be {{turn: degrees, tilt: degrees}}, not {value!r}"
    for key, (lo, hi) in (("turn", TURN_RANGE), ("tilt", TILT_RANGE)):
        v = value.get(key, TURN if key == "turn" else TILT)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            return f"{key} must be a number of degrees from {lo:g} to {hi:g}, not {v!r}"
    return None


def dot(a, b) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross3(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def sub3(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def unit3(v):
    length = math.sqrt(dot(v, v))
    return tuple(c / length for c in v) if length > 1e-9 else (0.0, 0.0, 0.0)


def project(p, cam: Camera = DEFAULT) -> tuple[float, float]:
    """Where a 3D point lands in the picture (pose units, y up)."""
    return dot(p, cam.right), dot(p, cam.up)


def depth(p, cam: Camera = DEFAULT) -> float:
    """How near the eye a point is: larger is nearer, painted later."""
    return dot(p, cam.towards)


def project_joints(joints: dict, cam: Camera = DEFAULT) -> dict:
    return {name: project(p, cam) for name, p in joints.items()}


OVERLAP = 5.0  # two parts whose lines pass this close in the picture may cover each other
ATTACH = 4.5  # a limb's first few units, where it joins the body


def back_to_front(items, cam: Camera = DEFAULT):
    """(thing, 3D joint chains) pairs in the painter's order, furthest first, so a near
    leg covers the far one. Where two parts' lines cross in the picture, the one nearer
    the eye where they come closest goes later (an ankle resting on a knee, a knee lying
    on the other); otherwise, and to break a cycle, the further by mean depth first."""
    samples = [[(pt, project(pt, cam)) for chain in chains for a, b in zip(chain, chain[1:])
                for pt in _along(a, b)] for _, chains in items]
    mean = [sum(depth(p, cam) for p, _ in s) / len(s) for s in samples]
    # Where a limb joins the body (an arm at its shoulder) the two meet in any order:
    # only the rest of each limb says what lies on what.
    roots = [[chain[0] for chain in chains] for _, chains in items]
    loose = [[(p, u) for p, u in s if all(math.dist(p, r) > ATTACH for r in rs)]
             for s, rs in zip(samples, roots)]
    after = {i: set() for i in range(len(items))}  # i must be painted after these
    for i in range(len(items)):
        for k in range(i + 1, len(items)):
            # where they cross in the picture, the place they come closest in space:
            # where one lies on the other (an ankle on a knee), not where both leave
            # the hips side by side
            touching = [(math.dist(p, q), p, q) for p, u in loose[i] for q, v in loose[k]
                        if math.dist(u, v) < OVERLAP]
            if touching:
                _, pi, pk = min(touching, key=lambda c: c[0])
                nearer_i = depth(pi, cam) > depth(pk, cam)
                (after[i] if nearer_i else after[k]).add(k if nearer_i else i)
    order, left = [], set(range(len(items)))
    while left:
        ready = [i for i in left if not (after[i] & left)] or list(left)  # a cycle: by mean
        nxt = min(ready, key=lambda i: mean[i])
        order.append(nxt)
        left.remove(nxt)
    return [items[i][0] for i in order]


def _along(a, b, steps: int = 8) -> list:
    return [tuple(p + (q - p) * i / steps for p, q in zip(a, b)) for i in range(steps + 1)]


def box_faces(lo, hi, cam: Camera = DEFAULT) -> list[tuple[list, str]]:
    """The faces of an upright box (corners lo, hi) the camera sees, back to front, each
    as (projected corners, which: 'top', 'side' or 'end')."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    faces = [  # (outward normal, corners, which)
        ((0, 1, 0), [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)], "top"),
        ((0, 0, 1), [(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)], "side"),
        ((0, 0, -1), [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)], "side"),
        ((1, 0, 0), [(x1, y0, z0), (x1, y0, z1), (x1, y1, z1), (x1, y1, z0)], "end"),
        ((-1, 0, 0), [(x0, y0, z0), (x0, y0, z1), (x0, y1, z1), (x0, y1, z0)], "end")]
    seen = [(corners, which) for normal, corners, which in faces if dot(normal, cam.towards) > 0]
    return [([project(c, cam) for c in corners], which) for corners, which in
            sorted(seen, key=lambda f: sum(depth(c, cam) for c in f[0]))]


def arc(pivot, a, b, offset: float, steps: int = 24, cam: Camera = DEFAULT) -> list:
    """Projected points of an arc about `pivot` from the direction of a to that of b,
    `offset` beyond the further of the two (an arrow round a turning joint)."""
    va, vb = sub3(a, pivot), sub3(b, pivot)
    r = max(math.sqrt(dot(va, va)), math.sqrt(dot(vb, vb))) + offset
    ua, ub = unit3(va), unit3(vb)
    omega = math.acos(max(-1.0, min(1.0, dot(ua, ub))))
    pts = []
    for i in range(steps + 1):
        t = 0.1 + 0.8 * i / steps  # a little short of each position
        if omega < 1e-6:
            u = ua
        else:
            wa, wb = math.sin((1 - t) * omega), math.sin(t * omega)
            u = unit3(tuple((wa * p + wb * q) / math.sin(omega) for p, q in zip(ua, ub)))
        pts.append(project(tuple(c + r * k for c, k in zip(pivot, u)), cam))
    return pts


def xyz_problem(value, box_w: float, box_h: float) -> str | None:
    """What is wrong with a 3D coordinate (None: nothing)."""
    if (not isinstance(value, (list, tuple)) or len(value) != 3
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)):
        return f"must be [x, y, z] with three numbers (view three-quarter), not {value!r}"
    x, y, z = value
    if not (0 <= x <= box_w and 0 <= y <= box_h and -Z_MAX <= z <= Z_MAX):
        return (f"[{x}, {y}, {z}] is outside the picture (x 0 to {box_w:g}, y 0 to "
                f"{box_h:g}, z {-Z_MAX:g} to {Z_MAX:g})")
    return None


def _mid(j: dict, name: str):
    far = j.get(name + "_far")
    return tuple((a + b) / 2 for a, b in zip(j[name], far)) if far else tuple(j[name])


def bends_3d(j: dict, front, turned, legs: dict) -> tuple[float, dict[str, float]]:
    """The neck's bend against the upper back and each knee's (not a turned-out one's)
    against its thigh, in degrees, measured in 3D about the body's own side-to-side axis
    (spine x front); positive: towards the front (chin) or behind (shin). pose.py judges
    them against the same limits as the flat views'."""
    spine = sub3(_mid(j, "shoulder"), _mid(j, "hip"))
    axis = unit3(cross3(spine, front))

    def bend(a, b) -> float:
        return math.degrees(math.atan2(dot(cross3(a, b), axis), dot(a, b)))

    neck = bend(sub3(_mid(j, "shoulder"), tuple(j.get("back", _mid(j, "hip")))),
                sub3(j["head"], j["neck"]))
    knees = {}
    for leg, (knee, ankle) in legs.items():
        hip = j.get("hip_far" if leg.endswith("_far") else "hip", j["hip"])
        if knee in j and ankle in j and leg not in turned:
            knees[knee] = bend(sub3(j[knee], hip), sub3(j[ankle], j[knee]))
    return neck, knees
