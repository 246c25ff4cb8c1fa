"""Symbol, date and title of a source, read from where the document states them.

A UN document says what it is in its masthead ("United Nations  S/2023/370",
"Distr.: General", "1 June 2023") and its title block, and a PDF may say it
in its document info. The body cites other documents by symbol ("the report
of the Secretary-General (S/2002/1005)"), so a symbol is only taken from a
masthead or header line - a line made of nothing but masthead words, a date
and the symbol - never from running text. The masthead may come after a
short preamble or banner ("Advance unedited version", a cover note), so the
whole head of the document is searched, not only its first lines.
"""

from __future__ import annotations

import re

from verify.ingest.passages import Block, is_margin_text, iso_date
from verify.ingest.symbols import is_symbol, parse_symbol

_CANDIDATE = re.compile(r"\b[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+(?:\s*\(\d{4}\))?")
_ORGAN_PREFIX = re.compile(
    r"^(?:United Nations|Security Council|General Assembly|Economic and Social Council"
    r"|Human Rights Council)\s+"
)
# Lines of a title block that name the body or the meeting, not the document.
_NOT_TITLE = re.compile(
    r"^(?:United Nations|Security Council|General Assembly|Economic and Social Council|Human Rights Council"
    r"|Working Group\b|Conference\b|.*\bsession\b|.*\bsessions\b|Item \d|Agenda item|Items? \d"
    r"|.*\d{4}$|Original:|Distr\.|Contents$|Summary$|Introduction$|Annex\b|(?:[IVXLC]+|[A-H])\.\s)",
    re.IGNORECASE,
)
_BAD_INFO_TITLE = re.compile(r"^(?:untitled|microsoft word\b|document\d*$|\S+\.(?:docx?|pdf|rtf)$)", re.IGNORECASE)


def header_symbol(lines: list[str]) -> str | None:
    """The first UN symbol standing in a masthead or header line (never in running text)."""
    for line in lines:
        text = _ORGAN_PREFIX.sub("", " ".join(line.split()))
        for match in _CANDIDATE.finditer(text):
            rest = (text[: match.start()] + text[match.end() :]).strip()
            if rest and not is_margin_text(rest, masthead=True):
                continue
            if is_symbol(match.group(0)):
                return parse_symbol(match.group(0))
    return None


def header_date(lines: list[str]) -> str | None:
    """The date of the first masthead line that is a date ("1 June 2023")."""
    for line in lines:
        if is_margin_text(line, masthead=True):
            found = iso_date(line)
            if found:
                return found
    return None


def title_from_blocks(blocks: list[Block]) -> str | None:
    """The first heading of the title block: not the organ, session, agenda item or a section.

    A Federal Register document (and the US agency documents that copy its
    form) states its subject just before "AGENCY:", under the register's
    section name ("Proposed Rules"), the department and the docket lines; that
    subject is the title.
    """
    head = blocks[:40]
    for k, block in enumerate(head[1:], 1):
        if block.kind == "paragraph" and block.text.startswith("AGENCY:"):
            subject = head[k - 1].text.rstrip("*").strip()
            if subject[:1].isupper() and len(subject) < 300 and not subject.endswith((".", ":", ",")):
                return subject
            break
    for block in head:
        if block.kind == "heading":
            text = block.text.rstrip("*").strip()
            if not _NOT_TITLE.match(text) and not is_margin_text(text, masthead=True):
                return text
        elif block.kind == "paragraph" and re.match(r"^\d{1,4}\.\s", block.text):
            break  # the body has begun
        elif (
            block.kind == "paragraph"
            and block.text[:1].isupper()
            and len(block.text) < 200
            and not block.text.rstrip("*").endswith((".", ";", ":", ","))
            and not _NOT_TITLE.match(block.text)
        ):
            return block.text.rstrip("*").strip()  # a title set over two or three lines
    return None


def pdf_info(data: bytes) -> dict[str, str]:
    """Title and author from a PDF's document info, when they are real (not "Microsoft Word - x.doc")."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - the text extraction reports unreadable PDFs
        return {}
    try:
        info = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    out: dict[str, str] = {}
    title = " ".join(str(info.get("Title", "")).split())
    if title and not _BAD_INFO_TITLE.match(title) and len(title) > 3:
        out["title"] = title
    return out
