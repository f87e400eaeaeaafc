"""Packaging that fits Python: a licence file matching the metadata, typed, documented API."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import metadata
from pathlib import Path

import handout

ROOT = Path(__file__).resolve().parent.parent


def test_licence_file_is_the_mit_licence_the_metadata_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License\n\nCopyright (c) ")
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in licence


def test_installed_metadata_has_licence_and_classifiers():
    meta = metadata("handout")
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers


def test_package_says_it_is_typed():
    assert (Path(handout.__file__).parent / "py.typed").is_file()


def test_every_public_name_has_its_own_docstring():
    for name in handout.__all__:
        obj = getattr(handout, name)
        if not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        # A dataclass without a docstring gets its signature as one: that is not help.
        assert doc and not doc.startswith(f"{obj.__name__}("), name
