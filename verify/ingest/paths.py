"""Keep every source folder inside ``sources/``.

A source's ``path`` is normally a slug verify chose itself, but an import
file (or a hand-edited database) can carry any text there, and ``source
check`` would then read wherever it points: ``/etc``, ``../..``, or a
symlink inside ``sources/`` that leads out of it. Such a path is refused
before anything is written, and ``source check`` never follows one.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath


def source_path_problem(path: object, sources_dir: Path | None = None) -> str | None:
    """Why ``path`` cannot be a source folder under ``sources_dir``, or None when it is safe.

    ``None`` (a registered source not yet retrieved) is safe. Without
    ``sources_dir`` only the text is checked; with it, symlinks are resolved
    too, so a link pointing out of the folder is caught.
    """
    if path is None:
        return None
    if not isinstance(path, str):
        return f"is {type(path).__name__}, not a folder name"
    if not path.strip():
        return "is empty"
    if any(ord(ch) < 32 for ch in path):
        return "contains control characters"
    if "\\" in path or PureWindowsPath(path).drive:
        return "uses Windows separators or a drive letter"
    pure = PurePosixPath(path)
    if pure.is_absolute():
        return "is an absolute path"
    if ".." in pure.parts:
        return "contains '..'"
    if sources_dir is not None:
        root = sources_dir.resolve()
        target = (sources_dir / pure).resolve()
        if target == root or not target.is_relative_to(root):
            return f"resolves to {target}, outside {sources_dir} (a symlink leads out)"
    return None
