"""`handout batch ROSTER`: a handout for every client in a roster (the command line only;
the work is in batch.py, the reading in roster.py).

Added to the main group in cli/__init__.py. Also usable on its own (tests invoke it
directly with an obj like the one `main` builds: {"data_dirs": ..., "config": ...}).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import load_config
from ..errors import HandoutError, for_command_line
from .options import (
    CONTEXT_SETTINGS, check_plan_options, data_option, not_to_a_terminal, plan_options,
    plan_settings,
)


def _shard(ctx, param, value):
    if value is None:
        return (1, 1)
    from ..batch import parse_shard

    try:
        return parse_shard(value)
    except HandoutError as exc:
        raise click.BadParameter(str(exc)) from None


class _ProgressBar:
    """A progress bar on stderr, only when stderr is a terminal (never in a log file)."""

    LABELS = {"rows": "Making handouts", "combining": "Combining"}

    def __init__(self):
        self.bar = None
        self.stage = None
        self.shown = 0
        self.enabled = sys.stderr is not None and sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.bar = click.progressbar(length=total, label=self.LABELS.get(stage, stage),
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
            self.stage, self.shown = stage, 0
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("batch", context_settings=CONTEXT_SETTINGS)
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("--sheet", metavar="NAME",
              help="The sheet of a spreadsheet roster (.xlsx, .ods) to read (default: the first).")
@click.option("--out", "out_dir", required=True, metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the handouts (made if missing): 001-ana-ruiz.pdf, ...")
@click.option("--combined", metavar="FILE.pdf", type=click.Path(dir_okay=False),  # str: keeps '/
              callback=not_to_a_terminal,
              help="Also one print-ready PDF of every handout, each client on a fresh sheet "
                   "('-': to standard output, when redirected).")
@click.option("--duplex", is_flag=True,
              help="For double-sided printing: pad each client in --combined to an even "
                   "number of pages with a blank page.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Handouts drawn at once, in separate processes (default: all cores).")
@click.option("--skip-existing", is_flag=True,
              help="Keep handouts already in --out (resume an interrupted run).")
@click.option("--shard", default=None, metavar="K/N", callback=_shard,
              help="Only rows K, K+N, K+2N, ...: split one roster over N machines.")
@click.option("--brand", "brand_file", type=click.Path(path_type=Path),
              help="Your brand.yaml (see `handout init-brand`).")
@click.option("--template", default=None, metavar="NAME|FILE", help="A layout template.")
@click.option("--with-plan", is_flag=True,
              help="Also each client's weekly plan sheet (from the row's date), "
                   "as 001-ana-ruiz-plan.pdf, and after the handout in --combined.")
@plan_options
@click.option("--reproducible", is_flag=True,
              help="Byte-identical output for identical input (no timestamps).")
@data_option
@click.pass_obj
def batch(state, roster, sheet, out_dir, combined, duplex, jobs, skip_existing, shard, brand_file,
          template, with_plan, start_text, weeks, portrait, locale, reproducible):
    """Make a handout for every client in ROSTER (CSV, .xlsx, .ods or YAML), into --out DIR.

    ROSTER has one row per client, with columns named like the fields of a client file:
    name, date, practitioner, protocol, points, stretches, tips, drop, side, conditions,
    allow, notes, next_appointment, paper, large_print. See docs/batch.md.

    A row that cannot be made is reported and skipped; the others are made; the exit
    status is 1 if any row failed. DIR/manifest.csv lists every row: file, pages, status,
    and why a row failed.

    \b
    Examples:
      handout batch examples/roster.csv --out out/ --combined all.pdf
      handout batch clients.csv --out out/ --shard 2/3 --skip-existing
    """
    from ..batch import BatchInterrupted, run_batch

    if duplex and not combined:
        raise click.UsageError("--duplex pads the --combined file; give --combined FILE.pdf too")
    check_plan_options(with_plan, start_text, weeks, portrait, locale)
    state = state or {}
    config = state.get("config") or load_config()
    data_dirs = state.get("data_dirs", config.data_dirs)
    bar = _ProgressBar()
    try:
        result = run_batch(
            roster, out_dir, brand=brand_file or config.brand,
            template=template or "client-handout", data_dirs=data_dirs,
            template_dirs=config.template_dirs, jobs=jobs, combined=combined, duplex=duplex,
            skip_existing=skip_existing, shard=shard, with_plan=with_plan,
            plan=plan_settings(None, start_text, weeks, portrait, locale) if with_plan else None,
            reproducible=reproducible, progress=bar, sheet=sheet)
    except BatchInterrupted as stop:
        bar.close()
        done = stop.result
        click.echo(f"\ninterrupted: {len(done.made)} made, {len(done.failed)} failed so far; "
                   f"no file was left half-written. {done.manifest} lists them. To go on, run "
                   f"the same command with --skip-existing.", err=True)
        raise click.exceptions.Exit(130) from None
    except KeyboardInterrupt:
        bar.close()
        click.echo("\ninterrupted; no file was left half-written", err=True)
        raise click.exceptions.Exit(130) from None
    except HandoutError as exc:
        bar.close()
        raise click.ClickException(for_command_line(str(exc))) from None
    except OSError as exc:
        bar.close()
        where = f" ({exc.filename})" if exc.filename else ""
        raise click.ClickException(f"{exc.strerror or exc}{where}") from None
    bar.close()
    _summary(result, shard, combined)


def _summary(result, shard, combined) -> None:
    def say(text=""):
        click.echo(text, err=True)

    for warning in result.warnings:
        say(f"warning: {warning}")
    for row in result.rows:
        for warning in row.warnings:
            say(f"warning: {warning}")
    for row in result.failed:
        say(f"failed: {row.where}: {for_command_line(row.error)}")
    k, n = shard
    scope = f"rows {k}, {k + n}, ... (shard {k}/{n}) of {result.roster_rows}" if n > 1 \
        else f"{result.roster_rows} rows"
    made, skipped, failed = len(result.made), len(result.skipped), len(result.failed)
    line = f"made {made} handout{'s' if made != 1 else ''} in {result.out_dir}"
    if skipped:
        line += f", kept {skipped} already there"
    if failed:
        line += f"; {failed} row{'s' if failed != 1 else ''} failed"
    say(f"{line} ({scope})")
    with_notes = sum(1 for r in result.rows if r.notes)
    say(f"manifest: {result.manifest}" + (
        f" (items left out for safety, for {with_notes} client{'s' if with_notes != 1 else ''}, "
        f"are in its notes column)" if with_notes else ""))
    files = result.combined_files
    if len(files) > 1:
        say(f"combined: the handouts are on {' and '.join(f.paper for f in files)} paper, "
            f"so one file for each (a printer needs one paper size a file):")
    for file in files:
        where = "standard output" if str(file.path) == "-" else file.path
        say(f"combined: {where}, {file.pages} pages ({file.paper}, {file.clients} "
            f"client{'s' if file.clients != 1 else ''})")
    if files:
        say(f"combining took {result.combined_seconds:.1f} s")
    elif combined:
        say("combined: not written, no handout was made")
    if failed:
        raise click.ClickException(
            f"{failed} of {len(result.rows)} row{'s' if len(result.rows) != 1 else ''} failed "
            f"(the lines starting 'failed:' above, and the manifest)")
