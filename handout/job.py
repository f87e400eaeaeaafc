"""One sheet's two steps, under every make_* entry point: `prepare` loads and checks the
inputs and applies the safety rules (a Job); `render` draws a Job with a section builder.

The entry points (api.make_handout, render/plan.py's make_plan, render/reference.py,
render/cards.py, batch.py) build on this module; it imports none of them.

Items left out for safety and characters no font can print are reported on the "handout"
logger (the command line prints them on stderr).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .brand import Brand, load_brand
from .client import Client, check_client
from .errors import DataError, InputError, Problem, UnknownItemError
from .fonts import font_set
from .layout import Template, find_template, load_template
from .library import Library, load_library
from .program import Program, build_program
from .render.document import Page, build_pdf
from .render.flow import Context
from .render.sections import build_sections, section_options
from .render.styles import make_styles
from .render.svgview import save_views
from .text import reset_reports

log = logging.getLogger("handout")


@dataclass(frozen=True)
class Job:
    """Everything one sheet needs, resolved and checked before any page is drawn."""

    library: Library
    program: Program
    brand: Brand
    template: Template
    large_print: bool
    paper: str


def prepare(client: Client, *, brand: Brand | str | Path | None = None,
            template: str | Path = "client-handout", data_dirs: Sequence[Path | str] = (),
            template_dirs: Sequence[Path] = (), known_sections=None) -> Job:
    """Load and check every input, select the content and apply the safety rules."""
    check_client(client)  # a Client built in Python meets the limits of a client file
    library = load_library(data_dirs)
    if not isinstance(brand, Brand):
        brand = load_brand(Path(brand) if brand else None)
    program = build_program(library, client, country_of(brand, library))
    for left_out in program.left_out:
        log.info("%s", left_out)
    for note in program.notes:
        log.info("%s", note)
    if program.is_empty() and not any(members for _, members in program.tips):
        raise InputError("nothing to print: no points, stretches or tips are left for this client; "
                         "choose a protocol (protocol='...') or items (points=[...], "
                         "stretches=[...])")
    template_path = find_template(template, template_dirs)
    layout = load_template(template_path, known_sections or section_options())
    large = client.large_print if client.large_print is not None else brand.large_print
    return Job(library, program, brand, layout, large, client.paper or brand.paper)


def country_of(brand: Brand, library: Library) -> str:
    """The brand's country, checked against the emergency services the data knows."""
    try:
        return library.services(brand.country).country
    except UnknownItemError as exc:
        raise DataError(Problem(brand.source or "brand", brand.country_line or None, None,
                                "country", str(exc))) from None


def render(job: Job, builder=build_sections, *, reproducible: bool = False,
           more: tuple = ()) -> bytes:
    """Draw a prepared job with a section builder (the handout's, the plan's ...);
    `more` appends further (flowables, Page) parts, such as the weekly plan."""
    reset_reports()
    brand = job.brand
    fonts = font_set(brand.font, brand.font_files, brand.cjk_font)
    styles = make_styles(job.template, brand, fonts, job.large_print)
    page = Page(brand, fonts, styles, job.template.title, job.paper, job.template.orientation,
                job.template.margins_mm, brand.disclaimer or job.program.safety.disclaimer,
                job.template.footer)
    ctx = Context(job.program, job.library, brand, fonts, styles, page.frame_width,
                  job.large_print, page.frame_height)
    data = build_pdf(builder(ctx, job.template), page, reproducible=reproducible,
                     more=tuple(more))
    save_views()  # the views drawn, so the next run draws them without svglib (diskcache.py)
    return data
