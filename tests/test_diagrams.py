"""Point diagrams: the view files, the marker geometry, what a reader sees, bad input, photos.

Pixels are checked on the real rendering: the Drawing goes to PDF and pypdfium2 rasterises it.
Reference images live in tests/reference/diagrams/; run with HANDOUT_REGENERATE=1 to refresh
them. A failing comparison leaves the actual image in the test's temp folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from PIL import Image, ImageChops
from reportlab.graphics import renderPDF
from reportlab.lib.units import mm

from handout.errors import DataError, InputError
from handout.render import diagrams, svgview
from handout.render.diagrams import (check_marker, find_photo, load_photo, load_view,
                                     photo_flowable, point_diagram, write_point_diagram)
from handout.render.styles import DIAGRAM_LABEL_PT
from handout.resources import resource_dir

IMAGES = resource_dir("images")
VIEWS = sorted(p.stem for p in (IMAGES / "views").glob("*.svg"))
REFERENCE = Path(__file__).resolve().parent / "reference" / "diagrams"
NEEDED = {"lower-back", "back-leg", "outer-thigh", "outer-leg", "inner-ankle", "front-shin",
          "foot-top"}
INSIDE = {"outer-leg": (0.4, 0.4), "front-shin": (0.5, 0.5), "inner-ankle": (0.75, 0.3),
          "foot-top": (0.5, 0.5), "back-leg": (0.5, 0.4), "lower-back": (0.5, 0.3),
          "outer-thigh": (0.5, 0.5)}  # a spot clearly on the body in each view


def points() -> list[dict]:
    return yaml.safe_load((resource_dir("data") / "points.yaml").read_text("utf-8"))["points"]


def raster(drawing, dpi: int = 150) -> Image.Image:
    """The drawing as a grey-scale image, as a black-and-white print would show it."""
    doc = pdfium.PdfDocument(renderPDF.drawToString(drawing))
    try:
        return doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


def pixel(image: Image.Image, drawing, fx: float, fy: float) -> int:
    """The grey level at (fx, fy) of the art (0 black, 255 white)."""
    x = min(int(fx * image.width), image.width - 1)
    y = min(int(fy * image.height), image.height - 1)
    return image.getpixel((x, y))


@pytest.fixture(autouse=True)
def fresh_cache():
    svgview._CACHE.clear()


# --------------------------------------------------------------------------- the views

def test_every_needed_view_exists():
    assert NEEDED <= set(VIEWS)


@pytest.mark.parametrize("view_id", VIEWS)
def test_view_parses_with_outline_labels_and_title(view_id):
    view = load_view(view_id, [IMAGES])
    assert view.title
    assert view.outline and all(len(poly) >= 3 for poly in view.outline)
    assert view.labels, "landmarks are named on the view"
    assert (IMAGES / "views" / f"{view_id}.svg").stat().st_size < 20_000  # small, hand-written
    # Labels stay legible at 45 mm wide: at least 6.5 pt.
    assert min(label.size for label in view.labels) * 45 * mm >= 6.5


@pytest.mark.parametrize("view_id", VIEWS)
def test_contains_inside_and_outside(view_id):
    view = load_view(view_id, [IMAGES])
    assert not view.contains(0.005, 0.005)
    assert not view.contains(0.995, 0.995) or view_id == "foot-top"
    if view_id in INSIDE:
        assert view.contains(*INSIDE[view_id])


def test_every_point_marker_is_inside_its_view():
    for point in points():
        d = point["diagram"]
        assert check_marker(d["view"], d["x"], d["y"], file="points.yaml", item=point["id"],
                            line=None, search_dirs=[IMAGES]) == [], point["id"]


# --------------------------------------------------------------------------- what is drawn

def test_marker_is_dark_where_it_is_and_absent_elsewhere():
    view = load_view("outer-leg", [IMAGES])
    x, y = 0.325, 0.786  # BL60
    plain = raster(point_diagram(view, [], "right", 60 * mm))
    marked = raster(point_diagram(view, [(x, y, "BL60")], "right", 60 * mm))
    assert pixel(marked, None, x, y) < 80  # the black centre dot
    assert pixel(plain, None, x, y) > 120  # nothing that dark there without the marker
    # Far from the marker (inside the body, middle of the calf) nothing changed.
    assert abs(pixel(marked, None, 0.45, 0.45) - pixel(plain, None, 0.45, 0.45)) < 10


def test_marker_ring_shows_at_45_mm():
    view = load_view("inner-ankle", [IMAGES])
    image = raster(point_diagram(view, [(0.77, 0.567, "KI3")], "right", 45 * mm), dpi=300)
    plain = raster(point_diagram(view, [], "right", 45 * mm), dpi=300)
    assert sum(image.histogram()[:60]) > sum(plain.histogram()[:60]) + 200


def test_left_side_mirrors_the_marker():
    view = load_view("outer-leg", [IMAGES])
    x, y = 0.325, 0.786
    right = raster(point_diagram(view, [(x, y, "BL60")], "right", 60 * mm))
    left = raster(point_diagram(view, [(x, y, "BL60")], "left", 60 * mm))
    assert pixel(right, None, x, y) < 80 and pixel(left, None, 1 - x, y) < 80
    assert pixel(left, None, x, y) > 80


def test_both_sides_on_a_symmetric_view_doubles_the_marker():
    view = load_view("lower-back", [IMAGES])
    assert view.symmetric
    image = raster(point_diagram(view, [(0.569, 0.233, "BL23")], "both", 60 * mm))
    assert pixel(image, None, 0.569, 0.233) < 80 and pixel(image, None, 0.431, 0.233) < 80


def test_labels_read_forwards_on_the_left_side_at_the_mirrored_place_and_codes_stay_inside():
    from reportlab.graphics.shapes import Group, String

    view = load_view("outer-leg", [IMAGES])
    left = point_diagram(view, [(0.08, 0.5, "GB99")], "left", 45 * mm)  # near the edge
    right = point_diagram(view, [(0.08, 0.5, "GB99")], "right", 45 * mm)

    def walk(node, flipped=False):
        for child in node.getContents():
            if isinstance(child, Group):
                a = (child.transform or (1, 0, 0, 1, 0, 0))[0]
                yield from walk(child, flipped != (a < 0))
            elif isinstance(child, String):
                yield child, flipped

    strings = list(walk(left))
    assert {s.text for s, _ in strings} >= {"kneecap", "GB99"}
    assert not any(flipped for _, flipped in strings)  # no word drawn through the mirror
    assert any(isinstance(g, Group) and g.transform[0] < 0 for g in left.getContents())
    centre = {s.text: (s.getBounds()[0] + s.getBounds()[2]) / 2 for s, _ in walk(right)}
    for string, _ in strings:
        if string.text == "kneecap":
            x0, _, x1, _ = string.getBounds()
            assert (x0 + x1) / 2 == pytest.approx(left.width - centre["kneecap"], abs=3)
    x0, y0, x1, y1 = left.getBounds()
    assert x0 >= -0.5 and x1 <= left.width + 0.5  # nothing drawn outside the drawing


def test_write_point_diagram_png_and_pdf(tmp_path):
    view = load_view("front-shin", [IMAGES])
    png = write_point_diagram(view, [(0.435, 0.604, "ST36")], "left", tmp_path / "st36.png")
    pdf = write_point_diagram(view, [(0.435, 0.604, "ST36")], "right", tmp_path / "st36.pdf")
    assert Image.open(png).format == "PNG"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["st36.pdf", "st36.png"]  # no temp left
    with pytest.raises(InputError) as err:
        write_point_diagram(view, [], "right", tmp_path / "st36.gif")
    assert str(err.value) == f"{tmp_path / 'st36.gif'}: the diagram file must end in .pdf or .png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["st36.pdf", "st36.png"]


def test_a_grey_png_keeps_every_pixel_and_a_coloured_one_its_colours(tmp_path):
    """A PNG is saved with one grey channel when its three are the same everywhere (every
    built-in view: half the bytes, a tenth of the time), else in colour."""
    from reportlab.graphics.shapes import Drawing, Rect

    view = load_view("front-shin", [IMAGES])
    drawing = point_diagram(view, [(0.435, 0.604, "ST36")], "right", 40 * mm)
    png = Image.open(diagrams.write_drawing(drawing, tmp_path / "st36.png", dpi=100))
    assert png.mode == "L" and png.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    padded = Drawing(drawing.width + 4 * mm, drawing.height + 4 * mm)  # write_drawing's border
    padded.initialFontName = drawing.initialFontName
    padded.add(diagrams.Group(*drawing.contents, transform=(1, 0, 0, 1, 2 * mm, 2 * mm)))
    seen = pdfium.PdfDocument(renderPDF.drawToString(padded))[0].render(scale=100 / 72).to_pil()
    assert ImageChops.difference(png.convert("RGB"), seen.convert("RGB")).getbbox() is None
    assert png.getextrema()[0] < 60  # not blank: the marker's dot, the lines

    red = Drawing(40, 40)
    red.add(Rect(5, 5, 30, 30, fillColor=diagrams.Color(0.8, 0.1, 0.1), strokeColor=None))
    coloured = Image.open(diagrams.write_drawing(red, tmp_path / "red.png", dpi=72))
    assert coloured.mode == "RGB"
    r, g, b = coloured.getpixel((coloured.width // 2, coloured.height // 2))
    assert r > 150 and g < 80 and b < 80


def ring_box(drawing, fx: float, fy: float, pad: float = 2.0) -> tuple[float, ...]:
    """The box, in the drawing's points (y up), of a marker ring drawn for (fx, fy)."""
    x, y = fx * drawing.width, (1 - fy) * drawing.height
    r = diagrams.RING_R + pad
    return (x - r, y - r, x + r, y + r)


def string_boxes(drawing) -> dict[str, tuple[float, ...]]:
    """Each word drawn on the diagram (landmark names, point codes) -> its box in points."""
    from reportlab.graphics.shapes import String

    return {s.text: s.getBounds() for s in drawing.getContents() if isinstance(s, String)}


def pixels(image: Image.Image, drawing, box) -> tuple[int, int, int, int]:
    """A box in the drawing's points as a crop box of its raster (y down)."""
    kx, ky = image.width / drawing.width, image.height / drawing.height
    x0, y0, x1, y1 = box
    return (max(0, int(x0 * kx)), max(0, int((drawing.height - y1) * ky)),
            min(image.width, int(x1 * kx) + 1), min(image.height, int((drawing.height - y0) * ky) + 1))


def dark(image: Image.Image, box=None, below: int = 100) -> int:
    return sum((image.crop(box) if box else image).histogram()[:below])


POINTS_BY_ID = {p["id"]: p for p in points()}


@pytest.mark.parametrize("point_id", sorted(POINTS_BY_ID))
def test_each_points_marker_and_code_print_where_its_data_puts_them(point_id):
    """The diagram a card prints for one point: its marker's dark centre at the point's
    x, y, its ring around it (ink there that the bare view lacks) and its code once."""
    d = POINTS_BY_ID[point_id]["diagram"]
    view = load_view(d["view"], [IMAGES])
    drawing = point_diagram(view, [(d["x"], d["y"], point_id)], "right", 50 * mm)
    marked = raster(drawing, dpi=200)
    bare = raster(point_diagram(view, [], "right", 50 * mm), dpi=200)
    assert pixel(marked, None, d["x"], d["y"]) < 80, "no dark centre dot at the point"
    ring = pixels(marked, drawing, ring_box(drawing, d["x"], d["y"]))
    ring_area = (ring[2] - ring[0]) * (ring[3] - ring[1])
    # The ring's ink is 13 % to 33 % of its box, less where it crosses dark lines.
    added = (dark(marked, ring) - dark(bare, ring)) / ring_area
    assert added > 0.08, f"no marker ring ({added:.0%} more ink than the bare view)"
    codes = [text for text in string_boxes(drawing) if text == point_id]
    assert codes == [point_id]
    words = pdfium.PdfDocument(renderPDF.drawToString(drawing))
    try:
        assert words[0].get_textpage().get_text_range().split().count(point_id) == 1
    finally:
        words.close()


def view_with_its_points(view_id: str):
    view = load_view(view_id, [IMAGES])
    markers = [(p["diagram"]["x"], p["diagram"]["y"], p["id"]) for p in points()
               if p["diagram"]["view"] == view_id]
    return point_diagram(view, markers, "right", 50 * mm), markers


REGION_SHARE = 0.03  # of a marker's or a word's box that may differ (anti-aliasing)
IMAGE_SHARE = 0.01  # of the whole image


@pytest.mark.parametrize("view_id", sorted(NEEDED))
def test_view_matches_reference_at_every_marker_and_word(view_id, tmp_path):
    """Each view with its points, as a grey-scale print shows it, against its reference
    PNG: region by region around every marker and every word, then the whole image.
    A missing reference fails; HANDOUT_REGENERATE=1 rewrites it (and skips: look at it)."""
    drawing, markers = view_with_its_points(view_id)
    actual = raster(drawing, dpi=100)
    ref = REFERENCE / f"{view_id}.png"
    if os.environ.get("HANDOUT_REGENERATE"):
        REFERENCE.mkdir(parents=True, exist_ok=True)
        actual.save(ref, optimize=True)
        pytest.skip(f"regenerated {ref}: look at it before committing it")
    assert ref.exists(), (f"no reference image {ref}: make it with HANDOUT_REGENERATE=1 "
                          f"pytest tests/test_diagrams.py, and look at it")
    expected = Image.open(ref).convert("L")
    actual.save(tmp_path / f"{view_id}.png")  # left for a look when the test fails
    assert expected.size == actual.size
    changed = ImageChops.difference(actual, expected).point(lambda v: 255 if v > 64 else 0)
    regions = {f"marker {code}": ring_box(drawing, x, y) for x, y, code in markers}
    regions |= {f"word '{text}'": box for text, box in string_boxes(drawing).items()}
    assert {f"marker {code}" for _, _, code in markers} <= set(regions) and markers
    for name, box in regions.items():
        crop = pixels(actual, drawing, box)
        area = max(1, (crop[2] - crop[0]) * (crop[3] - crop[1]))
        share = dark(ImageChops.invert(changed), crop, below=1) / area
        assert share <= REGION_SHARE, f"{view_id}: {name} differs ({share:.0%}), {tmp_path}"
    differing = sum(changed.histogram()[255:])
    assert differing / (actual.width * actual.height) < IMAGE_SHARE, tmp_path / f"{view_id}.png"


# --------------------------------------------------------------------------- bad view input

def copy_view(tmp_path: Path, text: str, view_id: str = "outer-leg") -> Path:
    folder = tmp_path / "clinic"
    (folder / "views").mkdir(parents=True)
    (folder / "views" / f"{view_id}.svg").write_text(text, "utf-8")
    return folder


def test_clinic_view_comes_first(tmp_path):
    svg = (IMAGES / "views" / "outer-leg.svg").read_text("utf-8").replace(
        "<title>Right leg from the outer side, knee to foot</title>", "<title>Clinic leg</title>")
    clinic = copy_view(tmp_path, svg)
    assert load_view("outer-leg", [clinic, IMAGES]).title == "Clinic leg"


def test_missing_view_names_the_file_and_item():
    with pytest.raises(DataError) as err:
        load_view("no-such-view", [IMAGES], item="BL60")
    assert "no-such-view.svg" in str(err.value) and "BL60" in str(err.value)


@pytest.mark.parametrize("text, words", [
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><path d='M 0 0", "not valid SVG"),
    ("this is not xml at all", "not valid SVG"),
    ("<html xmlns='http://www.w3.org/1999/xhtml'/>", "not valid SVG"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><path id='outline' d='M 0 0 L 9 0 L 9 9 Z'/></svg>",
     "viewBox"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><path d='M 0 0 L 9 9'/></svg>",
     'id="outline"'),
])
def test_broken_view_is_a_clear_error(tmp_path, text, words):
    clinic = copy_view(tmp_path, text)
    with pytest.raises(DataError) as err:
        load_view("outer-leg", [clinic, IMAGES], item="BL60")
    message = str(err.value)
    assert "outer-leg.svg" in message and words in message and "BL60" in message
    assert "Traceback" not in message


def test_huge_view_is_refused(tmp_path):
    svg = (IMAGES / "views" / "outer-leg.svg").read_text("utf-8")
    padding = "<!-- " + "x" * (svgview.MAX_VIEW_BYTES + 10) + " -->"
    clinic = copy_view(tmp_path, svg.replace("</svg>", padding + "</svg>"))
    with pytest.raises(DataError) as err:
        load_view("outer-leg", [clinic])
    assert "outer-leg.svg" in str(err.value) and "more than the" in str(err.value)


def test_entity_declarations_are_refused(tmp_path):
    bomb = ("<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaaaaaaaa'>"
            "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'>"
            "<path id='outline' d='M 0 0 L 9 0 L 9 9 Z'/><text x='1' y='1'>&b;</text></svg>")
    clinic = copy_view(tmp_path, bomb)
    with pytest.raises(DataError) as err:
        load_view("outer-leg", [clinic])
    assert "outer-leg.svg" in str(err.value) and "ENTITY" in str(err.value)


def test_check_marker_reports_each_problem(tmp_path):
    kw = dict(file="points.yaml", item="BL60", line=12, search_dirs=[IMAGES])
    assert "outside the body outline" in str(check_marker("outer-leg", 0.02, 0.02, **kw)[0])
    out = check_marker("outer-leg", 1.4, -0.1, **kw)
    assert len(out) == 2 and all("outside the view" in str(p) for p in out)
    missing = check_marker("nowhere", 0.5, 0.5, **kw)
    assert missing and "nowhere" in str(missing[0]) and "points.yaml:12" in str(missing[0])
    assert "no view" in str(check_marker(None, 0.5, 0.5, **kw)[0])
    assert "number" in str(check_marker("outer-leg", "left", 0.5, **kw)[0])


# --------------------------------------------------------------------------- photos

def photo(tmp_path: Path, size=(400, 200), name="BL60.jpg", **save) -> Path:
    image = Image.new("RGB", size, "white")
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half black
    path = tmp_path / "points" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **save)
    return path


def test_photo_with_exif_rotation_comes_out_upright(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to view"
    path = photo(tmp_path, exif=exif)
    data, w, h = load_photo(path, 60 * mm, 60 * mm)
    assert h > w  # the 400 x 200 landscape pixels stand upright
    from io import BytesIO
    upright = Image.open(BytesIO(data)).convert("L")
    assert upright.getpixel((upright.width // 2, 5)) < 60  # black half now on top
    assert upright.getpixel((upright.width // 2, upright.height - 5)) > 200


def test_big_photo_is_downscaled_to_print_size(tmp_path):
    path = photo(tmp_path, size=(3000, 2000), name="GB34.png")
    data, w, h = load_photo(path, 50 * mm, 50 * mm)
    from io import BytesIO
    out = Image.open(BytesIO(data))
    assert out.format == "JPEG"
    assert abs(out.width - round(50 / 25.4 * 300)) <= 1  # 300 dpi at 50 mm
    assert len(data) < 200_000
    assert photo_flowable(path, 50 * mm, 50 * mm).drawWidth == pytest.approx(w)


def test_find_photo_prefers_the_clinic(tmp_path):
    path = photo(tmp_path, name="KI3.jpg")
    assert find_photo("KI3", [tmp_path, IMAGES]) == path
    assert find_photo("KI3", [IMAGES]) is None


def test_too_many_pixels_is_a_clear_error(tmp_path, monkeypatch):
    path = photo(tmp_path, size=(400, 300))
    monkeypatch.setattr(diagrams, "MAX_PHOTO_PIXELS", 100_000)
    with pytest.raises(DataError) as err:
        load_photo(path, 50 * mm, 50 * mm, item="BL60")
    assert "too large" in str(err.value) and "BL60.jpg" in str(err.value)


def test_decompression_bomb_is_a_clear_error(tmp_path, monkeypatch):
    path = photo(tmp_path, size=(400, 300))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)  # Pillow's own guard trips
    with pytest.raises(DataError) as err:
        load_photo(path, 50 * mm, 50 * mm)
    assert "too large" in str(err.value)


@pytest.mark.parametrize("content, name, words", [
    (b"not an image at all", "BL60.jpg", "not a readable"),
    (None, "BL60.gif", ".jpg, .jpeg or .png"),
])
def test_bad_photo_is_a_clear_error(tmp_path, content, name, words):
    path = tmp_path / name
    if content is None:
        Image.new("RGB", (10, 10)).save(path, "GIF")
    else:
        path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_photo(path, 50 * mm, 50 * mm)
    assert name in str(err.value) and words in str(err.value)


def test_gif_named_png_is_refused(tmp_path):
    path = tmp_path / "BL60.png"
    Image.new("RGB", (10, 10)).save(path, "GIF")
    with pytest.raises(DataError) as err:
        load_photo(path, 50 * mm, 50 * mm)
    assert "GIF" in str(err.value)


def test_missing_photo(tmp_path):
    with pytest.raises(DataError) as err:
        load_photo(tmp_path / "nope.jpg", 50 * mm, 50 * mm)
    assert "nope.jpg" in str(err.value)


@pytest.mark.parametrize("view_id", VIEWS)
@pytest.mark.parametrize("least", [False, True], ids=["wide", "narrowest-with-names"])
def test_no_label_sits_on_a_line(view_id, least):
    """Labels print as one piece of text with no halo, so each must sit on open skin or
    white paper: no line of the art inside its box (leaders end at its edge). Also at the
    narrowest drawing that still shows names at 9 pt (a handout's), where they are grown
    most against the art."""
    from reportlab.graphics.shapes import Drawing, Group

    view = load_view(view_id, [IMAGES])
    width = 200.0
    if least:
        width = max(DIAGRAM_LABEL_PT / (label.size * diagrams.LABEL_GROWTH)
                    for label in view.labels) + 0.01
        assert diagrams.labels_fit(view, width, DIAGRAM_LABEL_PT)
    scale = width / view.width
    art_h = view.height * scale
    drawing = Drawing(width, art_h)
    drawing.add(Group(view.art(view.point_parts), transform=(scale, 0, 0, scale, 0, 0)))
    dpi = 288  # 4 pixels a point
    image = raster(drawing, dpi)
    k = dpi / 72
    font, _ = diagrams._default_fonts()
    crowded = []
    for label in view.labels:
        _, _, _, (x0, y0, x1, y1) = diagrams.label_place(
            label, lambda fx, fy: (fx * width, (1 - fy) * art_h), width, False, font,
            DIAGRAM_LABEL_PT)
        inset = 0.6  # a leader may touch the box's edge
        box = (round((x0 + inset) * k), round((art_h - y1 + inset) * k),
               round((x1 - inset) * k), round((art_h - y0 - inset) * k))
        dark = sum(image.crop(box).histogram()[:128])
        if dark:
            crowded.append(f"{label.text} ({dark} px)")
    assert crowded == [], f"{view_id}: labels over lines: {crowded}"


def test_each_label_is_read_once():
    """Copy-paste and screen readers see a label once, not once per halo copy."""
    from pdfcheck import reader

    view = load_view("outer-leg", [IMAGES])
    drawing = point_diagram(view, [(0.5, 0.5, "GB34")], "right", 60 * mm)
    text = reader(renderPDF.drawToString(drawing)).pages[0].extract_text()
    assert text.count("kneecap") == 1 and text.count("GB34") == 1, text


@pytest.mark.parametrize("code", [p["id"] for p in points()])
def test_no_leader_runs_through_a_landmark_name(code):
    """A code's leader line crosses no word (BL54's on the left of the lower back ran
    through 'sacrum'), on both sides at the handout's width."""
    from reportlab.graphics.shapes import Line, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    point = next(p for p in points() if p["id"] == code)
    d = point["diagram"]
    drawing = point_diagram(load_view(d["view"], [IMAGES]), [(d["x"], d["y"], code)], "both",
                            54 * mm)
    words = [(s.x, s.y - 0.2 * s.fontSize,
              s.x + stringWidth(s.text, s.fontName, s.fontSize), s.y + 0.7 * s.fontSize)
             for s in drawing.contents if isinstance(s, String) and s.text != code]
    leaders = [s for s in drawing.contents if isinstance(s, Line) and s.strokeWidth == 1.0]
    for line in leaders:
        for i in range(1, 20):
            x = line.x1 + (line.x2 - line.x1) * i / 20
            y = line.y1 + (line.y2 - line.y1) * i / 20
            assert not any(a <= x <= c and b <= y <= e for a, b, c, e in words), (code, x, y)


def test_too_narrow_for_its_names_a_drawing_shows_the_code_alone_and_no_leaders():
    """At 9 pt the lower back's names need a 50 mm drawing; at 45 mm (a picture made
    smaller to fit its page) they would run into the lines, so the code stands alone and
    the names' leader lines go too (a leader pointing at no word puzzles a reader)."""
    from pdfcheck import reader

    view = load_view("lower-back", [IMAGES])
    sacrum_leader = (84 / 200, 112.5 / 180)  # the middle of M 81 114 L 87 111, from the top
    wide = point_diagram(view, [(0.73, 0.771, "GB30")], "right", 56 * mm,
                         min_label_pt=DIAGRAM_LABEL_PT)
    narrow = point_diagram(view, [(0.73, 0.771, "GB30")], "right", 45 * mm,
                           min_label_pt=DIAGRAM_LABEL_PT)
    assert "sacrum" in reader(renderPDF.drawToString(wide)).pages[0].extract_text()
    text = reader(renderPDF.drawToString(narrow)).pages[0].extract_text()
    assert "sacrum" not in text and "GB30" in text
    for drawing, dark in ((wide, True), (narrow, False)):
        image = raster(drawing, dpi=600)
        x, y = sacrum_leader
        darkest = min(image.getpixel((round(x * image.width) + dx, round(y * image.height) + dy))
                      for dx in range(-3, 4) for dy in range(-3, 4))
        assert (darkest < 120) is dark


# ------------------------------------------------------------- one form per view and document

LOWER_BACK = ["BL23", "GB30", "BL54", "BL25"]  # four points, one view, no parts of their own


def _view_forms(data: bytes) -> tuple[dict[int, bytes], list[list[int]]]:
    """The body-view forms of a PDF (object number -> stream) and, per page, the view forms
    the page draws (its logo is a form too, and is left out)."""
    from pdfcheck import reader

    forms: dict[int, bytes] = {}
    used = []
    for page in reader(data).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        here = []
        for name, ref in xobjects.items():
            if "view-" in name and ref.get_object().get("/Subtype") == "/Form":
                forms[ref.idnum] = ref.get_object().get_data()
                here.append(ref.idnum)
        used.append(here)
    return forms, used


def test_a_view_shown_on_four_pages_is_stored_once_as_a_form_and_the_file_is_smaller(monkeypatch):
    from handout.render.reference import make_reference
    from pdfcheck import reader

    pdf = make_reference(LOWER_BACK, reproducible=True)
    forms, used = _view_forms(pdf)
    assert len(forms) == 1  # one lower-back outline for the whole document
    assert [len(u) for u in used][:4] == [1, 1, 1, 1]  # and every point's page draws it
    art = next(iter(forms.values()))
    assert art.count(b" c") > 20  # the outline's curves are in the form ...
    for page in reader(pdf).pages:  # ... and on no page
        assert art[:200] not in page.get_contents().get_data()

    # The same pages with the art drawn node by node on each page, as before the forms.
    monkeypatch.setattr(diagrams.ViewArt, "drawDirectly",
                        lambda self, renderer: renderer.drawNode(self.art()))
    inline = make_reference(LOWER_BACK, reproducible=True)
    assert _view_forms(inline)[0] == {}
    assert len(pdf) < len(inline) - 2000


def test_the_form_draws_the_same_pixels_as_the_art_drawn_in_place(monkeypatch):
    view = load_view("back-leg", [IMAGES])
    drawing = point_diagram(view, [(0.5, 0.4, "BL40")], "left", 60 * mm)
    with_form = _png(renderPDF.drawToString(drawing))
    monkeypatch.setattr(diagrams.ViewArt, "drawDirectly",
                        lambda self, renderer: renderer.drawNode(self.art()))
    in_place = _png(renderPDF.drawToString(drawing))
    diff = ImageChops.difference(with_form.convert("L"), in_place.convert("L"))
    changed = sum(diff.point(lambda v: 255 if v > 40 else 0).histogram()[255:])
    assert changed <= 4  # the same picture (a pixel's edge smoothing may round apart)
    assert with_form.convert("L").getextrema()[0] < 60  # and it is not a blank picture


def _png(pdf: bytes) -> Image.Image:
    page = pdfium.PdfDocument(pdf)[0]
    return page.render(scale=3).to_pil()


# ------------------------------------------------- names at the sizes the sheets print them

# (width, height limit, least size) of a point's picture: a large-print card, a normal
# card on A4 and on Letter (a tall view fitted to 75 mm), a reference sheet at its largest
# and in large print.
SHEET_SIZES = {"large-print card": (110 * mm, 80 * mm, 14.0), "A4 card": (51 * mm, 75 * mm, 9.0),
               "Letter card": (56 * mm, 75 * mm, 9.0), "reference": (90 * mm, None, 9.0),
               "large-print reference": (90 * mm, None, 14.0)}


def printed_words(drawing) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """The words of the drawing as a PDF viewer reads them (pdfium): (text, size as
    printed, box). Characters on one baseline with no gap between them are one word."""
    from pagecheck import measure

    page = measure(renderPDF.drawToString(drawing), pixels=False)[0]
    words = []
    for char in page.chars:
        if words:
            text, size, (x0, y0, x1, y1) = words[-1]
            if abs(char.box[1] - y0) < 0.3 * size and 0 <= char.box[0] - x1 < 0.25 * size:
                words[-1] = (text + char.text, size, (x0, min(y0, char.box[1]),
                                                      char.box[2], max(y1, char.box[3])))
                continue
        words.append((char.text, char.size, char.box))
    return words


@pytest.mark.parametrize("sheet", sorted(SHEET_SIZES))
@pytest.mark.parametrize("point_id", sorted(POINTS_BY_ID))
def test_every_name_prints_at_the_sheets_size_and_no_word_over_another(point_id, sheet):
    """Each landmark name of the point's view prints, every word at the sheet's least size
    or more, and no word over another (a code's box over a name, two names), on the left
    and the right side: read off the PDF as a viewer does."""
    width, height, least = SHEET_SIZES[sheet]
    d = POINTS_BY_ID[point_id]["diagram"]
    view = load_view(d["view"], [IMAGES])
    wanted = [[line.text for line in name.lines] for name in view.names
              if name.for_point in (None, point_id)]
    for side in ("right", "left"):
        drawing = point_diagram(view, [(d["x"], d["y"], point_id)], side, width,
                                height=height, min_label_pt=least)
        assert drawing.width <= width + 0.01 and (height is None or drawing.height <= height)
        words = printed_words(drawing)
        text = " " + " ".join(w for w, _, _ in words) + " "
        missing = [name for name in wanted  # each line whole (a code may come between)
                   if any(f" {line} " not in text for line in name)]
        assert missing == [], f"{sheet}, {side}: {point_id} shows without {missing}"
        assert point_id in text.split()
        small = [(w, s) for w, s, _ in words if s < least - 0.05]
        assert small == [], f"{sheet}, {side}: under {least} pt: {small}"
        for i, (a, _, box_a) in enumerate(words):
            for b, _, box_b in words[i + 1:]:
                over = (min(box_a[2], box_b[2]) - max(box_a[0], box_b[0]),
                        min(box_a[3], box_b[3]) - max(box_a[1], box_b[1]))
                assert min(over) <= 0.5, f"{sheet}, {side}: '{a}' over '{b}'"


@pytest.mark.parametrize("sheet", ["large-print card", "A4 card"])
@pytest.mark.parametrize("view_id", VIEWS)
def test_names_beside_the_drawing_sit_on_white_paper(view_id, sheet):
    """Where the names do not fit on the art they are set beside it, each on paper with no
    line of the art, no marker and no code box inside its box (a leader starts at its
    edge), on both sides."""
    from reportlab.graphics.shapes import Drawing, String

    width, height, least = SHEET_SIZES[sheet]
    view = load_view(view_id, [IMAGES])
    markers = [(p["diagram"]["x"], p["diagram"]["y"], p["id"]) for p in points()
               if p["diagram"]["view"] == view_id][:1]
    for side in ("right", "left"):
        drawing = point_diagram(view, markers, side, width, height=height, min_label_pt=least)
        names = [s for s in drawing.contents if isinstance(s, String)
                 and s.text != markers[0][2]]
        assert names, f"{view_id} at the {sheet}'s size shows no names"
        bare = Drawing(drawing.width, drawing.height,
                       *[s for s in drawing.contents if not isinstance(s, String)])
        bare.initialFontName = drawing.initialFontName
        dpi = 288
        image = raster(bare, dpi)
        k = dpi / 72
        crowded = []
        for name in names:
            x0, _, x1, _ = name.getBounds()
            # the letters' own height (a leader may end at an accent's room above them)
            y0, y1 = name.y - 0.2 * name.fontSize, name.y + 0.75 * name.fontSize
            assert 0 <= x0 and x1 <= drawing.width and 0 <= y0 and y1 <= drawing.height
            inset = 0.6
            box = (round((x0 + inset) * k), round((drawing.height - y1 + inset) * k),
                   round((x1 - inset) * k), round((drawing.height - y0 - inset) * k))
            ink = sum(image.crop(box).histogram()[:128])
            if ink:
                crowded.append(f"{name.text} ({ink} px)")
        assert crowded == [], f"{view_id}, {side}, {sheet}: names over lines: {crowded}"


@pytest.mark.parametrize("sheet", sorted(SHEET_SIZES))
def test_a_codes_box_hides_next_to_none_of_the_lines(sheet):
    """A point's code is a white box: it is placed off the art's lines (the body's
    outline, creases, tendons, leaders), so it hides at most a sliver of one (4 % of the
    box) on every point's diagram, both sides, at every sheet's size."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String

    width, height, least = SHEET_SIZES[sheet]
    hidden = []
    for point_id, point in sorted(POINTS_BY_ID.items()):
        d = point["diagram"]
        view = load_view(d["view"], [IMAGES])
        for side in ("right", "left"):
            drawing = point_diagram(view, [(d["x"], d["y"], point_id)], side, width,
                                    height=height, min_label_pt=least)
            code_box = [s for s in drawing.contents if isinstance(s, Rect)][-1]
            own_leader = {1.0, 2.6}  # the code's leader, white under black
            bare = Drawing(drawing.width, drawing.height, *[
                s for s in drawing.contents if not isinstance(s, (String, Rect))
                and not (isinstance(s, Line) and s.strokeWidth in own_leader)])
            bare.initialFontName = drawing.initialFontName
            k = 2  # pixels a point
            image = raster(bare, 72 * k)
            x0, y0 = code_box.x + 1, code_box.y + 1  # inside its border
            x1, y1 = code_box.x + code_box.width - 1, code_box.y + code_box.height - 1
            crop = image.crop((round(x0 * k), round((drawing.height - y1) * k),
                               round(x1 * k), round((drawing.height - y0) * k)))
            share = sum(crop.histogram()[:100]) / (crop.width * crop.height)
            if share > 0.04:
                hidden.append(f"{point_id} {side}: {share:.0%}")
    assert hidden == [], f"{sheet}: codes over lines: {hidden}"


def test_a_views_form_is_named_by_its_content_not_where_it_is_installed(tmp_path):
    """--reproducible bytes must not depend on the install path: the same view file in two
    places gives one form name; a changed file another."""
    import shutil

    from handout.render.diagrams import ViewArt
    from handout.render.svgview import parse_view
    from handout.resources import resource_dir

    source = resource_dir("images") / "views" / "outer-leg.svg"
    copies = []
    for place in ("site-packages", "a/checkout/elsewhere"):
        (tmp_path / place).mkdir(parents=True)
        copies.append(shutil.copy(source, tmp_path / place / "outer-leg.svg"))
    views = [parse_view(Path(p), "outer-leg") for p in copies]
    names = {ViewArt(v, {"GB34"}, True, "Helvetica").form_name() for v in views}
    assert len(names) == 1
    changed = Path(copies[1])
    changed.write_bytes(changed.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    edited = parse_view(changed, "outer-leg")
    assert ViewArt(edited, {"GB34"}, True, "Helvetica").form_name() not in names
