"""Reading an article file (.txt, .md, .html, .docx, .pdf) into a title and body paragraphs.

Every refusal names the file and what to do, and happens before anything is
written: a missing or empty file, a directory, a binary file, an oversized
file, or text that is neither UTF-8 nor recognisably Windows-1252/Latin-1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from verify.errors import VerifyError

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
SUPPORTED = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
TITLE_MAX_CHARS = 200
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class ArticleFile:
    """What an import needs from a file or page: title, body paragraphs, where it came from, what was done to it.

    ``notes`` are things the user must be told about the reading (tracked
    changes accepted); ``author`` and ``published`` come from a web page's
    metadata.
    """

    title: str | None
    paragraphs: list[str]
    name: str
    format: str
    author: str | None = None
    published: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def read_bytes(path: Path, max_size: int) -> bytes:
    """The article's bytes from a file or, for ``-``, standard input, at most ``max_size`` of them."""
    from verify.ingest.reading import display_name, read_input

    data = read_input(path, cap=max_size, what="the path of an article file")
    if not data:
        raise VerifyError(f"{display_name(path)} is empty")
    return data


def _plausible_text(text: str) -> bool:
    """True when decoded text has no control characters other than line breaks and tabs."""
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f" for ch in text)


def decode(data: bytes, name: str) -> str:
    """The text a byte-order mark announces (UTF-8, UTF-16, UTF-32).

    Without one: UTF-8, or cp1252/Latin-1 when that is clearly what it is.
    """
    from verify.ingest.reading import decode_with_bom

    marked = decode_with_bom(data, name)
    if marked is not None:
        if "\x00" in marked:
            raise VerifyError(f"{name} looks like a binary file (it contains NUL characters), not text")
        if not _plausible_text(marked):
            raise VerifyError(f"{name} contains control characters; it does not look like an article")
        return marked
    if b"\x00" in data:
        raise VerifyError(f"{name} looks like a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        for encoding in ("cp1252", "latin-1"):
            try:
                candidate = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible_text(candidate):
                return candidate
        raise VerifyError(f"{name} is not UTF-8 text (nor recognisably cp1252/latin-1); convert it to UTF-8") from None
    if not _plausible_text(text):
        raise VerifyError(f"{name} contains control characters; it does not look like an article")
    return text


def _blocks(text: str) -> list[str]:
    """Paragraphs: blank-line separated blocks, or one per line when there are no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text.strip()):
        raw = re.split(r"\n[ \t]*\n", text)
        return [" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in raw if block.strip()]
    return [line.strip() for line in text.split("\n") if line.strip()]


def _markdown_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("`", "")


def looks_like_title(line: str) -> bool:
    return (
        len(line) <= TITLE_MAX_CHARS and "\n" not in line and not line.rstrip().endswith((".", "!", "?", ":", ";", ","))
    )


def _split_title(blocks: list[str], title: str | None, *, markdown: bool) -> tuple[str | None, list[str]]:
    if not blocks:
        return title, blocks
    first = blocks[0]
    if markdown and _MD_HEADING.match(first):
        first_text = _MD_HEADING.sub("", first).strip()
        if title is None or first_text == title.strip():
            return title or first_text, blocks[1:]
    if title is not None:
        return (title, blocks[1:]) if first.strip() == title.strip() else (title, blocks)
    if len(blocks) > 1 and looks_like_title(first):
        return first, blocks[1:]
    return None, blocks


def parse_article(data: bytes, name: str, suffix: str, title: str | None = None) -> ArticleFile:
    """Parse article bytes by format; the title line is never a claim."""
    kind = SUPPORTED.get(suffix.lower())
    if kind is None:
        raise VerifyError(
            f"unsupported article format {suffix or '(none)'!r} for {name}: use .txt, .md, .html, .docx or .pdf "
            "(or an http(s) URL)"
        )
    if kind == "docx":
        return _docx(data, name, title)
    if kind == "pdf":
        return _pdf(data, name, title)
    text = decode(data, name)
    if kind == "html":
        from verify.ingest.html import html_published, html_to_blocks

        html_title, paragraphs = html_to_blocks(text)
        paragraphs = [p for p in paragraphs if p.strip()]
        return ArticleFile(title or html_title, paragraphs, name, kind, published=html_published(text))
    markdown = kind == "markdown"
    blocks = _blocks(text)
    found_title, body = _split_title(blocks, title, markdown=markdown)
    if markdown:
        body = [_markdown_inline(b) for b in body if not _MD_HEADING.match(b)]
        found_title = _markdown_inline(found_title) if found_title else found_title
    if not any(p.strip() for p in body):
        raise VerifyError(f"{name} has a title but no body text to check")
    return ArticleFile(found_title, body, name, kind)


def _without_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The body without a first paragraph that repeats the title given with --title."""
    if title is not None and paragraphs and paragraphs[0].strip() == title.strip():
        return paragraphs[1:]
    return paragraphs


def _docx(data: bytes, name: str, title: str | None) -> ArticleFile:
    from verify.ingest.docx_article import read_docx

    draft = read_docx(data, name)
    body = _without_title(draft.paragraphs, title)
    found = title or draft.title
    if found is None:
        found, body = _split_title(body, None, markdown=False)
    if not body:
        raise VerifyError(f"{name} has no body paragraphs to check")
    notes: tuple[str, ...] = ()
    if draft.tracked_changes:
        count = draft.tracked_changes
        notes = (
            f"{count} tracked change{'s' if count != 1 else ''} accepted: the text is read as it would stand "
            "with every change accepted",
        )
    return ArticleFile(found, body, name, "docx", notes=notes)


def _pdf(data: bytes, name: str, title: str | None) -> ArticleFile:
    from verify.ingest.pdf_article import read_pdf_article

    proof = read_pdf_article(data, name)
    body = _without_title(proof.paragraphs, title)
    found = title or proof.title
    if found is None:
        found, body = _split_title(body, None, markdown=False)
    if not body:
        raise VerifyError(f"{name} has no body paragraphs to check")
    return ArticleFile(found, body, name, "pdf")


def stdin_suffix(data: bytes) -> str:
    """The format of an article piped in, which has no file name: from its first bytes (PDF, Word, HTML, text)."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return ".docx"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return ".html" if head.startswith((b"<!doctype html", b"<html", b"<body", b"<article", b"<p>", b"<h1")) else ".txt"


def read_article(path: Path, title: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> ArticleFile:
    """Read and parse an article file, or standard input for ``-`` (its format recognised from the bytes)."""
    data = read_bytes(path, max_size)
    if str(path) == "-":
        return parse_article(data, "standard input", stdin_suffix(data), title)
    return parse_article(data, path.name, path.suffix, title)
