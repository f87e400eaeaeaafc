#!/usr/bin/env python
"""Benchmarks for `handout`, measured as ratios within one run (never as timed tests).

    python benchmarks/run.py            # the full run (about 20 minutes on 2 cores)
    python benchmarks/run.py --quick    # small sizes, a couple of minutes, for iterating

Writes benchmarks/results.json and benchmarks/results.md. What each figure means is in
benchmarks/README.md. Only the standard library is imported here at the top: the timed
child processes import what they time, and nothing else.

Sections (each in fresh processes, so one cannot warm the caches of another):
  1. start-up: `handout make` of the example as a fresh process, against a minimal script
     that imports ReportLab and registers the same TTF files (and one that also builds a
     one-page PDF); plus where the cold process spends its time.
  2. in-process: load / select / render / write of the example handout, and the same
     flowables laid out by ReportLab alone (plain BaseDocTemplate, no page furniture).
  3. bytes per handout: the example and a typical handout.
  4. batch: rows per second with --jobs 1 and with all cores; peak memory of the whole
     process tree for a small and a large roster.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"
CLIENT = EXAMPLES / "client.yaml"
BRAND = EXAMPLES / "brand.yaml"
TICK = os.sysconf("SC_CLK_TCK")

TARGETS = {
    "startup_ratio": 1.5,  # handout make / minimal ReportLab script, at most
    "render_overhead": 0.15,  # package render / ReportLab build - 1, at most
    "speedup_2_cores": 1.7,  # --jobs 1 time / --jobs 2 time, at least
    "memory_ratio": 1.2,  # peak RSS large roster / small roster, at most
    "typical_kb": 300,  # typical handout, below
    "help_ratio": 4.0,  # handout --help / python -c "import click", at most
    # issue 15 (performance v2)
    "cold_vs_one_page": 2.5,  # cold handout make / minimal script building a one-page PDF
    "render_vs_text_floor": 1.3,  # warm render / the same lines as plain Paragraphs
}
REAL_SIZES = {"speed_rows": 1000, "memory_small_rows": 20, "memory_large_rows": 2000}
QUICK_SIZES = {"speed_rows": 40, "memory_small_rows": 20, "memory_large_rows": 80}


# ---------------------------------------------------------------------------------------
# measuring helpers
# ---------------------------------------------------------------------------------------
def _busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def _our_cpu() -> float:
    """CPU seconds used by this process and every child it has waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class Load:
    """How busy the machine was with other people's work while we timed ours.

    foreign_cores = (CPU the whole machine used - CPU our processes used) / wall time:
    0 means a quiet machine; 1.0 means someone else kept one core busy throughout."""

    def __enter__(self):
        self.busy0, _ = _busy_seconds()
        self.ours0 = _our_cpu()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        busy = _busy_seconds()[0] - self.busy0
        ours = _our_cpu() - self.ours0
        self.foreign_cores = max(0.0, (busy - ours) / self.wall) if self.wall > 0 else 0.0
        return False


def wait_quiet(max_wait: float, threshold: float = 0.3, window: float = 1.0) -> dict:
    """Wait (at most max_wait seconds) until other processes use under `threshold` cores.

    Other engineers run tests on the same machine; a timed section started in the middle of
    their run measures their work as well as ours. Returns how long we waited and how busy
    the machine was in the last window."""
    start = time.perf_counter()
    busy = 0.0
    while True:
        b0, _ = _busy_seconds()
        time.sleep(window)
        busy = (_busy_seconds()[0] - b0) / window
        waited = time.perf_counter() - start
        if busy < threshold or waited >= max_wait:
            return {"waited_s": round(waited, 1), "busy_cores_before": round(busy, 2)}


def median(values):
    return statistics.median(values) if values else None


def clean_env() -> dict:
    env = dict(os.environ)
    env.pop("HANDOUT_CONFIG", None)  # no clinic config: the example's own brand only
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def run_child(args: list[str], cwd: Path, timeout: float = 3600) -> dict:
    """Run `python benchmarks/run.py --child ...` and return the JSON it prints last."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=cwd,
                          env=clean_env(), capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# the machine
# ---------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    versions = json.loads(subprocess.run(
        [sys.executable, "-c", "import json, reportlab, svglib, yaml, lxml.etree as e, pypdf, "
         "handout; print(json.dumps({'reportlab': reportlab.Version, 'svglib': "
         "svglib.__version__, 'pyyaml': yaml.__version__, 'lxml': '.'.join(map(str, "
         "e.LXML_VERSION)), 'pypdf': pypdf.__version__, 'handout': handout.__version__}))"],
        capture_output=True, text=True, check=True, env=clean_env()).stdout)
    accel = subprocess.run(
        [sys.executable, "-c", "import reportlab.lib.rl_accel as a; "
         "print(a.fp_str.__module__ if hasattr(a.fp_str, '__module__') else '?', "
         "a.fp_str.__name__)"],
        capture_output=True, text=True, env=clean_env()).stdout.strip()
    git = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                       capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "handout"], cwd=ROOT,
                               capture_output=True, text=True).stdout.split("\n")
        git["uncommitted_in_handout"] = sorted(l[3:] for l in dirty if l.strip())
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        **versions,
        "reportlab_accelerator": ("C (_rl_accel)" if "_py_" not in accel else
                                  "none: pure-Python fallbacks (" + accel + ")"),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        # With PYTHONDONTWRITEBYTECODE set (as on the shared dev machine), the package's own
        # modules are compiled at every start (about 0.1 s of `handout make` here).
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "git": git,
    }


# ---------------------------------------------------------------------------------------
# 1. start-up: fresh processes
# ---------------------------------------------------------------------------------------
BASELINE_FONTS = r"""
import sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
families = {}
for arg in sys.argv[2:]:
    name, path = arg.split("=", 1)
    pdfmetrics.registerFont(TTFont(name, path))
    families.setdefault(name.rsplit("-", 1)[0], []).append(name)
for names in families.values():  # regular, bold, italic, bolditalic (one face may serve all)
    names += names[-1:] * (4 - len(names))
    pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                  boldItalic=names[3])
"""

BASELINE_PDF = BASELINE_FONTS + r"""
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate
first = sys.argv[2].split("=", 1)[0]
doc = SimpleDocTemplate(sys.argv[1], title="Baseline", author="benchmark", initialFontName=first)
doc.build([Paragraph("A trivial one-page PDF with <b>bold</b> and <i>italic</i> words.",
                     ParagraphStyle("body", fontName=first, fontSize=11, leading=15))])
"""

# Where a cold `handout make` spends its time, measured inside a fresh process.
COLD_STAGES = r"""
import json, sys, time
t = time.perf_counter
marks = {}
t0 = t()
import click, yaml, fontpkg
import reportlab.platypus, reportlab.pdfgen.canvas, reportlab.graphics.renderPDF
# (svglib and lxml: only when something is not in the disk cache, as in this run)
marks["import third-party (ReportLab, yaml, click ...)"] = t() - t0
t1 = t()
import handout.cli
from pathlib import Path
from handout.api import Job, render
from handout.brand import load_brand
from handout.client import load_client
from handout.fonts import font_set
from handout.layout import find_template, load_template
from handout.library import load_library
from handout.program import build_program
from handout.files import write_atomic
from handout.render.sections import section_options
marks["import handout's own modules"] = t() - t1
t1 = t(); client = load_client(Path(sys.argv[1])); marks["load client.yaml"] = t() - t1
t1 = t(); library = load_library(()); marks["load library (data/*.yaml)"] = t() - t1
t1 = t(); program = build_program(library, client); marks["select (build_program)"] = t() - t1
t1 = t()
brand = load_brand(Path(sys.argv[2]))
layout = load_template(find_template("client-handout"), section_options())
marks["load brand + template"] = t() - t1
t1 = t(); font_set(brand.font, brand.font_files, brand.cjk_font)
marks["register fonts (font_set: main family + fallbacks)"] = t() - t1
large = client.large_print if client.large_print is not None else brand.large_print
job = Job(library, program, brand, layout, large, client.paper or brand.paper)
t1 = t(); data = render(job); marks["render (first in process)"] = t() - t1
t1 = t(); write_atomic(data, sys.argv[3]); marks["write (write_atomic, fsync)"] = t() - t1
marks["total inside the process"] = t() - t0
print(json.dumps(marks))
"""

FONT_FILES = r"""
import json, sys
from pathlib import Path
from handout.brand import load_brand
from handout import fonts
brand = load_brand(Path(sys.argv[1]))
fs = fonts.font_set(brand.font, brand.font_files, brand.cjk_font)
# The faces a handout of this brand registers up front (the fallbacks wait for a character
# the brand's family lacks): the brand's family, read from the same files.
files = dict(brand.font_files) if brand.font_files else fonts._fontpkg_files(brand.font)
out = [[getattr(fs.main, style), str(files.get(style) or files["regular"])]
       for style in fonts.STYLES]
print(json.dumps({"main": brand.font, "faces": out}))
"""


def handout_command() -> list[str]:
    script = Path(sys.executable).parent / "handout"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "handout"]


def timed_process(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=clean_env(), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


COMPILED = "handout make (example), its modules compiled (.pyc, as a pip install leaves them)"
FIRST_RUN = "handout make (example), first run: an empty disk cache"


def bench_startup(work: Path, reps: int, quiet_wait: float) -> dict:
    fonts = run_child_code(FONT_FILES, [str(BRAND)], work)
    faces = [f"{name}={path}" for name, path in fonts["faces"]]
    main = [f for f in faces if f.split("=")[0].startswith(fonts["main"].replace(" ", "") + "-")]
    out_pdf = work / "startup.pdf"
    make_cmd = handout_command() + ["make", str(CLIENT), "--brand", str(BRAND), "-o", str(out_pdf)]
    # The package's modules as a pip install leaves them, compiled: with
    # PYTHONDONTWRITEBYTECODE=1 (this machine) an editable install compiles every module of
    # ours at every start. The warm-up below writes the .pyc of every module the command
    # imports (ours, the standard library's, the other packages') under this prefix.
    prefix = work / "pycache"
    compiled = ["env", f"PYTHONPYCACHEPREFIX={prefix}"] + make_cmd
    # Every make above reads the disk cache (diskcache.py) that the warm-up filled, as every
    # run after the first does; the first run of all (nothing cached: it parses and draws
    # everything, and writes the cache) gets an emptied cache folder before each timing.
    first_cache = work / "first-run-cache"
    first = ["env", f"XDG_CACHE_HOME={first_cache}"] + make_cmd
    commands = {
        "handout make (example)": make_cmd,
        "minimal: import ReportLab + register the same fonts":
            [sys.executable, "-c", BASELINE_FONTS, "-"] + faces,
        "minimal + build a one-page PDF":
            [sys.executable, "-c", BASELINE_PDF, str(work / "baseline.pdf")] + faces,
        f"minimal, {fonts['main']} only (4 faces)":
            [sys.executable, "-c", BASELINE_FONTS, "-"] + main,
        "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
        "handout --help": handout_command() + ["--help"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "a completion Tab (handout show K<Tab>)":
            ["env", "_HANDOUT_COMPLETE=bash_complete", "COMP_WORDS=handout show K",
             "COMP_CWORD=2"] + handout_command(),
        COMPILED: compiled,
        FIRST_RUN: first,
    }
    before = {FIRST_RUN: lambda: shutil.rmtree(first_cache, ignore_errors=True)}
    names = list(commands)
    timed_process(["env", "-u", "PYTHONDONTWRITEBYTECODE"] + compiled, work)
    for name in names:  # warm-up: page cache, .pyc files
        timed_process(commands[name], work)
    quiet = wait_quiet(quiet_wait)
    walls = {n: [] for n in names}
    cpus = {n: [] for n in names}
    with Load() as load:
        for rep in range(reps):
            order = names[rep % len(names):] + names[:rep % len(names)]  # rotate the order
            for name in order:
                before.get(name, lambda: None)()
                wall, cpu = timed_process(commands[name], work)
                walls[name].append(wall)
                cpus[name].append(cpu)
    result = {
        "reps": reps,
        "command": " ".join(Path(c).name if i == 0 else c for i, c in
                            enumerate(commands["handout make (example)"])),
        "fonts_registered": [f.split("=")[0] + " = " + Path(f.split("=", 1)[1]).name
                             for f in faces],
        "median_wall_s": {n: round(median(walls[n]), 3) for n in names},
        "min_wall_s": {n: round(min(walls[n]), 3) for n in names},
        "median_cpu_s": {n: round(median(cpus[n]), 3) for n in names},
        "all_wall_s": {n: [round(v, 3) for v in walls[n]] for n in names},
        "quiet": quiet,
        "foreign_cores": round(load.foreign_cores, 2),
        "example_pdf_bytes": out_pdf.stat().st_size,
    }
    make, fonts_only, with_pdf = names[0], names[1], names[2]
    result["ratio_vs_fonts"] = round(median(walls[make]) / median(walls[fonts_only]), 2)
    result["ratio_vs_fonts_and_pdf"] = round(median(walls[make]) / median(walls[with_pdf]), 2)
    result["cpu_ratio_vs_fonts"] = round(median(cpus[make]) / median(cpus[fonts_only]), 2)
    result["cpu_ratio_vs_fonts_and_pdf"] = round(median(cpus[make]) / median(cpus[with_pdf]), 2)
    result["cpu_ratio_compiled_vs_fonts_and_pdf"] = round(median(cpus[COMPILED])
                                                          / median(cpus[with_pdf]), 2)
    result["ratio_first_vs_fonts_and_pdf"] = round(median(walls[FIRST_RUN])
                                                   / median(walls[with_pdf]), 2)
    result["cpu_ratio_first_vs_fonts_and_pdf"] = round(median(cpus[FIRST_RUN])
                                                       / median(cpus[with_pdf]), 2)
    result["help_ratio_vs_click"] = round(median(walls["handout --help"])
                                          / median(walls["python -c 'import click'"]), 2)

    # Where the cold process spends its time (inside it; the rest is interpreter start-up
    # and the command line).
    stage_runs = [run_child_code(COLD_STAGES, [str(CLIENT), str(BRAND), str(work / "cold.pdf")],
                                 work) for _ in range(3)]
    result["cold_stages_s"] = {k: round(median([r[k] for r in stage_runs]), 3)
                               for k in stage_runs[0]}
    return result


def run_child_code(code: str, args: list[str], cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed: {proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------
# 2. in-process: load / select / render / write, against ReportLab alone
# ---------------------------------------------------------------------------------------
def _flowables_of(job):
    """Exactly what api.render hands to build_pdf, and the page (built outside any timing)."""
    from handout.fonts import font_set
    from handout.render.document import Page
    from handout.render.flow import Context
    from handout.render.sections import build_sections
    from handout.render.styles import make_styles
    from handout.text import reset_reports

    reset_reports()
    brand = job.brand
    fonts = font_set(brand.font, brand.font_files, brand.cjk_font)
    styles = make_styles(job.template, brand, fonts, job.large_print)
    page = Page(brand, fonts, styles, job.template.title, job.paper,
                job.template.orientation, job.template.margins_mm,
                brand.disclaimer or job.program.safety.disclaimer)
    ctx = Context(job.program, job.library, brand, fonts, styles, page.frame_width,
                  job.large_print)
    return build_sections(ctx, job.template), page


def _reportlab_only(flowables, page):
    """The same flowables on the same page size and frame, laid out and written by a
    plain ReportLab BaseDocTemplate: no header/footer callback, no "Page X of Y" canvas,
    the default Canvas. Only ReportLab (and the wrap/draw of the few Flowable
    subclasses inside the story) runs here."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from handout.render import document

    x, y, width, height = document.frame_box(page, document.furniture(page))
    frame = Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=page.size, title=page.title, author="x",
                          subject="Self-care handout", creator="benchmark",
                          initialFontName=page.fonts.main.regular)
    doc.addPageTemplates([PageTemplate(id="plain", frames=[frame], pagesize=page.size)])
    doc.build(flowables)
    return buffer.getvalue()


def _text_floor(job, lines: list[str]):
    """The text floor: a handout's own lines of text (as printed), each a plain Paragraph in
    the body's font and size, in one frame of the same page: what ReportLab needs to set
    that much text at all, with no cards, tables, pictures or furniture. Returns the
    function to time (the page and style are made here, outside the timing)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from handout.render.styles import make_styles

    _, page = _flowables_of(job)
    body = make_styles(job.template, job.brand, page.fonts, job.large_print).by_name["body"]
    style = ParagraphStyle("floor", fontName=body.fontName, fontSize=body.fontSize,
                           leading=body.leading)

    def build() -> bytes:
        return _reportlab_only([Paragraph(escape(line), style) for line in lines], page)

    return build


def child_inprocess(reps: int, work: Path) -> dict:
    """Runs in its own process (`--child inprocess`)."""
    import handout.library
    from handout.api import Job, render
    from handout.brand import load_brand
    from handout.client import load_client
    from handout.fonts import font_set
    from handout.layout import find_template, load_template
    from handout.library import load_library
    from handout.program import build_program
    from handout.render import svgview
    from handout.files import write_atomic
    from handout.render.document import build_pdf
    from handout.render.sections import section_options

    def clock(fn):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        value = fn()
        return value, time.perf_counter() - w0, time.process_time() - c0

    def load_all():
        # A cold load every time: the library's cache and the parsed body views (the
        # library's checks parse them; the render then reuses them) are both emptied.
        handout.library._load_cached.cache_clear()
        svgview._CACHE.clear()
        client = load_client(CLIENT)
        t_lib = time.perf_counter()
        library = load_library(())
        t_lib = time.perf_counter() - t_lib
        brand = load_brand(BRAND)
        layout = load_template(find_template("client-handout"), section_options())
        return client, library, brand, layout, t_lib

    def job_of(client, library, brand, layout, program):
        large = client.large_print if client.large_print is not None else brand.large_print
        return Job(library, program, brand, layout, large, client.paper or brand.paper)

    flowables_of = _flowables_of
    reportlab_only = _reportlab_only

    # The first handout of a process: fonts registered, body views parsed (then cached).
    client, library, brand, layout, _ = load_all()
    program = build_program(library, client)
    job = job_of(client, library, brand, layout, program)
    _, first_fonts, _ = clock(lambda: font_set(brand.font, brand.font_files, brand.cjk_font))
    first_pdf, first_render, _ = clock(lambda: render(job))
    floor_lines = _text_lines(first_pdf)

    def text_floor():
        return clock(_text_floor(job, floor_lines))

    stages = {k: [] for k in ("load", "load: library only", "select", "render", "write",
                              "render: build_pdf on prebuilt flowables",
                              "render: flowables (styles, context, build_sections)",
                              "ReportLab alone: doc.build on the same flowables",
                              "text floor: the same lines as plain Paragraphs, one frame")}
    cpu = {k: [] for k in stages}
    pages = {}
    target = work / "inprocess.pdf"
    for rep in range(reps):
        (client, library, brand, layout, t_lib), w, c = clock(load_all)
        stages["load"].append(w)
        cpu["load"].append(c)
        stages["load: library only"].append(t_lib)
        cpu["load: library only"].append(t_lib)
        program, w, c = clock(lambda: build_program(library, client))
        stages["select"].append(w)
        cpu["select"].append(c)
        job = job_of(client, library, brand, layout, program)

        def full():
            return render(job)

        def furniture():
            flowables, page = flowables_of(job)
            return clock(lambda: build_pdf(flowables, page))

        def plain():
            flowables, page = flowables_of(job)
            return clock(lambda: reportlab_only(flowables, page))

        def flows():
            return clock(lambda: flowables_of(job))

        # Alternate the order, so a burst of someone else's work hits each alike.
        runs = [("render", full), ("ReportLab alone: doc.build on the same flowables", plain),
                ("render: build_pdf on prebuilt flowables", furniture),
                ("render: flowables (styles, context, build_sections)", flows),
                ("text floor: the same lines as plain Paragraphs, one frame", text_floor)]
        runs = runs[rep % len(runs):] + runs[:rep % len(runs)]
        for name, fn in runs:
            if name == "render":
                data, w, c = clock(fn)
                pdf_bytes = data
            else:
                value, w, c = fn()
                if name.startswith("ReportLab alone"):
                    pages["reportlab_alone"] = _pages(value)
                if name.startswith("text floor"):
                    pages["text_floor"] = _pages(value)
            stages[name].append(w)
            cpu[name].append(c)
        pages["render"] = _pages(pdf_bytes)
        _, w, c = clock(lambda: write_atomic(pdf_bytes, target))
        stages["write"].append(w)
        cpu["write"].append(c)

    med = {k: median(v) for k, v in stages.items()}
    rl = med["ReportLab alone: doc.build on the same flowables"]
    floor = "text floor: the same lines as plain Paragraphs, one frame"
    result = {
        "reps": reps,
        "text_floor_lines": len(floor_lines),
        "render_vs_text_floor": round(med["render"] / med[floor], 2),
        "cpu_render_vs_text_floor": round(median(cpu["render"]) / median(cpu[floor]), 2),
        "text_floor_cpu_s": round(median(cpu[floor]), 4),
        "first_handout_in_process_s": {"font_set (registers the TTF faces)": round(first_fonts, 3),
                                       "render": round(first_render, 3)},
        "median_wall_s": {k: round(v, 4) for k, v in med.items()},
        "min_wall_s": {k: round(min(v), 4) for k, v in stages.items()},
        "median_cpu_s": {k: round(median(v), 4) for k, v in cpu.items()},
        "pages": pages,
        "bytes": len(first_pdf),
        "overhead_render_vs_reportlab": round(med["render"] / rl - 1, 3),
        "overhead_min_render_vs_reportlab": round(
            min(stages["render"]) / min(stages["ReportLab alone: doc.build on the same flowables"]) - 1, 3),
        "overhead_cpu_render_vs_reportlab": round(
            median(cpu["render"]) / median(cpu["ReportLab alone: doc.build on the same flowables"]) - 1, 3),
        "overhead_whole_handout_vs_reportlab": round(
            (med["load"] + med["select"] + med["render"] + med["write"]) / rl - 1, 3),
    }
    # How much of building the flowables is ReportLab's own constructors (Paragraph parses
    # its markup when made): work a hand-written ReportLab script would do as well.
    from reportlab.platypus.paragraph import Paragraph

    original_init = Paragraph.__init__
    in_init = [0.0, 0]

    def timed_init(self, *a, **k):
        t0 = time.process_time()
        try:
            return original_init(self, *a, **k)
        finally:
            in_init[0] += time.process_time() - t0
            in_init[1] += 1

    Paragraph.__init__ = timed_init
    try:
        for _ in range(3):
            flowables_of(job)
    finally:
        Paragraph.__init__ = original_init
    paragraph_init = in_init[0] / 3
    result["flowables_paragraph_init_s"] = round(paragraph_init, 4)
    result["flowables_paragraphs"] = in_init[1] // 3
    result["overhead_render_vs_reportlab_incl_paragraph_parsing"] = round(
        med["render"] / (rl + paragraph_init) - 1, 3)
    result["profile"] = _profile_render(job, render)
    result["hotspots_timed"] = _timed_hotspots(job, render)
    from handout.batch_workers import page_count as _page_count

    _, w, c = clock(lambda: [_page_count(io.BytesIO(first_pdf)) for _ in range(10)])
    result["batch_page_count_s_per_row"] = round(c / 10, 4)
    return result


def _text_lines(pdf: bytes) -> list[str]:
    """Every line of text on the PDF's pages, as pdfium reads them (blank lines left out)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    lines = []
    for index in range(len(doc)):
        text = doc[index].get_textpage().get_text_range()
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return lines


def _timed_hotspots(job, render, runs: int = 5) -> dict:
    """CPU seconds a warm render spends inside a few functions, timed by wrapping them
    (no profiler, so no profiler distortion). Functions that no longer exist are skipped."""
    import importlib

    spots = [
        ("handout.render.svgview", "View.contains", "point-in-outline test (label placement)"),
        ("handout.render.svgview", "View.art", "body view SVG -> drawing (once per view and codes, then reused)"),
        ("handout.render.figures", "point_diagram", "whole point diagram"),
        ("handout.render.figures", "pictogram", "stretch pictogram"),
        ("handout.render.vector", "load_svg", "logo SVG parsed (once per document, a PDF form)"),
        ("handout.render.document", "_draw_header_footer", "header and footer, every page"),
    ]
    spent: dict[str, list] = {}
    undo = []
    for module_name, attr, what in spots:
        try:
            module = importlib.import_module(module_name)
            owner, name = (getattr(module, attr.split(".")[0]), attr.split(".")[1]) \
                if "." in attr else (module, attr)
            original = getattr(owner, name)
        except (ImportError, AttributeError):
            continue
        key = f"{module_name.replace('.', '/')}.py {attr}: {what}"
        spent[key] = [0.0, 0]

        def wrapper(*a, __original=original, __key=key, **k):
            t0 = time.process_time()
            try:
                return __original(*a, **k)
            finally:
                spent[__key][0] += time.process_time() - t0
                spent[__key][1] += 1

        setattr(owner, name, wrapper)
        undo.append((owner, name, original))
    try:
        gc.collect()
        t0 = time.process_time()
        for _ in range(runs):
            render(job)
        total = time.process_time() - t0
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)
    return {"render_cpu_s": round(total / runs, 4),
            **{k: {"cpu_s_per_render": round(v[0] / runs, 4), "calls_per_render": v[1] / runs,
                   "share_of_render": round(v[0] / total, 3)} for k, v in spent.items()}}


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _profile_render(job, render, runs: int = 3) -> dict:
    """Where the render's time goes, by package (self time; time in C built-ins is given
    to the Python function that called them). cProfile slows Python-heavy code more than
    C calls, so the shares are a guide, not a measurement of their own."""
    import cProfile
    import pstats

    import handout

    pkg = str(Path(handout.__file__).resolve().parent)

    def bucket(filename: str) -> str:
        if filename.startswith(pkg):
            return "handout"
        for name in ("reportlab", "svglib", "lxml", "pypdf", "PIL", "yaml"):
            if f"/{name}/" in filename:
                return name
        return "other (stdlib ...)"

    prof = cProfile.Profile(time.process_time)  # CPU time: others' load does not count
    prof.enable()
    for _ in range(runs):
        render(job)
    prof.disable()
    stats = pstats.Stats(prof).stats
    buckets: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _func), (_cc, _nc, tt, _ct, callers) in stats.items():
        total += tt
        if filename == "~" or filename.startswith("<"):  # a built-in: its callers pay
            spread = sum(edge[2] for edge in callers.values()) or 1.0
            for (cfile, _, _), edge in callers.items():
                share = tt * edge[2] / spread
                buckets[bucket(cfile)] = buckets.get(bucket(cfile), 0.0) + share
        else:
            buckets[bucket(filename)] = buckets.get(bucket(filename), 0.0) + tt

    def find(file_part: str, func: str):
        for (filename, line, name), (cc, nc, tt, ct, _) in stats.items():
            if name == func and filename.endswith(file_part):
                return {"calls_per_render": round(nc / runs, 1),
                        "self_s_per_render": round(tt / runs, 4),
                        "cumulative_s_per_render": round(ct / runs, 4)}
        return None

    hot = {
        "handout/render/svgview.py View.contains (point-in-outline test)":
            find("handout/render/svgview.py", "contains"),
        "handout/render/diagrams.py _draw_code (places the code label)":
            find("handout/render/diagrams.py", "_draw_code"),
        "handout/render/diagrams.py point_diagram":
            find("handout/render/diagrams.py", "point_diagram"),
        "handout/render/svgview.py View.art (the view's drawing, cached per view)":
            find("handout/render/svgview.py", "art"),
        "handout/render/document.py _draw_header_footer (header and footer, every page)":
            find("handout/render/document.py", "_draw_header_footer"),
        "handout/render/vector.py load_svg": find("handout/render/vector.py", "load_svg"),
        "svglib svg2rlg": find("svglib/svglib.py", "svg2rlg"),
        "handout/render/sections.py build_sections":
            find("handout/render/sections.py", "build_sections"),
        "handout/render/document.py build_pdf": find("handout/render/document.py", "build_pdf"),
        "handout/fonts.py FontSet.runs": find("handout/fonts.py", "runs"),
        "reportlab paragraph.py breakLines": find("reportlab/platypus/paragraph.py", "breakLines"),
        "reportlab rl_accel.py _py_fp_str (pure-Python fallback)":
            find("reportlab/lib/rl_accel.py", "_py_fp_str"),
    }
    own = sorted(((tt, nc, f"{Path(filename).relative_to(Path(pkg).parent)}:{line} {name}")
                  for (filename, line, name), (cc, nc, tt, ct, _) in stats.items()
                  if filename.startswith(pkg)), reverse=True)[:8]
    return {
        "runs": runs,
        "profiled_s_per_render": round(total / runs, 3),
        "share_by_package": {k: round(v / total, 3) for k, v in
                             sorted(buckets.items(), key=lambda kv: -kv[1])},
        "hotspots": {k: v for k, v in hot.items() if v},
        "top_handout_self_time": [{"function": name, "calls_per_render": round(nc / runs, 1),
                                   "self_s_per_render": round(tt / runs, 4)}
                                  for tt, nc, name in own],
    }


# ---------------------------------------------------------------------------------------
# 3. bytes per handout
# ---------------------------------------------------------------------------------------
TYPICAL = {
    "name": "Alex Typical",
    "practitioner": "Sam Okafor, physiotherapist",
    "points": ("BL60", "KI3", "GB34", "ST36", "BL40"),
    "stretches": ("knee-to-chest", "nerve-glide", "knee-rolls", "figure-4", "pelvic-tilt"),
    "tips": ("keep-moving", "gentle-exercise", "sleep-on-side", "sit-supported",
             "get-up-often", "heat-pack", "slow-breathing", "it-gets-better"),
    "notes": "Press each point gently and breathe slowly. Walk a little every day.",
    "next_appointment": "Tuesday 24 March, 10:30",
}


def child_worker(rows: int, work: Path) -> dict:
    """Runs in its own process (`--child worker`): what one handout costs a warm batch
    worker (the library, fonts and body views already loaded by the handouts before it),
    against the text floor of the same handout. The rows are the batch section's roster,
    drawn as a worker draws a row (prepare, then render), one after another."""
    from handout.api import prepare, render
    from handout.roster import read_roster

    roster = work / "worker.csv"
    write_roster(roster, rows + 2)
    clients = [row.client for row in read_roster(roster)]
    for client in clients[:2]:  # one of each protocol: the worker is warm from here on
        render(prepare(client, brand=BRAND))
    handout_cpu, floor_cpu = [], []
    for client in clients[2:]:
        gc.collect()
        c0 = time.process_time()
        pdf = render(prepare(client, brand=BRAND))
        handout_cpu.append(time.process_time() - c0)
        build = _text_floor(prepare(client, brand=BRAND), _text_lines(pdf))
        gc.collect()
        c0 = time.process_time()
        build()
        floor_cpu.append(time.process_time() - c0)
    ratios = [h / f for h, f in zip(handout_cpu, floor_cpu)]
    return {"rows": len(handout_cpu),
            "median_cpu_s_a_handout": round(median(handout_cpu), 4),
            "median_cpu_s_text_floor": round(median(floor_cpu), 4),
            "ratio_to_text_floor": round(median(ratios), 2)}


def child_sizes() -> dict:
    import datetime

    from handout.api import make_handout
    from handout.client import Client, load_client

    out = {}
    for label, client in (
            ("example (examples/client.yaml)", load_client(CLIENT)),
            ("typical (5 points, 5 stretches, 8 tips, a note)",
             Client(date=datetime.date(2026, 3, 14), **TYPICAL))):
        data = make_handout(client, brand=BRAND, reproducible=True)
        out[label] = {"bytes": len(data), "kb": round(len(data) / 1024, 1),
                      "pages": _pages(data), "kb_per_page": round(len(data) / 1024 / _pages(data), 1)}
    return out


# ---------------------------------------------------------------------------------------
# 4. batch
# ---------------------------------------------------------------------------------------
FIRST = ["Margaret", "Ana", "Tom", "Priya", "José", "Chloé", "Liam", "Aisha", "Kenji", "Olga",
         "Mateo", "Siobhán", "Noah", "Fatima", "Erik", "Zoë"]
LAST = ["Ellis", "Ruiz", "Becker", "Nair", "Núñez", "Martin", "O'Brien", "Khan", "Sato",
        "Ivanova", "García", "Murphy", "Smith", "Haddad", "Lund", "Dubois"]


def write_roster(path: Path, rows: int) -> None:
    """rows clients: protocol sciatica and sciatica-gentle alternating, sides and notes varied."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "date", "practitioner", "protocol", "side", "notes",
                         "next_appointment"])
        for i in range(rows):
            writer.writerow([
                f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}",
                "2026-03-14", "Sam Okafor, physiotherapist",
                "sciatica" if i % 2 == 0 else "sciatica-gentle",
                ("both", "left", "right")[i % 3],
                "Keep walking every day, even if only for 10 minutes at a time." if i % 3 == 0
                else "",
                "Tuesday 24 March, 10:30" if i % 4 == 0 else "",
            ])


def batch_command() -> tuple[list[str], str]:
    """`handout batch` when registered on the main command, else the command on its own."""
    cmd = handout_command()
    probe = subprocess.run(cmd + ["batch", "--help"], capture_output=True, text=True,
                           env=clean_env())
    if probe.returncode == 0:
        return cmd + ["batch"], "handout batch"
    return ([sys.executable, "-c", "from handout.cli.batch import batch; batch()"],
            "python -c 'from handout.cli.batch import batch; batch()' (`batch` is not "
            "registered on the `handout` command yet)")


def _tree(root: int) -> list[int]:
    """root and all its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _memory(pid: int) -> tuple[int, int, int]:
    """(RSS, peak RSS, PSS) of one process in KB; zeros when it has gone."""
    rss = hwm = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
                break
    except (OSError, ValueError):
        pass
    return rss, hwm, pss


def run_batch(cmd: list[str], roster: Path, out: Path, jobs: int, sample: bool) -> dict:
    args = cmd + [str(roster), "--out", str(out), "--jobs", str(jobs), "--brand", str(BRAND)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_rss = peak_pss = 0
    hwm: dict[int, int] = {}
    most_processes = 0
    with Load() as load:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, cwd=out.parent, env=clean_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if sample:
            while proc.poll() is None:
                pids = _tree(proc.pid)
                total_rss = total_pss = 0
                for pid in pids:
                    rss, peak, pss = _memory(pid)
                    total_rss += rss
                    total_pss += pss
                    if peak:
                        hwm[pid] = max(hwm.get(pid, 0), peak)
                peak_rss = max(peak_rss, total_rss)
                peak_pss = max(peak_pss, total_pss)
                most_processes = max(most_processes, len(pids))
                time.sleep(0.05)
        _, stderr = proc.communicate()
        wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    statuses: dict[str, int] = {}
    with (out / "manifest.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    sizes = [p.stat().st_size for p in out.glob("*.pdf")]
    result = {
        "jobs": jobs,
        "rows": sum(statuses.values()),
        "statuses": statuses,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
        "s_per_row": round(wall / max(1, sum(statuses.values())), 4),
        "foreign_cores": round(load.foreign_cores, 2),
        "mean_pdf_kb": round(statistics.mean(sizes) / 1024, 1) if sizes else None,
        "max_pdf_kb": round(max(sizes) / 1024, 1) if sizes else None,
    }
    if proc.returncode != 0:
        result["stderr_tail"] = stderr[-1500:]
    if sample:
        result.update({
            "peak_rss_tree_mb": round(peak_rss / 1024, 1),
            "peak_pss_tree_mb": round(peak_pss / 1024, 1),
            "sum_of_process_peaks_mb": round(sum(hwm.values()) / 1024, 1),
            "largest_process_peak_mb": round(max(hwm.values()) / 1024, 1) if hwm else None,
            "processes_at_once": most_processes,
        })
    return result


def bench_batch(work: Path, quick: bool, sizes_mode: str, deadline: float,
                quiet_wait: float, fixed_s: float) -> dict:
    cmd, how = batch_command()
    jobs_all = os.cpu_count() or 1
    result = {"command": how, "jobs_all_cores": jobs_all}

    def fresh(name: str, rows: int) -> tuple[Path, Path]:
        roster = work / f"{name}.csv"
        write_roster(roster, rows)
        out = work / f"{name}-out"
        shutil.rmtree(out, ignore_errors=True)
        return roster, out

    sizes = dict(QUICK_SIZES if quick else REAL_SIZES)
    small = sizes["memory_small_rows"]

    # Pilot (also the small memory run): per-row cost with one and with all cores.
    say(f"  batch pilot: {small} rows, --jobs 1")
    roster, out = fresh("pilot", small)
    wait_quiet(quiet_wait)
    pilot1 = run_batch(cmd, roster, out, 1, sample=False)
    shutil.rmtree(out, ignore_errors=True)
    say(f"  memory, small: {small} rows, --jobs {jobs_all} (sampled every 50 ms)")
    wait_quiet(quiet_wait)
    mem_small = run_batch(cmd, roster, out, jobs_all, sample=True)
    shutil.rmtree(out, ignore_errors=True)
    result["pilot_jobs_1"] = pilot1
    # Per-row cost, without the fixed start-up of a run (imports, library, fonts).
    c1 = max(0.05, (pilot1["wall_s"] - fixed_s) / max(1, pilot1["rows"]))
    c2 = max(0.05, (mem_small["wall_s"] - fixed_s) / max(1, mem_small["rows"]))
    result["pilot_estimate"] = {"fixed_start_s": round(fixed_s, 2), "s_per_row_jobs_1": round(c1, 3),
                                f"s_per_row_jobs_{jobs_all}": round(c2, 3)}

    # Sizes: the issue's, unless they cannot finish before the deadline.
    real = REAL_SIZES
    remaining = deadline - time.time() - 30
    predicted = real["speed_rows"] * (c1 + c2) + real["memory_large_rows"] * c2 \
        + 3 * fixed_s
    result["predicted_real_sizes_s"] = round(predicted)
    result["time_left_s"] = round(remaining)
    if not quick:
        if sizes_mode == "real" or predicted <= remaining:
            sizes = dict(real)
            result["sizes_note"] = "the issue's sizes"
        else:
            factor = max(remaining, 0) / predicted
            speed = max(100, int(real["speed_rows"] * factor) // 50 * 50)
            sizes = {"speed_rows": speed, "memory_small_rows": small,
                     "memory_large_rows": 2 * speed}
            result["sizes_note"] = (
                f"reduced to fit the time budget: at the pilot's {c1:.2f} s a row (--jobs 1) and "
                f"{c2:.2f} s a row (--jobs {jobs_all}), 1,000 + 1,000 + 2,000 rows would take "
                f"about {predicted / 60:.0f} min, {remaining / 60:.0f} min were left; "
                f"use --sizes real to force them")
    else:
        result["sizes_note"] = "--quick sizes"
    result["sizes"] = sizes

    n = sizes["speed_rows"]
    roster, out = fresh("speed", n)
    runs = {}
    for jobs in (1, jobs_all):
        say(f"  speed-up: {n} rows, --jobs {jobs}")
        quiet = wait_quiet(2 * quiet_wait)
        runs[jobs] = run_batch(cmd, roster, out, jobs, sample=False)
        runs[jobs]["quiet"] = quiet
        shutil.rmtree(out, ignore_errors=True)
    result["speed"] = {f"jobs_{j}": r for j, r in runs.items()}
    result["speedup"] = round(runs[1]["wall_s"] / runs[jobs_all]["wall_s"], 2)
    result["cpu_per_row_jobs_1"] = round(runs[1]["cpu_s"] / max(1, runs[1]["rows"]), 3)
    result["cpu_per_row_jobs_all"] = round(runs[jobs_all]["cpu_s"] / max(1, runs[jobs_all]["rows"]), 3)

    big = sizes["memory_large_rows"]
    roster, out = fresh("memory", big)
    say(f"  memory, large: {big} rows, --jobs {jobs_all} (sampled every 50 ms)")
    quiet = wait_quiet(quiet_wait)
    mem_large = run_batch(cmd, roster, out, jobs_all, sample=True)
    mem_large["quiet"] = quiet
    shutil.rmtree(out, ignore_errors=True)
    result["memory_small"] = mem_small
    result["memory_large"] = mem_large
    result["memory_ratio"] = round(mem_large["peak_rss_tree_mb"] / mem_small["peak_rss_tree_mb"], 3)
    result["memory_ratio_pss"] = round(mem_large["peak_pss_tree_mb"] / mem_small["peak_pss_tree_mb"], 3)
    return result


# ---------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------
def verdicts(r: dict) -> list[dict]:
    rows = []
    s = r.get("startup")
    if s:
        rows.append({"measure": "start-up: `handout make` (fresh process) / minimal ReportLab "
                                "script registering the same fonts",
                     "value": f"{s['ratio_vs_fonts']}x ({s['median_wall_s']['handout make (example)']:.2f} s "
                              f"vs {s['median_wall_s']['minimal: import ReportLab + register the same fonts']:.2f} s)",
                     "target": f"<= {TARGETS['startup_ratio']}x",
                     "met": s["ratio_vs_fonts"] <= TARGETS["startup_ratio"]})
        if "help_ratio_vs_click" in s:
            w = s["median_wall_s"]
            click_s = w["python -c 'import click'"]
            tab_s = w["a completion Tab (handout show K<Tab>)"]
            rows.append({"measure": "`handout --help` (fresh process) / `python -c \"import click\"`",
                         "value": f"{s['help_ratio_vs_click']}x ({w['handout --help']:.2f} s vs "
                                  f"{click_s:.2f} s; a completion Tab {tab_s:.2f} s)",
                         "target": f"<= {TARGETS['help_ratio']}x",
                         "met": s["help_ratio_vs_click"] <= TARGETS["help_ratio"]})
        rows.append({"measure": "cold `handout make` (a fresh process; the disk cache present, "
                                "as every run after the first finds it) / a minimal script that "
                                "imports ReportLab, registers the same fonts and builds a "
                                "one-page PDF (issue 15)",
                     "value": f"{s['ratio_vs_fonts_and_pdf']}x ({s['median_wall_s']['handout make (example)']:.2f} s vs "
                              f"{s['median_wall_s']['minimal + build a one-page PDF']:.2f} s; "
                              f"by CPU time {s['cpu_ratio_vs_fonts_and_pdf']}x)",
                     "target": f"<= {TARGETS['cold_vs_one_page']}x",
                     "met": s["ratio_vs_fonts_and_pdf"] <= TARGETS["cold_vs_one_page"]})
        if "cpu_ratio_first_vs_fonts_and_pdf" in s:
            rows.append({"measure": "the same, the first run of all (an empty disk cache: "
                                    "everything parsed, drawn and cached)",
                         "value": f"{s['ratio_first_vs_fonts_and_pdf']}x "
                                  f"({s['median_wall_s'][FIRST_RUN]:.2f} s; by CPU time "
                                  f"{s['cpu_ratio_first_vs_fonts_and_pdf']}x)",
                         "target": "(reported)", "met": None})
        if "cpu_ratio_compiled_vs_fonts_and_pdf" in s:
            rows.append({"measure": "the same, our modules compiled to .pyc as a pip install leaves "
                                    "them (PYTHONDONTWRITEBYTECODE=1 here: they compile at every "
                                    "start otherwise), by CPU time",
                         "value": f"{s['cpu_ratio_compiled_vs_fonts_and_pdf']}x "
                                  f"({s['median_cpu_s'][COMPILED]:.2f} s CPU)",
                         "target": f"<= {TARGETS['cold_vs_one_page']}x",
                         "met": s["cpu_ratio_compiled_vs_fonts_and_pdf"]
                         <= TARGETS["cold_vs_one_page"]})
    i = r.get("inprocess")
    if i:
        m = i["median_wall_s"]
        rows.append({"measure": "our overhead on ReportLab: package render / ReportLab doc.build of "
                                "the same flowables, minus 1",
                     "value": f"+{i['overhead_render_vs_reportlab'] * 100:.0f} % ({m['render']:.3f} s vs "
                              f"{m['ReportLab alone: doc.build on the same flowables']:.3f} s)",
                     "target": f"<= +{TARGETS['render_overhead'] * 100:.0f} %",
                     "met": i["overhead_render_vs_reportlab"] <= TARGETS["render_overhead"]})
        if "render_vs_text_floor" in i:
            rows.append({"measure": "warm render / the text floor (the handout's own "
                                    f"{i['text_floor_lines']} lines as plain Paragraphs, one frame)",
                         "value": f"{i['render_vs_text_floor']}x ({m['render']:.3f} s vs "
                                  f"{m['text floor: the same lines as plain Paragraphs, one frame']:.3f} s; "
                                  f"by CPU time {i['cpu_render_vs_text_floor']}x)",
                         "target": f"<= {TARGETS['render_vs_text_floor']}x",
                         "met": i["render_vs_text_floor"] <= TARGETS["render_vs_text_floor"]})
        rows.append({"measure": "whole handout in process (load + select + render + write) / "
                                "ReportLab doc.build, minus 1",
                     "value": f"+{i['overhead_whole_handout_vs_reportlab'] * 100:.0f} %",
                     "target": "(context)", "met": None})
    w = r.get("worker")
    if w:
        rows.append({"measure": f"a warm batch worker: CPU a handout (prepare + render, the batch's "
                                f"roster, {w['rows']} rows) / the text floor of the same handout",
                     "value": f"{w['ratio_to_text_floor']}x ({w['median_cpu_s_a_handout']:.3f} s vs "
                              f"{w['median_cpu_s_text_floor']:.3f} s)",
                     "target": "(reported, issue 15)", "met": None})
    b = r.get("batch")
    if b:
        j = b["jobs_all_cores"]
        rows.append({"measure": f"batch speed-up, {b['sizes']['speed_rows']} rows: --jobs 1 time / "
                                f"--jobs {j} time",
                     "value": f"{b['speedup']}x ({b['speed']['jobs_1']['wall_s']:.0f} s vs "
                              f"{b['speed'][f'jobs_{j}']['wall_s']:.0f} s)",
                     "target": f">= {TARGETS['speedup_2_cores']}x on 2 cores",
                     "met": b["speedup"] >= TARGETS["speedup_2_cores"]})
        fast = b["speed"][f"jobs_{j}"]
        rows.append({"measure": f"batch throughput on {j} cores (--jobs {j}, "
                                f"{fast['rows']} rows, the whole run)",
                     "value": f"{fast['rows'] / fast['wall_s']:.2f} handouts a second "
                              f"({fast['wall_s'] / fast['rows']:.3f} s a handout)",
                     "target": "not worse than before (issue 15)", "met": None})
        rows.append({"measure": f"batch peak memory (RSS of the process tree), "
                                f"{b['sizes']['memory_large_rows']} rows / "
                                f"{b['sizes']['memory_small_rows']} rows, --jobs {j}",
                     "value": f"{b['memory_ratio']}x ({b['memory_large']['peak_rss_tree_mb']:.0f} MB vs "
                              f"{b['memory_small']['peak_rss_tree_mb']:.0f} MB)",
                     "target": f"<= {TARGETS['memory_ratio']}x (flat)",
                     "met": b["memory_ratio"] <= TARGETS["memory_ratio"]})
    z = r.get("sizes")
    if z:
        for label, v in z.items():
            typical = label.startswith("typical")
            rows.append({"measure": f"bytes per handout: {label}",
                         "value": f"{v['kb']} KB ({v['pages']} pages)",
                         "target": f"< {TARGETS['typical_kb']} KB" if typical else "(context)",
                         "met": v["kb"] < TARGETS["typical_kb"] if typical else None})
    return rows


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py{' --quick' if r['quick'] else ''}` on {m['date']} "
        f"in {r['total_minutes']} min. What each figure means: [README.md](README.md).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}, ReportLab {m['reportlab']} (accelerator: "
        f"{m['reportlab_accelerator']}), svglib {m['svglib']}, PyYAML {m['pyyaml']}, "
        f"lxml {m['lxml']}, pypdf {m['pypdf']}"
        + (f"; PYTHONDONTWRITEBYTECODE={m['PYTHONDONTWRITEBYTECODE']} (no .pyc for the package: "
           f"its modules compile at every start)" if m.get("PYTHONDONTWRITEBYTECODE") else "")
        + f"; handout {m['handout']} at "
        f"{m['git'].get('commit', '?')}"
        + (f" with uncommitted changes in {', '.join(m['git']['uncommitted_in_handout'])}"
           if m["git"].get("uncommitted_in_handout") else "") + ".",
        "",
        "| measure | value | target | met? |",
        "|---|---|---|---|",
    ]
    for row in r["verdicts"]:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        lines.append(f"| {row['measure']} | {row['value']} | {row['target']} | {met} |")
    lines.append("")
    lines.append("Other people's work on the machine while we timed (cores kept busy by "
                 "processes not ours; 0 = quiet): " + ", ".join(
                     f"{k} {v}" for k, v in r["contention"].items()) + ".")

    s = r.get("startup")
    if s:
        lines += ["", "## 1. Start-up (fresh processes, median of "
                  f"{s['reps']}, order rotated each round)", "",
                  f"Command: `{s['command']}`. Fonts the package registers, and so the "
                  f"baselines: {', '.join(s['fonts_registered'])}.", "",
                  "| process | median wall s | min wall s | median CPU s |", "|---|---|---|---|"]
        for k in s["median_wall_s"]:
            lines.append(f"| {k} | {s['median_wall_s'][k]:.3f} | {s['min_wall_s'][k]:.3f} | "
                         f"{s['median_cpu_s'][k]:.3f} |")
        lines += ["", f"CPU-time ratios (less sensitive to other load): "
                  f"{s['cpu_ratio_vs_fonts']}x against fonts only, "
                  f"{s['cpu_ratio_vs_fonts_and_pdf']}x against fonts + one-page PDF.", "",
                  "Where a cold `handout make` spends its time, measured inside a fresh "
                  "process (median of 3; the rest of the wall time is interpreter start-up "
                  "and the command line):", "", "| stage | s |", "|---|---|"]
        for k, v in s["cold_stages_s"].items():
            lines.append(f"| {k} | {v:.3f} |")

    i = r.get("inprocess")
    if i:
        lines += ["", f"## 2. In process (the example handout, median of {i['reps']})", "",
                  "| stage | median wall s | min wall s | median CPU s |", "|---|---|---|---|"]
        for k in i["median_wall_s"]:
            lines.append(f"| {k} | {i['median_wall_s'][k]:.4f} | {i['min_wall_s'][k]:.4f} | "
                         f"{i['median_cpu_s'][k]:.4f} |")
        first = i["first_handout_in_process_s"]
        lines += ["", f"First handout in a process: font_set {first['font_set (registers the TTF faces)']:.3f} s, "
                  f"render {first['render']:.3f} s (body views parsed once, then cached). "
                  f"Pages: package {i['pages'].get('render')}, ReportLab alone "
                  f"{i['pages'].get('reportlab_alone')}.", "",
                  f"Overhead on ReportLab: +{i['overhead_render_vs_reportlab'] * 100:.0f} % by median "
                  f"wall time, +{i['overhead_min_render_vs_reportlab'] * 100:.0f} % by the fastest "
                  f"run, +{i['overhead_cpu_render_vs_reportlab'] * 100:.0f} % by CPU time. "
                  f"Counting ReportLab's Paragraph constructors inside build_sections "
                  f"({i['flowables_paragraphs']} paragraphs, {i['flowables_paragraph_init_s']} s: "
                  f"markup parsing a plain ReportLab script would do too) as ReportLab's time: "
                  f"+{i['overhead_render_vs_reportlab_incl_paragraph_parsing'] * 100:.0f} %. "
                  f"Decomposition of the render: flowables (our section builders, diagrams) "
                  f"{i['median_wall_s']['render: flowables (styles, context, build_sections)']:.3f} s + "
                  f"build_pdf {i['median_wall_s']['render: build_pdf on prebuilt flowables']:.3f} s, "
                  f"of which ReportLab alone would take "
                  f"{i['median_wall_s']['ReportLab alone: doc.build on the same flowables']:.3f} s "
                  f"(the difference is our header/footer on every page and the \"Page X of Y\" "
                  f"canvas)."]
        p = i["profile"]
        lines += ["", f"Profile of {p['runs']} warm renders (cProfile, "
                  f"{p['profiled_s_per_render']} s a render under the profiler), self time by "
                  "package (built-ins charged to their caller):", "",
                  "| package | share |", "|---|---|"]
        for k, v in p["share_by_package"].items():
            lines.append(f"| {k} | {v * 100:.0f} % |")
        lines += ["", "| hotspot (under the profiler) | calls a render | self s | cumulative s |",
                  "|---|---|---|---|"]
        for k, v in p["hotspots"].items():
            lines.append(f"| {k} | {v['calls_per_render']} | {v['self_s_per_render']} | "
                         f"{v['cumulative_s_per_render']} |")
        h = i["hotspots_timed"]
        lines += ["", f"The same places timed without the profiler (CPU time inside each "
                  f"function, a warm render of {h['render_cpu_s']} s CPU; nested calls "
                  f"count in both):", "", "| function | calls a render | CPU s | share of render |",
                  "|---|---|---|---|"]
        for k, v in h.items():
            if isinstance(v, dict):
                lines.append(f"| {k} | {v['calls_per_render']:g} | {v['cpu_s_per_render']} | "
                             f"{v['share_of_render'] * 100:.0f} % |")
        lines += ["", f"Batch, per row, on top of the render: page count with pypdf "
                  f"{i['batch_page_count_s_per_row']} s."]

    w = r.get("worker")
    if w:
        lines += ["", "## 2b. A warm batch worker", "",
                  f"{w['rows']} rows of the batch section's roster (sciatica and sciatica-gentle "
                  "alternating), drawn one after another in one process as a worker draws a "
                  "row (prepare, then render), after one handout of each protocol; each "
                  "against the text floor of its own lines. Medians of the CPU times: "
                  f"{w['median_cpu_s_a_handout']:.4f} s a handout, "
                  f"{w['median_cpu_s_text_floor']:.4f} s its text floor; median ratio "
                  f"{w['ratio_to_text_floor']}x."]

    z = r.get("sizes")
    if z:
        lines += ["", "## 3. Bytes per handout (`--reproducible`, the example brand)", "",
                  "| handout | KB | pages | KB a page |", "|---|---|---|---|"]
        for k, v in z.items():
            lines.append(f"| {k} | {v['kb']} | {v['pages']} | {v['kb_per_page']} |")

    b = r.get("batch")
    if b:
        lines += ["", "## 4. Batch", "", f"Command: {b['command']}, `ROSTER --out DIR --jobs N "
                  f"--brand examples/brand.yaml`; rosters generated: sciatica and "
                  f"sciatica-gentle alternating, sides and notes varied.", "",
                  f"Sizes: {b['sizes_note']}.", "",
                  "| run | rows | wall s | s a row | CPU s | other load (cores) | peak RSS tree MB "
                  "| peak PSS tree MB | largest process MB | mean PDF KB |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        named = [("pilot, --jobs 1", b["pilot_jobs_1"]),
                 *((f"speed-up, --jobs {r_['jobs']}", r_) for r_ in b["speed"].values()),
                 (f"memory small, --jobs {b['memory_small']['jobs']}", b["memory_small"]),
                 (f"memory large, --jobs {b['memory_large']['jobs']}", b["memory_large"])]
        for name, x in named:
            lines.append(
                f"| {name} | {x['rows']} | {x['wall_s']} | {x['s_per_row']} | {x['cpu_s']} | "
                f"{x['foreign_cores']} | {x.get('peak_rss_tree_mb', '-')} | "
                f"{x.get('peak_pss_tree_mb', '-')} | {x.get('largest_process_peak_mb', '-')} | "
                f"{x['mean_pdf_kb']} |")
        lines += ["", f"Memory ratio by PSS (shared pages counted once): {b['memory_ratio_pss']}x. "
                  f"CPU a row: {b['cpu_per_row_jobs_1']} s with --jobs 1, "
                  f"{b['cpu_per_row_jobs_all']} s with --jobs {b['jobs_all_cores']}."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer repeats")
    parser.add_argument("--sizes", choices=("auto", "real"), default="auto",
                        help="batch sizes: 'real' forces 1,000/2,000 rows whatever the time; "
                             "'auto' (default) reduces them when they would not fit the budget")
    parser.add_argument("--budget-minutes", type=float, default=20.0,
                        help="time budget of the whole run (default 20)")
    parser.add_argument("--only", default="startup,inprocess,worker,sizes,batch",
                        help="comma-separated sections (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="where results.* are written")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "inprocess":
        print(json.dumps(child_inprocess(args.reps, args.work)))
        return 0
    if args.child == "worker":
        print(json.dumps(child_worker(args.reps, args.work)))
        return 0
    if args.child == "sizes":
        print(json.dumps(child_sizes()))
        return 0

    start = time.time()
    deadline = start + args.budget_minutes * 60
    quiet_wait = 5.0 if args.quick else 60.0
    only = set(args.only.split(","))
    results: dict = {"quick": args.quick, "machine": machine(), "contention": {}}
    with tempfile.TemporaryDirectory(prefix="handout-bench-") as tmp:
        work = Path(tmp)
        # The disk cache (diskcache.py) of this run alone, never the user's: children and
        # the commands timed inherit it; the first timed run of each kind fills it.
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        if "startup" in only:
            say("1. start-up (fresh processes)")
            results["startup"] = bench_startup(work, 3 if args.quick else 9, quiet_wait)
            results["contention"]["start-up"] = results["startup"]["foreign_cores"]
        if "inprocess" in only:
            say("2. in process: load / select / render / write vs ReportLab alone")
            wait_quiet(quiet_wait)
            with Load() as load:
                results["inprocess"] = run_child(
                    ["--child", "inprocess", "--reps", str(3 if args.quick else args.reps),
                     "--work", str(work)], work)
            results["contention"]["in process"] = round(load.foreign_cores, 2)
        if "worker" in only:
            say("2b. a warm batch worker: CPU a handout / the text floor of the same handout")
            wait_quiet(quiet_wait)
            with Load() as load:
                results["worker"] = run_child(
                    ["--child", "worker", "--reps", str(6 if args.quick else 30),
                     "--work", str(work)], work)
            results["contention"]["warm worker"] = round(load.foreign_cores, 2)
        if "sizes" in only:
            say("3. bytes per handout")
            results["sizes"] = run_child(["--child", "sizes"], work)
        if "batch" in only:
            say("4. batch")
            fixed = 1.5
            if "startup" in results:  # a run's fixed start: imports, library, fonts
                st = results["startup"]["cold_stages_s"]
                fixed = st["total inside the process"] - st["render (first in process)"] \
                    - st["write (write_atomic, fsync)"]
            results["batch"] = bench_batch(work, args.quick, args.sizes, deadline, quiet_wait,
                                           fixed)
            b = results["batch"]
            for key, run in (("batch --jobs 1", b["speed"]["jobs_1"]),
                             (f"batch --jobs {b['jobs_all_cores']}",
                              b["speed"][f"jobs_{b['jobs_all_cores']}"]),
                             ("batch memory large", b["memory_large"])):
                results["contention"][key] = run["foreign_cores"]
    results["total_minutes"] = round((time.time() - start) / 60, 1)
    results["verdicts"] = verdicts(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (args.out / "results.md").write_text(markdown(results), encoding="utf-8")
    say(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
