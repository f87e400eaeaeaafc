"""Helpers every command shares: the state `main` passes on, errors as one line, writing
the PDF, id lists as typed."""

from __future__ import annotations

from contextlib import contextmanager

import click

from ..errors import HandoutError, for_command_line

# The dict `main` puts in ctx.obj: {"data_dirs": ..., "config": ..., "data_from_config": ...}.
pass_state = click.make_pass_decorator(dict)


@contextmanager
def one_line_errors():
    """The package's errors (and a full disk) as one-line click errors, never a traceback."""
    try:
        yield
    except HandoutError as exc:
        raise click.ClickException(for_command_line(str(exc))) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise click.ClickException(f"{exc.strerror or exc}{where}") from None


def library_of(state):
    """The library with the data folders this command line names."""
    from ..library import load_library

    return load_library(state["data_dirs"])


def split_ids(values) -> tuple[str, ...]:
    """Repeated options and comma lists alike: --points BL60,GB34 --points KI3."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def refuse_output_over_inputs(output, *inputs) -> None:
    """Refuse an output that is one of the files read so far or named in inputs (`-o
    client.yaml`) before the work starts; the write checks again, for files read later."""
    from ..files import claim_output, note_file

    for path in inputs:
        if path:
            note_file(path)
    claim_output(output)


def write_output(data: bytes, output: str, open_after: bool) -> None:
    """The PDF to its file ('-': standard output), said on stderr; --open opens it."""
    from ..files import write_atomic

    write_atomic(data, output)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
        if open_after:
            click.launch(output)
