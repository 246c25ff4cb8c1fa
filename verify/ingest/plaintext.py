"""Plain text of official documents to blocks: paragraphs by their numbering, not by blank lines.

UN documents reach us as text in several shapes: blank lines between
paragraphs, one line per paragraph (plain-text dumps, copy-paste), or a
PDF's lines as printed (``pdftotext``: hard-wrapped lines, page headers and
job numbers, a "Notes" section at the end, note numbers glued to words).
The rules here work on lines, so the same document gives the same passages
in every shape:

* page furniture is dropped: symbols and page marks on their own line,
  job numbers ("23-08831 (E)", "GE.19-13858(E)"), bare page numbers, the
  masthead lines of the first page, a table of contents, cover notes
  ("* The present document ..."), and short lines repeated next to page breaks;
* a line starting ``N.`` with the next number of the document's sequence
  starts a paragraph; a short line without closing punctuation followed by
  body text is a heading (also when it is numbered: "5. Racism and
  xenophobia" is a sub-heading, never ``para. 5``);
* a chunk whose lines end as sentences (or run long) has one paragraph per
  line; otherwise its line breaks are soft;
* lettered or dashed sub-paragraphs ("(a) ...", "— Calls for ...") stay in
  the paragraph that introduces them, so they are cited as that paragraph;
* a paragraph cut by a page break continues after it (the next piece starts
  in lower case, or the break was a page break and the paragraph had not ended);
* a "Notes" / "Endnotes" section becomes ``footnote N`` blocks, and the
  markers citing them are taken out of the paragraphs (:mod:`verify.ingest.notes`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from verify.ingest.notes import cites, strip_markers
from verify.ingest.passages import Block, is_heading, is_margin_text

PAGE_BREAK = "\f"
HEADING_MARK = "\x01"  # a line that is a heading by its markup (a Markdown "#" line)
_NUMBERED = re.compile(r"^(\d{1,4})\.\s+(\S.*)$")
_SECTION = re.compile(r"^(?:[IVXLC]+\.\s+\S|[A-H]\.\s+\S|Annex\b|Appendix\b|Enclosure\b)")
_ANNEX = re.compile(r"^Annex(?:\s+(?:[IVXLC]+|\d+|[A-Z]))?\s*$")
_SUB_ITEM = re.compile(r"^(?:\([a-z]{1,2}\)|\([ivx]{1,5}\)|[a-z]\)|[—–•▪·-])\s+")
_NOTES_HEADING = re.compile(r"^(?:End\s*notes|Notes|Footnotes)\s*:?$", re.IGNORECASE)
_FOOT_ENTRY = re.compile(r"^(\d{1,3})\s+([A-Z(“\"].*)$")
_NOTE_ENTRY = re.compile(r"^(\d{1,3})(?:\s+(\S.*))?$")
_JOB = re.compile(r"^(?:[A-Z]{1,3}\.)?\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6})?(?:\s+\*\d+\*)?$")
_RES_SYMBOL = re.compile(r"^[A-Z]{1,6}(?:/[A-Z0-9.]+)+(?:\s*\(\d{4}\))?(?:/[A-Za-z]+\.\d+)*$")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,4}|-\s*\d{1,4}\s*-|Page\s+\d+(?:\s+of\s+\d+)?)$", re.IGNORECASE)
_TOC_LINE = re.compile(r"(?:\.\s*){4,}|\s(?:\d{1,4}\s*[–-]\s*)?\d{1,4}\s+\d{1,4}$|^(?:Paragraphs\s+)?Page$")
_COVER_NOTE = re.compile(r"^\*{1,3}\s*\S")
_CLOSED = (".", ";", ":", "!", "?", ",")
_TRAILING_MARKER = re.compile(r"(?<=[.;:,!?\"”’)])\s?\d{1,3}$")
_REFERENCE_LIST = re.compile(r"[A-Z][a-z]+s?\s+\d[\d\s,–-]{0,150}")
_FUNCTION_WORDS = frozenset("a an and as at by for from in into of on or the to with that which its their".split())


@dataclass
class _Unit:
    lines: list[str]
    kind: str  # paragraph | heading
    after_break: bool = False  # a page break came before it
    numbered: int | None = None
    items: bool = False  # holds sub-paragraphs ("(a) ...")
    in_sequence: bool = False  # starts with the paragraph number the document expected
    refs: list[dict[str, int]] = field(default_factory=list)


def text_to_blocks(source: str, join: Callable[[list[str]], str]) -> tuple[list[Block], list[str]]:
    """Blocks of a plain-text document and the lines of its masthead (for metadata)."""
    lines = [
        ln.rstrip()
        for ln in source.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace(PAGE_BREAK, "\n" + PAGE_BREAK + "\n")
        .split("\n")
    ]
    body, note_lines = _split_notes(lines)
    body, masthead = _drop_furniture(body)
    body, foot_lines = _split_page_notes(body)
    note_lines = [ln for ln in note_lines if _NOTE_ENTRY.match(ln.strip()) or not _is_furniture(ln.strip())]
    units = _segment(body)
    units = _merge_continuations(units)
    notes = _page_notes(foot_lines, join) + _notes(note_lines, join)
    blocks = [Block(join(u.lines), u.kind) for u in units]
    if notes:
        stripped = strip_markers(
            [b.text for b in blocks],
            [n.number if isinstance(n.number, int) else 0 for n in notes],
            loose=not note_lines,
        )
        blocks = [
            Block(
                text,
                _kind_after_markers(b, text, refs),
                refs=tuple(r["note"] for r in refs),
                note_refs=tuple((r["note"], r["offset"]) for r in refs),
            )
            for b, (text, refs) in zip(blocks, stripped, strict=True)
        ]
    return [b for b in blocks if b.text.strip()] + notes, masthead


def _kind_after_markers(block: Block, text: str, refs: list[dict[str, int]]) -> str:
    """A heading that was too long with its marker ("... political life 50") is a heading without it,
    and a sentence that looked unfinished with its marker is a paragraph."""
    if refs and block.kind == "paragraph" and not _NUMBERED.match(text) and is_heading(text):
        return "heading"
    if refs and block.kind == "heading" and text.rstrip().endswith((".", ";", ":", "!", "?", ",")):
        return "paragraph"  # "Adopted at the 2nd meeting. 22" was no heading: its stop was hidden by the marker
    return block.kind


def _drop_furniture(lines: list[str]) -> tuple[list[str], list[str]]:
    """Replace page furniture by blank lines (page breaks by PAGE_BREAK); return the masthead too."""
    out: list[str] = []
    masthead: list[str] = []
    in_head = True
    for raw in lines:
        line = raw.strip()
        if raw.strip(" \t") == PAGE_BREAK:
            out.append(PAGE_BREAK)
            continue
        if not line:
            out.append("")
            continue
        if in_head and (is_margin_text(line, masthead=True) or _RES_SYMBOL.match(_masthead_rest(line))):
            masthead.append(line)
            out.append("")
            continue
        if all("\ue000" <= ch <= "\uf8ff" or ch.isspace() for ch in line):
            out.append("")  # a barcode set in a symbol font
            continue
        if _is_furniture(line):
            out.append(PAGE_BREAK if _JOB.match(line) or _PAGE_NUMBER.match(line) else "")
            continue
        if in_head and (_NUMBERED.match(line) and len(out) > 3 or len(out) > 80):
            in_head = False  # the body has begun: a date or symbol from now on is text
        out.append(raw)
    out = _drop_repeated(out)
    out = _drop_contents(out)
    return _drop_cover_notes(out), masthead


def _masthead_rest(line: str) -> str:
    """A masthead line without its organ names ("United Nations S/RES/1445 (2002)" -> the symbol)."""
    return re.sub(r"^(?:United Nations|Security Council|General Assembly)\s+", "", line)


def _is_furniture(line: str) -> bool:
    return bool(is_margin_text(line) or _JOB.match(line) or _RES_SYMBOL.fullmatch(line) or _PAGE_NUMBER.match(line))


def _drop_repeated(lines: list[str]) -> list[str]:
    """Short lines repeated at least three times right next to page breaks are running headers."""
    near: Counter[str] = Counter()
    filled = [i for i, line in enumerate(lines) if line.strip() and line.strip() != PAGE_BREAK]
    first, last = (filled[0], filled[-1]) if filled else (-1, -1)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and stripped != PAGE_BREAK and len(stripped) < 80:
            window = lines[max(0, i - 3) : i] + lines[i + 1 : i + 4]
            edge = i in (first, last)
            if PAGE_BREAK in window or edge:  # next to a page break, or first/last line of the document
                near[stripped] += 1
    running = {text for text, n in near.items() if n >= 3}
    return [PAGE_BREAK if ln.strip() in running else ln for ln in lines]


def _drop_contents(lines: list[str]) -> list[str]:
    """A table of contents: from a "Contents" line to its last entry with page numbers or leaders."""
    for i, line in enumerate(lines):
        if line.strip().lower() in ("contents", "table of contents"):
            last, gap = i, 0
            for j in range(i + 1, min(len(lines), i + 400)):
                text = lines[j].strip()
                if not text or text == PAGE_BREAK:
                    continue
                if _TOC_LINE.search(text):
                    last, gap = j, 0
                else:
                    gap += 1
                    if gap > 3:
                        break
            if last > i:
                return lines[:i] + [""] * (last + 1 - i) + lines[last + 1 :]
            return lines
    return lines


def _drop_cover_notes(lines: list[str]) -> list[str]:
    """ "* The present document ..." notes of a cover page, with their continuation lines."""
    out: list[str] = []
    dropping = False
    for line in lines:
        text = line.strip()
        if _COVER_NOTE.match(text):
            dropping = True
        elif not text or text == PAGE_BREAK:
            dropping = False
        if dropping:
            out.append("")
        else:
            out.append(line)
    return out


def _split_notes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Body lines, and the lines of a "Notes" section (up to an annex, if any)."""
    for i, line in enumerate(lines):
        if _NOTES_HEADING.match(line.strip()) and i > 0:
            end = next((j for j in range(i + 1, len(lines)) if _ANNEX.match(lines[j].strip())), len(lines))
            return lines[:i] + lines[end:], lines[i + 1 : end]
    return lines, []


def _split_page_notes(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """Footnotes printed at the foot of a page: the page's last chunks whose lines start "N text"
    where the page's text before them carries marker N ("meeting. 22" ... "22 Adopted without vote.")."""
    out = list(lines)
    found: list[list[str]] = []
    pages: list[tuple[int, int]] = []
    start = 0
    for i, line in enumerate([*lines, PAGE_BREAK]):
        if line.strip(" \t") == PAGE_BREAK:
            pages.append((start, i))
            start = i + 1
    for first, last in pages:
        page_notes: list[list[str]] = []
        end = last
        while True:
            while end > first and not out[end - 1].strip():
                end -= 1
            begin = end
            while begin > first and out[begin - 1].strip():
                begin -= 1
            chunk = [ln.strip() for ln in out[begin:end]]
            numbers = [int(m.group(1)) for ln in chunk if (m := _FOOT_ENTRY.match(ln))]
            if begin <= first or not chunk or not _FOOT_ENTRY.match(chunk[0]):
                break
            before = " ".join(ln.strip() for ln in out[first:begin] if ln.strip())
            if not before or not all(cites(before, n, loose=True) for n in numbers) or numbers != sorted(set(numbers)):
                break
            page_notes.insert(0, chunk)
            out[begin:end] = [""] * (end - begin)
            end = begin
        found.extend(page_notes)
    return out, found


def _page_notes(chunks: list[list[str]], join: Callable[[list[str]], str]) -> list[Block]:
    notes: list[Block] = []
    for chunk in chunks:
        entries: list[tuple[int, list[str]]] = []
        for line in chunk:
            match = _FOOT_ENTRY.match(line)
            if match:
                entries.append((int(match.group(1)), [match.group(2)]))
            elif entries:
                entries[-1][1].append(line)
        notes.extend(Block(f"{n} {join(body)}", "footnote", number=n) for n, body in entries)
    return notes


def _notes(lines: list[str], join: Callable[[list[str]], str]) -> list[Block]:
    """Numbered entries in sequence (1, 2, 3, ...); other lines continue the current entry."""
    entries: list[tuple[int, list[str]]] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line or line == PAGE_BREAK:
            continue
        match = _NOTE_ENTRY.match(line)
        if match and int(match.group(1)) == len(entries) + 1:
            entries.append((int(match.group(1)), [match.group(2)] if match.group(2) else []))
        elif match and not match.group(2):
            continue  # a page number
        elif entries:
            entries[-1][1].append(line)
    return [Block(f"{n} {join(body)}", "footnote", number=n) for n, body in entries if body]


def _segment(lines: list[str]) -> list[_Unit]:
    """Chunks between blank lines, cut further at numbered paragraphs and headings."""
    units: list[_Unit] = []
    expected = 1
    chunk: list[str] = []
    flags: list[bool] = []
    after_break = False
    pending_break = False
    repeated = _numbers_repeated(lines)
    for index, line in enumerate([*lines, ""]):
        text = PAGE_BREAK if line.strip(" \t") == PAGE_BREAK else line.strip()
        if text and text != PAGE_BREAK:
            if not chunk:
                after_break, pending_break = pending_break, False
            chunk.append(text)
            flags.append(index in repeated)
            continue
        if text == PAGE_BREAK:
            pending_break = True
        if chunk:
            new, expected = _cut(chunk, expected, flags)
            flags = []
            if new:
                new[0].after_break = after_break
            units.extend(new)
            chunk = []
    return units


def _numbers_repeated(lines: list[str]) -> set[int]:
    """Numbered lines whose number is used again by the next numbered line ("5. Racism" then "5. The ...").

    Sub-headings numbered in their own series can carry the very number the
    paragraphs expect next; then the paragraph with that number follows soon.
    """
    found: set[int] = set()
    numbered = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _NUMBERED.match(line.strip()))]
    for (at, number), (after, following) in zip(numbered, numbered[1:], strict=False):
        if number == following and after - at < 40:
            found.add(at)
    return found


def _cut(lines: list[str], expected: int, repeated: list[bool]) -> tuple[list[_Unit], int]:
    """Units of one chunk; ``expected`` is the next paragraph number of the document.

    ``repeated`` marks the lines whose number the next numbered line uses again.
    """
    per_line = _one_line_per_paragraph(lines)
    # The typical width is the median line: a stray long line (OCR of narrow columns) is no measure.
    width = sorted(len(line) for line in lines)[len(lines) // 2]
    if (
        len(lines) > 1
        and max(len(line) for line in lines) < 70
        and not any(_closed(ln) or ln[:1].islower() or _NUMBERED.match(ln) for ln in lines)
    ):
        return [_Unit([line], "heading") for line in lines], expected  # a cover or title block
    units: list[_Unit] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        following = lines[index + 1] if index + 1 < len(lines) else None
        numbered = _NUMBERED.match(line)
        if _ANNEX.match(line.lstrip(HEADING_MARK)):
            expected = 1
        # One paragraph per line, except for what cannot start one: "of the ...", "276 (1970), ...".
        starts = previous is None or per_line and not (line[:1].islower() or re.match(r"^\(?\d", line) and not numbered)
        kind = "paragraph"
        if line.startswith(HEADING_MARK):
            units.append(_Unit([line[1:]], "heading"))
            continue
        after_heading = bool(units) and units[-1].kind == "heading" and units[-1].lines[-1] == previous
        in_sequence = numbered is not None and int(numbered.group(1)) == expected and not repeated[index]
        if in_sequence:
            starts = True
            expected += 1
        elif (
            numbered
            and repeated[index]
            or _is_sub_heading(line, None if after_heading else previous, following, per_line, width)
        ):
            starts, kind = True, "heading"
        elif _SECTION.match(line) and (previous is None or _closed(previous)):
            starts, kind = True, "heading"
        elif (
            units
            and units[-1].kind == "heading"
            and previous is not None
            and not per_line
            and line[:1].islower()
            and len(line) < 70
            and not _closed(line)
        ):
            starts = False  # the second line of a wrapped heading
        elif _SUB_ITEM.match(line) and units:
            starts = False  # "(a) ..." stays in its paragraph
        elif units and units[-1].kind == "heading" and not per_line:
            starts = True  # body text after a heading line
        if starts or not units:
            units.append(
                _Unit(
                    [line],
                    kind,
                    numbered=int(numbered.group(1)) if numbered and kind == "paragraph" else None,
                    in_sequence=in_sequence,
                )
            )
        else:
            units[-1].lines.append(line)
    for unit in units:
        if unit.kind == "paragraph" and len(unit.lines) <= 3 and is_heading(" ".join(unit.lines), len(unit.lines)):
            unit.kind = "heading"
        elif (
            unit.kind == "paragraph"
            and len(lines) == 1
            and not unit.in_sequence
            and _is_sub_heading(lines[0], None, "Body", False, 200)
        ):
            unit.kind, unit.numbered = "heading", None  # "1.   Cross-cutting issues" on its own
    return units, expected


def _one_line_per_paragraph(lines: list[str]) -> bool:
    """A chunk whose lines are paragraphs: a very long line, or most lines end as sentences."""
    if len(lines) < 2:
        return False
    long = sum(1 for line in lines if len(line) > 180)
    if long and (len(lines) == 2 or long * 2 >= len(lines)):
        return True  # (one long line among short ones is OCR of narrow columns gone wrong)
    closed = sum(1 for line in lines if _closed(line))
    return len(lines) >= 3 and closed / len(lines) >= 0.6


def _closed(line: str) -> bool:
    """The line ends as a sentence or clause does (a note marker after the stop does not count)."""
    return _TRAILING_MARKER.sub("", line).endswith(_CLOSED)


def _is_sub_heading(line: str, previous: str | None, following: str | None, per_line: bool, width: int) -> bool:
    """A short line without closing punctuation, followed by body text (numbered or not).

    In hard-wrapped text a line nearly as wide as the chunk's lines, or one ending on
    "and", "of", "the", is the first line of a wrapped paragraph.
    """
    if following is not None and _REFERENCE_LIST.fullmatch(line) and line[-1:].isdigit():
        return True  # "Recommendations 44–58, 62, 63, 98" above the paragraphs that answer them
    if following is None or len(line) > 90 or _closed(line) or _SUB_ITEM.match(line):
        return False
    if line.rsplit(" ", 1)[-1].lower() in _FUNCTION_WORDS or not per_line and len(line) > 0.7 * width:
        return False
    if previous is not None and not _closed(previous) and not per_line:
        return False
    numbered = _NUMBERED.match(line)
    words = (numbered.group(2) if numbered else line).split()
    if not words or not words[0][:1].isupper() or len(words) > 12:
        return False
    if not following[:1].isupper() and not _NUMBERED.match(following):
        return False  # the line continues on the next one
    return numbered is not None or not per_line and len(line) < 80


def _merge_continuations(units: list[_Unit]) -> list[_Unit]:
    """Join a paragraph cut by a page break or a blank line, and sub-paragraphs to their paragraph."""
    out: list[_Unit] = []
    for unit in units:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "paragraph" and unit.kind == "paragraph" and unit.numbered is None:
            first = unit.lines[0]
            end = _TRAILING_MARKER.sub("", prev.lines[-1]).rstrip('"”’)')
            open_end = not end.endswith((".", ";", ":", "!", "?"))
            if (
                first[:1].islower()
                and open_end
                or unit.after_break
                and open_end
                or _SUB_ITEM.match(first)
                and (not end.endswith(".") or prev.items)
            ):
                prev.lines.extend(unit.lines)
                prev.items = prev.items or bool(_SUB_ITEM.match(first))
                continue
        out.append(unit)
    return out
