"""A stretch's picture follows the client's cautions (pose variants, handout/pose_variants.py).

A caution that narrows a stretch's range for a condition ("do not bend that hip past a right
angle", "keep the rolls small", "keep the rounding small") must not sit beside a picture of
the full range: the client with that condition is shown the narrower one, measured on the
joints they are drawn with, and everyone else the usual picture. Likewise a caution that
says "do not lie flat for long: prop your head and shoulders up" is not put beside a
picture of a client lying flat.
"""

from __future__ import annotations

import math

import pytest
from PIL import Image, ImageChops

from handout.client import Client
from handout.library import load_library
from handout.pose_variants import laid_over, pose_for
from handout.program import build_program
from handout.render.pose import prop_list
from handout.yamlio import LineDict

from runcli import run

LIBRARY = load_library()


def _angle(a, b) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / (math.hypot(*a) * math.hypot(*b))))))


def _minus(p, q):
    return tuple(x - y for x, y in zip(p, q))


def hip_flexion(joints, pose) -> float:
    """The most either hip is bent: 0 lying straight, 90 the thigh at a right angle to the
    trunk (side view: the thigh's angle from the line hip -> shoulder, taken from 180)."""
    trunk = _minus(joints["shoulder"][:2], joints["hip"][:2])
    return max(180 - _angle(trunk, _minus(joints[knee][:2], joints["hip"][:2]))
               for knee in ("knee", "knee_far") if knee in joints)


def knee_roll(joints, pose) -> float:
    """How far the knees have tipped to the side: the angle from upright of the line from
    between the ankles to between the knees, seen along the body ([x, y, z]: its y and z)."""
    def middle(near, far):
        return [(a + b) / 2 for a, b in zip(joints[near], joints.get(far, joints[near]))]
    ankle, knee = middle("ankle", "ankle_far"), middle("knee", "knee_far")
    return abs(math.degrees(math.atan2(knee[2] - ankle[2], knee[1] - ankle[1])))


def rounding(joints, pose) -> float:
    """How far the back is rounded at `back`: bowed out behind the line from hip to shoulder,
    away from where the face looks (an arched back bows the other way and counts 0)."""
    hip, back, shoulder = joints["hip"], joints["back"], joints["shoulder"]
    bend = 180 - _angle(_minus(hip, back), _minus(shoulder, back))
    facing = {"right": 1, "left": -1}[pose["face"]]
    behind = (back[0] - (hip[0] + shoulder[0]) / 2) * facing < 0
    return bend if behind else 0.0


def most(measure, pose) -> float:
    """The measure's largest value over the picture's phases."""
    return max(measure(pose[p], pose) for p in ("start", "middle", "end") if p in pose)


# Each phrase of a caution that narrows the range, and the most the picture may show.
NARROWING = {
    "right angle": ("hip bent", hip_flexion, lambda usual: 85.0),
    "rolls small": ("knees tipped", knee_roll, lambda usual: 35.0),
    "rounding small": ("back rounded", rounding, lambda usual: 0.6 * usual),
}


def narrowed_cases():
    for stretch in LIBRARY.stretches.values():
        for caution in stretch.cautions:
            for phrase, rule in NARROWING.items():
                if phrase in caution.text:
                    for condition in caution.caution_if:
                        yield pytest.param(stretch.id, condition, phrase, rule,
                                           id=f"{stretch.id}-{condition}")


CASES = list(narrowed_cases())


def test_the_narrowing_cautions_are_found():
    """The hip-replacement and osteoporosis cautions of four stretches narrow their range (a
    reworded caution must not silently leave this file with nothing to check)."""
    found = {(c.values[0], c.values[1]) for c in CASES}
    assert {("knee-to-chest", "hip-replacement"), ("nerve-glide", "hip-replacement"),
            ("knee-rolls", "osteoporosis"), ("knee-rolls", "hip-replacement"),
            ("cat-cow", "osteoporosis")} <= found


@pytest.mark.parametrize("stretch_id, condition, phrase, rule", CASES)
def test_a_client_told_to_keep_a_stretch_small_is_shown_it_small(stretch_id, condition, phrase,
                                                                 rule):
    what, measure, allowed = rule
    stretch = LIBRARY.stretches[stretch_id]
    usual = most(measure, stretch.pose)
    chosen = build_program(LIBRARY, Client(stretches=(stretch_id,), conditions=(condition,)))
    (item,) = [c.item for c in chosen.stretches]
    theirs = most(measure, item.pose)
    assert theirs <= allowed(usual), (f"{stretch_id} with {condition} says '{phrase}' but its "
                                   f"picture shows the {what} {theirs:.0f} degrees")
    assert theirs < usual  # the usual picture shows more, for everyone else
    others = build_program(LIBRARY, Client(stretches=(stretch_id,)))
    assert others.stretches[0].item.pose == stretch.pose
    # Lying flat as usual: the pillows of a pregnant client's picture are not theirs to read.
    assert prop_list(item.pose) == prop_list(stretch.pose)
    if least(trunk_rise, stretch.pose) < 10:
        assert least(trunk_rise, item.pose) < 10


def trunk_rise(joints, pose) -> float:
    """How far the head and shoulders are propped up: the angle above the mat of the line
    from between the hips to between the shoulders (or to the neck, the lesser), side view
    [x, y] or three-quarter [x, y, z] (a pelvis rolled to one side lifts one hip: the
    middle of the two counts)."""
    def middle(near, far):
        return [(a + b) / 2 for a, b in zip(joints[near], joints.get(far, joints[near]))]
    hip = middle("hip", "hip_far")

    def rise(top):
        across = top[2] - hip[2] if len(top) > 2 else 0.0
        along = math.hypot(top[0] - hip[0], across)
        return math.degrees(math.atan2(top[1] - hip[1], along))
    return min(rise(middle("shoulder", "shoulder_far")), rise(joints["neck"]))


def least(measure, pose) -> float:
    """The measure's smallest value over the picture's phases."""
    return min(measure(pose[p], pose) for p in ("start", "middle", "end") if p in pose)


# Each phrase of a caution that asks for the head and shoulders raised, and the least rise
# the picture must show in every phase (the knee-to-chest and knee-roll cautions say
# "prop your head and shoulders up", the nerve glide's only "do not lie flat for long").
RAISING = {
    "prop your head and shoulders up": ("head and shoulders raised", trunk_rise, 15.0),
    "do not lie flat for long": ("head and shoulders raised", trunk_rise, 15.0),
}


def raised_cases():
    seen = set()
    for stretch in LIBRARY.stretches.values():
        for caution in stretch.cautions:
            for phrase, rule in RAISING.items():
                for condition in caution.caution_if:
                    if phrase in caution.text and (stretch.id, condition) not in seen:
                        seen.add((stretch.id, condition))
                        yield pytest.param(stretch.id, condition, phrase, rule,
                                           id=f"{stretch.id}-{condition}")


RAISED = list(raised_cases())


def test_the_propping_up_cautions_are_found():
    """The pregnancy cautions of three stretches lying on the back say not to lie flat."""
    found = {(c.values[0], c.values[1]) for c in RAISED}
    assert {("knee-to-chest", "pregnancy"), ("nerve-glide", "pregnancy"),
            ("knee-rolls", "pregnancy")} <= found


def _shown(stretch_id, conditions):
    chosen = build_program(LIBRARY, Client(stretches=(stretch_id,), conditions=conditions))
    (item,) = [c.item for c in chosen.stretches]
    return item.pose


@pytest.mark.parametrize("stretch_id, condition, phrase, rule", RAISED)
def test_a_client_told_to_prop_up_is_shown_propped_up_on_pillows(stretch_id, condition,
                                                                 phrase, rule):
    what, measure, at_least = rule
    stretch = LIBRARY.stretches[stretch_id]
    theirs = _shown(stretch_id, (condition,))
    rise = least(measure, theirs)
    assert rise >= at_least, (f"{stretch_id} with {condition} says '{phrase}' but its "
                              f"picture shows the {what} only {rise:.0f} degrees")
    assert "pillow" in [name for name, _ in prop_list(theirs)]  # resting on something
    assert least(measure, stretch.pose) < at_least  # the usual picture lies flat
    assert _shown(stretch_id, ()) == stretch.pose


@pytest.mark.parametrize("stretch_id, condition, phrase, rule", RAISED)
def test_a_client_shown_propped_up_is_not_told_to_keep_the_shoulders_flat(stretch_id, condition,
                                                                        phrase, rule):
    chosen = build_program(LIBRARY, Client(stretches=(stretch_id,), conditions=(condition,)))
    (item,) = [c.item for c in chosen.stretches]
    words = " ".join((item.start, *item.steps)).lower()
    assert "shoulders flat" not in words and "lie flat" not in words


def both_cases():
    for narrow in CASES:
        for raised in RAISED:
            if narrow.values[0] == raised.values[0]:
                yield pytest.param(narrow.values[0], (narrow.values[1], raised.values[1]),
                                   narrow.values[3], raised.values[3],
                                   id=f"{narrow.id}+{raised.values[1]}")


@pytest.mark.parametrize("stretch_id, conditions, narrowing, raising", list(both_cases()))
def test_a_client_with_both_cautions_is_shown_a_picture_that_keeps_both(stretch_id,
                                                                        conditions,
                                                                        narrowing, raising):
    """A pregnant client with a hip replacement reads two cautions: the variant for the pair
    (`with: [pregnancy]`, listed before those for each alone) keeps both, whichever order
    the conditions come in."""
    theirs = _shown(stretch_id, conditions)
    for order in (conditions, conditions[::-1]):
        assert _shown(stretch_id, order) == theirs
    (n_what, n_measure, allowed), (r_what, r_measure, at_least) = narrowing, raising
    usual = most(n_measure, LIBRARY.stretches[stretch_id].pose)
    assert most(n_measure, theirs) <= allowed(usual), n_what
    assert least(r_measure, theirs) >= at_least, r_what


def test_the_first_variant_naming_a_condition_wins_and_joints_are_laid_over_one_by_one():
    pose = {"view": "side", "arrow": {"at": "knee"},
            "start": {"knee": [1, 1], "hip": [0, 0]}, "end": {"knee": [2, 2], "hip": [0, 0]},
            "variants": [{"for": ["a"], "end": {"knee": [3, 3]}, "arrow": {"at": "ankle"}},
                         {"for": ["a", "b"], "end": {"knee": [4, 4]}}]}
    assert pose_for(pose, ()) is pose and pose_for(pose, ("c",)) is pose
    seen_with_a = pose_for(pose, ("b", "a"))  # a, first in the list, though b is named first
    assert seen_with_a["end"] == {"knee": [3, 3], "hip": [0, 0]}
    assert seen_with_a["start"] == pose["start"] and seen_with_a["arrow"] == {"at": "ankle"}
    assert "variants" not in seen_with_a
    assert pose_for(pose, ("b",))["end"]["knee"] == [4, 4]
    assert pose["end"]["knee"] == [2, 2]  # the library's pose is left as it was
    paired = {**pose, "variants": [{"for": ["a"], "with": ["p"], "end": {"knee": [5, 5]}},
                                   *pose["variants"]]}
    assert pose_for(paired, ("a", "p"))["end"]["knee"] == [5, 5]  # a and p: the pair's
    assert pose_for(paired, ("a",))["end"]["knee"] == [3, 3]  # a alone: the next one
    assert pose_for(paired, ("p",)) is paired  # p alone: none names it under for
    assert "with" not in pose_for(paired, ("a", "p"))
    lined = LineDict(pose)
    lined.line, lined.key_lines = 10, {"end": 12}
    assert laid_over(lined, pose["variants"][0]).line_of("end") == 12
    variant = LineDict(pose["variants"][0])
    variant.line, variant.key_lines = 20, {"end": 21}
    assert laid_over(lined, variant).line_of("end") == 21  # a problem in it points at it


def test_diagram_draws_a_stretch_as_a_client_with_a_condition_sees_it(tmp_path):
    usual, theirs = tmp_path / "usual.png", tmp_path / "theirs.png"
    assert run("diagram", "knee-to-chest", "-o", usual).exit_code == 0
    result = run("diagram", "knee-to-chest", "--condition", "hip-replacement", "-o", theirs)
    assert result.exit_code == 0, result.output
    with Image.open(usual) as a, Image.open(theirs) as b:
        assert a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox()
    other = tmp_path / "other.png"
    assert run("diagram", "knee-to-chest", "--condition", "anticoagulants", "-o", other).exit_code == 0
    with Image.open(usual) as a, Image.open(other) as b:  # no variant for it: the usual one
        assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_diagram_names_an_unknown_condition_in_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "x.png"
    result = run("diagram", "knee-rolls", "--condition", "osteoprosis", "-o", out)
    assert result.exit_code != 0 and not out.exists()
    assert "unknown condition 'osteoprosis'" in result.output and "osteoporosis" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_validate_locates_each_wrong_variant(tmp_path):
    (tmp_path / "stretches.yaml").write_text(
        "stretches:\n"
        "  - id: knee-to-chest\n"
        "    pose:\n"
        "      variants:\n"
        "        - for: [hip-replacment]\n"
        "          end: {knee: [46, 18.8], ankel: [56, 13.5]}\n"
        "        - 3\n"
        "        - {for: [pregnancy]}\n"
        "        - {for: pregnancy, end: {knee: [80, 10]}}\n"
        "        - {for: [pregnancy], variants: []}\n"
        "        - {for: [pregnancy], with: [hip-replacment], end: {knee: [50, 14]}}\n"
        "        - {for: [pregnancy], with: pregnancy, end: {knee: [50, 14]}}\n",
        encoding="utf-8")
    result = run("validate", "--data", tmp_path)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    expected = [
        ":5: knee-to-chest: pose.variants[1].for: unknown condition 'hip-replacment'; did you "
        "mean hip-replacement?",
        ":6: knee-to-chest: pose.variants[1].end.ankel: unknown joint",
        ":7: knee-to-chest: pose.variants[2]: should be a mapping",
        ":8: knee-to-chest: pose.variants[3]: changes nothing",
        ":9: knee-to-chest: pose.variants[4].for: should list the conditions",
        ":9: knee-to-chest: pose.variants[4].end.knee: the knee bends forwards",
        ":10: knee-to-chest: pose.variants[5].variants: unknown key",
        ":11: knee-to-chest: pose.variants[6].with: unknown condition 'hip-replacment'",
        ":12: knee-to-chest: pose.variants[7].with: should list the conditions the client "
        "must also have",
    ]
    for part in expected:
        assert any(part in line for line in lines), (part, lines)
    assert "Traceback" not in result.output
