"""The `pose:` block of a stretch: what it may say, and whether a body could do it.

Pure geometry, no drawing (pictograms.py draws). The format is described in
images/README.md; in short, joints are [x, y] in a box 100 wide and 60 high, y up, the
floor at y = 0, for each phase (start, optional middle, end) of the movement.
"""

from __future__ import annotations

import math

from ..errors import Problem
from ..pose_variants import FOR, PHASES, VARIANTS, WITH, laid_over, variant_list
from .projection import bends_3d, camera_problem, xyz_problem

BOX_W, BOX_H = 100.0, 60.0
REQUIRED = ("head", "neck", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "toe")
OPTIONAL = ("back", "hand", "knee_far", "ankle_far", "toe_far", "elbow_far", "wrist_far",
            "hand_far", "hip_far", "shoulder_far")
GROUNDS = ("floor", "chair", "none")
# side: the body's own plane (joint limits checked); feet: seen from the feet end, so left
# and right are across the picture (give hip_far and shoulder_far for the body's width);
# above: a lying body seen from straight above (a bird's-eye view), on its mat; oblique:
# a side view from a little above, so a mat shows its top as a band running into the
# picture and a limb that comes towards us is drawn lower (a knee turned out, knees
# tipping to one side) while the body still plainly lies along the floor.
# three-quarter: a lying body seen from the side, a little above and a little from the feet
# end, its joints [x, y, z] in 3D (projection.py is the camera).
VIEWS = ("side", "feet", "above", "oblique", "three-quarter")
THREE_D = ("three-quarter",)  # views whose joints and free arrows are [x, y, z]
SIDEWAYS = ("side", "oblique")  # views in the body's own plane: joint limits checked
# Which way the chest and face look; without it, the front is where the knees point.
FACES = {"up": (0.0, 1.0), "down": (0.0, -1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}
SHOWS = ("together", "apart")  # overlaid (start pale, end dark) or side by side
# How an apart picture's panels stand (default: whichever draws them larger): `across`
# keeps a picture short where a page has little height (the figure-4 from the feet end)
PANELS = ("across", "down")
PROPS = ("mat", "bed", "chair", "pillow", "wall", "ball")
THREE_D_PROPS = ("mat", "bed", "pillow")
KEYS = ("view", "ground", "face", "show", "props", "turned", "start", "middle", "end",
        "arrow", "chair", "crop", "hollow", "camera", "flat", "panels", VARIANTS)
ARROW_KEYS = ("from", "to", "at", "around", "bend", "both", "offset", "phase")

# Each moving joint turns about its parent (an `arrow: {at: knee}` arcs around the hip).
PARENT = {"knee": "hip", "ankle": "knee", "toe": "ankle", "elbow": "shoulder",
          "wrist": "elbow", "hand": "wrist", "head": "neck", "neck": "shoulder",
          "shoulder": "hip", "back": "hip", "knee_far": "hip", "ankle_far": "knee_far",
          "toe_far": "ankle_far", "elbow_far": "shoulder", "wrist_far": "elbow_far",
          "hand_far": "wrist_far"}

# Joint limits in the side view, in degrees (generous: they catch drawing mistakes, such as
# a head thrown back or a knee bent the wrong way, not a client's range).
NECK_BACK_MAX = 20      # the head tipped back from the line of the upper back
NECK_FORWARD_MAX = 75   # chin towards the chest
KNEE_BACK_MAX = 10      # a knee bending forwards (straighter than straight)
# Elbows are not checked: a shoulder turns, so a bent arm seen from the side can point
# anywhere. A leg turned out at the hip (the crossed leg of a figure-4) likewise: name it
# in `turned: [leg]` (or leg_far) and its knee is not checked.
LEGS = {"leg": ("knee", "ankle"), "leg_far": ("knee_far", "ankle_far")}
# `flat: [hand]`: a hand lying flat, palm down (slid under the back in pelvic tilt), drawn
# thin with its fingers, not as a mitten.
HANDS = ("hand", "hand_far")


# --------------------------------------------------------------------------- geometry

def sub(a, b):
    return (a[0] - b[0], a[1] - b[1])


def cross(a, b) -> float:
    return a[0] * b[1] - a[1] * b[0]


def norm(v):
    length = math.hypot(*v)
    return (v[0] / length, v[1] / length) if length > 1e-9 else (0.0, 0.0)


def angle_between(a, b) -> float:
    """Signed angle from vector a to vector b, in degrees (anticlockwise positive)."""
    return math.degrees(math.atan2(cross(a, b), a[0] * b[0] + a[1] * b[1]))


def phases(pose: dict) -> list[tuple[str, dict]]:
    return [(name, pose[name]) for name in PHASES if isinstance(pose.get(name), dict)]


def front_side(joints: dict, face: str | None) -> int:
    """+1 when the body's front is anticlockwise from its spine (hip to shoulder), else -1.

    Without a `face:` (poses written before it existed) the front is where the knee
    points: a bent knee always sticks out in front of the line from hip to ankle."""
    spine = sub(joints["shoulder"], joints["hip"])
    if face is None:
        line = sub(joints["ankle"], joints["hip"])
        out = cross(line, sub(joints["knee"], joints["hip"]))  # > 0: knee left of the line
        # The knee's side of the leg, as a direction across the spine.
        knee_dir = rot_quarter(line, 1 if out > 0 else -1)
        return 1 if cross(spine, knee_dir) >= 0 else -1
    return 1 if cross(spine, FACES[face]) >= 0 else -1


# `hollow: true`: the belly rises by this part of the hollow's height (with a flat belly
# the waist over a large gap is too thin to read as a body).
BELLY_RISE = 0.35


def hollow_bow(joints: dict, s: int) -> tuple[float, tuple, float, float]:
    """For `hollow: true`, with the front on side s (front_side): where the small of the
    back lies along the straight spine (0 at the hip, 1 at the shoulder), the way to the
    front, and how far the back's line and the belly's line move that way there. Lifted
    (`back` in front of the hip-shoulder line): the back bows up by that much and the
    belly a part of it; pressed down (behind the line): both by that much, the back flat
    on the mat and the tummy drawn in. The picture and the site's animation both draw it."""
    hip, shoulder = joints["hip"], joints["shoulder"]
    spine = sub(shoulder, hip)
    length = math.hypot(*spine)
    n = rot_quarter(norm(spine), s)
    back = joints.get("back", ((hip[0] + shoulder[0]) / 2, (hip[1] + shoulder[1]) / 2))
    rel = sub(back, hip)
    t_back = (rel[0] * spine[0] + rel[1] * spine[1]) / length ** 2
    lift = rel[0] * n[0] + rel[1] * n[1]
    return t_back, n, lift, lift * BELLY_RISE if lift > 0 else lift


def rot_quarter(v, s: int):
    """v turned a quarter: anticlockwise for s = +1, clockwise for s = -1."""
    return (-v[1] * s, v[0] * s)


def face_vector(joints: dict, face: str | None, view: str):
    """The way the face looks: across the head's axis, on the body's front side."""
    if view not in SIDEWAYS:
        return FACES[face or "up"]
    axis = norm(sub(joints["head"], joints["neck"]))
    if axis == (0.0, 0.0):
        return FACES[face or "up"]
    s = front_side(joints, face)
    return (-axis[1] * s, axis[0] * s)


# --------------------------------------------------------------------------- validation

def pose_problems(pose, *, file: str, item: str | None, line: int | None) -> list[Problem]:
    """Everything wrong with a pose block (empty when it can be drawn), each located."""
    def where(container, key):
        of = getattr(container, "line_of", None)
        return of(key) if of else line

    def problem(field: str, message: str, at: int | None = None) -> Problem:
        return Problem(file, at or line, item, field, message)

    if pose is None:
        return [problem("pose", "no pose: every stretch needs one for its picture "
                        "(see images/README.md)")]
    if not isinstance(pose, dict):
        return [problem("pose", "must be a mapping with view, ground, start, end and arrow")]
    problems = [problem(f"pose.{k}", f"unknown key (allowed: {', '.join(KEYS)})",
                        where(pose, k)) for k in pose if k not in KEYS]
    for key, allowed in (("ground", GROUNDS), ("view", VIEWS), ("face", tuple(FACES)),
                         ("show", SHOWS), ("panels", PANELS)):
        if key in ("face", "panels") and key not in pose:
            continue
        value = pose.get(key, allowed[0])  # the first is the default
        if value not in allowed:
            problems.append(problem(f"pose.{key}", f"unknown {key} {value!r} (one of "
                                    f"{', '.join(allowed)})", where(pose, key)))
    for phase in PHASES:
        joints = pose.get(phase)
        if joints is None and phase == "middle":
            continue
        if not isinstance(joints, dict):
            problems.append(problem(f"pose.{phase}", "missing: give the joints "
                                    f"{', '.join(REQUIRED)} as [x, y]", where(pose, phase)))
            continue
        missing = [j for j in REQUIRED if j not in joints]
        if missing:
            problems.append(problem(f"pose.{phase}", f"missing joint{'s' * (len(missing) > 1)} "
                                    f"{', '.join(missing)}", where(pose, phase)))
        for name, value in joints.items():
            at = where(joints, name)
            if name not in REQUIRED and name not in OPTIONAL:
                problems.append(problem(f"pose.{phase}.{name}", "unknown joint (joints: "
                                        f"{', '.join(REQUIRED + OPTIONAL)})", at))
            else:
                problems += _point_problems(pose, value, f"pose.{phase}.{name}",
                                            lambda f, m: problem(f, m, at))
    if problems:  # the joints must be sound before angles and arrows can be measured
        return problems + _prop_problems(pose, problem, where)
    problems += _prop_problems(pose, problem, where)
    if pose.get("view") in THREE_D:  # a lying body on its mat: no chair, wall or ball
        problems += [problem(f"pose.props.{name}", "not drawn in the three-quarter view "
                             f"(props there: {', '.join(THREE_D_PROPS)})", where(pose, "props"))
                     for name, _ in prop_list(pose) if name in PROPS
                     and name not in THREE_D_PROPS]
    if "camera" in pose:  # the three-quarter view's own turn and tilt (projection.py)
        wrong = (camera_problem(pose["camera"]) if pose.get("view") in THREE_D
                 else "only the three-quarter view has a camera to turn")
        if wrong:
            problems.append(problem("pose.camera", wrong, where(pose, "camera")))
    turned = pose.get("turned") or []
    if not isinstance(turned, list) or any(t not in LEGS for t in turned):
        problems.append(problem("pose.turned", f"must be a list of {', '.join(LEGS)}, not "
                                f"{turned!r}", where(pose, "turned")))
        turned = []
    flat = pose.get("flat") or []
    if not isinstance(flat, list) or any(h not in HANDS for h in flat):
        problems.append(problem("pose.flat", f"must be a list of {', '.join(HANDS)}, not "
                                f"{flat!r}", where(pose, "flat")))
    if pose.get("view", "side") in SIDEWAYS + THREE_D:
        for phase, joints in phases(pose):
            problems += _limit_problems(pose, joints, turned, phase,
                                        lambda f, m: problem(f, m, where(joints, f.rsplit(".", 1)[-1])))
    problems += _arrow_problems(pose, problem, where)
    if "chair" in pose:
        problems += _xy_problems(pose["chair"], "pose.chair",
                                 lambda f, m: problem(f, m, where(pose, "chair")))
    problems += _close_up_problems(pose, problem, where)
    if problems:  # a variant is checked once the pose it is laid over is sound
        return problems
    return _variant_problems(pose, file=file, item=item, line=line, where=where)


def _variant_problems(pose, *, file, item, line, where) -> list[Problem]:
    """Each variant (pose_variants.py) checked as the whole pose a client with its
    conditions sees, its problems named `pose.variants[N]....` (the condition names are the
    library's to check)."""
    if VARIANTS not in pose:
        return []
    if not isinstance(pose[VARIANTS], list) or not pose[VARIANTS]:
        return [Problem(file, where(pose, VARIANTS), item, f"pose.{VARIANTS}",
                        "should be a list of variants, each with for: [conditions] and the "
                        "joints or keys it changes")]
    problems = []
    for number, variant in enumerate(variant_list(pose), 1):
        name = f"pose.{VARIANTS}[{number}]"
        at = where(pose[VARIANTS], number - 1)
        if not isinstance(variant, dict):
            problems.append(Problem(file, at, item, name, "should be a mapping with for: "
                                    "[conditions] and the joints or keys it changes"))
            continue
        names = variant.get(FOR)
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            problems.append(Problem(file, where(variant, FOR), item, f"{name}.{FOR}",
                                    "should list the conditions it is drawn for, e.g. "
                                    "[hip-replacement]"))
        also = variant.get(WITH, [])
        if not isinstance(also, list) or not all(isinstance(n, str) for n in also):
            problems.append(Problem(file, where(variant, WITH), item, f"{name}.{WITH}",
                                    "should list the conditions the client must also have, "
                                    "e.g. [pregnancy]"))
        wrong = [k for k in variant if k not in (FOR, WITH, *KEYS) or k == VARIANTS]
        problems += [Problem(file, where(variant, k), item, f"{name}.{k}", "unknown key "
                             f"(a variant gives for, with and any of: {', '.join(KEYS[:-1])})")
                     for k in wrong]
        if wrong or set(variant) <= {FOR, WITH}:
            if not wrong:
                problems.append(Problem(file, at, item, name, "changes nothing: give the "
                                        "joints or keys drawn differently"))
            continue
        for p in pose_problems(laid_over(pose, variant), file=file, item=item, line=at):
            field = p.field or "pose"
            problems.append(Problem(p.file, p.line, p.item, name + field[len("pose"):],
                                    p.message, p.column))
    return problems


def _close_up_problems(pose, problem, where) -> list[Problem]:
    """`crop: [x from, x to]` (a close-up of that part of a side view) and `hollow: true`
    (the lower back's hollow is the point: shade the air under it)."""
    problems = []
    crop = pose.get("crop")
    if crop is not None:
        at = where(pose, "crop")
        if (not isinstance(crop, list) or len(crop) != 2
                or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in crop)
                or not 0 <= crop[0] < crop[1] <= BOX_W or crop[1] - crop[0] < 10):
            problems.append(problem("pose.crop", f"must be [x from, x to], at least 10 apart "
                                    f"within 0 to {BOX_W:g}, not {crop!r}", at))
        elif pose.get("view", "side") != "side":
            problems.append(problem("pose.crop", "a close-up is of a side view only", at))
    if "hollow" in pose and not isinstance(pose["hollow"], bool):
        problems.append(problem("pose.hollow", "must be true or false",
                                where(pose, "hollow")))
    return problems


def joint_bends(joints: dict, face: str | None, turned=()) -> tuple[float, dict[str, float]]:
    """The neck's bend against the upper back and each knee's (not a turned-out one's)
    against its thigh, in degrees, in the body's plane (side and oblique views); positive:
    chin towards the chest, shin behind the thigh."""
    s = front_side(joints, face)
    trunk_top = sub(joints["shoulder"], joints.get("back", joints["hip"]))
    neck = angle_between(trunk_top, sub(joints["head"], joints["neck"])) * s
    knees = {knee: angle_between(sub(joints[knee], joints["hip"]),
                                 sub(joints[ankle], joints[knee])) * s
             for leg, (knee, ankle) in LEGS.items()
             if knee in joints and ankle in joints and leg not in turned}
    return neck, knees


def beyond_limits(neck: float, knees: dict[str, float]) -> list[tuple[str, str]]:
    """(joint, what is wrong) for each bend further than a body goes, whichever view it
    was measured in."""
    found = []
    if neck < -NECK_BACK_MAX:
        found.append(("head", f"the neck is bent back {-neck:.0f} degrees (at most "
                      f"{NECK_BACK_MAX}): keep the head in line with the upper back"))
    elif neck > NECK_FORWARD_MAX:
        found.append(("head", f"the neck is bent forward {neck:.0f} degrees (at most "
                      f"{NECK_FORWARD_MAX})"))
    for knee, bend in knees.items():
        # A knee bends so that the shin swings behind the thigh (positive).
        if bend < -KNEE_BACK_MAX:
            found.append((knee, f"the knee bends forwards {-bend:.0f} degrees: a knee "
                          "only bends the shin back behind the thigh"))
    return found


def _limit_problems(pose, joints, turned, phase, problem) -> list[Problem]:
    face = pose.get("face")
    if pose.get("view") in THREE_D:  # measured in 3D, about the body's side-to-side axis
        bends = bends_3d(joints, (*FACES[face or "up"], 0.0), turned, LEGS)
    else:
        bends = joint_bends(joints, face, turned)
    return [problem(f"pose.{phase}.{joint}", message) for joint, message in beyond_limits(*bends)]


def _point_problems(pose, value, field: str, problem) -> list[Problem]:
    """A joint or a free arrow's end: [x, y], or [x, y, z] in a 3D view."""
    if pose.get("view") in THREE_D:
        message = xyz_problem(value, BOX_W, BOX_H)
        return [problem(field, message)] if message else []
    return _xy_problems(value, field, problem)


def arrow_list(pose: dict) -> list:
    """The pose's arrows: `arrow:` is one mapping or a list of them."""
    arrow = pose.get("arrow")
    if arrow is None:
        return []
    return arrow if isinstance(arrow, list) else [arrow]


def _arrow_problems(pose, problem, where) -> list[Problem]:
    if pose.get("arrow") is None:
        return []
    at = where(pose, "arrow")
    problems = []
    for arrow in arrow_list(pose):
        problems += _one_arrow_problems(pose, arrow, problem, at)
    return problems


def _one_arrow_problems(pose, arrow, problem, at) -> list[Problem]:
    if not isinstance(arrow, dict) or not ({"from", "to"} <= set(arrow) or "at" in arrow):
        return [problem("pose.arrow", "must have at: JOINT, or from: [x, y] and to: [x, y]",
                        at)]
    problems = []
    joints = pose["end"]
    for key, value in arrow.items():
        if key in ("from", "to"):
            problems += _point_problems(pose, value, f"pose.arrow.{key}",
                                        lambda f, m: problem(f, m, at))
        elif key in ("at", "around"):
            if value not in joints or (key == "at" and value not in pose["start"]):
                problems.append(problem(f"pose.arrow.{key}", f"{value!r} is not a joint of "
                                        "this pose", at))
            elif key == "at" and "around" not in arrow and value not in PARENT:
                problems.append(problem("pose.arrow.at", f"{value!r} has no joint it turns "
                                        "around: add around: JOINT", at))
        elif key in ("bend", "offset"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(problem(f"pose.arrow.{key}", "must be a number", at))
        elif key == "both":
            if not isinstance(value, bool):
                problems.append(problem("pose.arrow.both", "must be true or false", at))
        elif key == "phase":
            named = [name for name, _ in phases(pose)]
            if value not in named:
                problems.append(problem("pose.arrow.phase", f"unknown phase {value!r} (this "
                                        f"pose has {', '.join(named)})", at))
        else:
            problems.append(problem(f"pose.arrow.{key}", "unknown key (allowed: "
                                    f"{', '.join(ARROW_KEYS)})", at))
    return problems


def prop_list(pose: dict) -> list[tuple[str, object]]:
    """The props as (name, value or None); `ground: chair` is a chair prop."""
    found = []
    for entry in pose.get("props") or []:
        if isinstance(entry, str):
            found.append((entry, None))
        elif isinstance(entry, dict) and len(entry) == 1:
            found.append(next(iter(entry.items())))
        else:
            found.append((None, entry))
    if pose.get("ground") == "chair" and "chair" not in [n for n, _ in found]:
        found.append(("chair", pose.get("chair")))
    return found


def _prop_problems(pose, problem, where) -> list[Problem]:
    props = pose.get("props")
    if props is None:
        return []
    at = where(pose, "props")
    if not isinstance(props, list):
        return [problem("pose.props", "must be a list, e.g. [mat, {pillow: [20, 6]}]", at)]
    problems = []
    for index, (name, value) in enumerate(prop_list(pose)[:len(props)]):
        line = props.line_of(index) if hasattr(props, "line_of") else at
        if name is None:
            problems.append(problem("pose.props", f"entry {value!r} must be a prop name or "
                                    "{name: position}", line))
        elif name not in PROPS:
            problems.append(problem(f"pose.props.{name}", f"unknown prop (props: "
                                    f"{', '.join(PROPS)})", line))
        elif value is None:
            continue
        elif name == "wall":
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0 <= value <= BOX_W:
                problems.append(problem("pose.props.wall", f"must be an x from 0 to "
                                        f"{BOX_W:g}, not {value!r}", line))
        elif name in ("mat", "bed"):
            if (not isinstance(value, list) or len(value) != 2
                    or any(isinstance(v, bool) or not isinstance(v, (int, float))
                           for v in value) or value[0] >= value[1]):
                problems.append(problem(f"pose.props.{name}", "must be [x from, x to], not "
                                        f"{value!r}", line))
        elif (name == "pillow" and pose.get("view") in THREE_D and isinstance(value, list)
              and len(value) == 3):  # [x, half height, length along the mat]
            length = value[2]
            if isinstance(length, bool) or not isinstance(length, (int, float)) \
                    or not 2 <= length <= BOX_W / 2:
                problems.append(problem("pose.props.pillow", f"its length along the mat must "
                                        f"be from 2 to {BOX_W / 2:g}, not {length!r}", line))
            problems += _xy_problems(value[:2], "pose.props.pillow",
                                     lambda f, m: problem(f, m, line))
        else:
            problems += _xy_problems(value, f"pose.props.{name}",
                                     lambda f, m: problem(f, m, line))
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
