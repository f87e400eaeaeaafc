"""Fuzzing (issue 14): generated text in client fields, roster cells and data fields.

Every example must end one of two ways: a PDF whose text holds the input literally (the
printable ASCII of it, markup characters included: nothing is turned into markup), or a
HandoutError whose message is one line. Anything else (a traceback of another kind, a
message over several lines) fails the test. The library is called in-process and the
examples are few, so the file runs in well under a minute.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handout import Client, make_handout
from handout.errors import HandoutError
from handout.roster import read_roster

from pdfcheck import page_texts

# 25 examples a property keep the file well under a minute; FUZZ_N=300 for a longer run.
# The same examples every run (derandomize), new ones in a longer run.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_N", 25)), deadline=None, database=None,
                derandomize="FUZZ_N" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

MARKUP = ["<b>bold</b>", "<img src=\"/etc/passwd\"/>", "&amp;", "&", "<", ">", "</para>",
          "<font face='x'>", "<br/>", "]]>", "\\", "'\"", "%s", "{name}", "=HYPERLINK(\"x\")"]
RTL = "שלום עולם مرحبا بالعالم"
COMBINING = "e\u0301a\u0308c\u0327o\u0302\u0336 "
EMOJI = "😀🩺💊👩🏽‍⚕️ abc"
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\t\n\r"

texts = st.one_of(
    st.text(max_size=120),  # any code point, controls included
    st.lists(st.sampled_from(MARKUP + ["Ana", " ", "\n", "Ruiz"]), max_size=12).map("".join),
    st.text(alphabet=RTL, max_size=60),
    st.text(alphabet=COMBINING, max_size=60),
    st.text(alphabet=EMOJI, max_size=40),
    st.text(alphabet="ab " + CONTROLS, max_size=40),
    st.integers(min_value=0, max_value=120_000).map(lambda n: "x" * n),  # huge
    st.integers(min_value=1, max_value=1_500).map(lambda n: "w\n" * n),  # many lines
)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    """The pages' running text without white space and without each page's furniture (the
    header's title, the footer's disclaimer, 'Page N of M'), so that text split over a page
    break reads on as one."""
    from handout.library import load_library

    furniture = [squeeze("Your self-care plan"), squeeze(load_library().safety.disclaimer)]
    out = []
    for page in page_texts(data):
        text = squeeze(page)
        for words in furniture:
            text = text.replace(words, "", 1)
        out.append(re.sub(r"Page\d+of\d+$", "", text))
    return "".join(out)


def literal_pieces(text: str) -> list[str]:
    """The runs of printable ASCII the PDF must show as written (text with right-to-left
    letters is drawn reordered, so its runs may be mirrored: left out)."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return []
    return re.findall(r"[!-~]{3,}", text)


def one_line(error: HandoutError) -> None:
    message = str(error)
    assert message and "\n" not in message and "\r" not in message, repr(message)
    assert "Traceback" not in message


def made_or_refused(make, text: str) -> None:
    try:
        data = make()
    except HandoutError as error:
        one_line(error)
        return
    shown = pdf_text(data)
    for piece in literal_pieces(text):
        assert piece in shown, piece


# -- client fields -----------------------------------------------------------------------
@FUZZ
@given(field=st.sampled_from(["name", "practitioner", "next_appointment", "notes"]), text=texts)
def test_client_field(field, text):
    made_or_refused(lambda: make_handout(Client(points=("BL60",), **{field: text}),
                                         reproducible=True), text)


# -- roster cells ------------------------------------------------------------------------
def expected_cell(field: str, text: str) -> str:
    """What the roster reader makes of a cell (roster._convert): line endings unified;
    notes stripped, other fields' runs of white space one space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() if field == "notes" else " ".join(text.split())


@FUZZ
@given(name=texts, notes=texts, practitioner=texts)
def test_roster_cells(tmp_path_factory, name, notes, practitioner):
    path = tmp_path_factory.mktemp("roster") / "clients.csv"
    with open(path, "w", newline="", encoding="utf-8", errors="surrogatepass") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "protocol", "notes", "practitioner"])
        writer.writerow([name, "sciatica", notes, practitioner])
    try:
        rows = list(read_roster(path))
    except HandoutError as error:  # the whole file refused: a control character, say
        one_line(error)
        return
    except UnicodeEncodeError:
        pytest.skip("a lone surrogate cannot be written as UTF-8")
    assert len(rows) == 1
    row = rows[0]
    if row.error:
        one_line(row.error)
        assert "\n" not in row.error.detail
        return
    for field, text in (("name", name), ("notes", notes), ("practitioner", practitioner)):
        assert getattr(row.client, field) == expected_cell(field, text)


# -- data fields -------------------------------------------------------------------------
@FUZZ
@given(title=texts, text=texts)
def test_clinic_tip_fields(tmp_path_factory, title, text):
    folder = tmp_path_factory.mktemp("clinic")
    tip = {"id": "fuzz-tip", "topic": "activity", "title": title, "text": text}
    try:
        dumped = yaml.safe_dump({"tips": [tip]}, allow_unicode=True)
    except yaml.YAMLError:
        pytest.skip("PyYAML cannot write this text")
    (folder / "tips.yaml").write_text(dumped, encoding="utf-8", errors="surrogatepass")
    made_or_refused(lambda: make_handout(Client(tips=("fuzz-tip",)), data_dirs=[folder],
                                         reproducible=True), title + "\n" + text)


# -- through the command line: a client file ----------------------------------------------
def run_make(folder, *args):
    from click.testing import CliRunner

    from handout.cli import main

    result = CliRunner().invoke(main, ["make", *map(str, args), "-o", str(folder / "out.pdf"),
                                       "--reproducible"], env={"HANDOUT_DATA": None,
                                                               "HANDOUT_CONFIG": None})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails showing it
    return result


def exit_one_line(result) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()
             and not line.startswith(("note: ", "warning: "))]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


@FUZZ
@given(field=st.sampled_from(["name", "practitioner", "next_appointment", "notes"]), text=texts)
def test_client_file_field(tmp_path_factory, field, text):
    folder = tmp_path_factory.mktemp("client")
    try:
        dumped = yaml.safe_dump({"points": ["BL60"], field: text}, allow_unicode=True)
    except yaml.YAMLError:
        pytest.skip("PyYAML cannot write this text")
    (folder / "client.yaml").write_text(dumped, encoding="utf-8", errors="surrogatepass")
    result = run_make(folder, folder / "client.yaml")
    if result.exit_code == 0:
        shown = pdf_text((folder / "out.pdf").read_bytes())
        for piece in literal_pieces(text):
            assert piece in shown, piece
    else:
        exit_one_line(result)
        assert not (folder / "out.pdf").exists()


@FUZZ
@given(data=st.binary(max_size=400))
def test_client_file_of_any_bytes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "client.yaml").write_bytes(b"points: [BL60]\n" + data)
    result = run_make(folder, folder / "client.yaml")
    if result.exit_code != 0:
        exit_one_line(result)
