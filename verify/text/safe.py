"""Making untrusted text safe to print: control characters and bidi overrides become visible.

A fetched page's title, a note, a reviewer name or a source key may hold
terminal escape sequences (ESC, the C1 CSI) or bidi overrides (U+202E) that
would recolour, rewrite or reorder what a checker reads. Everything printed
to a terminal or written as plain text (Markdown, HTML, tables) goes through
:func:`visible`: each such character is shown as its escape (``\\x1b``,
``\\u202e``), so nothing is hidden and nothing acts. Newline and tab are kept
where a text may hold them. JSON keeps the data, with those characters
escaped (:func:`json_escape`), so a round trip is exact.
"""

from __future__ import annotations

import re
from typing import Any

# C0 (without tab and newline), DEL, C1, the bidi embeddings/overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON text C0 is already escaped by the encoder; these are the ones it leaves raw.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character but newline and tab, and every bidi control, shown as an escape.

    ``one_line`` (a table cell, a message line): newlines and tabs become spaces first."""
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _UNSAFE.sub(_shown, text) if _UNSAFE.search(text) else text


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def json_escape(text: str) -> str:
    """JSON text with the C1 controls, DEL and bidi controls written as ``\\uXXXX`` (they occur only inside strings)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_renderable(value: Any) -> Any:
    """A str or rich ``Text`` made visible; other renderables (tables, already built) pass unchanged."""
    if isinstance(value, str):
        return visible(value)
    from rich.text import Text

    if isinstance(value, Text) and has_unsafe(value.plain):
        return _safe_text(value)
    return value


def _safe_text(value: Any) -> Any:
    """A rich Text made visible, its styles kept on the same words (cut at every span edge, each piece escaped)."""
    from rich.text import Span, Text

    edges = sorted({edge for span in value.spans for edge in (span.start, span.end)} - {0, len(value.plain)})
    out = Text(style=value.style, justify=value.justify, overflow=value.overflow, no_wrap=value.no_wrap, end=value.end)
    for piece in value.divide(edges) if edges else [value]:
        text = visible(piece.plain)
        out.append(Text(text, spans=[Span(0, len(text), span.style) for span in piece.spans if span.end > span.start]))
    return out


def safe_console(**options: Any) -> Any:
    """A rich Console whose ``print`` makes every str and Text it is given visible first.

    Tables are made safe when built.
    """
    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
            super().print(*(safe_renderable(o) for o in objects), **kwargs)

    return SafeConsole(**options)
