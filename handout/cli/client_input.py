"""The options that describe a client, shared by `make` and `plan`, and the Client they
build (a client file with options laid over it)."""

from __future__ import annotations

from pathlib import Path

import click

from ..client import SIDES, Client, load_client, merge, parse_date
from .common import split_ids
from .complete import complete_ids
from .options import apply, data_option, output_options, paper_value


def client_options(command):
    """The client's options, then the output options (--brand, --paper, -o ...)."""
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
    from ..errors import InputError
    from ..limits import text_problem

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
        from ..files import read_text
        from ..limits import NOTES_FILE_BYTES

        notes = read_text(notes_file, what="notes file", max_bytes=NOTES_FILE_BYTES)
        too_long = text_problem("notes", notes)
        if too_long:
            raise InputError(f"{notes_file}: {too_long} (the limit for notes)")
    conditions = split_ids(conditions) + (("pregnancy",) if pregnant else ())
    client = merge(
        base, name=name, practitioner=practitioner, protocol=protocol,
        points=split_ids(points), stretches=split_ids(stretches), tips=split_ids(tips),
        drop=split_ids(drop), side=side, conditions=conditions, allow=split_ids(allow),
        notes=notes, next_appointment=next_appointment,
        paper=paper_value(paper),
        large_print=large_print,
        date=parse_date(date_text, "--date") if date_text else None,
    )
    if not (client.protocol or client.points or client.stretches or client.tips):
        raise click.UsageError("say what to print: a client file, --protocol, or --points/--stretches")
    return client
