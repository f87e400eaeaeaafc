"""A file that is not the kind we expect (a link to a private file, a config file in the wrong
place) is refused without printing its contents back; one that is ours but has a stray key gets
that key named. One rule (fields.unknown_keys) serves a client's fields and a data file's
sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_clean_failure

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"
SECRET = "hunter2-do-not-print"


def _private(tmp_path: Path) -> Path:
    secret = tmp_path / "private" / "credentials.yaml"
    secret.parent.mkdir()
    secret.write_text(f"db_password: {SECRET}\napi_token: {SECRET}\n", encoding="utf-8")
    return secret


def test_client_file_of_foreign_keys_is_refused_without_quoting_them(cli, tmp_path):
    link = tmp_path / "client.yaml"
    link.symlink_to(_private(tmp_path))
    result = cli("make", link, "-o", tmp_path / "out.pdf")
    error = assert_clean_failure(result)
    assert "none of the fields expected here" in error and "is it the right file?" in error
    assert "db_password" not in error and "api_token" not in error and SECRET not in error
    assert len(error.strip().splitlines()) == 1
    assert not (tmp_path / "out.pdf").exists()


def test_data_file_of_foreign_keys_is_refused_without_quoting_them(cli, tmp_path, clinic):
    (clinic / "points.yaml").symlink_to(_private(tmp_path))
    result = cli("--data", clinic, "validate")
    error = assert_clean_failure(result)
    assert "points.yaml:1: has none of the sections expected here (points)" in error
    assert "is it the right file?" in error
    assert "db_password" not in error and SECRET not in error


@pytest.mark.parametrize("file_name, known", [("client.yaml", "name: Ana Ruiz\n"),
                                              ("points.yaml", "points: []\n")])
def test_one_stray_key_beside_known_ones_is_named_with_its_line(cli, tmp_path, clinic,
                                                                file_name, known):
    path = (tmp_path if file_name == "client.yaml" else clinic) / file_name
    path.write_text(known + "colour_scheme: blue\n", encoding="utf-8")
    if file_name == "client.yaml":
        result = cli("make", path, "-o", tmp_path / "out.pdf")
    else:
        result = cli("--data", clinic, "validate")
    error = assert_clean_failure(result)
    assert f"{file_name}:2: colour_scheme: unknown" in error, error
    assert "expected one of:" in error and "right file" not in error
