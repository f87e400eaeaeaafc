"""Clinic settings that hold for every command: where its own data folder and brand file are.

Looked for, first found wins: $HANDOUT_CONFIG, ./handout.yaml, ~/.config/handout/config.yaml.
Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .fields import Fields
from .errors import DataError
from .yamlio import load_yaml


@dataclass(frozen=True)
class Config:
    data_dirs: tuple[Path, ...] = ()
    brand: Path | None = None
    template_dirs: tuple[Path, ...] = ()
    source: Path | None = None


def config_path() -> Path | None:
    explicit = os.environ.get("HANDOUT_CONFIG")
    if explicit:
        return Path(explicit)
    for candidate in (Path("handout.yaml"), Path.home() / ".config" / "handout" / "config.yaml"):
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
    base = path.parent
    data = f.strings("data_dirs", required=False) or ((f.text("data_dir", required=False),) if f.data.get("data_dir") else ())
    brand = f.text("brand", required=False)
    templates = f.strings("template_dirs", required=False)
    f.done()
    if problems:
        raise DataError(problems)
    return Config(
        data_dirs=tuple(base / d for d in data if d),
        brand=base / brand if brand else None,
        template_dirs=tuple(base / t for t in templates),
        source=path,
    )
