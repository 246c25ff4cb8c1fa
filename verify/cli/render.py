"""Turning result data into output: JSON (bare documented shape), CSV, or rich tables.

Everything printed goes through here, and here untrusted text is made safe to
print (see verify/text/safe.py): tables, messages and rich text show control
characters and bidi overrides as escapes; JSON keeps them, escaped; CSV keeps
them for a file or pipe and shows them as escapes on a terminal.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from verify.text.safe import json_escape, safe_console, visible


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ItemFormat(StrEnum):
    table = "table"
    json = "json"


def print_json(data: Any) -> None:
    """One JSON document. Listings print one compact element per line: valid JSON,
    easy to grep and diff, and fast (the C encoder; ``indent`` falls back to Python)."""
    if isinstance(data, list):
        if not data:
            sys.stdout.write("[]\n")
            return
        lines = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in data)
        sys.stdout.write(json_escape("[\n" + lines + "\n]\n"))
    else:
        sys.stdout.write(json_escape(json.dumps(data, ensure_ascii=False, indent=2) + "\n"))


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, header: bool = True) -> None:
    """CSV on stdout: the data as stored into a file or pipe; on a terminal, control characters shown as escapes.

    ``header=False`` continues a table printed in parts (rows written as they are computed)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    shown = visible if to_terminal() else None
    if header:
        writer.writerow(columns)
    for row in rows:
        cells = [
            json.dumps(row.get(c), ensure_ascii=False) if isinstance(row.get(c), dict | list) else row.get(c)
            for c in columns
        ]
        writer.writerow([shown(c) if shown and isinstance(c, str) else c for c in cells])


def to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (ValueError, AttributeError):
        return False


def console(stderr: bool = False, soft_wrap: bool = False) -> Any:
    """A rich console whose ``print`` shows control characters and bidi overrides in what it is given as escapes."""
    return safe_console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


CAP = 24  # widest a kept column (not ``whole``) may be
MIN_CUT = 8  # narrowest a column in ``cut`` is shown; below that it is hidden
MIN_LAST = 20  # room kept for the last column before hiding a ``cut`` one


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    cut: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> None:
    """A table that keeps one line per row and fits the screen, whatever its width.

    Columns keep their width (capped at 24 characters; uncapped for those named in
    ``whole``); the last column gets what is left and is cut with an ellipsis.
    Columns named in ``cut`` may be narrowed too, and are hidden (in the order
    named, all-empty ones first) when the screen is too narrow to show them and
    still leave the last column some room; the caption says which were hidden.
    """
    from rich.table import Table

    cells = [["" if v is None else visible(str(v), one_line=True) for v in row] for row in rows]
    natural = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]
    last = len(columns) - 1
    fixed = {
        i: natural[i] if columns[i] in whole else min(natural[i], CAP) for i in range(last) if columns[i] not in cut
    }
    flexible = [columns.index(name) for name in cut if name in columns[:last]]
    flexible.sort(key=lambda i: not all(row[i] == "" for row in cells))  # all-empty columns are hidden first
    screen = console()

    def room(shown: list[int]) -> int:  # 3 = borders/padding per column
        return screen.width - sum(fixed.values()) - 3 * (len(fixed) + len(shown) + 1) - 1

    while flexible and room(flexible) < sum(min(natural[i], MIN_CUT) for i in flexible) + min(natural[last], MIN_LAST):
        flexible.pop(0)
    widths = dict(fixed)
    left = room(flexible)
    for i in flexible:
        share = max(min(natural[i], MIN_CUT), left // (len(flexible) + 1))
        widths[i] = min(natural[i], CAP, share)
    widths[last] = min(natural[last], max(left - sum(widths[i] for i in flexible), 1))  # never wider than the screen
    shown = sorted(widths)
    hidden = [name for i, name in enumerate(columns) if i not in widths]
    if hidden:
        note = f"hidden at this width: {', '.join(hidden)}"
        caption = f"{caption} ({note})" if caption else note
    out = Table(
        title=title, caption=caption, show_lines=False, expand=False, title_justify="left", caption_justify="left"
    )
    for i in shown:
        out.add_column(columns[i], no_wrap=True, overflow="ellipsis", width=widths[i])
    for row in cells:
        out.add_row(*(row[i] for i in shown))
    screen.print(out)


def say(message: str) -> None:
    """A one-line human message on stdout (markup-free)."""
    console(soft_wrap=True).print(message, markup=False)


def warn(message: str) -> None:
    """A warning on stderr: the command succeeded, but something needs a person's eye."""
    console(stderr=True, soft_wrap=True).print(message, markup=False)


def marked_snippet(text: str, terms: Sequence[str], width: int = 300) -> str:
    """Rich markup of ``text`` (cut to ``width``) with words starting like a matched term in bold."""
    import re

    from rich.markup import escape

    flat = " ".join(text.split())
    if len(flat) > width:
        flat = flat[: flat.rfind(" ", 0, width)] + " …"
    stems = tuple(sorted({t[: max(4, len(t) - 2)] for t in terms if len(t) > 1}, key=len, reverse=True))
    out = []
    for piece in re.split(r"(\w+)", flat):
        if piece and piece.lower().startswith(stems) and re.match(r"\w", piece):
            out.append(f"[bold underline]{escape(piece)}[/]")
        else:
            out.append(escape(piece))
    return "".join(out)


def when(iso: str | None) -> str:
    """A stored ISO timestamp as a reader wants it in a table: ``2026-12-03 17:29`` (UTC as stored)."""
    if not iso:
        return ""
    return iso[:16].replace("T", " ")
