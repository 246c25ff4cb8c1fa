"""Values in an import file that one backend would store and the other refuse, refused on both before writing.

An id of 2^63 overflows SQLite's driver and PostgreSQL's BIGINT; a NUL
character is stored by SQLite and refused by PostgreSQL. Checking the parsed
file first gives the same one-line message on both, naming where the value is.
"""

from __future__ import annotations

from typing import Any

from verify.errors import VerifyError

LIMIT = 2**63 - 1  # the largest INTEGER/BIGINT both SQLite and PostgreSQL accept


def check_values(data: Any, name: str, where: str = "") -> None:
    """Walk the parsed export; refuse an integer beyond ±(2^63 - 1) or a string holding NUL."""
    if isinstance(data, bool):
        return
    if isinstance(data, int):
        if not -LIMIT <= data <= LIMIT:
            raise VerifyError(f"{name}: the number at {where or 'the top'} is out of range (at most {LIMIT})")
    elif isinstance(data, str):
        if "\x00" in data:
            raise VerifyError(f"{name}: the text at {where or 'the top'} contains a NUL character")
    elif isinstance(data, dict):
        for key, value in data.items():
            check_values(value, name, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_values(value, name, f"{where}[{index}]")
