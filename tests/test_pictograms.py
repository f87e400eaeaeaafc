"""Stretch pictograms: every stretch has a pose that draws; bad poses are clear errors."""

from __future__ import annotations

import copy

import pypdfium2 as pdfium
import pytest
import yaml
from reportlab.graphics import renderPDF
from reportlab.lib.units import mm

from handout.errors import DataError
from handout.render.pictograms import pictogram, pose_problems
from handout.resources import resource_dir

KW = dict(file="stretches.yaml", item="knee-to-chest", line=7)


def stretches() -> list[dict]:
    return yaml.safe_load((resource_dir("data") / "stretches.yaml").read_text("utf-8"))["stretches"]


def good_pose() -> dict:
    return copy.deepcopy(next(s for s in stretches() if s["id"] == "knee-to-chest")["pose"])


def dark_fraction(drawing) -> float:
    doc = pdfium.PdfDocument(renderPDF.drawToString(drawing))
    try:
        image = doc[0].render(scale=2, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    return sum(image.histogram()[:100]) / (image.width * image.height)


@pytest.mark.parametrize("stretch", stretches(), ids=lambda s: s["id"])
def test_every_stretch_has_a_pose_that_draws(stretch):
    assert pose_problems(stretch.get("pose"), file="stretches.yaml", item=stretch["id"],
                         line=None) == []
    drawing = pictogram(stretch["pose"], 45 * mm, item=stretch["id"])
    assert drawing.width == pytest.approx(45 * mm)
    assert drawing.height == pytest.approx(27 * mm)
    assert 0.02 < dark_fraction(drawing) < 0.4  # a figure, not an empty or a black box


def test_missing_joint_is_named():
    pose = good_pose()
    del pose["end"]["knee"]
    del pose["end"]["toe"]
    problems = pose_problems(pose, **KW)
    assert len(problems) == 1
    text = str(problems[0])
    assert "stretches.yaml:7" in text and "knee-to-chest" in text and "pose.end" in text
    assert "knee" in text and "toe" in text


def test_pictogram_raises_a_clear_data_error():
    pose = good_pose()
    del pose["start"]["hip"]
    with pytest.raises(DataError) as err:
        pictogram(pose, 45 * mm, item="knee-to-chest")
    assert "knee-to-chest" in str(err.value) and "hip" in str(err.value)


@pytest.mark.parametrize("change, words", [
    (lambda p: p.update(ground="bed"), "floor, chair, none"),
    (lambda p: p["start"].update(knee=[120, 10]), "outside the picture"),
    (lambda p: p["start"].update(knee="bent"), "[x, y]"),
    (lambda p: p["start"].update(elbw=[1, 1]), "unknown joint"),
    (lambda p: p.pop("end"), "pose.end: missing"),
    (lambda p: p.update(arrow={"from": [1, 1]}), "from: [x, y] and to: [x, y]"),
    (lambda p: p.update(arrow={"from": [1, 1], "to": [2, 2], "bend": "lots"}), "number"),
    (lambda p: p.update(colour="red"), "unknown key"),
])
def test_bad_pose_values(change, words):
    pose = good_pose()
    change(pose)
    problems = pose_problems(pose, **KW)
    assert problems and any(words in str(p) for p in problems), problems


def test_missing_pose():
    assert "no pose" in str(pose_problems(None, **KW)[0])
    assert "mapping" in str(pose_problems([1, 2], **KW)[0])


def test_a_new_stretch_needs_no_code():
    """A chair pose with only the required joints and no arrow draws."""
    joints = {"head": [40, 42], "neck": [40, 37], "shoulder": [40, 34], "elbow": [44, 25],
              "wrist": [53, 19], "hip": [40, 17], "knee": [54, 17.5], "ankle": [55, 4.5],
              "toe": [60, 1.8]}
    pose = {"ground": "chair", "start": joints, "end": dict(joints, head=[42, 43])}
    assert pose_problems(pose, **KW) == []
    assert dark_fraction(pictogram(pose, 60 * mm)) > 0.02
