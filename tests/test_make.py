"""The client handout: `handout make` and handout.make_handout, checked as a reader would."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from handout import Client, make_handout
from handout.cli import main
from handout.library import load_library

from pagecheck import body_size, lines, measure, smallest
from runcli import make_pdf, run
from pdfcheck import assert_refused, fonts, page_sizes, page_texts, reader, text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PREGNANCY_FORBIDDEN = ("BL60", "BL23", "BL25", "BL54", "LI4", "SP6", "GB21")


def make(tmp_path, *args, name="out.pdf"):
    return make_pdf("make", tmp_path, *args, name=name)


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "client.pdf"
    result = run("make", EXAMPLES / "client.yaml", "--brand", EXAMPLES / "brand.yaml",
                 "-o", out, "--reproducible")
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_example_handout_holds_client_points_and_warning_signs(example_pdf):
    library = load_library()
    words = text(example_pdf)
    assert "Self-care plan for Margaret Ellis" in words
    assert "14 March 2026" in words
    assert "Sam Okafor" in words
    # The example: protocol sciatica, plus GB30, minus BL57.
    expected = [p for p in library.protocol("sciatica").points if p != "BL57"] + ["GB30"]
    for code in expected:
        point = library.point(code)
        assert point.id in words
        assert point.pinyin in words, point.pinyin
    assert "BL57" not in words
    for sign in library.safety.red_flags.emergency + library.safety.red_flags.urgent:
        assert re.sub(r"\s+", " ", sign.ask) in words
    assert "Riverside Acupressure & Physio" in words
    assert "01234 567 890" in words


def test_every_page_is_numbered_page_x_of_y(example_pdf):
    texts = page_texts(example_pdf)
    total = len(texts)
    assert total > 1
    for number, page in enumerate(texts, 1):
        assert f"Page {number} of {total}" in page


def test_fonts_are_embedded_and_subset(example_pdf):
    found = fonts(example_pdf)
    assert found, "no fonts found"
    assert all(found.values()), found
    assert any("Lato" in name for name in found)
    # ReportLab names subsets with a six-letter tag or "AAAAAA+"-style prefix or SubsetN.
    assert all("+" in name or "Subset" in name for name in found), found


def test_metadata_holds_no_health_information(tmp_path):
    result, out = make(tmp_path, "--name", "Ana Ruiz", "--protocol", "sciatica-pregnancy",
                       "--pregnant", "--condition", "anticoagulants")
    assert result.exit_code == 0, result.output
    meta = reader(out.read_bytes()).metadata
    blob = " ".join(str(v) for v in meta.values()).lower()
    for word in ("ana", "ruiz", "pregnan", "sciatica", "anticoagulant", "blood"):
        assert word not in blob, (word, meta)
    assert meta.title and meta.author and meta.subject
    assert reader(out.read_bytes()).trailer["/Root"]["/Lang"] == "en-GB"


def test_pregnant_client_gets_no_forbidden_point(tmp_path):
    result, out = make(tmp_path, "--name", "Ana Ruiz", "--protocol", "sciatica", "--pregnant",
                       "--points", "GB34,ST36,BL23")
    # BL23 was asked for by name: refused, nothing written.
    assert result.exit_code != 0
    assert "BL23" in result.output and "--allow BL23" in result.output
    assert not out.exists()
    result, out = make(tmp_path, "--name", "Ana Ruiz", "--protocol", "sciatica", "--pregnant")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    for code in PREGNANCY_FORBIDDEN:
        assert code not in words
    assert "Press-up on your front" not in words
    assert "BL60 left out (pregnancy)" in result.stderr


def test_allow_keeps_the_item_and_prints_its_caution(tmp_path):
    result, out = make(tmp_path, "--name", "Ana Ruiz", "--points", "BL60", "--pregnant",
                       "--allow", "BL60")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    assert "BL60" in words
    assert "Traditionally avoided in pregnancy" in words
    assert "Your practitioner chose this despite pregnancy" in words


def test_caution_if_items_stay_with_their_caution(tmp_path):
    result, out = make(tmp_path, "--points", "KI3", "--condition", "anticoagulants")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    assert "KI3" in words
    caution = next(c for c in load_library().point("KI3").cautions if "anticoagulants" in c.caution_if)
    assert re.sub(r"\s+", " ", caution.text) in words


def test_reproducible_output_is_byte_identical(tmp_path, example_pdf):
    # example_pdf is the same command's first run, made earlier in this process
    _, again = make(tmp_path, EXAMPLES / "client.yaml", "--brand", EXAMPLES / "brand.yaml",
                    name="again.pdf")
    assert again.read_bytes() == example_pdf


@pytest.mark.parametrize("paper, size", [("A4", (595, 842)), ("Letter", (612, 792))])
@pytest.mark.parametrize("large", [False, True])
def test_paper_size_and_type_sizes_as_printed(tmp_path, paper, size, large):
    args = [EXAMPLES / "client.yaml", "--paper", paper]
    if large:
        args.append("--large-print")
    result, out = make(tmp_path, *args)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert page_sizes(data) == {size}
    assert "Margaret Ellis" in text(data)
    # Sizes as printed, read from the PDF: body 12 pt, 18 pt in large print with nothing
    # smaller than 14 pt (diagram words included).
    pages = measure(data, pixels=False)
    assert body_size(pages) == (18 if large else 12)
    if large:
        assert smallest(pages)[0] >= 14 - 0.05, smallest(pages)


def test_typical_handout_is_under_300_kb():
    pdf = make_handout(Client(name="Ana Ruiz", protocol="sciatica", points=("GB30",)),
                       brand=EXAMPLES / "brand.yaml", reproducible=True)
    assert len(pdf) < 300 * 1024


def test_streams_are_stored_as_compressed_bytes_not_ascii85(example_pdf):
    """ReportLab's default writes every compressed stream out again in ASCII85 (a quarter
    more bytes each); the handout's pages, fonts, pictures and forms are stored as bytes."""
    from pdfcheck import reader

    assert b"ASCII85Decode" not in example_pdf  # no stream of any kind has the filter
    contents = reader(example_pdf).pages[0]["/Contents"].get_object()
    assert list(contents["/Filter"]) == ["/FlateDecode"]  # compressed, all the same


def test_api_returns_pdf_bytes():
    pdf = make_handout(Client(name="Ana Ruiz", protocol="sciatica-gentle"))
    assert pdf.startswith(b"%PDF-")
    assert "Ana Ruiz" in text(pdf)


def test_output_to_stdout(tmp_path):
    result = CliRunner().invoke(main, ["make", "--protocol", "sciatica-gentle", "-o", "-",
                                       "--reproducible"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")


HOSTILE = ('<b>Bold?</b> <img src="/etc/passwd"/> Tom & Jerry "quoted" \'single\' '
           "<font size=40>big</font> &amp; done")


def test_markup_in_client_text_prints_literally(tmp_path):
    pdf = make_handout(Client(name=HOSTILE, notes=HOSTILE, protocol="sciatica-gentle"),
                       reproducible=True)
    words = text(pdf)
    assert '<b>Bold?</b>' in words
    assert '<img src="/etc/passwd"/>' in words
    assert "Tom & Jerry" in words and "&amp; done" in words
    assert b"root:" not in pdf  # /etc/passwd was not embedded


def test_long_notes_flow_across_pages_and_long_name_wraps():
    notes = " ".join(f"word{i}" for i in range(5000))
    name = "Anaïs " + "Bartholomew-" * 33  # about 400 characters
    name = name[:400]
    short = make_handout(Client(name="A", protocol="sciatica-gentle"), reproducible=True)
    pdf = make_handout(Client(name=name, notes=notes, protocol="sciatica-gentle"), reproducible=True)
    assert len(reader(pdf).pages) > len(reader(short).pages) + 2
    words = text(pdf)
    assert "word0" in words and "word4999" in words
    assert "Anaïs" in words


def test_emoji_and_mixed_scripts_never_crash():
    pdf = make_handout(Client(name="שלום Salam سلام 😀 Zoë", notes="Feel better 💪",
                              protocol="sciatica-gentle"), reproducible=True)
    words = text(pdf)
    assert "Zoë" in words and "Salam" in words and "Feel better" in words


def right_to_left_lines(pdf: bytes) -> list[str]:
    """Each printed line's Hebrew or Arabic letters as a reader takes them: from the
    rightmost glyph on the page to the leftmost (Arabic's joined forms read as letters)."""
    out = []
    for page in measure(pdf, pixels=False):
        for line in lines(page):
            letters = [c for c in line if unicodedata.bidirectional(c) in ("R", "AL")]
            if letters:
                out.append(unicodedata.normalize("NFKC", "".join(reversed(letters))))
    return out


def test_right_to_left_names_and_notes_print_in_reading_order():
    pdf = make_handout(Client(name="שרה כהן", notes="שלום עולם\nمرحبا بالعالم",
                              protocol="sciatica-gentle"), reproducible=True)
    found = right_to_left_lines(pdf)
    # Read right to left, the glyphs spell the words as typed (spaces aside): the first
    # word is the rightmost. Drawn in the order stored, they would read backwards.
    assert "שרהכהן" in found  # the name in the heading
    assert "שלוםעולם" in found and "مرحبابالعالم" in found  # each line of the notes
    name_line = next(line for page in measure(pdf, pixels=False) for line in lines(page) if "ש" in line)
    assert name_line.startswith("Self-care plan for ")  # the English stays left to right


def test_chinese_characters_left_out_cleanly_without_a_cjk_font(example_pdf):
    words = text(example_pdf)
    assert "昆仑" not in words and "Kūnlún" in words


def tiny_cjk_font(path: Path, chars: str) -> Path:
    """A TrueType font with a square glyph for each of `chars`: a stand-in for a clinic's
    Chinese font (none ships with the machine)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def glyph(square: bool):
        pen = TTGlyphPen(None)
        if square:
            pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((900, 700))
            pen.lineTo((900, 0)), pen.closePath()
        return pen.glyph()

    names = {ord(c): f"uni{ord(c):04X}" for c in chars}
    order = [".notdef", "space", *names.values()]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({32: "space", **names})
    builder.setupGlyf({n: glyph(n in names.values()) for n in order})
    builder.setupHorizontalMetrics({n: (1000, 100) for n in order})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Clinic CJK", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def test_a_brands_cjk_font_prints_chinese_names_and_notes(tmp_path):
    tiny_cjk_font(tmp_path / "clinic-cjk.ttf", "王芳中医")
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Test Clinic\ncjk_font: clinic-cjk.ttf\n", encoding="utf-8")
    result, out = make(tmp_path, "--name", "Wang 王芳", "--notes", "中医 notes",
                       "--protocol", "sciatica-gentle", "--brand", brand)
    assert result.exit_code == 0, result.output
    assert "left out" not in result.stderr  # every character had a font
    data = out.read_bytes()
    words = text(data)
    assert "Self-care plan for Wang 王芳" in words and "中医 notes" in words
    embedded = fonts(data)
    assert [name for name in embedded if "Clinic-CJK" in name] and all(embedded.values())
    # Without it the same characters are left out, and the terminal says so.
    result, out = make(tmp_path, "--name", "Wang 王芳", "--protocol", "sciatica-gentle",
                       name="plain.pdf")
    assert result.exit_code == 0 and "王芳" not in text(out.read_bytes())
    assert "left out 2 character(s)" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--points", "BL99"], "unknown point 'BL99'"),
    (["--points", "GB43"], "did you mean "),
    (["--protocol", "sciatika"], "unknown protocol 'sciatika'"),
    (["--protocol", "sciatica", "--condition", "pregnent"], "unknown condition 'pregnent'"),
    (["--protocol", "sciatica", "--date", "2026-02-30"], "--date: '2026-02-30' is not a date"),
    (["--protocol", "sciatica", "--template", "nope.yaml"], "template nope.yaml not found"),
    ([], "say what to print"),
])
def test_bad_options_give_one_line_errors_and_no_file(tmp_path, args, message):
    result, out = make(tmp_path, *args)
    assert_refused(result, out, tmp_path, message, exit_code=None)


def test_unknown_template_section_is_located(tmp_path):
    template = tmp_path / "mine.yaml"
    source = (ROOT / "templates" / "client-handout.yaml").read_text()
    template.write_text(source.replace("  - client  ", "  - clinet  "))
    result, out = make(tmp_path, "--protocol", "sciatica", "--template", template)
    assert result.exit_code == 1
    line = next(i for i, l in enumerate(template.read_text().splitlines(), 1) if "clinet" in l)
    assert f"mine.yaml:{line}: sections: unknown section 'clinet'" in result.output
    assert not out.exists()


def test_client_file_errors_name_file_line_and_field(tmp_path):
    client = tmp_path / "c.yaml"
    client.write_text("name: Ana\nprotocol: sciatica\ndate: 2026-13-45\nlarge_print: maybe\n")
    result, out = make(tmp_path, client)
    assert result.exit_code == 1
    assert "c.yaml:3: date:" in result.output
    assert "(and 1 more problem" in result.output
    assert not out.exists()


def _brand(tmp_path, logo_name):
    brand = tmp_path / "brand.yaml"
    brand.write_text(f"clinic_name: Test Clinic\nlogo: {logo_name}\n")
    return brand


def test_missing_corrupt_and_wrong_format_logos_are_clear_errors(tmp_path):
    brand = _brand(tmp_path, "logo.png")
    result, out = make(tmp_path, "--protocol", "sciatica", "--brand", brand)
    assert result.exit_code == 1 and "brand.yaml:2: logo: " in result.output
    assert "logo.png: logo file not found" in result.output
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    result, out = make(tmp_path, "--protocol", "sciatica", "--brand", brand)
    assert result.exit_code == 1 and "not a readable PNG image" in result.output
    Image.new("RGB", (40, 40), "red").save(tmp_path / "logo.gif")
    result, out = make(tmp_path, "--protocol", "sciatica", "--brand", _brand(tmp_path, "logo.gif"))
    assert result.exit_code == 1 and "is a GIF file" in result.output
    (tmp_path / "logo.svg").write_text("<svg><not-closed>")
    result, out = make(tmp_path, "--protocol", "sciatica", "--brand", _brand(tmp_path, "logo.svg"))
    assert result.exit_code == 1 and "is not valid SVG" in result.output
    assert not out.exists()


def test_huge_logo_is_downscaled(tmp_path):
    Image.new("RGB", (6400, 4800), (30, 80, 100)).save(tmp_path / "big.jpg", quality=60)
    result, out = make(tmp_path, "--protocol", "sciatica-gentle", "--brand", _brand(tmp_path, "big.jpg"))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size < 300 * 1024


def test_init_brand_writes_a_starter_that_loads(tmp_path):
    target = tmp_path / "brand.yaml"
    result = run("init-brand", target)
    assert result.exit_code == 0 and target.exists()
    assert "clinic_name" in target.read_text()
    again = run("init-brand", target)
    assert again.exit_code == 1 and "--force" in again.output
    result, out = make(tmp_path, "--protocol", "sciatica-gentle", "--brand", target)
    assert result.exit_code == 0, result.output


def test_pregnancy_warning_stands_beside_bl60_for_every_client(tmp_path):
    # content brief: every handout that includes these points says so next to the point
    result, out = make(tmp_path, "--points", "BL60,GB34")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    start, after = words.index("BL60"), words.index("GB34")
    assert "Traditionally avoided in pregnancy" in words[start:after]
