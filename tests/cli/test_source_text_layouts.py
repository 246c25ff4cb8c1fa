"""Plain-text official documents through ``verify source add`` / ``source show`` / ``source edit``.

Real UN documents (read from local snapshots through tests/realdocs.py, never
copied here) in the shapes they reach a fact-checker: a resolution as text
from its PDF (page headers, job number, dashed sub-paragraphs), the same
resolution with one line per paragraph, a 2019 report as ``pdftotext``
layout text (endnotes, note numbers glued to words). Synthetic texts cover
layouts not found in public repositories (numbered sub-headings, a cover
page and a table of contents, a masthead after a preamble).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.realdocs import require

RES_1445 = "S/RES/1445 (2002)"


def show(run, key: str) -> dict:
    result = run("source", "show", key, "--passages", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def add(run, path: Path, *args: str) -> str:
    result = run("source", "add", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def one_line_per_paragraph(text: str) -> str:
    """What a plain-text dump or a copy-paste gives: each paragraph on one line, no blank lines."""
    chunks = [" ".join(chunk.replace("-\n", "-").split()) for chunk in re.split(r"\n\s*\n", text)]
    return "\n".join(chunk for chunk in chunks if chunk) + "\n"


def test_resolution_from_its_pdf_text(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "res1445.txt"
    path.write_bytes(require("unsc-res-1445-text"))
    assert "added source S/RES/1445 (2002): 35 passages" in add(run, path)
    detail = show(run, RES_1445)
    assert (detail["symbol"], detail["date"], detail["title"]) == (RES_1445, "2002-12-04", "Resolution 1445 (2002)")
    paragraphs = [p for p in detail["passages"] if p["locator"].startswith("para. ")]
    assert [p["paragraph"] for p in paragraphs] == list(range(1, 26))
    by = {p["locator"]: p["text"] for p in detail["passages"]}
    # Cut by a page break (job number "02-72318 (E)" and the running header), joined again.
    assert by["para. 2"].startswith(
        "Welcomes the decision taken by all the foreign parties to withdraw fully "
        "their troops from the territory of the Democratic Republic of the Congo, "
        "as well as progress in the implementation of these processes"
    )
    # The dashed sub-paragraphs belong to paragraph 13.
    assert by["para. 13"].endswith(
        "in this regard: — Calls for a full cessation of hostilities involving regular "
        "forces and armed groups throughout the territory of the Democratic Republic "
        "of the Congo, in particular in South Kivu and in Ituri; — Calls for the "
        "cessation of all support to the armed groups referred to in Annex A Chapter "
        "9.1 of the Lusaka Ceasefire Agreement; — Calls on all parties to provide full "
        "access for MONUC and the TPVM throughout the territory of the Democratic "
        "Republic of the Congo, including inside all ports, airports, airfields, "
        "military bases and border crossings; — Calls also for the surrender to the "
        "International Criminal Tribunal for Rwanda of any persons indicted by the "
        "Tribunal, and — Reiterates its demand for Kisangani to be demilitarized "
        "without further delay or precondition; — Demands that all parties work to the "
        "immediate full restoration of freedom of movement on the Congo river;"
    )
    assert by["para. 25"] == "Decides to remain actively seized of the matter."
    assert by["¶ 1"] == "Adopted by the Security Council at its 4653rd meeting, on 4 December 2002"
    text = (workspace.sources / "s-res-1445-2002" / "text.txt").read_text(encoding="utf-8")
    assert "02-72318" not in text and "Distr.: General" not in text
    assert text.count("S/RES/1445 (2002)") == 0  # masthead and running headers are furniture


def test_resolution_with_one_line_per_paragraph(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    flat = one_line_per_paragraph(require("unsc-res-1445-text").decode("utf-8"))
    assert "\n\n" not in flat
    path = tmp_path / "res1445-flat.txt"
    path.write_text(flat, encoding="utf-8")
    add(run, path)
    detail = show(run, RES_1445)
    paragraphs = [p for p in detail["passages"] if p["locator"].startswith("para. ")]
    assert [p["paragraph"] for p in paragraphs] == list(range(1, 26))
    by = {p["locator"]: p["text"] for p in detail["passages"]}
    assert by["para. 24"] == (
        "Reiterates its full support for the Special Representative of the Secretary-"
        "General and for all the dedicated MONUC personnel who operate in challenging "
        "conditions;"
    )
    assert by["para. 25"] == "Decides to remain actively seized of the matter."
    # The preamble cites S/2002/914 and S/1999/815: the symbol is the masthead's, never the body's.
    assert detail["symbol"] == RES_1445 and detail["date"] == "2002-12-04"


def test_2019_report_endnotes_are_passages_and_markers_leave_the_text(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "svn3.txt"
    path.write_bytes(require("upr-svn-2019-stakeholders-text"))
    add(run, path, "--key", "svn-2019-stakeholders")
    detail = show(run, "svn-2019-stakeholders")
    assert (detail["symbol"], detail["date"]) == ("A/HRC/WG.6/34/SVN/3", "2019-08-14")
    assert detail["title"] == "Summary of Stakeholders’ submissions on Slovenia"
    locators = [p["locator"] for p in detail["passages"]]
    assert [loc for loc in locators if loc.startswith("para. ")] == [f"para. {n}" for n in range(1, 80)]
    assert [loc for loc in locators if loc.startswith("footnote ")] == [f"footnote {n}" for n in range(1, 145)]
    by = {p["locator"]: p["text"] for p in detail["passages"]}
    assert by["para. 2"] == (
        "Joint Submission (JS) 1 reported that Slovenia ratified the Council of Europe "
        "Convention on Preventing and Combating Violence against Women and Domestic Violence, "
        "as recommended during the second universal periodic review (UPR)."
    )
    # "Principles. 10 HRORS" across a page break: marker out, paragraph joined.
    assert "under the Paris Principles. HRORS reported that it had already taken steps" in by["para. 5"]
    assert by["footnote 11"] == "HRORS, para. 3."
    assert by["footnote 3"] == "For relevant recommendations see A/HRC/28/15, paras. 115.1, 115.17, and 115.18."
    refs = workspace.query(
        "SELECT p.note_refs FROM passage p JOIN source s ON s.id = p.source_id "
        "WHERE s.key = 'svn-2019-stakeholders' AND p.locator = 'para. 2'"
    )
    stored = refs[0][0] if isinstance(refs[0][0], list) else json.loads(refs[0][0])
    assert stored == [{"note": 4, "offset": 177}, {"note": 5, "offset": 228}]
    assert by["para. 2"][177:] == " during the second universal periodic review (UPR)."
    passages = {p["locator"]: p for p in detail["passages"]}
    assert passages["para. 2"]["note_refs"] == [{"note": 4, "offset": 177}, {"note": 5, "offset": 228}]
    assert (passages["footnote 4"]["kind"], passages["footnote 4"]["footnote_to"]) == ("footnote", "para. 2")
    assert passages["footnote 10"]["footnote_to"] == "para. 5"


SUB_HEADINGS = """\
Advance unedited version

This report is circulated at the request of the Chair.

United Nations                                           A/HRC/99/10
General Assembly                                         Distr.: General
                                                         1 June 2023

Human Rights Council
Ninety-ninth session

Report of the Special Rapporteur on an invented subject

Contents
I. Introduction ........................................ 1-2     3
II. Areas of concern ................................... 3-6     3

I. Introduction
1. The Special Rapporteur visited the country in 2022, as requested by the Human
Rights Council in its resolution 98/1 (see S/2022/419 for an earlier account of
the situation in the country and of the follow-up given to it by the authorities).
2. The present report sets out the findings of the visit and recommendations.
II. Areas of concern
1. Racism and xenophobia
3. The Rapporteur heard of attacks on migrants in three cities, including the
capital, and of the slow response of the police to the complaints of the victims
and of the associations that support them in the courts of the three cities.
2. The death penalty
4. Eleven death sentences were handed down in 2022 by the courts of the country:
(a) seven for drug offences, all of them in the capital and in the north;
(b) four for murder, two of which were commuted on appeal later in the year.
5. No execution took place during the period under review, for the third year.
23-08831 (E)    010623
6. The Rapporteur welcomes the moratorium announced by the Government in 2021.
"""


@pytest.mark.parametrize("numbers", [("1", "2"), ("3", "4")], ids=["own series", "same numbers as the paragraphs"])
def test_numbered_sub_headings_cover_and_contents_are_not_paragraphs(run, workspace, tmp_path, numbers):
    """Sub-headings numbered in their own series, even when a number is the one the paragraphs expect next."""
    assert run("init").exit_code == 0
    path = tmp_path / "rapporteur.txt"
    text = SUB_HEADINGS.replace("1. Racism", f"{numbers[0]}. Racism").replace(
        "2. The death", f"{numbers[1]}. The death"
    )
    path.write_text(text, encoding="utf-8")
    add(run, path)
    detail = show(run, "A/HRC/99/10")
    assert (detail["symbol"], detail["date"]) == ("A/HRC/99/10", "2023-06-01")
    assert detail["title"] == "Report of the Special Rapporteur on an invented subject"
    assert [(p["locator"], p["text"]) for p in detail["passages"]] == [
        ("¶ 1", "This report is circulated at the request of the Chair."),
        (
            "para. 1",
            "The Special Rapporteur visited the country in 2022, as requested by the Human Rights "
            "Council in its resolution 98/1 (see S/2022/419 for an earlier account of the situation in "
            "the country and of the follow-up given to it by the authorities).",
        ),
        ("para. 2", "The present report sets out the findings of the visit and recommendations."),
        (
            "para. 3",
            "The Rapporteur heard of attacks on migrants in three cities, including the capital, and "
            "of the slow response of the police to the complaints of the victims and of the "
            "associations that support them in the courts of the three cities.",
        ),
        (
            "para. 4",
            "Eleven death sentences were handed down in 2022 by the courts of the country: (a) seven "
            "for drug offences, all of them in the capital and in the north; (b) four for murder, two "
            "of which were commuted on appeal later in the year.",
        ),
        ("para. 5", "No execution took place during the period under review, for the third year."),
        ("para. 6", "The Rapporteur welcomes the moratorium announced by the Government in 2021."),
    ]
    text = (workspace.sources / "a-hrc-99-10" / "text.txt").read_text(encoding="utf-8")
    assert f"{numbers[0]}. Racism and xenophobia" in text  # headings stay in the text, outside passages
    assert "....." not in text and "23-08831" not in text


def test_source_edit_corrects_metadata_audits_and_resolves_attributions(run, article_db, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(
        "Monitoring Team report\n\n1. Member States reported around 400 fighters.\n\n"
        "2. The Team notes the reports.\n\n3. The Team will report again.\n",
        encoding="utf-8",
    )
    add(run, path, "--key", "S/2023/370")
    assert show(run, "S/2023/370")["date"] is None

    result = run("source", "edit", "S/2023/370", "--date", "2023-06-01", "--title", "Fourteenth report")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "source S/2023/370: title 'Monitoring Team report' -> 'Fourteenth report'",
        "source S/2023/370: date (none) -> '2023-06-01'",
    ]
    detail = show(run, "S/2023/370")
    assert (detail["title"], detail["date"], detail["symbol"]) == ("Fourteenth report", "2023-06-01", "S/2023/370")
    assert article_db.query("SELECT action, old, new, note FROM event WHERE action = 'source_edit' ORDER BY id") == [
        ("source_edit", "Monitoring Team report", "Fourteenth report", "S/2023/370: title"),
        ("source_edit", None, "2023-06-01", "S/2023/370: date"),
    ]
    saved = json.loads((article_db.sources / detail["path"] / "source.json").read_text(encoding="utf-8"))
    assert (saved["title"], saved["date"]) == ("Fourteenth report", "2023-06-01")
    # "According to a June 2023 UN report" (paragraph 9) now resolves to it.
    claims = json.loads(run("claim", "list", "--format", "json").stdout)
    [june] = [c for c in claims if (c["paragraph"], c["sentence"]) == (9, 1)]
    shown = json.loads(run("claim", "show", str(june["id"]), "--format", "json").stdout)
    assert shown["attribution"]["source_key"] == "S/2023/370"

    assert run("source", "edit", "S/2023/370", "--date", "2023-06-01").stdout.strip() == (
        "source S/2023/370: nothing changed (the values are already recorded)"
    )


def test_readding_the_same_bytes_with_metadata_applies_it(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "note.txt"
    path.write_text("A short note\n\nIt has one paragraph.\n", encoding="utf-8")
    add(run, path, "--key", "note")
    result = run("source", "add", str(path), "--key", "note", "--date", "2021-05", "--publisher", "OHCHR")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.strip() == "source note already archived with these bytes (version 1); corrected: date, publisher"
    )
    detail = show(run, "note")
    assert (detail["version"], detail["date"], detail["publisher"]) == (1, "2021-05", "OHCHR")
    cleared = run("source", "edit", "note", "--publisher", "")
    assert cleared.stdout.strip() == "source note: publisher 'OHCHR' -> (none)"
    assert show(run, "note")["publisher"] is None


def test_source_edit_refuses_bad_values_and_changes_nothing(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "note.txt"
    path.write_text("A short note\n\nIt has one paragraph.\n", encoding="utf-8")
    add(run, path, "--key", "note")
    for args, message in [
        (("--date", "2023-02-30"), "verify: date '2023-02-30' does not exist"),
        (("--symbol", "S/2023"), "verify: not a valid UN document symbol: 'S/2023'"),
        (("--url", "ftp://example.org/x"), "ftp"),
        ((), "verify: nothing to change"),
    ]:
        result = run("source", "edit", "note", *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert run("source", "edit", "missing", "--title", "x").exit_code == 2
    detail = show(run, "note")
    assert (detail["date"], detail["symbol"], detail["url"]) == (None, None, None)
    assert workspace.query("SELECT count(*) FROM event WHERE action = 'source_edit'") == [(0,)]


def test_the_same_report_as_markdown_gets_the_same_locators(run, workspace, tmp_path):
    """The repository keeps the report as Markdown (a "#" header above the layout text)."""
    assert run("init").exit_code == 0
    path = tmp_path / "svn3.md"
    path.write_bytes(require("upr-svn-2019-stakeholders-text"))
    add(run, path, "--key", "svn-md")
    detail = show(run, "svn-md")
    assert (detail["media_type"], detail["extractor"]) == ("text/markdown", "markdown")
    assert (detail["symbol"], detail["date"]) == ("A/HRC/WG.6/34/SVN/3", "2019-08-14")
    locators = [p["locator"] for p in detail["passages"]]
    assert [loc for loc in locators if loc.startswith("para. ")] == [f"para. {n}" for n in range(1, 80)]
    assert [loc for loc in locators if loc.startswith("footnote ")] == [f"footnote {n}" for n in range(1, 145)]
    by = {p["locator"]: p["text"] for p in detail["passages"]}
    assert by["para. 2"].endswith("as recommended during the second universal periodic review (UPR).")


def test_2019_national_report_title_paragraphs_and_notes(run, workspace, tmp_path):
    assert run("init").exit_code == 0
    path = tmp_path / "g1923444.txt"
    path.write_bytes(require("upr-svn-2019-national-text"))
    add(run, path)
    detail = show(run, "A/HRC/WG.6/34/SVN/1")
    assert (detail["date"], detail["title"]) == (
        "2019-08-06",
        "National report submitted in accordance with paragraph 5 of the annex to Human Rights "
        "Council resolution 16/21",
    )
    passages = {p["locator"]: p for p in detail["passages"]}
    assert [loc for loc in passages if loc.startswith("para. ")] == [f"para. {n}" for n in range(1, 117)]
    assert [loc for loc in passages if loc.startswith("footnote ")] == [f"footnote {n}" for n in range(1, 35)]
    assert passages["para. 11"]["text"].endswith(
        "Since 2018, the Office of the Ombudsman also has children’s rights advocates."
    )
    assert passages["para. 11"]["note_refs"] == [{"note": 1, "offset": len(passages["para. 11"]["text"])}]
    assert passages["footnote 1"]["text"] == (
        "Slovenia has noted and implemented recommendation 26 by introducing children’s rights advocates."
    )
    assert passages["footnote 1"]["footnote_to"] == "para. 11"
    # Sub-headings listing recommendations ("Recommendations 22, 31–39") are headings, not passages.
    assert not any(p["text"].startswith("Recommendations ") for p in detail["passages"])


def test_older_resolution_footnotes_at_the_foot_of_the_page(run, workspace, tmp_path):
    """Resolution 566 (1985) from the yearly compilation: notes 50-52 at the foot, markers between words."""
    assert run("init").exit_code == 0
    path = tmp_path / "res566.txt"
    path.write_bytes(require("unsc-res-566-text"))
    add(run, path, "--key", "res-566")
    detail = show(run, "res-566")
    passages = {p["locator"]: p for p in detail["passages"]}
    assert [loc for loc in passages if loc.startswith("para. ")] == [f"para. {n}" for n in range(1, 17)]
    assert [(p["locator"], p["footnote_to"]) for p in detail["passages"] if p["kind"] == "footnote"] == [
        ("footnote 50", "¶ 3"),
        ("footnote 51", "¶ 4"),
        ("footnote 52", "¶ 9"),
    ]
    assert passages["footnote 52"]["text"] == "See p. 10."
    assert passages["¶ 3"]["text"] == "Having considered the reports of the Secretary-General,"
    assert passages["¶ 3"]["note_refs"] == [{"note": 50, "offset": 55}]
    assert passages["¶ 9"]["text"].startswith(
        "Recalling the statement by the President of the Security Council of 3 May 1985, on behalf of the Council,"
    )
    # A preamble clause wrapped over four lines stays one passage.
    assert passages["¶ 8"]["text"] == (
        "Recalling and reaffirming its resolutions 269 (1969), 276 (1970), 301 (1971), "
        "385 (1976), 431 (1978), 432 (1978), 435 (1978), 439 (1978), 532 (1983) and "
        "539 (1983),"
    )


def test_running_headers_and_page_numbers_of_a_text_copy_are_dropped(run, workspace, tmp_path):
    """A text copy keeps each page's header ("Monitoring Team report 2023"), its page number and
    its form feed; a paragraph cut by the page break is joined again."""
    assert run("init").exit_code == 0
    pages = [
        "Monitoring Team report 2023\n\n1. The Team met officials of eight Member States during the period under\n"
        "review and received written submissions from fourteen of them.\n\n2. The Team notes that the\n\n3\n",
        "Monitoring Team report 2023\n\nreports of those Member States agree on the number of fighters.\n\n"
        "3. The Team will report again in its next report.\n\n4\n",
        "Monitoring Team report 2023\n\n4. The Team thanks the Member States for their cooperation.\n\n5\n",
    ]
    path = tmp_path / "paged.txt"
    path.write_text("\f".join(pages), encoding="utf-8")
    add(run, path, "--key", "paged")
    detail = show(run, "paged")
    assert [(p["locator"], p["text"]) for p in detail["passages"]] == [
        (
            "para. 1",
            "The Team met officials of eight Member States during the period under review and received "
            "written submissions from fourteen of them.",
        ),
        ("para. 2", "The Team notes that the reports of those Member States agree on the number of fighters."),
        ("para. 3", "The Team will report again in its next report."),
        ("para. 4", "The Team thanks the Member States for their cooperation."),
    ]
    text = (workspace.sources / "paged" / "text.txt").read_text(encoding="utf-8")
    assert "Monitoring Team report 2023" not in text and "\f" not in text
