"""Batch production: a handout for every row of a roster, made in parallel worker processes.

    from handout.batch import run_batch
    result = run_batch("clients.csv", "out/", brand="brand.yaml", combined="all.pdf", jobs=4)
    result.made, result.failed, result.manifest

How it holds together:
- The roster is read in this process, streaming, twice: once to count its rows (so an
  empty or unreadable roster stops the run before any work, and the count sets the digits
  of the row numbers and the progress total), then row by row as workers become free.
  Everything that is the same for every row (the library, the brand, the template) is
  loaded and checked here first, so a corrupt logo or a broken data folder stops the run
  before any work, with one clear error.
- ReportLab is not thread-safe, so rows are drawn in worker processes. Each worker loads the
  library and the brand and registers the fonts once (its initializer), then draws rows,
  writes each PDF itself (atomically) and sends back only a few facts: files, page counts,
  notes. No PDF bytes travel between processes and at most 4 x jobs rows are in flight, so
  memory stays flat however long the roster is.
- File names are `<row>-<name slug>.pdf` (`003-ana-ruiz.pdf`): unique (the row number),
  predictable (the same roster gives the same names, which is what `--skip-existing` relies
  on) and safe (ASCII letters and hyphens only, so a name like `../../etc/x` stays inside
  the output folder). filenames.py keeps only the letters of the name, without health
  words: a file name never says `pregnancy`, `warfarin` or `sciatica`.
- `with_plan` adds the client's weekly plan sheet as `003-ana-ruiz-plan.pdf` (one week from
  the row's date), right after the handout in the combined file.
- A row that fails (unknown id, a safety conflict, a bad date) is recorded with its reason
  and the others go on. The manifest (manifest.py, CSV) lists every row of the run: row,
  line, file, pages, status, error, notes.
- The combined file is put together from the finished PDFs (combine.py), in roster order,
  one file per paper size, a bookmark per client, each client starting on a fresh sheet
  (padded to an even page count with `duplex`).
- Ctrl-C: queued rows are cancelled, the workers are stopped at once (a row being drawn is
  abandoned, its temporary file removed), the manifest of what was made is written, and
  BatchInterrupted is raised. No half-written file is left: every file goes through a
  temporary file and a rename. A row whose files were written but whose result had not come
  back (the worker was stopped between writing and answering, or the answer was still in
  the pipe) has its files removed: its notes (items left out for safety) were never
  collected, so it is not made. The manifest and the message list exactly the handouts
  there are. A second Ctrl-C while this is tidied up waits until it is done.
- A worker whose parent dies (kill -9) notices within a second and exits.
"""

from __future__ import annotations

import glob
import io
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .job import prepare, render
from .brand import Brand, check_fonts, load_brand
from .client import Client
from .errors import HandoutError, InputError
from .fonts import fallbacks, font_set
from .layout import find_template, load_template
from .library import load_library
from .combine import Combined, Part, combine
from . import files
from .files import write_atomic
from .render.sections import section_options
from .manifest import write_manifest
from .roster import Roster, RosterRow, in_roster_words, read_roster
from .filenames import MAX_SLUG, file_stem, health_words, slug  # noqa: F401 (callers import them from here)

log = logging.getLogger("handout")

IN_FLIGHT_PER_JOB = 4
HANDOUT_NAME = re.compile(r"\d{3,}-[a-z0-9-]+\.pdf")  # 003-ana-ruiz.pdf, 003-ana-ruiz-plan.pdf

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage "rows" or "combining"


# -- the weekly plan -----------------------------------------------------------------------
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


# -- results ------------------------------------------------------------------------------
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


@dataclass
class BatchResult:
    roster: str
    out_dir: Path
    manifest: Path
    rows: list[RowResult] = field(default_factory=list)  # this run's rows, in roster order
    warnings: list[str] = field(default_factory=list)  # about the roster as a whole
    roster_rows: int = 0  # rows in the whole roster (all shards)
    combined: Path | None = None  # the first (usually the only) combined file
    combined_pages: int = 0  # in all the combined files
    combined_files: list[Combined] = field(default_factory=list)  # one per paper size
    combined_seconds: float = 0.0  # the combining step's time
    interrupted: bool = False

    @property
    def made(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "made"]

    @property
    def skipped(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "skipped"]

    @property
    def failed(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "failed"]


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: what was finished is in `result` (and in its manifest)."""

    def __init__(self, result: BatchResult):
        super().__init__()
        self.result = result


def number_width(total_rows: int) -> int:
    """Digits for row numbers: 3, or more for rosters of 1,000 rows or more (so names sort)."""
    return max(3, len(str(total_rows)))


def manifest_name(shard: tuple[int, int]) -> str:
    k, n = shard
    return "manifest.csv" if n == 1 else f"manifest-{k}-of-{n}.csv"


def parse_shard(text: str) -> tuple[int, int]:
    """'2/3' -> (2, 3)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match:
        raise InputError(f"--shard: '{text}' should be K/N, e.g. 2/3 (the second of three machines)")
    return check_shard((int(match.group(1)), int(match.group(2))))


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    k, n = shard
    if n < 1 or not 1 <= k <= n:
        raise InputError(f"--shard: {k}/{n}: K must be from 1 to N, e.g. 1/3, 2/3, 3/3")
    return k, n


# -- the workers --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Settings:
    out_dir: Path
    brand: Brand
    template: Path
    template_dirs: tuple[Path, ...]
    data_dirs: tuple[Path, ...]
    reproducible: bool
    with_plan: bool
    plan: dict | None = None  # the plan's weeks, locale, orientation, start


@dataclass(frozen=True)
class _Task:
    number: int
    line: int
    where: str
    client: Client
    stem: str
    warnings: tuple[str, ...]
    names: tuple[str, ...] = ()  # the files it writes into the output folder


_settings: _Settings | None = None


def _start_worker(settings: _Settings, in_worker: bool = True) -> None:
    """Once per worker: load the library, register the brand's fonts, keep the settings."""
    global _settings
    if in_worker:
        # Ctrl-C reaches every process of the terminal's group; the parent decides what
        # happens, and stops the workers with SIGTERM, which unwinds the row being drawn
        # (its temporary file is removed) and ends the process.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop_worker)
        _watch_parent(os.getppid())
    _settings = settings
    load_library(settings.data_dirs)
    brand = settings.brand
    font_set(brand.font, brand.font_files, brand.cjk_font)
    fallbacks()


class _WorkerStopped(SystemExit):
    """SIGTERM in a worker: unwinds the row being drawn, then ends the process."""


def _stop_worker(signum, frame):
    raise _WorkerStopped(1)


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


def _make_row(task: _Task) -> RowResult:
    """A worker's row; stopped (SIGTERM), the row is unwound (its temporary file removed)
    and the process ends at once, before the pool could hand it another row."""
    try:
        return _draw_row(task)
    except _WorkerStopped:
        os._exit(1)


def _draw_row(task: _Task) -> RowResult:
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
            pages = tuple(_page_count(io.BytesIO(data)) for _, data in outputs)
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


def _page_count(source) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(source).pages)
    except Exception:  # pypdf raises many kinds for a damaged file
        return None


# -- the run ------------------------------------------------------------------------------
@files.in_one_run
def run_batch(roster: str | Path | Roster, out_dir: str | Path, *,
              brand: Brand | str | Path | None = None,
              template: str | Path = "client-handout",
              data_dirs: Sequence[Path | str] = (),
              template_dirs: Sequence[Path | str] = (),
              jobs: int | None = None,
              combined: str | Path | None = None,
              duplex: bool = False,
              skip_existing: bool = False,
              shard: tuple[int, int] = (1, 1),
              with_plan: bool = False,
              plan: dict | None = None,
              reproducible: bool = False,
              progress: Progress | None = None,
              sheet: str | None = None) -> BatchResult:
    """Make a handout for each row of the roster (this shard's rows) into out_dir.

    `sheet` names the sheet of an .xlsx roster (default: the first).
    Raises HandoutError, before anything is made, for what spoils every row: an empty or
    unreadable roster, a bad brand, template or data folder, a bad shard. Rows that fail
    are in the result (status "failed", with the reason); the run goes on without them.
    """
    k, n = check_shard(shard)
    roster = roster if isinstance(roster, Roster) else read_roster(roster, sheet=sheet)
    files.note_file(roster.path)
    total = roster.count()  # one streaming pass: empty, header-only or unreadable stop here
    wanted = len(range(k, total + 1, n))
    data_dirs = tuple(Path(d) for d in data_dirs)
    template_dirs = tuple(Path(d) for d in template_dirs)
    library = load_library(data_dirs)
    if not isinstance(brand, Brand):
        brand = load_brand(Path(brand) if brand else None)
    check_fonts(brand)  # a broken font file spoils every row: one line, before any
    template_path = find_template(template, template_dirs)
    load_template(template_path, section_options())
    if with_plan:
        from .render.plan import plan_section_options

        load_template(find_template("weekly-plan", template_dirs), plan_section_options())
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out: {out_dir} is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    if combined and str(combined).endswith(("/", os.sep)):
        raise InputError(f"--combined: {combined} ends in '/', so it names a folder; give a "
                         f"file name like all.pdf")
    combined = (combined if str(combined) == "-" else Path(combined)) if combined else None
    if combined and str(combined) != "-" and Path(combined).is_dir():
        raise InputError(f"--combined: {combined} is a folder; give a file name like all.pdf")
    # Outputs checked before any work: none may be an input (the roster, the brand, a data
    # file), or another output (the manifest, a handout of this run).
    manifest = out_dir / manifest_name((k, n))
    files.claim_output(manifest, what="manifest")
    if combined and str(combined) != "-":
        combined_path = Path(combined)
        if (combined_path.resolve().parent == out_dir.resolve()
                and HANDOUT_NAME.fullmatch(combined_path.name)):
            raise InputError(f"--combined: {combined} is named like one of the handouts in "
                             f"{out_dir}; give it another name, like all.pdf")
        files.claim_output(combined_path, what="combined file")

    if with_plan and plan:
        from .plan import check_locale, check_weeks

        check_weeks(plan.get("weeks", 1))  # a bad --weeks spoils every row: say so once
        check_locale(plan.get("locale") or "en-GB")
    settings = _Settings(out_dir, brand, template_path, template_dirs, data_dirs,
                         reproducible, with_plan, plan)
    result = BatchResult(roster.name, out_dir, manifest,
                         warnings=list(roster.warnings), roster_rows=total)
    results: dict[int, RowResult] = {}
    in_flight = _InFlight(out_dir)

    def record(row: RowResult) -> None:
        results[row.number] = row
        in_flight.rows.pop(row.number, None)
        if progress:
            progress("rows", len(results), wanted)

    work = _work(roster, (k, n), out_dir, number_width(total), health_words(library),
                 skip_existing, with_plan)
    jobs = max(1, min(jobs or os.cpu_count() or 1, wanted or 1))
    if progress:
        progress("rows", 0, wanted)
    try:
        if jobs == 1:
            _run_here(work, settings, record, in_flight)
        else:
            _run_pool(work, settings, jobs, record, in_flight)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        with _interrupts_wait() as later:
            forget = in_flight.remove_unrecorded(results)
            result.rows = [results[number] for number in sorted(results)]
            write_manifest(result.manifest, result.rows, with_plan, roster=roster.name,
                           forget=forget)
        result.interrupted = result.interrupted or later.came
    if result.interrupted:
        raise BatchInterrupted(result)

    if combined:
        parts = [Part(f"{row.number}. {row.name or 'no name'}",
                      tuple(out_dir / name for name in row.files))
                 for row in result.rows if row.ok and row.files]
        if parts:
            def step(done, count):
                if progress:
                    progress("combining", done, count)
            step(0, len(parts))
            started = time.perf_counter()
            result.combined_files = combine(parts, combined, duplex=duplex, progress=step)
            result.combined_seconds = time.perf_counter() - started
            result.combined = result.combined_files[0].path
            result.combined_pages = sum(c.pages for c in result.combined_files)
    return result


def _work(roster: Roster, shard, out_dir: Path, width: int, leave_out: frozenset[str],
          skip_existing: bool, with_plan: bool) -> Iterator[RowResult | _Task]:
    """This shard's rows, lazily: a RowResult when the row is settled here (a bad row, a
    file already made), else a _Task for a worker."""
    k, n = shard
    row: RosterRow
    for row in roster:
        if row.number < k or (row.number - k) % n:
            continue
        if row.error:
            yield RowResult(row.number, row.line, "failed", row.error.where,
                            error=row.error.detail, warnings=row.warnings)
            continue
        stem = file_stem(row.number, row.client.name, width, leave_out)
        names = (f"{stem}.pdf", f"{stem}-plan.pdf") if with_plan else (f"{stem}.pdf",)
        if skip_existing:
            pages = tuple(_page_count(out_dir / name) if (out_dir / name).is_file() else None
                          for name in names)
            if all(p is not None for p in pages):
                yield RowResult(row.number, row.line, "skipped", row.where, names, pages,
                                warnings=row.warnings, name=row.client.name)
                continue
        yield _Task(row.number, row.line, row.where, row.client, stem, row.warnings, names)


def _run_here(work, settings: _Settings, record, in_flight: _InFlight) -> None:
    """jobs=1: draw in this process (no pool to start; the same code as a worker)."""
    global _settings
    saved = _settings
    _start_worker(settings, in_worker=False)
    try:
        for item in work:
            if isinstance(item, _Task):
                in_flight.start(item)
                item = _make_row(item)
            record(item)
    finally:
        _settings = saved


def _run_pool(work, settings: _Settings, jobs: int, record, in_flight: _InFlight) -> None:
    limit = IN_FLIGHT_PER_JOB * jobs
    pending: dict = {}  # future -> task

    def start():
        return ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
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
                    pending[executor.submit(_make_row, item)] = item
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
        with _interrupts_wait():
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


class _InFlight:
    """The rows handed out to be drawn, with what their files were before (absent, or an
    earlier run's): after Ctrl-C, a row whose files this run wrote but whose result was
    never recorded is found, and its files are removed."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.rows: dict[int, tuple[tuple[str, ...], tuple]] = {}

    def start(self, task: _Task) -> None:
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
def _interrupts_wait() -> Iterator[_Later]:
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


def _lost(task: _Task) -> RowResult:
    return RowResult(task.number, task.line, "failed", task.where,
                     error="the worker process drawing this row stopped unexpectedly (out of "
                           "memory?); run again with --skip-existing to retry it",
                     warnings=task.warnings)
