"""Source bytes to a ``Document``: cleaned text plus citable passages.

One entry point for every format, chosen by media type (callers sniff it).
Each format is reduced to blocks (``passages.Block``) and the same passage
rules apply to all of them, so a report numbered ``1. 2. 3.`` gets
``para. N`` locators whether it arrived as PDF, HTML, text or Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.metadata import version

from verify.errors import VerifyError
from verify.ingest import pdf, plaintext
from verify.ingest.html import html_content
from verify.ingest.layout import keep_hyphen, pages_to_blocks
from verify.ingest.metadata import header_date, header_symbol, pdf_info, title_from_blocks
from verify.ingest.passages import (
    Block,
    Document,
    Passage,
    build,
    is_heading,
    is_margin_text,
    iso_date,
)

__all__ = ["Document", "Passage", "extract_document", "text_to_blocks", "markdown_to_blocks"]

MEDIA_TYPES = ("application/pdf", "text/html", "text/plain", "text/markdown")
_MD_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_MD_FOOTNOTE_DEF = re.compile(r"^\[\^(\d+)\]:\s*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`)(\S(?:.*?\S)?)\1")


def extract_document(data: bytes, media_type: str, on_page: pdf.PageProgress | None = None) -> Document:
    """Extract the cleaned text, passages and first-page metadata of a source (``on_page``: PDF pages read)."""
    kind = media_type.split(";")[0].strip().lower()
    if kind == "application/pdf":
        pages = pdf.pdfium_pages(data, on_page)
        blocks, masthead = pages_to_blocks(pages)
        text, passages, page_starts = build(blocks, paged=True)
        first = [b for b in blocks if b.page == 1]
        head = masthead + _head_lines([line.text for line in pages[0]] if pages else [])
        return Document(
            text,
            passages,
            page_starts,
            "pypdfium2",
            pdf.extractor_version(),
            symbol=header_symbol(head),
            title=title_from_blocks(first) or pdf_info(data).get("title"),
            date=_date(masthead) or header_date(head),
        )
    if kind not in MEDIA_TYPES:
        raise VerifyError(f"unsupported media type: {media_type} (expected PDF, HTML, text or Markdown)")
    source = _decode(data)
    title: str | None = None
    if kind == "text/html":
        title, html_blocks = html_content(source)
        raw = [Block(b.text, "heading" if b.heading else _kind(b.text)) for b in html_blocks]
        extractor = ("selectolax", version("selectolax"))
    elif kind == "text/markdown":
        vocabulary = _vocabulary(source)
        blocks, masthead = plaintext.text_to_blocks(
            markdown_to_text(source), lambda lines: _join_lines(lines, vocabulary)
        )
        text, passages, _ = build(blocks, paged=False)
        return Document(
            text,
            passages,
            [],
            "markdown",
            "2",
            symbol=header_symbol(masthead),
            title=title_from_blocks(blocks) or _title(blocks),
            date=header_date(masthead),
        )
    else:
        vocabulary = _vocabulary(source)
        blocks, masthead = plaintext.text_to_blocks(source, lambda lines: _join_lines(lines, vocabulary))
        text, passages, _ = build(blocks, paged=False)
        return Document(
            text,
            passages,
            [],
            "plain",
            "2",
            symbol=header_symbol(masthead),
            title=title_from_blocks(blocks) or _title(blocks),
            date=header_date(masthead),
        )
    blocks, masthead = _strip_masthead(raw)
    # A text copy of a printed report keeps its page furniture ("23-09427   3/24") as lines of their own.
    blocks = [b for b in blocks if b.kind == "footnote" or not is_margin_text(b.text)]
    text, passages, _ = build(blocks, paged=False)
    return Document(
        text,
        passages,
        [],
        extractor[0],
        extractor[1],
        symbol=header_symbol(masthead + [b.text for b in blocks[:3] if is_margin_text(b.text, masthead=True)]),
        title=title or _title(blocks),
        date=_date(masthead),
    )


def _head_lines(lines: list[str]) -> list[str]:
    """The first page's lines up to its first numbered paragraph: where a masthead can stand
    (after a banner or a short preamble, which the layout may have merged into a paragraph)."""
    head: list[str] = []
    for line in lines:
        if re.match(r"^\s*\d{1,4}\.\s", line):
            break
        head.append(line)
    return head


def _decode(data: bytes) -> str:
    """Text sources are what their byte-order mark says (UTF-8/16/32), else UTF-8; fall back to Windows-1252."""
    from verify.ingest.reading import decode_with_bom

    marked = decode_with_bom(data, "the source")
    if marked is not None:
        return marked
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _kind(text: str) -> str:
    return "heading" if is_heading(text) else "paragraph"


def text_to_blocks(source: str) -> list[Block]:
    """Plain text to blocks (see :mod:`verify.ingest.plaintext` for the rules)."""
    vocabulary = _vocabulary(source)
    return plaintext.text_to_blocks(source, lambda lines: _join_lines(lines, vocabulary))[0]


def markdown_to_blocks(source: str) -> list[Block]:
    """Markdown: ``#`` headings, paragraphs, list items; ``[^N]`` footnotes linked.

    The Markdown is reduced to plain lines (headings marked as such, footnote
    definitions gathered into a "Notes" section, references left as glued
    numbers) and split by the plain-text rules, so a report pasted into
    Markdown gets the same ``para. N`` as its text copy.
    """
    vocabulary = _vocabulary(source)
    return plaintext.text_to_blocks(markdown_to_text(source), lambda lines: _join_lines(lines, vocabulary))[0]


def markdown_to_text(source: str) -> str:
    """Plain lines for :func:`plaintext.text_to_blocks` (see :func:`markdown_to_blocks`)."""
    body: list[str] = []
    notes: list[str] = []
    fenced = in_note = False
    for raw in source.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line.startswith("```"):
            fenced = not fenced
            body.append("")
            continue
        if fenced:
            continue
        note = _MD_FOOTNOTE_DEF.match(line)
        if note:
            notes.append(f"{note.group(1)} {_md_inline(line[note.end() :])}")
            in_note = True
            continue
        if in_note and line and raw[:1].isspace():
            notes[-1] += " " + _md_inline(line)  # an indented continuation of the definition
            continue
        in_note = False
        if re.fullmatch(r"(?:-{3,}|\*{3,}|_{3,})", line):
            body.append("")
        elif line.startswith("#"):
            body.extend(["", plaintext.HEADING_MARK + _md_inline(line.lstrip("#").strip()), ""])
        else:
            line = re.sub(r"^>\s?", "", line)
            body.append(_md_inline(_MD_FOOTNOTE_REF.sub(lambda m: m.group(1), line)) if line else "")
    if notes:
        body += ["", "Notes", *notes]
    return "\n".join(body) + "\n"


def _md_inline(text: str) -> str:
    """Drop Markdown inline markup (links keep their text)."""
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text).strip()


Vocabulary = tuple[Counter[str], Counter[str]]
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)-$")


def _vocabulary(source: str) -> Vocabulary:
    """Words and hyphenated compounds of a text, leaving out words split at line ends."""
    words: Counter[str] = Counter()
    compounds: Counter[str] = Counter()
    for line in source.splitlines():
        tokens = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*-?", line)
        for index, token in enumerate(tokens):
            if token.endswith("-") and index == len(tokens) - 1:
                continue
            token = token.rstrip("-").lower()
            if "-" in token:
                compounds[token] += 1
                words.update(token.split("-"))
            else:
                words[token] += 1
    return words, compounds


def _join_lines(lines: list[str], vocabulary: Vocabulary) -> str:
    """Join soft line breaks, repairing line-end hyphenation by the document's own usage
    ("Afghani-" + "stan" -> "Afghanistan", "small-" + "scale" stays; see layout.keep_hyphen)."""
    vocab, compounds = vocabulary
    text = lines[0]
    for line in lines[1:]:
        hyphen = _LINE_END_HYPHEN.search(text)
        first = re.match(r"[A-Za-z]+", line)
        if hyphen and first:
            text = text if keep_hyphen(hyphen.group(1), first.group(0), vocab, compounds) else text[:-1]
            text += line
        else:
            text += " " + line
    return text


def _strip_masthead(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Leading blocks that are only masthead or furniture (symbol, Distr., date)."""
    masthead: list[str] = []
    k = 0
    while k < len(blocks) and blocks[k].kind != "footnote" and is_margin_text(blocks[k].text, masthead=True):
        masthead.append(blocks[k].text)
        k += 1
    return blocks[k:], masthead


def _date(texts: list[str]) -> str | None:
    for text in texts:
        found = iso_date(text)
        if found:
            return found
    return None


def _title(blocks: list[Block]) -> str | None:
    """The first heading that is not a numbered section ("I. Summary") or annex."""
    for block in blocks:
        if block.kind == "heading" and not re.match(r"^(?:[IVXLC]+|[A-H])\.\s|^Annex\b", block.text):
            return block.text
        if block.kind == "paragraph":
            break
    return None
