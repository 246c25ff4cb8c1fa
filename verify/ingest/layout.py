"""Positioned PDF lines to clean blocks: paragraphs, headings and footnotes.

Text extractors give us lines with coordinates; the citable unit a
fact-checker needs is the paragraph, as printed, without what the page
layout adds around it.  This module removes the page furniture (running
headers, job numbers, page marks, any line repeated in the margins, the
first-page masthead), separates footnotes, drops footnote reference digits
glued to words, repairs line-end hyphenation and joins paragraphs that run
over a page break.  It works on plain ``Line`` records so every extractor
adapter in ``pdf.py`` shares it and can be benchmarked on equal terms.

Hyphenation rule (no word list): for a line ending in ``word-`` followed by
``next``: keep the hyphen when ``next`` starts with a capital or digit
("Al-" + "Qaida"); otherwise compare how often the document uses the joined
word ("afghanistan") and the hyphenated form ("small-scale") elsewhere and
take the more frequent; when neither occurs, keep the hyphen only if both
halves occur as words of their own, else join.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from statistics import median

from verify.ingest.passages import Block, is_heading, is_margin_text
from verify.ingest.pdf_notes import drop_contents, split_endnotes
from verify.ingest.pdf_tables import cells, table_rows

_TERMINAL = tuple('.!?:;"”’)]')
_NUMBERED = re.compile(r"^(\d{1,4})\.\s+\S")
_FOOTNOTE_START = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_FIRST_WORD = re.compile(r"^([A-Za-z]+)")
# digits glued to the end of a word or its punctuation: "Kabul.12", "members2,"
_GLUED_REF = re.compile(r"(?<=[A-Za-z.,;:)\]”’\"])(\d{1,3})(?=[\s.,;:)]|$)")
# superscript note markers found by ``reading_order`` ("\ue00012\ue001")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,5}|Page \d{1,5}|- \d{1,5} -)$")
_JOB_LINE = re.compile(
    r"^\s*(?:(?:GE\.)?\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}|\*\d{5,}\*"
    r"|\d{1,4}\s+(?:GE\.)?\d{2}-\d{5}|(?:GE\.)?\d{2}-\d{5}\s+\d{1,4})\s*$"
)
_RULE = re.compile(r"^\s*_{5,}\s*|\s*_{5,}\s*$")
_MARKER = re.compile("\ue000(\\d{1,4}|[a-z])\ue001")
# a table note under its table: "a Includes ...", the letter raised or not
_TABLE_NOTE = re.compile(r"^([a-z])\s+(\S.*)$")


@dataclass(frozen=True)
class Line:
    """One visual line: text and its box in top-down page coordinates."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size of the line's main text, in points
    bold: bool = False  # most of its glyphs are bold (numbered sub-headings)


@dataclass
class _Draft:
    lines: list[str]
    page: int
    top: float
    height: float
    kind: str = "paragraph"
    refs: list[int | str] = field(default_factory=list)
    marks: list[tuple[int, int, int | str]] = field(default_factory=list)  # (line, column, note)
    page_breaks: list[tuple[int, int]] = field(default_factory=list)  # (line idx, page)
    number: int | str | None = None  # a note's number, or its letter for a table note


def pages_to_blocks(pages: list[list[Line]]) -> tuple[list[Block], list[str]]:
    """Turn each page's lines into blocks; also return the first page's margin lines.

    The margin lines of page 1 (masthead, symbol, date) are returned so the
    caller can read the document's symbol and date from them.
    """
    body_h = body_size(pages)
    bodies: list[list[Line]] = []
    notes: list[list[_Draft]] = []
    first_margin: list[str] = []
    cleaned = [_strip_margins(_drop_rules(p), i == 0) for i, p in enumerate(pages)]
    repeated = _repeated_edges([body for body, _ in cleaned])
    raised = [{m for ln in body for m in _MARKER.findall(ln.text) if m.isdigit()} for body, _ in cleaned]
    any_raised = any(raised)
    for i, (body, margin) in enumerate(cleaned):
        if i == 0:
            first_margin = margin
        edges = _edges(body)
        body = [ln for k, ln in enumerate(body) if not (k in edges and _norm(ln.text) in repeated)]
        # where the document raises its note markers, a note at the foot of a page is one this
        # page (or the one before) cites: "14 CFR 39.19, send ..." in small type is not note 14
        cited = {int(n) for n in raised[i] | (raised[i - 1] if i else set())} if any_raised else None
        body, page_notes = _split_footnotes(body, body_h, i + 1, cited)
        bodies.append(body)
        notes.append(page_notes)
    vocab, hyphenated = _vocabulary(bodies, notes)
    drafts: list[_Draft] = []
    last_number = 0
    for i, body in enumerate(bodies):
        numbers = {n.number for n in notes[i] if n.number is not None} | (
            {n.number for n in notes[i + 1] if n.number is not None} if i + 1 < len(notes) else set()
        )
        page_drafts, last_number = _paragraphs(body, i + 1, body_h, numbers, last_number)
        if drafts and page_drafts and _continues(drafts[-1], page_drafts[0], last_number):
            prev = page_drafts.pop(0)
            drafts[-1].page_breaks.append((len(drafts[-1].lines), i + 1))
            drafts[-1].lines.extend(prev.lines)
            drafts[-1].refs.extend(prev.refs)
            base = len(drafts[-1].lines) - len(prev.lines)
            drafts[-1].marks.extend((base + li, col, n) for li, col, n in prev.marks)
        drafts.extend(page_drafts)
    drafts = split_endnotes(drop_contents(_drop_masthead(drafts)), _Draft)
    return _emit(drafts, notes, vocab, hyphenated), first_margin


_MASTHEAD_BLOCK = re.compile(
    r"^(?:General Assembly|Security Council|Economic and Social Council|Human Rights Council"
    r"|[A-Z][a-z]+(?:-[a-z]+)? (?:session|year)\b|Agenda item \d|Items? \d+(?: and \d+)? of the"
    r"|(?:[A-Z][a-z]+ )?Original: [A-Z][a-z]+$)"
)


def _drop_masthead(drafts: list[_Draft]) -> list[_Draft]:
    """The session / year / agenda-item block of a UN masthead on page 1 is not text.

    It comes as a paragraph or a two-column table before the title
    ("Seventy-ninth session | Eightieth year", "Agenda item 51 ..."), never
    ends with closing punctuation, and nothing cites it.
    """
    out: list[_Draft] = []
    for draft in drafts:
        text = " ".join(draft.lines).replace(" | ", " ").strip()
        if (
            draft.page == 1
            and draft.kind in ("paragraph", "table")
            and _MASTHEAD_BLOCK.match(text)
            and not text.endswith((".", "!", "?", ";"))
        ):
            continue
        out.append(draft)
    return out


def _drop_rules(lines: list[Line]) -> list[Line]:
    """Footnote separators drawn as underscores ("__________ 1 Note") are not text;
    neither are job-number lines ("25-06872 (E) 080525 220525") and barcodes."""
    out = []
    for ln in lines:
        text = _RULE.sub("", ln.text)
        if _JOB_LINE.match(text):
            continue  # job number with print dates, barcode: furniture wherever it sits
        if text.strip():
            out.append(ln if text == ln.text else replace(ln, text=text))
    return out


def body_size(pages: list[list[Line]]) -> float:
    """The font size of the running text: the size carrying most characters of prose lines.

    A median over all lines is pulled down by tables and notes in small type,
    which then made every body paragraph look like a large-type heading.
    """
    weight: Counter[float] = Counter()
    for page in pages:
        for ln in page:
            if len(ln.text) > 25 and len(cells(ln.text)) < 2:  # prose, a hanging "1.   " included
                weight[round(ln.size * 2) / 2] += len(ln.text)
    if weight:
        bucket = weight.most_common(1)[0][0]
        sizes = [ln.size for page in pages for ln in page if round(ln.size * 2) / 2 == bucket and len(ln.text) > 25]
        return median(sizes)
    return median([ln.size for page in pages for ln in page] or [10.0])


def _strip_margins(lines: list[Line], first: bool) -> tuple[list[Line], list[str]]:
    """Peel header/footer lines off the top and bottom edges of a page."""
    margin: list[str] = []
    while lines and is_margin_text(lines[0].text, masthead=first):
        margin.append(lines.pop(0).text)
    while lines and is_margin_text(lines[-1].text, masthead=first):
        margin.append(lines.pop().text)
    return lines, margin


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _edges(body: list[Line]) -> set[int]:
    """Indices of the lines on the two highest and the two lowest baselines of a page.

    By position, not by reading order: with columns, a print stamp at the foot
    of the page ("VerDate Sep<11>2014") is read at the end of the first column.
    """
    bottoms = sorted({round(ln.bottom) for ln in body})
    if len(bottoms) <= 4:
        return set(range(len(body)))
    low, high = bottoms[1], bottoms[-2]
    return {k for k, ln in enumerate(body) if round(ln.bottom) <= low or round(ln.bottom) >= high}


def _repeated_edges(bodies: list[list[Line]]) -> set[str]:
    """Lines that recur at the top or bottom edge of many pages (running furniture)."""
    if len(bodies) < 3:
        return set()
    counts: Counter[str] = Counter()
    for body in bodies:
        edges = _edges(body)
        counts.update({_norm(ln.text) for k, ln in enumerate(body) if k in edges})
    return {text for text, n in counts.items() if n >= max(3, len(bodies) // 2)}


def _split_footnotes(
    body: list[Line], body_h: float, page: int, cited: set[int] | None = None
) -> tuple[list[Line], list[_Draft]]:
    """Footnotes: the runs of small-type lines at the bottom of the page or of a column.

    With columns, each column may end with its own notes; they are moved after
    the page's text so a paragraph running on into the next column stays whole.
    A small-type run at the foot of a later column that does not start with a
    number carries on the previous column's last note. ``cited``, when given,
    holds the only note numbers a note may have on this page.
    """

    def starts_note(line: Line) -> bool:
        match = _FOOTNOTE_START.match(unmark(line.text))
        return match is not None and (cited is None or int(match.group(1)) in cited)

    kept: list[Line] = []
    moved: list[Line] = []
    k = 0
    while k < len(body):
        end = k
        while end < len(body) and _small_note_line(body[end], body_h):
            end += 1
        at_bottom = end == len(body) or body[end].top < body[end - 1].top - 2 * body_h
        carried = bool(moved) and any(starts_note(ln) for ln in body[k:end])
        if end > k and at_bottom and (starts_note(body[k]) or carried):
            moved.extend(body[k:end])
            k = end
            continue
        kept.extend(body[k : max(end, k + 1)])
        k = max(end, k + 1)
    notes_start = len(kept)
    body = kept + moved
    k = notes_start
    if not moved:  # notes not led by their number at once: the small type at the foot
        while k > 0 and _small_note_line(body[k - 1], body_h):
            k -= 1
    while k < len(body) and not starts_note(body[k]) and not (moved and k == notes_start):
        k += 1
    drafts: list[_Draft] = []
    for ln in body[k:]:
        match = _FOOTNOTE_START.match(unmark(ln.text)) if starts_note(ln) else None
        if match and not re.search(r"[^\W\d_]", match.group(2)):
            match = None  # "6 700": a figure of a small-type table, not note 6
        last = drafts[-1].number if drafts else 0
        if match and (not drafts or (isinstance(last, int) and int(match.group(1)) > last)):
            drafts.append(_Draft([match.group(2)], page, ln.top, ln.size, kind="footnote", number=int(match.group(1))))
        elif drafts:
            drafts[-1].lines.append(unmark(ln.text))
    return body[:k], drafts


def _small_note_line(line: Line, body_h: float) -> bool:
    """A line that may belong to a note: smaller type, and not a table row of three cells."""
    return line.size < min(0.95 * body_h, body_h - 0.75) and len(cells(line.text)) < 3


def unmark(text: str) -> str:
    """A line of a note: a leading raised number is the note's own number, others go."""
    text = text.strip()
    lead = _MARKER.match(text)
    if lead:
        text = lead.group(1) + " " + text[lead.end() :].lstrip()
    return _MARKER.sub("", text)


def _vocabulary(bodies: list[list[Line]], notes: list[list[_Draft]]) -> tuple[Counter[str], Counter[str]]:
    """Word and hyphenated-compound counts, ignoring words split at line ends."""
    words: Counter[str] = Counter()
    compounds: Counter[str] = Counter()
    texts = [[ln.text for ln in body] for body in bodies]
    texts += [[t for d in page for t in d.lines] for page in notes]
    for lines in texts:
        after_hyphen = False
        for text in lines:
            text = text.rstrip()
            tokens = _WORD.findall(text)
            if after_hyphen and tokens:
                tokens = tokens[1:]
            after_hyphen = text.endswith("-")
            if after_hyphen and tokens:
                tokens = tokens[:-1]
            for token in tokens:
                token = token.lower()
                if "-" in token:
                    compounds[token] += 1
                    words.update(token.split("-"))
                else:
                    words[token] += 1
    return words, compounds


def _paragraphs(
    body: list[Line], page: int, body_h: float, notes: set[int | str], last_number: int
) -> tuple[list[_Draft], int]:
    """Split a page's body lines into paragraph, sub-heading, table and table-note drafts.

    A numbered sub-heading ("5. Racism and xenophobia": one short line without
    closing punctuation, bold or set apart from the text below) is a heading
    with its own numbering, so it neither becomes nor advances ``para. N``.
    A table note ("a Includes ...") right under a table whose cells carry the
    raised letter becomes a footnote draft numbered by its letter.
    """
    drafts: list[_Draft] = []
    # line pitch: the lower quartile of baseline steps, so paragraph gaps and
    # larger title lines do not inflate it
    steps = sorted(
        b.bottom - a.bottom for a, b in zip(body, body[1:], strict=False) if b.bottom - a.bottom > 0.5 * body_h
    )
    lead = steps[len(steps) // 4] if steps else body_h * 1.3
    widths = sorted(ln.x1 - ln.x0 for ln in body if abs(ln.size - body_h) < 0.2 * body_h)
    full = widths[len(widths) * 3 // 4] if widths else 400.0
    tables = _extend_tables(body, table_rows([ln.text for ln in body]), lead)
    prev: Line | None = None
    for k, ln in enumerate(body):
        if k in tables:
            row, refs, marks = _table_row(ln.text, notes)
            if prev is None or drafts[-1].kind != "table" or (k - 1) not in tables:
                drafts.append(_Draft([], page, ln.top, ln.size, kind="table"))
            drafts[-1].marks.extend((len(drafts[-1].lines), col, n) for col, n in marks)
            drafts[-1].refs.extend(refs)
            drafts[-1].lines.append(row)
            prev = ln
            continue
        if drafts and _table_note(drafts, ln, prev, body_h, page):
            prev = ln
            continue
        text, refs, marks = _strip_refs(" ".join(ln.text.split()), notes)
        match = _NUMBERED.match(text)
        nxt = body[k + 1] if k + 1 < len(body) else None
        if _PAGE_NUMBER.match(text) and (k == 0 or nxt is None or nxt.top < ln.top - 2 * body_h):
            continue  # a page number at the head of the page or the foot of a column
        gap_before = prev is None or ln.bottom - prev.bottom > lead * 1.3
        gap_after = nxt is None or nxt.bottom - ln.bottom > lead * 1.3 or nxt.bold != ln.bold
        after = body[k + 2] if k + 2 < len(body) else None
        wrapped = (
            nxt is not None
            and after is not None
            and ln.bold
            and nxt.bold
            and not gap_after
            and nxt.x1 - nxt.x0 < 0.8 * full
            and not nxt.text.rstrip().endswith(_TERMINAL + (",",))
            and len(text + nxt.text) < 160
            and (not after.bold or after.bottom - nxt.bottom > lead * 1.3)
        )
        sub_heading = (
            bool(match)
            and not text.endswith(_TERMINAL + (",",))
            and len(text) < 160
            and ((ln.bold and (gap_after or wrapped)) or (gap_before and gap_after and ln.x1 - ln.x0 < 0.9 * full))
        )
        if (
            not match
            and prev is not None
            and not gap_before
            and ln.bold
            and prev.bold
            and drafts[-1].kind == "subheading"
        ):  # a sub-heading wrapped over two lines
            drafts[-1].lines.append(text)
            prev = ln
            continue
        numbered = match is not None and not sub_heading and int(match.group(1)) in (last_number + 1, 1)
        new = (
            prev is None
            or gap_before
            or sub_heading
            or abs(ln.size - prev.size) > 0.2 * body_h
            or drafts[-1].kind in ("table", "subheading", "footnote")
            or (numbered and drafts[-1].lines[-1].endswith(_TERMINAL))
        )
        if new:
            drafts.append(_Draft([], page, ln.top, ln.size, kind="subheading" if sub_heading else "paragraph"))
        if numbered and new and match:
            last_number = int(match.group(1))
        drafts[-1].marks.extend((len(drafts[-1].lines), col, n) for col, n in marks)
        drafts[-1].lines.append(text)
        drafts[-1].refs.extend(refs)
        prev = ln
    for draft in drafts:
        if draft.kind == "subheading":
            draft.kind = "heading"
        elif draft.kind == "table":
            continue
        elif draft.height > 1.15 * body_h or is_heading(" ".join(draft.lines), len(draft.lines)):
            draft.kind = "heading"
            if re.match(r"^Annex\b", draft.lines[0]):
                last_number = 0
    return drafts, last_number


def _table_row(text: str, notes: set[int | str]) -> tuple[str, list[int | str], list[tuple[int, int | str]]]:
    """A table line as ``cell | cell``, note markers taken out of each cell and remembered."""
    row = ""
    refs: list[int | str] = []
    marks: list[tuple[int, int | str]] = []
    for cell in cells(text):
        clean, cell_refs, cell_marks = _strip_refs(cell, notes)
        if row:
            row += " | "
        marks.extend((len(row) + col, n) for col, n in cell_marks)
        refs.extend(cell_refs)
        row += clean.strip()
    return row, refs, marks


def _table_note(drafts: list[_Draft], ln: Line, prev: Line | None, body_h: float, page: int) -> bool:
    """Add ``ln`` to the lettered notes under the last table, if it is one; say whether it was.

    A note starts with a letter the table cites ("a Includes ..."; for a table
    without raised markers, "a" then the next letters in turn), in type no
    larger than the body's; the lines after it, up to a gap, continue it.
    """
    last = drafts[-1]
    table = last if last.kind == "table" else None
    if table is None and last.kind == "footnote" and isinstance(last.number, str):
        table = next((d for d in reversed(drafts) if d.kind == "table"), None)
    if table is None or table.page != page or ln.size > body_h + 0.1:
        return False
    text = unmark(" ".join(ln.text.split()))
    match = _TABLE_NOTE.match(text)
    cited = {r for r in table.refs if isinstance(r, str)}
    letter = match.group(1) if match else None
    if last.kind == "footnote" and isinstance(last.number, str):
        expected = chr(ord(last.number) + 1)
    else:
        expected = "a"
    if letter is not None and (letter in cited or (not cited and letter == expected)):
        drafts.append(_Draft([match.group(2)] if match else [], page, ln.top, ln.size, kind="footnote", number=letter))
        return True
    gap = prev is not None and ln.top - prev.bottom > 0.8 * body_h
    if last is not table and not gap and ln.size < body_h - 0.1:
        last.lines.append(text)  # a note wrapped over several lines
        return True
    return False


def _extend_tables(body: list[Line], rows: set[int], lead: float) -> set[int]:
    """Lines of a cell wrapped below a table's last row belong to the table.

    They are single-cell lines, so ``table_rows`` cannot see them; what gives
    them away is that they sit right under the table and start inside it,
    right of the table's first column, where no paragraph of the page starts.
    """
    if not rows:
        return rows
    left = min(body[k].x0 for k in rows)
    out = set(rows)
    for k in sorted(rows):
        j = k + 1
        while (
            j < len(body)
            and j not in out
            and body[j].x0 > left + 20
            and 0 < body[j].bottom - body[j - 1].bottom < 2 * lead
            and not _NUMBERED.match(body[j].text.strip())
        ):
            out.add(j)
            j += 1
    return out


def _strip_refs(text: str, notes: set[int | str]) -> tuple[str, list[int | str], list[tuple[int, int | str]]]:
    """Take note markers out of a line: the raised numbers ``reading_order`` marked,
    and digits glued to a word when a note of that number is on this or the next page.

    Returns the clean text, the note numbers and (column in the clean text, number).
    """
    refs: list[int | str] = []
    marks: list[tuple[int, int | str]] = []
    out: list[str] = []
    pos = 0
    pattern = re.compile(f"{_MARKER.pattern}|{_GLUED_REF.pattern}")
    for match in pattern.finditer(text):
        raised, glued = match.group(1), match.group(2)
        number: int | str = int(raised or glued) if (raised or glued).isdigit() else raised
        if glued and number not in notes:
            continue
        out.append(text[pos : match.start()])
        pos = match.end()
        refs.append(number)
        marks.append((sum(len(part) for part in out), number))
    out.append(text[pos:])
    return "".join(out), refs, marks


def _continues(prev: _Draft, nxt: _Draft, last_number: int) -> bool:
    """Whether the first block of a page carries on the last paragraph of the previous."""
    if prev.kind == "table" and nxt.kind == "table":
        return True  # a table running over a page break stays one table
    if prev.kind != "paragraph" or nxt.kind != "paragraph":
        return False
    head = nxt.lines[0]
    match = _NUMBERED.match(head)
    if match:
        return False
    return (
        not prev.lines[-1].endswith(_TERMINAL)
        or head[:1].islower()
        or (bool(prev.lines) and _NUMBERED.match(prev.lines[0]) is not None)
    )


def _emit(
    drafts: list[_Draft], notes: list[list[_Draft]], vocab: Counter[str], hyphenated: Counter[str]
) -> list[Block]:
    """Join lines, and place each page's footnotes after the paragraph it interrupts."""
    out: list[Block] = []
    pending = [d for page in notes for d in page]
    for i, draft in enumerate(drafts):
        text, page_offsets, marks = _join(draft, vocab, hyphenated)
        if draft.kind == "footnote":  # an endnote (see pdf_notes)
            out.append(Block(f"{draft.number} {text}", "footnote", draft.page, (), (), draft.number))
            continue
        out.append(
            Block(
                text,
                draft.kind,
                draft.page,
                tuple(draft.refs),
                page_offsets,
                note_refs=tuple((note, offset) for offset, note in marks),
            )
        )
        end_page = draft.page_breaks[-1][1] if draft.page_breaks else draft.page
        next_page = drafts[i + 1].page if i + 1 < len(drafts) else 10**9
        while pending and pending[0].page <= end_page and next_page > pending[0].page:
            note = pending.pop(0)
            body, _, _ = _join(note, vocab, hyphenated)
            out.append(Block(f"{note.number} {body}", "footnote", note.page, (), (), note.number))
    for note in pending:
        body, _, _ = _join(note, vocab, hyphenated)
        out.append(Block(f"{note.number} {body}", "footnote", note.page, (), (), note.number))
    return out


def _join(
    draft: _Draft, vocab: Counter[str], hyphenated: Counter[str]
) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int | str], ...]]:
    """Join soft line breaks, repairing hyphenation; note where later pages begin
    and where each note marker stood, as (offset in the text, note number)."""
    breaks = dict(draft.page_breaks)
    by_line: dict[int, list[tuple[int, int | str]]] = {}
    for li, col, number in draft.marks:
        by_line.setdefault(li, []).append((col, number))
    marks: list[tuple[int, int | str]] = []
    text = ""
    offsets: list[tuple[int, int]] = []
    for k, raw in enumerate(draft.lines):
        line = " ".join(raw.split())
        if draft.kind == "table":  # one row a line, never joined or de-hyphenated
            text = f"{text}\n{line}" if text else line
        elif not text:
            text = line
        else:
            end = _HYPHEN_END.search(text)
            start = _FIRST_WORD.match(line)
            if end and start and not keep_hyphen(end.group(1), start.group(1), vocab, hyphenated):
                text = text[:-1] + line
            elif end and start:
                text += line
            else:
                text += " " + line
        if k in breaks:
            offsets.append((breaks[k], len(text) - len(line)))
        line_start = len(text) - len(line)
        marks.extend((line_start + min(col, len(line)), number) for col, number in by_line.get(k, ()))
    return text, tuple(offsets), tuple(marks)


def keep_hyphen(left: str, right: str, vocab: Counter[str], hyphenated: Counter[str]) -> bool:
    """Decide whether ``left-`` + ``right`` at a line end is a real hyphen (see module doc)."""
    if right[:1].isupper() or right[:1].isdigit():
        return True
    joined = (left + right).lower()
    compound = f"{left}-{right}".lower()
    if vocab[joined] or hyphenated[compound]:
        return hyphenated[compound] > vocab[joined]
    return bool(vocab[left.lower()] and vocab[right.lower()])
