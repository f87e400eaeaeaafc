"""`handout diagram` and a clinic's own pictures, as a practitioner would use them."""

from __future__ import annotations


import pypdfium2 as pdfium
from click.testing import CliRunner
from PIL import Image

from handout import Client, make_handout
from handout.cli import main

from pdfcheck import reader


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_diagram_writes_png_and_pdf(tmp_path):
    png, pdf = tmp_path / "bl60.png", tmp_path / "bl60.pdf"
    result = run("diagram", "UB60", "-o", png)
    assert result.exit_code == 0, result.output
    assert "BL60 on the outer-leg view" in result.stderr
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 300
        grey = image.convert("L")
        assert grey.getextrema()[0] < 60  # black line art and the marker are there
    assert run("diagram", "KI3", "-o", pdf, "--side", "left").exit_code == 0
    assert len(reader(pdf.read_bytes()).pages) == 1


def test_diagram_errors_are_one_line_and_write_nothing(tmp_path):
    result = run("diagram", "BL99", "-o", tmp_path / "x.png")
    assert result.exit_code == 1 and "unknown point or stretch 'BL99'" in result.output
    result = run("diagram", "figure4", "-o", tmp_path / "x.png")
    assert result.exit_code == 1
    assert "unknown point or stretch 'figure4'; did you mean figure-4?" in result.output
    result = run("diagram", "figure-4", "-o", tmp_path / "x.svg")
    assert result.exit_code == 1 and "must end in .pdf or .png" in result.output
    result = run("diagram", "BL60", "-o", tmp_path / "x.svg")
    assert result.exit_code == 1 and "must end in .pdf or .png" in result.output
    assert list(tmp_path.iterdir()) == []


def test_diagram_draws_a_stretch_picture_at_the_width_asked(tmp_path):
    png, pdf = tmp_path / "rolls.png", tmp_path / "rolls.pdf"
    result = run("diagram", "knee-rolls", "-o", png, "--width-mm", "100")
    assert result.exit_code == 0, result.output
    assert "the picture of stretch knee-rolls" in result.stderr
    with Image.open(png) as image:
        # 100 mm plus the 2 mm border each side, at 300 dpi
        assert abs(image.width - round(104 / 25.4 * 300)) <= 2
        grey = image.convert("L")
        assert grey.getextrema()[0] < 60  # the figure's black edges are there
    assert run("diagram", "cat-cow", "-o", pdf).exit_code == 0
    assert len(reader(pdf.read_bytes()).pages) == 1


def _image_count(pdf: bytes) -> int:
    count = 0
    for page in reader(pdf).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def test_clinic_photo_replaces_the_drawn_diagram(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "images" / "points").mkdir(parents=True)
    photo = Image.new("RGB", (1200, 1600), (200, 170, 150))
    photo.save(clinic / "images" / "points" / "BL60.jpg", quality=80)
    client = Client(name="Ana", points=("BL60",))
    drawn = make_handout(client, reproducible=True)
    with_photo = make_handout(client, data_dirs=[clinic], reproducible=True)
    assert _image_count(drawn) == 0
    assert _image_count(with_photo) == 1
    assert len(with_photo) < 300 * 1024  # downscaled, not embedded at full size


def test_marker_pixels_sit_where_the_data_says_on_the_handout_page():
    """The BL60 card's diagram: dark marker pixels at the data's x, y inside the figure."""
    from handout.library import load_library
    from handout.render.diagrams import load_view, point_diagram
    from handout.render.figures import image_dirs

    point = load_library().point("BL60")
    view = load_view(point.diagram.view, image_dirs(()))
    drawing = point_diagram(view, [(point.diagram.x, point.diagram.y, "BL60")], "right", 200)
    from reportlab.graphics import renderPDF

    page = pdfium.PdfDocument(renderPDF.drawToString(drawing))[0]
    image = page.render(scale=2).to_pil().convert("L")
    art_h = view.height * 200 / view.width
    x = point.diagram.x * 200 * 2
    y = (drawing.height - (art_h * (1 - point.diagram.y))) * 2
    centre = image.getpixel((round(x), round(y)))
    assert centre < 80, centre  # the marker's black centre dot


def test_every_stretch_picture_goes_to_a_folder_for_a_blind_check(tmp_path):
    """docs/make_images.py --blind DIR: one picture per stretch under a neutral name, the
    key beside the folder (a reviewer given the folder cannot read the names)."""
    import importlib.util
    from pathlib import Path

    from handout.library import load_library

    script = Path(__file__).resolve().parent.parent / "docs" / "make_images.py"
    spec = importlib.util.spec_from_file_location("make_images", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path / "blind"
    key = module.blind_set(folder)
    stretches = load_library().stretches
    pictures = sorted(p.name for p in folder.iterdir())
    assert pictures == sorted(f"picture-{n}.png" for n in range(1, len(stretches) + 1))
    assert key.parent == tmp_path
    named = key.read_text("utf-8")
    assert all(f": {sid} (" in named for sid in stretches)
    for picture in folder.iterdir():
        with Image.open(picture) as image:
            assert image.width > 500 and image.convert("L").getextrema()[0] < 60
