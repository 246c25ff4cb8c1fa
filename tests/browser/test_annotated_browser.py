"""The annotated copy in a real browser: headless Chromium loads it, a screenshot is taken, the DOM is checked.

Needs the Debian package ``chromium`` (``/usr/bin/chromium``) and, for the DOM
checks, Playwright's Python package (which drives that system Chromium; no
browser download). Without them the test skips with the reason, unless
``VERIFY_TEST_REQUIRE_ALL=1`` (set by CI), which turns the skip into a failure.
A copy of the screenshot is left at /tmp/annotated.png for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.golden.update import template

CHROMIUM = Path(os.environ.get("VERIFY_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT_COPY = Path("/tmp/annotated.png")
DISPUTED, PARTLY, SIGNED = 26, 25, 3

pytestmark = pytest.mark.browser


def unavailable(reason: str) -> None:
    if os.environ.get("VERIFY_TEST_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (required because VERIFY_TEST_REQUIRE_ALL=1)")
    pytest.skip(reason)


@pytest.fixture
def page_file(run, workspace, tmp_path_factory, tmp_path) -> Path:
    from tests.golden.update import clone

    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    clone(template(tmp_path_factory), workspace.db, workspace.sources)
    target = tmp_path / "annotated.html"
    result = run("report", "annotated", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    return target


def test_annotated_page_in_chromium(page_file, tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright's Python package is not installed: pip install playwright")
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            shot = tmp_path / "annotated.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            shutil.copy(shot, SCREENSHOT_COPY)

            claims = page.locator("#article .claim")
            assert claims.count() == 71
            disputed = page.locator(f"#claim-{DISPUTED}")
            assert disputed.get_attribute("data-status") == "disputed"
            assert disputed.locator(".label").inner_text().strip().lower() == "disputed"
            assert page.locator(f"#claim-{SIGNED} .label").inner_text().strip().lower() == "verified · signed off"
            # colour differs by status, and so does the underline (greyscale and colour-blind readers)
            style = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderBottomStyle]"
            looks = {cid: page.locator(f"#claim-{cid}").evaluate(style) for cid in (SIGNED, PARTLY, DISPUTED, 1)}
            assert len({tuple(v) for v in looks.values()}) == 4
            assert looks[PARTLY][1] == "dashed" and looks[DISPUTED][1] == "double"
            # the footnote link goes to the evidence
            link = disputed.locator("sup a")
            target = link.get_attribute("href")
            assert target == "#note-4"
            link.click()
            assert page.evaluate("location.hash") == "#note-4"
            assert "S/TEST/2023/14, 1 June 2023, para. 14" in page.locator("#note-4").inner_text()
            # legend and summary bar
            assert page.locator("#legend li").count() == 7
            summary = page.locator("#summary").inner_text()
            for words in (
                "71 claims",
                "3 verified",
                "1 partly verified",
                "1 disputed",
                "1 unsupported",
                "2 verdicts signed off",
            ):
                assert words in summary
            assert page.locator(".bar span").count() == 5
            # hostile content stays inert
            assert page.locator("script").count() == 0
            assert page.locator('a[href^="javascript"]').count() == 0
            assert page.locator("b").count() == 0  # the source title's <b> is text, not markup
        finally:
            browser.close()
    assert all(url.startswith("file://") for url in requests), requests


def test_dump_dom_without_playwright(page_file, tmp_path):
    """The same page through chromium's own --dump-dom (what works with no Python driver at all)."""
    import subprocess

    done = subprocess.run(
        [str(CHROMIUM), *ARGS, "--dump-dom", page_file.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert dom.count('data-status="') == 71  # one per claim; the legend's samples carry none
    assert f'id="claim-{DISPUTED}"' in dom and "<script" not in dom
