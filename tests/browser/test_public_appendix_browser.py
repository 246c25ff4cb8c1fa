"""The public appendix fragment pasted into a host page, in headless Chromium at phone and desktop widths.

The host page stands for a CMS article: its own styles, the article's text,
then the fragment as ``verify report appendix --public --fragment`` wrote it.
Checked: nothing is requested from the network, there is no script, the
fragment's styles do not leak onto the host page, nothing overflows at 390 px,
and ``#claim-<id>`` links land on the claim. Screenshots are left at
/tmp/public-appendix-390.png and /tmp/public-appendix-1200.png for people to look at.
Needs /usr/bin/chromium and Playwright's Python package (see test_annotated_browser.py).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from tests.browser.test_annotated_browser import ARGS, CHROMIUM, unavailable
from tests.conftest import ARTICLE
from tests.golden.update import template

pytestmark = pytest.mark.browser
WIDTHS = (390, 1200)
HOST_CSS = (
    "body { font: 18px/1.6 sans-serif; margin: 0 auto; max-width: 44rem; padding: 0 12px; } "
    "h2 { color: rgb(10, 20, 30); font-size: 30px; }"
)


@pytest.fixture
def host_page(run, workspace, tmp_path_factory, tmp_path) -> Path:
    from tests.golden.update import clone

    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    clone(template(tmp_path_factory), workspace.db, workspace.sources)
    result = run("report", "appendix", "--public", "--fragment")
    assert result.exit_code == 0, result.stderr
    paragraphs = [line for line in ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()][1:4]
    article = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    host = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Host article</title><style>{HOST_CSS}</style></head><body>\n"
        f'<h1>The article</h1>\n<h2 id="host-heading">The host page\'s own heading</h2>\n{article}'
        f'<blockquote id="host-quote">A quotation styled by the host.</blockquote>\n'
        f"{result.stdout}</body></html>\n"
    )
    target = tmp_path / "host.html"
    target.write_text(host, encoding="utf-8")
    return target


def test_fragment_in_a_host_page_in_chromium(host_page, tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright's Python package is not installed: pip install playwright")
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 1600})
                page.on("request", lambda request: requests.append(request.url))
                page.goto(host_page.as_uri())
                shot = tmp_path / f"public-appendix-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
                shutil.copy(shot, Path(f"/tmp/public-appendix-{width}.png"))

                assert page.locator("script").count() == 0
                assert page.locator('a[href^="javascript"]').count() == 0
                # nothing wider than the screen: long URLs and quotes wrap
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                # the fragment's styles stay inside it
                host_h2 = page.locator("#host-heading")
                assert host_h2.evaluate("e => getComputedStyle(e).color") == "rgb(10, 20, 30)"
                assert host_h2.evaluate("e => getComputedStyle(e).fontSize") == "30px"
                assert page.locator("#host-quote").evaluate("e => getComputedStyle(e).borderLeftStyle") == "none"
                inner = page.locator(".verify-appendix blockquote").first
                assert inner.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
                # the claims, their verdicts and the anchors
                claims = page.locator(".verify-appendix li.va-claim")
                assert claims.count() == 6
                disputed = page.locator("#claim-26")
                assert disputed.locator(".va-verdict").inner_text() == "Disputed."
                assert "1,600 <em>including</em> family members" in disputed.locator(".va-note").inner_text()
                assert disputed.locator("em").count() == 0  # the note's markup is text
                assert (
                    page.locator(".verify-appendix cite").first.evaluate("e => getComputedStyle(e).fontStyle")
                    == "italic"
                )
                page.goto(host_page.as_uri() + "#claim-26")
                assert page.evaluate("location.hash") == "#claim-26"
                top = disputed.evaluate("e => e.getBoundingClientRect().top")
                assert page.evaluate("window.scrollY") > 0 and 0 <= top < 1600  # scrolled to show the claim
                page.close()
        finally:
            browser.close()
    assert requests and all(url.startswith("file://") for url in requests), requests
