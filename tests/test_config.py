"""A clinic's config file (handout.yaml): its data folder and brand apply to every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from handout.cli import main

from pdfcheck import text
from runcli import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_config_file_sets_data_folder_and_brand(tmp_path, monkeypatch):
    clinic = tmp_path / "clinic-data"
    clinic.mkdir()
    (clinic / "safety.yaml").write_text("disclaimer: Riverside's own words for the footer.\n")
    (tmp_path / "handout.yaml").write_text(yaml.safe_dump({
        "data_dirs": "clinic-data", "brand": str(EXAMPLES / "brand.yaml")}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_DATA", raising=False)
    monkeypatch.delenv("HANDOUT_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["make", "--protocol", "sciatica-gentle", "-o", "x.pdf"])
    assert result.exit_code == 0, result.output
    words = text((tmp_path / "x.pdf").read_bytes())
    assert "Riverside's own words for the footer." in words
    assert "Riverside Acupressure & Physio" in words


def test_bad_config_file_is_a_located_error(tmp_path, monkeypatch):
    (tmp_path / "handout.yaml").write_text("data_dirs: clinic\ncolour: blue\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["points"])
    assert result.exit_code == 1
    assert "handout.yaml:2: colour: unknown field" in result.output
    assert "Traceback" not in result.output


# -- --data on every command, HANDOUT_DATA and the config's data_dirs -------------------

DATA_COMMANDS = {
    "validate": ["validate"],
    "points": ["points"],
    "stretches": ["stretches"],
    "tips": ["tips"],
    "protocols": ["protocols"],
    "conditions": ["conditions"],
    "show": ["show", "KI3"],
    "make": ["make", "--protocol", "sciatica", "-o", "out.pdf"],
    "plan": ["plan", "--protocol", "sciatica", "-o", "out.pdf"],
    "diagram": ["diagram", "BL60", "-o", "out.png"],
    "reference": ["reference", "BL60", "-o", "out.pdf"],
    "cards": ["cards", "BL60", "-o", "out.pdf"],
    "batch": ["batch", str(EXAMPLES / "roster.csv"), "--out", "out"],
}


@pytest.fixture
def work(tmp_path, monkeypatch):
    for name in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _protocol_folder(folder: Path, protocol_id: str) -> Path:
    folder.mkdir()
    (folder / "protocols.yaml").write_text(
        f"protocols:\n  - id: {protocol_id}\n    name: Only in {folder.name}\n    points: [BL60]\n")
    return folder


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_data_after_the_command_is_used(work, command):
    result = run(*DATA_COMMANDS[command], "--data", work / "missing")
    assert result.exit_code == 1, result.output
    assert f"{work / 'missing'}: data folder not found" in result.stderr
    assert not (work / "out.pdf").exists() and not (work / "out.png").exists()
    assert not (work / "out").exists()


def test_data_before_and_after_the_command_add_up(work):
    first, second = _protocol_folder(work / "first", "first-only"), _protocol_folder(work / "second", "second-only")
    result = run("--data", first, "protocols", "--data", second)
    assert result.exit_code == 0, result.output
    assert "first-only" in result.stdout and "second-only" in result.stdout


def test_handout_data_variable_and_config_are_the_defaults(work):
    from_env = _protocol_folder(work / "env", "env-only")
    from_config = _protocol_folder(work / "conf", "config-only")
    (work / "handout.yaml").write_text("data_dirs: conf\n")
    assert "config-only" in run("protocols").stdout
    result = run("protocols", env={"HANDOUT_DATA": str(from_env)})
    assert "env-only" in result.stdout and "config-only" not in result.stdout
    # --data after the command replaces the config's folders, as it does before the command.
    explicit = _protocol_folder(work / "explicit", "explicit-only")
    result = run("protocols", "--data", explicit)
    assert "explicit-only" in result.stdout and "config-only" not in result.stdout
    assert from_config.is_dir()


def test_config_data_dirs_takes_a_list(work):
    _protocol_folder(work / "a", "a-only")
    _protocol_folder(work / "b", "b-only")
    (work / "handout.yaml").write_text("data_dirs: [a, b]\n")
    result = run("protocols")
    assert "a-only" in result.stdout and "b-only" in result.stdout


def test_old_key_data_dir_names_the_one_key(work):
    (work / "handout.yaml").write_text("brand: x.yaml\ndata_dir: clinic\n")
    result = run("points")
    assert result.exit_code == 1
    assert result.stderr == ("Error: handout.yaml:2: data_dir: the key is 'data_dirs' "
                             "(one folder or a list of folders)\n")


def test_config_file_in_xdg_config_home(work, monkeypatch):
    xdg = work / "xdg"
    (xdg / "handout").mkdir(parents=True)
    _protocol_folder(xdg / "handout" / "d", "xdg-only")
    (xdg / "handout" / "config.yaml").write_text("data_dirs: d\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    assert "xdg-only" in run("protocols").stdout
    # Not read from ~/.config when XDG_CONFIG_HOME points elsewhere.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / "elsewhere"))
    assert "xdg-only" not in run("protocols").stdout


def test_config_template_dirs_apply_to_make(work):
    layouts = work / "layouts"
    layouts.mkdir()
    (layouts / "mine.yaml").write_text("this: is not a template\n")
    (work / "handout.yaml").write_text("template_dirs: layouts\n")
    result = run("make", "--protocol", "sciatica", "--template", "mine", "-o", "x.pdf")
    assert result.exit_code == 1
    assert str(Path("layouts") / "mine.yaml") in result.stderr
