"""`handout site`: the companion pages built from the built-in data and from a clinic's
folder, as files (the browser tests are in test_site_browser.py)."""

from __future__ import annotations

import copy
import re
import shutil

import pytest
import yaml

from handout.errors import InputError
from handout.library import load_library
from handout.site import build_site
from handout.site.addresses import page_path

from conftest import run_isolated
from runcli import run


BASE = "https://clinic.example/care/"


@pytest.fixture
def built(builtin_site):
    """The site from the built-in data with BASE (given without its final slash), built
    once per test process (conftest.py) and only read here."""
    return builtin_site


def test_a_page_for_every_point_and_stretch_and_the_sitemap_lists_them(built):
    library = load_library()
    items = [*library.points.values(), *library.stretches.values()]
    sitemap = (built / "sitemap.xml").read_text()
    index = (built / "index.html").read_text()
    for item in items:
        page = (built / page_path(item)).read_text()
        assert f"<loc>{BASE}{page_path(item)}</loc>" in sitemap
        assert f'href="{page_path(item)}"' in index
        assert '<html lang="en-GB">' in page
        # the warning signs, with the UK's emergency services, on every page
        assert "Call 999, or go to A&amp;E" in page
    assert sitemap.count("<loc>") == len(items) + 1  # and the index
    assert "Sciatica self-care in pregnancy" in index and "Ankle and foot" in index


def test_a_stretch_page_moves_from_the_start_pose_to_the_end_pose(built):
    page = (built / "stretches" / "knee-to-chest.html").read_text()
    assert page.count("<animate ") >= 10 and 'repeatCount="indefinite"' in page
    assert "<title" in page and "Moving picture of the knee-to-chest stretch" in page
    assert 'data-timer="hold"' in page
    knee = re.search(r'id="fig-knee-to-chest-thigh"[^>]*><animate attributeName="d" '
                     r'values="([^"]*)"', page).group(1).split(";")
    # the thigh runs from the hip to the knee: the knee at the start, then at the chest
    assert knee[0] == "M44 3.9L54.5 13.5" and "M44 3.9L36 17" in knee and knee[-1] == knee[0]


def test_the_animation_draws_a_hollow_back_as_the_printed_picture_does():
    """`hollow: true` (pelvic tilt): the spine straight, the small of the back lifted off
    the mat with air under it at the start, flat on it at the end. Ignored, the trunk
    bowed round `back` as a whole, a big belly over the gap."""
    from handout.site.animation import BODY, animate
    stretch = load_library().stretches["pelvic-tilt"]
    start, end = animate(stretch).frames[0], stretch.pose["end"]
    half = dict((name, width) for name, _, _, width in BODY)["trunk-low"] / 2
    raw = stretch.pose["start"]["back"][1]
    # air under the small of the back (a natural arch, over the hand slid under it)
    assert start["back"][1] - half > 1.5
    assert start["back"][1] < raw - 0.5  # not the whole trunk bowed up to `back`
    ends = [f for f in animate(stretch).frames if f["back"][1] < 4]
    assert ends and min(f["back"][1] for f in ends) - half <= 0.01  # flat at the end
    assert end["back"][1] < end["hip"][1]


def test_pages_hold_no_script_from_the_data_and_nothing_from_elsewhere(built):
    for page in built.rglob("*.html"):
        html = page.read_text()
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in html
        root = "" if page.name == "index.html" else "../"
        assert re.findall(r"<script[^>]*>", html) == [f'<script src="{root}assets/site.js" defer>']


def test_the_same_input_gives_the_same_files(built, tmp_path):
    again = tmp_path / "again"
    assert run("site", "-o", again, "--base-url", BASE).exit_code == 0
    first = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def _clinic(tmp_path, builtin_raw, change) -> object:
    folder = tmp_path / "clinic"
    folder.mkdir()
    stretch = copy.deepcopy(next(s for s in builtin_raw["stretches.yaml"]["stretches"]
                                 if s["id"] == "knee-to-chest"))
    change(stretch)
    (folder / "stretches.yaml").write_text(yaml.safe_dump({"stretches": [stretch]}))
    return folder


@pytest.fixture(scope="module")
def clinic_site(tmp_path_factory, builtin_raw):
    """One clinic's site, read by the two tests below (one build of about 4 s, not two): a
    clinic folder naming knee-to-chest with markup, a brand with markup in its name, in the
    US, in a light yellow; no address given. Returns the folder and the command's output."""
    def rename(stretch):
        stretch["name"] = "Knee hug <script>alert(1)</script> & <b>more</b>"
    root = tmp_path_factory.mktemp("clinic-site")
    folder = _clinic(root, builtin_raw, rename)
    brand = root / "brand.yaml"
    brand.write_text("clinic_name: Ana's <i>Clinic</i>\ncountry: US\n"
                     "colours:\n  primary: '#FFD23F'\n  accent: '#FFD23F'\n")
    out = root / "site"
    result = run_isolated(tmp_path_factory, "--data", folder, "site", "-o", out,
                          "--brand", brand)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_a_clinic_folder_and_brand_and_data_text_printed_as_text(clinic_site):
    out, output = clinic_site
    assert "no sitemap.xml" in output and not (out / "sitemap.xml").exists()
    page = (out / "stretches" / "knee-to-chest.html").read_text()
    assert "Knee hug &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>more" not in page
    assert "Ana&#39;s &lt;i&gt;Clinic&lt;/i&gt;" in page
    assert '<html lang="en-US">' in page and "Call 911" in page and "999" not in page


def _no_leftovers(tmp_path):
    return [p.name for p in tmp_path.iterdir() if ".building-" in p.name]


@pytest.mark.parametrize("url, message", [
    ("ftp://clinic.example/", "is not an http(s) address"),
    ("clinic.example/care", "is not an http(s) address"),
    ("https://clinic.example/care/?from=qr", "has a query"),
    ("https://clinic.example/care/#top", "has a fragment"),
])
def test_a_bad_base_url_is_one_line_and_builds_nothing(tmp_path, url, message):
    result = run("site", "-o", tmp_path / "site", "--base-url", url)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and message in result.output
    assert result.output.startswith(f"Error: --base-url {url}: ")
    with pytest.raises(InputError) as info:  # a Python caller is told of the argument
        build_site(tmp_path / "site", base_url=url)
    assert str(info.value).startswith(f"base_url='{url}': ") and "--" not in str(info.value)
    assert not (tmp_path / "site").exists() and _no_leftovers(tmp_path) == []


def test_an_output_that_is_a_file_or_someone_elses_folder_is_refused(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("mine")
    result = run("site", "-o", afile)
    assert result.exit_code == 1 and "is a file, not a folder" in result.output
    assert afile.read_text() == "mine"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("keep")
    result = run("site", "-o", theirs)
    assert result.exit_code == 1 and "holds other files" in result.output
    assert [p.name for p in theirs.iterdir()] == ["keep.txt"]
    result = run("site", "-o", "/proc/handout-site")  # nobody can write there
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "cannot write the site there" in result.output


def test_a_pose_that_cannot_animate_builds_nothing_and_keeps_the_old_site(tmp_path, built,
                                                                          builtin_raw):
    out = tmp_path / "site"
    shutil.copytree(built, out)  # a site built before, in the folder the build will use
    before = (out / "index.html").read_bytes()

    def broken(stretch):  # a knee bent forwards: a pose no body can take, nor animate
        start = stretch["pose"]["start"]
        hip, ankle = start["hip"], start["ankle"]
        start["knee"] = [2 * hip[0] - ankle[0] + 20, hip[1] - 15]
    folder = _clinic(tmp_path, builtin_raw, broken)
    result = run("--data", folder, "site", "-o", out)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "stretches.yaml" in result.output and "knee-to-chest: pose" in result.output
    assert (out / "index.html").read_bytes() == before and _no_leftovers(tmp_path) == []


def test_every_page_reads_in_a_light_brand_colour_and_says_each_conditions_caution(clinic_site):
    from handout.site.assets import contrast

    out, _ = clinic_site  # its brand's colours are a light yellow, #FFD23F
    css = (out / "assets" / "site.css").read_text()
    primary = re.search(r"--primary: (#[0-9a-fA-F]{6})", css).group(1)
    accent = re.search(r"--accent: (#[0-9a-fA-F]{6})", css).group(1)
    assert contrast(primary, "#ffffff") >= 4.5  # headings, links, white on the Start button
    assert contrast(accent, "#1a1a1a") >= 7  # the timer's box behind body text
    page = (out / "stretches" / "pelvic-tilt.html").read_text()
    assert "After your back surgery, follow your surgeon" in page  # every_stretch's caution


def test_the_brands_site_url_is_the_default_address_and_a_different_one_is_warned(tmp_path):
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Riverside\nsite_url: https://riverside.example/care\n")
    out = tmp_path / "site"
    result = run("site", "-o", out, "--brand", brand, "--base-url", "https://other.example/")
    assert result.exit_code == 0, result.output
    assert ("warning: the QR codes on the sheets open https://riverside.example/care/ (the "
            "brand's site_url), not https://other.example/") in result.output
    assert "<loc>https://other.example/points/bl60.html</loc>" in (out / "sitemap.xml").read_text()
    result = run("site", "-o", out, "--brand", brand)  # rebuilt in place, from site_url
    assert result.exit_code == 0 and "warning" not in result.output
    assert "<loc>https://riverside.example/care/points/bl60.html</loc>" in \
        (out / "sitemap.xml").read_text()
