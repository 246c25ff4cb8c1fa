"""``evidence link`` decides on quote differences instead of scoring them (issue 11, item 1).

Each case of the issue, on a small report in our own words: a quote that
differs from the source in a number, date, amount, negation, name, pronoun or
an edge word is refused with a one-line message showing the difference, or
linked as the source has it with ``--accept-difference`` (the differences
become flags that follow the evidence and gate a verdict). Typography is
never a difference. The stored span covers the whole quote, never the part
that matched; a span must be one continuous stretch of a passage; a quote
that stands in several places needs ``--occurrence N``.
"""

from __future__ import annotations

import json

import pytest

KEY = "S/TEST/2024/31"
PANEL = "as the panel noted"
SOURCE = f"""\
Thirty-first test report on a fictional review

1. Italy had accepted 23 recommendations by the end of the review, and noted 5 others.

2. Many years later, as he faced the firing squad,¹ the colonel remembered a distant afternoon.

3. The committee found that the camps were closed in 2019 and
Revenue from local taxation rose sharply in the northern districts
that no fighters remained there at all.

4. The mission was not completed on 30 July 2022, according to the Team.

5. The delegation met Minister Rossi in Geneva to discuss the draft report.

6. The budget reached $4 million in the second year of the programme.

7. The council’s “final” decision – taken late12 – was never pub-
lished in full.

8. Years afterwards, as she faced the same court, she said nothing.

9. Costs rose, {PANEL}, and {PANEL} again in its annex.

10. Staff left, {PANEL}. Offices closed, {PANEL}.

11. Rents fell, {PANEL}, while {PANEL} wages stalled.

12. Trade grew, {PANEL}; exports doubled, {PANEL}.

13. Debts eased, {PANEL}, until {PANEL} they rose again.

14. The envoy said the talks had stalled in March.

15. The envoy said the talks had stalled in April.
"""


@pytest.fixture
def report(run, article_db, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(SOURCE, encoding="utf-8")
    added = run("source", "add", str(path), "--key", KEY)
    assert added.exit_code == 0, added.stderr
    [(claim,)] = article_db.query("SELECT id FROM claim ORDER BY id LIMIT 1")
    return article_db, claim


def link(run, claim: int, quote: str, *args: str):
    return run("evidence", "link", str(claim), "--source", KEY, "--stance", "supports", "--quote", quote, *args)


def source_text(workspace) -> str:
    [(text,)] = workspace.query("SELECT text FROM source WHERE key = ?", KEY)
    return text


def only_row(workspace) -> dict:
    [row] = workspace.rows("SELECT * FROM evidence")
    return row


def refused(result, workspace, before: str) -> str:
    assert result.exit_code == 2, result.stdout
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert workspace.dump() == before
    return lines[0]


def flags_of(row: dict) -> list[dict]:
    value = row["flags"]
    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("quote", "shown", "kind", "stored"),
    [
        pytest.param(
            "Italy had accepted 32 recommendations by the end of the review",
            "quote says 32, source says 23 (para. 1)",
            "number",
            "Italy had accepted 23 recommendations by the end of the review",
            id="number-32-23",
        ),
        pytest.param(
            "Italy had accepted 32 recommendations …",
            "quote says 32, source says 23 (para. 1)",
            "number",
            "Italy had accepted 23 recommendations",
            id="number-with-ellipsis",
        ),
        pytest.param(
            "Many years later, as she faced the firing squad",
            "quote says she, source says he (para. 2)",
            "pronoun",
            "Many years later, as he faced the firing squad",
            id="pronoun-she-he",
        ),
        pytest.param(
            "Some years later, as he faced the firing squad",
            "quote says Some, source says Many (para. 2)",
            "edge",
            "Many years later, as he faced the firing squad",
            id="edge-some-many",
        ),
        pytest.param(
            "the colonel remembered a distant morning",
            "quote says morning, source says afternoon (para. 2)",
            "edge",
            "the colonel remembered a distant afternoon",
            id="edge-last-word",
        ),
        pytest.param(
            "The mission was not completed on 31 July 2022",
            "quote says 31, source says 30 (para. 4)",
            "date",
            "The mission was not completed on 30 July 2022",
            id="date",
        ),
        pytest.param(
            "The mission was completed on 30 July 2022",
            "quote leaves out not (para. 4)",
            "negation",
            "The mission was not completed on 30 July 2022",
            id="negation-dropped",
        ),
        pytest.param(
            "The delegation met Minister Bianchi in Geneva",
            "quote says Bianchi, source says Rossi (para. 5)",
            "name",
            "The delegation met Minister Rossi in Geneva",
            id="name",
        ),
        pytest.param(
            "The budget reached $5 million in the second year",
            "quote says 5, source says 4 (para. 6)",
            "amount",
            "The budget reached $4 million in the second year",
            id="amount",
        ),
        pytest.param(
            "the delegation met Minister Rossi in Geneva to discuss the final report",
            "quote says final, source says draft (para. 5)",
            "other",
            "delegation met Minister Rossi in Geneva to discuss the draft report",
            id="wording",
        ),
    ],
)
def test_a_difference_refuses_the_link_unless_accepted_with_a_reason(run, report, quote, shown, kind, stored):
    workspace, claim = report
    before = workspace.dump()
    line = refused(link(run, claim, quote), workspace, before)
    assert shown in line, line
    assert "--accept-difference" in line

    accepted = link(run, claim, quote, "--accept-difference", "the claim rests on the rest of the sentence")
    assert accepted.exit_code == 0, accepted.stderr
    assert f"⚑ quote_difference ({kind}): {shown.rsplit(' (', 1)[0]}" in accepted.stdout
    row = only_row(workspace)
    text = source_text(workspace)
    assert row["quote"] == text[row["start"] : row["end"]]
    assert row["quote"].endswith(stored), "the span covers the whole quote, edges included"
    assert row["submitted_quote"] == quote
    assert row["difference_reason"] == "the claim rests on the rest of the sentence"
    differences = [f for f in flags_of(row) if f["kind"] == "quote_difference"]
    assert [(f["class"], f["detail"]) for f in differences] == [(kind, shown.rsplit(" (", 1)[0])]


def test_the_firing_squad_span_is_not_trimmed_to_the_part_that_matched(run, report):
    """The reported bug: "Some years later, …" was stored as "years later, …"."""
    workspace, claim = report
    result = link(
        run, claim, "Some years later, as he faced the firing squad", "--accept-difference", "the year is not the claim"
    )
    assert result.exit_code == 0, result.stderr
    assert "stored as the source's text: “Many years later, as he faced the firing squad”" in result.stdout
    assert only_row(workspace)["quote"] == "Many years later, as he faced the firing squad"


def test_an_accepted_difference_is_shown_with_the_evidence_and_gates_the_verdict(run, report):
    workspace, claim = report
    linked = link(
        run,
        claim,
        "Italy had accepted 32 recommendations by the end",
        "--accept-difference",
        "the count is not the claim",
    )
    assert linked.exit_code == 0, linked.stderr
    listed = run("evidence", "list", str(claim))
    assert "evidence 1: ⚑ quote_difference: quote says 32, source says 23" in listed.stdout
    assert "linked as the source has it because: the count is not the claim" in listed.stdout
    [shown] = json.loads(run("evidence", "list", str(claim), "--format", "json").stdout)
    assert shown["difference_reason"] == "the count is not the claim"
    assert shown["flags"][-1]["class"] == "number"
    detail = run("claim", "show", str(claim))
    assert "⚑ quote_difference: quote says 32, source says 23" in detail.stdout
    before = workspace.dump()
    verdict = run("claim", "mark", str(claim), "verified")
    assert verdict.exit_code == 2 and "quote_difference" in verdict.stderr
    assert workspace.dump() == before
    done = run("claim", "mark", str(claim), "verified", "--accept-flags", "the claim does not depend on the count")
    assert done.exit_code == 0, done.stderr


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param(
            'The council\'s "final" decision - taken late - was never published in full',
            "The council’s “final” decision – taken late12 – was never published in full",
            id="quotes-dash-footnote-hyphen",
        ),
        pytest.param(
            "as he faced the firing squad, the colonel remembered",
            "as he faced the firing squad,¹ the colonel remembered",
            id="superscript-footnote",
        ),
        pytest.param(
            "MANY YEARS LATER,   as he faced\nthe firing squad",
            "Many years later, as he faced the firing squad",
            id="case-space",
        ),
    ],
)
def test_typography_is_never_a_difference(run, report, typed, stored):
    workspace, claim = report
    result = link(run, claim, typed)
    assert result.exit_code == 0, result.stderr
    assert "matched after normalising typography" in result.stdout
    assert "quote_difference" not in result.stdout
    row = only_row(workspace)
    assert row["quote"] == stored == source_text(workspace)[row["start"] : row["end"]]
    assert row["anchor"] == "normalized" and row["difference_reason"] is None
    assert not [f for f in flags_of(row) if f["kind"] == "quote_difference"]


def test_a_span_that_is_not_continuous_is_refused_even_when_accepted(run, report):
    """Para. 3 has a line from another column in the middle of its sentence."""
    workspace, claim = report
    before = workspace.dump()
    quote = "The committee found that the camps were closed in 2019 and that no fighters remained there at all"
    for extra in ((), ("--accept-difference", "columns")):
        line = refused(link(run, claim, quote, *extra), workspace, before)
        assert "quote is not one continuous stretch of" in line and "(para. 3" in line, line
        assert "Revenue from local taxation" in line


def test_a_quote_across_two_passages_is_refused(run, report):
    workspace, claim = report
    before = workspace.dump()
    line = refused(
        link(run, claim, "by the end of the review, and noted 5 others. Many years later, as he faced"),
        workspace,
        before,
    )
    assert "quote is not one continuous stretch of" in line and "runs on from one passage into the next" in line, line


def test_a_quote_occurring_ten_times_needs_an_occurrence(run, report):
    workspace, claim = report
    before = workspace.dump()
    line = refused(link(run, claim, PANEL), workspace, before)
    passages = dict(workspace.query("SELECT locator, id FROM passage WHERE locator IN ('para. 9', 'para. 13')"))
    assert "quote appears 10 times in" in line
    assert (
        f"para. 9 [passage {passages['para. 9']}] ×2" in line
        and f"para. 13 [passage {passages['para. 13']}] ×2" in line
    )
    assert "--occurrence N (1-10, in document order)" in line

    picked = link(run, claim, PANEL, "--occurrence", "7")
    assert picked.exit_code == 0, picked.stderr
    text = source_text(workspace)
    starts, position = [], text.find(PANEL)
    while position >= 0:
        starts.append(position)
        position = text.find(PANEL, position + 1)
    assert len(starts) == 10
    row = only_row(workspace)
    assert (row["start"], row["locator"]) == (starts[6], "para. 12")

    out_of_range = link(run, claim, PANEL, "--occurrence", "11")
    assert (
        out_of_range.exit_code == 2
        and "--occurrence 11 is out of range: the quote occurs 10 times" in out_of_range.stderr
    )


def test_an_exact_match_falls_on_whole_words(run, report):
    """ "he faced the firing squad" is inside "she faced the …" (para. 8) only as letters, not as words."""
    workspace, claim = report
    result = link(run, claim, "as he faced the")
    assert result.exit_code == 0, result.stderr
    assert "para. 2 (exact match)" in result.stdout


def test_accepting_when_nothing_differs_records_no_reason(run, report):
    workspace, claim = report
    result = link(run, claim, "the colonel remembered a distant afternoon", "--accept-difference", "just in case")
    assert result.exit_code == 0, result.stderr
    assert "was not needed and is not recorded" in result.stdout
    row = only_row(workspace)
    assert row["difference_reason"] is None and row["anchor"] == "exact"


def test_an_empty_reason_is_refused(run, report):
    workspace, claim = report
    before = workspace.dump()
    line = refused(
        link(run, claim, "Italy had accepted 32 recommendations", "--accept-difference", "  "), workspace, before
    )
    assert "--accept-difference needs a reason" in line


def test_an_accepted_difference_reaches_the_appendix_and_the_export(run, report):
    workspace, claim = report
    linked = link(
        run, claim, "The mission was completed on 30 July 2022", "--accept-difference", "cited for the date only"
    )
    assert linked.exit_code == 0, linked.stderr
    marked = run("claim", "mark", str(claim), "verified", "--accept-flags", "the date is what the claim rests on")
    assert marked.exit_code == 0, marked.stderr
    markdown = run("report", "appendix", "--format", "md")
    assert markdown.exit_code == 0, markdown.stderr
    assert "> “The mission was not completed on 30 July 2022”" in markdown.stdout
    assert (
        "Linked as “The mission was completed on 30 July 2022”, which differs from the source: quote leaves out not. "
        "Accepted because: cited for the date only"
    ) in markdown.stdout
    html = run("report", "appendix", "--format", "html")
    assert (
        '<p class="differs">Linked as “The mission was completed on 30 July 2022”, which differs from the source: '
        "quote leaves out not." in html.stdout
    )
    exported = json.loads(run("export", "--format", "json").stdout)
    [evidence] = exported["evidence"] if isinstance(exported["evidence"], list) else exported["evidence"]["rows"]
    assert evidence["difference_reason"] == "cited for the date only"
    assert evidence["submitted_quote"] == "The mission was completed on 30 July 2022"
    assert [f["class"] for f in evidence["flags"] if f["kind"] == "quote_difference"] == ["negation"]


def test_columns_mixed_in_a_source_text_are_refused(run, article_db, tmp_path):
    """A text copy whose lines run across two columns (as a column-blind extractor or a copy-paste gives
    them): a sentence of the left column is not continuous, so quoting it is refused, also with a reason."""
    left = [
        "1. The committee found that the camps were",
        "closed in 2019 and that no fighters remained",
        "there at the end of the year.",
    ]
    right = [
        "Revenue from local taxation rose sharply in",
        "the northern districts over the same period,",
        "according to the ministry of finance.",
    ]
    path = tmp_path / "columns.txt"
    path.write_text(
        "Fictional two-column test report\n\n" + "\n".join(f"{a} {b}" for a, b in zip(left, right, strict=True)) + "\n",
        encoding="utf-8",
    )
    assert run("source", "add", str(path), "--key", "columns").exit_code == 0
    [(text,)] = article_db.query("SELECT text FROM source WHERE key = 'columns'")
    assert "the camps were Revenue from local taxation" in text  # the copy mixed the columns
    [(claim,)] = article_db.query("SELECT id FROM claim ORDER BY id LIMIT 1")
    before = article_db.dump()
    for quote in (
        "The committee found that the camps were closed in 2019 and that no fighters remained there at the end of the "
        "year",
        "the camps were closed in 2019",
    ):
        result = run(
            "evidence",
            "link",
            str(claim),
            "--source",
            "columns",
            "--stance",
            "supports",
            "--quote",
            quote,
            "--accept-difference",
            "trying",
        )
        line = refused(result, article_db, before)
        assert "quote is not one continuous stretch of columns" in line
        assert "(“Revenue from local taxation rose sharply in”) stand inside the quote's span" in line


def test_a_two_column_pdf_is_read_column_by_column_so_the_quote_anchors(run, article_db, tmp_path):
    """A page set in two columns as a real PDF: the reader keeps each column whole, so a sentence
    of the left column links exactly (a column-blind reader gave the mixed text of the test above)."""
    from reportlab.pdfgen.canvas import Canvas

    from tests.unpdf_layouts import wrap

    left = wrap(
        "1. The committee found that the camps were closed in 2019 and that no fighters remained there at "
        "the end of the year. " + "Officials in the province described the closures as final and said that "
        "the buildings would be handed to the local council for use as schools and clinics. " * 3,
        220,
        "Helvetica",
        10,
    )
    right = wrap(
        "2. Revenue from local taxation rose sharply in the northern districts over the same period, according "
        "to the ministry of finance, which attributed the rise to a new register of market traders. " * 4,
        220,
        "Helvetica",
        10,
    )
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 800, "Fictional two-column test report")
    for row, line in enumerate(left):
        canvas.drawString(72, 760 - 14 * row, line)
    for row, line in enumerate(right):
        canvas.drawString(320, 760 - 14 * row, line)
    canvas.save()
    assert run("source", "add", str(path), "--key", "columns").exit_code == 0
    [(claim,)] = article_db.query("SELECT id FROM claim ORDER BY id LIMIT 1")
    quote = (
        "The committee found that the camps were closed in 2019 and that no fighters remained "
        "there at the end of the year"
    )
    result = run("evidence", "link", str(claim), "--source", "columns", "--stance", "supports", "--quote", quote)
    assert result.exit_code == 0, result.stderr
    [(stored,)] = article_db.query("SELECT quote FROM evidence")
    assert " ".join(stored.split()) == quote


def test_a_differing_quote_as_close_in_two_passages_needs_an_occurrence(run, report):
    workspace, claim = report
    before = workspace.dump()
    quote = "The envoy said the talks have stalled"
    line = refused(link(run, claim, quote, "--accept-difference", "tense"), workspace, before)
    assert "quote appears in 2 passages of" in line and "para. 14 [passage" in line and "para. 15 [passage" in line
    assert "--occurrence N (1-2, in document order)" in line
    refused(link(run, claim, quote, "--occurrence", "2"), workspace, before)  # still differs: needs the reason too
    picked = link(run, claim, quote, "--occurrence", "2", "--accept-difference", "tense")
    assert picked.exit_code == 0, picked.stderr
    row = only_row(workspace)
    assert (row["locator"], row["quote"]) == ("para. 15", "The envoy said the talks had stalled")
    assert [f["detail"] for f in flags_of(row) if f["kind"] == "quote_difference"] == [
        "quote says have, source says had"
    ]
