"""The weekly plan: `handout plan`, handout.plan (pure) and handout.render.plan, checked as a
client would read the sheet: the dates, one row per routine item, the tick boxes under each
day (counted as squares drawn on the page), the safety rules, the progression, bad input."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from reportlab.lib.units import mm

from handout import Client, InputError, load_client, load_library, make_handout
from handout.cli import main
from handout.cli.plan import plan as plan_command
from handout.client import merge
from handout.config import load_config
from handout.plan import MAX_WEEKS, build_plan, dates_text, day_of
from handout.program import build_program
from handout.render.document import build_pdf
from handout.render.plan import make_plan, plan_part, plan_section_options, tick_size

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PREGNANCY_FORBIDDEN = ("BL60", "BL23", "BL25", "BL54")
START = dt.date(2026, 3, 14)  # a Saturday


# -- helpers -----------------------------------------------------------------------------

def example_client(**changes) -> Client:
    return merge(load_client(EXAMPLES / "client.yaml"), **changes)


def program_for(client: Client):
    return build_program(load_library(), client)


def pdf_for(client: Client, **options) -> bytes:
    options.setdefault("start", START)
    return make_plan(client, brand=EXAMPLES / "brand.yaml", reproducible=True, **options)


def pages(data: bytes):
    return PdfReader(io.BytesIO(data)).pages


def words(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text() or "")


def squares(page) -> list[tuple[float, float, float]]:
    """Every square drawn on the page as (centre x, centre y, side), in page points: the
    page's content stream, with the q/Q/cm transforms followed."""
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack, out = [], []
    for operands, operator in page.get_contents().operations:
        if operator == b"q":
            stack.append(list(ctm))
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                   e * A + f * C + E, e * B + f * D + F]
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            width, height = abs(w * A), abs(h * D)
            if B == C == 0 and abs(width - height) < 0.01:
                cx, cy = x + w / 2, y + h / 2
                out.append((cx * A + E, cy * D + F, width))
    return out


def tick_boxes(page, large_print: bool = False) -> list[tuple[float, float]]:
    size = tick_size(large_print)
    return [(x, y) for x, y, side in squares(page) if abs(side - size) < 0.05]


def rows_of(boxes) -> list[list[float]]:
    """Boxes grouped into table rows (same centre y), top row first, each row's x sorted."""
    rows: dict[float, list[float]] = {}
    for x, y in boxes:
        key = next((k for k in rows if abs(k - y) < 1.0), y)
        rows.setdefault(key, []).append(x)
    return [sorted(rows[k]) for k in sorted(rows, reverse=True)]


def invoke(*args, through_main: bool = True):
    args = [str(a) for a in args]
    if through_main:
        result = CliRunner().invoke(main, ["plan", *args])
    else:  # the command object on its own, with the state cli.main would give it
        result = CliRunner().invoke(plan_command, args,
                                    obj={"data_dirs": (), "config": load_config()})
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


@pytest.fixture(scope="module")
def example_program():
    return program_for(example_client())


@pytest.fixture(scope="module")
def four_weeks(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan") / "plan.pdf"
    result = CliRunner().invoke(main, ["plan", str(EXAMPLES / "client.yaml"), "--brand",
                                       str(EXAMPLES / "brand.yaml"), "--start", "2026-03-14",
                                       "--weeks", "4", "-o", str(out), "--reproducible"])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


# -- the model (pure) --------------------------------------------------------------------

def test_days_run_on_from_the_start_date(example_program):
    plan = build_plan(example_program, START, 3)
    days = [d.date for week in plan.weeks for d in week.days]
    assert days == [START + dt.timedelta(days=i) for i in range(21)]
    assert [d.text for d in plan.weeks[0].days] == [
        "Sat 14 Mar", "Sun 15 Mar", "Mon 16 Mar", "Tue 17 Mar", "Wed 18 Mar", "Thu 19 Mar",
        "Fri 20 Mar"]
    assert plan.weeks[2].dates == "28 March to 3 April 2026"
    assert [w.number for w in plan.weeks] == [1, 2, 3] and plan.weeks[0].of == 3


def test_locales_write_the_date_their_way():
    day = dt.date(2026, 3, 14)
    assert day_of(day, "en-GB").text == "Sat 14 Mar"
    assert day_of(day, "en-US").text == "Sat Mar 14"
    assert dates_text(dt.date(2026, 12, 28), dt.date(2027, 1, 3), "en-US") == \
        "December 28, 2026 to January 3, 2027"
    assert dates_text(day, dt.date(2026, 3, 20), "en-US") == "March 14 to 20, 2026"
    with pytest.raises(InputError, match="en-GB, en-US"):
        day_of(day, "fr-FR")


def test_one_row_per_routine_item_with_its_dose(example_program):
    week = build_plan(example_program, START).weeks[0]
    expected = [c.item.id for c in example_program.points + example_program.stretches]
    assert [row.id for row in week.rows] == expected
    rows = {row.id: row for row in week.rows}
    assert rows["BL60"].text == "BL60 Kūnlún: 1-3 min each side"
    assert rows["knee-to-chest"].dose == "20-30 s, 3x each side"
    assert rows["pelvic-tilt"].per_day == 2 and rows["pelvic-tilt"].dose.endswith("twice a day")
    assert all(row.per_day == 1 for row in week.rows if row.id != "pelvic-tilt")
    assert week.boxes_per_day() == len(week.rows) + 1


def test_one_side_only_when_the_client_presses_one_side():
    week = build_plan(program_for(example_client(side="left")), START).weeks[0]
    assert week.rows[0].dose == "1-3 min left side"


def test_progression_changes_the_dose_from_its_week(example_program):
    weeks = build_plan(example_program, START, 3).weeks
    first, second, third = ({r.id: r for r in w.rows} for w in weeks)
    assert first["knee-to-chest"].dose == "20-30 s, 3x each side"
    assert second["knee-to-chest"].dose == "30 s, 3x each side"
    assert second["knee-to-chest"].new and second["knee-to-chest"].was == "20-30 s, 3x each side"
    assert not third["knee-to-chest"].new and third["knee-to-chest"].dose == "30 s, 3x each side"
    assert third["walking"].dose == "20-30 min" and third["walking"].new
    assert third["pelvic-tilt"].dose == "10 s, 10x, twice a day"
    assert third["pelvic-tilt"].was == "5-10 s, 10x"
    assert not any(r.new for r in first.values())


def test_pregnant_client_plan_holds_no_forbidden_point():
    program = program_for(example_client(conditions=("pregnancy",)))
    ids = {row.id for week in build_plan(program, START, 2).weeks for row in week.rows}
    assert ids and not ids & set(PREGNANCY_FORBIDDEN)


@pytest.mark.parametrize("weeks", [0, -1, 27, 1000, "4", 2.5, True])
def test_weeks_outside_the_limit_are_refused(example_program, weeks):
    with pytest.raises(InputError, match=f"1 to {MAX_WEEKS}"):
        build_plan(example_program, START, weeks)


def test_start_that_is_not_a_date_is_refused(example_program):
    with pytest.raises(InputError, match="not a date"):
        build_plan(example_program, "2026-02-30")
    assert build_plan(example_program, "2026-03-14").start == START
    assert build_plan(example_program).start == dt.date.today()


# -- the sheet ---------------------------------------------------------------------------

def test_example_sheet_front_and_back_a_week_landscape_with_dates_and_rows(four_weeks,
                                                                         example_program):
    """The example's routine is long (12 items at 12 pt): a week is one sheet, its routine
    on the front, the rows to write in on the back, the warning signs on both."""
    plan = build_plan(example_program, START, 4)
    sheets = pages(four_weeks)
    assert len(sheets) == 8
    texts = [words(page) for page in sheets]  # each page's text read once (pypdf is slow)
    for number, (front, back) in enumerate(zip(sheets[::2], sheets[1::2])):
        week = plan.weeks[number]
        front_text, back_text = texts[2 * number], texts[2 * number + 1]
        for page, text in ((front, front_text), (back, back_text)):
            width, height = (float(v) for v in page.mediabox[2:])
            assert (round(width), round(height)) == (842, 595)  # A4 landscape (the brand's)
            assert f"Margaret Ellis · Week {week.number} of 4 · {week.dates}" in text
            for day in week.days:
                assert day.text in text
        for row in week.rows:
            assert front_text.count(f"{row.label}:") == 1, row.label
        for label in ("Pain now: morning", "Pain now: evening", "Sleep", "Activity", "Notes"):
            assert label in back_text
    for text in texts:
        # The emergency signs as a short tick list with the number, and the same-day line.
        assert "Warning signs: Call 999 now, or go to A&E" in text
        for sign in ("Sciatica in both legs", "Numb between your legs or around your bottom",
                     "Trouble peeing, or can't control pee or poo"):
            assert sign in text
        assert "See a doctor today (call your GP surgery or NHS 111)" in text
        assert "01234 567 890" in text and "Riverside Acupressure & Physio" in text
    assert "was 20-30 s, 3x each side" in texts[2]
    assert "New this week" in texts[2] and "New this week" not in texts[0]


def test_tick_boxes_on_the_page_one_per_session_under_each_day(four_weeks, example_program):
    plan = build_plan(example_program, START, 4)
    assert tick_size(False) >= 6 * mm and tick_size(True) >= 6 * mm
    for page, week in zip(pages(four_weeks)[::2], plan.weeks):  # the fronts
        boxes = tick_boxes(page)
        assert len(boxes) == 7 * week.boxes_per_day()
        rows = rows_of(boxes)
        # Twice a day: the AM box above the PM box, 7 of each.
        assert [len(xs) for xs in rows] == [7 for row in week.rows for _ in range(row.per_day)]
        text = words(page)
        assert "AM" in text and "PM" in text
        # Day by day: every line of boxes has one in each day's column, left of the next.
        columns = [[] for _ in range(7)]
        for xs in rows:
            for day in range(7):
                columns[day].append(xs[day])
        for left, right in zip(columns, columns[1:]):
            assert max(left) < min(right)
            assert max(left) - min(left) < min(right) - max(left)
        assert all(len(column) == week.boxes_per_day() for column in columns)


def test_pregnant_client_sheet_has_no_forbidden_point(tmp_path):
    out = tmp_path / "plan.pdf"
    result = invoke(EXAMPLES / "client.yaml", "--pregnant", "--weeks", "2", "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(words(p) for p in pages(out.read_bytes()))
    assert "GB34" in text and "Knee-to-chest stretch" in text
    for code in PREGNANCY_FORBIDDEN:
        assert code not in text
    assert "BL60 left out (pregnancy)" in result.stderr


def test_many_items_continue_with_the_header_repeated():
    points = ("BL23", "BL36", "BL37", "BL25", "GB31", "GB39", "LR3", "BL54")
    client = example_client(points=points, stretches=("prone-press-up", "cat-cow"),
                            large_print=True)
    program = program_for(client)
    week = build_plan(program, START).weeks[0]
    sheets = pages(pdf_for(client))
    assert len(sheets) >= 2
    seen = []
    for page in sheets:
        text = words(page)
        assert "Tick a box each time you do it" in text
        assert all(day.text in text for day in week.days)
        seen += [row.label for row in week.rows if f"{row.label}:" in text]
    assert sorted(seen) == sorted(row.label for row in week.rows)  # every row, once
    total = sum(len(tick_boxes(page, large_print=True)) for page in sheets)
    assert total == 7 * week.boxes_per_day()


def test_large_print_text_is_14_pt_or_more():
    client = example_client(large_print=True)
    week = build_plan(program_for(client), START).weeks[0]
    sizes = {}

    def visit(text, cm, tm, font, size):
        for row in week.rows:
            if text.strip() and text.strip() in row.label:
                sizes[text.strip()] = size * tm[0] * cm[0]

    for page in pages(pdf_for(client)):
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes.values()) >= 14


def test_paper_and_orientation():
    client = example_client(paper="Letter")
    landscape = pages(pdf_for(client))[0]
    assert [round(float(v)) for v in landscape.mediabox[2:]] == [792, 612]
    portrait = pages(pdf_for(client, orientation="portrait"))[0]
    assert [round(float(v)) for v in portrait.mediabox[2:]] == [612, 792]
    assert len(tick_boxes(portrait)) == len(tick_boxes(landscape))


def test_plan_part_appends_to_another_document():
    from handout.api import prepare

    job = prepare(example_client(), brand=EXAMPLES / "brand.yaml")  # the handout's job
    first = plan_part(job, START, 1, orientation="portrait")
    second = plan_part(job, START + dt.timedelta(days=7), 2)
    data = build_pdf(*first, more=(second,), reproducible=True)
    sheets = pages(data)
    first_pages = len(pages(build_pdf(*first)))
    assert len(sheets) == first_pages + 4  # two weeks, front and back
    assert [round(float(v)) for v in sheets[0].mediabox[2:]] == [595, 842]
    assert [round(float(v)) for v in sheets[first_pages].mediabox[2:]] == [842, 595]
    assert "21 to 27 March 2026" in words(sheets[first_pages])
    assert f"Page {len(sheets)} of {len(sheets)}" in words(sheets[-1])


def test_template_sections_are_checked():
    assert set(plan_section_options()) == {"week-title", "routine", "warning-strip"}


# -- the command -------------------------------------------------------------------------

def test_command_starts_on_the_client_date_and_makes_one_week(tmp_path):
    out = tmp_path / "plan.pdf"
    result = invoke(EXAMPLES / "client.yaml", "-o", out, through_main=False)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    sheets = pages(out.read_bytes())
    assert len(sheets) == 2  # one week: its front and its back
    client_date = load_client(EXAMPLES / "client.yaml").date
    assert day_of(client_date).text in words(sheets[0])


def test_command_without_a_client_date_starts_today(tmp_path):
    out = tmp_path / "plan.pdf"
    result = invoke("--protocol", "sciatica-gentle", "-o", out)
    assert result.exit_code == 0, result.output
    assert day_of(dt.date.today()).text in words(pages(out.read_bytes())[0])


def test_make_with_plan_appends_the_plan_and_plan_options_need_it(tmp_path):
    out = tmp_path / "both.pdf"
    result = CliRunner().invoke(main, ["make", str(EXAMPLES / "client.yaml"), "--with-plan",
                                       "--weeks", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = [words(page) for page in pages(out.read_bytes())]
    total = len(texts)
    assert all(f"Page {n} of {total}" in t for n, t in enumerate(texts, 1))
    handout_only = len(pages(make_handout(load_client(EXAMPLES / "client.yaml"))))
    assert total == handout_only + 4  # two weeks, each a front and a back
    refused = CliRunner().invoke(main, ["make", str(EXAMPLES / "client.yaml"), "--weeks", "2",
                                        "-o", str(tmp_path / "x.pdf")])
    assert refused.exit_code == 2
    assert "--weeks: plan options need --with-plan" in refused.output
    assert not (tmp_path / "x.pdf").exists()


def test_command_locale_and_portrait(tmp_path):
    out = tmp_path / "plan.pdf"
    result = invoke("--protocol", "sciatica-gentle", "--name", "Ana Ruiz", "--locale", "en-US",
                    "--portrait", "--start", "2026-03-14", "-o", out)
    assert result.exit_code == 0, result.output
    page = pages(out.read_bytes())[0]
    assert float(page.mediabox[3]) > float(page.mediabox[2])
    assert "Sat Mar 14" in words(page) and "Ana Ruiz" in words(page)


def test_reproducible_output_is_byte_identical(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (a, b):
        args = (EXAMPLES / "client.yaml", "--start", "2026-03-14", "--reproducible", "-o", out)
        assert invoke(*args).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("args, message", [
    (("--start", "14th of March"), "--start: '14th of March' is not a date"),
    (("--start", "2026-02-30"), "is not a date"),
    (("--weeks", "0"), "1 to 26"),
    (("--weeks", "1000"), "1 to 26"),
])
def test_bad_input_one_line_error_and_no_file(tmp_path, args, message):
    out = tmp_path / "plan.pdf"
    for through_main in (True, False):
        result = invoke(EXAMPLES / "client.yaml", *args, "-o", out, through_main=through_main)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
        assert not out.exists() and not list(tmp_path.iterdir())


def test_empty_routine_after_safety_filtering(tmp_path):
    out = tmp_path / "plan.pdf"
    # Only a point that pregnancy rules out, and a tip: nothing left to tick.
    result = invoke("--name", "Ana", "--points", "BL60", "--tips", "keep-moving", "--pregnant",
                    "-o", out)
    assert result.exit_code == 1 and "ruled out" in result.stderr  # asked for by name
    library = load_library()
    protocol = library.protocol("sciatica")
    drop = ",".join([*protocol.stretches, *(p for p in protocol.points if p != "BL60")])
    result = invoke("--protocol", "sciatica", "--drop", drop, "--pregnant", "-o", out)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: nothing to put on the weekly plan")
    assert "BL60" in lines[-1]
    assert not out.exists() and not list(tmp_path.iterdir())


def test_weeks_not_a_number_is_a_usage_error(tmp_path):
    result = invoke(EXAMPLES / "client.yaml", "--weeks", "four", "-o", tmp_path / "p.pdf")
    assert result.exit_code == 2 and "'four' is not a valid integer" in result.stderr
    assert not list(tmp_path.iterdir())


def test_help_names_the_options():
    result = CliRunner().invoke(main, ["plan", "--help"])
    assert result.exit_code == 0
    for option in ("--start", "--weeks", "--portrait", "--locale", "--large-print", "--brand"):
        assert option in result.output
    assert "1 to 26" in result.output and "en-US" in result.output


def test_every_font_on_the_plan_is_embedded(tmp_path):
    from pdfcheck import fonts

    pdf = make_plan(load_client(EXAMPLES / "client.yaml"), brand=EXAMPLES / "brand.yaml",
                    weeks=2, reproducible=True)
    found = fonts(pdf)
    assert found and all(found.values()), found
