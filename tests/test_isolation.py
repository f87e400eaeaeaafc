"""The suite runs as on a fresh machine, whatever the developer's own settings
(conftest.py's autouse fixture `isolated`)."""

from __future__ import annotations

import os
from pathlib import Path


def test_no_clinic_settings_reach_a_test():
    assert not {"HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} & set(os.environ)
    assert list(Path.cwd().iterdir()) == []  # no handout.yaml, brand.yaml or outputs
    home = Path(os.environ["HOME"])
    assert list(home.iterdir()) == [] and home != Path.cwd()
    assert Path.home() == home  # so the user's config folder is an empty one
