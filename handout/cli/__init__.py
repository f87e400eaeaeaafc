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

import gc
import logging
import sys
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
