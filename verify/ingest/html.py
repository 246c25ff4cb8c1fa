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
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "canvas",
    "menu",
    "dialog",
    "select",
    "input",
    "object",
    "embed",
    "link",
    "meta",
)
_DROP_ROLES = (
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
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
MAX_DEPTH = 512
# Elements that never hold others, and those the parser closes by itself when
# the next one starts (``<p>``, ``<li>``...): neither deepens the tree.
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
_SELF_CLOSING_TAGS = frozenset("p li dt dd option optgroup tr td th thead tbody tfoot rp rt colgroup caption".split())
# A tag, or a comment / raw-text element whose inside is skipped whole.
_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?:script|style|textarea|title|xmp|noscript)\b[^>]*>.*?(?:</(?:script|style|textarea|title|xmp|noscript)\s*>|\Z)"
    r"|<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
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
    tree = LexborHTMLParser(cap_nesting(html))
    title = _title(tree)
    root = _main_root(tree)
    if root is None:
        return title, []
    _strip_chrome(root, keep_header=root.tag != "body")
    blocks: list[HtmlBlock] = []
    _walk(root, blocks)
    return title, blocks


def cap_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """Flatten elements nested deeper than ``max_depth``, keeping all their text.

    The HTML tree builder checks the stack of open elements at every end tag,
    so a page of 100,000 nested ``<div>`` took minutes to parse. Browsers
    flatten such pages too (Chromium at 512 levels). One linear scan counts
    the depth; past the cap, block tags become ``<br>`` (so the text still
    splits where the author's blocks did) and inline tags are dropped. Pages
    within the cap are returned unchanged.
    """
    depth = dropped = 0
    cuts: list[tuple[int, int, str]] = []
    for match in _TAG.finditer(html):
        name = match.group("name")
        if name is None:
            continue  # comment or raw-text element: its inside is not markup
        name = name.lower()
        if name in _VOID_TAGS or name in _SELF_CLOSING_TAGS:
            continue
        if match.group("end"):
            if dropped:
                dropped -= 1
                cuts.append((match.start(), match.end(), "<br>" if name in _BLOCK_TAGS else ""))
            elif depth:
                depth -= 1
        elif depth >= max_depth:
            dropped += 1
            cuts.append((match.start(), match.end(), "<br>" if name in _BLOCK_TAGS else ""))
        else:
            depth += 1
    if not cuts:
        return html
    pieces: list[str] = []
    last = 0
    for start, end, replacement in cuts:
        pieces.append(html[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


_PUBLISHED_META = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="citation_publication_date"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date"]',
    'meta[name="date"]',
    'meta[property="og:published_time"]',
)
_ISO_DAY = re.compile(r"^\s*((?:19|20)\d{2})[-/](\d{2})[-/](\d{2})")


def html_published(html: str) -> str | None:
    """The page's publication date (YYYY-MM-DD) from its metadata, when it states one.

    News and blog pages say when they were published in ``<meta
    property="article:published_time">`` (Open Graph), schema.org's
    ``datePublished`` (a meta or ``<time itemprop>``) or Dublin Core; the
    article's date decides which reports its author could have read.
    """
    tree = LexborHTMLParser(cap_nesting(html))
    values = [node.attributes.get("content") for selector in _PUBLISHED_META for node in tree.css(selector)]
    values += [node.attributes.get("datetime") for node in tree.css('time[itemprop="datePublished"]')]
    for value in values:
        match = _ISO_DAY.match(value or "")
        if match:
            year, month, day = match.groups()
            if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                return f"{year}-{month}-{day}"
    return None


def _title(tree: LexborHTMLParser) -> str | None:
    """Prefer the page's own headline over a ``<title>`` with a site suffix."""
    h1s = [n for n in tree.css("h1") if _leading_text(n, 1)]  # not each one's whole text: they may nest
    if len(h1s) == 1:
        return _clean(h1s[0].text())
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


class _Frame:
    """One element being walked: its pending inline run and its list counter."""

    __slots__ = ("node", "run", "item", "children")

    def __init__(self, node: LexborNode, prefix: str = "") -> None:
        self.node = node
        self.run: list[str] = [prefix]
        self.item = _list_start(node) if node.tag == "ol" else 0
        self.children = node.iter(include_text=True)

    def flush(self, blocks: list[HtmlBlock]) -> None:
        text = _clean("".join(self.run))
        self.run.clear()
        if text:
            blocks.append(HtmlBlock(text, self.node.tag in _HEADING_TAGS))


def _walk(root: LexborNode, blocks: list[HtmlBlock]) -> None:
    """Emit one block per run of inline content between block boundaries.

    An explicit stack instead of recursion: a hostile page nested thousands
    deep must not hit Python's recursion limit. An ``<ol>`` item gets the
    number a browser would draw before it, so numbered paragraphs marked up
    as a list keep their number.
    """
    holders = _block_holders(root)
    stack = [_Frame(root)]
    while stack:
        frame = stack[-1]
        child = next(frame.children, None)
        if child is None:
            frame.flush(blocks)
            stack.pop()
            continue
        tag = child.tag
        if tag == "-text":
            frame.run.append(child.text(deep=False) or "")
        elif tag == "sup" and _is_footnote_ref(child):
            continue  # footnote reference marker, not the author's words
        elif tag in _BLOCK_TAGS:
            frame.flush(blocks)
            if tag == "li" and frame.node.tag == "ol":
                numbered = re.match(r"\d+\.\s", _leading_text(child, 40))
                stack.append(_Frame(child, "" if numbered else f"{frame.item}. "))
                frame.item += 1
            elif tag not in ("br", "hr"):
                stack.append(_Frame(child))
        elif child.mem_id in holders:  # an inline element wrapping blocks, e.g. <a><p>..</p></a>
            frame.flush(blocks)
            stack.append(_Frame(child))
        else:
            frame.run.append(_inline_text(child))


def _block_holders(root: LexborNode) -> set[int]:
    """Ids of the elements under ``root`` that contain a block element.

    One pass: each block element marks its ancestors, stopping at the first
    one already marked, so the work stays linear in the size of the tree.
    """
    marked: set[int] = set()
    stop = root.mem_id
    for node in root.traverse():
        if node.tag not in _BLOCK_TAGS:
            continue
        parent = node.parent
        while parent is not None and parent.mem_id != stop and parent.mem_id not in marked:
            marked.add(parent.mem_id)
            parent = parent.parent
    return marked


def _list_start(node: LexborNode) -> int:
    """The first item number of an ordered list (``start`` attribute, else 1)."""
    try:
        return int(node.attributes.get("start") or 1)
    except ValueError:
        return 1


def _inline_text(node: LexborNode) -> str:
    """Text of an inline element, without footnote-reference superscripts (no recursion)."""
    parts: list[str] = []
    stack = [node.iter(include_text=True)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == "-text":
            parts.append(child.text(deep=False) or "")
        elif not (child.tag == "sup" and _is_footnote_ref(child)):
            stack.append(child.iter(include_text=True))
    return "".join(parts)


def _is_footnote_ref(node: LexborNode) -> bool:
    """A ``<sup>`` holding only a footnote number such as ``12`` or ``[3]``."""
    return _FOOTNOTE_REF.match(_leading_text(node, 8)) is not None


def _leading_text(node: LexborNode, limit: int) -> str:
    """The cleaned start of a node's text, reading no further than about ``limit`` characters.

    Asking each nested ``<li>`` or ``<sup>`` for its whole text made a page
    nested a few hundred deep around a long paragraph take minutes.
    """
    parts: list[str] = []
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            piece = child.text(deep=False) or ""
            if not any(p.strip() for p in parts):
                piece = piece.lstrip()  # indentation before the first word does not count
            parts.append(piece[:4096])
            if len(_clean("".join(parts))) > limit:
                break
    return _clean("".join(parts))


def _clean(text: str) -> str:
    """Collapse HTML whitespace (including no-break spaces) to single spaces."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
