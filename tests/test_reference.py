"""Practitioner reference sheets: `handout reference`, checked as a practitioner reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from handout.api import prepare, render
from handout.library import load_library
from handout.render import reference as ref_module
from handout.render.reference import PointPage, make_reference, reference_client

from conftest import write_yaml
from runcli import make_pdf, run
from pdfcheck import assert_refused, fold, fonts, page_sizes, page_texts, reader, text

ROOT = Path(__file__).resolve().parent.parent
BRAND = ROOT / "examples" / "brand.yaml"


def make(tmp_path, *args, name="ref.pdf"):
    return make_pdf("reference", tmp_path, *args, name=name)


@pytest.fixture(scope="module")
def protocol_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "sciatica.pdf"
    result = run("reference", "--protocol", "sciatica", "--brand", BRAND, "-o", out,
                 "--reproducible")
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_one_page_per_protocol_point_with_code_pinyin_and_who_location(protocol_pdf):
    library = load_library()
    points = [library.point(p) for p in library.protocol("sciatica").points]
    pages = [fold(t) for t in page_texts(protocol_pdf)]
    assert len(pages) == len(points)
    for page, point in zip(pages, points):
        assert point.id in page
        assert point.pinyin in page
        assert fold(point.location) in page
        assert fold(point.find_it) in page
        assert fold(point.technique.pressure) in page
        # one point a page: no other point's WHO location
        for other in library.points.values():
            if other.id != point.id:
                assert fold(other.location) not in page, (point.id, other.id)


def test_every_caution_prints_with_the_conditions_it_concerns(protocol_pdf):
    library = load_library()
    pages = {library.point(p).id: fold(t) for p, t in
             zip(library.protocol("sciatica").points, page_texts(protocol_pdf))}
    bl60 = pages["BL60"]
    for caution in library.point("BL60").cautions:
        assert fold(caution.text) in bl60
    assert "Avoid with pregnancy:" in bl60
    assert "Take care with blood thinners (anticoagulants) or bleeding disorder:" in bl60
    assert "Take care with varicose veins:" in bl60
    # a caution for everyone says so
    assert "All clients: Press gently, in front of the bony bump." in pages["GB34"]


def test_pages_are_branded_and_numbered(protocol_pdf):
    pages = page_texts(protocol_pdf)
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Riverside Acupressure & Physio" in page
        assert "Point reference" in page


def test_fonts_are_embedded(protocol_pdf):
    found = fonts(protocol_pdf)
    assert found and all(found.values()), found


def test_no_ids_prints_every_point(tmp_path):
    result, out = make(tmp_path)
    assert result.exit_code == 0, result.output
    library = load_library()
    # A point too long for one page goes on under "... (continued)" (and the next point
    # may start on that page); every point is printed once, in the library's order.
    pages = [fold(t) for t in page_texts(out.read_bytes())]
    assert len(pages) <= 2 * len(library.points)
    assert_points_in_order(" ".join(pages), list(library.points), library)


def assert_points_in_order(text: str, codes: list[str], library) -> None:
    where = [text.find(fold(library.points[code].location)) for code in codes]
    assert -1 not in where, [c for c, w in zip(codes, where) if w == -1]
    assert where == sorted(where)


def test_aliases_and_comma_lists_resolve(tmp_path):
    result, out = make(tmp_path, "UB60,K3", "Liv3")
    assert result.exit_code == 0, result.output
    pages = page_texts(out.read_bytes())
    assert len(pages) == 3
    assert "BL60" in pages[0] and "KI3" in pages[1] and "LR3" in pages[2]


@pytest.mark.parametrize("paper, size", [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_sizes(tmp_path, paper, size):
    result, out = make(tmp_path, "--protocol", "sciatica", "--paper", paper, "--brand", BRAND)
    assert result.exit_code == 0, result.output
    library = load_library()
    assert_points_in_order(" ".join(fold(t) for t in page_texts(out.read_bytes())),
                           list(library.protocol("sciatica").points), library)
    assert page_sizes(out.read_bytes()) == {size}


@pytest.mark.parametrize("args, message", [
    (["BL99"], "unknown point 'BL99'"),
    (["knee-to-chest"], "'knee-to-chest' is a stretch, not a point"),
    (["sciatica"], "use --protocol sciatica"),
    (["--protocol", "sciatika"], "unknown protocol 'sciatika'"),
    (["BL60", "--template", "nope.yaml"], "template nope.yaml not found"),
])
def test_bad_input_is_a_one_line_error_and_no_file(tmp_path, args, message):
    result, out = make(tmp_path, *args)
    assert_refused(result, out, tmp_path, message)


def test_bad_template_option_names_the_line(tmp_path):
    template = tmp_path / "mine.yaml"
    source = (ROOT / "templates" / "reference-sheet.yaml").read_text()
    template.write_text(source.replace("diagram_mm: 90", "diagram_mm: huge"))
    result, out = make(tmp_path, "BL60", "--template", template)
    assert result.exit_code == 1
    assert "mine.yaml:" in result.output and "diagram_mm should be a number" in result.output
    assert not out.exists()


def test_reproducible_output_is_byte_identical(tmp_path):
    _, first = make(tmp_path, "BL60", "GB30", name="a.pdf")
    _, second = make(tmp_path, "BL60", "GB30", name="b.pdf")
    assert first.read_bytes() == second.read_bytes()


def _pages(client, data_dirs=(), brand=None):
    """Render through the API, keeping the PointPage flowables to look at their layout."""
    job = prepare(client, brand=brand, data_dirs=data_dirs, template="reference-sheet",
                  known_sections=ref_module.section_options())
    kept = []

    def builder(ctx, template):
        flowables = ref_module.build_reference(ctx, template)
        kept.extend(f for f in flowables if isinstance(f, PointPage))
        return flowables

    return render(job, builder, reproducible=True), kept


def test_long_texts_keep_one_page_with_a_smaller_diagram(clinic, raw_point):
    point = raw_point("GB30")
    point["find_it"] += " " + point["find_it"][:len(point["find_it"]) // 3].rsplit(".", 1)[0] + "."
    write_yaml(clinic / "points.yaml", {"points": [point]})
    library = load_library([clinic])
    pdf, pages = _pages(reference_client(library, ["GB30", "BL60"]), [clinic])
    assert len(reader(pdf).pages) == 2
    long_page, normal_page = pages
    assert long_page.diagram_width < normal_page.diagram_width
    assert fold(point["reach_help"]) in fold(page_texts(pdf)[0])


def test_text_too_long_for_a_page_flows_on_and_nothing_is_lost(clinic, raw_point):
    # Every text at the most the limits allow (limits.FIELD_TEXT characters each).
    point = raw_point("BL40")
    point["find_it"] = " ".join(f"Route sentence {i} of a very long route." for i in range(45))
    point["reach_help"] = " ".join(f"Reach sentence {i} of a long way to reach it."
                                   for i in range(40))
    point["technique"]["pressure"] = " ".join(f"Press sentence {i} of a long technique."
                                              for i in range(45))
    write_yaml(clinic / "points.yaml", {"points": [point]})
    pdf, _ = _pages(reference_client(load_library([clinic]), ["BL40"]), [clinic])
    assert len(reader(pdf).pages) > 1
    words = text(pdf)
    for first, last in (("Route sentence 0 ", "Route sentence 44 "),
                        ("Reach sentence 0 ", "Reach sentence 39 "),
                        ("Press sentence 0 ", "Press sentence 44 ")):
        assert first in words and last in words
    assert "BL40 · Wěizhōng (continued)" in words


def test_python_api_matches_the_command(tmp_path):
    result, out = make(tmp_path, "BL60", "--brand", BRAND)
    assert result.exit_code == 0
    assert make_reference(["BL60"], brand=BRAND, reproducible=True) == out.read_bytes()


def test_large_print_point_too_long_for_a_page_goes_on_under_its_name(tmp_path):
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Test Clinic\nlarge_print: true\n")
    pdf, kept = _pages(reference_client(load_library(), ["GB30", "KI3"]), brand=brand)
    pages = [fold(t) for t in page_texts(pdf)]
    # Each point starts a page with its name and location; its cautions come before the
    # next point; the pages between are its own (continued) pages.
    assert len(pages) > len(kept)
    starts = [i for i, page in enumerate(pages) if "Standard location (WHO 2008)" in page]
    assert len(starts) == len(kept)
    for number, (page, start) in enumerate(zip(kept, starts)):
        point = page.chosen.item
        assert point.id in pages[start] and fold(point.location) in pages[start]
        end = starts[number + 1] if number + 1 < len(starts) else len(pages)
        assert "Cautions" in " ".join(pages[start:end])
    assert any(p.continued for p in kept)  # GB30's texts are long: the case is exercised


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_large_print_with_a_long_brand_starts_points_low_on_a_page_and_keeps_every_name(
        tmp_path, paper):
    """A large-print sheet with a brand at every length limit (a tall header and footer):
    a point may start low on the page its previous one ended on (its name and facts, the
    first lines of its location), its diagram following under "(continued)"; no page
    ends on a heading; and every point's diagram shows its landmark names, 14 pt or more,
    on one of its pages."""
    from handout.render.diagrams import load_view
    from handout.render.figures import image_dirs
    from pagecheck import measure
    from test_page_quality import _large_brand, long_brand

    library = load_library()
    pdf, kept = _pages(reference_client(library, protocol="sciatica", paper=paper),
                       brand=_large_brand(long_brand(tmp_path), tmp_path))
    pages = [fold(t) for t in page_texts(pdf)]
    measured = measure(pdf, pixels=False)
    headings = ["Standard location (WHO 2008)", "Finding route (as the client reads it)",
                "Reaching it", "Technique", "Cautions"]
    for number, page in enumerate(pages, 1):
        body = page.rsplit(" Page ", 1)[0]  # the page number comes last
        assert not any(body.endswith(h) for h in headings), f"page {number} ends on a heading"
    starts = [i for i, page in enumerate(pages) if "Standard location (WHO 2008)" in page]
    assert len(starts) == len(kept)
    for number, (point_page, start) in enumerate(zip(kept, starts)):
        point = point_page.chosen.item
        end = starts[number + 1] if number + 1 < len(starts) else len(pages) - 1
        own = " ".join(pages[start:end + 1])  # its pages (and the next one's first)
        view = load_view(point.diagram.view, image_dirs(library.folders))
        for name in view.names:
            if name.for_point in (None, point.id):
                for line in name.lines:
                    assert f" {line.text} " in f" {own} ", (paper, point.id, line.text)
        sizes = [c.size for p in measured[start:end + 1] for c in p.chars]
        assert min(sizes) >= 14 - 0.05
    # Some point starts on the page where the previous one ends, under its "(continued)"
    # name (the case is exercised).
    shared = [n for n in range(1, len(kept))
              if f"{kept[n - 1].chosen.item.id} · " in pages[starts[n]]
              .split(f"{kept[n].chosen.item.id} · ")[0]]
    assert shared, "no point started on the last page of the one before it"
