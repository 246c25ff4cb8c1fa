"""Markdown that shows user text as text: no stray emphasis, links, HTML or tables.

Claim text, notes, quotes and titles are written by people (and copied from
sources), so they may contain ``*``, ``_``, ``[``, ``<`` or ``|``. Each is
escaped so GitHub renders the characters themselves, never markup.
"""

from __future__ import annotations

import re

from verify.reports.html import safe_url

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^([-+#>=]|\d+[.)])")


def md_text(value: object) -> str:
    """Escape Markdown punctuation and HTML; newlines become spaces (one paragraph)."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(
        lambda m: "\\" + m.group(0) if m.group(0)[0] in "-+#>=" else m.group(0)[:-1] + "\\" + m.group(0)[-1], text
    )


def md_url(url: str | None) -> str:
    """An autolink for an http(s) URL; anything else (``javascript:``…) as inert code text."""
    if not url:
        return ""
    safe = safe_url(url)
    if safe and not any(c in safe for c in "<> "):
        return f"<{safe}>"
    return "`" + url.replace("`", "'") + "`"
