"""Deeply nested HTML (issue 14, item 3): an article or source page nested thousands deep.

Before: 2,000 nested elements ended in an internal error (exit 4, Python's
recursion limit) and 100,000 nested ``<div>`` ran for minutes inside the HTML
parser. Now the page is parsed without recursion and flattened past 512
levels, so every sentence is still found and the answer comes in seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

FIRST = "The council met 14 times in 2023."
DEEP = "Its monitoring team counted 400 fighters in Kunar."
LAST = "The report was published on 1 June 2023."


def nested_page(depth: int, tag: str) -> str:
    """A page whose middle paragraph sits ``depth`` elements deep, with a sibling block at the bottom."""
    return (
        "<!doctype html><html><head><title>Deep page</title></head><body>"
        f"<p>{FIRST}</p>" + f"<{tag}>" * depth + f"<p>{DEEP}</p>" + f"</{tag}>" * depth + f"<p>{LAST}</p></body></html>"
    )


@pytest.fixture
def ready(run):
    """An initialised workspace; yields the ``run`` fixture."""
    assert run("init").exit_code == 0
    return run


@pytest.mark.parametrize(("depth", "tag"), [(2_000, "div"), (100_000, "div"), (100_000, "span")])
def test_deeply_nested_article_imports_every_sentence_in_seconds(ready, tmp_path: Path, depth: int, tag: str) -> None:
    run = ready
    page = tmp_path / "deep.html"
    page.write_text(nested_page(depth, tag), encoding="utf-8")
    started = time.monotonic()
    result = run("article", "add", str(page))
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert elapsed < 10, f"article add took {elapsed:.1f} s"
    claims = json.loads(run("claim", "list", "--format", "json").stdout)
    assert [c["text"] for c in claims] == [FIRST, DEEP, LAST]


def test_deeply_nested_source_page_keeps_its_passages(ready, tmp_path: Path) -> None:
    run = ready
    page = tmp_path / "deep-report.html"
    page.write_text(nested_page(100_000, "div"), encoding="utf-8")
    started = time.monotonic()
    result = run("source", "add", str(page), "--key", "deep")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert elapsed < 10, f"source add took {elapsed:.1f} s"
    shown = json.loads(run("source", "show", "deep", "--passages", "--format", "json").stdout)
    texts = [p["text"] for p in shown["passages"]]
    assert DEEP in texts and FIRST in texts and LAST in texts
    assert run("source", "check").exit_code == 0


def test_blocks_past_the_nesting_cap_stay_separate_paragraphs(ready, tmp_path: Path) -> None:
    """Flattening must not glue the sentences of deep sibling blocks into one claim."""
    inner = "".join(f"<div>Paragraph {n} reports {n} incidents.</div>" for n in range(1, 4))
    run = ready
    page = tmp_path / "siblings.html"
    page.write_text(
        "<html><body>" + "<section>" * 3_000 + inner + "</section>" * 3_000 + "</body></html>", encoding="utf-8"
    )
    assert run("article", "add", str(page)).exit_code == 0
    claims = json.loads(run("claim", "list", "--format", "json").stdout)
    assert [c["text"] for c in claims] == [f"Paragraph {n} reports {n} incidents." for n in range(1, 4)]
    assert len({c["paragraph"] for c in claims}) == 3


@pytest.mark.parametrize(("opening", "closing"), [("<ol><li>", "</li></ol>"), ("<sup>", "</sup>")])
def test_nested_list_items_and_superscripts_around_a_long_paragraph_stay_linear(opening: str, closing: str) -> None:
    """Each ``<li>`` (for its number) and ``<sup>`` (footnote marker?) used to read its whole text:
    300 levels around a 0.9 MB paragraph took about 20 s; now only the first words are read."""
    from verify.ingest.html import html_to_blocks

    paragraph = "The council met in 2023. " * 36_000
    page = "<html><body>" + opening * 300 + f"<p>{paragraph}</p>" + closing * 300 + "</body></html>"
    started = time.monotonic()
    _, paragraphs = html_to_blocks(page)
    assert time.monotonic() - started < 4
    assert paragraph.strip() in " ".join(paragraphs)
