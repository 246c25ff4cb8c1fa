"""``verify export --format csv``: the claims and evidence tables, and the variant spreadsheets open correctly."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from tests.golden.update import template

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def export_file(run, tmp_path, *args: str) -> bytes:
    target = tmp_path / "out.csv"
    result = run("export", "--format", "csv", *args, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    return target.read_bytes()


def read(data: bytes, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))


@pytest.mark.parametrize("table", ["claims", "evidence"])
def test_excel_csv_has_a_bom_crlf_and_date_times_spreadsheets_read(reports_db, run, tmp_path, table):
    plain = export_file(run, tmp_path, "--table", table)
    excel = export_file(run, tmp_path, "--table", table, "--excel")
    assert not plain.startswith(BOM) and b"\r\n" not in plain
    assert excel.startswith(BOM) and not excel.startswith(BOM + BOM)
    records = list(csv.reader(io.StringIO(excel.decode("utf-8-sig"), newline="")))
    assert excel.count(b"\r\n") == len(records)  # every record ends with CRLF (RFC 4180)
    plain_rows, excel_rows = read(plain), read(excel, "utf-8-sig")
    assert list(excel_rows[0]) == list(plain_rows[0]) and len(excel_rows) == len(plain_rows) > 0
    columns = ("signed_off_at", "updated_at") if table == "claims" else ("added_at", "retracted_at")
    seen = 0
    for before, after in zip(plain_rows, excel_rows, strict=True):
        for column in set(before) - set(columns):
            assert after[column] == before[column]  # text, ids and quotes unchanged
        for column in columns:
            if before[column]:
                seen += 1
                stamp = datetime.strptime(after[column], "%Y-%m-%d %H:%M:%S")
                assert stamp == datetime.strptime(before[column], "%Y-%m-%dT%H:%M:%S.%fZ").replace(microsecond=0)
    assert seen > 0


def test_excel_csv_keeps_curly_quotes_readable_with_the_bom(reports_db, run, tmp_path):
    rows = read(export_file(run, tmp_path, "--excel"), "utf-8-sig")
    assert "’" in "".join(r["text"] for r in rows)  # the shipped article's apostrophes
    assert list(rows[0])[0] == "id"  # the BOM is not part of the first header


def test_pandas_reads_the_excel_csv_dates_as_dates(reports_db, run, tmp_path):
    pandas = pytest.importorskip("pandas", reason="pandas is not a dependency; csv checks above cover the file")
    export_file(run, tmp_path, "--table", "evidence", "--excel")
    frame = pandas.read_csv(tmp_path / "out.csv", encoding="utf-8-sig", parse_dates=["added_at"])
    assert str(frame["added_at"].dtype).startswith("datetime64")


def test_evidence_table_has_one_row_per_evidence_with_who_and_when(reports_db, run, tmp_path):
    assert run("evidence", "retract", "1", "--reason", "wrong paragraph").exit_code == 0
    rows = read(export_file(run, tmp_path, "--table", "evidence"))
    assert [int(r["id"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    listed = json.loads(run("evidence", "list", "26", "--format", "json").stdout)
    row = next(r for r in rows if r["claim_id"] == "26")
    assert (row["stance"], row["source"], row["locator"], row["quote"], row["added_by"], row["added_at"]) == (
        listed[0]["stance"],
        listed[0]["source_key"],
        listed[0]["locator"],
        listed[0]["quote"],
        listed[0]["by"],
        listed[0]["at"],
    )
    assert row["flags"].startswith("number_mismatch: claim: around 400") and row["retracted"] == "no"
    first = rows[0]
    assert (first["retracted"], first["retracted_by"], first["retraction_reason"]) == (
        "yes",
        "tester",
        "wrong paragraph",
    )
    assert first["retracted_at"]
    assert read(export_file(run, tmp_path, "--table", "evidence", "--article", "2")) == []


def test_evidence_cells_never_become_formulas(reports_db, run, tmp_path):
    assert run("evidence", "retract", "2", "--reason", '=HYPERLINK("http://evil")').exit_code == 0
    rows = read(export_file(run, tmp_path, "--table", "evidence", "--excel"), "utf-8-sig")
    assert rows[1]["retraction_reason"] == '\'=HYPERLINK("http://evil")'


def test_claims_table_is_the_default(reports_db, run, tmp_path):
    assert export_file(run, tmp_path) == export_file(run, tmp_path, "--table", "claims")


@pytest.mark.parametrize("option", [["--excel"], ["--table", "evidence"]])
def test_csv_options_with_another_format_are_refused(reports_db, run, option):
    result = run("export", "--format", "json", *option)
    assert result.exit_code == 2 and result.stdout == ""
    assert "--table and --excel apply to --format csv" in result.stderr
