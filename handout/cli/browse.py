"""Browsing the content: `handout points`, `stretches`, `tips`, `protocols`, `conditions`
and `show ID` (tables, or with --yaml the data file's text, ready to copy)."""

from __future__ import annotations

import click

from ..library import REGIONS
from .common import library_of, pass_state
from .complete import complete_ids
from .options import CONTEXT_SETTINGS, data_option

region_option = click.option("--region", type=click.Choice(REGIONS), help="Only this body region.")
safe_for_option = click.option(
    "--safe-for", "safe_for", multiple=True, metavar="CONDITION",
    shell_complete=complete_ids("conditions"),
    help="Only items not ruled out by this condition (repeatable), e.g. --safe-for pregnancy.")
protocol_option = click.option("--protocol", metavar="ID", shell_complete=complete_ids("protocols"),
                               help="Only the items of this protocol.")
yaml_option = click.option("--yaml", "as_yaml", is_flag=True,
                           help="Print the items as a clinic's data file holds them, to copy.")


def echo_items(state, section: str, items, as_yaml: bool, table) -> None:
    """A listing as a table, or with --yaml as the data file's text (clinic fields laid over)."""
    if not as_yaml:
        click.echo(table)
        return
    from ..itemyaml import items_yaml
    from ..library import raw_items

    raw = raw_items(section, state["data_dirs"])
    click.echo(items_yaml(section, [raw[item.id] for item in items]), nl=False)


def listing_command(first_option):
    """A listing of one section's items: its own first filter (--region or --topic), then
    the options every listing takes (--safe-for, --protocol, --yaml, --data)."""
    def decorate(function):
        command = pass_state(function)
        for option in reversed((first_option, safe_for_option, protocol_option, yaml_option,
                                data_option)):
            command = option(command)
        return click.command(context_settings=CONTEXT_SETTINGS)(command)
    return decorate


def list_section(state, section: str, region, safe_for, protocol, as_yaml, keep=None) -> None:
    """Filter a section's items as the options say (keep: a further test of the command's
    own) and print them as a table or as YAML."""
    from .. import listing

    library = library_of(state)
    items = listing.filter_items(library, getattr(library, section).values(), region,
                                 safe_for, protocol)
    if keep is not None:
        items = [item for item in items if keep(item)]
    table = None if as_yaml else getattr(listing, f"{section}_table")(library, items, safe_for)
    echo_items(state, section, items, as_yaml, table)


@listing_command(region_option)
def points(state, region, safe_for, protocol, as_yaml):
    """List the acupressure points."""
    list_section(state, "points", region, safe_for, protocol, as_yaml)


@listing_command(region_option)
def stretches(state, region, safe_for, protocol, as_yaml):
    """List the stretches and exercises."""
    list_section(state, "stretches", region, safe_for, protocol, as_yaml)


@listing_command(click.option("--topic", metavar="ID", shell_complete=complete_ids("topics"),
                              help="Only this topic (activity, sleep, ...)."))
def tips(state, topic, safe_for, protocol, as_yaml):
    """List the lifestyle tips, by topic."""
    topics = library_of(state).topics
    if topic and topic not in topics:
        raise click.BadParameter(f"unknown topic '{topic}' (known: {', '.join(topics)})",
                                 param_hint="--topic")
    list_section(state, "tips", None, safe_for, protocol, as_yaml,
                 keep=(lambda tip: tip.topic == topic) if topic else None)


@click.command(context_settings=CONTEXT_SETTINGS)
@yaml_option
@data_option
@pass_state
def protocols(state, as_yaml):
    """List the protocols a handout can start from."""
    from .. import listing

    library = library_of(state)
    echo_items(state, "protocols", library.protocols.values(), as_yaml,
               None if as_yaml else listing.protocols_table(library))


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@pass_state
def conditions(state):
    """List the client conditions the safety rules know (for --condition)."""
    from .. import listing

    click.echo(listing.conditions_table(library_of(state)))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("item_id", metavar="ID",
                shell_complete=complete_ids("points", "stretches", "tips", "protocols"))
@click.option("--yaml", "as_yaml", is_flag=True,
              help="Print it as a clinic's data file holds it, each field explained: copy it "
                   "into your folder and keep the fields you change.")
@data_option
@pass_state
def show(state, item_id, as_yaml):
    """Show one point, stretch, tip or protocol in full (aliases work: K3, LV3, UB60)."""
    from .. import listing

    library = library_of(state)
    item = library.find(item_id)
    if as_yaml:
        from ..itemyaml import items_yaml
        from ..library import raw_items, section_of

        section = section_of(item)
        click.echo(items_yaml(section, [raw_items(section, state["data_dirs"])[item.id]],
                              notes="all"), nl=False)
        return
    click.echo(listing.describe(library, item, asked_as=item_id))


COMMANDS = (points, stretches, tips, protocols, conditions, show)
