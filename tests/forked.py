"""`handout ARGS...` in a child process of its own, forked from the test process.

For the cases that need a real process but not a fresh interpreter: a file-size or memory
limit (RLIMIT_FSIZE, RLIMIT_AS), a FIFO or a device that could hang, a hang guard. A cold
`python -m handout` spends 1.5 to 2 s of CPU importing ReportLab and loading the library
before the command starts; a fork starts with them in memory. The child runs the same
click group and error handling as `python -m handout`; an exception that escapes it
prints its traceback on stderr and exits 1, as Python does.

Not for closed standard streams or signals: Python sees a closed fd 1 at start-up (and sets
sys.stdout to None) and installs its own SIGINT handler, which a fork does not repeat. Those
tests run `python -m handout` itself.
"""

from __future__ import annotations

import io
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import traceback


def _address_space() -> int:
    """This process's virtual memory now, in bytes (what a fork starts with)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(args, cwd, env, limits, ignored, out: int, err: int) -> int:
    """In the child: its folder, environment, streams and limits, then the command."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True,
                                  errors="backslashreplace")
    for which, cap in limits:
        resource.setrlimit(which, (cap, cap))
    for number in ignored:
        signal.signal(number, signal.SIG_IGN)
    from handout.cli import main

    try:
        main([str(a) for a in args], prog_name="handout")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _drain(fd: int, into: list) -> None:
    with open(fd, "rb") as stream:
        into.append(stream.read())


def run_forked(*args, cwd, env=None, file_size: int | None = None, memory: int | None = None,
               ignored=(), timeout: float = 60, text: bool = False):
    """`handout ARGS...` in a child forked from this process, run from `cwd` with `env`
    (default: this process's, as the `isolated` fixture left it) and stdin /dev/null.
    file_size: no file may grow past it (RLIMIT_FSIZE); memory: the child may map at most
    this much more than it starts with (RLIMIT_AS); each signal of `ignored` is ignored.
    Returns returncode, stdout and stderr (bytes, or str with `text`); fails the test if the
    child outlives `timeout` seconds (a hang guard, not a timing)."""
    import pytest

    limits = []
    if file_size is not None:
        limits.append((resource.RLIMIT_FSIZE, file_size))
    if memory is not None:
        limits.append((resource.RLIMIT_AS, _address_space() + memory))
    env = dict(os.environ if env is None else env)
    (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child never returns into the test run
        code = 1
        try:
            os.close(out_r)
            os.close(err_r)
            code = _child(args, cwd, env, limits, ignored, out_w, err_w)
        finally:
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    output: list[list[bytes]] = [[], []]
    readers = [threading.Thread(target=_drain, args=(fd, into), daemon=True)
               for fd, into in zip((out_r, err_r), output)]
    for reader in readers:
        reader.start()
    exited = os.pidfd_open(pid)
    try:
        if not select.select([exited], [], [], timeout)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"handout {' '.join(map(str, args))} still ran after {timeout} s")
    finally:
        os.close(exited)
    _, status = os.waitpid(pid, 0)
    for reader in readers:
        reader.join()
    stdout, stderr = (b"".join(parts) for parts in output)
    if text:
        stdout, stderr = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
    return subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status), stdout, stderr)
