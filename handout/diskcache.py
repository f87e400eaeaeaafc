"""A cache on disk of what is costly to build again at every start: the parsed, checked
library (library.py), the body views and SVG logos drawn by svglib (svgview.py,
vector.py), the point diagrams and stretch pictures drawn from them (figures.py), and
what each YAML file's text parsed to (yamlio.py: an entry a file, its text's digest in
the key).

It lives in $XDG_CACHE_HOME/handout (else ~/.cache/handout), a folder made with mode 0700;
deleting it is always safe. Each entry is one file: a header (format, what it is, and the
key: the package's version and the path, size and mtime_ns of every file it was built
from) and then the value. An entry whose key differs, or that cannot be read or unpickled
for any reason, is a miss and is rebuilt; a folder that cannot be made or written means
no cache. Nothing here ever raises. The folder keeps itself under LIMIT bytes: the
entries used longest ago go first (a removed entry is only a miss).

Values are pickled. Unpickling runs code named by the file, so an entry is read only from
a folder this user owns and nobody else can write (not a link), and only from a regular
file this user owns: anyone who could plant a file there could already run code as the
user.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import tempfile
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

FORMAT = 1
SUFFIX = ".pickle"
# The folder is kept under this size: every point's diagram at every size is about 7 MB,
# but each new client file's parse is an entry of its own, so it would grow for ever.
LIMIT = 64 * 1024 * 1024
STALE_PART = 3600  # seconds: a temporary file this old was left by a run that died
TOUCH_AFTER = 24 * 3600  # seconds: an entry read this long after its last touch is touched


def folder() -> Path | None:
    """The cache folder, made if need be, or None when it cannot be used safely."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative path is to be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    path = root / "handout"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    if (not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid()
            or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return None
    return path


def stamp(path: str | Path) -> tuple:
    """What a key records of one file: its path, size and mtime_ns (None: not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


def folder_stamp(path: str | Path) -> tuple:
    """The stamps of every entry of a folder, by name (a file added or removed changes it)."""
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return (str(path), None)
    return (str(path), tuple(stamp(os.path.join(path, name)) for name in names))


@lru_cache(maxsize=1)
def code_stamp() -> tuple:
    """The package's version and its own modules' stamps: an editable install whose code
    changes under the same version (a developer's) must not read what older code built."""
    from . import __version__

    package = Path(__file__).resolve().parent
    return (__version__, tuple(stamp(p) for p in sorted(package.rglob("*.py"))))


def _file(kind: str, identity: tuple) -> Path | None:
    where = folder()
    if where is None:
        return None
    digest = hashlib.sha256(repr((kind, identity)).encode("utf-8", "surrogateescape"))
    return where / f"{kind}-{digest.hexdigest()[:24]}{SUFFIX}"


_bypassed = 0  # > 0: nothing is read from the cache (see bypassed())


@contextmanager
def bypassed():
    """Within this, nothing is read from the cache (`handout validate` checks every file
    afresh); what is built is still kept."""
    global _bypassed
    _bypassed += 1
    try:
        yield
    finally:
        _bypassed -= 1


def load(kind: str, identity: tuple, key: tuple):
    """The value stored for (kind, identity) under exactly this key, or None."""
    path = None if _bypassed else _file(kind, identity)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
                return None
            data = handle.read()
            if time.time() - st.st_mtime > TOUCH_AFTER:
                _touch(handle.fileno())
        stream = io.BytesIO(data)
        if pickle.load(stream) != (FORMAT, kind, repr(identity), key):
            return None
        return pickle.load(stream)
    except Exception:  # damaged, truncated, foreign: a miss (pickle raises many kinds)
        return None


def _touch(fd: int) -> None:
    """Mark an entry still in use: pruning removes the entries used longest ago first."""
    try:
        os.utime(fd)
    except OSError:  # a cache we may read but not write: still a hit
        pass


def store(kind: str, identity: tuple, key: tuple, value) -> bool:
    """Keep a value for (kind, identity) under this key, atomically; False if it could not
    be (no folder, a value that does not pickle, a full disk)."""
    path = _file(kind, identity)
    if path is None:
        return False
    try:
        buffer = io.BytesIO()
        pickle.dump((FORMAT, kind, repr(identity), key), buffer, pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, buffer, pickle.HIGHEST_PROTOCOL)
        _prune_once(path.parent)
        _write(buffer.getvalue(), path)
    except Exception:
        return False
    return True


_pruned = False


def _prune_once(where: Path) -> None:
    """Once a process, before its first write: a run that only reads the cache (every
    cached make) never lists the folder."""
    global _pruned
    if not _pruned:
        _pruned = True
        prune(where)


def prune(where: Path, limit: int | None = None) -> None:
    """Keep the folder under `limit` bytes (LIMIT unless given): the entries used longest
    ago go first (an entry's time is its writing, or its last reading a day or more after
    that), and the temporary files of runs that died (older than STALE_PART)."""
    limit = LIMIT if limit is None else limit
    entries = []
    now = time.time()
    try:
        with os.scandir(where) as listing:
            for entry in listing:
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
                if entry.name.endswith(".part") and now - st.st_mtime > STALE_PART:
                    _remove(entry.path)
                elif entry.name.endswith(SUFFIX):
                    entries.append((st.st_mtime_ns, entry.name, st.st_size, entry.path))
    except OSError:
        return
    total = sum(size for _, _, size, _ in entries)
    for _, _, size, path in sorted(entries):
        if total <= limit:
            break
        if _remove(path):
            total -= size


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True


def _write(data: bytes, path: Path) -> None:
    """Atomically (a temporary file renamed over it), as files.atomic_file writes, but not
    synced to disk: a cache need not outlive a crash (a torn entry is a miss), and a
    render writes dozens of entries. Not through files.py either: an entry is no output
    of the run, so it is not claimed against the run's inputs."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp: mode 0600 already
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def through(kind: str, identity: tuple, key: tuple, build, keep=lambda value: True):
    """The value kept for (kind, identity) under this key, else build() (kept for next
    time if keep(value): only what it returns, never its errors). Take the key before
    build() reads its files, so a change meanwhile is a miss next time."""
    value = load(kind, identity, key)
    if value is None:
        value = build()
        if keep(value):
            store(kind, identity, key, value)
    return value
