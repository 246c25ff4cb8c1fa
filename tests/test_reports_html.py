"""Everything that reaches HTML or Markdown is inert: scripts, attribute-breaking quotes, javascript: URLs."""

from __future__ import annotations

import pytest

from tests.golden.update import HOSTILE_TITLE, QUOTE_NOTE, SCRIPT_NOTE, render_all, template
from verify.reports.html import esc, link, safe_url
from verify.reports.markdown import md_text, md_url


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    root = template(tmp_path_factory)
    return render_all(root / "claims.db", root / "sources", tmp_path_factory.mktemp("rendered"))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "java\tscript:alert(1)",
        "https://",
        "",
    ],
)
def test_only_absolute_http_urls_become_links(url):
    assert safe_url(url) is None
    assert "href" not in link(url)
    assert not md_url(url).startswith("<")


def test_http_urls_are_links_with_escaped_attributes():
    assert link('https://example.org/a?b=1&c="x"') == (
        '<a class="url" href="https://example.org/a?b=1&amp;c=&quot;x&quot;" rel="noopener noreferrer">'
        "https://example.org/a?b=1&amp;c=&quot;x&quot;</a>"
    )


def test_escaping_covers_quotes_and_markup():
    assert esc("<script>\"x\" 'y' &") == "&lt;script&gt;&quot;x&quot; &#x27;y&#x27; &amp;"
    assert md_text("[click](javascript:alert(1)) <img src=x> *b*") == (
        "\\[click\\](javascript:alert(1)) &lt;img src=x&gt; \\*b\\*"
    )


@pytest.mark.parametrize("name", ["appendix.html", "annotated.html"])
def test_a_script_in_a_note_is_inert(rendered, name):
    page = rendered[name]
    assert "<script" not in page.lower()
    if name == "appendix.html":  # the latest note is shown in the unsupported section
        assert esc(SCRIPT_NOTE) in page


@pytest.mark.parametrize("name", ["appendix.html", "annotated.html"])
def test_attribute_breaking_quotes_are_escaped(rendered, name):
    page = rendered[name]
    assert 'onmouseover="' not in page
    assert "<b>" not in page and esc(HOSTILE_TITLE) in page
    if name == "appendix.html":
        assert esc(QUOTE_NOTE) in page


@pytest.mark.parametrize("name", ["appendix.html", "annotated.html"])
def test_a_javascript_url_is_shown_not_linked(rendered, name):
    page = rendered[name]
    assert 'href="javascript' not in page.lower()
    assert '<span class="url">javascript:alert(1)</span>' in page


def test_markdown_shows_hostile_text_as_text(rendered):
    md = rendered["appendix.md"]
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "`javascript:alert(1)`" in md and "<javascript:" not in md
    assert "&lt;b&gt;bold&lt;/b&gt;" in md
