"""Reading an article file (.txt, .md, .html) into a title and body paragraphs.

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
}
TITLE_MAX_CHARS = 200
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class ArticleFile:
    title: str | None
    paragraphs: list[str]
    name: str
    format: str
    published: str | None = None  # the page's publication date, when its metadata states one


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
        raise VerifyError(f"unsupported article format {suffix or '(none)'!r} for {name}: use .txt, .md or .html")
    text = decode(data, name)
    if kind == "html":
        from verify.ingest.html import html_published, html_to_blocks

        html_title, paragraphs = html_to_blocks(text)
        return ArticleFile(title or html_title, [p for p in paragraphs if p.strip()], name, kind, html_published(text))
    markdown = kind == "markdown"
    blocks = _blocks(text)
    found_title, body = _split_title(blocks, title, markdown=markdown)
    if markdown:
        body = [_markdown_inline(b) for b in body if not _MD_HEADING.match(b)]
        found_title = _markdown_inline(found_title) if found_title else found_title
    if not any(p.strip() for p in body):
        raise VerifyError(f"{name} has a title but no body text to check")
    return ArticleFile(found_title, body, name, kind)


def stdin_suffix(data: bytes) -> str:
    """The format of an article piped in, which has no file name: HTML if it starts like HTML, else plain text."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return ".html" if head.startswith((b"<!doctype html", b"<html", b"<body", b"<article", b"<p>", b"<h1")) else ".txt"


def read_article(path: Path, title: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> ArticleFile:
    """Read and parse an article file, or standard input for ``-`` (its format recognised from the bytes)."""
    data = read_bytes(path, max_size)
    if str(path) == "-":
        return parse_article(data, "standard input", stdin_suffix(data), title)
    return parse_article(data, path.name, path.suffix, title)
