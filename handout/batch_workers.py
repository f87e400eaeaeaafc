"""What a batch worker process does with a roster row: draw its PDFs (the handout, and the
weekly plan with `with_plan`), write them into the output folder (atomically) and answer
with a few facts: files, page counts, notes. No PDF bytes travel between processes.

ReportLab is not thread-safe, so rows are drawn in worker processes. Each worker loads the
library and the brand and registers the fonts once (start_worker, the pool's initializer).
Ctrl-C reaches every process of the terminal's group: a worker ignores it, the parent
decides, and stops the workers with SIGTERM, which unwinds the row being drawn (its
temporary file is removed) and ends the process. A worker whose parent dies (kill -9)
notices within a second and exits. With one job, the same code runs in the parent
(`in_this_process`).
"""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .brand import Brand
from .client import Client
from .errors import HandoutError, InputError
from .files import write_atomic
from .fonts import fallbacks, font_set
from .job import prepare, render
from .library import load_library
from .roster import in_roster_words

log = logging.getLogger("handout")


def plan_pdf(client: Client, *, brand: Brand, template_dirs: Sequence[Path],
             data_dirs: Sequence[Path], reproducible: bool, plan: dict | None = None) -> bytes:
    """`--with-plan`: the client's weekly plan sheet, with the weekly-plan template, written
    beside the handout. `plan` holds make_plan's start, weeks, locale and orientation; with
    no start, each client's plan starts on the row's date (else today)."""
    from .render.plan import make_plan

    settings = {**(plan or {})}
    settings["start"] = settings.get("start") or client.date
    return make_plan(client, brand=brand, data_dirs=data_dirs, template_dirs=template_dirs,
                     reproducible=reproducible, **settings)



@dataclass(frozen=True)
class RowResult:
    number: int
    line: int
    status: str  # "made", "skipped" (its file was already there) or "failed"
    where: str = ""  # roster: row N (line L)
    files: tuple[str, ...] = ()  # file names in the output folder: the handout, then the plan
    pages: tuple[int, ...] = ()  # page count of each file
    error: str = ""  # why the row failed
    notes: tuple[str, ...] = ()  # items left out for safety ...
    warnings: tuple[str, ...] = ()  # unknown column, characters no font has ...
    name: str = ""  # the client's, for the combined file's bookmark

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class Settings:
    out_dir: Path
    brand: Brand
    template: Path
    template_dirs: tuple[Path, ...]
    data_dirs: tuple[Path, ...]
    reproducible: bool
    with_plan: bool
    plan: dict | None = None  # the plan's weeks, locale, orientation, start


@dataclass(frozen=True)
class Task:
    number: int
    line: int
    where: str
    client: Client
    stem: str
    warnings: tuple[str, ...]
    names: tuple[str, ...] = ()  # the files it writes into the output folder


_settings: Settings | None = None


def start_worker(settings: Settings, in_worker: bool = True) -> None:
    """Once per worker: load the library, register the brand's fonts, keep the settings."""
    global _settings
    if in_worker:
        # Ctrl-C reaches every process of the terminal's group; the parent decides what
        # happens, and stops the workers with SIGTERM, which unwinds the row being drawn
        # (its temporary file is removed) and ends the process.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop_on_sigterm()
        _watch_parent(os.getppid())
    _settings = settings
    load_library(settings.data_dirs)
    brand = settings.brand
    font_set(brand.font, brand.font_files, brand.cjk_font)
    fallbacks()


class _WorkerStopped(SystemExit):
    """SIGTERM in a worker: unwinds the row being drawn, then ends the process."""


def _stop_on_sigterm() -> None:
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGALRM, _stop_worker)  # a stop sent again (below)
    sys.unraisablehook = _stop_again_if_swallowed


def _stop_worker(signum, frame):
    raise _WorkerStopped(1)


def _stop_again_if_swallowed(unraisable) -> None:
    """A SIGTERM that lands inside a callback Python cannot raise from (an import lock's
    weakref callback while a worker is still importing, under load) would be printed as
    "Exception ignored" with a traceback, and the worker would go on. Send it again: the
    handler then raises where the row being drawn can unwind. Sent from a timer, 10 ms on:
    a signal sent from here would be handled inside this hook, which cannot raise either."""
    if isinstance(unraisable.exc_value, _WorkerStopped):
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        return
    sys.__unraisablehook__(unraisable)


PARENT_CHECK_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    """A thread that stops this worker when its parent dies (kill -9 leaves no one to
    shut the pool down): the worker is then adopted and its parent id changes."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record):
        (self.warnings if record.levelno >= logging.WARNING else self.notes).append(record.getMessage())


@contextmanager
def _collect_log() -> Iterator[_Collect]:
    """The library's notes for one row, kept for the manifest instead of printed."""
    saved = (log.handlers[:], log.level, log.propagate)
    handler = _Collect()
    log.handlers, log.propagate = [handler], False
    log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.handlers, log.propagate = saved[0], saved[2]
        log.setLevel(saved[1])


def make_row(task: Task) -> RowResult:
    """A worker's row; stopped (SIGTERM), the row is unwound (its temporary file removed)
    and the process ends at once, before the pool could hand it another row."""
    try:
        return _draw_row(task)
    except _WorkerStopped:
        os._exit(1)


def _draw_row(task: Task) -> RowResult:
    """Draw one row's PDFs and write them; return only names, page counts and notes."""
    s = _settings
    with _collect_log() as collected:
        try:
            job = prepare(task.client, brand=s.brand, template=s.template,
                          data_dirs=s.data_dirs, template_dirs=s.template_dirs)
            outputs = [(f"{task.stem}.pdf", render(job, reproducible=s.reproducible))]
            if s.with_plan:
                try:
                    plan = plan_pdf(task.client, brand=s.brand, template_dirs=s.template_dirs,
                                    data_dirs=s.data_dirs, reproducible=s.reproducible,
                                    plan=s.plan)
                except HandoutError as exc:
                    raise InputError(f"weekly plan: {exc}") from None
                outputs.append((f"{task.stem}-plan.pdf", plan))
            pages = tuple(page_count(io.BytesIO(data)) for _, data in outputs)
            for name, data in outputs:
                write_atomic(data, s.out_dir / name, what="handout")
            status, files, error = "made", tuple(n for n, _ in outputs), ""
        except HandoutError as exc:
            status, files, pages, error = "failed", (), (), in_roster_words(str(exc), task.where)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            status, files, pages, error = "failed", (), (), f"could not write: {exc.strerror or exc}{where}"
        except Exception as exc:  # one row's surprise must not stop the other rows
            status, files, pages, error = "failed", (), (), \
                f"could not be made ({type(exc).__name__}: {exc}); please report this"
    return RowResult(task.number, task.line, status, task.where, files, pages, error,
                     tuple(collected.notes), task.warnings + tuple(collected.warnings),
                     task.client.name)


def page_count(source) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(source).pages)
    except Exception:  # pypdf raises many kinds for a damaged file
        return None


@contextmanager
def in_this_process(settings: Settings) -> Iterator[None]:
    """Rows drawn in this process (one job): the worker's start, undone afterwards."""
    global _settings
    saved = _settings
    start_worker(settings, in_worker=False)
    try:
        yield
    finally:
        _settings = saved
