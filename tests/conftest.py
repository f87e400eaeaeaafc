"""Shared fixtures for the foundation tests: an isolated environment, the CLI runner,
the built-in data as plain YAML (to copy into clinic folders), and a few helpers.
"""

from __future__ import annotations

import copy
import hashlib
import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from handout.cli import main
from handout.library import builtin_data_dir

TESTS = Path(__file__).resolve().parent
BROKEN = TESTS / "data" / "broken"
DATA_FILES = ("points.yaml", "stretches.yaml", "tips.yaml", "safety.yaml", "protocols.yaml")

# A suite started in the background by a shell without job control (`(./.ci/run &)`,
# `bash -c '... &'`) inherits Ctrl-C ignored, and so does every process the tests start:
# the Ctrl-C tests' batches then go on to the end. Python's own handler, as in a terminal
# (a program the tests start gets the default action back when it runs).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path_factory):
    """Every test runs as on a fresh machine: no clinic data folder (HANDOUT_DATA), no config
    file (HANDOUT_CONFIG, the user's config folder, a ./handout.yaml), no brand left in the
    working folder, no disk cache of the user's (XDG_CACHE_HOME: it follows HOME). HOME is
    an empty folder and the working folder another, both new for each test (outside the
    test's own tmp_path, which stays empty for it); child processes started by a test
    inherit the same environment.
    """
    isolate(monkeypatch, tmp_path_factory.mktemp("isolated"))


def isolate(monkeypatch, root) -> None:
    """The environment of `isolated`, in folders under root (for a module fixture too: it
    is set up before any test's own; a child started in the checkout would import the
    checkout's package, not the installed one)."""
    for name in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)  # the config and cache folders follow HOME
    home = root / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = root / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # no ./handout.yaml from the repo or the user


# -- spreading the suite over the cores (pyproject: -n auto) -----------------------------------

# xdist hands out tests one at a time ("load"), so a fixture or a cache that several tests
# share is built again in each worker that runs one of them. These go to one worker as one
# unit of work instead (xdist's --dist loadgroup would do it from marks, but under pytest 9
# xdist 3.8 loses its group marks): a file's module fixtures (batch's tricky roster, the
# protocol PDFs of cards, make, plan, reference, precedence's handout) built once; the
# built-in site and the browser once; each page-quality variant made and measured once.
ONE_UNIT = {"tests/test_site.py": "site", "tests/test_site_browser.py": "site",
            "tests/test_site_failed_write.py": "site",
            "tests/test_batch.py": "batch", "tests/test_cards.py": "cards",
            "tests/test_make.py": "make", "tests/test_plan.py": "plan",
            "tests/test_reference.py": "reference", "tests/test_precedence.py": "precedence",
            "tests/test_readability.py": "readability",
            "tests/test_disk_cache.py": "disk cache"}  # one first make, copied  # textstat's word list: 0.8 s a process
ONE_UNIT_A_CASE = {"tests/test_page_quality.py"}  # the tests of one parameter set together
# The order the units start in (collection order, below): files of tests that take seconds
# first, so that the run ends on small tests that even out the two workers, not one worker
# finishing a browser test while the other idles.
SLOW_FIRST = ("test_site_browser", "test_site", "test_site_failed_write", "test_batch",
              "test_disk_cache",
              "test_fuzz", "test_qr", "test_hostile_io", "test_cards", "test_page_quality",
              "test_show_yaml", "test_reference", "test_make", "test_plan", "test_precedence",
              "test_startup", "test_lazy_fonts", "test_picture_cache", "test_atomic_writes",
              "test_terminals_and_api", "test_diagram_command", "test_roster_xlsx",
              "test_safety_matrix", "test_readability", "test_hostile_images",
              "test_yaml_loading", "test_diagrams", "test_pictograms")


def unit_of(nodeid: str) -> str:
    path, _, rest = nodeid.partition("::")
    if path in ONE_UNIT:
        return ONE_UNIT[path]
    if path in ONE_UNIT_A_CASE and "[" in rest:
        return path + "[" + rest.split("[", 1)[1]
    return nodeid


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a run without xdist never calls it
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None  # a --dist asked for on the command line is xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class Units(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    config.option.loadscopereorder = False  # in collection order, not largest unit first
    return Units(config, log)


def pytest_collection_modifyitems(config, items):
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    # stable: each file's tests stay together and in their order (module fixtures set up once)
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))


@pytest.fixture(scope="session")
def builtin_site(tmp_path_factory) -> Path:
    """The companion site from the built-in data, base URL https://clinic.example/care
    (given without its final slash), built once per test process for the tests that only
    read it (test_site.py, test_site_browser.py; test_site_failed_write.py copies it),
    which all run on one xdist worker (ONE_UNIT): built once. Built as `isolated` runs each
    test: no data folder or config of the machine's, an empty HOME."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_isolated(tmp_path_factory, "site", "-o", out,
                          "--base-url", "https://clinic.example/care")
    assert result.exit_code == 0, result.output
    return out


def run_isolated(tmp_path_factory, *args):
    """`handout ARGS...` (runcli.run) for a fixture wider than a test, which is set up before
    `isolated` runs: the same environment, an empty HOME and working folder of its own."""
    from runcli import run

    with pytest.MonkeyPatch.context() as mp:
        for name in ("HANDOUT_DATA", "HANDOUT_CONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.delenv(name, raising=False)
        mp.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        mp.chdir(tmp_path_factory.mktemp("work"))
        return run(*args)


@pytest.fixture(scope="session")
def builtin_dir() -> Path:
    return builtin_data_dir()


@pytest.fixture(scope="session")
def builtin_raw(builtin_dir) -> dict[str, dict]:
    """The built-in files parsed as plain YAML: {"points.yaml": {...}, ...}."""
    return {name: yaml.safe_load((builtin_dir / name).read_text(encoding="utf-8"))
            for name in DATA_FILES}


@pytest.fixture
def raw_point(builtin_raw):
    """A deep copy of one built-in point's YAML mapping, to edit into a clinic item."""
    def get(point_id: str) -> dict:
        for item in builtin_raw["points.yaml"]["points"]:
            if item["id"] == point_id:
                return copy.deepcopy(item)
        raise KeyError(point_id)
    return get


@pytest.fixture
def clinic(tmp_path) -> Path:
    folder = tmp_path / "clinic"
    folder.mkdir()
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    """Run `handout ARGS...` in-process; returns the click Result."""
    def run(*args, env=None):
        return runner.invoke(main, [str(a) for a in args], env=env)
    return run


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def line_no(path: Path, text: str) -> int:
    """The 1-based number of the only line of the file that contains `text`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if text in line]
    assert len(hits) == 1, (path, text, hits)
    return hits[0]


def digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in DATA_FILES}


def assert_clean_failure(result, exit_code: int = 1) -> str:
    """The command failed the way a user should see it: an exit code, a message, no traceback.

    Returns stderr (where click prints `Error: ...`).
    """
    assert result.exit_code == exit_code, (result.exit_code, result.output, result.exception)
    # An exception that escaped the command would be kept here instead of a SystemExit.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.strip(), "no error message"
    return result.stderr


def table_ids(output: str) -> list[str]:
    """The first column of a table printed by `handout points|stretches|tips|protocols`."""
    lines = output.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("----"))
    # A row's wrapped cells continue on lines that start blank.
    return [line.split()[0] for line in lines[rule + 1:] if line.strip() and not line[0].isspace()]
