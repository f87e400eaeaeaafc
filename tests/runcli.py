"""Running `handout` as a user would, for the tests of every command."""

from __future__ import annotations

from click.testing import CliRunner

from handout.cli import main


def run(*args, env=None):
    """`handout ARGS...`; a traceback is never an acceptable answer."""
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


def make_pdf(command: str, folder, *args, name: str | None = None):
    """`handout COMMAND ARGS... -o FOLDER/NAME --reproducible`: (result, the output path)."""
    out = folder / (name or f"{command}.pdf")
    return run(command, *args, "-o", out, "--reproducible"), out
