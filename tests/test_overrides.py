"""Field-level overrides: a clinic item with a built-in id changes only the fields it gives;
`replace: true` takes it whole; every problem is located in the file that has it."""

from __future__ import annotations

from pathlib import Path

from handout.library import check_data, load_library

from conftest import assert_clean_failure
from pdfcheck import text
from runcli import make_pdf, run


def clinic_file(clinic: Path, name: str, body: str) -> Path:
    path = clinic / name
    path.write_text(body, encoding="utf-8")
    return path


THREE_LINES = """\
stretches:
  - id: knee-to-chest
    dose: {hold_seconds: 45}
"""


def test_three_line_file_changes_one_field_of_a_stretch(clinic, tmp_path):
    clinic_file(clinic, "stretches.yaml", THREE_LINES)
    builtin = load_library().stretch("knee-to-chest")
    changed = load_library([clinic]).stretch("knee-to-chest")
    assert changed.dose.hold_seconds == (45, 45)
    # the rest of the dose block and every other field stay as built in
    assert (changed.dose.reps, changed.dose.sides, changed.dose.per_day) == \
        (builtin.dose.reps, builtin.dose.sides, builtin.dose.per_day)
    assert (changed.name, changed.steps, changed.cautions, changed.pose) == \
        (builtin.name, builtin.steps, builtin.cautions, builtin.pose)
    # and the client sees it on the handout
    result, pdf = make_pdf("make", tmp_path, "--data", clinic, "--stretches", "knee-to-chest",
                           "--name", "Ana")
    assert result.exit_code == 0, result.output
    words = text(pdf.read_bytes())
    assert "Hold 45 seconds, 3 times each side" in words
    assert "Knee-to-chest stretch" in words
    # the steps' "Hold for {hold}." follows the dose: no step still says the old time
    assert "Hold for 45 seconds." in words
    assert "20 to 30 seconds" not in words


def test_show_prints_the_steps_with_the_clinics_hold_and_yaml_keeps_the_placeholder(clinic):
    clinic_file(clinic, "stretches.yaml", THREE_LINES)
    shown = run("--data", clinic, "show", "knee-to-chest")
    assert shown.exit_code == 0, shown.output
    assert "Hold for 45 seconds. Breathe slowly." in shown.output
    assert "{hold}" not in shown.output and "20 to 30" not in shown.output
    as_file = run("--data", clinic, "show", "knee-to-chest", "--yaml")
    assert "- Hold for {hold}. Breathe slowly." in as_file.output


def test_built_in_steps_say_their_own_dose(tmp_path):
    result, pdf = make_pdf("make", tmp_path, "--stretches", "knee-to-chest,pelvic-tilt,figure-4",
                           "--name", "Ana")
    assert result.exit_code == 0, result.output
    words = text(pdf.read_bytes())
    for said in ("Hold for 20 to 30 seconds.", "Hold for 5 to 10 seconds.",
                 "Hold for about 30 seconds."):
        assert said in words
    assert "{hold}" not in words


def test_hold_placeholder_needs_a_hold_in_the_dose(clinic):
    clinic_file(clinic, "stretches.yaml", """\
stretches:
  - id: walking
    how_often: Hold for {hold} each day.
""")
    problems = [str(p) for p in check_data([clinic])]
    assert any("walking: how_often: says {hold}, but the item's dose has no hold_seconds" in p
               for p in problems), problems


def test_show_says_which_fields_come_from_the_clinic(clinic):
    path = clinic_file(clinic, "stretches.yaml", THREE_LINES + "    how_often: Twice a day.\n")
    shown = run("show", "knee-to-chest", "--data", clinic)
    assert shown.exit_code == 0, shown.output
    assert " ".join(shown.stdout.split()).endswith(
        f"From {path} (your data folder): dose.hold_seconds, how_often; the other fields are "
        f"built in")
    assert "From" not in run("show", "knee-to-chest").stdout


def test_lists_are_replaced_whole(clinic):
    clinic_file(clinic, "stretches.yaml",
                "stretches:\n  - id: knee-to-chest\n    steps: [Pull one knee in gently.]\n")
    assert load_library([clinic]).stretch("knee-to-chest").steps == ("Pull one knee in gently.",)


def test_replace_true_takes_the_item_whole(clinic):
    path = clinic_file(clinic, "tips.yaml", """\
tips:
  - id: keep-moving
    replace: true
    topic: activity
    title: Move every day
    text: Walk a little every day.
""")
    library = load_library([clinic])
    tip = library.tip("keep-moving")
    assert (tip.title, tip.text, tip.cautions) == ("Move every day", "Walk a little every day.", ())
    assert library.fields_from_clinic(tip) is None
    shown = run("show", "keep-moving", "--data", clinic)
    assert f"From {path} (your data folder; the whole item)" in " ".join(shown.stdout.split())


def test_replace_true_checks_the_item_as_given(clinic):
    path = clinic_file(clinic, "stretches.yaml",
                       "stretches:\n  - id: knee-to-chest\n    replace: true\n    name: Knee hug\n")
    problems = [str(p) for p in check_data([clinic])]
    assert f"{path}:2: knee-to-chest: steps: missing (a required field)" in problems


def test_override_of_a_field_that_does_not_exist_is_located(clinic, tmp_path):
    path = clinic_file(clinic, "stretches.yaml", """\
stretches:
  - id: knee-to-chest
    dose:
      hold_secs: 45
""")
    result = run("validate", clinic)
    assert_clean_failure(result)
    assert result.stderr.startswith(
        f"{path}:4: knee-to-chest: dose.hold_secs: unknown field (expected one of: hold_seconds,")
    assert result.stderr.endswith("Error: 1 problem found\n")
    made, pdf = make_pdf("make", tmp_path, "--data", clinic, "--protocol", "sciatica")
    assert_clean_failure(made)
    assert f"{path}:4: knee-to-chest: dose.hold_secs: unknown field" in made.stderr
    assert not pdf.exists()


def test_bad_value_in_an_override_names_the_clinic_file_and_line(clinic):
    path = clinic_file(clinic, "points.yaml", "points:\n  - id: UB60\n\n    technique:\n"
                                              "      minutes: -2\n")
    problems = [str(p) for p in check_data([clinic])]
    assert problems == [f"{path}:5: BL60: technique.minutes: should be positive with "
                        f"low <= high, not -2"]


def test_merged_item_is_validated_as_a_whole(clinic):
    # Each field is fine alone; together the point is unreachable with no help given.
    path = clinic_file(clinic, "points.yaml",
                       "points:\n  - id: KI3\n    self_reach: false\n    reach_help: null\n")
    problems = [str(p) for p in check_data([clinic])]
    assert problems == [f"{path}:4: KI3: reach_help: is needed when self_reach is false: "
                        f"say how to reach it safely"]


def test_replace_true_on_an_unknown_id_is_one_line(clinic):
    path = clinic_file(clinic, "stretches.yaml",
                       "stretches:\n  - id: knee-hug\n    replace: true\n    name: Knee hug\n")
    result = run("validate", clinic)
    assert_clean_failure(result)
    assert result.stderr == (f"{path}:3: knee-hug: replace: there is no item 'knee-hug' to "
                             f"replace (leave out 'replace: true' to add a new item)\n"
                             f"Error: 1 problem found\n")


def test_replace_must_be_true_or_false(clinic):
    path = clinic_file(clinic, "stretches.yaml",
                       "stretches:\n  - id: knee-to-chest\n    replace: whole\n")
    assert [str(p) for p in check_data([clinic])] == [
        f"{path}:3: knee-to-chest: replace: should be true or false"]


def test_clinic_folders_stack_field_by_field(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    clinic_file(first, "stretches.yaml", "stretches:\n  - id: knee-to-chest\n    dose: {reps: 5}\n")
    clinic_file(second, "stretches.yaml", THREE_LINES)
    library = load_library([first, second])
    dose = library.stretch("knee-to-chest").dose
    assert (dose.reps, dose.hold_seconds) == ((5, 5), (45, 45))
    assert library.fields_from_clinic(library.stretch("knee-to-chest")) == \
        ("dose.reps", "dose.hold_seconds")


def test_null_removes_an_optional_field(clinic):
    assert load_library().stretch("nerve-glide").stop_if
    clinic_file(clinic, "stretches.yaml", "stretches:\n  - id: nerve-glide\n    stop_if: null\n")
    stretch = load_library([clinic]).stretch("nerve-glide")
    assert stretch.stop_if == "" and stretch.steps == load_library().stretch("nerve-glide").steps
