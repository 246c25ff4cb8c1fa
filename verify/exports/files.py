"""Writing an output file so that readers never see half of it, and never through a trap.

``--output -`` means standard output. Any other target must be a new name in an
existing folder, or an existing regular file with no other hard link: the text is
written to a temporary file in the target's folder, flushed and fsynced, and
renamed over the target, so a failure (disk full, interrupted, killed) leaves the
old file, or no file, never a truncated one. A symbolic link, a device, a FIFO, a
socket or a directory is refused rather than silently replaced by a regular file
(writing "through" them is what ``-`` is for); so is a file with other hard links,
which a rename would silently detach from the new text.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from verify.errors import VerifyError

STDOUT = "-"

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def write_output(target: Path | None, text: str) -> None:
    """The one way commands write a finished text: stdout for ``None`` or ``-``, else atomically to a file."""
    if target is None or str(target) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(target, text)


def check_target(path: Path) -> os.stat_result | None:
    """Refuse a target that is not a regular file or a new name; return its stat when it exists."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise VerifyError(f"cannot use output {path}: {exc.strerror}") from None
    if info is not None:
        for test, kind in _KINDS:
            if test(info.st_mode):
                hint = (
                    "give a file name" if kind == "a directory" else "give a regular file, or '-' for standard output"
                )
                raise VerifyError(f"output {path} is {kind}; refusing to replace it ({hint})")
        if not stat.S_ISREG(info.st_mode):
            raise VerifyError(f"output {path} is not a regular file; refusing to replace it")
        if info.st_nlink > 1:
            raise VerifyError(
                f"output {path} has {info.st_nlink - 1} other hard link(s); replacing it would detach them "
                "(give another name)"
            )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise VerifyError(f"folder {folder} for output {path} does not exist; create it first")
    return info


def _mode_for(info: os.stat_result | None) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    if info is not None:
        return info.st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform opens folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) in one rename, after checking what it is."""
    info = check_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise VerifyError(f"cannot write to {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode_for(info))
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise VerifyError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
