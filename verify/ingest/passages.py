"""Blocks to the stored text and its citable passages, with locators.

Every format (PDF, HTML, text, Markdown) is first reduced to a list of
``Block`` records; this module joins them into the cleaned document text
(blocks separated by a blank line) and cuts passages as spans of that text,
so a quote found in ``Document.text`` maps back to a passage by offset.

Passage kinds and locators:

* ``paragraph`` - a numbered paragraph (``para. 68``, ``paragraph`` = 68) when
  the document numbers its paragraphs (at least three paragraphs starting
  ``N. `` in sequence); otherwise, or for stray unnumbered paragraphs, the
  n-th paragraph: ``p. 4, ¶ 2`` (n-th on that PDF page) or ``¶ 3``.
* ``annex`` - a numbered paragraph after an "Annex I" heading (``annex I, para. 3``).
* ``summary`` - each unnumbered paragraph under a "Summary" heading (``summary``).
* ``table`` - a whole table, one row a line (``p. 3, table 1``: the n-th table on that page).
* ``footnote`` - ``footnote 12``, ``footnote_to`` the locator of the passage
  whose text carried the reference.  A lettered table note is ``footnote a``
  (``footnote_to`` the table citing it); when another table of the document
  already has a note ``a``, the table qualifies it: ``p. 5, table 1, footnote a``.

Headings stay in the text but belong to no passage; paragraph numbers and
footnote numbers stay in the text but not in the passage span. Note markers
taken out of a paragraph's text are kept as ``note_refs`` (note, offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("january february march april may june july august september october november december").split()
SYMBOL = re.compile(r"\b[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,}")
DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_MARGIN_TOKEN = re.compile(
    r"(?:\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{6})?|\(E\)|\d{6}|\d{1,4}\s*/\s*\d{1,4}"
    r"|\*\d{5,}\*|Please recycle|Page \d+(?: of \d+)?)",
    re.IGNORECASE,
)
_MASTHEAD = re.compile(
    r"(?:United Nations|Security Council|General Assembly|Economic and Social Council"
    r"|Human Rights Council|Distr\.?:?\s*\w+|Original:\s*\w+|Limited|Restricted"
    r"|Advance unedited version|\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(?:[IVXLC]+\.\s|[A-H]\.\s|Annex\b|Appendix\b|Enclosure\b|Summary$|Introduction$)")
_NUMBERED = re.compile(r"^(\d{1,4})\.\s+")
_ANNEX = re.compile(r"^Annex(?:\s+([IVXLC]+|\d+|[A-Z])\b)?")
_SUMMARY = re.compile(r"^(?:[IVXLC]+\.\s+)?(?:Executive\s+)?Summary$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^(\d{1,3}|[a-z])\s+")


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or footnote in reading order, before it becomes text.

    ``page_offsets`` lists (page, offset in ``text``) where a paragraph that
    runs over a page break continues on a later page.
    """

    text: str
    kind: str  # "paragraph", "heading", "footnote"
    page: int | None = None
    refs: tuple[int | str, ...] = ()
    page_offsets: tuple[tuple[int, int], ...] = ()
    number: int | str | None = None  # footnote number, or the letter of a table note
    # (note number or letter, offset in ``text``) where a note marker was taken out of the text.
    note_refs: tuple[tuple[int | str, int], ...] = ()


@dataclass(frozen=True)
class Passage:
    """A citable span of ``Document.text`` (see the module doc for kinds)."""

    text: str
    start: int
    end: int
    page: int | None
    locator: str
    paragraph: int | None
    kind: str
    footnote_to: str | None
    note_refs: tuple[tuple[int | str, int], ...] = ()  # (note, offset in ``text``)


@dataclass(frozen=True)
class Document:
    """The cleaned text of a source and its passages."""

    text: str
    passages: list[Passage]
    page_starts: list[int]
    extractor: str
    extractor_version: str
    symbol: str | None
    title: str | None
    date: str | None


def is_margin_text(text: str, masthead: bool = False) -> bool:
    """Whether a line is page furniture: symbol, job number, page mark, masthead.

    Tokens separated by wide gaps (two or more spaces) are tested one by one,
    so "2/24    23-09427" is recognised as a footer line.
    """
    tokens = [t.strip() for t in re.split(r"\s{2,}", text.strip()) if t.strip()]
    if not tokens:
        return True
    for token in tokens:
        if SYMBOL.fullmatch(token) or _MARGIN_TOKEN.fullmatch(token):
            continue
        if masthead and not _MASTHEAD.sub("", SYMBOL.sub("", token)).strip():
            continue
        return False
    return True


def is_heading(text: str, lines: int = 1) -> bool:
    """Section headings: numbered (``II. ...``), annex/summary, or a short unpunctuated line."""
    text = text.strip()
    if not text or lines > 3 or len(text) > 160 or _NUMBERED.match(text):
        return False
    if text.endswith((".", ";", ":", ",", "?", "!")):
        return False
    if _HEADING.match(text):
        return True
    return lines == 1 and len(text) < 80 and text[:1].isupper()


def iso_date(text: str) -> str | None:
    """The first "1 June 2023"-style date in ``text``, as ISO ``2023-06-01``."""
    match = DATE.search(text)
    if not match:
        return None
    day, month, year = match.groups()
    return f"{year}-{MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"


def build(blocks: list[Block], paged: bool) -> tuple[str, list[Passage], list[int]]:
    """Join blocks into the document text and cut passages; return page starts too."""
    numbered = _is_numbered(blocks)
    pieces: list[str] = []
    drafts: list[dict[str, object]] = []
    refs: dict[int | str, str] = {}
    lettered: dict[str, str] = {}  # table note letter -> the last table citing it
    letters_used: set[str] = set()
    last_table = ""
    page_starts: dict[int, int] = {}
    per_page: dict[int | None, int] = {}
    tables: dict[int | None, int] = {}
    annex: str | None = None
    summary = False
    expected = 1
    offset = 0
    for block in blocks:
        if pieces:
            offset += 2
        pieces.append(block.text)
        if block.page is not None:
            page_starts.setdefault(block.page, offset)
            for page, inner in block.page_offsets:
                page_starts.setdefault(page, offset + inner)
        start, end = offset, offset + len(block.text)
        offset = end
        if block.kind == "heading":
            annex_match = _ANNEX.match(block.text)
            if annex_match:
                annex, expected, summary = (annex_match.group(1) or ""), 1, False
            else:
                summary = bool(_SUMMARY.match(block.text))
            continue
        if block.kind == "footnote":
            number = block.number
            match = _FOOTNOTE.match(block.text)
            skip = match.end() if match else 0
            locator = f"footnote {number}"
            to: str | None = None
            if isinstance(number, str):  # a table note: linked to its table, never to a paragraph
                to = lettered.get(number, last_table or None)
                if number in letters_used and to:
                    locator = f"{to}, footnote {number}"
                letters_used.add(number)
            drafts.append(
                dict(
                    start=start + skip,
                    end=end,
                    page=block.page,
                    locator=locator,
                    paragraph=None,
                    kind="footnote",
                    note=number,
                    to=to,
                )
            )
            continue
        key = block.page if paged else None
        if block.kind == "table":  # one passage per table: "p. 3, table 1" (n-th on the page)
            tables[key] = tables.get(key, 0) + 1
            where = f"p. {block.page}, table {tables[key]}" if paged else f"table {tables[key]}"
            notes = tuple(block.note_refs)
            drafts.append(
                dict(
                    start=start, end=end, page=block.page, locator=where, paragraph=None, kind="table", note_refs=notes
                )
            )
            last_table = where
            for ref in block.refs:
                if isinstance(ref, str):
                    lettered[ref] = where
                else:
                    refs.setdefault(ref, where)
            continue
        per_page[key] = per_page.get(key, 0) + 1
        draft: dict[str, object]
        match = _NUMBERED.match(block.text)
        if match:
            summary = False  # a numbered paragraph ends the summary, counted as numbering or not
        if numbered and match and int(match.group(1)) == expected:
            number = expected
            expected += 1
            prefix = "" if annex is None else f"annex {annex}, ".replace("annex , ", "annex, ")
            draft = dict(
                start=start + match.end(),
                end=end,
                page=block.page,
                locator=f"{prefix}para. {number}",
                paragraph=number,
                kind="paragraph" if annex is None else "annex",
            )
        elif summary:
            draft = dict(start=start, end=end, page=block.page, locator="summary", paragraph=None, kind="summary")
        else:
            where = f"p. {block.page}, ¶ {per_page[key]}" if paged else f"¶ {per_page[key]}"
            draft = dict(start=start, end=end, page=block.page, locator=where, paragraph=None, kind="paragraph")
        for ref in block.refs:
            refs.setdefault(ref, str(draft["locator"]))
        skip = int(str(draft["start"])) - start
        draft["note_refs"] = tuple((note, max(0, at - skip)) for note, at in block.note_refs)
        drafts.append(draft)
    text = "\n\n".join(pieces)
    passages = [_passage(text, d, refs) for d in drafts]
    passages = [p for p in passages if p.text.strip()]
    return text, passages, _page_list(page_starts)


def _passage(text: str, d: dict[str, object], refs: dict[int | str, str]) -> Passage:
    start, end = int(str(d["start"])), int(str(d["end"]))
    note = d.get("note")
    to = d.get("to")
    paragraph = d["paragraph"]
    page = d["page"]
    return Passage(
        text=text[start:end],
        start=start,
        end=end,
        page=page if isinstance(page, int) else None,
        locator=str(d["locator"]),
        paragraph=paragraph if isinstance(paragraph, int) else None,
        kind=str(d["kind"]),
        footnote_to=to if isinstance(to, str) else refs.get(note) if isinstance(note, int) else None,
        note_refs=tuple(d.get("note_refs", ())),  # type: ignore[arg-type]
    )


def _page_list(starts: dict[int, int]) -> list[int]:
    """Offsets for pages 1..N; a page with no text starts where the next one does."""
    if not starts:
        return []
    last = max(starts)
    out: list[int] = []
    for page in range(last, 0, -1):
        out.append(starts.get(page, out[-1] if out else 0))
    return out[::-1]


def _is_numbered(blocks: list[Block]) -> bool:
    """Numbered-paragraph documents: at least three paragraphs numbered in sequence."""
    expected, hits = 1, 0
    for block in blocks:
        if block.kind == "heading" and _ANNEX.match(block.text):
            expected = 1
        elif block.kind == "paragraph":
            match = _NUMBERED.match(block.text)
            if match and int(match.group(1)) == expected:
                hits += 1
                expected += 1
    return hits >= 3
