"""Standard output and Python callers: `-o -` and `--combined -` refuse a terminal and stream
when redirected; Client takes one id as a string; API errors speak of the API's arguments."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import handout
from handout import Client, SafetyError, make_handout
from handout.library import load_library
from handout.program import build_program

from pdfcheck import reader, text
from runcli import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TERMINAL_REFUSAL = ("'-' writes the PDF to standard output, which is this terminal; redirect "
                    "it (> file.pdf, or | lp) or give a file name")


def _on_a_terminal(*args, cwd):
    """`python -m handout ARGS` with standard output on a pseudo-terminal, as in a shell."""
    main, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG")}
    env["PYTHONPATH"] = str(Path(handout.__file__).resolve().parent.parent)
    try:
        done = subprocess.run([sys.executable, "-m", "handout", *map(str, args)], stdout=terminal,
                              stderr=subprocess.PIPE, text=True, cwd=cwd, env=env, timeout=120)
        os.close(terminal)
        terminal = None
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(main)
    return done, shown


@pytest.mark.parametrize("args", [
    ["make", "--protocol", "sciatica", "-o", "-"],
    ["cards", "BL60", "-o", "-"],
    ["batch", EXAMPLES / "roster.csv", "--out", "out", "--combined", "-"],
])
def test_dash_to_a_terminal_is_refused(tmp_path, args):
    done, shown = _on_a_terminal(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert TERMINAL_REFUSAL in " ".join(done.stderr.split())
    assert b"%PDF" not in shown
    assert not (tmp_path / "out").exists() and not (tmp_path / "-").exists()


def test_dash_redirected_streams_the_pdf(tmp_path):
    result = run("make", "--protocol", "sciatica", "--name", "Ana", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"%PDF") and "Ana" in text(result.stdout_bytes)


def test_combined_dash_streams_the_combined_file(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("name,protocol\nAna Ruiz,sciatica\nTom Becker,sciatica-gentle\n")
    result = run("batch", roster, "--out", tmp_path / "out", "--combined", "-", "--jobs", "1")
    assert result.exit_code == 0, result.output
    combined = reader(result.stdout_bytes)
    pages = sum(len(reader(p.read_bytes()).pages) for p in (tmp_path / "out").glob("*.pdf"))
    assert len(combined.pages) == pages > 0
    assert f"combined: standard output, {pages} pages" in result.stderr
    assert not Path("-").exists()


def test_combined_dash_with_two_paper_sizes_is_refused_clearly(tmp_path):
    # The example roster has a Letter row among A4 ones.
    result = run("batch", EXAMPLES / "roster.csv", "--out", tmp_path / "out", "--combined", "-",
                 "--jobs", "1")
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert result.stderr.endswith(
        "Error: --combined -: the handouts are on A4 and Letter paper, and standard output "
        "holds one file; give a file name (all.pdf writes all-a4.pdf, all-letter.pdf)\n")


def test_client_takes_one_id_as_a_string():
    client = Client(protocol="sciatica", conditions="pregnancy", points="GB30", allow=[])
    assert client.conditions == ("pregnancy",) and client.points == ("GB30",)
    program = build_program(load_library(), client)
    assert "BL60" in {o.item.id for o in program.left_out}
    assert "GB30" in {c.item.id for c in program.points}


@pytest.mark.parametrize("field, value", [("conditions", 3), ("points", ["BL60", None]),
                                          ("allow", {"BL60": True})])
def test_client_refuses_other_types_naming_the_field(field, value):
    with pytest.raises(TypeError, match=rf"^Client\({field}=\.\.\.\) takes an id or a list"):
        Client(**{field: value})


def test_api_errors_name_the_api_argument_the_command_line_the_option(tmp_path):
    with pytest.raises(SafetyError) as info:
        make_handout(Client(points="BL60", conditions="pregnancy"))
    assert str(info.value).endswith("confirm with allow=['BL60']")
    assert "--" not in str(info.value)
    result = run("make", "--points", "BL60", "--pregnant", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("confirm with --allow BL60")


OPEN_COMMANDS = {
    "make": ["make", "--protocol", "sciatica-gentle"],
    "plan": ["plan", "--protocol", "sciatica-gentle"],
    "cards": ["cards", "KI3"],
    "reference": ["reference", "KI3"],
}


@pytest.mark.parametrize("command", OPEN_COMMANDS)
def test_open_launches_the_whole_written_file_once(tmp_path, monkeypatch, command):
    import click

    opened = []

    def launch(path, *args, **kwargs):  # the viewer sees the file as it will stay
        opened.append((path, Path(path).read_bytes()))
        return 0

    monkeypatch.setattr(click, "launch", launch)
    out = tmp_path / "sheet.pdf"
    result = run(*OPEN_COMMANDS[command], "-o", out, "--open")
    assert result.exit_code == 0, result.output
    assert [path for path, _ in opened] == [str(out)]
    assert opened[0][1] == out.read_bytes() and out.read_bytes().startswith(b"%PDF-")
    assert opened[0][1].rstrip().endswith(b"%%EOF")
    opened.clear()
    assert run(*OPEN_COMMANDS[command], "-o", out).exit_code == 0
    assert opened == []  # only when asked
