"""A companion site whose build fails part-way (a full disk, a file-size limit): one line
naming the file where it was going in the output folder (never the temporary folder it was
built in), the earlier site kept whole, nothing else left behind."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from forked import run_forked

pytestmark = pytest.mark.process

CAP = 24_000  # bytes: the site's pages are smaller (21 KB), some of its pictures larger (28 KB)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_failed_site_build_names_the_output_and_keeps_the_old_site(tmp_path, builtin_site):
    site = tmp_path / "site"
    shutil.copytree(builtin_site, site)  # a site built before (conftest: once a session)
    before = files_of(site)
    assert max(len(data) for data in before.values()) > CAP  # so the cap below must bite

    failed = run_forked("site", "-o", site, cwd=tmp_path, file_size=CAP,
                        ignored=(signal.SIGXFSZ,), timeout=300, text=True)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1, failed.stderr
    assert lines[0].startswith(f"Error: {site}/") and lines[0].endswith("File too large"), lines
    assert ".building-" not in lines[0]
    assert files_of(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
