"""``verify report appendix --public`` and public notes: what readers may see, and nothing of the desk's workings.

The reports' test database (tests/golden/update.py) holds six verdicts, two of
them signed off, internal notes containing ``<script>`` and quote-breaking
text, a public note on the partly verified and on the disputed claim, and a
source with a hostile title and a ``javascript:`` URL.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.golden.update import PUBLIC_PARTLY, QUOTE_NOTE, SCRIPT_NOTE, template

SHOWN = [3, 9, 20, 25, 26, 56]


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def public(run, *args: str) -> str:
    result = run("report", "appendix", "--public", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def claim_text(workspace, claim_id: int) -> str:
    return workspace.query("SELECT text FROM claim WHERE id = ?", claim_id)[0][0]


def test_public_note_is_stored_apart_from_internal_notes(reports_db, run):
    result = run("claim", "note", "20", "Both sources agree on the date.", "--public")
    assert result.exit_code == 0 and "public note" in result.stdout
    assert run("claim", "note", "20", "ask bob about the guide").exit_code == 0
    notes = json.loads(run("claim", "show", "20", "--format", "json").stdout)["notes"]
    assert [(n["text"], n["public"]) for n in notes] == [
        ("Both sources agree on the date.", True),
        ("ask bob about the guide", False),
    ]
    assert reports_db.query("SELECT public FROM note WHERE claim_id = 20 ORDER BY id") in (
        [(1,), (0,)],
        [(True,), (False,)],
    )
    page = public(run, "--format", "html")
    assert "Both sources agree on the date." in page and "ask bob" not in page


def test_public_appendix_lists_each_checked_claim_with_verdict_evidence_and_public_notes(reports_db, run):
    md = public(run)
    for number in SHOWN:
        assert f'<a id="claim-{number}"></a>' in md
        assert f"“{claim_text(reports_db, number)}”" in md
    assert "**4. Partly verified.**" in md and "**5. Disputed.**" in md
    assert "**2. Unsupported by the cited sources.**" in md
    assert f"*Note:* {PUBLIC_PARTLY}" in md
    assert "*Note:* The report counts about 1,600 &lt;em&gt;including&lt;/em&gt; family members &amp;" in md
    assert "> “a wider total of about 1,600 once family members and sympathizers are counted”" in md
    # the title of the report in italics, with the paragraph cited
    assert (
        "United Nations Security Council, *Fourteenth report of the Analytical Support and Sanctions Monitoring "
        "Team*, S/TEST/2023/14, 1 June 2023, para. 14. <https://example.org/S-TEST-2023-14.txt>"
    ) in md
    assert "### Sources" in md
    assert "`javascript:alert(1)`" in md and "](javascript" not in md


@pytest.mark.parametrize("form", [(), ("--format", "html"), ("--fragment",)])
def test_what_the_public_never_sees(reports_db, run, form):
    text = public(run, *form)
    visible = re.sub(r'id="claim-\d+"', "", text)  # the anchors are addresses, not text
    for internal in (
        SCRIPT_NOTE,
        QUOTE_NOTE,
        "Checked against para. 1",
        "The report names Kabul, Kunar and Nangarhar;",
    ):
        assert internal not in text and internal.replace("<", "&lt;") not in text
    for login in ("amina", "bob", "editor", "tester"):
        assert not re.search(rf"\b{login}\b", text), login
    assert not re.search(r"\bclaim \d+", visible) and not re.search(r"claim-\d", visible)
    assert not re.search(r"[0-9a-f]{64}", text)  # no hashes
    assert "SHA-256" not in text and "sources/" not in text and "2026-11-26" not in text  # no paths, no timestamps
    assert "unreviewed" not in text.lower() and "71" not in text and "signed off" not in text.lower()
    assert "Not yet supported" not in text and "accepted" not in text.lower()


def test_a_partly_verified_claim_without_public_note_is_refused(reports_db, run):
    reports_db.execute("UPDATE note SET public = ? WHERE claim_id = 25", False)
    before = reports_db.dump()
    result = run("report", "appendix", "--public")
    assert result.exit_code == 2 and result.stdout == ""
    assert "claim(s) 25 have none; write one with 'verify claim note 25 TEXT --public'" in result.stderr
    assert result.stderr.count("\n") == 1 and reports_db.dump() == before


def test_claims_without_verdict_or_in_conflict_are_left_out(reports_db, run):
    assert run("claim", "mark", "1", "in_progress").exit_code == 0
    assert (
        run(
            "evidence",
            "link",
            "20",
            "--source",
            "S/TEST/2023/14",
            "--stance",
            "contradicts",
            "--quote",
            "a wider total of about 1,600 once family members and sympathizers are counted",
        ).exit_code
        == 0
    )
    md = public(run)
    assert 'id="claim-20"' not in md and 'id="claim-1"' not in md  # a conflict, and no verdict
    assert all(f'id="claim-{n}"' in md for n in (3, 9, 25, 26, 56))


def test_anchors_stay_when_another_claim_is_checked(reports_db, run):
    first = public(run, "--fragment")
    assert public(run, "--fragment") == first  # the same database, the same bytes
    # a claim earlier in the article gets a verdict: the numbers shift, the anchors do not
    assert (
        run(
            "evidence",
            "link",
            "1",
            "--source",
            "S/TEST/2023/14",
            "--stance",
            "supports",
            "--quote",
            "the Taliban and Al-Qaida remain closely tied",
        ).exit_code
        == 0
    )
    assert run("claim", "mark", "1", "verified").exit_code == 0
    second = public(run, "--fragment")
    for number in SHOWN:
        sentence = claim_text(reports_db, number)
        before = re.search(rf'<li id="claim-{number}"[^>]*>.*?</li>\n(?=<li id|</ol>)', first, flags=re.S)
        after = re.search(rf'<li id="claim-{number}"[^>]*>.*?</li>\n(?=<li id|</ol>)', second, flags=re.S)
        assert before and after and sentence in before.group(0) and sentence in after.group(0)
    assert 'id="claim-1"' in second and 'value="1"' in second


def test_fragment_is_embeddable(reports_db, run):
    fragment = public(run, "--fragment")
    assert fragment.startswith('<section class="verify-appendix"') and fragment.rstrip().endswith("</section>")
    for tag in (
        "<html",
        "<head",
        "<body",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<!DOCTYPE",
        "src=",
        "@import",
        "url(",
    ):
        assert tag.lower() not in fragment.lower(), tag
    style = re.search(r"<style>(.*?)</style>", fragment, flags=re.S)
    assert style is not None
    rules = [r.strip() for r in style.group(1).split("}") if r.strip()]
    for rule in rules:
        for selector in rule.split("{")[0].split(","):
            assert selector.strip().startswith(".verify-appendix"), selector
    bare = public(run, "--fragment", "--no-style")
    assert "<style" not in bare and "style=" not in bare
    assert re.sub(r"<style>.*?</style>\n", "", fragment, flags=re.S) == bare


def test_page_wraps_the_fragment(reports_db, run):
    page = public(run, "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert public(run, "--fragment") in page


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--fragment"], "apply to the public appendix; add --public"),
        (["--no-style"], "apply to the public appendix; add --public"),
        (["--public", "--fragment", "--format", "md"], "--fragment writes HTML"),
        (["--public", "--by", "paragraph"], "leave --by out with --public"),
    ],
)
def test_options_that_do_not_fit_are_refused(reports_db, run, args, says):
    result = run("report", "appendix", *args)
    assert result.exit_code == 2 and says in result.stderr and result.stdout == ""


def test_internal_appendix_is_still_the_default(reports_db, run):
    md = run("report", "appendix").stdout
    assert md.startswith("# Sourcing appendix") and "claim 26" in md and "SHA-256" in md


def test_the_example_in_the_docs_is_what_verify_writes():
    """docs/reports.md shows part of the golden public appendix: each of its lines must still be there."""
    from tests.conftest import REPO

    docs = (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
    example = docs.split("### Example: the shipped article and its public appendix")[1].split("```markdown\n")[1]
    golden = (REPO / "tests" / "golden" / "appendix-public.md").read_text(encoding="utf-8")
    lines = [line for line in example.split("```")[0].splitlines() if line.strip()]
    assert len(lines) >= 10 and all(line in golden.splitlines() for line in lines)
