"""HTML building blocks shared by the appendix and the annotated copy.

Everything that reaches HTML — claim text, notes, quotes, titles, URLs — goes
through :func:`esc` (text and attribute values alike: quotes are escaped too),
and only ``http``/``https`` URLs ever become links (:func:`safe_url`), so a
``javascript:`` URL is shown as text. The pages are single files with inline
CSS, no scripts and a Content-Security-Policy that forbids any request, so
they can be opened offline, archived and printed as they are.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

BASE_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ccc; }
* { box-sizing: border-box; }
body { font: 16px/1.55 Georgia, 'Times New Roman', serif; color: var(--ink); background: #fff;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin-bottom: .3rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2rem; }
.meta, .muted { color: var(--muted); font-size: .9rem; }
blockquote { margin: .3rem 0 .6rem 1.2rem; padding-left: .7rem; border-left: 3px solid var(--rule); }
a { color: #0645ad; }
code, .url { font-family: 'DejaVu Sans Mono', monospace; font-size: .85em; word-break: break-all; }
ol.notes > li, ul.bib > li { margin-bottom: .9rem; }
.cite { margin: .2rem 0; }
.stance { font-variant: small-caps; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  li, tr, blockquote { break-inside: avoid; }
}
"""


def esc(value: object) -> str:
    """Text or attribute value, escaped (``<``, ``>``, ``&``, ``"`` and ``'``)."""
    return html.escape("" if value is None else str(value), quote=True)


def bdi(value: object) -> str:
    """User text (a name, a note, a citation, a quote) escaped and isolated in ``<bdi>``: a right-to-left
    name cannot reorder the punctuation and words around it (bidi controls are shown as escapes on output)."""
    return f"<bdi>{esc(value)}</bdi>"


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL a reader may follow, else None."""
    if not url:
        return None
    candidate = url.strip()
    if any(ord(c) < 32 for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def link(url: str | None, text: str | None = None) -> str:
    """A link for a safe URL; any other URL is shown as inert text."""
    if not url:
        return ""
    safe = safe_url(url)
    label = esc(text if text is not None else url)
    if safe is None:
        return f'<span class="url">{label}</span>'
    return f'<a class="url" href="{esc(safe)}" rel="noopener noreferrer">{label}</a>'


def page(title: str, body: str, css: str = "") -> str:
    """A complete, self-contained HTML5 document."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
