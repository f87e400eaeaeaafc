"""`handout validate`: OK on the built-in data; on a broken clinic folder, every problem,
each as `file:line: item: field: what is wrong`, and exit 1.

tests/data/broken/ holds points.yaml (a missing field, two wrong types, an unknown field, an
id used twice, an unknown condition, a bad region, a non-WHO id), protocols.yaml (an unknown
point, an unknown stretch, a progression step outside the protocol) and stretches.yaml (a
back-to-front range and a bad `sides`).
"""

from __future__ import annotations

from pathlib import Path

from handout.library import check_data, load_library

from conftest import BROKEN, assert_clean_failure, line_no, write_yaml


POINTS = BROKEN / "points.yaml"
PROTOCOLS = BROKEN / "protocols.yaml"
STRETCHES = BROKEN / "stretches.yaml"


def id_lines(path: Path, item_id: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() == f"- id: {item_id}"]


def expected_problems() -> list[str]:
    """Every problem in tests/data/broken/, as the exact line validate prints."""
    bl93_first, bl93_again = id_lines(POINTS, "BL93")
    protocol = line_no(PROTOCOLS, "- id: broken-plan")
    return [
        f"{POINTS}:{line_no(POINTS, '- id: BL91')}: BL91: english: missing (a required field)",
        f"{POINTS}:{line_no(POINTS, 'self_reach: sometimes')}: BL92: self_reach: "
        "should be true or false, not 'sometimes'",
        f"{POINTS}:{line_no(POINTS, 'minutes: two')}: BL92: technique.minutes: "
        "should be a number or [low, high], not 'two'",
        f"{POINTS}:{line_no(POINTS, 'colour: red')}: BL93: colour: unknown field "
        "(expected one of: aliases, cautions, chinese, diagram, english, find_it, id, location, "
        "meridian, pinyin, reach_help, region, self_reach, technique)",
        f"{POINTS}:{bl93_again}: BL93: id: id used twice (first on line {bl93_first})",
        # the caution block is where the unknown name sits
        f"{POINTS}:{line_no(POINTS, '- text: Not in pregnancy.')}: BL94: cautions[1]: "
        "unknown condition 'pregnacy'; did you mean pregnancy?",
        f"{POINTS}:{line_no(POINTS, 'region: calf')}: BL95: region: 'calf' is not one of: "
        "lower-back, buttock, thigh, knee, lower-leg, ankle-foot",
        f"{POINTS}:{line_no(POINTS, '- id: BLX')}: BLX: id: 'BLX' is not a WHO code like BL60 "
        "(letters then number, no space)",
        f"{STRETCHES}:{line_no(STRETCHES, 'hold_seconds: [30, 20]')}: broken-stretch: "
        "dose.hold_seconds: should be positive with low <= high, not [30, 20]",
        f"{STRETCHES}:{line_no(STRETCHES, 'sides: both')}: broken-stretch: dose.sides: "
        "'both' is not one of: each, alternate, none",
        f"{PROTOCOLS}:{protocol}: broken-plan: points: unknown point 'BL98'",
        f"{PROTOCOLS}:{protocol}: broken-plan: stretches: unknown stretch 'knee-to-chst'; "
        "did you mean knee-to-chest",
        f"{PROTOCOLS}:{protocol}: broken-plan: progression: 'walking' is not in this protocol",
    ]


def matches(expected: str, printed: list[str]) -> list[str]:
    return [line for line in printed if line == expected or line.startswith(expected)]


# ------------------------------------------------------------------ the built-in data

def test_validate_passes_on_the_builtin_data(cli):
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    library = load_library()
    assert result.stdout == (
        f"OK: built-in data: {len(library.points)} points, {len(library.stretches)} stretches, "
        f"{len(library.tips)} tips, {len(library.protocols)} protocols, "
        f"{len(library.conditions)} conditions.\n")


def test_builtin_data_has_no_problems():
    assert [str(p) for p in check_data()] == []


def test_builtin_library_is_not_empty():
    library = load_library()
    assert len(library.points) >= 15
    assert {"sciatica", "sciatica-pregnancy"} <= set(library.protocols)
    assert "pregnancy" in library.conditions


def test_validate_passes_on_a_good_clinic_folder(cli, clinic, raw_point):
    write_yaml(clinic / "points.yaml", {"points": [raw_point("BL60")]})
    result = cli("validate", clinic)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK: {clinic}: ")


# ------------------------------------------------------------------ the broken folder

def test_validate_lists_every_problem_in_the_broken_folder(cli):
    result = cli("validate", BROKEN)
    stderr = assert_clean_failure(result, 1)
    printed = stderr.splitlines()
    assert printed[-1] == "Error: 13 problems found"
    problems = printed[:-1]
    for expected in expected_problems():
        assert len(matches(expected, problems)) == 1, (expected, problems)
    assert len(problems) == len(expected_problems()) == 13
    assert result.stdout == ""


def test_each_problem_is_file_line_item_field_message():
    problems = check_data([BROKEN])
    assert len(problems) == 13
    for problem in problems:
        assert problem.file in {str(POINTS), str(PROTOCOLS), str(STRETCHES)}
        assert isinstance(problem.line, int) and problem.line > 0
        assert problem.item
        assert problem.message and "\n" not in problem.message
    by_item = {}
    for problem in problems:
        by_item.setdefault(problem.item, []).append(problem)
    assert {p.field for p in by_item["BL92"]} == {"self_reach", "technique.minutes"}
    assert {p.field for p in by_item["BL93"]} == {"colour", "id"}
    assert [p.field for p in by_item["BL95"]] == ["region"]
    assert [p.field for p in by_item["BL94"]] == ["cautions[1]"]
    assert sorted(p.field for p in by_item["broken-plan"]) == ["points", "progression", "stretches"]
    assert sorted(p.field for p in by_item["broken-stretch"]) == ["dose.hold_seconds", "dose.sides"]
    # a missing field is reported at the item's own line, in the field slot
    (missing,) = by_item["BL91"]
    assert missing.line == line_no(POINTS, "- id: BL91")
    assert (missing.field, missing.message) == ("english", "missing (a required field)")


def test_problem_counts_per_file():
    problems = check_data([BROKEN])
    per_file = {}
    for problem in problems:
        per_file[Path(problem.file).name] = per_file.get(Path(problem.file).name, 0) + 1
    assert per_file == {"points.yaml": 8, "protocols.yaml": 3, "stretches.yaml": 2}


def test_validate_uses_the_data_option_and_the_environment(cli):
    via_option = cli("--data", BROKEN, "validate")
    via_env = cli("validate", env={"HANDOUT_DATA": str(BROKEN)})
    for result in (via_option, via_env):
        stderr = assert_clean_failure(result, 1)
        assert stderr.splitlines()[-1] == "Error: 13 problems found"
        assert matches(expected_problems()[0], stderr.splitlines())


def test_loading_a_broken_folder_summarises_in_one_line(cli):
    result = cli("--data", BROKEN, "show", "BL60")
    stderr = assert_clean_failure(result, 1)
    assert stderr.count("\n") == 1
    assert stderr.startswith(f"Error: {POINTS}:")
    assert "(and 12 more problems" in stderr


def test_validate_reports_a_missing_folder(cli, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = cli("validate", missing)
    stderr = assert_clean_failure(result, 1)
    assert stderr.splitlines() == [f"{missing}: data folder not found", "Error: 1 problem found"]


def test_unknown_section_and_top_level_list_are_reported(cli, clinic):
    (clinic / "safety.yaml").write_text("disclaimer: Ours.\nfootnote: Extra.\n", encoding="utf-8")
    (clinic / "tips.yaml").write_text("- id: keep-moving\n", encoding="utf-8")
    result = cli("validate", clinic)
    stderr = assert_clean_failure(result, 1)
    lines = stderr.splitlines()
    assert f"{clinic / 'safety.yaml'}:2: footnote: unknown section (expected one of: " \
           "conditions, emergency_services, red_flags, precautions, technique, " \
           "stretch_rules, about_sciatica, evidence, how_to_use, disclaimer)" in lines
    assert f"{clinic / 'tips.yaml'}:1: should start with one of: topics, tips" in lines
    assert lines[-1] == "Error: 2 problems found"


def test_unknown_tip_topic_is_reported(clinic):
    write_yaml(clinic / "tips.yaml", {"tips": [{
        "id": "rest-well", "topic": "resting", "title": "Rest well",
        "text": "Rest when you need to. Then get moving again."}]})
    problems = [str(p) for p in check_data([clinic])]
    assert problems == [f"{clinic / 'tips.yaml'}:2: rest-well: topic: unknown topic 'resting'"]


def test_condition_alias_is_not_a_condition_name_in_data(clinic, raw_point):
    """Data files use condition ids; `pregnant` is only an input alias (docs/data-files.md)."""
    point = raw_point("BL60")
    point["cautions"][0]["avoid_if"] = ["pregnant"]
    write_yaml(clinic / "points.yaml", {"points": [point]})
    problems = check_data([clinic])
    assert len(problems) == 1
    assert problems[0].item == "BL60"
    assert problems[0].message == "unknown condition 'pregnant'; did you mean pregnancy?"


def test_unknown_diagram_view_is_reported(clinic, raw_point):
    point = raw_point("BL60")
    point["diagram"]["view"] = "side-knee"
    path = write_yaml(clinic / "points.yaml", {"points": [point]})
    problems = check_data([clinic])
    assert [(p.file, p.item, p.field) for p in problems] == [(str(path), "BL60", "diagram.view")]
    assert "side-knee" in problems[0].message


def test_tip_may_share_an_id_with_a_topic(clinic):
    write_yaml(clinic / "tips.yaml", {
        "topics": [{"id": "walking-group", "title": "Walking group"}],
        "tips": [{"id": "walking-group", "topic": "walking-group", "title": "Join a walking group",
                  "text": "Walking with others can help you keep going."}],
    })
    assert [str(p) for p in check_data([clinic])] == []
