"""Writing an output file so that readers never see half of it.

The text is written to a temporary file in the target's folder and renamed
over the target: a failure (disk full, interrupted) leaves the old file, or
no file, never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from verify.errors import VerifyError


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) in one rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise VerifyError(f"output {path} is a directory; give a file name")
    if not folder.is_dir():
        raise VerifyError(f"folder {folder} for output {path.name} does not exist; create it first")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise VerifyError(f"cannot write to {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise VerifyError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
