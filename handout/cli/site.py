"""`handout site`: the companion pages (the code is in handout/site/)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import pass_state
from .options import CONTEXT_SETTINGS, data_option


@click.command("site", context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="The folder to build the site in (new, empty, or built by this before).")
@click.option("--base-url", metavar="URL",
              help="The address the site will have, e.g. https://clinic.example/care/ "
                   "(default: the brand's site_url); needed for sitemap.xml.")
@click.option("--brand", "brand_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Your brand.yaml (see `handout init-brand`).")
@data_option
@pass_state
def site(state, output, base_url, brand_file):
    """Build the companion web pages: one per point and stretch, with pictures, a moving
    picture of each stretch, timers and the warning signs; no client data in them.

    Host the folder anywhere that serves static files, or open index.html from disk.
    """
    from ..site import build_site

    report = build_site(output, base_url=base_url, data_dirs=state["data_dirs"],
                        brand=brand_file or state["config"].brand)
    where = f" for {report.base_url}" if report.base_url else " (no sitemap.xml: give --base-url)"
    click.echo(f"wrote {output}: {len(report.pages)} pages{where}", err=True)
    if report.site_url and report.base_url != report.site_url:
        click.echo(f"warning: the QR codes on the sheets open {report.site_url} (the brand's "
                   f"site_url), not {report.base_url}", err=True)
