"""The batch's worker pool: rows handed to worker processes (batch_workers.py) as they
become free, results collected in roster order by the caller's `record`.

At most IN_FLIGHT_PER_JOB x jobs rows are in flight, so memory stays flat however long the
roster is. A worker that dies (out of memory) fails the rows it held, and the pool is
started again for the rest.

Ctrl-C: queued rows are cancelled, the workers are stopped at once (a row being drawn is
abandoned, its temporary file removed). A row whose files were written but whose result
had not come back (the worker was stopped between writing and answering, or the answer was
still in the pipe) is found by InFlight, and its files are removed: its notes (items left
out for safety) were never collected, so it is not made. A second Ctrl-C while this is
tidied up waits until it is done (interrupts_wait).
"""

from __future__ import annotations

import glob
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from .batch_workers import RowResult, Settings, Task, in_this_process, make_row, start_worker

IN_FLIGHT_PER_JOB = 4


def run_here(work, settings: Settings, record, in_flight: InFlight) -> None:
    """jobs=1: draw in this process (no pool to start; the same code as a worker)."""
    with in_this_process(settings):
        for item in work:
            if isinstance(item, Task):
                in_flight.start(item)
                item = make_row(item)
            record(item)


def run_pool(work, settings: Settings, jobs: int, record, in_flight: InFlight) -> None:
    """Rows to `jobs` worker processes, at most IN_FLIGHT_PER_JOB x jobs at once; a pool
    broken by a worker's death is started again (the rows it held fail, with the reason)."""
    limit = IN_FLIGHT_PER_JOB * jobs
    pending: dict = {}  # future -> task

    def start():
        return ProcessPoolExecutor(max_workers=jobs, initializer=start_worker,
                                   initargs=(settings,))

    def collect(done) -> bool:
        """Record finished rows; False when the pool broke (a worker died)."""
        broken = False
        for future in done:
            task = pending.pop(future)
            try:
                record(future.result())
            except BrokenProcessPool:
                broken = True
                record(_lost(task))
            except Exception as exc:  # the row could not even be sent or received
                record(RowResult(task.number, task.line, "failed", task.where,
                                 error=f"could not be made ({type(exc).__name__}: {exc})",
                                 warnings=task.warnings))
        return not broken

    executor = start()
    try:
        for item in work:
            if isinstance(item, RowResult):
                record(item)
                continue
            in_flight.start(item)
            while True:
                try:
                    pending[executor.submit(make_row, item)] = item
                    break
                except BrokenProcessPool:
                    _drain(pending, collect)
                    executor.shutdown(wait=True)
                    executor = start()
            if len(pending) >= limit:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                if not collect(done):
                    _drain(pending, collect)
                    executor.shutdown(wait=True)
                    executor = start()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            collect(done)
    except BaseException:
        # Ctrl-C (or anything else): drop queued rows, stop the workers now (a row being
        # drawn is abandoned and its temporary file removed), and keep the results of the
        # rows that were finished for the manifest. Rows whose answer never came are
        # settled by in_flight afterwards.
        with interrupts_wait():
            _stop_pool(executor)
            for future, task in list(pending.items()):
                if future.done() and not future.cancelled() and future.exception() is None:
                    record(future.result())
        raise
    executor.shutdown(wait=True)


STOP_SECONDS = 5  # how long stopped workers get to remove their temporary files


def _stop_pool(executor: ProcessPoolExecutor) -> None:
    """Cancel queued rows and stop every worker with SIGTERM, waiting a few seconds for
    them to unwind (then SIGKILL). The executor's process list is private API; without
    it, the workers would be left to finish their rows."""
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)


class InFlight:
    """The rows handed out to be drawn, with what their files were before (absent, or an
    earlier run's): after Ctrl-C, a row whose files this run wrote but whose result was
    never recorded is found, and its files are removed."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.rows: dict[int, tuple[tuple[str, ...], tuple]] = {}

    def start(self, task: Task) -> None:
        self.rows[task.number] = (task.names,
                                  tuple(_identity(self.out_dir / n) for n in task.names))

    def remove_unrecorded(self, recorded) -> set[int]:
        """Remove what unrecorded rows wrote (whole files and a stopped worker's temporary
        files); the numbers of the rows whose earlier files were so replaced and removed
        (an earlier manifest's lines for them are no longer true)."""
        replaced = set()
        for number, (names, before) in self.rows.items():
            if number in recorded:
                continue
            for name, old in zip(names, before):
                path = self.out_dir / name
                now = _identity(path)
                if now is not None and now != old:  # written by this run
                    path.unlink(missing_ok=True)
                    if old is not None:
                        replaced.add(number)
                for part in glob.glob(glob.escape(str(self.out_dir / f".{name}.")) + "*.part"):
                    Path(part).unlink(missing_ok=True)
        return replaced


def _identity(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class _Later:
    came = False


@contextmanager
def interrupts_wait() -> Iterator[_Later]:
    """Ctrl-C waits while the run tidies up (stops the workers, writes the manifest): a
    second Ctrl-C must not leave the manifest unwritten. `came` says one came meanwhile."""
    later = _Later()
    if threading.current_thread() is not threading.main_thread():
        yield later
        return

    def note(signum, frame):
        later.came = True

    saved = signal.signal(signal.SIGINT, note)
    try:
        yield later
    finally:
        signal.signal(signal.SIGINT, saved)


def _drain(pending: dict, collect) -> None:
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        collect(done)


def _lost(task: Task) -> RowResult:
    return RowResult(task.number, task.line, "failed", task.where,
                     error="the worker process drawing this row stopped unexpectedly (out of "
                           "memory?); run again with skip_existing=True to retry it",
                     warnings=task.warnings)
