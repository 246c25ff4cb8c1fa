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
   A single raised lowercase letter (or a modifier letter such as "ᵃ") is a
   table note marker, ``\\ue000a\\ue001``; raised letters that are not one
   letter alone ("1st" set with a raised "st") stay ordinary text.
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
# modifier letters used as table note markers ("Total ᵃ")
_SUPER_LETTERS = dict(zip("ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", "abcdefghijklmnoprstuvwxyz", strict=True))


def _marker(note: list[str]) -> str:
    """Raised glyphs as a note marker: digits, or one lowercase letter; anything else is text."""
    text = "".join(note)
    if text.isdigit() or (len(text) == 1 and "a" <= text <= "z"):
        return NOTE_OPEN + text + NOTE_CLOSE
    return text


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
    """Every drawn character once, with its box; overprinted copies dropped.

    Size (font size times the text matrix scale), angle and weight cost a
    library call each; they are read again only when the raw font size or the
    baseline changes, or every few glyphs, which keeps a page near 10 ms.
    """
    out: list[_Char] = []
    seen: dict[tuple[str, int, int], int] = {}
    box = pdfium_c.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    raw = text.raw
    get_unicode, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
    get_box, get_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    get_size, get_matrix = pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetMatrix
    get_angle, get_weight = pdfium_c.FPDFText_GetCharAngle, pdfium_c.FPDFText_GetFontWeight
    last_raw, last_y, since = -1.0, float("nan"), 0
    size, rotated, bold = 1.0, False, False
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = get_unicode(raw, i)
        if code in (0, 10, 13) or is_generated(raw, i) == 1:
            continue
        if not get_origin(raw, i, ox, oy):
            continue
        x, base = ox.value, height - oy.value
        ch = _DASHES.get(chr(code), chr(code)) if code < 0x110000 else "\ufffd"
        if 0xD800 <= code <= 0xDFFF:
            ch = "\ufffd"  # a lone surrogate cannot be written as UTF-8
        elif code < 32 and ch not in _DASHES.values() and not ch.isspace():
            continue  # other control characters carry no text
        if ch.isspace():
            out.append(_Char(" ", x, x, base, size, False))
            continue
        raw_size = get_size(raw, i)
        since += 1
        if raw_size != last_raw or oy.value != last_y or since >= 6:
            last_raw, last_y, since = raw_size, oy.value, 0
            size = raw_size
            if get_matrix(raw, i, matrix):  # a scaled 1-pt font is common
                size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            rotated = abs(get_angle(raw, i)) > 0.1
            bold = get_weight(raw, i) >= 600
        if rotated:
            continue  # rotated margin text (print stamps, side notes) is never body text
        if not get_box(raw, i, box):  # the loose box spans the advance: gaps are true gaps
            continue
        key = (ch, round(x * 2), round(base * 2))
        prev = seen.get(key)
        if prev is not None and len(out) - prev <= 8:
            continue  # the same glyph drawn again on itself: fake bold
        seen[key] = len(out)
        out.append(
            _Char(ch, min(box.left, x), max(box.right, x + 0.1), base, size or abs(box.top - box.bottom) or 1.0, bold)
        )
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
            parts.append(_marker(note))
            note = []
        if cur is not None and glyphs:
            text = "".join(parts).strip()
            if text:
                runs.append(Run(text, x0, x1, cur.base - cur.size, cur.base, cur.size, bold * 2 > glyphs))
        cur, parts, bold, glyphs = None, [], 0, 0

    for c in chars:
        if c.ch == " ":
            pending_space = True
            continue
        if c.ch in _SUPER_LETTERS:
            if cur is not None and (abs(c.base - cur.base) >= 0.3 * cur.size or abs(c.x0 - last_x1) > 1.2 * cur.size):
                close()
            if cur is None:  # a note line led by its marker: "ᵃ Includes ..."
                cur, x0 = c, c.x0
                glyphs, x1 = 1, c.x1
            note.append(_SUPER_LETTERS[c.ch])
            last_x1 = c.x1
            continue
        if cur is not None:
            raised = cur.base - c.base
            small = c.size < 0.85 * cur.size and 0.2 * cur.size < raised < 0.8 * cur.size
            superscript = small and (c.ch.isdigit() or ("a" <= c.ch <= "z" and not any(n.isdigit() for n in note)))
            if superscript and c.x0 >= last_x1 - 1 and c.x0 - last_x1 < cur.size:
                note.append(c.ch)
                last_x1 = c.x1
                continue
            same_line = abs(c.base - cur.base) < 0.3 * cur.size
            gap = c.x0 - last_x1
            if not same_line or gap > 1.2 * cur.size or gap < -0.5 * cur.size:
                close()
        if note:
            parts.append(_marker(note))
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
    """Regions top to bottom; inside a region with gutters, column by column."""
    if not runs:
        return []
    gutters = _gutters(runs)
    if not gutters:
        return _lines(runs)
    out: list[Line] = []
    region: list[Run] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        if any(run.x0 < (lo + hi) / 2 - 1 and run.x1 > (lo + hi) / 2 + 1 for lo, hi in gutters):
            out.extend(_region(region, gutters))  # a full-width line ends the region
            region = []
            out.extend(_lines([run]))
        else:
            region.append(run)
    out.extend(_region(region, gutters))
    return _merge_spanning(out)


def _merge_spanning(lines: list[Line]) -> list[Line]:
    """Full-width runs emitted one by one: merge those sharing a baseline again."""
    out: list[Line] = []
    for ln in lines:
        if out and abs(out[-1].bottom - ln.bottom) < 0.3 * ln.size and ln.x0 > out[-1].x1:
            prev = out[-1]
            gap = ln.x0 - prev.x1
            sep = "   " if gap >= 15 else " "
            out[-1] = Line(
                prev.text + sep + ln.text,
                prev.x0,
                ln.x1,
                min(prev.top, ln.top),
                max(prev.bottom, ln.bottom),
                max(prev.size, ln.size),
                prev.bold and ln.bold,
            )
        else:
            out.append(ln)
    return out


def _region(runs: list[Run], gutters: list[tuple[float, float]]) -> list[Line]:
    """A band of the page between full-width lines, read one column after the other."""
    mids = [float("-inf")] + [(lo + hi) / 2 for lo, hi in gutters] + [float("inf")]
    out: list[Line] = []
    for lo, hi in zip(mids, mids[1:], strict=False):
        out.extend(_lines([r for r in runs if lo <= r.x0 < hi]))
    return out


def _gutters(runs: list[Run]) -> list[tuple[float, float]]:
    """Vertical bands that separate prose columns (empty for a single column)."""
    body = [r for r in runs if len(r.text) > 1]
    if len(body) < 8:
        return []
    x_min = min(r.x0 for r in body)
    x_max = max(r.x1 for r in body)
    width = x_max - x_min
    if width < 100:
        return []
    step = 2.0
    bins = int(width / step) + 1
    cover = [0] * bins
    for r in body:
        for b in range(int((r.x0 - x_min) / step), min(bins, int((r.x1 - x_min) / step) + 1)):
            cover[b] += 1
    allowed = max(1, len(body) // 25)  # a title, a heading or a footer may cross
    gutters: list[tuple[float, float]] = []
    b = 0
    while b < bins:
        if cover[b] <= allowed:
            start = b
            while b < bins and cover[b] <= allowed:
                b += 1
            lo, hi = x_min + start * step, x_min + b * step
            if hi - lo >= 6 and start > 0 and b < bins:
                gutters.append((lo, hi))
        b += 1
    # drop gutters until every column between them is a prose column
    while gutters:
        edges = [x_min] + [g for gutter in gutters for g in gutter] + [x_max]
        bad = next((k for k in range(0, len(edges), 2) if not _prose_column(body, edges[k], edges[k + 1], width)), None)
        if bad is None:
            return gutters
        column = bad // 2
        if column == 0:
            gutters.pop(0)
        elif column == len(gutters):
            gutters.pop()
        else:  # merge with the neighbour across the narrower gutter
            left, right = gutters[column - 1], gutters[column]
            gutters.pop(column - 1 if left[1] - left[0] <= right[1] - right[0] else column)
    return gutters


def _prose_column(runs: list[Run], lo: float, hi: float, width: float) -> bool:
    """A column of text: wide, several lines, lines filling most of its width."""
    side = [r for r in runs if r.x0 >= lo - 1 and r.x1 <= hi + 1]
    if len(side) < 4 or hi - lo < 0.2 * width:
        return False
    c0 = min(r.x0 for r in side)
    c1 = max(r.x1 for r in side)
    filled = sorted((r.x1 - r.x0) / max(c1 - c0, 1.0) for r in side)
    return filled[len(filled) // 2] >= 0.6


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
        lines.append(
            Line(
                text,
                group[0].x0,
                max(r.x1 for r in group),
                min(r.top for r in group),
                max(r.bottom for r in group),
                main.size,
                bold,
            )
        )
    return lines
