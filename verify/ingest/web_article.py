"""A news page to an article: the story's paragraphs and its title, author and date.

A source page is kept whole (every numbered paragraph may be cited), but an
article page is what will be split into claims, so everything around the
story must go: navigation, ads, "related" links, image captions, comment
threads. trafilatura does that job; measured on the 181 real news and blog
pages of the article-extraction benchmark it keeps far less page furniture
than the selectolax reader we use for sources, at the same recall
(``benchmarks/bench_article_extraction.py``, ``benchmarks/README.md``).

Title, author and publication date come from the page's own markup
(OpenGraph, JSON-LD ``NewsArticle``, ``<meta name="author">``, ``<time>``)
through trafilatura's metadata reader; the date is never guessed from the
URL or the body text. A page without article text, or one that asks the
reader to sign in, is refused rather than imported as a handful of claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from verify.errors import VerifyError
from verify.ingest.article_file import ArticleFile

_SPACE = re.compile(r"\s+")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPHS = frozenset({"p", "item", "li", "quote", "blockquote", "code", "pre"})
# What a paywall or sign-in page says instead of the story.
_LOGIN_WALL = re.compile(
    r"\b(?:sign|log)\s?in to (?:continue|read|view|access)|subscribe to (?:continue|read)|"
    r"(?:create an account|register) to (?:continue|read)|this (?:content|article) is for subscribers|"
    r"already a subscriber\?|you must be logged in",
    re.IGNORECASE,
)
MIN_ARTICLE_WORDS = 40  # less than this is a teaser, an error page or a sign-in form, not an article to check
# The date as markup states it, not as htmldate would infer it from the URL or the text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


@dataclass(frozen=True)
class WebArticle:
    """The story of one page: paragraphs in order (headings apart) and what the markup says of it."""

    title: str | None
    author: str | None
    published: str | None
    paragraphs: list[str]
    headings: list[str]


def extract_web_article(html: str, url: str | None = None) -> WebArticle:
    """The main text and metadata of a page; :class:`VerifyError` when it holds no article."""
    import trafilatura

    where = url or "the page"
    document: Any = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )
    paragraphs: list[str] = []
    headings: list[str] = []
    if document is not None and document.body is not None:
        paragraphs, headings = _body_blocks(document.body)
    words = sum(len(p.split()) for p in paragraphs)
    if _LOGIN_WALL.search(_visible_text(html)) and words < 2 * MIN_ARTICLE_WORDS:
        raise VerifyError(f"{where} asks the reader to sign in or subscribe; save the article text and import the file")
    if words < MIN_ARTICLE_WORDS:
        found = f"only {words} words of running text" if words else "no article text"
        raise VerifyError(f"{where} has {found}; it does not look like an article page")
    meta = document
    return WebArticle(
        title=_clean(getattr(meta, "title", None)),
        author=_clean(getattr(meta, "author", None)),
        published=_iso_date(getattr(meta, "date", None)),
        paragraphs=paragraphs,
        headings=headings,
    )


def _body_blocks(body: Any) -> tuple[list[str], list[str]]:
    """Paragraphs (``p``, list items, quotes) and headings of trafilatura's body, in document order.

    The body is trafilatura's own markup (``p``, ``head``, ``list/item``,
    ``quote``) or, when it fell back to a baseline extraction, the page's
    ``div`` tree holding ``p`` and ``h1``..``h6``: walked without recursion,
    each block taken whole.
    """
    paragraphs: list[str] = []
    headings: list[str] = []
    stack = [iter(body)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "head" or tag in _HEADINGS:
            text = _text(element)
            if text:
                headings.append(text)
        elif tag in _PARAGRAPHS:
            text = _text(element)
            if text:
                paragraphs.append(text)
        else:
            stack.append(iter(element))
    return paragraphs, headings


def _text(element: Any) -> str | None:
    """An element's text with its line breaks (``lb``, ``br``) as spaces."""
    for brk in element.iter("lb", "br"):
        brk.tail = " " + (brk.tail or "")
    return _clean("".join(element.itertext()))


def _visible_text(html: str) -> str:
    """The page's text, roughly, for spotting a sign-in wall (scripts and styles left out)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    return _SPACE.sub(" ", body.text(separator=" ") if body is not None else "")


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
    return cleaned or None


def _iso_date(text: str | None) -> str | None:
    """A YYYY-MM-DD date, or None for anything else."""
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None


def read_article_url(url: str, *, title: str | None = None, max_size: int, timeout: float) -> ArticleFile:
    """Download a web page with the source downloader's limits and read its story.

    Every safety of a source download holds (http/https only, no
    credentials, redirects re-checked, size cap on decoded bytes, the
    ``--timeout`` budget); a PDF, an image or any other non-page is refused.
    """
    from verify.ingest.article_file import decode, parse_article
    from verify.ingest.fetch import HTML, MARKDOWN, TEXT, download

    fetched = download(url, max_bytes=max_size, total_timeout=timeout, accept=frozenset({HTML, TEXT, MARKDOWN}))
    final = fetched.final_url  # the page's own address resolves its relative links; the article is known by ``url``
    if fetched.media_type != HTML:
        suffix = ".md" if fetched.media_type == MARKDOWN else ".txt"
        plain = parse_article(fetched.content, url, suffix, title)
        return ArticleFile(plain.title, plain.paragraphs, url, "web text", url=url)
    page = extract_web_article(decode(fetched.content, url), final)
    body = page.paragraphs
    found = title or page.title
    if found is not None and body and body[0].strip() == found.strip():
        body = body[1:]
    return ArticleFile(found, body, url, "web page", author=page.author, published=page.published, url=url)
