"""A Word draft (.docx) to an article: paragraphs in order, headings apart, tracked changes accepted.

Drafts reach the desk as Word files. python-docx opens the package and gives
each paragraph its style (so "Heading 2" is a heading, not a claim), but its
``Paragraph.text`` skips inserted runs and has no notion of a deleted
paragraph mark, so the text of each paragraph is read from its XML here:
insertions (``w:ins``, ``w:moveTo``) kept, deletions (``w:del``,
``w:moveFrom``) dropped, a deleted paragraph mark joining the paragraph to
the next, which is how the draft reads with every change accepted. Footnotes
and comments live in their own parts and are never read; their reference
marks carry no text. Tables are left out (they are not running text).

A file that is not a Word document, or is one protected by a password (an
encrypted package is an OLE compound file, not a zip), is refused with what
to do about it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from verify.errors import VerifyError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SKIPPED = frozenset(  # subtrees that are not the text as it reads with changes accepted
    f"{_W}{name}" for name in ("del", "moveFrom", "pPr", "rPr", "instrText", "delText", "footnoteReference")
)
_CHANGES = frozenset(f"{_W}{name}" for name in ("ins", "del", "moveFrom", "moveTo"))
_SPACE = re.compile(r"\s+")
# A subtitle (the standfirst) states facts like any paragraph, so it is checked, not skipped.
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title)$", re.IGNORECASE)


@dataclass(frozen=True)
class DocxArticle:
    """The body paragraphs of a draft, its title if styled as one, and how many tracked changes were accepted."""

    title: str | None
    paragraphs: list[str]
    headings: list[str]
    tracked_changes: int


def check_docx(data: bytes, name: str) -> None:
    """Refuse what is not a Word package before python-docx sees it."""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise VerifyError(f"{name} is protected by a password; save an unprotected copy and import that")
        raise VerifyError(f"{name} is an old-format Word (.doc) file, not .docx; save it as .docx and import that")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise VerifyError(f"{name} is not a Word document (.docx files are zip packages; this is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        raise VerifyError(f"{name} is a damaged zip file, not a readable Word document") from None
    if "word/document.xml" not in names:
        raise VerifyError(f"{name} is a zip archive but not a Word document (it has no word/document.xml)")


def read_docx(data: bytes, name: str) -> DocxArticle:
    """The draft's title, paragraphs and headings in order, with every tracked change accepted."""
    check_docx(data, name)
    import docx
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a broken package
        raise VerifyError(f"{name} cannot be read as a Word document ({type(exc).__name__})") from None
    body = document.element.body
    changes = sum(1 for el in body.iter() if el.tag in _CHANGES)
    title: str | None = None
    paragraphs: list[str] = []
    headings: list[str] = []
    pending = ""  # text of paragraphs whose mark was deleted: it joins the next one
    for p in _paragraph_elements(body):
        text = _clean(pending + _accepted_text(p))
        if _mark_deleted(p):
            pending = text + " " if text else ""
            continue
        pending = ""
        if not text:
            continue
        if _is_heading(Paragraph(p, document)):
            if title is None and not paragraphs and not headings:
                title = text
            else:
                headings.append(text)
        else:
            paragraphs.append(text)
    if pending.strip():
        paragraphs.append(pending.strip())
    return DocxArticle(title, paragraphs, headings, changes)


def _paragraph_elements(body: Any) -> list[Any]:
    """Body paragraphs in order, those inside content controls included, tables left out."""
    found: list[Any] = []
    stack = [iter(body)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
        elif element.tag == f"{_W}p":
            found.append(element)
        elif element.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            stack.append(iter(element))
    return found


def _accepted_text(p: Any) -> str:
    """A paragraph's text as it reads with every change accepted (insertions in, deletions out)."""
    parts: list[str] = []
    stack = [iter(p)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        tag = element.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == f"{_W}t":
            parts.append(element.text or "")
        elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            stack.append(iter(element))
    return "".join(parts)


def _mark_deleted(p: Any) -> bool:
    """True when the paragraph mark itself is a tracked deletion: accepted, it joins the next paragraph."""
    return p.find(f"{_W}pPr/{_W}rPr/{_W}del") is not None


def _is_heading(paragraph: Any) -> bool:
    """A paragraph styled as a title or heading, or given an outline level."""
    try:
        style = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, AttributeError, ValueError):
        style = ""
    if _HEADING_STYLE.match(style or ""):
        return True
    level = paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")
    return level is not None and level.get(f"{_W}val", "9") != "9"  # level 9 is body text


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
