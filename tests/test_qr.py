"""QR codes on the sheets (issue 16): with `site_url:` in the brand each point and stretch
on the handout and on each pocket card carries a code to its companion page, decoded here
from the rendered page by a real decoder (zbar's zbarimg), as a phone would read it."""

from __future__ import annotations

import shutil
import subprocess

import pypdfium2 as pdfium
import pytest
from reportlab.lib.units import mm

from handout.render.qr import MIN_MODULE, QUIET, qr_drawing

from runcli import make_pdf, run


SITE = "https://riverside.example/care/"


def decoded(pdf, page_index: int, dpi: int = 200, tmp_path=None) -> list[str]:
    """The QR codes zbarimg reads on one page rendered at `dpi`."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg not found: install zbar-tools (`apt-get install zbar-tools`, as "
                    ".ci/run does)", pytrace=False)
    # The page's pixels as rendered, uncompressed (PPM: writing a PNG of an A4 page at
    # 200 dpi took as long as decoding it).
    image = tmp_path / f"page-{page_index}.ppm"
    pdfium.PdfDocument(str(pdf))[page_index].render(scale=dpi / 72).to_pil().save(image)
    found = subprocess.run([zbarimg, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                           capture_output=True, text=True, timeout=60)
    return sorted(found.stdout.split())


def _brand(tmp_path, site_url=SITE):
    brand = tmp_path / "brand.yaml"
    brand.write_text(f"clinic_name: Riverside Physio\nsite_url: {site_url}\n")
    return brand


def test_each_pocket_card_carries_a_code_to_its_own_page(tmp_path):
    result, pdf = make_pdf("cards", tmp_path, "BL60", "GB34", "knee-to-chest", "cat-cow",
                           "--brand", _brand(tmp_path, SITE.rstrip("/")))
    assert result.exit_code == 0, result.output
    assert decoded(pdf, 0, tmp_path=tmp_path) == sorted([
        SITE + "points/bl60.html", SITE + "points/gb34.html",
        SITE + "stretches/knee-to-chest.html", SITE + "stretches/cat-cow.html"])
    text = pdfium.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    # the address breaks over lines after a / . or - (pdfium reads a line-end '-' as U+FFFE)
    joined = "".join(text.replace("\ufffe", "-").split())
    for path in ("points/bl60.html", "stretches/knee-to-chest.html"):
        assert "Online:riverside.example/care/" + path in joined
    assert "https://" not in text  # the short address, for typing


def test_the_handout_codes_decode_to_their_items_pages(tmp_path):
    result, pdf = make_pdf("make", tmp_path, "--points", "KI3", "--stretches", "pelvic-tilt",
                           "--brand", _brand(tmp_path))
    assert result.exit_code == 0, result.output
    codes = []
    for index in range(len(pdfium.PdfDocument(str(pdf)))):
        codes += decoded(pdf, index, tmp_path=tmp_path)
    assert sorted(codes) == [SITE + "points/ki3.html", SITE + "stretches/pelvic-tilt.html"]


def test_no_code_without_a_site_url(tmp_path):
    brand = tmp_path / "plain.yaml"
    brand.write_text("clinic_name: Riverside Physio\n")
    result, pdf = make_pdf("cards", tmp_path, "BL60", "knee-to-chest", "--brand", brand)
    assert result.exit_code == 0, result.output
    assert decoded(pdf, 0, tmp_path=tmp_path) == []


def test_modules_are_at_least_the_least_a_phone_reads_from_paper():
    drawing = qr_drawing(SITE + "stretches/knee-to-chest.html", module=0.1 * mm)
    widget = drawing.contents[0]
    module = drawing.width / (widget.qr.getModuleCount() + 2 * QUIET)
    assert module >= MIN_MODULE - 1e-9 and MIN_MODULE >= 0.4 * mm


@pytest.mark.parametrize("url, message", [
    ("https://riverside.example/care/?from=sheet", "has a query"),
    ("https://riverside.example/care/#top", "has a fragment"),
    ("mailto:desk@riverside.example", "is not an http(s) address"),
])
def test_a_bad_site_url_is_one_located_line(tmp_path, url, message):
    brand = tmp_path / "brand.yaml"
    brand.write_text(f"clinic_name: Riverside Physio\ncountry: GB\nsite_url: '{url}'\n")
    result = run("cards", "BL60", "--brand", brand, "-o", tmp_path / "cards.pdf")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert f"{brand}:3: site_url: " in result.output and message in result.output
    assert not (tmp_path / "cards.pdf").exists()


def test_every_card_has_its_code_or_a_warning_names_it(tmp_path):
    from handout.library import load_library
    from handout.site.addresses import page_url

    library = load_library()
    items = [*library.points.values(), *library.stretches.values()]
    result, pdf = make_pdf("cards", tmp_path, *[i.id for i in items], "--brand",
                           _brand(tmp_path))
    assert result.exit_code == 0, result.output
    codes = []
    for index in range(len(pdfium.PdfDocument(str(pdf)))):
        codes += decoded(pdf, index, tmp_path=tmp_path)
    assert len(codes) == len(set(codes))  # one code a card
    missing = [i for i in items if page_url(SITE, i) not in codes]
    for item in missing:
        assert (f"warning: {item.id}: its pocket card has no room for the QR code to "
                f"{page_url(SITE, item)}") in result.output
    assert len(missing) <= 2, [i.id for i in missing]  # the exception, not the rule
