"""Bad data files: each gives one clear, located line and a non-zero exit, never a traceback.

Checked twice: at the loader (handout.yamlio: DataError with .problems that name the file
and line) and through the command line (`handout validate DIR` on a clinic folder holding
the bad file, and a browsing command that has to load it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import handout
from handout.errors import DataError, Problem
from handout.library import check_data
from handout.yamlio import MAX_BYTES, LineDict, LineList, load_yaml, parse_yaml, read_text

from conftest import assert_clean_failure, line_no, write_yaml
from forked import run_forked


# Nine levels of nine aliases each: 9**9 (387 million) strings if it were ever expanded.
ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

MALFORMED = """\
points:
  - id: BL60
    english: Kunlun: Mountains
"""


def only_problem(exc: DataError) -> Problem:
    assert len(exc.problems) == 1, [str(p) for p in exc.problems]
    return exc.problems[0]


# ------------------------------------------------------------------ the loader itself

def test_good_yaml_keeps_line_numbers(tmp_path):
    path = tmp_path / "points.yaml"
    path.write_text("points:\n  - id: BL60\n    english: Kunlun\n  - id: KI3\n", encoding="utf-8")
    data = load_yaml(path)
    assert isinstance(data, LineDict) and isinstance(data["points"], LineList)
    assert data.line_of("points") == 1
    assert data["points"].line_of(1) == 4
    assert data["points"][0].line_of("english") == 3
    assert data["points"][0]["english"] == "Kunlun"


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_bytes("\ufeffdisclaimer: Kūnlún text.\n".encode("utf-8"))
    assert load_yaml(path) == {"disclaimer": "Kūnlún text."}


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    path = tmp_path / "points.yaml"
    path.write_text(MALFORMED, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_yaml(path)
    problem = only_problem(info.value)
    assert problem.file == str(path)
    assert problem.line == 3
    assert problem.message == "YAML syntax error: mapping values are not allowed here (column 20)"
    assert str(info.value) == (
        f"{path}:3: YAML syntax error: mapping values are not allowed here (column 20)")


def test_unclosed_list_is_a_located_syntax_error():
    with pytest.raises(DataError) as info:
        parse_yaml("points:\n  - id: BL60\n    aliases: [UB60, B60\n", "points.yaml")
    problem = only_problem(info.value)
    assert problem.file == "points.yaml"
    assert problem.line is not None and problem.line >= 3
    assert problem.message.startswith("YAML syntax error:")
    assert "(column " in problem.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n\n  # and another\n"])
def test_empty_file_is_refused(tmp_path, text):
    path = tmp_path / "tips.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_yaml(path)
    problem = only_problem(info.value)
    assert str(problem) == f"{path}: the data file is empty"


def test_not_utf8_names_the_line_and_the_byte(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_bytes(b"# clinic text\ndisclaimer: Caf\xe9 au lait is not advice.\n")
    with pytest.raises(DataError) as info:
        load_yaml(path)
    problem = only_problem(info.value)
    assert (problem.file, problem.line) == (str(path), 2)
    assert problem.message == "not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_alias_bomb_is_refused_at_the_first_alias_in_little_memory():
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as info:
            parse_yaml(ALIAS_BOMB, "points.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, f"{peak} bytes: the aliases were expanded"  # 9**9 would be GBs
    problem = only_problem(info.value)
    assert problem.line == 2  # the first *a, before anything could expand
    assert "aliases" in problem.message.lower()
    assert "not allowed" in problem.message


def test_single_alias_is_refused_too():
    with pytest.raises(DataError) as info:
        parse_yaml("a: &x hello\nb: *x\n", "tips.yaml")
    problem = only_problem(info.value)
    assert problem.line == 2
    assert "aliases" in problem.message.lower()


def test_merge_key_alias_is_refused():
    text = "base: &base {a: 1}\nitem:\n  <<: *base\n  b: 2\n"
    with pytest.raises(DataError) as info:
        parse_yaml(text, "points.yaml")
    assert "aliases" in only_problem(info.value).message.lower()


def test_file_over_two_megabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "points.yaml"
    path.write_bytes(b"points: []\n" + b"#" * (MAX_BYTES + 100_000) + b"\n")
    with pytest.raises(DataError) as info:
        load_yaml(path)
    problem = only_problem(info.value)
    assert problem.file == str(path)
    size = path.stat().st_size
    assert problem.message == f"data file is {size:,} bytes, more than the 2,097,152 allowed"


def test_size_limit_is_inclusive(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1234\n")  # 8 bytes
    assert read_text(path, max_bytes=8) == "a: 1234\n"
    with pytest.raises(DataError) as info:
        read_text(path, max_bytes=7)
    assert "8 bytes, more than the 7 allowed" in str(info.value)


def test_missing_file_and_folder_are_one_line_problems(tmp_path):
    with pytest.raises(DataError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: data file not found"
    folder = tmp_path / "points.yaml"
    folder.mkdir()
    with pytest.raises(DataError) as info:
        load_yaml(folder)
    assert str(info.value) == f"{folder}: is a folder, not a data file"


def test_duplicate_key_in_one_block_is_reported_with_both_lines():
    text = "points:\n  - id: BL60\n    english: Kunlun\n    english: Again\n"
    with pytest.raises(DataError) as info:
        parse_yaml(text, "points.yaml")
    problem = only_problem(info.value)
    assert (problem.line, problem.field) == (4, "english")
    assert problem.message == "appears twice in the same block (first on line 3)"


def test_non_text_key_is_reported():
    with pytest.raises(DataError) as info:
        parse_yaml("points:\n  - 12: x\n", "points.yaml")
    problem = only_problem(info.value)
    assert problem.line == 2
    assert problem.message.startswith("keys must be text")


def test_python_tags_are_not_constructed():
    with pytest.raises(DataError) as info:
        parse_yaml("disclaimer: !!python/name:os.system\n", "safety.yaml")
    problem = only_problem(info.value)
    assert problem.line == 1
    assert problem.message.startswith("YAML syntax error: could not determine a constructor")


def test_python_tag_on_a_list_never_runs_code(tmp_path):
    marker = tmp_path / "ran"
    text = f"disclaimer: !!python/object/apply:os.system ['touch {marker}']\n"
    try:
        value = parse_yaml(text, "safety.yaml")
    except DataError:
        value = None
    assert not marker.exists()
    if value is not None:  # the tag is ignored: plain data, nothing constructed
        assert value == {"disclaimer": [f"touch {marker}"]}


def test_several_problems_summarise_in_one_line():
    text = "a: 1\na: 2\nb: 1\nb: 2\nc: 1\nc: 3\n"
    with pytest.raises(DataError) as info:
        parse_yaml(text, "x.yaml")
    assert len(info.value.problems) == 3
    summary = str(info.value)
    assert "\n" not in summary
    assert summary.startswith("x.yaml:2: a: appears twice")
    assert "(and 2 more problems" in summary


def test_deeply_nested_yaml_is_a_data_error_not_a_crash():
    depth = 1000
    with pytest.raises(DataError) as info:
        parse_yaml("points: " + "[" * depth + "]" * depth + "\n", "points.yaml")
    assert info.value.problems[0].file == "points.yaml"


# ------------------------------------------------------------------ the same files via the CLI

def _bad_wrong_type(folder, raw_point):
    point = raw_point("BL60")
    point["self_reach"] = "maybe"
    path = write_yaml(folder / "points.yaml", {"points": [point]})
    return path, f"{line_no(path, 'self_reach:')}: BL60: self_reach: should be true or false, not 'maybe'"


def _bad_unknown_field(folder, raw_point):
    point = raw_point("KI3")
    point["colour"] = "red"
    path = write_yaml(folder / "points.yaml", {"points": [point]})
    expected = f"{line_no(path, 'colour: red')}: KI3: colour: unknown field (expected one of: "
    return path, expected


def _bad_duplicate_id(folder, raw_point):
    first, second = raw_point("GB34"), raw_point("GB34")
    second["english"] = "Yang Mound Spring again"
    path = write_yaml(folder / "points.yaml", {"points": [first, second]})
    text = path.read_text(encoding="utf-8").splitlines()
    ids = [n for n, line in enumerate(text, 1) if line.strip() == "- id: GB34"]
    assert len(ids) == 2
    return path, f"{ids[1]}: GB34: id: id used twice (first on line {ids[0]})"


def _bad_malformed(folder, raw_point):
    path = folder / "points.yaml"
    path.write_text(MALFORMED, encoding="utf-8")
    return path, "3: YAML syntax error: mapping values are not allowed here (column 20)"


def _bad_empty(folder, raw_point):
    path = folder / "stretches.yaml"
    path.write_text("# nothing here yet\n", encoding="utf-8")
    return path, None  # no line number: "<file>: the data file is empty"


def _bad_latin1(folder, raw_point):
    path = folder / "safety.yaml"
    path.write_bytes("disclaimer: Consultez votre médecin.\n".encode("latin-1"))
    return path, "1: not UTF-8 text (byte 0xe9); save the file as UTF-8"


def _bad_alias_bomb(folder, raw_point):
    path = folder / "tips.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    return path, "2: YAML syntax error: YAML aliases (*name) are not allowed in these files (column 8)"


def _bad_too_large(folder, raw_point):
    path = folder / "points.yaml"
    path.write_bytes(b"points: []\n" + (b"# padding" + b"." * 90 + b"\n") * 22_000)
    return path, None


BAD_FILES = {
    "malformed": (_bad_malformed, None),
    "wrong-type": (_bad_wrong_type, None),
    "unknown-field": (_bad_unknown_field, None),
    "duplicate-id": (_bad_duplicate_id, None),
    "empty": (_bad_empty, "the data file is empty"),
    "latin-1": (_bad_latin1, None),
    "alias-bomb": (_bad_alias_bomb, None),
    "too-large": (_bad_too_large, "data file is 2,200,011 bytes, more than the 2,097,152 allowed"),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_folder(request, clinic, raw_point):
    """A clinic folder with one bad file; yields (folder, the exact problem line)."""
    make, whole_message = BAD_FILES[request.param]
    path, located = make(clinic, raw_point)
    expected = f"{path}:{located}" if located else f"{path}: {whole_message}"
    return clinic, expected


def test_validate_reports_the_bad_file_in_one_line(cli, bad_folder):
    folder, expected = bad_folder
    result = cli("validate", folder)
    stderr = assert_clean_failure(result, 1)
    lines = stderr.splitlines()
    assert lines[-1] == "Error: 1 problem found"
    assert len(lines) == 2, lines
    assert lines[0].startswith(expected), (lines[0], expected)
    assert "OK" not in result.stdout


def test_check_data_gives_the_same_located_problem(bad_folder):
    folder, expected = bad_folder
    problems = check_data([folder])
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert str(problem).startswith(expected)
    assert problem.file.startswith(str(folder))


def test_browsing_with_a_bad_folder_fails_with_one_clear_line(cli, bad_folder):
    folder, expected = bad_folder
    result = cli("--data", folder, "points")
    stderr = assert_clean_failure(result, 1)
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("Error: " + expected)
    assert result.stdout == ""


def test_wrong_type_is_exactly_one_problem_when_the_rest_is_right(cli, clinic, raw_point):
    path, located = _bad_wrong_type(clinic, raw_point)
    problems = check_data([clinic])
    assert [str(p) for p in problems] == [f"{path}:{located}"]


def _python_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG")}
    package_parent = str(Path(handout.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    return env


@pytest.mark.process
def test_alias_bomb_in_a_real_process_is_refused_in_256_mb(clinic):
    (clinic / "points.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    # A child forked from this process (already warm: no second start-up of a second of CPU)
    # may map 256 MB more than it starts with: validate needs far less, an expanding bomb
    # GBs. The timeout only guards against a hang (an expanding bomb would run for ever).
    done = run_forked("validate", clinic, cwd=clinic.parent, env=_python_env(),
                      memory=256 << 20, timeout=120, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "aliases (*name) are not allowed" in done.stderr
    assert f"{clinic / 'points.yaml'}:2:" in done.stderr


@pytest.mark.process
def test_bad_file_in_a_real_process_prints_no_traceback(clinic):
    (clinic / "safety.yaml").write_bytes(b"disclaimer: Caf\xe9.\n")
    done = subprocess.run([sys.executable, "-m", "handout", "--data", str(clinic), "protocols"],
                          capture_output=True, text=True, env=_python_env(), timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr == (f"Error: {clinic / 'safety.yaml'}:1: not UTF-8 text (byte 0xe9); "
                           "save the file as UTF-8\n")


def test_deeply_nested_file_via_cli_is_a_clean_error(cli, clinic):
    (clinic / "points.yaml").write_text("points: " + "[" * 1000 + "]" * 1000 + "\n",
                                        encoding="utf-8")
    result = cli("validate", clinic)
    assert_clean_failure(result, 1)
    assert str(clinic / "points.yaml") in result.stderr


def test_fast_and_pure_loaders_agree_on_values_and_lines():
    """The C parser is only a speed-up: same values, same line numbers, for every data file."""
    from handout import yamlio
    from handout.resources import resource_dir

    if yamlio._FastLoader is None:
        pytest.skip("PyYAML without its C parser")

    def lines(value):
        if isinstance(value, LineDict):
            return [value.line, value.key_lines, [lines(v) for v in value.values()]]
        if isinstance(value, LineList):
            return [value.line, value.item_lines, [lines(v) for v in value]]
        return None

    for path in sorted(resource_dir("data").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = yamlio._parse(text, path.name, "data file", yamlio._FastLoader)
        pure = yamlio._parse(text, path.name, "data file", yamlio._NoAliasLoader)
        assert fast == pure, path.name
        assert lines(fast) == lines(pure), path.name


# ------------------------------------------------------------------ exact words and lines

@pytest.mark.parametrize("text", ["", "   \n\t\n", "# only a comment\n", "\n  # indented\n#\n"])
def test_a_file_of_blanks_and_comments_is_empty_in_the_callers_words(text):
    with pytest.raises(DataError) as info:
        parse_yaml(text, "x.yaml", what="clinic brand file")
    assert only_problem(info.value) == Problem("x.yaml", None, None, None,
                                               "the clinic brand file is empty")
    with pytest.raises(DataError) as info:
        parse_yaml(text, "x.yaml")
    assert str(only_problem(info.value)) == "x.yaml: the data file is empty"


def test_a_comment_after_data_is_not_an_empty_file():
    assert parse_yaml("a: 1 # note\n# more\n", "x.yaml") == {"a": 1}
    assert parse_yaml("a: '#'\n", "x.yaml") == {"a": "#"}


def test_an_empty_file_on_disk_says_which(tmp_path):
    path = tmp_path / "tips.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_yaml(path, what="tips file")
    assert str(only_problem(info.value)) == f"{path}: the tips file is empty"


@pytest.mark.parametrize("text, located", [
    ("a: [1, 2\n", "x.yaml:2: YAML syntax error: expected ',' or ']', but got '<stream end>' "
                   "(column 1)"),
    ("a: 1\n  b: 2\n", "x.yaml:2: YAML syntax error: mapping values are not allowed here "
                       "(column 4)"),
])
def test_a_syntax_error_names_its_line_and_column(text, located):
    with pytest.raises(DataError) as info:
        parse_yaml(text, "x.yaml")
    assert str(only_problem(info.value)) == located


def test_keys_that_are_not_text_and_repeated_keys_are_each_located():
    with pytest.raises(DataError) as info:
        parse_yaml("? [a, b]\n: 1\nc: 2\nc: 3\nd: 4\nd: 5\n", "x.yaml")
    problems = info.value.problems
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("x.yaml", 1, None), ("x.yaml", 4, "c"), ("x.yaml", 6, "d")]
    assert problems[0].message.startswith("keys must be text, not ")
    assert problems[1].message == "appears twice in the same block (first on line 3)"
    with pytest.raises(DataError) as info:
        parse_yaml("list:\n  - {c: 1, c: 2}\n", "y.yaml")
    assert str(only_problem(info.value)) == \
        "y.yaml:2: c: appears twice in the same block (first on line 2)"


def test_every_block_knows_its_line_and_each_keys_and_entrys_line():
    value = parse_yaml("top:\n  - one\n  - two: 2\n    three: 3\nlast: {k: v}\n", "x.yaml")
    assert (value.line, value.key_lines) == (1, {"top": 1, "last": 5})
    top = value["top"]
    assert (top.line, top.item_lines) == (2, [2, 3])
    assert (top[1].line, top[1].key_lines) == (3, {"two": 3, "three": 4})
    assert value["last"].line == 5
    # Asked for a key or an entry it does not have: the block's own line.
    assert value.line_of("three") == 1 and top[1].line_of("three") == 4
    assert top.line_of(1) == 3 and top.line_of(2) == 2 and top.line_of(7) == 2


def test_nesting_too_deep_for_a_data_file_is_one_located_line():
    with pytest.raises(DataError) as info:
        parse_yaml("a: " + "[" * 3000 + "]" * 3000 + "\n", "x.yaml")
    assert str(only_problem(info.value)) == "x.yaml: nested too deeply to be a data file"
