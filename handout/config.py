"""Clinic settings that hold for every command: where its own data folder and brand file are.

Looked for, first found wins: $HANDOUT_CONFIG, ./handout.yaml, then config.yaml in the
platform's config folder for handout (user_config_dir(): $XDG_CONFIG_HOME/handout, else
~/.config/handout on Linux; ~/Library/Application Support/handout on macOS; %APPDATA%\\handout
on Windows). Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .fields import Fields
from .errors import DataError
from .yamlio import load_yaml

# The file's keys, named once: the README and docs/data-files.md use these words.
DATA_KEY = "data_dirs"
TEMPLATE_KEY = "template_dirs"
BRAND_KEY = "brand"


@dataclass(frozen=True)
class Config:
    data_dirs: tuple[Path, ...] = ()
    brand: Path | None = None
    template_dirs: tuple[Path, ...] = ()
    source: Path | None = None


def user_config_file() -> Path:
    """config.yaml in the platform's config folder (XDG_CONFIG_HOME is honoured on Linux)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("handout", appauthor=False)) / "config.yaml"


def config_path() -> Path | None:
    explicit = os.environ.get("HANDOUT_CONFIG")
    if explicit:
        return Path(explicit)
    for candidate in (Path("handout.yaml"), user_config_file()):
        if candidate.is_file():
            return candidate
    return None


def load_config() -> Config:
    path = config_path()
    if path is None:
        return Config()
    raw = load_yaml(path, what="config file")
    problems: list = []
    f = Fields(raw, str(path), None, problems)
    if isinstance(f.data, dict) and "data_dir" in f.data:
        f.seen.add("data_dir")  # an old spelling: say the one name instead of "unknown field"
        f.problem("data_dir", f"the key is '{DATA_KEY}' (one folder or a list of folders)")
    data = _folders(f, DATA_KEY)
    brand = f.text(BRAND_KEY, required=False)
    templates = _folders(f, TEMPLATE_KEY)
    f.done()
    if problems:
        raise DataError(problems)
    base = path.parent
    return Config(
        data_dirs=tuple(base / d for d in data),
        brand=base / brand if brand else None,
        template_dirs=tuple(base / t for t in templates),
        source=path,
    )


def _folders(f: Fields, key: str) -> tuple[str, ...]:
    """One folder (`key: clinic`) or a list of them (`key: [clinic, shared]`)."""
    if isinstance(f.data.get(key), list):
        return f.strings(key, required=False)
    one = f.text(key, required=False)
    return (one,) if one else ()
