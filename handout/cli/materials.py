"""`handout reference` and `handout cards`: clinic materials beside the client handout.

Click only: the commands parse options and call the library (render/reference.py and
render/cards.py). They are added to the `handout` group in cli/__init__.py, whose
HandoutGroup turns the package's errors into one-line messages (exit 1).
"""

from __future__ import annotations

import click

from ..client import SIDES
from .common import refuse_output_over_inputs, pass_state, split_ids, write_output
from .complete import complete_ids
from .options import CONTEXT_SETTINGS, data_option, output_options, paper_value


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("ids", nargs=-1, metavar="[IDS]...", shell_complete=complete_ids("points"))
@click.option("--protocol", metavar="ID", shell_complete=complete_ids("protocols"),
              help="All the points of this protocol.")
@output_options
@data_option
@pass_state
def reference(state, ids, protocol, brand_file, paper, template, output, reproducible,
              open_after):
    """Practitioner reference sheets: one point per page, with a large diagram, the WHO
    standard location, the finding route, the technique and every caution (naming the
    conditions it concerns). A point too long for a page (large print, long clinic texts)
    goes on under its name and "(continued)"; the next point may start on that page.

    IDS are point codes or aliases (BL60, K3, LV3, UB60; commas or spaces). With
    --protocol, its points; with neither, every point in the library.

    \b
    Examples:
      handout reference BL60 K3 -o points.pdf
      handout reference --protocol sciatica --paper Letter -o sciatica-points.pdf
    """
    from ..render.reference import make_reference

    config = state["config"]
    refuse_output_over_inputs(output, brand_file or config.brand)
    data = make_reference(split_ids(ids), protocol=protocol or "", brand=brand_file or config.brand,
                          paper=paper_value(paper), template=template or "reference-sheet",
                          data_dirs=state["data_dirs"], template_dirs=config.template_dirs,
                          reproducible=reproducible)
    write_output(data, output, open_after)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("ids", nargs=-1, metavar="[IDS]...",
                shell_complete=complete_ids("points", "stretches"))
@click.option("--protocol", metavar="ID", shell_complete=complete_ids("protocols"),
              help="The points and stretches of this protocol.")
@click.option("--drop", multiple=True, metavar="IDS",
              shell_complete=complete_ids("points", "stretches"), help="Protocol items to leave out.")
@click.option("--pregnant", is_flag=True, help="Same as --condition pregnancy.")
@click.option("--condition", "conditions", multiple=True, metavar="NAMES",
              shell_complete=complete_ids("conditions"),
              help="The client's conditions, e.g. anticoagulants,numb-skin: the handout's "
                   "safety rules apply.")
@click.option("--allow", multiple=True, metavar="IDS",
              shell_complete=complete_ids("points", "stretches"),
              help="Include these even though a condition rules them out (you confirm it).")
@click.option("--side", type=click.Choice(SIDES), default="both", show_default=True,
              help="Which side to press.")
@click.option("--large-print/--normal-print", "large_print", default=None,
              help="Large print (card text 14 pt or more; cards hold less before they say "
                   "'See your handout for more').")
@output_options
@data_option
@pass_state
def cards(state, ids, protocol, drop, pregnant, conditions, allow, side, large_print,
          brand_file, paper, template, output, reproducible, open_after):
    """Pocket cards for points and stretches: four a sheet (two in large print), framed,
    with cut marks.

    IDS may mix point codes or aliases and stretch ids (BL60,K3 knee-to-chest); --protocol
    adds its points and stretches. The client's conditions apply the handout's safety
    rules: a pregnant client's cards never hold BL60.

    \b
    Examples:
      handout cards BL60 GB34 knee-to-chest figure-4 -o cards.pdf
      handout cards --protocol sciatica --pregnant --paper Letter -o cards.pdf
    """
    from ..library import load_library
    from ..render.cards import card_client, make_cards

    refs = split_ids(ids)
    if not (refs or protocol):
        raise click.UsageError("say which cards to print: point or stretch ids, or --protocol ID")
    conditions = split_ids(conditions) + (("pregnancy",) if pregnant else ())
    config = state["config"]
    refuse_output_over_inputs(output, brand_file or config.brand)
    client = card_client(load_library(state["data_dirs"]), refs, protocol=protocol or "",
                         conditions=conditions, allow=split_ids(allow), drop=split_ids(drop),
                         side=side, paper=paper_value(paper), large_print=large_print)
    data = make_cards(client, brand=brand_file or config.brand,
                      template=template or "pocket-cards", data_dirs=state["data_dirs"],
                      template_dirs=config.template_dirs, reproducible=reproducible)
    write_output(data, output, open_after)
