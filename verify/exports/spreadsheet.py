"""CSV text for spreadsheets: cells that never become formulas, and an Excel-friendly variant.

Plain CSV keeps verify's timestamps as stored (ISO 8601 UTC with microseconds,
``2026-11-26T12:00:00.000000Z``): exact, and what scripts expect. Excel
leaves that form as text, and opens a UTF-8 file without a byte order mark
in the legacy code page (``’`` becomes ``â€™``). ``excel=True`` therefore
starts the file with a UTF-8 BOM, writes timestamps as ``2026-11-26 12:00:00``
(still UTC, to the second), which Excel and Google Sheets read as date-times,
and ends lines with CRLF as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

BOM = "\ufeff"
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?")


def cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ would make it a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def excel_timestamp(value: Any) -> Any:
    """``2026-11-26T12:00:00.123456Z`` -> ``2026-11-26 12:00:00``; anything else unchanged."""
    if isinstance(value, str) and (match := _TIMESTAMP.fullmatch(value)):
        return f"{match[1]} {match[2]}"
    return value


def to_csv(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    excel: bool = False,
    timestamps: Sequence[str] = (),
) -> str:
    """The header and one line per row; with ``excel``, a BOM, CRLF and the ``timestamps`` columns for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(columns)
    convert = set(timestamps) if excel else set()
    for row in rows:
        writer.writerow([cell(excel_timestamp(row.get(c)) if c in convert else row.get(c)) for c in columns])
    return (BOM if excel else "") + buffer.getvalue()
