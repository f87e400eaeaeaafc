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
- Rows are drawn in worker processes (batch_workers.py: what a worker does with a row;
  batch_pool.py: handing rows out and collecting the answers). Each worker writes its PDFs
  itself (atomically) and sends back only a few facts: files, page counts, notes. At most
  4 x jobs rows are in flight, so memory stays flat however long the roster is.
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
- Ctrl-C: queued rows are cancelled, the workers are stopped at once, the manifest of what
  was made is written, and BatchInterrupted is raised. No half-written file is left: every
  file goes through a temporary file and a rename, and a row written but never recorded is
  removed (batch_pool.py): the manifest and the message list exactly the handouts there
  are.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import files
from .batch_pool import InFlight, interrupts_wait, run_here, run_pool
from .batch_workers import RowResult, Settings, Task, page_count  # noqa: F401 (RowResult: callers import it from here)
from .brand import Brand, check_fonts, load_brand
from .combine import Combined, Part, combine
from .errors import InputError
from .filenames import MAX_SLUG, file_stem, health_words, slug  # noqa: F401 (callers import them from here)
from .layout import find_template, load_template
from .library import load_library
from .manifest import write_manifest
from .render.sections import section_options
from .roster import Roster, RosterRow, read_roster

HANDOUT_NAME = re.compile(r"\d{3,}-[a-z0-9-]+\.pdf")  # 003-ana-ruiz.pdf, 003-ana-ruiz-plan.pdf

Progress = Callable[[str, int, int], None]  # (stage, done, total); stage "rows" or "combining"


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
    """'2/3' -> (2, 3): the command line's --shard (its messages name no option: the
    option's own error says it)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match:
        raise InputError(f"'{text}' should be K/N, e.g. 2/3 (the second of three machines)")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise InputError(f"{k}/{n}: K must be from 1 to N, e.g. 1/3, 2/3, 3/3")
    return k, n


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    k, n = shard
    if n < 1 or not 1 <= k <= n:
        raise InputError(f"shard=({k}, {n}): K must be from 1 to N, e.g. (1, 3), (2, 3), "
                         f"(3, 3) for three machines")
    return k, n


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
        raise InputError(f"out_dir='{out_dir}' is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    if combined and str(combined).endswith(("/", os.sep)):
        raise InputError(f"combined='{combined}' ends in '/', so it names a folder; give a "
                         f"file name like all.pdf")
    combined = (combined if str(combined) == "-" else Path(combined)) if combined else None
    if combined and str(combined) != "-" and Path(combined).is_dir():
        raise InputError(f"combined='{combined}' is a folder; give a file name like all.pdf")
    # Outputs checked before any work: none may be an input (the roster, the brand, a data
    # file), or another output (the manifest, a handout of this run).
    manifest = out_dir / manifest_name((k, n))
    files.claim_output(manifest, what="manifest")
    if combined and str(combined) != "-":
        combined_path = Path(combined)
        if (combined_path.resolve().parent == out_dir.resolve()
                and HANDOUT_NAME.fullmatch(combined_path.name)):
            raise InputError(f"combined='{combined}' is named like one of the handouts in "
                             f"{out_dir}; give it another name, like all.pdf")
        files.claim_output(combined_path, what="combined file")

    if with_plan and plan:
        from .plan import check_locale, check_weeks

        check_weeks(plan.get("weeks", 1))  # bad weeks spoil every row: say so once
        check_locale(plan.get("locale") or "en-GB")
    settings = Settings(out_dir, brand, template_path, template_dirs, data_dirs,
                         reproducible, with_plan, plan)
    result = BatchResult(roster.name, out_dir, manifest,
                         warnings=list(roster.warnings), roster_rows=total)
    results: dict[int, RowResult] = {}
    in_flight = InFlight(out_dir)

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
            run_here(work, settings, record, in_flight)
        else:
            run_pool(work, settings, jobs, record, in_flight)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        with interrupts_wait() as later:
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
          skip_existing: bool, with_plan: bool) -> Iterator[RowResult | Task]:
    """This shard's rows, lazily: a RowResult when the row is settled here (a bad row, a
    file already made), else a Task for a worker."""
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
            pages = tuple(page_count(out_dir / name) if (out_dir / name).is_file() else None
                          for name in names)
            if all(p is not None for p in pages):
                yield RowResult(row.number, row.line, "skipped", row.where, names, pages,
                                warnings=row.warnings, name=row.client.name)
                continue
        yield Task(row.number, row.line, row.where, row.client, stem, row.warnings, names)
