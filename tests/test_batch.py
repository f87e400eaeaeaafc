"""`handout batch`: a handout per roster row, in worker processes; manifest, combined file.

The tricky roster (tests/data/rosters/tricky.csv) is made once per module, in two worker
processes, and looked at from several sides. Other tests use small rosters and --jobs 1 or 2.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest
from click.testing import CliRunner

from handout import batch as batch_module, batch_workers
from pdfcheck import fold, page_texts
from handout.batch import (
    RowResult, file_stem, health_words, parse_shard, run_batch, slug,
)
from handout.cli.batch import batch
from handout.combine import Part, combine
from handout.manifest import write_manifest
from handout.config import Config
from handout.errors import InputError
from handout.library import load_library

ROSTERS = Path(__file__).resolve().parent / "data" / "rosters"
TRICKY = ROSTERS / "tricky.csv"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

TRICKY_MADE = ["001-ana-ruiz.pdf", "002-etc-x.pdf", "003-ana-ruiz.pdf", "008-gia-park.pdf",
               "011-jose-nunez.pdf", "012-kim-lee.pdf"]
TRICKY_LETTER = ["002-etc-x.pdf"]  # the one row asking for Letter paper
TRICKY_A4 = [name for name in TRICKY_MADE if name not in TRICKY_LETTER]
TRICKY_FAILED = {
    4: "unknown protocol 'sciatic'",
    5: "Date: '2026/03/14' is not a date",
    6: "BL60 is ruled out for this client (pregnancy)",
    7: "unknown point 'XX99'",
    9: "nothing to print: give a protocol, or points, stretches or tips",
    10: "Large print: 'maybe' should be yes or no",
}


def invoke(*args):
    """`handout batch ARGS` in this process, with an obj like the one cli.main builds."""
    return CliRunner().invoke(batch, [str(a) for a in args],
                              obj={"data_dirs": (), "config": Config()})


def pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def text(path: Path, first: int | None = None) -> str:
    """The text of a PDF's pages (of its first pages only, if given)."""
    return "\n".join(page_texts(path.read_bytes())[:first])


def manifest_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_roster(path: Path, rows: list[str], header: str = "name,date,protocol") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    root = tmp_path_factory.mktemp("tricky")
    out, combined = root / "deep" / "out", root / "print" / "all.pdf"
    result = invoke(TRICKY, "--out", out, "--combined", combined, "--duplex", "--jobs", 2)
    # A4 and Letter rows: one combined file for each size.
    return SimpleNamespace(result=result, root=root, out=out, combined=root / "print" / "all-a4.pdf",
                           letter=root / "print" / "all-letter.pdf",
                           manifest=manifest_rows(out / "manifest.csv"))


# -- the tricky roster ---------------------------------------------------------------------
def test_good_rows_are_made_and_bad_rows_reported(tricky):
    result = tricky.result
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in tricky.out.glob("*.pdf")) == TRICKY_MADE
    stderr = result.stderr
    for number, reason in TRICKY_FAILED.items():
        assert f"failed: {TRICKY}: row {number} (line " in stderr
        assert reason in stderr
    assert stderr.count("failed: ") == len(TRICKY_FAILED)
    assert "made 6 handouts" in stderr and "6 rows failed" in stderr
    assert stderr.rstrip().endswith("Error: 6 of 12 rows failed (the lines starting 'failed:' "
                                    "above, and the manifest)")
    assert "Traceback" not in result.output


def test_unknown_column_and_extra_cell_are_warnings(tricky):
    stderr = tricky.result.stderr
    assert "warning: " in stderr and "column 10 'Favourite colour' is not a client field" in stderr
    assert f"warning: {TRICKY}: row 11 (line 17): a cell after the last column is ignored: 'extra cell'" in stderr
    row11 = tricky.manifest[10]
    assert row11["status"] == "made"
    assert row11["notes"] == "a cell after the last column is ignored: 'extra cell'"


def test_file_names_are_safe_unique_and_say_nothing_of_health(tricky):
    # '../../etc/x' stays in the output folder; nothing appears beside or above it.
    assert (tricky.out / "002-etc-x.pdf").is_file()
    assert not (tricky.out / ".." / ".." / "etc").exists()
    everything = sorted(str(p.relative_to(tricky.root)) for p in tricky.root.rglob("*"))
    assert everything == ["deep", "deep/out", *(f"deep/out/{n}" for n in TRICKY_MADE),
                          "deep/out/manifest.csv", "print", "print/all-a4.pdf",
                          "print/all-letter.pdf"]
    # Two clients named Ana Ruiz: two files.
    assert "Self-care plan for Ana Ruiz" in text(tricky.out / "001-ana-ruiz.pdf", 1)
    assert "Self-care plan for Ana Ruiz" in text(tricky.out / "003-ana-ruiz.pdf", 1)
    # 'Kim Lee (pregnant)' on the sciatica protocol: neither word reaches the file name.
    for name in TRICKY_MADE:
        assert not any(word in name for word in ("pregnan", "sciatica", "gentle"))
    assert "Self-care plan for Kim Lee (pregnant)" in text(tricky.out / "012-kim-lee.pdf", 1)


def test_manifest_lists_every_row(tricky):
    rows = tricky.manifest
    assert list(rows[0]) == ["row", "line", "file", "pages", "status", "error", "notes", "roster"]
    assert [int(r["row"]) for r in rows] == list(range(1, 13))
    assert [int(r["line"]) for r in rows] == [3, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18]
    made = [r for r in rows if r["status"] == "made"]
    assert [r["file"] for r in made] == TRICKY_MADE
    for row in made:
        assert int(row["pages"]) == pages(tricky.out / row["file"]) > 1
        assert row["error"] == ""
    failed = {int(r["row"]): r for r in rows if r["status"] == "failed"}
    assert set(failed) == set(TRICKY_FAILED)
    for number, reason in TRICKY_FAILED.items():
        assert failed[number]["file"] == failed[number]["pages"] == ""
        assert reason in failed[number]["error"]
        assert str(TRICKY) not in failed[number]["error"]  # the row and line have columns
    # The library's advice is given in roster terms, not as command-line options.
    assert failed[6]["error"].endswith("To include it anyway, confirm it by putting BL60 in "
                                       "the row's allow column")
    # Items left out for safety are noted per client.
    assert rows[11]["notes"].startswith("BL60 left out (pregnancy)")


def test_combined_file_duplex(tricky):
    counts = [pages(tricky.out / name) for name in TRICKY_A4]
    assert any(c % 2 for c in counts), "the roster should have a client with odd pages"
    reader = pypdf.PdfReader(tricky.combined, strict=True)
    assert len(reader.pages) == sum(c + c % 2 for c in counts)
    assert f"combined: {tricky.combined}, {len(reader.pages)} pages (A4, 5 clients)" in \
        tricky.result.stderr
    start = 0
    combined = page_texts(tricky.combined.read_bytes())
    for name, count in zip(TRICKY_A4, counts):
        # Each client starts on the front of a fresh sheet, with its own first page.
        assert start % 2 == 0
        first = combined[start]
        assert first == page_texts((tricky.out / name).read_bytes())[0]
        assert "Self-care plan for" in first
        if count % 2:
            blank = reader.pages[start + count]
            assert blank.extract_text() == "" and "/Contents" not in blank
            assert blank.mediabox == reader.pages[start + count - 1].mediabox
        start += count + count % 2


def test_one_combined_file_per_paper_size(tricky):
    assert not (tricky.root / "print" / "all.pdf").exists()
    assert sorted(p.name for p in (tricky.root / "print").iterdir()) == ["all-a4.pdf", "all-letter.pdf"]
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in pypdf.PdfReader(tricky.combined).pages}
    assert sizes == {(595, 842)}
    letter = pypdf.PdfReader(tricky.letter)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in letter.pages} == {(612, 792)}
    assert len(letter.pages) == sum(c + c % 2 for c in (pages(tricky.out / n) for n in TRICKY_LETTER))
    stderr = " ".join(tricky.result.stderr.split())
    assert "combined: the handouts are on A4 and Letter paper, so one file for each" in stderr
    assert f"combined: {tricky.letter}, {len(letter.pages)} pages (Letter, 1 client)" in stderr


def test_combined_file_has_a_bookmark_per_client(tricky):
    reader = pypdf.PdfReader(tricky.combined)
    titles = [item.title for item in reader.outline]
    assert titles == ["1. Ana Ruiz", "3. Ana Ruiz", "8. Gia Park", "11. José Núñez",
                      "12. Kim Lee (pregnant)"]
    # Each bookmark opens its client's first page.
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    counts = [pages(tricky.out / name) for name in TRICKY_A4]
    assert starts == [sum(c + c % 2 for c in counts[:i]) for i in range(len(counts))]


def test_combined_file_keeps_the_language_and_shares_the_fonts(tricky):
    reader = pypdf.PdfReader(tricky.combined)
    assert reader.trailer["/Root"]["/Lang"] == pypdf.PdfReader(
        tricky.out / TRICKY_A4[0]).trailer["/Root"]["/Lang"] == "en-GB"
    sources = sum((tricky.out / name).stat().st_size for name in TRICKY_A4)
    # The fonts, logo and pictures every handout holds alike are kept once: the file is
    # smaller than its parts by (nearly) every repeated copy of them.
    copies: dict[bytes, list[int]] = {}
    for name in TRICKY_A4:
        source = pypdf.PdfReader(tricky.out / name)
        for number in range(1, source.trailer["/Size"]):
            stream = source.get_object(number)
            if isinstance(stream, pypdf.generic.StreamObject):
                copies.setdefault(bytes(stream.get_data()), []).append(len(stream._data))
    repeated = sum(sum(sizes[1:]) for sizes in copies.values() if len(sizes) > 1)
    assert repeated > 0.1 * sources  # (the example handouts do share fonts and a logo)
    assert tricky.combined.stat().st_size < sources - 0.9 * repeated
    def font_programs(document) -> dict[int, bytes]:
        """The embedded font programs (FontFile2 objects) the pages use: number -> data."""
        programs = {}
        for page in document.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                descriptor = font.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    program = descriptor.get_object().raw_get("/FontFile2")
                    programs[program.idnum] = bytes(program.get_object().get_data())
        return programs

    apart = [font_programs(pypdf.PdfReader(tricky.out / name)) for name in TRICKY_A4]
    kinds = {data for programs in apart for data in programs.values()}
    together = font_programs(reader)
    # each font program once, however many handouts embed it byte for byte
    assert len(together) == len(kinds) < sum(len(programs) for programs in apart)
    assert set(together.values()) == kinds


def test_combined_file_opens_in_a_renderer(tricky):
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(tricky.combined))
    try:
        assert len(document) == len(pypdf.PdfReader(tricky.combined).pages)
        # The last page that has content (a duplex padding page is blank on purpose).
        pages = pypdf.PdfReader(tricky.combined).pages
        last = max(i for i, page in enumerate(pages) if "/Contents" in page)
        image = document[last].render(scale=0.3).to_pil()
        assert image.getextrema() != ((255, 255),) * len(image.getbands())  # not blank
        # Merging the fonts and pictures changed nothing on the page: the last client's
        # first page looks exactly as in its own file.
        reader = pypdf.PdfReader(tricky.combined)
        start = reader.get_destination_page_number(reader.outline[-1])
        own = pdfium.PdfDocument(str(tricky.out / TRICKY_A4[-1]))
        try:
            assert document[start].render(scale=0.5).to_pil().tobytes() == \
                own[0].render(scale=0.5).to_pil().tobytes()
        finally:
            own.close()
    finally:
        document.close()


def _parts(tricky, names):
    return [Part(f"{i}. client", (tricky.out / name,)) for i, name in enumerate(names, 1)]


def test_combined_without_duplex_has_no_blank_pages(tricky, tmp_path):
    target = tmp_path / "plain.pdf"
    [written] = combine(_parts(tricky, TRICKY_A4), target)
    total = written.pages
    assert total == len(pypdf.PdfReader(target).pages) == sum(pages(tricky.out / n) for n in TRICKY_A4)
    assert all("/Contents" in page for page in pypdf.PdfReader(target).pages)
    assert [p.name for p in tmp_path.iterdir()] == ["plain.pdf"]  # no temporary file left
    combine(_parts(tricky, TRICKY_A4), tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == target.read_bytes()  # no timestamps


def test_combined_file_is_whole_or_absent(tricky, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a PDF")
    target = tmp_path / "all.pdf"
    target.write_bytes(b"the previous run's file")
    parts = _parts(tricky, TRICKY_A4[:1]) + [Part("2. broken", (broken,))]
    with pytest.raises(InputError, match="combined file: cannot read .*broken.pdf.*skip_existing=True"):
        combine(parts, target)
    assert target.read_bytes() == b"the previous run's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf", "broken.pdf"]


def test_combined_to_standard_output_refuses_two_paper_sizes(tricky, tmp_path):
    with pytest.raises(InputError) as info:
        combine(_parts(tricky, TRICKY_MADE), "-")
    assert str(info.value) == (
        "combined='-': the handouts are on A4 and Letter paper, and standard output holds one "
        "file; give a file name (all.pdf writes all-a4.pdf, all-letter.pdf)")


def test_formula_and_markup_cells_print_literally(tricky):
    assert '=HYPERLINK("http://evil.example";"click me")' in text(tricky.out / "003-ana-ruiz.pdf")
    assert '<b>not bold</b> & <img src="/etc/passwd"/>' in text(tricky.out / "008-gia-park.pdf")
    assert "Self-care plan for ../../etc/x" in text(tricky.out / "002-etc-x.pdf", 1)


def test_manifest_cells_never_start_a_formula(tricky, tmp_path):
    for row in tricky.manifest:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    path = tmp_path / "manifest.csv"
    write_manifest(path, [RowResult(1, 2, "failed", "r: row 1 (line 2)",
                                    error='=HYPERLINK("http://evil.example","x")',
                                    notes=("+1", "-2", "@SUM(A1)"))])
    [row] = manifest_rows(path)
    assert row["error"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row["notes"] == "'+1 | -2 | @SUM(A1)"  # one cell: it no longer starts a formula
    write_manifest(path, [RowResult(1, 2, "failed", "r", error="ok", notes=("-2",))])
    assert manifest_rows(path)[0]["notes"] == "'-2"


# -- shards, resuming, many rows -----------------------------------------------------------
@pytest.fixture
def seven(tmp_path):
    rows = [f"Client {n},2026-03-14,sciatica-gentle" for n in "ABCDEFG"]
    return write_roster(tmp_path / "seven.csv", rows)


def test_shard_makes_every_nth_row(seven, tmp_path):
    out = tmp_path / "out"
    result = invoke(seven, "--out", out, "--shard", "2/3", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "002-client-b.pdf", "005-client-e.pdf", "manifest-2-of-3.csv"]
    assert [r["row"] for r in manifest_rows(out / "manifest-2-of-3.csv")] == ["2", "5"]
    assert "rows 2, 5, ... (shard 2/3) of 7" in result.stderr
    other = invoke(seven, "--out", out, "--shard", "3/3", "--jobs", 1)
    assert other.exit_code == 0, other.output
    assert [r["file"] for r in manifest_rows(out / "manifest-3-of-3.csv")] == [
        "003-client-c.pdf", "006-client-f.pdf"]


def test_skip_existing_resumes(seven, tmp_path):
    out = tmp_path / "out"
    assert invoke(seven, "--out", out, "--shard", "1/3", "--jobs", 1).exit_code == 0
    made = {p.name: p.stat() for p in out.glob("*.pdf")}
    assert sorted(made) == ["001-client-a.pdf", "004-client-d.pdf", "007-client-g.pdf"]
    (out / "004-client-d.pdf").unlink()
    (out / "007-client-g.pdf").write_bytes(b"%PDF-1.4 not really")  # damaged: made again
    result = invoke(seven, "--out", out, "--shard", "1/3", "--skip-existing", "--jobs", 1)
    assert result.exit_code == 0, result.output
    rows = manifest_rows(out / "manifest-1-of-3.csv")
    assert [(r["file"], r["status"]) for r in rows] == [
        ("001-client-a.pdf", "skipped"), ("004-client-d.pdf", "made"), ("007-client-g.pdf", "made")]
    assert rows[0]["pages"] == str(pages(out / "001-client-a.pdf"))
    kept = (out / "001-client-a.pdf").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (made["001-client-a.pdf"].st_ino,
                                              made["001-client-a.pdf"].st_mtime_ns)
    assert pages(out / "007-client-g.pdf") > 1
    assert "made 2 handouts" in result.stderr and "kept 1 already there" in result.stderr


def test_thirty_rows_same_name_two_processes(tmp_path):
    rows = [f"Sam Lee,2026-03-14,sciatica-gentle,{'pregnancy' if i % 3 == 2 else ''}"
            for i in range(30)]
    roster = write_roster(tmp_path / "thirty.csv", rows, "name,date,protocol,conditions")
    events = []
    result = run_batch(roster, tmp_path / "out", jobs=2, combined=tmp_path / "all.pdf",
                       progress=lambda *event: events.append(event))
    assert [r.status for r in result.rows] == ["made"] * 30
    names = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert names == [f"{n:03d}-sam-lee.pdf" for n in range(1, 31)]
    manifest = manifest_rows(result.manifest)
    assert [r["file"] for r in manifest] == names
    total = sum(int(r["pages"]) for r in manifest)
    assert result.combined_pages == total == len(pypdf.PdfReader(tmp_path / "all.pdf").pages)
    row_events = [e for e in events if e[0] == "rows"]
    assert [e[1] for e in row_events] == list(range(0, 31)) and row_events[-1][2] == 30
    assert events[-1] == ("combining", 30, 30)


def test_yaml_roster_batch(tmp_path):
    result = invoke(ROSTERS / "clients.yaml", "--out", tmp_path / "out", "--jobs", 1,
                    "--reproducible")
    assert result.exit_code == 0, result.output
    rows = manifest_rows(tmp_path / "out" / "manifest.csv")
    assert [r["file"] for r in rows] == ["001-margaret-ellis.pdf", "002-tom-becker.pdf",
                                         "003-ana-ruiz.pdf"]
    assert "'favourite colour' is not a client field" in result.stderr
    # Tom Becker's row asks for Letter paper; his sheet is Letter.
    assert round(float(pypdf.PdfReader(tmp_path / "out" / "002-tom-becker.pdf").pages[0].mediabox.width)) == 612
    # Row 3 asks for a point that pregnancy rules out, and allows it: the sheet has it, with
    # the override noted; the wintergreen warning joins her oil tips.
    assert rows[2]["status"] == "made"
    sheet = fold(text(tmp_path / "out" / "003-ana-ruiz.pdf"))
    assert "BL60" in sheet and "Your practitioner chose this despite pregnancy" in sheet
    assert "Take care with wintergreen oil" in sheet


def test_with_plan_writes_the_plan_beside_the_handout(tmp_path):
    roster = write_roster(tmp_path / "one.csv", ["Ana Ruiz,2026-03-14,sciatica-gentle"])
    out = tmp_path / "out"
    result = invoke(roster, "--out", out, "--with-plan", "--combined", tmp_path / "all.pdf",
                    "--jobs", 1)
    assert result.exit_code == 0, result.output
    [row] = manifest_rows(out / "manifest.csv")
    assert (row["file"], row["plan_file"]) == ("001-ana-ruiz.pdf", "001-ana-ruiz-plan.pdf")
    assert int(row["plan_pages"]) == pages(out / "001-ana-ruiz-plan.pdf") >= 1
    assert pages(tmp_path / "all.pdf") == int(row["pages"]) + int(row["plan_pages"])
    # The client's bookmark, with the plan's under it, opening the plan's first page.
    combined = pypdf.PdfReader(tmp_path / "all.pdf")
    client, (plan,) = combined.outline
    assert (client.title, plan.title) == ("1. Ana Ruiz", "Weekly plan")
    assert combined.get_destination_page_number(plan) == int(row["pages"])
    assert "14 to 20 March 2026" in text(out / "001-ana-ruiz-plan.pdf")  # from the row's date


# -- what stops a run, and what does not ---------------------------------------------------
@pytest.mark.parametrize("content, message", [
    ("", "the roster is empty"),
    ("name,date,protocol\n\n", "has column names but no client rows"),
])
def test_empty_or_header_only_roster(tmp_path, content, message):
    roster = tmp_path / "r.csv"
    roster.write_text(content, encoding="utf-8")
    result = invoke(roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {roster}: {message}" + result.stderr.split(message, 1)[1]
    assert not (tmp_path / "out").exists()


def test_bad_brand_stops_the_run_before_any_row(tmp_path, seven):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    (tmp_path / "brand.yaml").write_text("clinic_name: X\nlogo: logo.png\n", encoding="utf-8")
    result = invoke(seven, "--out", tmp_path / "out", "--brand", tmp_path / "brand.yaml")
    assert result.exit_code == 1
    assert "logo" in result.stderr and "not a readable PNG image" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_template_stops_the_run(tmp_path, seven):
    result = invoke(seven, "--out", tmp_path / "out", "--template", "nope")
    assert result.exit_code == 1 and "unknown template 'nope'" in result.stderr


def test_a_surprise_in_one_row_does_not_stop_the_others(tmp_path, monkeypatch):
    real_render = batch_workers.render

    def render(job, *args, **kwargs):
        if job.program.client.name == "Boom":
            raise RuntimeError("kaboom")
        return real_render(job, *args, **kwargs)

    monkeypatch.setattr(batch_workers, "render", render)
    roster = write_roster(tmp_path / "r.csv", ["A,,sciatica-gentle", "Boom,,sciatica-gentle",
                                               "C,,sciatica-gentle"])
    result = run_batch(roster, tmp_path / "out", jobs=1)
    assert [r.status for r in result.rows] == ["made", "failed", "made"]
    assert result.rows[1].error == "could not be made (RuntimeError: kaboom); please report this"
    assert not list((tmp_path / "out").glob("002*"))


@pytest.mark.parametrize("args, message", [
    (["--shard", "4/3"], "K must be from 1 to N"),
    (["--shard", "x"], "should be K/N"),
    (["--duplex"], "--duplex pads the --combined file"),
    (["--jobs", "0"], "--jobs"),
])
def test_usage_errors(seven, tmp_path, args, message):
    result = invoke(seven, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("keyword, api, option", [
    ({"combined": "{tmp}/prints/"}, "combined='{tmp}/prints/' ends in '/', so it names a folder",
     ["--combined", "{tmp}/prints/"]),
    ({"combined": "{tmp}/out/004-x.pdf"}, "combined='{tmp}/out/004-x.pdf' is named like one of "
     "the handouts", ["--combined", "{tmp}/out/004-x.pdf"]),
    ({"shard": (4, 3)}, "shard=(4, 3): K must be from 1 to N", ["--shard", "4/3"]),
    ({"sheet": "March"}, "sheet='March' is for a spreadsheet (.xlsx, .ods); this roster is CSV",
     ["--sheet", "March"]),
])
def test_batch_errors_speak_the_api_to_python_and_options_to_the_command_line(
        seven, tmp_path, keyword, api, option):
    """run_batch's callers are told of its keyword arguments; `handout batch`'s of options."""
    keyword = {k: v.format(tmp=tmp_path) if isinstance(v, str) else v for k, v in keyword.items()}
    api = api.format(tmp=tmp_path)
    with pytest.raises(InputError) as info:
        run_batch(seven, tmp_path / "out", **keyword)
    assert api in str(info.value) and "--" not in str(info.value)
    result = invoke(seven, "--out", tmp_path / "out", *(a.format(tmp=tmp_path) for a in option))
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    said = " ".join(result.stderr.split())
    name, value = (a.format(tmp=tmp_path) for a in option)
    assert name in said and value in said and f"{name.strip('-')}=" not in said, said


def test_a_failed_rows_advice_names_the_option_on_the_command_line():
    from handout.errors import for_command_line

    assert for_command_line("stopped unexpectedly; run again with skip_existing=True to retry "
                            "it") == "stopped unexpectedly; run again with --skip-existing to retry it"
    assert for_command_line("out_dir='out' is a file") == "--out out is a file"
    assert for_command_line("shard=(4, 3): K must be") == "--shard 4/3: K must be"
    assert for_command_line("confirm with allow=['BL60', 'GB30']") == "confirm with --allow BL60,GB30"


def test_shard_parsing():
    assert parse_shard("2/3") == (2, 3) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "1/0", "2", "a/b"):
        with pytest.raises(InputError):
            parse_shard(bad)


# -- file names ----------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("Ana Ruiz", "ana-ruiz"),
    ("../../etc/x", "etc-x"),
    ("..", "client"),
    ("", "client"),
    ("José Núñez-García", "jose-nunez-garcia"),
    ("Jürgen Weiß", "jurgen-weiss"),
    ("王芳", "client"),
    ("C:\\Windows\\con", "c-windows-con"),
    ("a" * 60, "a" * 40),
    ("Maximiliano Alejandro Fernández de la Torre y Ortega", "maximiliano-alejandro-fernandez-de-la"),
    # exactly 40 characters stays whole; one more and the last word goes
    ("Abcdefghij Klmnopqrst Uvwxyzabcd Efghijk", "abcdefghij-klmnopqrst-uvwxyzabcd-efghijk"),
    ("Abcdefghij Klmnopqrst Uvwxyzabcd Efghijkl", "abcdefghij-klmnopqrst-uvwxyzabcd"),
    ("Ann " + "b" * 50, "ann"),  # a word too long after another is left out whole
    ("ﬁona Ｒｕｉｚ", "fiona-ruiz"),  # a ligature and full-width letters (compatibility forms)
    ("Søren Łukasz Þór", "soren-lukasz-thor"),
    ("Ana expecting Ruiz", "ana-ruiz"),  # pregnancy words never, even with no library
    ("Ana 2nd Ruiz", "ana-ruiz"),  # letters only
    ("(" + "x" * 998 + ")A", "client"),  # only the first 1,000 characters are read
    ("(" + "x" * 997 + ")Ab", "a"),
])
def test_slug(name, expected):
    assert slug(name) == expected
    assert len(slug(name)) <= 40


def test_health_words_never_reach_a_file_name():
    words = health_words(load_library())
    assert {"pregnancy", "pregnant", "sciatica", "anticoagulants", "warfarin"} <= words
    assert slug("Ana Ruiz, pregnant, on warfarin", words) == "ana-ruiz-on"
    assert slug("Pregnant Ana, sciatica, Ruiz", words) == "ana-ruiz"  # anywhere in the name
    assert slug("Ana Ruiz (post-op, 2nd visit)") == "ana-ruiz"  # brackets: left out whole
    assert slug("Ana [back surgery] Ruiz {x}") == "ana-ruiz"
    assert slug("Ana (unclosed") == "ana"
    assert file_stem(3, "Ana Ruiz – sciatica-pregnancy", 3, words) == "003-ana-ruiz"
    assert file_stem(42, "Ana", 5) == "00042-ana"


# -- Ctrl-C --------------------------------------------------------------------------------
RUN = ("import sys; from handout.cli.batch import batch; from handout.config import Config; "
       "batch(sys.argv[1:], obj={'data_dirs': (), 'config': Config()})")


def _in_a_terminal(args: list[str], until: bytes, deadline: float = 120):
    """Run `handout batch ARGS` on a pseudo-terminal (so its progress bar is drawn) in a
    process group of its own; once `until` has been drawn, send Ctrl-C to the group, as a
    terminal does. The process and everything it wrote to the terminal."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", RUN, *args], stdin=slave, stdout=slave,
                               stderr=slave, start_new_session=True)
    os.close(slave)
    seen, sent = b"", False
    end = time.monotonic() + deadline
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the process closed the terminal (it ended)
                break
            if not chunk:
                break
            seen += chunk
            if not sent and until in seen:
                os.killpg(process.pid, signal.SIGINT)
                sent = True
        process.wait(timeout=60)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    assert sent, seen.decode(errors="replace")
    return process, seen.decode(errors="replace").replace("\r\n", "\n")


def test_ctrl_c_leaves_only_whole_files_and_resumes(tmp_path):
    # Ten rows: two workers, stopped once the first is done, leave most of them undone.
    roster = write_roster(tmp_path / "r.csv",
                          [f"Client {i},2026-03-14,sciatica-gentle" for i in range(10)])
    out, combined = tmp_path / "out", tmp_path / "all.pdf"
    # Ctrl-C once the progress bar says the first row is done (an event, not a time).
    process, said = _in_a_terminal([str(roster), "--out", str(out), "--jobs", "2",
                                    "--combined", str(combined)], until=b" 1/10")
    assert process.returncode == 130, said
    assert "interrupted" in said and "--skip-existing" in said and "Traceback" not in said
    made = sorted(p.name for p in out.glob("*.pdf"))
    assert 0 < len(made) < 10
    assert f"interrupted: {len(made)} made, 0 failed so far" in said
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert not combined.exists()
    for name in made:
        assert pages(out / name) > 1  # whole files only
    manifest = manifest_rows(out / "manifest.csv")
    assert sorted(r["file"] for r in manifest if r["status"] == "made") == made

    result = invoke(roster, "--out", out, "--skip-existing", "--jobs", 2, "--combined", combined)
    assert result.exit_code == 0, result.output
    rows = manifest_rows(out / "manifest.csv")
    assert len(rows) == 10 and {r["status"] for r in rows} <= {"made", "skipped"}
    assert sum(r["status"] == "skipped" for r in rows) == len(made)
    assert pages(combined) == sum(int(r["pages"]) for r in rows)


def test_a_stop_that_lands_in_a_callback_still_ends_the_worker_without_a_traceback(tmp_path):
    """Under load, the pool's SIGTERM can land in a worker still importing, inside an import
    lock's weakref callback: Python cannot raise there, printed "Exception ignored" and a
    traceback, and the worker went on (the Ctrl-C test saw it once in a busy suite)."""
    said = tmp_path / "stderr.txt"
    pid = os.fork()
    if pid == 0:  # the child: a worker's signal handling, then a stop inside a callback
        code = 0
        try:
            sys.stderr = open(said, "w", buffering=1)
            batch_workers._stop_on_sigterm()

            def stop_now(_ref):
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(100_000):  # the handler runs here, inside the callback
                    pass

            body = type("Body", (), {})()
            keep = weakref.ref(body, stop_now)  # noqa: F841 (the callback needs the ref alive)
            del body
            time.sleep(5)  # the stop sent again ends the process here, in 10 ms
        except batch_workers._WorkerStopped as stopped:
            code = stopped.code
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1  # stopped; 0 would mean it went on
    assert "Traceback" not in said.read_text() and "ignored" not in said.read_text()


def _ctrl_c_once_written(monkeypatch, interrupt):
    """Row 1's handout is written whole, then Ctrl-C comes before its result is recorded."""
    real = batch_workers.write_atomic

    def write_atomic(data, target, **kwargs):
        real(data, target, **kwargs)
        if Path(target).name.startswith("001-"):
            interrupt()

    monkeypatch.setattr(batch_workers, "write_atomic", write_atomic)


def _check_interrupted_run(stop, out: Path, earlier: set[str] = frozenset()):
    made = {p.name for p in out.glob("*.pdf")}
    assert "001-client-a.pdf" not in made  # written, but never recorded: removed
    listed = {r["file"] for r in manifest_rows(out / "manifest.csv") if r["status"] == "made"}
    assert listed == made | earlier - {"001-client-a.pdf"}
    assert {r.files[0] for r in stop.value.result.made} == made - earlier
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_ctrl_c_between_writing_and_recording_a_row(tmp_path, monkeypatch):
    """The file was there and the manifest said 0 made: now neither is left half-told."""
    roster = write_roster(tmp_path / "r.csv", ["Client A,,sciatica-gentle",
                                               "Client B,,sciatica-gentle"])

    def interrupt():
        raise KeyboardInterrupt

    _ctrl_c_once_written(monkeypatch, interrupt)
    with pytest.raises(batch_module.BatchInterrupted) as stop:
        run_batch(roster, tmp_path / "out", jobs=1)
    _check_interrupted_run(stop, tmp_path / "out")
    assert stop.value.result.rows == []


def test_ctrl_c_while_a_workers_answer_is_on_its_way(tmp_path, monkeypatch):
    """A worker has written row 1 and is stopped before it answers (the Ctrl-C reaches the
    parent first): the parent removes the file it never heard of. Workers are forked, so
    they run the patched writer."""
    roster = write_roster(tmp_path / "r.csv", [f"Client {c},,sciatica-gentle" for c in "ABCD"])

    def interrupt():
        os.kill(os.getppid(), signal.SIGINT)  # Ctrl-C reaches the batch process ...
        time.sleep(120)  # ... while this worker has not answered; stopped by SIGTERM

    _ctrl_c_once_written(monkeypatch, interrupt)
    with pytest.raises(batch_module.BatchInterrupted) as stop:
        run_batch(roster, tmp_path / "out", jobs=2)
    _check_interrupted_run(stop, tmp_path / "out")


def test_ctrl_c_while_remaking_forgets_the_removed_rows_earlier_line(tmp_path, monkeypatch):
    """Made once, then made again over the same folder and interrupted after row 1 was
    rewritten: the earlier run's manifest line for row 1 no longer has a file to name."""
    roster = write_roster(tmp_path / "r.csv", ["Client A,,sciatica-gentle",
                                               "Client B,,sciatica-gentle"])
    run_batch(roster, tmp_path / "out", jobs=1)

    def interrupt():
        raise KeyboardInterrupt

    _ctrl_c_once_written(monkeypatch, interrupt)
    with pytest.raises(batch_module.BatchInterrupted) as stop:
        run_batch(roster, tmp_path / "out", jobs=1)
    _check_interrupted_run(stop, tmp_path / "out", earlier={"002-client-b.pdf"})
    assert [r["row"] for r in manifest_rows(tmp_path / "out" / "manifest.csv")] == ["2"]


def test_plan_options_reach_every_rows_plan(tmp_path):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from handout.cli import main

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(EXAMPLES / "roster.csv"), "--out", str(out),
                                       "--with-plan", "--weeks", "2", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    plans = sorted(out.glob("*-plan.pdf"))
    # Two weeks each (a long routine takes a front and a back a week).
    assert plans and all(len(PdfReader(p).pages) in (2, 4) for p in plans)
    for plan in plans:
        words = " ".join(page_texts(plan.read_bytes()))
        assert "Week 1 of 2" in words and "Week 2 of 2" in words
    refused = CliRunner().invoke(main, ["batch", str(EXAMPLES / "roster.csv"),
                                        "--out", str(tmp_path / "o2"), "--weeks", "2"])
    assert refused.exit_code == 2 and "plan options need --with-plan" in refused.output
