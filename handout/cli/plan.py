"""`handout plan`: the weekly plan sheet to tick off at home.

Takes exactly the client inputs of `handout make` (client_input.client_options) plus the
plan's own options; the work is done by handout.render.plan.make_plan. The package's errors
become one-line click errors here as well, so the command also behaves when invoked on its
own.
"""

from __future__ import annotations

import click

from .client_input import build_client, client_options
from .common import refuse_output_over_inputs, one_line_errors, pass_state, write_output
from .options import CONTEXT_SETTINGS, plan_options, plan_settings


@click.command("plan", context_settings=CONTEXT_SETTINGS)
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
    from ..render.plan import make_plan

    with one_line_errors():  # also when the command is invoked on its own
        client = build_client(**client_fields)
        config = state["config"]
        refuse_output_over_inputs(output, brand_file or config.brand)
        data = make_plan(client, brand=brand_file or config.brand,
                         template=template or "weekly-plan", data_dirs=state["data_dirs"],
                         template_dirs=config.template_dirs,
                         **plan_settings(client, start_text, weeks, portrait, locale),
                         reproducible=reproducible)
        write_output(data, output, open_after)

