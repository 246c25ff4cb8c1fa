"""HTML to main-content blocks: headings and paragraphs, without page chrome.

Web copies of reports and articles carry menus, cookie banners, share
buttons and footers around the text a fact-checker cites.  We parse with
selectolax (lexbor backend: fast, tolerant, keeps every paragraph) and drop
the chrome by tag, ARIA role and class/id, rather than using trafilatura,
whose precision-oriented heuristics dropped short numbered paragraphs and
headings that passage detection needs.  Block boundaries follow the HTML
block elements, so a paragraph is what the page author marked as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Never content: scripts, styling, forms, embedded widgets, site navigation.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "aside", "form",
    "button", "iframe", "svg", "canvas", "menu", "dialog", "select", "input",
    "object", "embed", "link", "meta",
)
_DROP_ROLES = (
    "navigation", "banner", "contentinfo", "complementary", "search",
    "dialog", "alertdialog", "menu", "menubar", "toolbar",
)
# Class/id words that mark chrome.  Matched against whole tokens so that a
# class such as "article-body" is not mistaken for "body"-less chrome.
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:cookies?|consent|gdpr|cmp|banner|navbar|nav|menu|"
    r"breadcrumbs?|sidebar|share|sharing|social|skip-link|site-header|"
    r"site-footer|masthead|newsletter|subscribe|popup|modal|advert|ads|"
    r"related|comments?)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd pre blockquote div section article "
    "main header footer figure figcaption table thead tbody tfoot tr td th "
    "caption address hr br details summary center".split()
)
_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_SPACE = re.compile(r"\s+")
_FOOTNOTE_REF = re.compile(r"^\[?\d{1,3}\]?$")


@dataclass(frozen=True)
class HtmlBlock:
    """One block of main content; ``heading`` blocks are kept apart from paragraphs."""

    text: str
    heading: bool


def html_to_blocks(html: str) -> tuple[str | None, list[str]]:
    """Return the page title and the paragraph texts of its main content.

    Headings are left out of the paragraphs (article import counts paragraphs
    and sentences of the body only); the title is the single ``<h1>`` when
    there is one, else ``og:title``, else ``<title>``.
    """
    title, blocks = html_content(html)
    return title, [b.text for b in blocks if not b.heading]


def html_content(html: str) -> tuple[str | None, list[HtmlBlock]]:
    """Return the title and every main-content block, headings included."""
    tree = LexborHTMLParser(html)
    title = _title(tree)
    root = _main_root(tree)
    if root is None:
        return title, []
    _strip_chrome(root, keep_header=root.tag != "body")
    blocks: list[HtmlBlock] = []
    _walk(root, blocks)
    return title, blocks


def _title(tree: LexborHTMLParser) -> str | None:
    """Prefer the page's own headline over a ``<title>`` with a site suffix."""
    h1s = [_clean(n.text()) for n in tree.css("h1")]
    h1s = [h for h in h1s if h]
    if len(h1s) == 1:
        return h1s[0]
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and _clean(og.attributes.get("content") or ""):
        return _clean(og.attributes.get("content") or "")
    node = tree.css_first("title")
    text = _clean(node.text()) if node is not None else ""
    return text or None


def _main_root(tree: LexborHTMLParser) -> LexborNode | None:
    """The element that holds the content: ``<main>``, one ``<article>``, or body."""
    for selector in ("main", '[role="main"]'):
        node = tree.css_first(selector)
        if node is not None:
            return node
    articles = tree.css("article")
    if len(articles) == 1:
        return articles[0]
    return tree.body


def _strip_chrome(root: LexborNode, keep_header: bool) -> None:
    """Remove navigation, banners and other non-content elements in place."""
    for tag in _DROP_TAGS:
        for node in root.css(tag):
            node.decompose()
    doomed: list[LexborNode] = []
    for node in root.traverse():
        if node.tag == "-text" or node is root:
            continue
        attrs = node.attributes
        if node.tag == "footer" or (node.tag == "header" and not keep_header):
            doomed.append(node)
        elif (attrs.get("role") or "").lower() in _DROP_ROLES:
            doomed.append(node)
        elif "hidden" in attrs or (attrs.get("aria-hidden") or "") == "true":
            doomed.append(node)
        elif _CHROME_WORDS.search(_class_and_id(attrs)):
            doomed.append(node)
    for node in doomed:
        try:
            node.decompose()
        except Exception:  # noqa: BLE001 - already removed with an ancestor
            continue


def _class_and_id(attrs: dict[str, str | None]) -> str:
    """The class and id words of an element, for the chrome pattern."""
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _walk(node: LexborNode, blocks: list[HtmlBlock], prefix: str = "") -> None:
    """Emit one block per run of inline content between block boundaries.

    ``prefix`` carries the number a browser would draw before an ``<ol>``
    item, so numbered paragraphs marked up as a list keep their number.
    """
    run: list[str] = [prefix]
    item = _list_start(node) if node.tag == "ol" else 0

    def flush() -> None:
        text = _clean("".join(run))
        run.clear()
        if text:
            blocks.append(HtmlBlock(text, node.tag in _HEADING_TAGS))

    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            run.append(child.text(deep=False) or "")
        elif tag == "sup" and _FOOTNOTE_REF.match(_clean(child.text())):
            continue  # footnote reference marker, not the author's words
        elif tag in _BLOCK_TAGS:
            flush()
            if tag == "li" and node.tag == "ol":
                text = _clean(child.text())
                number = "" if re.match(r"\d+\.\s", text) else f"{item}. "
                _walk(child, blocks, number)
                item += 1
            elif tag not in ("br", "hr"):
                _walk(child, blocks)
        elif _has_block(child):
            flush()
            _walk(child, blocks)
        else:
            run.append(_inline_text(child))
    flush()


def _list_start(node: LexborNode) -> int:
    """The first item number of an ordered list (``start`` attribute, else 1)."""
    try:
        return int(node.attributes.get("start") or 1)
    except ValueError:
        return 1


def _inline_text(node: LexborNode) -> str:
    """Text of an inline element, without footnote-reference superscripts."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text(deep=False) or "")
        elif child.tag == "sup" and _FOOTNOTE_REF.match(_clean(child.text())):
            continue
        else:
            parts.append(_inline_text(child))
    return "".join(parts)


def _has_block(node: LexborNode) -> bool:
    """Whether an inline element wraps block content (e.g. ``<a><p>..</p></a>``)."""
    return any(n.tag in _BLOCK_TAGS for n in node.traverse() if n is not node)


def _clean(text: str) -> str:
    """Collapse HTML whitespace (including no-break spaces) to single spaces."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
