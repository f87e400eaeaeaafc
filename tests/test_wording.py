"""Condition-aware wording in the data: `{text, only_if, instead}` blocks, the phrases a
condition forbids, placeholders, protocols that imply conditions, and their errors."""

from __future__ import annotations

import pytest

from conftest import assert_clean_failure, line_no, write_yaml
from handout import Client, make_handout
from handout.errors import DataError, SafetyError
from handout.library import check_data, load_library
from handout.program import build_program
from pdfcheck import text


FACE_DOWN = "Ask a helper to press it while you lie face down on the bed."


def clinic_point(clinic, raw_point, point_id: str, **fields):
    point = raw_point(point_id)
    point.update(fields)
    write_yaml(clinic / "points.yaml", {"points": [point]})
    return clinic / "points.yaml"


# -- the rule that fails if someone adds a face-down instruction without an alternative ------

def test_a_face_down_text_without_a_pregnancy_alternative_is_refused(cli, clinic, raw_point,
                                                                    tmp_path):
    path = clinic_point(clinic, raw_point, "BL40", reach_help=FACE_DOWN)
    problems = check_data([clinic])
    assert [(p.item, p.field, p.line) for p in problems] == \
        [("BL40", "reach_help", line_no(path, "- id: BL40"))]
    assert "says 'face down', which must never reach a client with pregnancy" in problems[0].message
    # Every command refuses the data, with one located line, and writes nothing.
    out = tmp_path / "out.pdf"
    result = cli("--data", clinic, "make", "--name", "Ana", "--protocol", "sciatica", "-o", out)
    stderr = assert_clean_failure(result, 1)
    assert f"{path}:" in stderr and "BL40: reach_help: says 'face down'" in stderr
    assert not out.exists()


def test_a_pregnancy_alternative_is_printed_for_her_and_the_usual_text_for_others(
        clinic, raw_point):
    clinic_point(clinic, raw_point, "BL40", reach_help={
        "text": FACE_DOWN,
        "instead": {"pregnancy": "Ask a helper to press it while you lie on your side."}})
    assert check_data([clinic]) == []
    pregnant = text(make_handout(Client(points=("BL40",), conditions=("pregnancy",)),
                                 data_dirs=[clinic]))
    assert "lie on your side" in pregnant and "face down" not in pregnant
    other = text(make_handout(Client(points=("BL40",)), data_dirs=[clinic]))
    assert FACE_DOWN in other and "lie on your side" not in other


def test_an_item_whose_own_instructions_are_unsafe_cannot_be_allowed():
    """The prone press-up is done on the front: no --allow puts it on a pregnant client's sheet."""
    library = load_library()
    with pytest.raises(SafetyError, match="prone-press-up cannot go on this client's sheets: "
                                          "its start says 'on your front'"):
        build_program(library, Client(stretches=("prone-press-up",), conditions=("pregnancy",),
                                      allow=("prone-press-up",)))
    # From a protocol it is left out, with the reason.
    program = build_program(library, Client(stretches=("walking",), conditions=("pregnancy",)))
    assert "prone-press-up" not in {c.item.id for c in program.stretches}


def test_allowed_point_prints_its_pregnancy_wording():
    pdf = make_handout(Client(points=("BL54", "BL23"), conditions=("pregnancy",),
                              allow=("BL54", "BL23")))
    words = text(pdf)
    assert "Lie on your side with a pillow between your knees" in words
    assert "face down" not in words.lower() and "under your belly" not in words.lower()
    assert "Your practitioner chose this despite pregnancy" in words


# -- steps: left out or added for a condition -------------------------------------------------

def test_steps_can_be_limited_to_or_left_out_for_a_condition(clinic, builtin_raw):
    stretch = next(s for s in builtin_raw["stretches.yaml"]["stretches"]
                   if s["id"] == "pelvic-tilt")
    stretch["steps"] = [
        "Gently tighten your tummy muscles.",
        {"text": "Put a pillow under your head.", "only_if": ["pregnancy"]},
        {"text": "Lift your hips high.", "instead": {"osteoporosis": None}},
        "Relax.",
    ]
    write_yaml(clinic / "stretches.yaml", {"stretches": [stretch]})
    assert check_data([clinic]) == []
    library = load_library([clinic])

    def steps(*conditions):
        program = build_program(library, Client(stretches=("pelvic-tilt",),
                                                conditions=conditions))
        return program.stretches[0].item.steps

    assert steps() == ("Gently tighten your tummy muscles.", "Lift your hips high.", "Relax.")
    assert steps("pregnancy") == ("Gently tighten your tummy muscles.",
                                  "Put a pillow under your head.", "Lift your hips high.",
                                  "Relax.")
    assert steps("osteoporosis") == ("Gently tighten your tummy muscles.", "Relax.")


def test_tip_title_and_text_follow_pregnancy():
    library = load_library()
    tip = build_program(library, Client(tips=("sleep-on-back",), conditions=("pregnancy",))
                        ).tips[0][1][0].item
    assert tip.title == "Sleeping on your back in pregnancy"
    assert "From about 28 weeks, go to sleep on your side" in tip.text
    plain = build_program(library, Client(tips=("sleep-on-back",))).tips[0][1][0].item
    assert plain.title == "Or sleep on your back" and "28 weeks" not in plain.text


# -- bad wording blocks ------------------------------------------------------------------------

@pytest.mark.parametrize("reach_help, field, message", [
    ({"text": "Sit on a chair.", "instead": {"pregnacy": "Sit."}}, "reach_help.instead.pregnacy",
     "unknown condition 'pregnacy'; did you mean pregnancy?"),
    ({"text": "Sit on a chair.", "only_if": ["flu"]}, "reach_help.only_if",
     "unknown condition 'flu'"),
    ({"text": "Sit on a chair."}, "reach_help", "needs only_if or instead"),
    ({"text": "Sit.", "instead": {"pregnancy": ["a", "list"]}}, "reach_help.instead.pregnancy",
     "should be text (or nothing, to leave it out), not a list"),
    ({"text": "Sit.", "insted": {"pregnancy": "Sit."}}, "reach_help.insted", "unknown field"),
])
def test_bad_wording_blocks_are_located(clinic, raw_point, reach_help, field, message):
    path = clinic_point(clinic, raw_point, "KI3", reach_help=reach_help)
    problems = check_data([clinic])
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.item, problem.field) == (str(path), "KI3", field)
    assert message in problem.message and problem.line > 1


def test_a_required_text_cannot_be_left_out(clinic, raw_point):
    clinic_point(clinic, raw_point, "KI3", find_it={"text": "Find it.",
                                                    "instead": {"pregnancy": None}})
    (problem,) = check_data([clinic])
    assert problem.field == "find_it.instead.pregnancy"
    assert problem.message == "cannot leave out a required text: give a replacement"


def test_unknown_placeholder_is_located(clinic, raw_point):
    clinic_point(clinic, raw_point, "KI3", find_it="Call {nummber} if it hurts.")
    (problem,) = check_data([clinic])
    assert (problem.item, problem.field) == ("KI3", "find_it")
    assert problem.message.startswith("unknown placeholder {nummber} (known: {number}")


def test_placeholders_are_filled_in_item_texts(clinic, raw_point):
    clinic_point(clinic, raw_point, "KI3", find_it="If it swells: {urgent}.")
    words = text(make_handout(Client(points=("KI3",)), data_dirs=[clinic]))
    assert "If it swells: call your GP surgery or NHS 111." in words and "{urgent}" not in words


def test_protocol_implying_an_unknown_condition_is_located(clinic):
    path = write_yaml(clinic / "protocols.yaml", {"protocols": [
        {"id": "mine", "name": "Mine", "conditions": ["pregnant-ish"], "points": ["KI3"],
         "stretches": ["walking"], "tips": ["keep-moving"]}]})
    (problem,) = check_data([clinic])
    assert (problem.file, problem.item, problem.field) == (str(path), "mine", "conditions")
    assert "unknown condition 'pregnant-ish'" in problem.message
    with pytest.raises(DataError):
        load_library([clinic])


def test_unknown_country_in_a_brand_is_located(cli, tmp_path):
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Ours\ncountry: XX\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = cli("make", "--name", "Ana", "--protocol", "sciatica", "--brand", brand, "-o", out)
    stderr = assert_clean_failure(result, 1)
    assert stderr.strip() == (f"Error: {brand}:2: country: unknown country 'XX' (known: GB, IE, "
                              "US, CA, AU, NZ); add its emergency services to your safety.yaml")
    assert not out.exists()


def test_starter_brand_names_the_country(cli, tmp_path):
    out = tmp_path / "brand.yaml"
    assert cli("init-brand", out).exit_code == 0
    starter = out.read_text(encoding="utf-8")
    assert "country: GB" in starter and "911" in starter


def test_validate_checks_a_brands_country(cli, tmp_path):
    brand = tmp_path / "brand.yaml"
    brand.write_text("country: us\n", encoding="utf-8")  # any case
    assert cli("validate", "--brand", brand).exit_code == 0
    brand.write_text("clinic_name: Ours\ncountry: ZZ\n", encoding="utf-8")
    stderr = assert_clean_failure(cli("validate", "--brand", brand), 1)
    assert stderr.startswith(f"Error: {brand}:2: country: unknown country 'ZZ'")
