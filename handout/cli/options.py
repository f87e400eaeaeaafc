"""Options several commands share, defined once: where the sheet goes and how it looks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..client import PAPER_SIZES, Client, parse_date


# Every command, also when one is used on its own (the tests do): Click keeps a command's
# help option from the first time it builds it, so each must ask for -h itself.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


DATA_HELP = ("A clinic's own data folder: its items add to or change the built-in ones by id. "
             "Repeat for several. Default: $HANDOUT_DATA, else the config file's data_dirs.")


def _add_data_dirs(ctx, param, value):
    """`handout CMD --data DIR` means what `handout --data DIR CMD` does; both together add up."""
    if not value:
        return
    state = ctx.ensure_object(dict)
    if state.get("data_from_config", True):  # nothing given before the command: replace
        state["data_dirs"] = tuple(value)
    else:
        state["data_dirs"] = tuple(state["data_dirs"]) + tuple(value)
    state["data_from_config"] = False


# On every command that reads the data (the group has its own, with HANDOUT_DATA).
data_option = click.option("--data", multiple=True, type=click.Path(path_type=Path),
                           metavar="DIR", expose_value=False, callback=_add_data_dirs,
                           help=DATA_HELP)


def not_to_a_terminal(ctx, param, value):
    """'-' is standard output: refused when that is a terminal, where a PDF is garbage."""
    if value is not None and str(value) == "-" and sys.stdout is not None and sys.stdout.isatty():
        raise click.BadParameter(
            "'-' writes the PDF to standard output, which is this terminal; redirect it "
            "(> file.pdf, or | lp) or give a file name", ctx=ctx, param=param)
    return value


def apply(command, options):
    for option in reversed(options):
        command = option(command)
    return command


def output_options(command):
    """--brand, --paper, --template, -o, --reproducible, --open."""
    return apply(command, [
        click.option("--brand", "brand_file", type=click.Path(path_type=Path),
                     help="Your brand.yaml (see `handout init-brand`)."),
        click.option("--paper", type=click.Choice(PAPER_SIZES, case_sensitive=False),
                     help="Paper size (default: the brand's)."),
        click.option("--template", default=None, metavar="NAME|FILE",
                     help="A layout template (a copy of a built-in one, changed)."),
        click.option("-o", "--output", required=True, metavar="FILE", callback=not_to_a_terminal,
                     help="The PDF to write ('-' for standard output, when redirected)."),
        click.option("--reproducible", is_flag=True,
                     help="Byte-identical output for identical input (no timestamps)."),
        click.option("--open", "open_after", is_flag=True, help="Open the PDF when done."),
    ])


def paper_value(value: str | None) -> str:
    """The paper size as the library spells it ('a4' -> 'A4'); '' for the brand's default."""
    return {"a4": "A4", "letter": "Letter"}.get((value or "").lower(), "")


def plan_options(command):
    """The weekly plan's own options, shared by `plan` and `make --with-plan`."""
    from ..plan_settings import DEFAULT_LOCALE, LOCALES, MAX_WEEKS, MIN_WEEKS

    options = [
        click.option("--start", "start_text", metavar="YYYY-MM-DD",
                     help="The plan's first day (default: the client's date, else today)."),
        click.option("--weeks", type=int, default=None,
                     help=f"How many weeks: one page each, the dates running on "
                          f"({MIN_WEEKS} to {MAX_WEEKS}; default 1)."),
        click.option("--portrait/--landscape", "portrait", default=None,
                     help="The plan's page orientation (default: landscape)."),
        click.option("--locale", type=click.Choice(tuple(LOCALES)), default=None,
                     help=f"How dates are written: en-GB 'Mon 14 Mar', en-US 'Mon Mar 14' "
                          f"(default {DEFAULT_LOCALE})."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def plan_settings(client: Client | None, start_text, weeks, portrait, locale) -> dict:
    """The plan options as keyword arguments for make_plan / plan_part. Without --start, the
    plan starts on the client's date (None: each roster row's own date, else today)."""
    from ..plan_settings import DEFAULT_LOCALE

    return {
        "start": parse_date(start_text, "--start") if start_text else (client and client.date),
        "weeks": 1 if weeks is None else weeks,
        "locale": locale or DEFAULT_LOCALE,
        "orientation": None if portrait is None else ("portrait" if portrait else "landscape"),
    }


def check_plan_options(with_plan: bool, start_text, weeks, portrait, locale) -> None:
    """Plan options without --with-plan would be silently ignored: refuse them instead."""
    given = [name for name, value in (("--start", start_text), ("--weeks", weeks),
                                      ("--portrait/--landscape", portrait), ("--locale", locale))
             if value is not None]
    if given and not with_plan:
        raise click.UsageError(f"{', '.join(given)}: plan options need --with-plan")
