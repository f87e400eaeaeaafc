"""The `handout` command line: parse options, call the library, print results.

Thin by design: every rule lives in the library modules. The package's own exceptions become
click errors here (exit 1, or 2 for usage), so a user never sees a traceback.

One module per command group, each importing only the shared modules (options.py,
common.py, client_input.py, complete.py), never this one; this module builds the `handout`
group and adds their commands:

    browse.py     points, stretches, tips, protocols, conditions, show
    make.py       make, diagram          plan.py       plan
    materials.py  reference, cards       batch.py      batch
    clinic.py     validate, init-brand   site.py       site
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import threading
from pathlib import Path

import click

# Only what every command needs at start-up: `handout --help` and each Tab of shell
# completion import no ReportLab, Pillow or data. A command imports its own tools.
from ..config import load_config
from . import batch, browse, clinic, make, materials, plan, site
from .common import one_line_errors
from .options import CONTEXT_SETTINGS, DATA_HELP


class HandoutGroup(click.Group):
    def invoke(self, ctx):
        from ..files import one_run  # one command: its outputs never overwrite its inputs

        # What is loaded by now (the modules) lives as long as the command: the cyclic
        # collector need not walk it again at every collection (it was a twentieth of a
        # cold make, issue 15). Thawed after, for a caller that runs many commands.
        gc.freeze()
        try:
            with one_line_errors(), one_run():
                return super().invoke(ctx)
        finally:
            gc.unfreeze()


    def __call__(self, *args, **kwargs):
        """Run as the program (the console script, `python -m handout`: arguments from
        sys.argv, standalone), the process ends once the command is done and its output
        flushed, without the interpreter's teardown (freeing every module and object: a
        thirtieth of a cold make, issue 15). A caller passing its own arguments (the tests,
        a script) gets click's usual SystemExit."""
        as_program = not args and "args" not in kwargs and kwargs.get("standalone_mode", True)
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as done:
            if as_program:
                _exit_now(done.code)
            raise


def _exit_now(code) -> None:
    """os._exit(code) after what a normal exit does that matters: the exit handlers run and
    stdout and stderr flushed. Every file of ours is written and closed (or fsynced and
    renamed) by the time a command returns. Returns, for the normal exit, when another thread
    still runs (an exit waits for it), a profiler or tracer is on (`python -m cProfile`
    writes its report after the program returns), the code is a message, or a stream
    cannot be flushed (a closed pipe: the normal exit reports it as it always has)."""
    if (threading.active_count() > 1 or sys.getprofile() or sys.gettrace()
            or not (code is None or isinstance(code, int))):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    atexit._run_exitfuncs()  # logging's shutdown, a pool's workers joined, anything registered
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        os._exit(120)  # what the interpreter exits with when its final flush fails
    os._exit(code or 0)


class _StderrNotes(logging.Handler):
    """The library's notes (items left out, characters dropped) as lines on stderr."""

    def emit(self, record):
        prefix = "warning: " if record.levelno >= logging.WARNING else "note: "
        click.echo(prefix + record.getMessage(), err=True)


def _setup_logging() -> None:
    log = logging.getLogger("handout")
    if not any(isinstance(h, _StderrNotes) for h in log.handlers):
        log.addHandler(_StderrNotes())
    log.setLevel(logging.INFO)
    log.propagate = False


def _print_version(ctx, param, value):
    if value and not ctx.resilient_parsing:
        from .. import __version__  # imported only when asked

        click.echo(f"handout, version {__version__}")
        ctx.exit()


@click.group(cls=HandoutGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show the version and exit.")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(path_type=Path),
              envvar="HANDOUT_DATA", metavar="DIR", help=DATA_HELP)
@click.pass_context
def main(ctx, data_dirs):
    """Print branded self-care handouts for acupressure, massage and physio clients.

    Start with `handout make examples/client.yaml -o handout.pdf`, or browse the content
    with `handout points`, `handout stretches`, `handout tips` and `handout show ID`.
    """
    _setup_logging()
    config = load_config()
    ctx.obj = {"data_dirs": tuple(data_dirs) or config.data_dirs, "config": config,
               "data_from_config": not data_dirs}


for _command in (*browse.COMMANDS, *clinic.COMMANDS, *make.COMMANDS, plan.plan,
                 materials.reference, materials.cards, batch.batch, site.site):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
