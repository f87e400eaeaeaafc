"""A clinic's item laid over the item of the same id before it (built-in or an earlier folder).

Only the fields the clinic item gives change; a block of fields (dose, technique, diagram,
pose) is overlaid the same way, field by field; a list (steps, cautions, aliases) is replaced
whole. `replace: true` takes the clinic item as it is. The merged mapping remembers, key by
key, the file each value came from (`key_files`), so a problem is reported where it was written.
"""

from __future__ import annotations

from .yamlio import LineDict

REPLACE = "replace"


def _copy(data: LineDict, skip: str | None = None) -> LineDict:
    out = LineDict((k, v) for k, v in data.items() if k != skip)
    out.line = data.line
    out.key_lines = {k: data.line_of(k) for k in out}
    out.key_files = dict(getattr(data, "key_files", {}))
    return out


def without_replace(raw: LineDict) -> LineDict:
    """The item's own fields: `replace:` says how to merge it and is not one of them."""
    return _copy(raw, skip=REPLACE) if REPLACE in raw else raw


def file_of(data, key: str, default: str) -> str:
    return getattr(data, "key_files", {}).get(key, default)


def overlay(base: LineDict, base_file: str, top: LineDict, top_file: str,
            prefix: str = "") -> tuple[LineDict, list[str]]:
    """`top` over `base`: the merged mapping, and the (dotted) names of the fields `top` set."""
    out = _copy(base)
    for key in out:
        out.key_files.setdefault(key, base_file)
    out.line = top.line  # the item as a whole is now where the clinic wrote it
    given: list[str] = []
    for key, value in top.items():
        if key == "id":
            out[key] = value
            out.key_lines[key], out.key_files[key] = top.line_of(key), top_file
            continue
        below = base.get(key)
        if isinstance(value, LineDict) and isinstance(below, LineDict):
            value, inner = overlay(below, file_of(base, key, base_file), value, top_file,
                                   f"{prefix}{key}.")
            given += inner
        else:
            given.append(prefix + key)
        out[key] = value
        out.key_lines[key], out.key_files[key] = top.line_of(key), top_file
    return out, given
