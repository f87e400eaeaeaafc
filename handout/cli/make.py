"""`handout make` (a client's handout) and `handout diagram` (one point's or stretch's
picture alone)."""

from __future__ import annotations

from pathlib import Path

import click

from .client_input import build_client, client_options
from .common import library_of, pass_state, refuse_output_over_inputs, split_ids, write_output
from .complete import complete_ids
from .options import (
    CONTEXT_SETTINGS, check_plan_options, data_option, plan_options, plan_settings,
)


@click.command(context_settings=CONTEXT_SETTINGS)
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
    from ..api import make_handout

    check_plan_options(with_plan, start_text, weeks, portrait, locale)
    client = build_client(**client_fields)
    config = state["config"]
    refuse_output_over_inputs(output, brand_file or config.brand)
    plan = plan_settings(client, start_text, weeks, portrait, locale) if with_plan else None
    data = make_handout(client, brand=brand_file or config.brand,
                        template=template or "client-handout",
                        data_dirs=state["data_dirs"], template_dirs=config.template_dirs,
                        reproducible=reproducible, plan=plan)
    write_output(data, output, open_after)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("item_id", metavar="ID", shell_complete=complete_ids("points"))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="FILE.pdf or FILE.png.")
@click.option("--side", type=click.Choice(("right", "left", "both")), default="right",
              show_default=True, help="Which side to show (left mirrors the view).")
@click.option("--width-mm", type=click.FloatRange(20, 200), default=60, show_default=True,
              help="Width of the drawing.")
@click.option("--pregnant", is_flag=True, help="Same as --condition pregnancy.")
@click.option("--condition", "conditions", multiple=True, metavar="NAMES",
              shell_complete=complete_ids("conditions"),
              help="Draw a stretch as a client with these conditions sees it (its pose's "
                   "variants, e.g. smaller knee rolls with osteoporosis).")
@data_option
@pass_state
def diagram(state, item_id, output, side, width_mm, pregnant, conditions):
    """Draw one point's body diagram or one stretch's picture alone, to check or reuse it
    (PDF or PNG). --side applies to points, --condition to stretches."""
    from reportlab.lib.units import mm

    from ..render.diagrams import check_picture_path, load_view, write_drawing, write_point_diagram
    from ..render.figures import image_dirs, stretch_picture
    from ..wording import tailor

    library = library_of(state)
    item = library.drawable(item_id)
    check_picture_path(output)
    if item.kind == "stretch":
        names = split_ids(conditions) + (("pregnancy",) if pregnant else ())
        seen_by = [library.condition(name).id for name in names]  # an unknown name: one line
        item = tailor(item, seen_by)  # the picture such a client is shown
        write_drawing(stretch_picture(item, width_mm * mm), output)
        click.echo(f"wrote {output} (the picture of stretch {item.id})", err=True)
        return
    view = load_view(item.diagram.view, image_dirs(library.folders), item=item.id)
    write_point_diagram(view, [(item.diagram.x, item.diagram.y, item.id)], side, output,
                        width=width_mm * mm)
    click.echo(f"wrote {output} ({item.id} on the {item.diagram.view} view)", err=True)


COMMANDS = (make, diagram)
