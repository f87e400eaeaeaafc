"""Start-up for help and completion: nothing heavy imported until a command needs it, and
shell completion that offers the library's ids (a clinic's own too)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import handout

ROOT = str(Path(handout.__file__).resolve().parent.parent)
HEAVY = ("reportlab", "PIL", "pypdf", "pypdfium2", "svglib", "openpyxl", "python_calamine", "fontpkg", "bidi")
# Read only when a file is parsed, an SVG drawn, a right-to-left text shaped (issue 15).
LAZY = ("yaml", "lxml", "arabic_reshaper", "fontTools")


def _python(*args, env_extra=None, cwd=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME")}
    env["PYTHONPATH"] = ROOT
    env["HOME"] = str(cwd)  # no user config file
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def _imported(stderr: str) -> set[str]:
    """Top-level packages named in `python -X importtime` output."""
    return {m.group(1).split(".")[0] for m in re.finditer(r"\|\s+(\S+)\s*$", stderr, re.M)}


COMPLETE = "import sys; from handout.cli import main; main(prog_name='handout')"


def _complete(words: str, cword: int, tmp_path, shell="bash", **env):
    done = _python("-X", "importtime", "-c", COMPLETE, cwd=tmp_path, env_extra={
        "_HANDOUT_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword),
        **env})
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.parametrize("args", [["--help"], ["make", "--help"], ["batch", "--help"],
                                  ["--version"]])
def test_help_imports_nothing_heavy(tmp_path, args):
    done = _python("-X", "importtime", "-m", "handout", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "handout" in done.stdout
    assert not _imported(done.stderr) & set(HEAVY + LAZY), sorted(
        _imported(done.stderr) & set(HEAVY + LAZY))


def test_a_handout_without_right_to_left_text_never_imports_the_shaping_libraries(tmp_path):
    example = Path(__file__).resolve().parent.parent / "examples"  # the checkout's, not the package's
    done = _python("-X", "importtime", "-m", "handout", "make", str(example / "client.yaml"),
                   "--brand", str(example / "brand.yaml"), "-o", str(tmp_path / "out.pdf"),
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.pdf").stat().st_size > 10_000
    imported = _imported(done.stderr)
    assert {"reportlab", "yaml"} <= imported  # (the check sees what a make imports)
    assert not imported & {"bidi", "arabic_reshaper", "fontTools"}


def test_a_make_without_a_code_or_a_plan_imports_neither(tmp_path):
    """The example's brand has no site_url (no QR code) and the make no --with-plan: neither
    ReportLab's barcodes (its package loads every symbology) nor the plan's code is imported
    (the plan's options are named from handout.plan_settings), issue 15. The process run as
    the program also ends with its own exit code, the PDF written whole."""
    example = Path(__file__).resolve().parent.parent / "examples"
    done = _python("-X", "importtime", "-m", "handout", "make", str(example / "client.yaml"),
                   "--brand", str(example / "brand.yaml"), "-o", str(tmp_path / "out.pdf"),
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    modules = set(re.findall(r"\|\s+(\S+)\s*$", done.stderr, re.M))
    assert {"handout.render.qr", "handout.plan_settings", "reportlab.platypus"} <= modules
    assert not {m for m in modules if m.startswith("reportlab.graphics.barcode")}
    assert not modules & {"handout.plan", "handout.render.plan"}


def test_the_program_exits_with_the_commands_code_its_output_flushed(tmp_path):
    """`python -m handout` ends without the interpreter's teardown: the exit code is still
    the command's (1 for bad input, 2 for a usage error), its one line on stderr, and
    standard output flushed to the last byte."""
    bad = _python("-m", "handout", "make", "missing.yaml", "-o", "x.pdf", cwd=tmp_path)
    assert (bad.returncode, bad.stderr.strip()) == (1, "Error: missing.yaml: client file not found")
    usage = _python("-m", "handout", "make", "--bogus", cwd=tmp_path)
    assert usage.returncode == 2 and "No such option '--bogus'" in usage.stderr
    listing = _python("-m", "handout", "points", cwd=tmp_path)
    assert listing.returncode == 0 and listing.stdout.endswith("\n")
    assert len(listing.stdout.splitlines()) > 20  # every point, none lost at exit
    profiled = _python("-m", "cProfile", "-o", str(tmp_path / "prof"), "-m", "handout",
                       "--version", cwd=tmp_path)
    assert profiled.returncode == 0 and (tmp_path / "prof").stat().st_size > 0  # written after


def test_import_handout_is_light_and_names_load_when_used(tmp_path):
    code = ("import sys, handout; heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{HEAVY!r}); print(heavy); print(handout.make_handout.__module__, "
            "handout.Client.__name__, 'make_cards' in dir(handout))")
    done = _python("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "[]"
    assert second == "handout.api Client True"


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'make_poster'"):
        handout.make_poster  # noqa: B018


def test_completion_offers_ids_without_reportlab(tmp_path):
    done = _complete("handout show K", 2, tmp_path)
    assert done.stdout.splitlines()[:2] == ["plain,KI3", "plain,knee-to-chest"]
    assert "reportlab" not in _imported(done.stderr)


@pytest.mark.parametrize("words, cword, expected", [
    ("handout make --points BL60,GB3", 3, ["plain,BL60,GB34", "plain,BL60,GB30",
                                           "plain,BL60,GB31", "plain,BL60,GB39"]),
    ("handout make --protocol sciatica-", 3, ["plain,sciatica-pregnancy", "plain,sciatica-gentle"]),
    ("handout cards --condition pre", 3, ["plain,pregnancy"]),
    ("handout stretches --safe-for anti", 3, ["plain,anticoagulants"]),
    ("handout diagram ST", 2, ["plain,ST36"]),
])
def test_completion_of_each_kind_of_id(tmp_path, words, cword, expected):
    assert sorted(_complete(words, cword, tmp_path).stdout.splitlines()) == sorted(expected)


def test_completion_knows_the_clinics_own_ids_and_shows_names(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "protocols.yaml").write_text(
        "protocols:\n  - id: riverside-back\n    name: Riverside back plan\n    points: [BL60]\n")
    done = _complete(f"handout --data {clinic} make --protocol riv", 5, tmp_path, shell="zsh")
    assert done.stdout.splitlines() == ["plain", "riverside-back", "Riverside back plan"]
    done = _complete("handout make --protocol riv", 3, tmp_path, HANDOUT_DATA=str(clinic))
    assert done.stdout.splitlines() == ["plain,riverside-back"]


def test_completion_with_a_broken_data_folder_offers_nothing_quietly(tmp_path):
    done = _complete(f"handout --data {tmp_path / 'missing'} show K", 4, tmp_path)
    assert done.stdout.strip() == "" and "Traceback" not in done.stderr
