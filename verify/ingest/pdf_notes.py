"""Endnotes and tables of contents among a PDF's paragraph drafts.

Endnotes: reports of the 2019 layout gather their notes under a "Notes" (or
"Endnotes") heading at the end of the document or of each section, one note
a paragraph starting with its number ("12 See A/HRC/40/3, para. 5.").  The
lines under such a heading are cut at each number that continues the
sequence, and every piece becomes a ``footnote N`` draft, so the note is a
passage of its own and the paragraph whose raised marker cited it is linked
to it (``footnote_to``), exactly like a footnote at the foot of a page.

Tables of contents: a "Contents" heading followed by entries ending in a page
number (with or without dot leaders) is navigation, not text; both go.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol, TypeVar

NOTES_HEADING = re.compile(r"^(?:Notes|Endnotes|End notes)$", re.IGNORECASE)
_NOTE = re.compile(r"^(\d{1,4})\.?\s+(\S.*)$")
_ANNEX = re.compile(r"^Annex\b")
_CONTENTS = re.compile(r"^(?:Contents|Table of contents)(?:\s+Page)?$", re.IGNORECASE)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|\s|\|)\s*\d{1,4}$")
_PAGE_LABEL = re.compile(r"^Page$", re.IGNORECASE)


class Draft(Protocol):
    """The fields of ``layout._Draft`` this module reads and writes."""

    lines: list[str]
    page: int
    kind: str
    number: int | str | None


D = TypeVar("D", bound=Draft)


def split_endnotes(drafts: list[D], make: Callable[..., D]) -> list[D]:
    """Replace the drafts under each notes heading by one footnote draft per note."""
    out: list[D] = []
    expected: int | None = None
    inside = False
    for draft in drafts:
        text = " ".join(draft.lines).strip()
        if draft.kind == "heading":
            if NOTES_HEADING.match(text):
                inside = True
                out.append(draft)
                continue
            if inside and (_ANNEX.match(text) or not _NOTE.match(text)):
                inside = False
        if not inside or draft.kind == "table":
            out.append(draft)
            continue
        for line in draft.lines:
            match = _NOTE.match(line)
            number = int(match.group(1)) if match else None
            if number is not None and (expected is None or number == expected):
                note = make([match.group(2)] if match else [], draft.page, 0.0, 0.0, kind="footnote", number=number)
                out.append(note)
                expected = number + 1
            elif out and out[-1].kind == "footnote":
                out[-1].lines.append(line)
            else:
                out.append(make([line], draft.page, 0.0, 0.0))
    return out


def drop_contents(drafts: list[D]) -> list[D]:
    """Remove a table of contents: its heading, its "Page" label and its entries."""
    out: list[D] = []
    inside = False
    for draft in drafts:
        text = " ".join(draft.lines).strip()
        if _CONTENTS.match(text):
            inside = True
            continue
        lines = [ln for ln in draft.lines if ln.strip()]
        if lines and _CONTENTS.match(lines[0].replace(" | ", " ").strip()):
            inside, lines = True, lines[1:]  # contents laid out as a table: "Contents | Page"
            if not lines:
                continue
        if inside:
            entries = sum(1 for ln in lines if _TOC_ENTRY.search(ln) or _PAGE_LABEL.match(ln))
            if lines and entries * 2 >= len(lines):
                continue
            inside = False
        out.append(draft)
    return out
