"""Hostile and careless input (issue 14): a fixed corpus of the cases the fuzzing pass found.

Each case runs `handout` as a user would and must end with exit code 1, one line on stderr,
no traceback, and nothing destroyed. Where a FIFO or a device could hang the command, or a
workbook could unpack to gigabytes, it runs in a child process forked from this one
(`in_a_child`, tests/forked.py), bounded by a hang guard (not a timing test). Closed or
broken standard streams, Ctrl-C and a killed parent need Python's own start-up: a fresh
`python -m handout` (`in_a_process`). Both are marked `process`. The rest (regular files,
options, limits) run in this process through click's test runner (`handout`): the same
command and the same error handling, without a cold start of Python and ReportLab for each.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from forked import run_forked

BOUND = 60  # seconds: a hang guard for one command (most take one or two)
CLIENT = "name: Ana Ruiz\nprotocol: sciatica\n"


def handout(*args, cwd):
    """`handout ARGS...` in this process, run from `cwd`, as a CompletedProcess (stderr in
    bytes, as from a child). The autouse `isolated` fixture has already removed the
    machine's data folder and config. An exception that escapes the command (a traceback, for
    a user) fails the test showing it."""
    from click.testing import CliRunner

    from handout.cli import main

    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout_bytes,
                                       result.stderr_bytes)


def in_a_child(*args, cwd, env=None):
    """`handout ARGS...` in a child forked from this process, bounded by BOUND seconds."""
    return run_forked(*args, cwd=cwd, env=env, timeout=BOUND)


def in_a_process(*args, cwd, preexec_fn=None):
    """`handout ARGS...` in a fresh `python -m handout`, bounded by BOUND seconds."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME")}
    env["HOME"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "handout", *map(str, args)], cwd=cwd,
                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=BOUND, preexec_fn=preexec_fn)


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


@pytest.mark.parametrize("target", ["brand.yaml", "clinic/tips.yaml", "t.yaml"])
def test_output_over_the_brand_a_data_file_or_the_template_is_refused(work, target):
    from handout.resources import resource_dir

    (work / "brand.yaml").write_text("clinic_name: Test Clinic\n", encoding="utf-8")
    (work / "clinic").mkdir()
    (work / "clinic" / "tips.yaml").write_text(
        "tips:\n  - id: my-tip\n    topic: activity\n    title: Mine\n    text: Walk.\n",
        encoding="utf-8")
    (work / "t.yaml").write_bytes((resource_dir("templates") / "client-handout.yaml").read_bytes())
    before = (work / target).read_bytes()
    refused(handout("make", "client.yaml", "--brand", "brand.yaml", "--data", "clinic",
                    "--template", "t.yaml", "--tips", "my-tip", "-o", target, cwd=work),
            target, "inputs")
    assert (work / target).read_bytes() == before


def test_trailing_slash_means_a_folder_never_a_file(work):
    refused(handout("make", "client.yaml", "-o", "out/missing/", cwd=work), "folder")
    assert not (work / "out" / "missing").exists()


def test_a_character_device_is_written_into_not_replaced(work):
    before = os.stat("/dev/null")
    result = handout("make", "client.yaml", "-o", "/dev/null", cwd=work)
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@pytest.mark.process
def test_a_fifo_is_written_into_and_one_nobody_reads_is_refused_at_once(work):
    fifo = work / "pipe"
    os.mkfifo(fifo)
    refused(in_a_child("make", "client.yaml", "-o", fifo, cwd=work), "pipe nobody is reading")
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = in_a_child("make", "client.yaml", "-o", fifo, cwd=work)
        data = reader.communicate(timeout=BOUND)[0]
    finally:
        reader.kill()
    assert result.returncode == 0, result.stderr
    assert data.startswith(b"%PDF")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not a file


@pytest.mark.process
def test_standard_output_closed_is_one_line(work):
    result = in_a_process("make", "client.yaml", "-o", "-", cwd=work,
                          preexec_fn=lambda: os.close(1))
    refused(result, "standard output is closed")


@pytest.mark.process
def test_standard_output_broken_is_one_line(work):
    proc = subprocess.Popen([sys.executable, "-m", "handout", "make", "client.yaml", "-o", "-"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "HOME": str(work)})
    proc.stdout.close()  # the reader went away before a byte was read
    _, err = proc.communicate(timeout=BOUND)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)
    refused(result, "standard output")


# -- reading: regular files only, control characters located -------------------------
@pytest.mark.parametrize("path", [pytest.param("/dev/zero", marks=pytest.mark.process),
                                  pytest.param("FIFO", marks=pytest.mark.process), "."])
def test_client_file_that_is_not_a_regular_file_is_refused_at_once(work, path):
    run = handout if path == "." else in_a_child  # a device or a FIFO could hang
    if path == "FIFO":
        path = work / "fifo.yaml"
        os.mkfifo(path)  # nobody writes it: reading would hang forever
    refused(run("make", path, "-o", "x.pdf", cwd=work), str(path))
    assert not (work / "x.pdf").exists()


@pytest.mark.parametrize("kind, says", [
    pytest.param("FIFO", "is a pipe (FIFO), not a template", marks=pytest.mark.process),
    ("folder", "is a folder, not a template"),
    ("missing", "not found")])
def test_template_path_that_is_not_a_regular_file_says_what_it_is(work, kind, says):
    path = work / "t.yaml"
    run = handout
    if kind == "FIFO":
        os.mkfifo(path)
        run = in_a_child  # reading a FIFO nobody writes would hang
    elif kind == "folder":
        path.mkdir()
    refused(run("make", "client.yaml", "--template", path, "-o", "x.pdf", cwd=work),
            str(path), says)
    assert not (work / "x.pdf").exists()


@pytest.mark.process
def test_notes_file_dev_zero_is_refused(work):
    refused(in_a_child("make", "client.yaml", "--notes-file", "/dev/zero", "-o", "x.pdf",
                    cwd=work), "/dev/zero", "device")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\ufffe", "\x01"])
def test_control_character_in_a_client_file_is_located(work, char):
    (work / "c.yaml").write_text(f"protocol: sciatica\nname: Ana{char}Ruiz\n", encoding="utf-8")
    refused(handout("make", "c.yaml", "-o", "x.pdf", cwd=work),
            f"c.yaml:2:10: control character U+{ord(char):04X}")
    refused(handout("validate", "--brand", "c.yaml", cwd=work), "c.yaml:2:10: control character")


# -- rosters -------------------------------------------------------------------------------
def test_roster_with_old_mac_line_endings_is_read(work):
    (work / "mac.csv").write_bytes(b"name,protocol\rAna Ruiz,sciatica\rBo Li,sciatica\r")
    result = handout("batch", "mac.csv", "--out", "out", "--jobs", 1, cwd=work)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (work / "out").glob("*.pdf")) == ["001-ana-ruiz.pdf", "002-bo-li.pdf"]


def test_roster_with_100000_unknown_columns_is_one_line(work):
    header = ",".join(["name", "protocol"] + [f"c{i}" for i in range(100_000)])
    (work / "wide.csv").write_text(header + "\nAna,sciatica\n", encoding="utf-8")
    line = refused(handout("batch", "wide.csv", "--out", "out", cwd=work),
                   "wide.csv: line 1: 100,002 columns; a roster has at most 200")
    assert len(line) < 400
    assert not (work / "out" / "manifest.csv").exists()


def test_control_character_in_a_yaml_roster_is_located(work):
    (work / "r.yaml").write_text("- name: Ana\n  protocol: sciatica\n- name: B\x1bo\n"
                                 "  protocol: sciatica\n", encoding="utf-8")
    refused(handout("batch", "r.yaml", "--out", "out", cwd=work),
            "r.yaml:3:10: control character U+001B")


def test_control_character_in_a_csv_roster_is_located(work):
    (work / "r.csv").write_text("name,protocol\nAna,sciatica\nB\x1bo,sciatica\n", encoding="utf-8")
    refused(handout("batch", "r.csv", "--out", "out", cwd=work),
            "r.csv:3:2: control character U+001B")


@pytest.mark.process
@pytest.mark.parametrize("path", ["/dev/zero", "FIFO"])
def test_roster_that_is_not_a_regular_file_is_refused_at_once(work, path):
    if path == "FIFO":
        path = work / "fifo.csv"
        os.mkfifo(path)
    refused(in_a_child("batch", path, "--out", "out", cwd=work), str(path), "not a roster")


@pytest.mark.parametrize("combined", ["roster.csv", "out/manifest.csv", "out/001-ana-ruiz.pdf"])
def test_combined_file_never_overwrites_the_roster_manifest_or_a_handout(work, combined):
    roster = work / "roster.csv"
    roster.write_text("name,protocol\nAna Ruiz,sciatica\n", encoding="utf-8")
    first = handout("batch", "roster.csv", "--out", "out", "--jobs", 1, cwd=work)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in (roster, work / "out" / "manifest.csv",
                                          work / "out" / "001-ana-ruiz.pdf")}
    refused(handout("batch", "roster.csv", "--out", "out", "--combined", combined, cwd=work),
            combined)
    assert {p: p.read_bytes() for p in before} == before


def test_a_second_roster_into_the_same_folder_keeps_the_first_rows(work):
    (work / "a.csv").write_text("name,protocol\nAna Ruiz,sciatica\nBo Li,sciatica\n", encoding="utf-8")
    (work / "b.csv").write_text("name,protocol\nCy Day,sciatica\n", encoding="utf-8")
    for roster in ("a.csv", "b.csv"):
        result = handout("batch", roster, "--out", "out", "--jobs", 1, cwd=work)
        assert result.returncode == 0, result.stderr
    import csv

    with open(work / "out" / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [(r["roster"], r["file"]) for r in csv.DictReader(handle)]
    assert rows == [("a.csv", "001-ana-ruiz.pdf"), ("a.csv", "002-bo-li.pdf"),
                    ("b.csv", "001-cy-day.pdf")]


def test_a_file_named_manifest_that_is_not_one_is_not_written_over(work):
    (work / "a.csv").write_text("name,protocol\nAna Ruiz,sciatica\n", encoding="utf-8")
    (work / "out").mkdir()
    (work / "out" / "manifest.csv").write_text("my own notes\n", encoding="utf-8")
    refused(handout("batch", "a.csv", "--out", "out", "--jobs", 1, cwd=work),
            "not a manifest this tool wrote")
    assert (work / "out" / "manifest.csv").read_text(encoding="utf-8") == "my own notes\n"


# -- limits, dates, numbers ---------------------------------------------------------------
@pytest.mark.parametrize("field, value, message", [
    ("practitioner", "Dr " + "x" * 400_000, "client.yaml:3: practitioner: is 400,003 characters; at most 200"),
    ("next_appointment", "y" * 1_000_000, "next_appointment: is 1,000,000 characters; at most 200"),
    ("notes", "|\n" + "  walk\n" * 30_000, "client.yaml:3: notes: is 149,999 characters; at most 60,000"),
    ("notes", "|\n" + "  w\n" * 2_000, "client.yaml:3: notes: is 2,000 lines; at most 1,000"),
    ("name", "n" * 500, "client.yaml:3: name: is 500 characters; at most 400"),
    ("date", "9999-12-31", "client.yaml:3: date: 9999-12-31 is not a year from 1900 to 2100"),
    ("date", "1066-10-14", "1066-10-14 is not a year from 1900 to 2100"),
])
def test_past_a_limit_is_one_line_naming_field_limit_file_and_line(work, field, value, message):
    other = "practitioner: Jo" if field == "name" else "name: Ana"
    (work / "client.yaml").write_text(f"{other}\nprotocol: sciatica\n{field}: {value}\n",
                                      encoding="utf-8")
    refused(handout("make", "client.yaml", "--with-plan", "-o", "x.pdf", cwd=work), message)
    assert not (work / "x.pdf").exists()


def test_plan_start_out_of_range_is_one_line(work):
    refused(handout("make", "client.yaml", "--with-plan", "--start", "9999-12-30", "-o", "x.pdf",
                    cwd=work), "--start: 9999-12-30 is not a year from 1900 to 2100")


def test_template_number_that_is_not_a_number_is_located(work):
    from handout.resources import resource_dir

    text = (resource_dir("templates") / "client-handout.yaml").read_text(encoding="utf-8")
    heading = "      heading: Your questions for next time\n      lines: 5\n"
    assert heading in text
    text = text.replace(heading, heading.replace("lines: 5", "lines: x"))
    line = text[: text.index("lines: x")].count("\n") + 1
    (work / "t.yaml").write_text(text, encoding="utf-8")
    refused(handout("make", "client.yaml", "--template", "t.yaml", "-o", "x.pdf", cwd=work),
            f"t.yaml:{line}: sections.questions.lines: should be a whole number from 1 to 30")


@pytest.mark.process
def test_within_the_limits_the_worst_notes_are_made(work):
    """1,000 lines of notes (the limit), each near 60 characters: a PDF, not minutes of
    layout (the child's bound guards it); every line printed."""
    notes = "\n".join(f"{i:04d} walk to the shop and back slowly, then rest a while"
                      for i in range(1000))
    (work / "notes.txt").write_text(notes, encoding="utf-8")
    result = in_a_child("make", "client.yaml", "--notes-file", "notes.txt", "-o", "x.pdf",
                          cwd=work)
    assert result.returncode == 0, result.stderr
    from pdfcheck import page_texts

    text = "\n".join(page_texts((work / "x.pdf").read_bytes()))
    assert "0000 walk to the shop" in text and "0999 walk to the shop" in text


# -- batch: streams, signals, file names -------------------------------------------------
SLOW_NOTES = "\n".join(f"{i:04d} walk to the shop and back slowly, then rest a while"
                       for i in range(1000))  # the notes' limit: a row of a few seconds


def slow_roster(folder: Path, rows: int = 8) -> Path:
    import csv

    path = folder / "slow.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "protocol", "notes"])
        for i in range(rows):
            writer.writerow([f"Client {chr(65 + i)}", "sciatica", SLOW_NOTES])
    return path


def start_batch(work, *args):
    return subprocess.Popen([sys.executable, "-m", "handout", "batch", "slow.csv", "--out", "out",
                             *map(str, args)], cwd=work, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "HOME": str(work)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def workers_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def wait_for(condition, what: str):
    """Poll until `condition()` (a hang guard of BOUND seconds, not a timing)."""
    import time

    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.process
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_batch_workers_exit_when_their_parent_is_killed(work):
    slow_roster(work)
    batch = start_batch(work, "--jobs", 2)
    try:
        wait_for(lambda: len(workers_of(batch.pid)) >= 2, "the workers never started")
        workers = workers_of(batch.pid)
        batch.kill()  # kill -9: nobody shuts the pool down
        batch.wait(BOUND)
        wait_for(lambda: not any(alive(w) for w in workers), "workers outlived their parent")
    finally:
        for w in workers_of(batch.pid):
            os.kill(w, signal.SIGKILL)
    assert not list(work.glob("out/.*.part"))  # the rows being drawn removed theirs


@pytest.mark.process
def test_ctrl_c_ends_a_batch_of_slow_rows_leaving_no_partial_file(work):
    slow_roster(work)
    batch = start_batch(work, "--jobs", 2)
    wait_for(lambda: len(workers_of(batch.pid)) >= 2 and (work / "out").is_dir(),
             "the batch never started its workers")
    wait_for(lambda: list((work / "out").glob(".*.part")) or list((work / "out").glob("*.pdf")),
             "no row was ever being written")
    batch.send_signal(signal.SIGINT)
    _, err = batch.communicate(timeout=30)  # rows are abandoned, not finished
    err = err.decode()
    assert batch.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert not list((work / "out").glob(".*.part"))
    assert (work / "out" / "manifest.csv").is_file()


@pytest.mark.process
def test_batch_with_standard_error_closed_still_makes_the_handouts(work):
    (work / "r.csv").write_text("name,protocol\nAna Ruiz,sciatica\n", encoding="utf-8")
    result = in_a_process("batch", "r.csv", "--out", "out", "--jobs", 1, cwd=work,
                          preexec_fn=lambda: os.close(2))
    assert result.returncode == 0
    assert (work / "out" / "001-ana-ruiz.pdf").is_file()


def test_file_names_keep_only_the_letters_of_the_name():
    from handout.batch import file_stem, health_words
    from handout.library import load_library

    words = health_words(load_library())
    assert file_stem(32, "Ana Ruiz expecting", 3, words) == "032-ana-ruiz"
    assert file_stem(62, "Ana warfarin5mg", 3, words) == "062-ana"
    assert file_stem(7, "Ms Ana Ruiz, 32 wks pregnant (due May)", 3, words) == "007-ana-ruiz"


# -- messages never echo a file's contents ---------------------------------------------
SECRET = "s3cret-first-line: do not print me"
# /etc/shadow's shape: each line a YAML key (a mapping of unknown fields, not a parse error)
SHADOW = "s3cret-root:*:20228:0:99999:7:::\ns3cret-daemon:*:20228:0:99999:7:::\n"


@pytest.mark.parametrize("contents", [SECRET + "\nsecond line\n", SHADOW], ids=["text", "shadow"])
@pytest.mark.parametrize("command", [
    ("make", "{f}.yaml", "-o", "x.pdf"),
    ("make", "client.yaml", "--brand", "{f}.yaml", "-o", "x.pdf"),
    ("batch", "{f}.csv", "--out", "out"),
    ("batch", "{f}.yaml", "--out", "out"),
    ("validate", "data"),
])
def test_a_link_to_a_private_file_is_never_quoted(work, command, contents):
    private = work / "private.txt"
    private.write_text(contents, encoding="utf-8")
    (work / "data").mkdir()
    (work / "data" / "points.yaml").symlink_to(private)
    for suffix in ("yaml", "csv"):
        (work / f"link.{suffix}").symlink_to(private)
    result = handout(*[a.format(f="link") for a in command], cwd=work)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert "s3cret" not in err and "do not print" not in err


@pytest.mark.process
def test_config_that_is_dev_zero_is_one_line(work):
    refused(in_a_child("points", cwd=work, env={**os.environ, "HANDOUT_CONFIG": "/dev/zero"}),
            "/dev/zero", "device")


@pytest.mark.process
def test_data_file_linked_to_dev_zero_is_one_problem(work):
    (work / "data").mkdir()
    (work / "data" / "tips.yaml").symlink_to("/dev/zero")
    result = in_a_child("validate", "data", cwd=work)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert "tips.yaml: is a device, not a data file" in err


@pytest.mark.process
def test_workbook_that_unpacks_to_gigabytes_is_refused_before_reading(work):
    import zipfile

    path = work / "bomb.xlsx"
    # The fastest deflate (level 1): 2.7 MB instead of 0.6, made in 1.5 s of CPU instead of 4.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(600):  # 600 MB of zeros, under 3 MB compressed
                part.write(chunk)
    assert path.stat().st_size < 5_000_000
    refused(in_a_child("batch", path, "--out", "out", cwd=work), "unpacks to", "more than")


def test_batch_row_dated_9999_fails_alone_with_one_line(work):
    (work / "d.csv").write_text("name,date,protocol\nAna,9999-12-31,sciatica\nBo,2026-03-14,sciatica\n",
                                encoding="utf-8")
    result = handout("batch", "d.csv", "--out", "out", "--with-plan", "--jobs", 1, cwd=work)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err and "please report" not in err
    assert "row 1 (line 2): date: 9999-12-31 is not a year from 1900 to 2100" in err
    assert (work / "out" / "002-bo.pdf").is_file()


@pytest.mark.parametrize("command", [("batch", "r.csv", "--out", "out", "--combined", "new/"),
                                     ("init-brand", "new/")])
def test_a_trailing_slash_is_a_folder_for_combined_and_init_brand_too(work, command):
    (work / "r.csv").write_text("name,protocol\nAna Ruiz,sciatica\n", encoding="utf-8")
    refused(handout(*command, cwd=work), "new/", "folder")
    assert not (work / "new").exists()


# -- files.py on its own --------------------------------------------------------------------
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_the_size_cap_holds_while_reading_when_the_size_says_nothing():
    from handout import files
    from handout.errors import HandoutError

    assert os.stat("/proc/self/maps").st_size == 0  # a regular file whose size lies
    with pytest.raises(HandoutError, match="holds more than the 10 bytes allowed"):
        files.read_bytes("/proc/self/maps", what="data file", max_bytes=10)


def test_lines_split_at_a_cr_lf_across_the_read_chunk_are_one_line_ending(tmp_path):
    from handout import files

    path = tmp_path / "r.csv"
    head = b"a" * (files.CHUNK - 1)
    path.write_bytes(head + b"\r\nsecond\rthird\nfourth")
    lines = list(files.text_lines(path, what="roster", max_bytes=10 * files.CHUNK))
    assert lines == [head.decode() + "\r\n", "second\r", "third\n", "fourth"]


def test_notes_file_with_old_mac_line_endings_keeps_its_lines(work):
    (work / "cr.txt").write_bytes(b"one\rtwo\r\rthree")
    result = handout("make", "client.yaml", "--notes-file", "cr.txt", "-o", "x.pdf", cwd=work)
    assert result.returncode == 0, result.stderr
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(work / "x.pdf").pages)
    assert "From your practitioner\none\ntwo\nthree\n" in text


def test_notes_file_past_the_limit_names_the_file(work):
    (work / "long.txt").write_text("walk\n" * 30_000, encoding="utf-8")
    refused(handout("make", "client.yaml", "--notes-file", "long.txt", "-o", "x.pdf", cwd=work),
            "long.txt: is 150,000 characters; at most 60,000 (the limit for notes)")
    assert not (work / "x.pdf").exists()


@pytest.mark.parametrize("option, value, message", [
    ("--practitioner", "p" * 300, "--practitioner: is 300 characters; at most 200"),
    ("--name", "A\x1bB", "--name: has a control character (U+001B) at character 2"),
    ("--next-appointment", "n" * 201, "--next-appointment: is 201 characters; at most 200"),
])
def test_an_option_past_its_limit_names_the_option(work, option, value, message):
    refused(handout("make", "client.yaml", option, value, "-o", "x.pdf", cwd=work), message)


@pytest.mark.process
def test_batch_combined_to_a_closed_standard_output_is_one_line(work):
    (work / "r.csv").write_text("name,protocol\nAna Ruiz,sciatica\n", encoding="utf-8")
    result = in_a_process("batch", "r.csv", "--out", "out", "--combined", "-", "--jobs", 1,
                          cwd=work, preexec_fn=lambda: os.close(1))
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("Error: standard output is closed; give a file "
                                            "name instead of '-'")
    assert (work / "out" / "001-ana-ruiz.pdf").is_file()
