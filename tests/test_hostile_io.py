"""Hostile and careless input (issue 14): a fixed corpus of the cases the fuzzing pass found.

Each case runs `handout` as a user would, in its own process (closed streams, FIFOs and
devices need a real one), bounded by the subprocess timeout: it must end with exit code 1,
one line on stderr, no traceback, and nothing destroyed. The bound is a hang guard, not a
timing test.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

BOUND = 60  # seconds: a hang guard for one command (most take one or two)
CLIENT = "name: Ana Ruiz\nprotocol: sciatica\n"


def handout(*args, cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, pass_fds=(),
            preexec_fn=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME")}
    env["HOME"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "handout", *map(str, args)], cwd=cwd,
                          env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=BOUND, pass_fds=pass_fds, preexec_fn=preexec_fn)


def refused(result, *expected: str) -> str:
    """Exit 1, one line on stderr (naming what is expected), no traceback; the line."""
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert result.returncode == 1, err
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def work(tmp_path):
    (tmp_path / "client.yaml").write_text(CLIENT, encoding="utf-8")
    return tmp_path


# -- writing never destroys --------------------------------------------------------------
def test_output_over_the_client_file_is_refused_and_the_file_kept(work):
    line = refused(handout("make", "client.yaml", "-o", "client.yaml", cwd=work),
                   "client.yaml", "inputs")
    assert (work / "client.yaml").read_text(encoding="utf-8") == CLIENT
    assert "Ana" not in line.split("client.yaml", 1)[1]  # the file's contents are not quoted


def test_output_over_the_notes_file_is_refused(work):
    (work / "notes.txt").write_text("Walk daily.\n", encoding="utf-8")
    refused(handout("make", "client.yaml", "--notes-file", "notes.txt", "-o", "notes.txt",
                    cwd=work), "notes.txt", "inputs")
    assert (work / "notes.txt").read_text(encoding="utf-8") == "Walk daily.\n"


def test_output_through_a_link_to_the_client_file_is_refused(work):
    (work / "link.pdf").symlink_to(work / "client.yaml")
    refused(handout("make", "client.yaml", "-o", "link.pdf", cwd=work), "inputs")
    assert (work / "client.yaml").read_text(encoding="utf-8") == CLIENT
    assert (work / "link.pdf").is_symlink()


def test_trailing_slash_means_a_folder_never_a_file(work):
    refused(handout("make", "client.yaml", "-o", "out/missing/", cwd=work), "folder")
    assert not (work / "out" / "missing").exists()


def test_a_character_device_is_written_into_not_replaced(work):
    before = os.stat("/dev/null")
    result = handout("make", "client.yaml", "-o", "/dev/null", cwd=work)
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_fifo_is_written_into_and_one_nobody_reads_is_refused_at_once(work):
    fifo = work / "pipe"
    os.mkfifo(fifo)
    refused(handout("make", "client.yaml", "-o", fifo, cwd=work), "pipe nobody is reading")
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = handout("make", "client.yaml", "-o", fifo, cwd=work)
        data = reader.communicate(timeout=BOUND)[0]
    finally:
        reader.kill()
    assert result.returncode == 0, result.stderr
    assert data.startswith(b"%PDF")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not a file


def test_standard_output_closed_is_one_line(work):
    result = handout("make", "client.yaml", "-o", "-", cwd=work,
                     preexec_fn=lambda: os.close(1))
    refused(result, "standard output is closed")


def test_standard_output_broken_is_one_line(work):
    proc = subprocess.Popen([sys.executable, "-m", "handout", "make", "client.yaml", "-o", "-"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "HOME": str(work)})
    proc.stdout.close()  # the reader went away before a byte was read
    _, err = proc.communicate(timeout=BOUND)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)
    refused(result, "standard output")


# -- reading: regular files only, control characters located -------------------------
@pytest.mark.parametrize("path", ["/dev/zero", "FIFO", "."])
def test_client_file_that_is_not_a_regular_file_is_refused_at_once(work, path):
    if path == "FIFO":
        path = work / "fifo.yaml"
        os.mkfifo(path)  # nobody writes it: reading would hang forever
    refused(handout("make", path, "-o", "x.pdf", cwd=work), str(path))
    assert not (work / "x.pdf").exists()


def test_notes_file_dev_zero_is_refused(work):
    refused(handout("make", "client.yaml", "--notes-file", "/dev/zero", "-o", "x.pdf",
                    cwd=work), "/dev/zero", "device")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\ufffe", "\x01"])
def test_control_character_in_a_client_file_is_located(work, char):
    (work / "c.yaml").write_text(f"protocol: sciatica\nname: Ana{char}Ruiz\n", encoding="utf-8")
    refused(handout("make", "c.yaml", "-o", "x.pdf", cwd=work),
            f"c.yaml:2:10: control character U+{ord(char):04X}")
    refused(handout("validate", "--brand", "c.yaml", cwd=work), "c.yaml:2:10: control character")
