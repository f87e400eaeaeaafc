"""The `handout` command line: parse options, call the library, print results.

Thin by design: every rule lives in the library modules. The package's own exceptions become
click errors here (exit 1, or 2 for usage), so a user never sees a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import load_config
from .errors import HandoutError
from .library import REGIONS, check_data, load_library
from . import listing


class HandoutGroup(click.Group):
    """Turns the package's errors (and a full disk) into one-line click errors."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HandoutError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from None


pass_state = click.make_pass_decorator(dict)


@click.group(cls=HandoutGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handout")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(path_type=Path),
              envvar="HANDOUT_DATA",
              help="A clinic's own data folder: its items add to or replace the built-in "
                   "ones by id. Repeat for several. Default: from the config file.")
@click.pass_context
def main(ctx, data_dirs):
    """Print branded self-care handouts for acupressure, massage and physio clients.

    Start with `handout make examples/client.yaml -o handout.pdf`, or browse the content
    with `handout points`, `handout stretches`, `handout tips` and `handout show ID`.
    """
    config = load_config()
    ctx.obj = {"data_dirs": tuple(data_dirs) or config.data_dirs, "config": config}


def _library(state):
    return load_library(state["data_dirs"])


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@pass_state
def validate(state, folder):
    """Check the data: the built-in files plus FOLDER (or the --data folders).

    Lists every problem as file:line: item: field: what is wrong, and exits 1 if any.
    """
    folders = (folder,) if folder else state["data_dirs"]
    problems = check_data(folders)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    library = load_library(folders)
    checked = ", ".join(str(f) for f in folders) or "built-in data"
    click.echo(f"OK: {checked}: {len(library.points)} points, {len(library.stretches)} stretches, "
               f"{len(library.tips)} tips, {len(library.protocols)} protocols, "
               f"{len(library.conditions)} conditions.")


_region = click.option("--region", type=click.Choice(REGIONS), help="Only this body region.")
_safe_for = click.option("--safe-for", "safe_for", multiple=True, metavar="CONDITION",
                         help="Only items not ruled out by this condition (repeatable), "
                              "e.g. --safe-for pregnancy.")
_protocol = click.option("--protocol", metavar="ID", help="Only the items of this protocol.")


@main.command()
@_region
@_safe_for
@_protocol
@pass_state
def points(state, region, safe_for, protocol):
    """List the acupressure points."""
    library = _library(state)
    items = listing.filter_items(library, library.points.values(), region, safe_for, protocol)
    click.echo(listing.points_table(library, items, safe_for))


@main.command()
@_region
@_safe_for
@_protocol
@pass_state
def stretches(state, region, safe_for, protocol):
    """List the stretches and exercises."""
    library = _library(state)
    items = listing.filter_items(library, library.stretches.values(), region, safe_for, protocol)
    click.echo(listing.stretches_table(library, items, safe_for))


@main.command()
@click.option("--topic", metavar="ID", help="Only this topic (activity, sleep, ...).")
@_safe_for
@_protocol
@pass_state
def tips(state, topic, safe_for, protocol):
    """List the lifestyle tips, by topic."""
    library = _library(state)
    items = listing.filter_items(library, library.tips.values(), None, safe_for, protocol)
    if topic:
        items = [t for t in items if t.topic == topic]
        if topic not in library.topics:
            raise click.BadParameter(f"unknown topic '{topic}' (known: {', '.join(library.topics)})",
                                     param_hint="--topic")
    click.echo(listing.tips_table(library, items, safe_for))


@main.command()
@pass_state
def protocols(state):
    """List the protocols a handout can start from."""
    click.echo(listing.protocols_table(_library(state)))


@main.command()
@click.argument("item_id", metavar="ID")
@pass_state
def show(state, item_id):
    """Show one point, stretch, tip or protocol in full (aliases work: K3, LV3, UB60)."""
    library = _library(state)
    item = library.find(item_id)
    click.echo(listing.describe(library, item, asked_as=item_id))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
