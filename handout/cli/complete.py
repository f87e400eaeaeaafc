"""Shell completion of ids: `handout show K<Tab>`, `--protocol sc<Tab>`, `--points BL60,G<Tab>`.

Completion runs `handout` at every Tab, so it must be quick: the data files are read (YAML
only, library.raw_items) but not checked or drawn, and ReportLab is never imported. The
clinic's folders (--data, HANDOUT_DATA, the config file) count, so its own ids complete too.
"""

from __future__ import annotations

from pathlib import Path


def _data_dirs(ctx) -> tuple[Path, ...]:
    """The data folders this command line names, as far as it has been typed."""
    given: list[Path] = []
    node = ctx
    while node is not None:
        given[:0] = [Path(d) for d in node.params.get("data_dirs") or ()]
        node = node.parent
    state = ctx.find_object(dict) or {}
    if state.get("data_dirs") and not given:
        return tuple(state["data_dirs"])
    if given:
        return tuple(given)
    from ..config import load_config

    return load_config().data_dirs


def _label(item) -> str | None:
    """What the shell shows beside an id (zsh and fish): its name, title or label."""
    for key in ("name", "title", "english", "label"):
        value = item.get(key) if isinstance(item, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def complete_ids(*sections: str):
    """A click shell_complete callback offering the ids of these library sections
    (points, stretches, tips, protocols, conditions, topics). In a comma list, the part
    after the last comma is completed."""

    def complete(ctx, param, incomplete: str):
        from click.shell_completion import CompletionItem

        from ..errors import HandoutError
        from ..library import raw_items

        done, comma, typing = incomplete.rpartition(",")
        head = done + comma
        out = []
        try:
            for section in sections:
                for item_id, item in raw_items(section, _data_dirs(ctx)).items():
                    if item_id.lower().startswith(typing.lower()):
                        out.append(CompletionItem(head + item_id, help=_label(item)))
        except HandoutError:
            return []  # a broken data folder: no suggestions, and no noise at the prompt
        return out

    return complete
