"""The companion site in a real browser: Debian's chromium, headless, driven by Playwright
(never Playwright's own browser download). One site build (shared with test_site.py) and
one browser for the whole session; timers run on Playwright's fake clock, the animation is read at set times, so
nothing here waits on the wall clock.

chromium missing is a failure that says how to install it, never a silent skip.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from pathlib import Path

import pytest

from handout.library import load_library
from handout.site.addresses import page_path
from handout.site.animation import HOLD_END_S, HOLD_START_S, MOVE_S

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = ("install Debian's chromium (`apt-get install chromium`, as .ci/run does) and "
           "the test extra (`pip install -e '.[test]'`)")


@pytest.fixture(scope="session")
def site(builtin_site):
    """The site from the built-in data (conftest.py: built once per test process, shared
    with test_site.py's read-only tests)."""
    return builtin_site


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: {INSTALL}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"playwright is not installed: {INSTALL}", pytrace=False)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every console error, script error and request it makes noted."""

    def __init__(self, browser, width=1024, height=800):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.page.close()


@pytest.fixture(scope="session")
def server(site):
    """The site's parent folder over http on loopback: the site lives at /site/."""
    handler = functools.partial(_Quiet, directory=str(site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{site.name}/"
    httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _pages():
    library = load_library()
    return ["index.html"] + [page_path(i) for i in (*library.points.values(),
                                                    *library.stretches.values())]


def test_every_page_loads_with_no_error_and_asks_for_nothing_outside_the_site(site, browser,
                                                                              server):
    watched = Watched(browser)
    with watched as page:
        for path in _pages():
            page.goto((site / path).as_uri())
            assert page.locator("h1").count() == 1, path
            assert page.locator("section.warning h2").inner_text().startswith("Warning signs")
            images = page.eval_on_selector_all("img", "els => els.map(e => [e.src, e.naturalWidth, e.alt])")
            assert all(width > 0 and alt for _, width, alt in images), (path, images)
        for path in ("index.html", "points/bl60.html", "stretches/cat-cow.html"):
            page.goto(server + path)  # the same from a web server, under a folder
            assert page.title()
    assert watched.errors == []
    outside = [u for u in watched.requests
               if not (u.startswith(site.as_uri() + "/") or u.startswith(server))]
    assert outside == []
    assert any(u.endswith("assets/site.js") for u in watched.requests)


def _figure_png(page) -> bytes:
    return page.locator("figure.moving svg").screenshot()


def test_the_animation_runs_and_pauses(site, browser):
    from PIL import Image, ImageChops

    with Watched(browser) as page:
        page.goto((site / "stretches" / "knee-to-chest.html").as_uri())
        svg = "document.querySelector('figure.moving svg')"
        assert page.evaluate(f"{svg}.animationsPaused()") is False  # it moves on its own
        frames = []
        cycle = HOLD_START_S + 2 * MOVE_S + HOLD_END_S
        for seconds in (0.5, HOLD_START_S + MOVE_S + 0.5, cycle + 0.5):
            page.evaluate(f"{svg}.pauseAnimations(); {svg}.setCurrentTime({seconds})")
            frames.append(Image.open(io.BytesIO(_figure_png(page))).convert("L"))
        start, end, back = frames
        def changed(a, b) -> int:
            return ImageChops.difference(a, b).point(lambda v: 255 * (v > 40)).histogram()[255]
        # the leg moved: a good part of the picture differs between start and end ...
        assert changed(start, end) > 0.02 * start.width * start.height
        # ... and a cycle later it is back at the start
        assert changed(start, back) == 0
        page.evaluate(f"{svg}.unpauseAnimations()")
        page.get_by_role("button", name="Pause the movement").click()
        assert page.evaluate(f"{svg}.animationsPaused()") is True
        page.get_by_role("button", name="Play the movement").click()
        assert page.evaluate(f"{svg}.animationsPaused()") is False


def test_the_hold_timer_counts_the_seconds_and_the_holds(site, browser):
    with Watched(browser) as page:
        page.clock.install(time=0)
        page.goto((site / "stretches" / "knee-to-chest.html").as_uri())
        page.clock.pause_at(60_000)  # the clock moves only when the test says
        timer = page.locator("section.timer")
        assert timer.locator(".clock").inner_text() == "0:20"
        timer.get_by_role("button", name="Start").click()
        page.clock.run_for(5_000)
        assert timer.locator(".clock").inner_text() == "0:15"
        assert timer.locator(".count").inner_text() == "Hold · 1 of 3, first side"
        page.clock.run_for(15_000)
        assert timer.locator(".status").inner_text() == "Relax."
        assert timer.locator(".count").inner_text() == "Relax · 2 of 3, first side"
        page.clock.run_for(5_000)
        assert timer.locator(".count").inner_text() == "Hold · 2 of 3, first side"
        page.clock.run_for(2 * 25_000 - 5_000)  # to the end of the third hold, and the rest
        assert timer.locator(".status").inner_text() == "Now the other side. Relax first."
        page.clock.run_for(5_000 + 3 * 20_000 + 2 * 5_000)
        assert timer.locator(".status").inner_text() == "All done. Well done."


def test_the_press_timer_counts_down_the_minutes(site, browser):
    with Watched(browser) as page:
        page.clock.install(time=0)
        page.goto((site / "points" / "bl60.html").as_uri())
        page.clock.pause_at(60_000)  # the clock moves only when the test says
        timer = page.locator("section.timer")
        timer.get_by_label("Minutes").select_option(label="2 minutes")
        timer.get_by_role("button", name="Reset").click()
        assert timer.locator(".clock").inner_text() == "2:00"
        timer.get_by_role("button", name="Start").click()
        page.clock.run_for(61_000)
        assert timer.locator(".clock").inner_text() == "0:59"
        assert timer.locator(".status").inner_text() == "1:00 to go."
        page.clock.run_for(59_000)
        assert timer.locator(".status").inner_text() == "Time is up. Ease off slowly."


@pytest.mark.parametrize("path", ["index.html", "points/bl54.html",
                                  "stretches/knee-to-chest.html"])
def test_a_phone_width_page_fits_and_its_text_can_be_doubled(site, browser, path):
    with Watched(browser, width=360, height=740) as page:
        page.goto((site / path).as_uri())
        for size in ("100%", "200%"):
            page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 360, f"{path} at {size}: {wide} px wide"
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= 32  # 1.125rem, doubled


def test_the_keyboard_reaches_the_content_and_works_the_timer(site, browser):
    with Watched(browser) as page:
        page.clock.install(time=0)
        page.goto((site / "stretches" / "pelvic-tilt.html").as_uri())
        page.clock.pause_at(60_000)  # the clock moves only when the test says
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.className") == "start":
                break
        else:
            pytest.fail("Tab never reached the timer's Start button")
        page.keyboard.press("Enter")
        page.clock.run_for(3_000)
        assert page.locator("section.timer .clock").inner_text() == "0:02"  # of 5 seconds
        page.keyboard.press("Space")  # the same button, now Pause
        page.clock.run_for(3_000)
        assert page.locator("section.timer .clock").inner_text() == "0:02"
        assert page.locator("section.timer .status").inner_text() == "Paused."


def test_reduced_motion_starts_still_and_print_shows_the_still_picture(site, browser):
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto((site / "stretches" / "cat-cow.html").as_uri())
        assert page.evaluate("document.querySelector('figure.moving svg').animationsPaused()")
        assert page.get_by_role("button", name="Play the movement").is_visible()
        page.emulate_media(media="print")
        assert page.locator("figure.moving svg").is_hidden()
        assert page.locator("figure.moving img.still").is_visible()
        assert page.locator("section.timer").is_hidden()
        assert page.locator("section.warning").is_visible()  # the warning signs print
    finally:
        context.close()


def test_the_counter_counts_each_one_and_then_the_other_side(site, browser):
    with Watched(browser) as page:
        page.clock.install(time=0)
        page.goto((site / "stretches" / "knee-rolls.html").as_uri())
        page.clock.pause_at(60_000)  # the clock moves only when the test says
        timer = page.locator("section.timer")
        timer.get_by_label("How many times").select_option("5")  # a new choice starts afresh
        one = timer.get_by_role("button", name="I did one")
        assert one.is_disabled()  # nothing to count before Start
        timer.get_by_role("button", name="Start").click()
        page.clock.run_for(4_000)
        for _ in range(5):
            one.click()
        assert timer.locator(".clock").inner_text() == "0:04"
        assert timer.locator(".status").inner_text() == "Now the other side."
        assert timer.locator(".count").inner_text() == "0 of 5 done, other side"
        for _ in range(5):
            one.click()
        assert timer.locator(".status").inner_text() == "All done. Well done."
