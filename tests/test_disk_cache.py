"""The disk cache (handout/diskcache.py): a second `handout make` reads the checked library
and the drawn body views and logo from it instead of parsing them again (svglib is never
imported), prints the same bytes, and notices every change to what it was built from. A
cache that is damaged or cannot be written is never an error."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import isolate
from pdfcheck import text

ROOT = Path(__file__).resolve().parent.parent  # the checkout (the package may be installed)
EXAMPLES = ROOT / "examples"
# The child reports on stderr's last line whether svglib (the SVG parser a first run needs
# for the views and the logo) was imported.
CHILD = ("import atexit, sys\n"
         "atexit.register(lambda: print('svglib imported:', 'svglib' in sys.modules,"
         " file=sys.stderr))\n"
         "from handout.cli import main\n"
         "main(prog_name='handout')\n")


def _make(out: Path, cache: Path | str, *args) -> bool:
    """`handout make` of the example in a fresh process, the cache in `cache`: whether it
    imported svglib."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    proc = subprocess.run([sys.executable, "-c", CHILD, "make", EXAMPLES / "client.yaml",
                           "--brand", EXAMPLES / "brand.yaml", *args, "-o", out,
                           "--reproducible"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr.strip().splitlines()[-1] == "svglib imported: True"


@pytest.fixture(scope="module")
def first_make(tmp_path_factory):
    """One first make of the example from an empty cache, for every test here that starts
    with one (a cold process drawing every view: 2 to 3 s): (its folder, whether it
    imported svglib). Tests work on a copy of its cache (filled_cache)."""
    base = tmp_path_factory.mktemp("first-make")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, base)  # as each test's own make is
        return base, _make(base / "first.pdf", base / "cache")


def filled_cache(first_make, tmp_path: Path) -> Path:
    """A copy of the first make's cache folder (modes kept) and its PDF as first.pdf."""
    base, _ = first_make
    shutil.copytree(base / "cache", tmp_path / "cache")
    shutil.copy2(base / "first.pdf", tmp_path / "first.pdf")
    return tmp_path / "cache"


def _entries(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((cache / "handout").iterdir())}


def test_a_second_make_reads_the_cache_and_prints_the_same_bytes(tmp_path, first_make):
    assert first_make[1]  # nothing cached: views and logo parsed
    cache = filled_cache(first_make, tmp_path)
    kinds = {name.split("-")[0] for name in _entries(cache)}
    assert {"library", "view", "svg", "drawing"} <= kinds
    assert not _make(tmp_path / "second.pdf", cache)  # all from the cache
    assert (tmp_path / "second.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def test_the_cache_folder_is_the_users_alone(first_make):
    cache = first_make[0] / "cache"  # as the first make left it
    assert stat.S_IMODE((cache / "handout").stat().st_mode) == 0o700


def test_the_cache_follows_home_without_xdg_cache_home(tmp_path, monkeypatch):
    from handout import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec: ignored
    assert diskcache.folder() == Path.home() / ".cache" / "handout"


def test_a_changed_clinic_file_is_read_afresh(tmp_path):
    cache, clinic = tmp_path / "cache", tmp_path / "clinic"
    clinic.mkdir()
    points = clinic / "points.yaml"
    points.write_text("points:\n  - id: GB30\n    english: Clinic First Name\n", encoding="utf-8")
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    _make(first, cache, "--data", clinic)
    assert "Clinic First Name" in text(first.read_bytes())
    points.write_text("points:\n  - id: GB30\n    english: Clinic Second Name\n", encoding="utf-8")
    _make(second, cache, "--data", clinic)
    assert "Clinic Second Name" in text(second.read_bytes())
    assert "Clinic First Name" not in text(second.read_bytes())


def test_a_changed_client_file_is_parsed_afresh_and_its_fault_still_named(tmp_path):
    """A client file's parse is kept by its text: a change of the same size and time is
    read, and a fault in it is found and named as without the cache."""
    cache, client = tmp_path / "cache", tmp_path / "client.yaml"
    client.write_text("name: Ann First\nprotocol: sciatica\n", encoding="utf-8")
    first = client.stat()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}

    def make(out):
        return subprocess.run([sys.executable, "-m", "handout", "make", client, "-o", out,
                               "--reproducible"], capture_output=True, text=True, env=env,
                              timeout=300)

    assert make(tmp_path / "first.pdf").returncode == 0
    client.write_text("name: Bea Other\nprotocol: sciatica\n", encoding="utf-8")
    os.utime(client, ns=(first.st_atime_ns, first.st_mtime_ns))  # the same size and time
    assert make(tmp_path / "second.pdf").returncode == 0
    assert "Bea Other" in text((tmp_path / "second.pdf").read_bytes())
    client.write_text("name: Bea Other\nprotocol: [sciatica\n", encoding="utf-8")
    bad = make(tmp_path / "third.pdf")
    assert bad.returncode == 1 and "client.yaml" in bad.stderr and "YAML syntax error" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_changed_view_is_drawn_afresh(tmp_path):
    """A clinic's own view of the same name replaces the built-in one even when the rest
    of the library comes from the cache."""
    cache, clinic = tmp_path / "cache", tmp_path / "clinic"
    _make(tmp_path / "first.pdf", cache, "--data", clinic.mkdir() or clinic)
    views = clinic / "images" / "views"
    views.mkdir(parents=True)
    builtin = (ROOT / "images" / "views" / "outer-leg.svg").read_text(encoding="utf-8")
    (views / "outer-leg.svg").write_text(builtin.replace("</svg>", '<circle cx="1" cy="1" '
                                         'r="0.5"/></svg>'), encoding="utf-8")
    assert _make(tmp_path / "second.pdf", cache, "--data", clinic)  # parsed: svglib again


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_cache_file_is_ignored_and_written_again(tmp_path, damage, first_make):
    cache = filled_cache(first_make, tmp_path)
    first = tmp_path / "first.pdf"
    good = _entries(cache)
    for name, data in good.items():
        spoilt = {"garbage": b"not a cache file\n" * 10, "truncated": data[:len(data) // 2],
                  "empty": b""}[damage]
        (cache / "handout" / name).write_bytes(spoilt)
    again = tmp_path / "again.pdf"
    assert _make(again, cache)  # everything parsed again
    assert again.read_bytes() == first.read_bytes()
    assert _entries(cache).keys() == good.keys()
    assert all(len(data) > 200 for data in _entries(cache).values())  # written again
    assert not _make(tmp_path / "third.pdf", cache)  # and read back


def test_a_cache_folder_that_cannot_be_made_is_no_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert _make(out, blocker)
    assert _make(tmp_path / "again.pdf", blocker)  # no cache: parsed again, still fine
    assert out.read_bytes() == (tmp_path / "again.pdf").read_bytes()


def test_a_folder_others_can_write_is_not_used(tmp_path):
    """Unpickling runs code named by the file: a folder anyone could plant a file in is
    never read from (nor written to)."""
    cache = tmp_path / "cache"
    (cache / "handout").mkdir(parents=True)
    os.chmod(cache / "handout", 0o777)
    _make(tmp_path / "out.pdf", cache)
    assert list((cache / "handout").iterdir()) == []


def test_an_entry_that_is_not_the_users_own_file_is_not_read(tmp_path, monkeypatch):
    from handout import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    key = ("stamp",)
    assert diskcache.store("test", ("one",), key, {"value": 1})
    assert diskcache.load("test", ("one",), key) == {"value": 1}
    assert diskcache.load("test", ("one",), ("another stamp",)) is None
    (path,) = (tmp_path / "cache" / "handout").iterdir()
    moved = path.with_name("elsewhere")
    path.rename(moved)
    path.symlink_to(moved)  # a link, even to a good entry, is not followed
    assert diskcache.load("test", ("one",), key) is None


def test_a_file_read_from_the_cache_is_still_an_input_never_an_output(tmp_path):
    """A clinic's view drawn from the cache was not read, but `-o` naming it is refused as
    before: writing there would destroy it."""
    cache, clinic = tmp_path / "cache", tmp_path / "clinic"
    views = clinic / "images" / "views"
    views.mkdir(parents=True)
    view = views / "outer-leg.svg"
    view.write_bytes((ROOT / "images" / "views" / "outer-leg.svg").read_bytes())
    _make(tmp_path / "out.pdf", cache, "--data", clinic)
    before = view.read_bytes()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    proc = subprocess.run([sys.executable, "-m", "handout", "make", EXAMPLES / "client.yaml",
                           "--brand", EXAMPLES / "brand.yaml", "--data", clinic, "-o", view],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "inputs" in proc.stderr, proc.stderr
    assert view.read_bytes() == before


def test_validate_checks_every_view_afresh_with_the_cache_full(tmp_path, first_make):
    cache = filled_cache(first_make, tmp_path)
    assert not _make(tmp_path / "again.pdf", cache)  # the cache is full ...
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    proc = subprocess.run([sys.executable, "-c", CHILD, "validate"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "svglib imported: True"  # ... not read


def test_an_svg_logo_holding_a_picture_prints_it_on_every_run(tmp_path):
    """svglib keeps a picture as a PIL image that pickling would spoil: such a drawing is
    never cached, and the second run prints the same picture as the first."""
    from PIL import Image

    Image.new("RGB", (60, 20), (200, 30, 30)).save(tmp_path / "photo.jpg")
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 300 100"><circle cx="50" cy="50" r="40" fill="#123456"/>'
        '<image x="100" y="0" width="200" height="100" xlink:href="photo.jpg"/></svg>',
        encoding="utf-8")
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Picture Clinic\nlogo: logo.svg\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    outs = []
    for name in ("first.pdf", "second.pdf"):
        out = tmp_path / name
        proc = subprocess.run([sys.executable, "-m", "handout", "make", EXAMPLES / "client.yaml",
                               "--brand", brand, "-o", out, "--reproducible"], env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and b"/Image" in outs[0]


def test_a_cached_make_asks_no_package_metadata_and_draws_no_pictogram(tmp_path, first_make):
    """With the cache full, the brand's font family's files come from it: neither fontpkg
    (which scans every installed package's entry points) nor importlib.metadata (the
    version is a constant in handout/_version.py) is imported; nor the pictogram code (the
    stretch pictures come drawn from the cache), nor PyYAML (the client, brand and template
    files, read again, are the texts it parsed last time)."""
    cache = filled_cache(first_make, tmp_path)
    child = ("import atexit, sys\n"
             "atexit.register(lambda: print('imported:', sorted(m for m in ('fontpkg',"
             " 'importlib.metadata', 'handout.render.pictograms', 'handout.render.pose', 'yaml')"
             " if m in sys.modules), file=sys.stderr))\n"
             "from handout.cli import main\n"
             "main(prog_name='handout')\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    proc = subprocess.run([sys.executable, "-c", child, "make", EXAMPLES / "client.yaml",
                           "--brand", EXAMPLES / "brand.yaml", "-o", tmp_path / "second.pdf",
                           "--reproducible"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "imported: []"
    assert (tmp_path / "second.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def test_a_font_family_removed_since_it_was_cached_is_asked_for_again(tmp_path, monkeypatch):
    """Cached font files that are gone (a package removed) are not used: fontpkg is asked."""
    from handout import diskcache, fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    gone = {"regular": tmp_path / "gone.ttf"}
    diskcache.store("fontpkg-files", ("Lato",), fonts._files_key(), gone)
    assert fonts._cached_files("Lato") is None
    found = fonts._fontpkg_files("Lato")
    assert found["regular"].is_file() and found != gone
    assert fonts._cached_files("Lato") == found


def _aged(path: Path, seconds_ago: float) -> None:
    import time

    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_the_folder_keeps_under_its_limit_the_entries_used_longest_ago_going_first(
        tmp_path, monkeypatch):
    """Each new client file's parse is an entry of its own: without pruning the folder
    would grow for ever. The oldest entries go (a miss, built again when asked for), the
    one just read stays, and a dead run's temporary file is cleared."""
    from handout import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "handout"
    blob = b"x" * 10_000
    monkeypatch.setattr(diskcache, "_pruned", True)  # pruned only where the test says
    for n in range(6):
        assert diskcache.store("test", (n,), ("k",), blob)
        _aged(diskcache._file("test", (n,)), 10 * 86400 - n * 3600)  # 0 is the oldest
    # entry 1, though old, is read now (more than a day after its writing): touched
    assert diskcache.load("test", (1,), ("k",)) == blob
    dead = folder / ".test-dead.pickle.abc.part"
    dead.write_bytes(b"half")
    _aged(dead, 2 * 3600)
    fresh = folder / ".test-writing.pickle.def.part"
    fresh.write_bytes(b"being written")

    size = diskcache._file("test", (0,)).stat().st_size
    diskcache.prune(folder, limit=3 * size + 10)

    kept = {n for n in range(6) if diskcache._file("test", (n,)).exists()}
    assert kept == {1, 4, 5}  # 0, 2, 3 were used longest ago; 1 was just read
    assert not dead.exists() and fresh.exists()
    assert diskcache.load("test", (1,), ("k",)) == blob


def test_a_store_prunes_once_a_process_and_a_run_that_only_reads_never_lists(
        tmp_path, monkeypatch):
    from handout import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = []
    monkeypatch.setattr(diskcache, "prune", lambda where, limit=None: calls.append(where))
    monkeypatch.setattr(diskcache, "_pruned", False)
    assert diskcache.store("test", ("a",), ("k",), 1)
    diskcache.load("test", ("a",), ("k",))
    assert diskcache.store("test", ("b",), ("k",), 2)
    assert calls == [tmp_path / "cache" / "handout"]
    monkeypatch.setattr(diskcache, "_pruned", False)
    for _ in range(3):
        assert diskcache.load("test", ("a",), ("k",)) == 1
    assert calls == [tmp_path / "cache" / "handout"]  # reading alone never prunes


def test_an_entry_in_a_cache_we_cannot_write_is_still_read(tmp_path, monkeypatch):
    """Touching an entry still in use may fail (a read-only cache): still a hit."""
    from handout import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert diskcache.store("test", ("ro",), ("k",), "value")
    _aged(diskcache._file("test", ("ro",)), 3 * 86400)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    assert diskcache.load("test", ("ro",), ("k",)) == "value"
