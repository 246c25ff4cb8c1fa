"""Real public documents for the tests and benchmarks, read where they are, never copied here.

Third-party material (UN documents published in public repositories, PDF
libraries' test files, public labelled data sets) keeps its own terms and
stays out of this repository. ``tests/data/real/manifest.json`` names each
item by repository, commit, path and checksum; this module finds it on the
machine, in this order:

1. ``$VERIFY_REAL_DOCS/<owner>+<name>/<path>``: a plain folder holding copies;
2. a bare git snapshot of the repository at
   ``$VERIFY_SNAPSHOTS/<owner>+<name>/repo`` (default ``/work/.mirror``),
   read with ``git show <commit>:<path>``.

Every file is checked against the manifest's sha256 (a folder against its
git tree id when read from a snapshot), so a test never runs on something else
than what its expectations were written for. A test that needs an item the
machine does not have is skipped with the reason and the repository to get.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).parent / "data" / "real" / "manifest.json"
DEFAULT_SNAPSHOTS = "/work/.mirror"


class Unavailable(Exception):
    """The item is not on this machine (or not as the manifest describes it)."""


@dataclass(frozen=True)
class Item:
    key: str
    repo: str  # owner/name on GitHub
    commit: str
    path: str
    sha256: str | None = None  # for a file
    tree: str | None = None  # git tree id, for a folder
    licence: str = ""
    what: str = ""

    @property
    def slug(self) -> str:
        return self.repo.replace("/", "+")


@cache
def manifest() -> dict[str, Item]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {key: Item(key=key, **fields) for key, fields in data["items"].items()}


def item(key: str) -> Item:
    try:
        return manifest()[key]
    except KeyError:
        raise KeyError(f"{key!r} is not in {MANIFEST}") from None


def _snapshot(entry: Item) -> Path:
    return Path(os.environ.get("VERIFY_SNAPSHOTS", DEFAULT_SNAPSHOTS)) / entry.slug / "repo"


def _git(entry: Item, *args: str) -> bytes:
    git_dir = _snapshot(entry)
    if not git_dir.is_dir():
        raise Unavailable(
            f"{entry.key}: no copy on this machine; get github:{entry.repo} at {entry.commit[:12]} "
            f"(a snapshot under {git_dir.parent.parent} or a folder in VERIFY_REAL_DOCS)"
        )
    done = subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise Unavailable(
            f"{entry.key}: the snapshot of {entry.repo} lacks it ({done.stderr.decode(errors='replace').strip()})"
        )
    return done.stdout


def _copy_folder(entry: Item) -> Path | None:
    root = os.environ.get("VERIFY_REAL_DOCS")
    if not root:
        return None
    path = Path(root) / entry.slug / entry.path
    return path if path.exists() else None


def read_bytes(key: str) -> bytes:
    """The bytes of a file item, checked against its sha256."""
    entry = item(key)
    copy = _copy_folder(entry)
    data = copy.read_bytes() if copy is not None else _git(entry, "show", f"{entry.commit}:{entry.path}")
    digest = hashlib.sha256(data).hexdigest()
    if entry.sha256 and digest != entry.sha256:
        raise Unavailable(
            f"{entry.key}: the copy found has sha256 {digest[:12]}…, the manifest says {entry.sha256[:12]}…"
        )
    return data


def read_text(key: str) -> str:
    return read_bytes(key).decode("utf-8")


def folder_files(key: str) -> dict[str, bytes]:
    """The files directly inside a folder item, by name (the folder's git tree id is checked)."""
    entry = item(key)
    copy = _copy_folder(entry)
    if copy is not None:
        return {p.name: p.read_bytes() for p in sorted(copy.iterdir()) if p.is_file()}
    tree = _git(entry, "rev-parse", f"{entry.commit}:{entry.path}").decode().strip()
    if entry.tree and tree != entry.tree:
        raise Unavailable(
            f"{entry.key}: the snapshot's folder is tree {tree[:12]}…, the manifest says {entry.tree[:12]}…"
        )
    names = _git(entry, "ls-tree", "--name-only", f"{entry.commit}:{entry.path}").decode().split("\n")
    return {name: _git(entry, "show", f"{entry.commit}:{entry.path}/{name}") for name in names if name}


def require(key: str) -> bytes:
    """:func:`read_bytes`, or skip the calling test with the reason."""
    import pytest

    try:
        return read_bytes(key)
    except Unavailable as missing:
        pytest.skip(f"real document unavailable: {missing}")


def require_folder(key: str) -> dict[str, bytes]:
    import pytest

    try:
        return folder_files(key)
    except Unavailable as missing:
        pytest.skip(f"real document unavailable: {missing}")
