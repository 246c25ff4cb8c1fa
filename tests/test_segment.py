"""Splitting articles into claims: the shipped article and the sentences a naive splitter gets wrong.

Everything goes through ``verify article add`` and ``verify claim list --format json``,
so what is asserted is what a fact-checker sees.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ARTICLE, ARTICLE_TITLE

LABELS = Path(__file__).parent / "data" / "kind_labels.json"


def claims(run) -> list[dict]:
    result = run("claim", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def import_text(run, tmp_path: Path, body: str, name: str = "piece.txt", *args: str) -> list[dict]:
    """Import ``body`` (with a title line) into a fresh database and return its claims."""
    path = tmp_path / name
    path.write_text("A Test Article\n\n" + body + "\n", encoding="utf-8")
    assert run("init").exit_code == 0
    result = run("article", "add", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return claims(run)


def test_shipped_article_has_22_paragraphs_and_71_claims(article_db, run):
    found = claims(run)
    assert len(found) == 71
    assert sorted({c["paragraph"] for c in found}) == list(range(1, 23))
    assert {c["article_id"] for c in found} == {1}
    assert len({c["id"] for c in found}) == 71
    assert all(c["status"] == "unreviewed" and c["version"] == 1 for c in found)


def test_shipped_article_title_is_the_article_title_not_a_claim(article_db, run):
    found = claims(run)
    assert all(ARTICLE_TITLE not in c["text"] for c in found)
    assert found[0]["paragraph"] == 1 and found[0]["sentence"] == 1
    assert found[0]["text"].startswith("In addition to plunging the Middle East")
    listing = json.loads(run("article", "list", "--format", "json").stdout)
    assert [(a["title"], a["claims"]) for a in listing] == [(ARTICLE_TITLE, 71)]


def test_shipped_article_sentences_match_the_hand_labelled_segmentation(article_db, run):
    """The labels file lists the 71 sentences by position; the import must produce the same."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    found = claims(run)
    assert [(c["paragraph"], c["sentence"], c["text"]) for c in found] == [
        (label["paragraph"], label["sentence"], label["text"]) for label in labels
    ]
    per_paragraph = Counter(c["paragraph"] for c in found)
    assert per_paragraph[8] == 1  # one long sentence with "long wars" and "the U.S."
    assert per_paragraph[21] == 5


def test_claim_spans_index_the_stored_article_text(article_db, run):
    """``claim show`` marks the claim inside its paragraph: the span must cover exactly the text."""
    source = ARTICLE.read_text(encoding="utf-8")
    for claim in claims(run)[::7]:
        detail = json.loads(run("claim", "show", str(claim["id"]), "--format", "json").stdout)
        assert detail["context"]["claim"] == claim["text"]
        assert claim["text"] in detail["paragraph_text"]
        assert detail["paragraph_text"] in source.splitlines()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The U.S. military left Kabul in 2021. The Taliban took over.",
            ["The U.S. military left Kabul in 2021.", "The Taliban took over."],
        ),
        (
            "Dr. Smith wrote the first report. It was short.",
            ["Dr. Smith wrote the first report.", "It was short."],
        ),
        (
            "Jawad oversees Department No. 12 of the directorate. It watches foreign fighters.",
            ["Jawad oversees Department No. 12 of the directorate.", "It watches foreign fighters."],
        ),
        (
            "Upon bin Laden's death in 2011, al-Zawahiri took over. He revised the strategy.",
            ["Upon bin Laden's death in 2011, al-Zawahiri took over.", "He revised the strategy."],
        ),
        (
            "Upon bin Laden’s death in 2011, al-Zawahiri took over. He revised the strategy.",
            ["Upon bin Laden’s death in 2011, al-Zawahiri took over.", "He revised the strategy."],
        ),
        (
            "Opium output fell by 3.5 percent in 2023. Prices rose sharply.",
            ["Opium output fell by 3.5 percent in 2023.", "Prices rose sharply."],
        ),
        (
            "He wrote that “the war is long. The jihad needs safe bases.” Few listened.",
            ["He wrote that “the war is long. The jihad needs safe bases.”", "Few listened."],
        ),
        (
            'He wrote that "the war is long. The jihad needs safe bases." Few listened.',
            ['He wrote that "the war is long. The jihad needs safe bases."', "Few listened."],
        ),
    ],
    ids=["U.S.", "Dr.", "No. 12", "bin Laden's", "bin Laden’s curly", "decimal 3.5", "curly quotes", "straight quotes"],
)
def test_tricky_sentences_are_not_split(run, workspace, tmp_path, body, expected):
    found = import_text(run, tmp_path, body)
    assert [c["text"] for c in found] == expected
    assert [(c["paragraph"], c["sentence"]) for c in found] == [(1, 1), (1, 2)]


def test_paragraphs_are_numbered_and_sentences_restart_in_each(run, workspace, tmp_path):
    found = import_text(run, tmp_path, "One fact here. Another fact here.\n\nA second paragraph. With two sentences.")
    assert [(c["paragraph"], c["sentence"]) for c in found] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_title_option_strips_a_matching_first_line(run, workspace, tmp_path):
    path = tmp_path / "titled.txt"
    path.write_text("Taliban and al-Qaeda in 2023.\nThe group met in Kabul. It was 2023.\n", encoding="utf-8")
    assert run("init").exit_code == 0
    # Without --title the first line ends with a full stop, so it is body text.
    result = run("article", "add", str(path), "--title", "Taliban and al-Qaeda in 2023.")
    assert result.exit_code == 0, result.stderr
    assert [c["text"] for c in claims(run)] == ["The group met in Kabul.", "It was 2023."]


def test_first_line_with_final_punctuation_is_a_claim_not_a_title(run, workspace, tmp_path):
    path = tmp_path / "no-title.txt"
    path.write_text("The group met in Kabul.\nIt was 2023.\n", encoding="utf-8")
    assert run("init").exit_code == 0
    assert run("article", "add", str(path)).exit_code == 0
    assert [c["text"] for c in claims(run)] == ["The group met in Kabul.", "It was 2023."]


def test_markdown_heading_is_the_title_and_markup_is_removed(run, workspace, tmp_path):
    path = tmp_path / "piece.md"
    path.write_text(
        "# A Markdown Piece\n\nThe **group** met in [Kabul](https://example.org). It was 2023.\n", encoding="utf-8"
    )
    assert run("init").exit_code == 0
    assert run("article", "add", str(path)).exit_code == 0
    assert [c["text"] for c in claims(run)] == ["The group met in Kabul.", "It was 2023."]
    assert json.loads(run("article", "list", "--format", "json").stdout)[0]["title"] == "A Markdown Piece"
