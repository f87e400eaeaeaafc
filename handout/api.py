"""The public entry point for a client's handout: a Python caller gets exactly what the
command line does.

    from handout import Client, make_handout
    pdf = make_handout(Client(name="Ana Ruiz", protocol="sciatica", conditions=("pregnancy",)))

Items left out for safety and characters no font can print are reported on the "handout"
logger (the command line prints them on stderr). The steps under it, prepare and render,
are in job.py (and importable from here too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .brand import Brand
from .client import Client
from .job import Job, country_of, prepare, render  # noqa: F401 (callers import them from here)


def make_handout(client: Client, *, brand: Brand | str | Path | None = None,
                 template: str | Path = "client-handout", data_dirs: Sequence[Path | str] = (),
                 template_dirs: Sequence[Path | str] = (), reproducible: bool = False,
                 plan: dict | None = None) -> bytes:
    """The client handout as PDF bytes; with `plan` (make_plan's start, weeks, locale,
    orientation), the weekly plan follows on its own pages."""
    job = prepare(client, brand=brand, template=template, data_dirs=data_dirs,
                  template_dirs=template_dirs)
    more = ()
    if plan is not None:
        from .render.plan import plan_part  # drawn only when asked for

        more = (plan_part(job, **plan),)
    return render(job, reproducible=reproducible, more=more)
