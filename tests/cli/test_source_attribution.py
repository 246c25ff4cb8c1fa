"""Claims that cite "a June 2023 UN report" point to that source once it is registered."""

from __future__ import annotations

import json

JUNE_REPORT = "According to a June 2023 UN report"
SAME_REPORT = "That same report"
UNSC = "United Nations Security Council"


def claim_at(run, paragraph: int, sentence: int) -> dict:
    claims = json.loads(run("claim", "list", "--format", "json").stdout)
    [found] = [c for c in claims if (c["paragraph"], c["sentence"]) == (paragraph, sentence)]
    result = run("claim", "show", str(found["id"]), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def attributions(run) -> tuple[dict, dict]:
    return claim_at(run, 9, 1)["attribution"], claim_at(run, 10, 1)["attribution"]


def test_attributions_point_to_the_registered_june_2023_report(run, article_db):
    june, same = attributions(run)
    assert june["phrase"] == JUNE_REPORT and june["source_key"] is None
    assert same["phrase"] == SAME_REPORT and same["source_key"] is None

    result = run(
        "source",
        "register",
        "S/2023/370",
        "--title",
        "Fourteenth report of the Analytical Support and Sanctions Monitoring Team",
        "--publisher",
        UNSC,
        "--date",
        "2023-06-01",
    )
    assert result.exit_code == 0, result.stderr
    june, same = attributions(run)
    assert june["source_key"] == "S/2023/370"
    assert same["source_key"] == "S/2023/370"
    # the next sentence names no source: it continues the paragraph's attribution, marked as carried over
    continued = claim_at(run, 9, 2)["attribution"]
    assert continued["source_key"] == "S/2023/370" and continued["via"] == "paragraph"


def test_a_report_from_another_year_is_not_chosen(run, article_db):
    assert (
        run(
            "source",
            "register",
            "S/2022/419",
            "--title",
            "Thirteenth report of the Monitoring Team",
            "--publisher",
            UNSC,
            "--date",
            "2022-06-01",
        ).exit_code
        == 0
    )
    june, same = attributions(run)
    assert june["source_key"] is None and same["source_key"] is None

    assert (
        run(
            "source",
            "register",
            "S/2023/370",
            "--title",
            "Fourteenth report of the Monitoring Team",
            "--publisher",
            UNSC,
            "--date",
            "2023-06",
        ).exit_code
        == 0
    )
    june, same = attributions(run)
    assert (june["source_key"], same["source_key"]) == ("S/2023/370", "S/2023/370")


def test_adding_the_document_keeps_the_attribution(run, article_db, tmp_path):
    assert run("source", "register", "S/2023/370", "--publisher", UNSC, "--date", "2023-06-01").exit_code == 0
    text = tmp_path / "report.txt"
    text.write_text("Monitoring Team report.\n\n1. Member States reported around 400 fighters.\n", encoding="utf-8")
    result = run("source", "add", str(text), "--key", "S/2023/370")
    assert result.exit_code == 0, result.stderr
    june, same = attributions(run)
    assert (june["source_key"], same["source_key"]) == ("S/2023/370", "S/2023/370")
    assert article_db.query("SELECT version, published FROM source WHERE key = 'S/2023/370'") == [(1, "2023-06-01")]
