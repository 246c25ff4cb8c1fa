"""HTML main content: paragraphs without menus, banners, footers or scripts."""

from __future__ import annotations

from pathlib import Path

from verify.ingest.html import html_content, html_to_blocks

DATA = Path(__file__).parent / "data"


def test_article_paragraphs_without_page_chrome() -> None:
    title, paragraphs = html_to_blocks((DATA / "html_article.html").read_text())
    assert title == "The Taliban and Al-Qaida"
    assert paragraphs == [
        "By A. Writer",
        "The Taliban have renewed their ties with Al-Qaida.",
        "A June 2023 UN report said the group has around 400 fighters in Afghanistan.",
        "Analysts disagree about what comes next.",
    ]


def test_report_page_drops_cookie_banner_nav_footer_and_share_bar() -> None:
    title, blocks = html_content((DATA / "un_small_report.html").read_text())
    text = "\n".join(b.text for b in blocks)
    for chrome in ("cookies", "Accept", "Search", "Share this page", "Copyright", "dataLayer", "font-family"):
        assert chrome not in text
    assert title == "Fifteenth report of the Monitoring Team on Afghanistan"
    headings = [b.text for b in blocks if b.heading]
    assert headings == [
        "Fifteenth report of the Monitoring Team on Afghanistan",
        "I. Summary",
        "II. Findings",
        "Annex I",
        "Movements of ISIL-K members",
    ]
    # the footnote reference <sup> is not glued to "members."
    assert any(line.endswith("with up to 1,600 family members.") for line in text.split("\n"))


def test_ordered_list_items_keep_their_visible_number() -> None:
    html = '<body><ol start="4"><li>Fourth item.</li><li>Fifth item.</li></ol></body>'
    assert html_to_blocks(html) == (None, ["4. Fourth item.", "5. Fifth item."])


def test_title_falls_back_to_og_title_then_title_tag() -> None:
    page = '<head><title>Page | Site</title><meta property="og:title" content="Page"></head><body><p>Text.</p></body>'
    assert html_to_blocks(page) == ("Page", ["Text."])
    assert html_to_blocks("<title>Only</title><p>Text.</p>") == ("Only", ["Text."])


def test_inline_and_loose_text_become_paragraphs() -> None:
    html = "<main><div>Loose <b>bold</b> text<p>Inner</p>tail</div></main>"
    assert html_to_blocks(html) == (None, ["Loose bold text", "Inner", "tail"])
