"""Put retrieved source files under ``sources/`` without ever leaving half a source.

A source folder (``original.pdf``, ``text.txt``, ``source.json``) is what a
fact-checker's citation ultimately rests on, so it must be all there or not
there at all, and it must agree with the database even if the process is
killed half-way. Placing a folder is therefore three steps:

1. :func:`stage_source_files` writes and fsyncs the files in a hidden
   ``.tmp-*`` folder, then renames it to the hidden ``.pending-<slug>``;
   this happens inside the database transaction that adds the source's row;
2. the transaction commits;
3. :func:`publish_staged` renames ``.pending-<slug>`` to ``<slug>``.

A crash leaves at most hidden entries behind; :mod:`verify.ingest.recovery`
rolls a ``.pending-<slug>`` forward when the row committed and removes it
otherwise, and removes every ``.tmp-*``. Folder names come
from source keys typed by users (``S/2023/370``), so they are slugified into
names that are safe on every filesystem and can never point outside
``sources/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path
from typing import Any

from verify.errors import VerifyError

MAX_SLUG_LENGTH = 80
TEMP_PREFIX = ".tmp-"
PENDING_PREFIX = ".pending-"
_HASH_LENGTH = 8
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)
_SAFE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the fingerprint recorded for a stored source."""
    return hashlib.sha256(data).hexdigest()


def slugify_key(key: str) -> str:
    """A folder name for a source key: ``"S/2023/370"`` -> ``"s-2023-370"``.

    Lower-case ASCII letters, digits, ``-``, ``_`` and single inner dots only,
    so the name cannot climb out of ``sources/`` (no ``..``, no leading dot, no
    separators), is not a Windows device name, and stays short. When the name
    had to be truncated, or nothing usable was left, a short hash of the key
    is appended so distinct keys keep distinct folders.
    """
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    slug = ascii_text.lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", slug)  # separators, spaces, NUL, punctuation
    slug = re.sub(r"\.{2,}", ".", slug)
    slug = re.sub(r"-*\.-*", ".", slug)  # "a-.-b" -> "a.b"
    slug = re.sub(r"-{2,}", "-", slug)
    slug = slug.strip("-._")
    digest = sha256_bytes(key.encode("utf-8", "surrogatepass"))[:_HASH_LENGTH]
    if not slug:
        return f"source-{digest}"
    stem, dot, rest = slug.partition(".")
    if stem in _WINDOWS_RESERVED:
        slug = f"{stem}_{dot}{rest}"
    if len(slug) > MAX_SLUG_LENGTH:
        head = slug[: MAX_SLUG_LENGTH - _HASH_LENGTH - 1].rstrip("-._")
        slug = f"{head}-{digest}"
    return slug


def _check_name(name: str, what: str) -> None:
    """Refuse a folder or file name that could escape its parent or hide itself."""
    if not _SAFE_NAME_RE.fullmatch(name) or ".." in name or len(name) > 255:
        raise VerifyError(f"unsafe {what} {name!r}: use letters, digits, '-', '_' and '.' only")
    if name.split(".", 1)[0].lower() in _WINDOWS_RESERVED:
        raise VerifyError(f"unsafe {what} {name!r}: reserved device name on Windows")


def _inside(path: Path, root: Path) -> bool:
    """True when ``path`` resolves to something strictly below ``root``."""
    resolved, base = path.resolve(), root.resolve()
    return resolved != base and resolved.is_relative_to(base)


def store_source_files(sources_dir: Path, slug: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` as the new folder ``sources_dir/slug`` (stage, then publish at once).

    For callers without a database transaction to wait for (tests, tools);
    :func:`verify.workflow.archiving.add_source` stages before its commit and
    publishes after it.
    """
    stage_source_files(sources_dir, slug, files)
    return publish_staged(sources_dir, slug)


def pending_path(sources_dir: Path, slug: str) -> Path:
    """Where a staged folder waits for its transaction: ``sources_dir/.pending-<slug>``."""
    return Path(sources_dir) / f"{PENDING_PREFIX}{slug}"


def stage_source_files(sources_dir: Path, slug: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` as the hidden folder ``sources_dir/.pending-<slug>``, atomically.

    Nothing is replaced: if ``<slug>`` (or a pending folder for it) exists
    the caller must pick another slug (a new version is a new key). On any
    failure the temporary folder is removed, so ``sources_dir`` looks exactly
    as before. Returns the pending folder; :func:`publish_staged` moves it
    into place once the database has committed.
    """
    _check_name(slug, "source folder name")
    if not files:
        raise VerifyError(f"no files to store for source {slug}")
    for name in files:
        _check_name(name, "source file name")
    sources_dir = Path(sources_dir)
    try:
        sources_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VerifyError(f"cannot create sources folder {sources_dir}: {exc.strerror}") from None
    target = sources_dir / slug
    pending = pending_path(sources_dir, slug)
    if not _inside(target, sources_dir) or not _inside(pending, sources_dir):
        raise VerifyError(f"source folder {slug!r} would lie outside {sources_dir}")
    exists = f"source folder {target} already exists; refusing to overwrite it"
    if os.path.lexists(target):
        raise VerifyError(exists)
    if os.path.lexists(pending):
        raise VerifyError(f"{pending} is left from an interrupted run; 'verify source check' cleans it up")
    temp = _make_temp_dir(sources_dir)
    try:
        try:
            for name, data in files.items():
                _write_new_file(temp / name, data)
            _fsync_dir(temp)
        except OSError as exc:
            raise VerifyError(f"cannot write source files for {slug}: {exc.strerror}") from None
        if os.path.lexists(target) or os.path.lexists(pending):  # appeared while we were writing
            raise VerifyError(exists)
        try:
            os.rename(temp, pending)
        except OSError as exc:
            if os.path.lexists(pending):
                raise VerifyError(exists) from None
            raise VerifyError(f"cannot store source files in {pending}: {exc.strerror}") from None
    except BaseException:
        remove_tree_quietly(temp)
        raise
    with contextlib.suppress(OSError):  # the staged folder must survive a power cut before the commit
        _fsync_dir(sources_dir)
    return pending


def publish_staged(sources_dir: Path, slug: str) -> Path:
    """Rename ``.pending-<slug>`` to ``<slug>`` after the commit; idempotent.

    Recovery in another process may already have done it (it rolls committed
    pending folders forward), so a pending folder that is gone while the
    target exists counts as done.
    """
    sources_dir = Path(sources_dir)
    target = sources_dir / slug
    pending = pending_path(sources_dir, slug)
    try:
        os.rename(pending, target)
    except OSError as exc:
        if not os.path.lexists(pending) and os.path.isdir(target):
            return target
        raise VerifyError(
            f"the source is recorded but {pending} could not be moved to {target} ({exc.strerror}); "
            "'verify source check' finishes the move"
        ) from None
    with contextlib.suppress(OSError):
        _fsync_dir(sources_dir)
    return target


def remove_tree_quietly(path: Path) -> None:
    """Delete a stored source folder (or file) and ignore what is already gone.

    Used for rollback when the database transaction fails after the files
    were placed; a rollback must not raise a second error over the first.
    A symlink is removed itself, never followed.
    """
    path = Path(path)
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def json_bytes(obj: Any) -> bytes:
    """Deterministic JSON (sorted keys, indent 2, UTF-8, trailing newline).

    Deterministic so that re-writing unchanged metadata gives identical bytes
    and ``git diff`` of ``sources/`` shows only real changes.
    """
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write ``obj`` as deterministic JSON to ``path``, replacing it atomically."""
    write_bytes_atomic(path, json_bytes(obj))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or new file, never a mix.

    The temporary file lives in the same folder (``os.replace`` is only atomic
    within one filesystem) and is fsynced before the rename.
    """
    path = Path(path)
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}-{secrets.token_hex(4)}")
    try:
        _write_new_file(temp, data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(path.parent)


def _make_temp_dir(parent: Path) -> Path:
    """A fresh hidden folder in ``parent``, created with the user's umask.

    ``tempfile.mkdtemp`` would create it 0700, which the final source folder
    would then keep; a shared ``sources/`` needs normal permissions.
    """
    for _ in range(100):
        candidate = parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
        try:
            candidate.mkdir(mode=0o777)
        except FileExistsError:
            continue
        except OSError as exc:
            raise VerifyError(f"cannot write to sources folder {parent}: {exc.strerror}") from None
        return candidate
    raise VerifyError(f"cannot create a temporary folder in {parent}")


def _write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist), write ``data`` and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Persist a folder's entries (new names, renames); a no-op where unsupported."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def leftovers(sources_dir: Path) -> list[str]:
    """Hidden staging entries in ``sources_dir`` (cheap: one directory listing)."""
    try:
        names = os.listdir(sources_dir)
    except OSError:  # no sources folder yet, or not readable: nothing to recover
        return []
    return sorted(n for n in names if n.startswith((TEMP_PREFIX, PENDING_PREFIX)))
