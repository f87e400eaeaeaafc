"""Browsing from the terminal: `handout show`, the tables and their filters, --version, --help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import handout
from handout.cli import main
from handout.library import load_library

from conftest import assert_clean_failure, table_ids


# The WHO 2008 landmarks each point's `location` must name. Every group is a set of
# alternative wordings, and every group must be present.
WHO_LANDMARKS = {
    "BL60": [["lateral malleolus"], ["calcaneal tendon"], ["depression between"]],
    "GB34": [["head of the fibula"], ["anterior and distal"]],
    "KI3": [["medial malleolus"], ["calcaneal tendon"], ["depression between"]],
    "ST36": [["3 B-cun inferior to ST35", "3 cun inferior to ST35", "3 cun below ST35"],
             ["ST41"]],
    "LR3": [["first and second metatarsal"], ["distal to the junction of the bases"]],
    "BL23": [["L2", "second lumbar"], ["1.5 B-cun lateral", "1.5 cun lateral"]],
    "BL25": [["L4", "fourth lumbar"], ["1.5 B-cun lateral", "1.5 cun lateral"]],
    "BL40": [["popliteal crease"], ["midpoint"]],
    "GB30": [["greater trochanter"], ["sacral hiatus"],
             ["lateral one third and medial two thirds"]],
    "BL54": [["fourth posterior sacral foramen", "4th posterior sacral foramen"],
             ["3 B-cun lateral", "3 cun lateral"], ["median sacral crest"]],
    "BL57": [["gastrocnemius"], ["calcaneal tendon"]],
    "BL36": [["gluteal fold"], ["midpoint"]],
    "BL37": [["6 B-cun inferior to the gluteal fold", "6 cun inferior to the gluteal fold"],
             ["biceps femoris"], ["semitendinosus"]],
    "GB31": [["iliotibial"], ["middle finger"]],
    "GB39": [["3 B-cun proximal", "3 cun proximal"], ["lateral malleolus"],
             ["anterior to the fibula"]],
}

PREGNANCY_RULED_OUT_POINTS = {"BL60", "BL23", "BL25", "BL54"}


def section(output: str, label: str) -> str:
    """The text after `label` in `handout show` output, wrapped lines joined."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(label + " ") and line[:13].strip() == label:
            body = [line[14:]]
            for more in lines[i + 1:]:
                if not more.startswith(" " * 14):
                    break
                body.append(more[14:])
            return " ".join(" ".join(body).split())
    raise AssertionError(f"no {label!r} in:\n{output}")


# ------------------------------------------------------------------ handout show

@pytest.mark.parametrize("ref, code, pinyin", [
    ("K3", "KI3", "Tàixī"), ("kd3", "KI3", "Tàixī"), ("LV3", "LR3", "Tàichōng"),
    ("UB60", "BL60", "Kūnlún"), ("B60", "BL60", "Kūnlún"), ("Bladder 60", "BL60", "Kūnlún"),
])
def test_show_resolves_an_alias_and_says_so(cli, ref, code, pinyin):
    result = cli("show", ref)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"({ref} is written {code} in the WHO standard.)"
    assert lines[1].startswith(f"{code}  {pinyin}  ")


def test_show_by_who_code_has_no_alias_note(cli):
    result = cli("show", "KI3")
    assert result.exit_code == 0
    assert result.stdout.startswith("KI3  Tàixī  太溪  (Great Ravine)\n")
    assert "Also written  K3, KD3, KID3" in result.stdout


@pytest.mark.parametrize("ref, suggestion", [
    ("GB43", "GB34"), ("BL06", "BL60"), ("knee-to-chst", "knee-to-chest"),
])
def test_show_unknown_id_fails_with_a_suggestion(cli, ref, suggestion):
    result = cli("show", ref)
    stderr = assert_clean_failure(result, 1)
    assert stderr.startswith(f"Error: unknown item '{ref}'; did you mean ")
    assert suggestion in stderr.split("did you mean", 1)[1]
    assert result.stdout == ""


def test_show_unknown_id_without_anything_close(cli):
    result = cli("show", "zzzz")
    assert assert_clean_failure(result, 1) == "Error: unknown item 'zzzz'\n"


def test_every_point_is_covered_by_the_landmark_table():
    assert set(load_library().points) == set(WHO_LANDMARKS)


@pytest.mark.parametrize("code", sorted(WHO_LANDMARKS))
def test_show_prints_the_who_location_of_every_point(cli, code):
    result = cli("show", code)
    assert result.exit_code == 0, result.output
    location = section(result.stdout, "Location")
    assert location.endswith("(WHO 2008)")
    for alternatives in WHO_LANDMARKS[code]:
        assert any(word in location for word in alternatives), (code, alternatives, location)
    # the client's own route and the pressing advice are shown as well
    point = load_library().point(code)
    assert section(result.stdout, "Find it") == " ".join(point.find_it.split())
    assert section(result.stdout, "Hold") == "1 to 3 minutes, both sides"
    assert section(result.stdout, "Reach") == ("on your own" if point.self_reach else "needs help")


def test_show_prints_cautions_with_their_conditions(cli):
    result = cli("show", "BL60")
    assert ("Caution       [avoid if pregnancy] Traditionally avoided in pregnancy. Do not press"
            in result.stdout)
    assert "[caution if anticoagulants, bleeding-disorder]" in result.stdout


def test_show_a_stretch(cli):
    result = cli("show", "figure-4")
    assert result.exit_code == 0
    assert result.stdout.startswith("figure-4  Figure-4 buttock stretch\n")
    assert section(result.stdout, "Dose") == "Hold 30 seconds each side"
    assert section(result.stdout, "Step 1").startswith("Cross one ankle over the other knee")
    assert "[avoid if hip-replacement]" in result.stdout


def test_show_a_tip_and_a_protocol(cli):
    tip = cli("show", "heat-pack")
    assert tip.exit_code == 0
    assert tip.stdout.startswith("heat-pack  Try a heat pack\n")
    assert section(tip.stdout, "Topic") == "Heat and cold"
    protocol = cli("show", "sciatica-pregnancy")
    assert protocol.exit_code == 0
    assert section(protocol.stdout, "Points") == "GB34, ST36, BL40, BL57, KI3"


def test_show_protocol_keeps_every_id_whole(cli):
    result = cli("show", "sciatica")
    words = set(re.split(r"[,\s]+", result.stdout))
    for tip in load_library().protocol("sciatica").tips:
        assert tip in words, tip


# ------------------------------------------------------------------ the tables and filters

@pytest.mark.parametrize("command, kind", [
    ("points", "points"), ("stretches", "stretches"), ("tips", "tips"), ("protocols", "protocols"),
])
def test_tables_list_everything_readably(cli, command, kind):
    result = cli(command)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ID  ")
    assert set(lines[1]) <= {"-", " "}
    assert set(table_ids(result.stdout)) == set(getattr(load_library(), kind))
    # columns line up: every row starts its second column where the header does
    second = lines[0].index(lines[0].split()[1])
    assert all(line[second - 2:second] == "  " for line in lines[2:])


@pytest.mark.parametrize("command", [
    "points",
    "stretches",
    "tips",
    "protocols",
])
def test_table_lines_fit_in_100_columns(cli, command):
    lines = cli(command).stdout.splitlines()
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)


def test_points_table_shows_names_and_what_rules_a_point_out(cli):
    result = cli("points")
    header = result.stdout.splitlines()[0].split("  ")
    assert [h.strip() for h in header if h.strip()] == [
        "ID", "Pinyin", "English", "Region", "Alone", "Hold", "Avoid if"]
    row = next(line for line in result.stdout.splitlines() if line.startswith("GB30 "))
    assert row.split()[:3] == ["GB30", "Huántiào", "Jumping"]
    assert "help" in row.split()  # GB30 needs help to reach
    assert row.rstrip().endswith("hip-replacement")


@pytest.mark.parametrize("condition", ["pregnancy", "pregnant", "Pregnancy"])
def test_points_safe_for_pregnancy(cli, condition):
    result = cli("points", "--safe-for", condition)
    assert result.exit_code == 0, result.output
    ids = set(table_ids(result.stdout))
    assert not ids & PREGNANCY_RULED_OUT_POINTS
    assert {"KI3", "GB34", "ST36", "BL40", "BL57", "LR3"} <= ids  # LR3: a caution, not a ban
    assert ids == set(load_library().points) - PREGNANCY_RULED_OUT_POINTS


def test_stretches_safe_for_pregnancy_leave_out_the_press_up(cli):
    result = cli("stretches", "--safe-for", "pregnancy")
    assert result.exit_code == 0
    ids = table_ids(result.stdout)
    assert "prone-press-up" not in ids
    assert {"knee-to-chest", "pelvic-tilt", "cat-cow", "walking"} <= set(ids)
    assert "prone-press-up" in table_ids(cli("stretches").stdout)


def test_tips_safe_for_pregnancy_keep_the_oil_warnings(cli):
    # The wintergreen and camphor tips are warnings for pregnancy: never left out for it.
    ids = table_ids(cli("tips", "--safe-for", "pregnancy").stdout)
    assert "oil-wintergreen" in ids and "oil-camphor" in ids


def test_safe_for_two_conditions(cli):
    ids = set(table_ids(cli("points", "--safe-for", "pregnancy",
                            "--safe-for", "hip-replacement").stdout))
    assert not ids & (PREGNANCY_RULED_OUT_POINTS | {"GB30", "BL36"})
    assert "GB34" in ids


def test_region_filter(cli):
    result = cli("points", "--region", "ankle-foot")
    assert result.exit_code == 0
    ids = table_ids(result.stdout)
    assert set(ids) == {"BL60", "KI3", "LR3"}
    library = load_library()
    assert all(library.point(i).region == "ankle-foot" for i in ids)
    lower_back = table_ids(cli("stretches", "--region", "lower-back").stdout)
    assert "knee-to-chest" in lower_back and "figure-4" not in lower_back


def test_bad_region_is_a_usage_error(cli):
    result = cli("points", "--region", "calf")
    stderr = assert_clean_failure(result, 2)
    assert "Invalid value for '--region': 'calf' is not one of" in stderr


def test_unknown_safe_for_condition_is_a_clear_error(cli):
    result = cli("points", "--safe-for", "pregnancyy")
    stderr = assert_clean_failure(result, 1)
    assert stderr == "Error: unknown condition 'pregnancyy'; did you mean pregnancy?\n"
    assert result.stdout == ""


def test_protocol_filter(cli):
    ids = table_ids(cli("points", "--protocol", "sciatica-pregnancy").stdout)
    assert set(ids) == {"GB34", "ST36", "BL40", "BL57", "KI3"}
    result = cli("stretches", "--protocol", "nope")
    assert "Error: unknown protocol 'nope'" in assert_clean_failure(result, 1)


def test_tips_by_topic(cli):
    result = cli("tips", "--topic", "sleep")
    assert result.exit_code == 0
    assert table_ids(result.stdout) == ["sleep-on-side", "sleep-on-back", "get-out-of-bed"]
    bad = cli("tips", "--topic", "nope")
    stderr = assert_clean_failure(bad, 2)
    assert "unknown topic 'nope' (known: activity, sleep" in stderr


def test_nothing_matches_is_said(cli):
    result = cli("points", "--region", "buttock", "--protocol", "sciatica-gentle")
    assert result.exit_code == 0
    assert result.stdout == "(nothing matches)\n"


def test_protocols_table_counts(cli):
    result = cli("protocols")
    row = next(line for line in result.stdout.splitlines() if line.startswith("sciatica-pregnancy "))
    assert row.split()[-3:] == ["5", "4", "12"]


# ------------------------------------------------------------------ version and help

def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"handout, version {handout.__version__}\n"


def test_installed_version_matches_the_package_metadata():
    assert handout.__version__ == version("handout")


def test_python_dash_m_handout_help(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG")}
    parent = str(Path(handout.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [parent, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "handout", "--help"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m handout [OPTIONS] COMMAND [ARGS]...")
    for name in ("validate", "points", "stretches", "tips", "protocols", "show"):
        assert re.search(rf"^  {name}\s+\S", done.stdout, re.MULTILINE), name
    assert done.stderr == ""


def test_foundation_commands_exist():
    assert {"validate", "points", "stretches", "tips", "protocols", "show"} <= set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(cli, name):
    command = main.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    for flag in ("--help", "-h"):
        result = cli(name, flag)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Usage: main {name}")
        first_line = command.help.strip().splitlines()[0]
        assert " ".join(first_line.split()[:4]) in " ".join(result.stdout.split())
