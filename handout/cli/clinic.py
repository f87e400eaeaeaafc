"""A clinic's own files: `handout validate` (its data folder, its brand) and
`handout init-brand` (a starter brand file)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import pass_state
from .options import CONTEXT_SETTINGS, data_option


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--brand", "brand_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Check this brand file too (its country against the emergency services).")
@data_option
@pass_state
def validate(state, folder, brand_file):
    """Check the data: the built-in files plus FOLDER (or the --data folders).

    Lists every problem as file:line: item: field: what is wrong, and exits 1 if any.
    """
    from ..library import check_data, load_library

    folders = (folder,) if folder else state["data_dirs"]
    problems = check_data(folders)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    library = load_library(folders)
    if brand_file:
        from ..brand import check_fonts, load_brand
        from ..job import country_of

        brand = load_brand(brand_file)  # its logo and font name checked as make checks them
        check_fonts(brand)  # its font files, read as make reads them
        country_of(brand, library)
    checked = ", ".join(str(f) for f in folders) or "built-in data"
    click.echo(f"OK: {checked}: {len(library.points)} points, {len(library.stretches)} stretches, "
               f"{len(library.tips)} tips, {len(library.protocols)} protocols, "
               f"{len(library.conditions)} conditions.")


@click.command("init-brand", context_settings=CONTEXT_SETTINGS)
@click.argument("path", type=click.Path(), default="brand.yaml")  # str: keeps a trailing '/'
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_brand(path, force):
    """Write a commented starter brand file (default: brand.yaml)."""
    from ..brand import starter_brand_text
    from ..files import write_atomic

    if Path(path).exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite it")
    write_atomic(starter_brand_text().encode("utf-8"), path)
    click.echo(f"wrote {path}: fill it in, then use --brand {path}", err=True)


COMMANDS = (validate, init_brand)
