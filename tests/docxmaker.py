"""Word drafts for the tests, built with python-docx plus the raw XML it cannot write.

python-docx writes paragraphs and heading styles; tracked changes
(``w:ins``/``w:del``, a deleted paragraph mark), footnotes and comments are
spliced into the package's XML here, as Word itself writes them, so the
reader is tested on what a newsroom's Word files really hold.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)
_COMMENTS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W_NS}">'
    '<w:comment w:id="0" w:author="Editor" w:date="2026-01-05T10:00:00Z" w:initials="ED">'
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment></w:comments>"
)


@dataclass(frozen=True)
class Para:
    """One paragraph of a draft: plain text, or raw run XML (``xml``) for tracked changes and marks."""

    text: str = ""
    style: str | None = None  # "Title", "Heading 1", ...
    xml: str | None = None  # replaces the runs: use ins(), dele(), run(), footnote_ref(), comment_around()
    mark_deleted: bool = False  # (plain, unstyled text only) the paragraph mark is a tracked deletion


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def ins(text: str, change_id: int = 1) -> str:
    return f'<w:ins w:id="{change_id}" w:author="Reporter" w:date="2026-01-05T09:00:00Z">{run(text)}</w:ins>'


def dele(text: str, change_id: int = 2) -> str:
    return (
        f'<w:del w:id="{change_id}" w:author="Editor" w:date="2026-01-05T09:30:00Z">'
        f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'
    )


def footnote_ref() -> str:
    return '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'


def comment_around(text: str) -> str:
    return (
        '<w:commentRangeStart w:id="0"/>'
        + run(text)
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
    )


def make_docx(paragraphs: list[Para], *, footnote: str | None = None, comment: str | None = None) -> bytes:
    """A .docx holding ``paragraphs`` in order, with a footnote and a comment part when asked."""
    import docx

    document = docx.Document()
    for index, para in enumerate(paragraphs):
        placeholder = f"PARAGRAPH-{index}-PLACEHOLDER"
        document.add_paragraph(placeholder if para.xml else para.text, style=para.style)
    buffer = io.BytesIO()
    document.save(buffer)
    return _splice(buffer.getvalue(), paragraphs, footnote, comment)


def _splice(data: bytes, paragraphs: list[Para], footnote: str | None, comment: str | None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    for index, para in enumerate(paragraphs):
        placeholder = f"PARAGRAPH-{index}-PLACEHOLDER"
        if para.xml:
            body = re.sub(r"<w:r>(?:(?!<w:r>).)*?" + placeholder + r".*?</w:r>", lambda _m, x=para.xml: x, body)
        if para.mark_deleted:
            body = _delete_mark(body, para.text)
    parts["word/document.xml"] = body.encode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    extra = {
        "footnotes": (footnote, _FOOTNOTES, "footnotes"),
        "comments": (comment, _COMMENTS, "comments"),
    }
    for part, (text, template, kind) in extra.items():
        if text is None:
            continue
        parts[f"word/{part}.xml"] = template.format(text=text).encode("utf-8")
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdX{part}" Type="{REL_NS}/{kind}" Target="{part}.xml"/></Relationships>',
        )
        types = types.replace(
            "</Types>",
            f'<Override PartName="/word/{part}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            f'wordprocessingml.{part}+xml"/></Types>',
        )
    parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    parts["[Content_Types].xml"] = types.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _delete_mark(body: str, text: str) -> str:
    """Mark the (unstyled, plain-text) paragraph holding ``text`` as having its paragraph mark deleted."""
    start = body.index(text)
    p_start = max(body.rfind("<w:p>", 0, start), body.rfind("<w:p ", 0, start))
    mark = '<w:pPr><w:rPr><w:del w:id="9" w:author="Editor" w:date="2026-01-05T09:40:00Z"/></w:rPr></w:pPr>'
    head_end = body.index(">", p_start) + 1
    return body[:head_end] + mark + body[head_end:]


def encrypted_docx(password: str = "secret") -> bytes:
    """A real password-protected .docx (an encrypted OOXML package), made with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(make_docx([Para("A confidential draft paragraph.")]))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt(password, out)
    return out.getvalue()
