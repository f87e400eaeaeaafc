"""An output over one of the command's own input files is refused before anything is
rendered: the practitioner hears at once, not after the seconds a render takes, and the
file is kept. (tests/test_hostile_io.py checks the refusal and the kept file for more kinds
of input; the write itself checks again for inputs read later, such as data files.)"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from handout.cli import main

CLIENT = "name: Ana Ruiz\nprotocol: sciatica\n"
BRAND = "clinic_name: Test Clinic\n"

# command line (output last) and the function that would render, which must not be called
CASES = {
    "make over the client file": (["make", "client.yaml", "-o", "client.yaml"],
                                  "handout.api.make_handout"),
    "make over the brand": (["make", "client.yaml", "--brand", "brand.yaml", "-o", "brand.yaml"],
                            "handout.api.make_handout"),
    "plan over the client file": (["plan", "client.yaml", "-o", "client.yaml"],
                                  "handout.render.plan.make_plan"),
    "cards over the brand": (["cards", "BL60", "--brand", "brand.yaml", "-o", "brand.yaml"],
                             "handout.render.cards.make_cards"),
    "reference over the brand": (["reference", "BL60", "--brand", "brand.yaml", "-o",
                                  "brand.yaml"], "handout.render.reference.make_reference"),
}


@pytest.mark.parametrize("case", CASES)
def test_output_over_an_input_is_refused_before_rendering(case, tmp_path, monkeypatch):
    args, renderer = CASES[case]
    (tmp_path / "client.yaml").write_text(CLIENT, encoding="utf-8")
    (tmp_path / "brand.yaml").write_text(BRAND, encoding="utf-8")
    rendered = []
    monkeypatch.setattr(renderer, lambda *a, **k: rendered.append(a) or b"%PDF-1.4\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    target = args[-1]
    assert f"{target}: is one of this run's inputs" in result.stderr
    assert rendered == []
    assert (tmp_path / "client.yaml").read_text(encoding="utf-8") == CLIENT
    assert (tmp_path / "brand.yaml").read_text(encoding="utf-8") == BRAND
