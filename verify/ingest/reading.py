"""Reading a named input (a file, or ``-`` for standard input) with a cap, and text with a byte-order mark.

Every command that reads a file reads it here, so the same rules hold
everywhere: ``-`` means standard input (never a file named ``-``); standard
input that is a terminal is refused at once instead of waiting silently for
typing; at most ``cap`` bytes are read from anything, so ``/dev/zero``, a FIFO
or an endless pipe ends with a message naming the cap instead of running
until memory is gone.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from verify.errors import VerifyError

STDIN = "-"
CHUNK = 1024 * 1024
BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def is_stdin(name: str | Path) -> bool:
    return str(name) == STDIN


def display_name(name: str | Path) -> str:
    return "standard input" if is_stdin(name) else str(name)


def _read_capped(stream: BinaryIO, cap: int, shown: str, hint: str, *, reject_nul: str | None) -> bytes:
    """Read until end of stream, refusing once more than ``cap`` bytes (or, if asked, a NUL byte) arrive."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(CHUNK, cap + 1 - total))
        if not chunk:
            return b"".join(parts)
        if reject_nul is not None and b"\x00" in chunk:
            raise VerifyError(f"{shown} contains NUL bytes; {reject_nul}")
        parts.append(chunk)
        total += len(chunk)
        if total > cap:
            raise VerifyError(f"{shown} is over the {human_size(cap)} limit; {hint}")


def read_input(
    name: str | Path, *, cap: int, what: str, hint: str = "raise it with --max-size", reject_nul: str | None = None
) -> bytes:
    """The bytes of file ``name`` or, for ``-``, of standard input; refused past ``cap`` bytes.

    ``what`` names the expected content for messages ("an article file");
    ``reject_nul``, when given, is the advice for input that must be text and
    holds a NUL byte (checked while reading, so ``/dev/zero`` ends at once).
    """
    if is_stdin(name):
        return read_stdin(cap=cap, what=what, hint=hint, reject_nul=reject_nul)
    path = Path(name)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise VerifyError(f"no such file: {path}") from None
    except OSError as exc:
        raise VerifyError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise VerifyError(f"{path} is a directory; give {what}")
    if stat.S_ISREG(info.st_mode) and info.st_size > cap:
        raise VerifyError(f"{path} is {human_size(info.st_size)}, over the {human_size(cap)} limit; {hint}")
    try:
        with open(path, "rb") as stream:
            return _read_capped(stream, cap, str(path), hint, reject_nul=reject_nul)
    except OSError as exc:
        raise VerifyError(f"cannot read {path}: {exc.strerror}") from None


def read_stdin(*, cap: int, what: str, hint: str = "raise it with --max-size", reject_nul: str | None = None) -> bytes:
    """Standard input, unless it is a terminal (a command would hang there waiting, silently)."""
    stream = sys.stdin
    if stream is None:
        raise VerifyError(f"standard input is closed; give {what} as a file instead of '-'")
    try:
        interactive = stream.isatty()
    except (ValueError, OSError):
        interactive = False
    if interactive:
        raise VerifyError(
            f"'-' reads {what} from standard input, which is a terminal; pipe it in (... | verify ...) or give a file"
        )
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text stream without bytes underneath (an embedding program's)
        data = stream.read(cap + 1).encode("utf-8")
        if len(data) > cap:
            raise VerifyError(f"standard input is over the {human_size(cap)} limit; {hint}")
        if reject_nul is not None and b"\x00" in data:
            raise VerifyError(f"standard input contains NUL bytes; {reject_nul}")
        return data
    return _read_capped(binary, cap, "standard input", hint, reject_nul=reject_nul)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces (UTF-8, UTF-16 or UTF-32), or None."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding
    return None


def decode_with_bom(data: bytes, name: str) -> str | None:
    """Text after a byte-order mark, decoded in the encoding it announces; None when there is no mark."""
    encoding = bom_encoding(data)
    if encoding is None:
        return None
    mark = next(m for m, e in BOMS if e == encoding)
    try:
        return data[len(mark) :].decode(encoding)
    except UnicodeDecodeError:
        raise VerifyError(
            f"{name} starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}"
        ) from None


def read_text_input(name: str | Path, *, cap: int, what: str, hint: str) -> str:
    """Text from a file or ``-`` (standard input): a byte-order mark honoured, else UTF-8; NUL refused."""
    shown = display_name(name)
    data = read_input(name, cap=cap, what=what, hint=hint)
    text = decode_with_bom(data, shown)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise VerifyError(f"{shown} is not UTF-8 text") from None
    if "\x00" in text:
        raise VerifyError(f"{shown} contains a NUL character (at position {text.index(chr(0)) + 1}); remove it")
    return text
