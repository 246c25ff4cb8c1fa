"""Turning result data into output: JSON (bare documented shape), CSV, or rich tables."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any


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
        sys.stdout.write("[\n" + lines + "\n]\n")
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [json.dumps(row.get(c), ensure_ascii=False) if isinstance(row.get(c), dict | list) else row.get(c) for c in columns]
        )


def console(stderr: bool = False, soft_wrap: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str | None = None) -> None:
    """A table that keeps one line per row: the last column is cut with an ellipsis."""
    from rich.table import Table

    out = Table(title=title, caption=caption, show_lines=False, expand=False, title_justify="left", caption_justify="left")
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    natural = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]
    widths = [min(width, 24) for width in natural[:-1]] + [natural[-1]]  # only the last column is not capped
    screen = console()
    # Every column but the last keeps its width; the last gets what is left (3 = borders/padding per column).
    remaining = max(screen.width - sum(widths[:-1]) - 3 * len(columns) - 1, 10)
    for index, name in enumerate(columns):
        last = index == len(columns) - 1
        out.add_column(name, no_wrap=True, overflow="ellipsis", width=min(widths[-1], remaining) if last else widths[index])
    for row in cells:
        out.add_row(*row)
    screen.print(out)


def say(message: str) -> None:
    """A one-line human message on stdout (markup-free)."""
    console(soft_wrap=True).print(message, markup=False)


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
