"""Atomic, contained storage of source files under sources/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from verify.errors import VerifyError
from verify.ingest import storage
from verify.ingest.storage import (
    MAX_SLUG_LENGTH,
    json_bytes,
    remove_tree_quietly,
    sha256_bytes,
    slugify_key,
    store_source_files,
    write_bytes_atomic,
    write_json_atomic,
)

FILES = {
    "original.pdf": b"%PDF-1.7\n",
    "text.txt": "para. 68 — text".encode(),
    "source.json": b"{}\n",
}


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("S/2023/370", "s-2023-370"),
        ("A/78/123/Add.1", "a-78-123-add.1"),
        ("S/RES/2665 (2022)", "s-res-2665-2022"),
        ("../../etc/passwd", "etc-passwd"),
        ("/etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("a..b", "a.b"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("nul\0byte", "nul-byte"),
        ("Al-Qaida Sanctions Monitoring Team", "al-qaida-sanctions-monitoring-team"),
        ("Rapport préliminaire", "rapport-preliminaire"),
        ("CON", "con_"),
        ("com1", "com1_"),
        ("lpt9.txt", "lpt9_.txt"),
        ("console", "console"),
    ],
)
def test_slugify_key(key: str, slug: str) -> None:
    assert slugify_key(key) == slug


@pytest.mark.parametrize("key", ["", "...", "///", "\0", "تقرير", "..\\.."])
def test_slugify_empty_gets_hash_name(key: str) -> None:
    slug = slugify_key(key)
    assert slug.startswith("source-") and len(slug) == len("source-") + 8


def test_slugify_long_key_truncated_with_hash() -> None:
    key_a, key_b = "x" * 200 + "a", "x" * 200 + "b"
    slug_a, slug_b = slugify_key(key_a), slugify_key(key_b)
    assert len(slug_a) <= MAX_SLUG_LENGTH and len(slug_b) <= MAX_SLUG_LENGTH
    assert slug_a != slug_b
    assert slugify_key(key_a) == slug_a  # deterministic


@pytest.mark.parametrize(
    "key",
    ["S/2023/370", "../x", "/abs", "a\0b", "CON", ".", "..", "x" * 500, "A/78/123/Add.1/Corr.2"],
)
def test_slugs_are_always_safe(key: str) -> None:
    slug = slugify_key(key)
    assert slug and not slug.startswith(".") and ".." not in slug
    assert "/" not in slug and "\\" not in slug and "\0" not in slug
    assert slug == slug.lower() and slug.isascii() and len(slug) <= MAX_SLUG_LENGTH


def test_store_source_files_writes_all_files(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    target = store_source_files(sources, "s-2023-370", FILES)
    assert target == sources / "s-2023-370"
    assert {p.name: p.read_bytes() for p in target.iterdir()} == FILES
    assert [p.name for p in sources.iterdir()] == ["s-2023-370"]  # no temp folder left


def test_store_refuses_existing_target(tmp_path: Path) -> None:
    store_source_files(tmp_path, "s-2023-370", FILES)
    with pytest.raises(VerifyError, match="already exists"):
        store_source_files(tmp_path, "s-2023-370", {"original.pdf": b"new"})
    assert (tmp_path / "s-2023-370" / "original.pdf").read_bytes() == FILES["original.pdf"]
    assert [p.name for p in tmp_path.iterdir()] == ["s-2023-370"]


def test_store_refuses_existing_empty_dir_and_symlink(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    for slug in ("empty", "link"):
        with pytest.raises(VerifyError, match="already exists"):
            store_source_files(tmp_path, slug, FILES)


@pytest.mark.parametrize("slug", ["..", ".", "../escape", "a/b", "/abs", ".tmp-x", "", "a\0b", "CON", "x" * 300])
def test_store_refuses_unsafe_slug(tmp_path: Path, slug: str) -> None:
    sources = tmp_path / "sources"
    with pytest.raises(VerifyError, match="unsafe source folder name"):
        store_source_files(sources, slug, FILES)
    assert not (tmp_path / "escape").exists()


@pytest.mark.parametrize("name", ["../x.pdf", "sub/x.pdf", ".hidden", "", "nul.txt"])
def test_store_refuses_unsafe_file_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(VerifyError, match="unsafe source file name"):
        store_source_files(tmp_path, "s-2023-370", {name: b"x"})
    assert list(tmp_path.iterdir()) == []


def test_store_refuses_sources_dir_symlink_escape(tmp_path: Path) -> None:
    """A slug that is a symlink out of sources/ is caught by resolve-and-compare."""
    outside = tmp_path / "outside"
    outside.mkdir()
    sources = tmp_path / "sources"
    sources.mkdir()
    os.symlink(outside, sources / "s-1")
    with pytest.raises(VerifyError):
        store_source_files(sources, "s-1", FILES)
    assert list(outside.iterdir()) == []


def test_failure_while_writing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = storage._write_new_file
    calls = []

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(storage, "_write_new_file", failing_write)
    with pytest.raises(VerifyError, match="No space left on device"):
        store_source_files(tmp_path, "s-2023-370", FILES)
    assert list(tmp_path.iterdir()) == []


def test_interrupt_while_writing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: Path, data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "_write_new_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store_source_files(tmp_path, "s-2023-370", FILES)
    assert list(tmp_path.iterdir()) == []


def test_store_requires_files(tmp_path: Path) -> None:
    with pytest.raises(VerifyError, match="no files"):
        store_source_files(tmp_path, "s-2023-370", {})


def test_stored_folder_uses_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = store_source_files(tmp_path, "s-2023-370", FILES)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o755
    assert (target / "text.txt").stat().st_mode & 0o777 == 0o644


def test_remove_tree_quietly(tmp_path: Path) -> None:
    target = store_source_files(tmp_path, "s-2023-370", FILES)
    remove_tree_quietly(target)
    assert not target.exists()
    remove_tree_quietly(target)  # already gone: no error
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "file").write_bytes(b"x")
    link = tmp_path / "link"
    link.symlink_to(keep)
    remove_tree_quietly(link)  # removes the link, never what it points to
    assert not link.exists() and (keep / "file").exists()


def test_sha256_bytes() -> None:
    assert sha256_bytes(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_write_json_atomic_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "source.json"
    write_json_atomic(path, {"title": "Rapport — ٢٠٢٣", "key": "S/2023/370", "n": [1, 2]})
    text = path.read_text(encoding="utf-8")
    expected = [
        "{",
        '  "key": "S/2023/370",',
        '  "n": [',
        "    1,",
        "    2",
        "  ],",
        '  "title": "Rapport — ٢٠٢٣"',
        "}",
        "",
    ]
    assert text == "\n".join(expected)
    assert json.loads(text)["title"] == "Rapport — ٢٠٢٣"
    assert json_bytes({"b": 1, "a": 2}) == json_bytes({"a": 2, "b": 1})
    write_json_atomic(path, {"key": "S/2023/549"})
    assert json.loads(path.read_text())["key"] == "S/2023/549"
    assert [p.name for p in tmp_path.iterdir()] == ["source.json"]


def test_write_bytes_atomic_keeps_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "text.txt"
    write_bytes_atomic(path, b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="rename failed"):
        write_bytes_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["text.txt"]
