"""pdfium characters to lines in reading order: each glyph once, column by column.

Why characters and not pdfium's text rectangles: reading a rectangle back
with ``get_text_bounded`` returns every glyph whose box touches it, so a
letter on the edge of two rectangles came out twice ("scheme of f the
Report").  Here every character is taken once, by index, with its box,
origin, size and weight.

Steps, per page:

1. **Characters.**  Generated characters (pdfium's guessed spaces and line
   breaks) are skipped; spaces are re-derived from the gaps between glyphs.
   A glyph drawn again at (almost) the same origin as the same glyph a few
   characters earlier is overprinting ("fake bold") and is dropped.
2. **Runs.**  Consecutive characters on one baseline without a wide jump
   form a run.  Superscript digits (smaller and raised above the baseline of
   the glyph before them) are note markers: they are kept out of the text and
   written as ``\\ue000N\\ue001`` so ``layout`` can record them as references.
3. **Columns.**  Within a region of the page, a gutter is a vertical band no
   run crosses, with enough lines on both sides, each column at least a fifth
   of the text width and filled (lines running most of the column width, which
   tells prose columns from table cells).  Runs that cross the gutter (a title,
   a full-width paragraph) cut the page into regions; each region is read
   column by column, left to right.
4. **Lines.**  Within a column, runs sharing a baseline become one line,
   cells separated by a wide gap keep three spaces between them (tables).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from verify.ingest.layout import Line

NOTE_OPEN, NOTE_CLOSE = "\ue000", "\ue001"
_DASHES = {"\x02": "-", "\ufffe": "-", "\u00ad": "-"}


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    base: float  # baseline, top-down page coordinates
    size: float
    bold: bool


@dataclass
class Run:
    """Characters on one baseline, in drawing order, before column analysis."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


def page_lines(text: pdfium.PdfTextPage, height: float) -> list[Line]:
    """Lines of one page in reading order (see the module doc)."""
    return order_runs(_runs(_chars(text, height)))


def _chars(text: pdfium.PdfTextPage, height: float) -> list[_Char]:
    """Every drawn character once, with its box; overprinted copies dropped."""
    out: list[_Char] = []
    seen: dict[tuple[str, int, int], int] = {}
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    count = pdfium_c.FPDFText_CountChars(text)
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(text, i)
        if code in (0, 10, 13) or pdfium_c.FPDFText_IsGenerated(text, i) == 1:
            continue
        ch = _DASHES.get(chr(code), chr(code)) if code < 0x110000 else "?"
        if not pdfium_c.FPDFText_GetCharBox(text, i, left, right, bottom, top):
            continue
        size = pdfium_c.FPDFText_GetFontSize(text, i)
        if pdfium_c.FPDFText_GetMatrix(text, i, matrix):  # a scaled 1-pt font is common
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        size = size or (top.value - bottom.value) or 1.0
        if pdfium_c.FPDFText_GetCharOrigin(text, i, ox, oy):
            x, base = ox.value, height - oy.value
        else:
            x, base = left.value, height - bottom.value
        if ch.isspace():
            out.append(_Char(" ", x, x, base, size, False))
            continue
        key = (ch, round(x * 2), round(base * 2))
        prev = seen.get(key)
        if prev is not None and len(out) - prev <= 8:
            continue  # the same glyph drawn again on itself: fake bold
        seen[key] = len(out)
        weight = pdfium_c.FPDFText_GetFontWeight(text, i)
        x1 = max(right.value, x + 0.1)
        out.append(_Char(ch, min(left.value, x), x1, base, size, weight >= 600))
    return out


def _runs(chars: list[_Char]) -> list[Run]:
    """Cut the character stream into runs at baseline changes and wide jumps."""
    runs: list[Run] = []
    parts: list[str] = []
    cur: _Char | None = None  # first glyph of the run (its baseline and size)
    x0 = x1 = 0.0
    last_x1 = 0.0
    pending_space = False
    note: list[str] = []
    bold = 0
    glyphs = 0

    def close() -> None:
        nonlocal cur, parts, note, bold, glyphs
        if note:
            parts.append(NOTE_OPEN + "".join(note) + NOTE_CLOSE)
            note = []
        if cur is not None and glyphs:
            text = "".join(parts).strip()
            if text:
                runs.append(Run(text, x0, x1, cur.base - cur.size, cur.base,
                                cur.size, bold * 2 > glyphs))
        cur, parts, bold, glyphs = None, [], 0, 0

    for c in chars:
        if c.ch == " ":
            pending_space = True
            continue
        if cur is not None:
            raised = cur.base - c.base
            superscript = (c.ch.isdigit() and c.size < 0.85 * cur.size
                           and 0.2 * cur.size < raised < 0.8 * cur.size)
            if superscript and c.x0 >= last_x1 - 1 and c.x0 - last_x1 < cur.size:
                note.append(c.ch)
                last_x1 = c.x1
                continue
            same_line = abs(c.base - cur.base) < 0.3 * cur.size
            gap = c.x0 - last_x1
            if not same_line or gap > 1.2 * cur.size or gap < -0.5 * cur.size:
                close()
        if note:
            parts.append(NOTE_OPEN + "".join(note) + NOTE_CLOSE)
            note = []
        if cur is None:
            cur, x0 = c, c.x0
        elif pending_space or c.x0 - last_x1 > 0.2 * c.size:
            parts.append(" ")
        pending_space = False
        parts.append(c.ch)
        glyphs += 1
        bold += c.bold
        x1 = max(x1, c.x1) if glyphs > 1 else c.x1
        last_x1 = c.x1
    close()
    return runs


def order_runs(runs: list[Run]) -> list[Line]:
    """Regions top to bottom; inside a region with a gutter, column by column."""
    if not runs:
        return []
    gutter = _gutter(runs)
    if gutter is None:
        return _lines(runs)
    lo, hi = gutter
    out: list[Line] = []
    region: list[Run] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        if run.x0 < hi and run.x1 > lo:  # crosses the gutter: a full-width line
            out.extend(_region(region, gutter))
            region = []
            out.extend(_lines([run]))
        else:
            region.append(run)
    out.extend(_region(region, gutter))
    return _merge_spanning(out)


def _merge_spanning(lines: list[Line]) -> list[Line]:
    """Full-width runs emitted one by one: merge those sharing a baseline again."""
    out: list[Line] = []
    for ln in lines:
        if out and abs(out[-1].bottom - ln.bottom) < 0.3 * ln.size and ln.x0 > out[-1].x1:
            prev = out[-1]
            gap = ln.x0 - prev.x1
            sep = "   " if gap >= 15 else " "
            out[-1] = Line(prev.text + sep + ln.text, prev.x0, ln.x1, min(prev.top, ln.top),
                           max(prev.bottom, ln.bottom), max(prev.size, ln.size),
                           prev.bold and ln.bold)
        else:
            out.append(ln)
    return out


def _region(runs: list[Run], gutter: tuple[float, float]) -> list[Line]:
    left = [r for r in runs if r.x1 <= gutter[0]]
    right = [r for r in runs if r.x0 >= gutter[1]]
    if not left or not right:
        return _lines(runs)
    # the right column may itself hold a gutter (three columns)
    inner = _gutter(right)
    out = _lines(left)
    out.extend(_lines(right) if inner is None else order_runs(right))
    return out


def _gutter(runs: list[Run]) -> tuple[float, float] | None:
    """The leftmost vertical band that separates two prose columns, if any."""
    body = [r for r in runs if len(r.text) > 1]
    if len(body) < 8:
        return None
    x_min = min(r.x0 for r in body)
    x_max = max(r.x1 for r in body)
    width = x_max - x_min
    if width < 100:
        return None
    step = 2.0
    bins = int(width / step) + 1
    cover = [0] * bins
    for r in body:
        for b in range(int((r.x0 - x_min) / step), min(bins, int((r.x1 - x_min) / step) + 1)):
            cover[b] += 1
    allowed = max(1, len(body) // 25)  # a title or a heading may cross
    b = 0
    while b < bins:
        if cover[b] <= allowed:
            start = b
            while b < bins and cover[b] <= allowed:
                b += 1
            lo, hi = x_min + start * step, x_min + b * step
            if hi - lo >= 6 and _columns_ok(body, lo, hi, x_min, x_max):
                return lo, hi
        b += 1
    return None


def _columns_ok(runs: list[Run], lo: float, hi: float, x_min: float, x_max: float) -> bool:
    """Both sides are prose columns: wide, several lines, lines filling the column."""
    width = x_max - x_min
    left = [r for r in runs if r.x1 <= lo + 1]
    right = [r for r in runs if r.x0 >= hi - 1]
    if len(left) < 4 or len(right) < 4:
        return False
    for side in (left, right):
        c0 = min(r.x0 for r in side)
        c1 = max(r.x1 for r in side)
        if c1 - c0 < 0.2 * width:
            return False
        filled = sorted((r.x1 - r.x0) / (c1 - c0) for r in side)
        if filled[len(filled) // 2] < 0.6:
            return False
    return True


def _lines(runs: list[Run]) -> list[Line]:
    """Runs sharing a baseline become one line, left to right; lines top to bottom."""
    ordered = sorted(runs, key=lambda r: r.bottom)
    groups: list[list[Run]] = []
    for run in ordered:
        if groups:
            last = groups[-1]
            base = last[0].bottom
            if abs(run.bottom - base) < 0.45 * max(run.size, last[0].size):
                last.append(run)
                continue
        groups.append([run])
    lines: list[Line] = []
    for group in groups:
        group.sort(key=lambda r: r.x0)
        text = group[0].text
        for prev, run in zip(group, group[1:], strict=False):
            gap = run.x0 - prev.x1
            text += ("   " if gap >= 15 else " ") + run.text
        main = max(group, key=lambda r: len(r.text))
        glyphs = sum(len(r.text) for r in group)
        bold = sum(len(r.text) for r in group if r.bold) * 2 > glyphs
        lines.append(Line(text, group[0].x0, max(r.x1 for r in group),
                          min(r.top for r in group), max(r.bottom for r in group),
                          main.size, bold))
    return lines
