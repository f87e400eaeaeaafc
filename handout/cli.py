"""The `handout` command line: parse options, call the library, print results.

Thin by design: every rule lives in the library modules. The package's own exceptions become
click errors here (exit 1, or 2 for usage), so a user never sees a traceback.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from pathlib import Path

import click

# Only what every command needs at start-up: `handout --help` and each Tab of shell
# completion import no ReportLab, Pillow or data. A command imports its own tools.
from .cli_options import (
    CONTEXT_SETTINGS, DATA_HELP, apply, check_plan_options, data_option, output_options,
    paper_value, plan_options, plan_settings,
)
from .client import SIDES, Client, load_client, merge, parse_date
from .complete import complete_ids
from .config import load_config
from .errors import HandoutError, for_command_line
from .library import REGIONS


@contextmanager
def one_line_errors():
    """The package's errors (and a full disk) as one-line click errors, never a traceback."""
    try:
        yield
    except HandoutError as exc:
        raise click.ClickException(for_command_line(str(exc))) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise click.ClickException(f"{exc.strerror or exc}{where}") from None


class HandoutGroup(click.Group):
    def invoke(self, ctx):
        from .files import one_run  # one command: its outputs never overwrite its inputs

        with one_line_errors(), one_run():
            return super().invoke(ctx)


pass_state = click.make_pass_decorator(dict)


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
        from . import __version__  # read from the installed metadata only when asked

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


def _library(state):
    from .library import load_library

    return load_library(state["data_dirs"])


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--brand", "brand_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Check this brand file too (its country against the emergency services).")
@data_option
@pass_state
def validate(state, folder, brand_file):
    """Check the data: the built-in files plus FOLDER (or the --data folders).

    Lists every problem as file:line: item: field: what is wrong, and exits 1 if any.
    """
    from .library import check_data, load_library

    folders = (folder,) if folder else state["data_dirs"]
    problems = check_data(folders)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    library = load_library(folders)
    if brand_file:
        from .api import country_of
        from .brand import load_brand

        from .brand import check_fonts

        brand = load_brand(brand_file)  # its logo and font name checked as make checks them
        check_fonts(brand)  # its font files, read as make reads them
        country_of(brand, library)
    checked = ", ".join(str(f) for f in folders) or "built-in data"
    click.echo(f"OK: {checked}: {len(library.points)} points, {len(library.stretches)} stretches, "
               f"{len(library.tips)} tips, {len(library.protocols)} protocols, "
               f"{len(library.conditions)} conditions.")


_region = click.option("--region", type=click.Choice(REGIONS), help="Only this body region.")
_safe_for = click.option("--safe-for", "safe_for", multiple=True, metavar="CONDITION",
                         shell_complete=complete_ids("conditions"), help="Only items not ruled out by this condition (repeatable), "
                              "e.g. --safe-for pregnancy.")
_protocol = click.option("--protocol", metavar="ID", shell_complete=complete_ids("protocols"),
                         help="Only the items of this protocol.")
_yaml = click.option("--yaml", "as_yaml", is_flag=True,
                     help="Print the items as a clinic's data file holds them, to copy.")


def _echo_items(state, section: str, items, as_yaml: bool, table) -> None:
    """A listing as a table, or with --yaml as the data file's text (clinic fields laid over)."""
    if not as_yaml:
        click.echo(table)
        return
    from .itemyaml import items_yaml
    from .library import raw_items

    raw = raw_items(section, state["data_dirs"])
    click.echo(items_yaml(section, [raw[item.id] for item in items]), nl=False)


@main.command()
@_region
@_safe_for
@_protocol
@_yaml
@data_option
@pass_state
def points(state, region, safe_for, protocol, as_yaml):
    """List the acupressure points."""
    from . import listing

    library = _library(state)
    items = listing.filter_items(library, library.points.values(), region, safe_for, protocol)
    _echo_items(state, "points", items, as_yaml,
                None if as_yaml else listing.points_table(library, items, safe_for))


@main.command()
@_region
@_safe_for
@_protocol
@_yaml
@data_option
@pass_state
def stretches(state, region, safe_for, protocol, as_yaml):
    """List the stretches and exercises."""
    from . import listing

    library = _library(state)
    items = listing.filter_items(library, library.stretches.values(), region, safe_for, protocol)
    _echo_items(state, "stretches", items, as_yaml,
                None if as_yaml else listing.stretches_table(library, items, safe_for))


@main.command()
@click.option("--topic", metavar="ID", shell_complete=complete_ids("topics"),
              help="Only this topic (activity, sleep, ...).")
@_safe_for
@_protocol
@_yaml
@data_option
@pass_state
def tips(state, topic, safe_for, protocol, as_yaml):
    """List the lifestyle tips, by topic."""
    from . import listing

    library = _library(state)
    items = listing.filter_items(library, library.tips.values(), None, safe_for, protocol)
    if topic:
        items = [t for t in items if t.topic == topic]
        if topic not in library.topics:
            raise click.BadParameter(f"unknown topic '{topic}' (known: {', '.join(library.topics)})",
                                     param_hint="--topic")
    _echo_items(state, "tips", items, as_yaml,
                None if as_yaml else listing.tips_table(library, items, safe_for))


@main.command()
@_yaml
@data_option
@pass_state
def protocols(state, as_yaml):
    """List the protocols a handout can start from."""
    from . import listing

    library = _library(state)
    _echo_items(state, "protocols", library.protocols.values(), as_yaml,
                None if as_yaml else listing.protocols_table(library))


@main.command()
@data_option
@pass_state
def conditions(state):
    """List the client conditions the safety rules know (for --condition)."""
    from . import listing

    click.echo(listing.conditions_table(_library(state)))


@main.command()
@click.argument("item_id", metavar="ID",
                shell_complete=complete_ids("points", "stretches", "tips", "protocols"))
@click.option("--yaml", "as_yaml", is_flag=True,
              help="Print it as a clinic's data file holds it, each field explained: copy it "
                   "into your folder and keep the fields you change.")
@data_option
@pass_state
def show(state, item_id, as_yaml):
    """Show one point, stretch, tip or protocol in full (aliases work: K3, LV3, UB60)."""
    from . import listing

    library = _library(state)
    item = library.find(item_id)
    if as_yaml:
        from .itemyaml import items_yaml
        from .library import raw_items, section_of

        section = section_of(item)
        click.echo(items_yaml(section, [raw_items(section, state["data_dirs"])[item.id]],
                              notes="all"), nl=False)
        return
    click.echo(listing.describe(library, item, asked_as=item_id))


def _split(values) -> tuple[str, ...]:
    """Repeated options and comma lists alike: --points BL60,GB34 --points KI3."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def client_options(command):
    """The options that describe a client, shared by `make` and `plan`."""
    options = [
        click.argument("client_file", required=False, type=click.Path(path_type=Path)),
        data_option,
        click.option("--name", help="The client's name."),
        click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Date on the sheet (default: today)."),
        click.option("--practitioner", help="Your name, as the client should see it."),
        click.option("--protocol", metavar="ID", shell_complete=complete_ids("protocols"),
                     help="The protocol to start from (see `handout protocols`)."),
        click.option("--points", multiple=True, metavar="IDS", shell_complete=complete_ids("points"),
                     help="Points to add, e.g. BL60,GB34."),
        click.option("--stretches", multiple=True, metavar="IDS",
                     shell_complete=complete_ids("stretches"), help="Stretches to add."),
        click.option("--tips", multiple=True, metavar="IDS", shell_complete=complete_ids("tips"),
                     help="Tips to add."),
        click.option("--drop", multiple=True, metavar="IDS",
                     shell_complete=complete_ids("points", "stretches", "tips"),
                     help="Protocol items to leave out."),
        click.option("--side", type=click.Choice(SIDES), help="Which side to press (default: both)."),
        click.option("--pregnant", is_flag=True, help="Same as --condition pregnancy."),
        click.option("--condition", "conditions", multiple=True, metavar="NAMES",
                     shell_complete=complete_ids("conditions"),
                     help="The client's conditions, e.g. anticoagulants,numb-skin (see `handout conditions`)."),
        click.option("--allow", multiple=True, metavar="IDS",
                     shell_complete=complete_ids("points", "stretches", "tips"),
                     help="Include these even though a condition rules them out (you confirm it)."),
        click.option("--notes", help="Your notes for the client."),
        click.option("--notes-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Read your notes from a text file."),
        click.option("--next-appointment", metavar="TEXT", help="e.g. 'Tuesday 3 March, 10:30'."),
        click.option("--large-print/--normal-print", "large_print", default=None,
                     help="Large print (body text 18 pt, nothing under 14 pt)."),
    ]
    return output_options(apply(command, options))


def build_client(client_file, name, date_text, practitioner, protocol, points, stretches, tips,
                 drop, side, pregnant, conditions, allow, notes, notes_file, next_appointment,
                 paper, large_print) -> Client:
    from .errors import InputError
    from .limits import text_problem

    base = load_client(client_file) if client_file else Client(source="options")
    # Each text option checked as itself, so a message names the option (or notes file),
    # not the client file it is laid over.
    for option, key, value in (("--name", "name", name), ("--practitioner", "practitioner",
                               practitioner), ("--next-appointment", "next_appointment",
                               next_appointment), ("--notes", "notes", notes)):
        problem = text_problem(key, value) if value else None
        if problem:
            raise InputError(f"{option}: {problem}")
    if notes_file:
        from .files import read_text
        from .limits import NOTES_FILE_BYTES

        notes = read_text(notes_file, what="notes file", max_bytes=NOTES_FILE_BYTES)
        too_long = text_problem("notes", notes)
        if too_long:
            raise InputError(f"{notes_file}: {too_long} (the limit for notes)")
    conditions = _split(conditions) + (("pregnancy",) if pregnant else ())
    client = merge(
        base, name=name, practitioner=practitioner, protocol=protocol,
        points=_split(points), stretches=_split(stretches), tips=_split(tips), drop=_split(drop),
        side=side, conditions=conditions, allow=_split(allow), notes=notes,
        next_appointment=next_appointment,
        paper=paper_value(paper),
        large_print=large_print,
        date=parse_date(date_text, "--date") if date_text else None,
    )
    if not (client.protocol or client.points or client.stretches or client.tips):
        raise click.UsageError("say what to print: a client file, --protocol, or --points/--stretches")
    return client


def _write(data: bytes, output: str, open_after: bool) -> None:
    from .files import write_atomic

    write_atomic(data, output)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
        if open_after:
            click.launch(output)


@main.command()
@client_options
@click.option("--with-plan", is_flag=True, help="Append the weekly plan sheet (see `handout plan`).")
@plan_options
@pass_state
def make(state, output, brand_file, template, reproducible, open_after, with_plan, start_text,
         weeks, portrait, locale, **client_fields):
    """Make a client's handout PDF, from CLIENT_FILE (YAML) and/or options.

    \b
    Examples:
      handout make examples/client.yaml -o client.pdf
      handout make --name "Ana Ruiz" --protocol sciatica --pregnant -o ana.pdf
      handout make examples/client.yaml --with-plan --weeks 4 -o client.pdf
    """
    from .api import make_handout

    check_plan_options(with_plan, start_text, weeks, portrait, locale)
    client = build_client(**client_fields)
    config = state["config"]
    plan = plan_settings(client, start_text, weeks, portrait, locale) if with_plan else None
    data = make_handout(client, brand=brand_file or config.brand,
                        template=template or "client-handout",
                        data_dirs=state["data_dirs"], template_dirs=config.template_dirs,
                        reproducible=reproducible, plan=plan)
    _write(data, output, open_after)


@main.command()
@click.argument("item_id", metavar="ID", shell_complete=complete_ids("points"))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="FILE.pdf or FILE.png.")
@click.option("--side", type=click.Choice(("right", "left", "both")), default="right",
              show_default=True, help="Which side to show (left mirrors the view).")
@click.option("--width-mm", type=click.FloatRange(20, 200), default=60, show_default=True,
              help="Width of the drawing.")
@data_option
@pass_state
def diagram(state, item_id, output, side, width_mm):
    """Draw one point's body diagram or one stretch's picture alone, to check or reuse it
    (PDF or PNG). --side applies to points."""
    from reportlab.lib.units import mm

    from .render.diagrams import check_picture_path, load_view, write_drawing, write_point_diagram
    from .render.figures import image_dirs, stretch_picture

    library = _library(state)
    item = library.drawable(item_id)
    check_picture_path(output)
    if item.kind == "stretch":
        write_drawing(stretch_picture(item, width_mm * mm), output)
        click.echo(f"wrote {output} (the picture of stretch {item.id})", err=True)
        return
    view = load_view(item.diagram.view, image_dirs(library.folders), item=item.id)
    write_point_diagram(view, [(item.diagram.x, item.diagram.y, item.id)], side, output,
                        width=width_mm * mm)
    click.echo(f"wrote {output} ({item.id} on the {item.diagram.view} view)", err=True)


@main.command("init-brand")
@click.argument("path", type=click.Path(), default="brand.yaml")  # str: keeps a trailing '/'
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_brand(path, force):
    """Write a commented starter brand file (default: brand.yaml)."""
    from .brand import starter_brand_text
    from .files import write_atomic

    if Path(path).exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite it")
    write_atomic(starter_brand_text().encode("utf-8"), path)
    click.echo(f"wrote {path}: fill it in, then use --brand {path}", err=True)


from . import cli_plan  # noqa: E402,F401  (registers `handout plan` on main)
from .cli_materials import cards, reference  # noqa: E402

from .cli_batch import batch  # noqa: E402
from .cli_site import site  # noqa: E402

main.add_command(reference)
main.add_command(cards)
main.add_command(batch)
main.add_command(site)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
