"""Options several commands share, defined once: where the sheet goes and how it looks."""

from __future__ import annotations

from pathlib import Path

import click

from .client import PAPER_SIZES


# Every command, also when one is used on its own (the tests do): Click keeps a command's
# help option from the first time it builds it, so each must ask for -h itself.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


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
        click.option("-o", "--output", required=True, metavar="FILE",
                     help="The PDF to write ('-' for standard output)."),
        click.option("--reproducible", is_flag=True,
                     help="Byte-identical output for identical input (no timestamps)."),
        click.option("--open", "open_after", is_flag=True, help="Open the PDF when done."),
    ])


def paper_value(value: str | None) -> str:
    """The paper size as the library spells it ('a4' -> 'A4'); '' for the brand's default."""
    return {"a4": "A4", "letter": "Letter"}.get((value or "").lower(), "")
