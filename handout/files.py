"""The one way the tool reads a file, and the one way it writes one.

Reading (every file the tool reads: client, brand, roster, data, config, template, notes,
logo, photo, view, font):
- only a regular file (or a link to one) is read. A folder, a FIFO, a device or a socket is
  refused at once, before anything could block on it (/dev/zero, a pipe nobody writes);
- the size cap is checked while reading, so a file that grows (or lies about its size)
  stops at the cap plus one chunk;
- text is UTF-8 (a byte-order mark or not) and holds no control characters other than tab,
  line feed and carriage return: NUL, ESC, DEL, the C1 controls and U+FFFE/U+FFFF are
  refused with `file:line:column: control character U+0001`;
- messages name the file and the line, never the file's contents.

Writing (every PDF, PNG, manifest and starter file):
- a regular file is replaced atomically: a temporary file in the same folder, synced, then
  renamed over it; any failure (Ctrl-C too) removes the temporary file and leaves what was
  there untouched. A link to a regular file replaces the file it points to (as the shell's
  `>` writes through a link);
- a character device or a FIFO (`-o /dev/null`, `-o /dev/stdout`, a named pipe), or a link
  to one, is written into directly, as the shell's `>` would: it is never replaced by a
  file. A FIFO nobody reads is refused at once rather than waited on. A block device, a
  socket or a folder is refused;
- '-' is standard output; a closed or broken standard output is one line, never a traceback;
- a name ending in '/' (or naming a folder) is a folder, never a file: refused;
- within one run (one_run(): each command of the command line, each run_batch) an output
  that is one of the run's own inputs (anything read through this module), or another
  output of the same run, is refused before anything is written over.
"""

from __future__ import annotations

import codecs
import errno
import functools
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import DataError, InputError, Problem

CHUNK = 1 << 20  # bytes read at a time; the cap is checked after each
_O_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_BINARY", 0)

# Control characters no data file, client file or roster needs: C0 except tab, line feed
# and carriage return; DEL; C1 (U+0080-U+009F); and the two noncharacters U+FFFE/U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


class OutputError(InputError):
    """An output that cannot or must not be written: one line saying why."""


class FileProblem(DataError, InputError):
    """A file that cannot be read as it is (missing, not a regular file, too big, not text,
    a control character): located like a DataError, and an InputError to the callers that
    catch those (the roster readers)."""


class NotText(FileProblem):
    """A file that is not text in its encoding; `line` is where the first bad byte is."""

    def __init__(self, problem: Problem):
        super().__init__(problem)
        self.line = problem.line or 1


# -- one run: its inputs and outputs ---------------------------------------------------
@dataclass
class Run:
    """What one command has read and is writing, to refuse writing over its own inputs."""

    inputs: dict = field(default_factory=dict)  # (st_dev, st_ino) -> the name it was read as
    outputs: dict = field(default_factory=dict)  # real path -> (name as given, what it is)


_run: Run | None = None


@contextmanager
def one_run() -> Iterator[Run]:
    """A scope in which outputs are checked against inputs and each other. Nested calls
    share the outermost run (run_batch inside `handout batch`)."""
    global _run
    if _run is not None:
        yield _run
        return
    _run = Run()
    try:
        yield _run
    finally:
        _run = None


def in_one_run(function):
    """A function run inside one_run() (run_batch, for Python callers too)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with one_run():
            return function(*args, **kwargs)
    return wrapper


def note_file(path: str | Path) -> None:
    """Remember a file read elsewhere (a roster opened before the run) as this run's input."""
    try:
        note_input(os.stat(path), str(path))
    except OSError:
        pass


def note_input(st: os.stat_result, name: str) -> None:
    """Remember a file this run read (by device and inode: links and other spellings too)."""
    if _run is not None:
        _run.inputs.setdefault((st.st_dev, st.st_ino), name)


def claim_output(target: str | Path, *, what: str = "output") -> None:
    """Refuse (OutputError) an output that is one of this run's inputs or another of its
    outputs; else remember it. Claiming the same output twice is fine."""
    if str(target) == "-" or _run is None:
        return
    name = str(target)
    try:
        st = os.stat(target)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        read_as = _run.inputs.get((st.st_dev, st.st_ino))
        if read_as is not None:
            same = "" if os.path.abspath(read_as) == os.path.abspath(name) else f" ({read_as})"
            raise OutputError(f"{name}: is one of this run's inputs{same}; writing the {what} "
                              f"there would destroy it: give another file name")
    real = os.path.realpath(target)
    other = _run.outputs.get(real)
    if other is not None and other[1] != what:
        raise OutputError(f"{name}: is also where this run writes its {other[1]} ({other[0]}); "
                          f"give the {what} another file name")
    _run.outputs.setdefault(real, (name, what))


# -- reading ---------------------------------------------------------------------------
def _problem(path, message: str, line: int | None = None, column: int | None = None) -> FileProblem:
    return FileProblem(Problem(str(path), line, None, None, message, column))


def _open_regular(path: str | Path, what: str,
                  as_input: bool = True) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file, checked before and after opening (so a file
    swapped for a FIFO in between is caught too); the file noted as this run's input
    (unless it is one of the run's own outputs, read to be added to: the manifest)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise _problem(path, f"{what} not found") from None
    except OSError as exc:
        raise _problem(path, f"cannot read {what}: {exc.strerror or exc}") from None
    _check_regular(path, st, what)
    try:
        fd = os.open(path, _O_READ)
    except OSError as exc:
        raise _problem(path, f"cannot read {what}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        _check_regular(path, st, what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    if as_input:
        note_input(st, str(path))
    return fd, st


def _check_regular(path, st: os.stat_result, what: str) -> None:
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):
        raise _problem(path, f"is a folder, not a {what}")
    kind = ("a pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
            "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
    raise _problem(path, f"is {kind}, not a {what} saved as a file")


def check_file(path: str | Path, *, what: str, max_bytes: int) -> int:
    """For a reader that opens the file itself (openpyxl, Pillow): the same checks as
    read_bytes (a regular file, within the cap) without reading it. Its size."""
    fd, st = _open_regular(path, what)
    os.close(fd)
    _check_size(path, st.st_size, what, max_bytes)
    return st.st_size


def _check_size(path, size: int, what: str, max_bytes: int, more: bool = False) -> None:
    """Refuse a file over the cap; `more`: its size is not known, only that it is over
    (it grew while being read, or its size said less than it holds)."""
    if size <= max_bytes:
        return
    if more:
        raise _problem(path, f"{what} holds more than the {max_bytes:,} bytes allowed")
    raise _problem(path, f"{what} is {size:,} bytes, more than the {max_bytes:,} allowed")


def read_head(path: str | Path, *, what: str, size: int) -> bytes:
    """At most the first `size` bytes of a regular file (to tell its kind)."""
    fd, _ = _open_regular(path, what)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(size)


def read_bytes(path: str | Path, *, what: str, max_bytes: int, as_input: bool = True) -> bytes:
    """The file's bytes, or a DataError saying in one line why it cannot be read."""
    fd, st = _open_regular(path, what, as_input)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        _check_size(path, st.st_size, what, max_bytes)
        chunks, total = [], 0
        while True:
            try:
                chunk = handle.read(min(CHUNK, max_bytes + 1 - total) or 1)
            except OSError as exc:
                raise _problem(path, f"cannot read {what}: {exc.strerror or exc}") from None
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # it grew while being read, or its size lied
                _check_size(path, total, what, max_bytes, more=True)
            chunks.append(chunk)
    return b"".join(chunks)


def read_text(path: str | Path, *, what: str, max_bytes: int, as_input: bool = True) -> str:
    """The file's text (UTF-8, a byte-order mark or not), checked for control characters;
    or a DataError saying in one line, with the line, why it cannot be read."""
    raw = read_bytes(path, what=what, max_bytes=max_bytes, as_input=as_input)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NotText(Problem(str(path), line, None, None, f"not UTF-8 text (byte "
                              f"0x{raw[exc.start]:02x}); save the file as UTF-8")) from None
    check_text(text, str(path))
    return text


def check_text(text: str, name: str, first_line: int = 1) -> None:
    """Refuse text holding a control character, naming its line and column (not the text)."""
    match = CONTROL.search(text)
    if match is None:
        return
    before = text[: match.start()]
    breaks = list(_LINE_BREAK.finditer(before))
    line = first_line + len(breaks)
    column = match.start() - (breaks[-1].end() if breaks else 0) + 1
    raise _problem(name, f"control character U+{ord(match.group()):04X}", line, column)


def text_lines(path: str | Path, *, what: str, max_bytes: int,
               encoding: str = "utf-8-sig") -> Iterator[str]:
    """The file's lines, read as they are needed (a roster of any length in flat memory),
    each with its line ending as written (CR LF, LF, or an old Mac's CR alone), each checked
    for control characters; the size cap is checked as the bytes come in."""
    fd, st = _open_regular(path, what)
    with os.fdopen(fd, "rb") as handle:
        _check_size(path, st.st_size, what, max_bytes)
        decoder = codecs.getincrementaldecoder(encoding)()
        pending, line, total = "", 1, 0
        while True:
            raw = handle.read(CHUNK)
            total += len(raw)
            if total > max_bytes:
                _check_size(path, total, what, max_bytes, more=True)
            try:
                pending += decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                bad = line + len(_LINE_BREAK.findall(pending)) \
                    + len(_BYTE_BREAK.findall(raw[: max(exc.start, 0)]))
                raise NotText(Problem(str(path), bad, None, None, f"not "
                                      f"{_encoding_name(encoding)} text; save the file as "
                                      f"UTF-8")) from None
            end = 0
            for match in _LINE.finditer(pending):
                if raw and match.end() == len(pending) and pending.endswith("\r"):
                    break  # the LF of a CR LF may be in the next chunk
                text = match.group()
                check_text(text, str(path), line)
                line += 1
                end = match.end()
                yield text
            pending = pending[end:]
            if not raw:
                break
        if pending:
            check_text(pending, str(path), line)
            yield pending


def _encoding_name(encoding: str) -> str:
    return "UTF-16" if encoding.startswith("utf-16") else "UTF-8"


# -- writing ---------------------------------------------------------------------------
def _output_path(target: str | Path, what: str) -> Path:
    text = str(target)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        raise OutputError(f"{text}: names a folder (an existing one, or a name ending in "
                          f"'/'); give the {what} a file name")
    claim_output(text, what=what)
    return Path(text)


@contextmanager
def naming_the_file(target: str | Path, what: str = "output") -> Iterator[None]:
    """A write's OSError, which names no file (EFBIG "File too large", ENOSPC "No space left
    on device", EIO, EDQUOT), as one line naming the file being written."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:  # the error already says which file
            raise
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror or exc}") from None


@contextmanager
def atomic_file(target: str | Path, *, what: str = "output"):
    """A binary file handle whose content appears at `target` only when the block ends
    without error (see the module's docstring for devices, FIFOs, links and folders)."""
    target = _output_path(target, what)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror or exc}") from None
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        with naming_the_file(target, what), _open_stream(target, st, what) as handle:
            yield handle
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = "a block device" if stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise OutputError(f"{target}: is {kind}; the {what} is not written over it")
    real = Path(os.path.realpath(target))
    folder = real.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=folder)
    try:
        with naming_the_file(target, what), os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _open_stream(target: Path, st: os.stat_result, what: str):
    """A device or FIFO, written into as the shell's `>` would (no rename is possible)."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if stat.S_ISFIFO(st.st_mode):
        flags |= getattr(os, "O_NONBLOCK", 0)  # no reader: ENXIO at once, not a hang
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{target}: is a pipe nobody is reading; start the reader "
                              f"first") from None
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror or exc}") from None
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as handle:
        yield handle


def write_atomic(data: bytes, target: str | Path, *, what: str = "output") -> None:
    """Write bytes to target ('-' is standard output) through atomic_file."""
    if str(target) == "-":
        write_stdout(data)
        return
    with atomic_file(target, what=what) as handle:
        handle.write(data)


def write_stdout(data: bytes | BinaryIO) -> None:
    """Bytes (or a binary file's content) to standard output; closed or broken, an
    OutputError (one line). After a broken pipe the stream is pointed at the null device,
    so Python's own flush at exit stays quiet."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        raise OutputError("standard output is closed; give a file name instead of '-'")
    try:
        if isinstance(data, (bytes, bytearray, memoryview)):
            stream.write(data)
        else:
            shutil.copyfileobj(data, stream)
        stream.flush()
    except BrokenPipeError:
        _silence_stdout(stream)
        raise OutputError("standard output was closed before all of the PDF was written "
                          "(broken pipe)") from None
    except (OSError, ValueError):  # a closed descriptor, or a closed file object
        _silence_stdout(stream)
        raise OutputError("standard output is closed; give a file name instead of '-'") from None


def _silence_stdout(stream) -> None:
    """Point descriptor 1 at the null device, when it is what `stream` writes to."""
    try:
        if stream.fileno() != 1:
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
