"""A clinic's config file (handout.yaml): its data folder and brand apply to every command."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from handout.cli import main

from pdfcheck import text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_config_file_sets_data_folder_and_brand(tmp_path, monkeypatch):
    clinic = tmp_path / "clinic-data"
    clinic.mkdir()
    (clinic / "safety.yaml").write_text("disclaimer: Riverside's own words for the footer.\n")
    (tmp_path / "handout.yaml").write_text(yaml.safe_dump({
        "data_dir": "clinic-data", "brand": str(EXAMPLES / "brand.yaml")}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_DATA", raising=False)
    monkeypatch.delenv("HANDOUT_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["make", "--protocol", "sciatica-gentle", "-o", "x.pdf"])
    assert result.exit_code == 0, result.output
    words = text((tmp_path / "x.pdf").read_bytes())
    assert "Riverside's own words for the footer." in words
    assert "Riverside Acupressure & Physio" in words


def test_bad_config_file_is_a_located_error(tmp_path, monkeypatch):
    (tmp_path / "handout.yaml").write_text("data_dir: clinic\ncolour: blue\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["points"])
    assert result.exit_code == 1
    assert "handout.yaml:2: colour: unknown field" in result.output
    assert "Traceback" not in result.output
