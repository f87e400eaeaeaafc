"""`handout plan`: the weekly plan sheet to tick off at home.

Takes exactly the client inputs of `handout make` (cli.client_options) plus the plan's own
options; the work is done by handout.render.plan.make_plan. It registers itself on the main
group (cli.py imports this module at its end). The package's errors become one-line click
errors here as well, so the command also behaves when invoked on its own.
"""

from __future__ import annotations

import click

from .cli import _write, build_client, client_options, main, pass_state
from .client import parse_date
from .errors import HandoutError
from .plan import DEFAULT_LOCALE, LOCALES, MAX_WEEKS, MIN_WEEKS


def plan_options(command):
    """--start, --weeks, --portrait/--landscape, --locale (also usable by `make --with-plan`)."""
    options = [
        click.option("--start", "start_text", metavar="YYYY-MM-DD",
                     help="The first day on the sheet (default: today)."),
        click.option("--weeks", type=int, default=1, show_default=True,
                     help=f"How many weeks: one page each, the dates running on "
                          f"({MIN_WEEKS} to {MAX_WEEKS})."),
        click.option("--portrait/--landscape", "portrait", default=None,
                     help="Page orientation (default: the template's, landscape)."),
        click.option("--locale", type=click.Choice(tuple(LOCALES)), default=DEFAULT_LOCALE,
                     show_default=True,
                     help="How dates are written: en-GB 'Mon 14 Mar', en-US 'Mon Mar 14'."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("plan")
@client_options
@plan_options
@pass_state
def plan(state, output, brand_file, template, reproducible, open_after, start_text, weeks,
         portrait, locale, **client_fields):
    """Make a client's weekly plan: a page a week to tick off, from CLIENT_FILE and/or options.

    One row per point and stretch (the same selection and safety rules as the handout), a
    column per day with a tick box per session, rows to write in pain, sleep, activity and
    notes, and the warning signs with your phone number.

    \b
    Examples:
      handout plan examples/client.yaml -o plan.pdf
      handout plan examples/client.yaml --start 2026-03-14 --weeks 4 -o plan.pdf
      handout plan --name "Ana Ruiz" --protocol sciatica --pregnant --portrait -o ana-plan.pdf
    """
    from .render.plan import make_plan

    try:
        start = parse_date(start_text, "--start") if start_text else None
        client = build_client(**client_fields)
        config = state["config"]
        data = make_plan(client, brand=brand_file or config.brand,
                         template=template or "weekly-plan", data_dirs=state["data_dirs"],
                         template_dirs=config.template_dirs, start=start, weeks=weeks,
                         locale=locale, orientation=_orientation(portrait),
                         reproducible=reproducible)
        _write(data, output, open_after)
    except HandoutError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise click.ClickException(f"{exc.strerror or exc}{where}") from None


def _orientation(portrait: bool | None) -> str | None:
    return None if portrait is None else ("portrait" if portrait else "landscape")


# Registered here, so that `from . import cli_plan` at the end of cli.py is the whole wiring
# and works whichever module Python imports first.
main.add_command(plan)
