"""Files are written whole or not at all: a write that fails half-way (a full disk, a quota)
leaves the file that was there before byte for byte, and no temporary file beside it.

The failure is real, not mocked: each command runs in a child process (forked from the test
process, tests/forked.py) whose largest file size is capped below the size of what it writes
(RLIMIT_FSIZE, with SIGXFSZ ignored, so the write fails with "File too large" part-way
through, as on a full disk). What is checked is only what a user would find in the folder
afterwards, so the tests hold whichever module does the writing.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from forked import run_forked
from runcli import run

pytestmark = pytest.mark.process

OLD = b"%PDF-1.4 the old file, whole: it must survive a failed write\n"
CAP = 16_000  # bytes: every PDF or PNG below is many times larger
ROSTER = "name,date,protocol\nAna Ruiz,2026-03-14,sciatica-gentle\nBo Li,2026-03-14,sciatica-gentle\n"


def handout_capped(folder: Path, *args) -> subprocess.CompletedProcess:
    """In a child process: no file may grow past CAP bytes; a write past it fails (EFBIG)."""
    return run_forked(*args, cwd=folder, file_size=CAP, ignored=(signal.SIGXFSZ,), timeout=300,
                      text=True)


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def assert_failed_cleanly(done: subprocess.CompletedProcess, name: str) -> None:
    """Exit 1, no traceback, and one line naming the file that could not be written."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: {name}: cannot write the ") and last.endswith(
        ": File too large"), done.stderr


SINGLE_FILE = {
    "make": ["make", "--protocol", "sciatica", "--name", "Ana Ruiz", "-o", "out.pdf"],
    "plan": ["plan", "--protocol", "sciatica", "-o", "out.pdf"],
    "cards": ["cards", "--protocol", "sciatica", "-o", "out.pdf"],
    "reference": ["reference", "BL60", "-o", "out.pdf"],
    "diagram-png": ["diagram", "BL60", "-o", "out.png"],
    "diagram-pdf": ["diagram", "BL60", "-o", "out.pdf"],
}


@pytest.mark.parametrize("command", SINGLE_FILE)
def test_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, command):
    args = SINGLE_FILE[command]
    target = tmp_path / args[-1]
    target.write_bytes(OLD)
    # "File too large": the command got as far as writing, and the write failed part-way.
    assert_failed_cleanly(handout_capped(tmp_path, *args), target.name)
    assert listing(tmp_path) == {target.name: OLD}  # the old file whole, nothing beside it


def test_failed_batch_writes_keep_each_old_file(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name in ("001-ana-ruiz.pdf", "002-bo-li.pdf"):
        (out / name).write_bytes(OLD)
    done = handout_capped(tmp_path, "batch", "roster.csv", "--out", "out", "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert ("failed: roster.csv: row 1 (line 2): out/001-ana-ruiz.pdf: cannot write the handout: "
            "File too large") in done.stderr
    assert "Traceback" not in done.stderr
    files = listing(out)
    assert files.pop("001-ana-ruiz.pdf") == OLD and files.pop("002-bo-li.pdf") == OLD
    assert list(files) == ["manifest.csv"]  # small enough to be written; nothing else


def test_failed_combined_file_keeps_the_old_one(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    made = run("batch", tmp_path / "roster.csv", "--out", tmp_path / "out", "--jobs", "1")
    assert made.exit_code == 0, made.output
    (tmp_path / "all.pdf").write_bytes(OLD)
    before = listing(tmp_path)
    done = handout_capped(tmp_path, "batch", "roster.csv", "--out", "out", "--jobs", "1",
                          "--skip-existing", "--combined", "all.pdf")
    assert_failed_cleanly(done, "all.pdf")
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: all.pdf: cannot write the combined file: File too large")
    after = listing(tmp_path)
    after.pop("out/manifest.csv"), before.pop("out/manifest.csv")  # rewritten: rows skipped
    assert after == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_naming_the_file(tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    result = run("make", "--protocol", "sciatica", "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr == ("Error: /dev/full: cannot write the output: No space left on "
                             "device\n")
