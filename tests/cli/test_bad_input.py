"""Bad input: exit code 2, one line on stderr naming the problem, no traceback, nothing changed.

"Nothing changed" is checked by comparing ``Workspace.dump()`` (every row of the
database and a listing of sources/) before and after. A few cases run as a real
subprocess to see exactly what a terminal would show.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.conftest import ARTICLE

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)
MB = 1024 * 1024


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("verify: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def empty_db(run, workspace):
    assert run("init").exit_code == 0
    return workspace


def refused_import(run, workspace, path: Path, *fragments: str, args: tuple[str, ...] = ()) -> None:
    before = workspace.dump()
    result = run("article", "add", str(path), *args)
    assert_one_line_error(result, *fragments)
    assert workspace.dump() == before


# --- article files -------------------------------------------------------------------------


def test_missing_file(empty_db, run, tmp_path):
    refused_import(run, empty_db, tmp_path / "nope.txt", "no such file", "nope.txt")


def test_a_directory(empty_db, run, tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    refused_import(run, empty_db, folder, "is a directory")


def test_an_empty_file(empty_db, run, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    refused_import(run, empty_db, path, "empty.txt", "is empty")


def test_a_file_of_blank_lines(empty_db, run, tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n\n   \n\t\n", encoding="utf-8")
    before = empty_db.dump()
    result = run("article", "add", str(path))
    assert_one_line_error(result, "blank.txt")
    assert empty_db.dump() == before


@pytest.mark.parametrize(("name", "data"), [("image.txt", PNG), ("nul.txt", b"The group met.\x00\x00 It left.")])
def test_binary_files(empty_db, run, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    refused_import(run, empty_db, path, name, "binary")


def test_random_bytes_are_refused(empty_db, run, tmp_path):
    noise = random.Random(7).randbytes(4000).replace(b"\x00", b"\x01")
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    refused_import(run, empty_db, path, "noise.txt", "not UTF-8", "convert it to UTF-8")


def test_a_cp1252_file_is_decoded_and_imported(empty_db, run, tmp_path):
    text = "A Windows Article\r\n\r\nThe group’s leader said “we will wait.” It was 2023 – a long wait.\r\n"
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode("cp1252"))
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    claims = json.loads(run("claim", "list", "--format", "json").stdout)
    assert [c["text"] for c in claims] == ["The group’s leader said “we will wait.”", "It was 2023 – a long wait."]
    assert claims[0]["kind"] == "quote"
    assert json.loads(run("article", "list", "--format", "json").stdout)[0]["title"] == "A Windows Article"


def test_a_50_mb_file_is_refused_by_the_10_mb_limit(empty_db, run, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: the size is checked before anything is read
        handle.truncate(50 * MB)
    refused_import(run, empty_db, path, "huge.txt", "50.0 MB", "10.0 MB limit", "--max-size")


def test_max_size_option(empty_db, run, tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("A Title\n\n" + "The group met in Kabul. " * 100 + "\n", encoding="utf-8")
    refused_import(run, empty_db, path, "over the 1024 bytes limit", args=("--max-size", "1KB"))
    refused_import(run, empty_db, path, "--max-size 'lots' is not a size", args=("--max-size", "lots"))
    result = run("article", "add", str(path), "--max-size", "1MB")
    assert result.exit_code == 0, result.stderr


def test_unsupported_format(empty_db, run, tmp_path):
    path = tmp_path / "article.rtf"
    path.write_bytes(b"{\\rtf1 The council met.}")
    refused_import(run, empty_db, path, "unsupported article format '.rtf'")


def test_bad_published_date(empty_db, run):
    refused_import(run, empty_db, ARTICLE, "--published '15/01/2024' is not a date", args=("--published", "15/01/2024"))


# --- claims ------------------------------------------------------------------------------------


def test_unknown_claim_id(article_db, run):
    before = article_db.dump()
    assert_one_line_error(run("claim", "mark", "4242", "in_progress"), "no claim with id 4242")
    assert_one_line_error(run("claim", "show", "4242"), "no claim with id 4242")
    assert article_db.dump() == before


def test_claim_id_that_is_not_a_number(article_db, run):
    before = article_db.dump()
    assert_one_line_error(run("claim", "show", "abc"), "claim_id", "not a valid int", "verify claim show --help")
    assert article_db.dump() == before


def test_unknown_status(article_db, run):
    before = article_db.dump()
    assert_one_line_error(run("claim", "mark", "1", "checked"), "unknown status 'checked'")
    assert article_db.dump() == before


# --- the database --------------------------------------------------------------------------------


@pytest.mark.sqlite_only("a database file in a missing folder")
def test_db_in_a_missing_folder(run, workspace, tmp_path):
    target = tmp_path / "missing" / "claims.db"
    for args in (("init",), ("status",), ("article", "add", str(ARTICLE))):
        assert_one_line_error(run("--db", str(target), *args), "folder", "does not exist")
    assert not target.parent.exists()


@pytest.mark.sqlite_only("a file that is not a SQLite database")
@pytest.mark.parametrize("content", [b"just some notes\n", PNG])
def test_db_that_is_not_a_database(run, workspace, tmp_path, content):
    target = tmp_path / "notes.db"
    target.write_bytes(content)
    for args in (("init",), ("status",), ("claim", "list"), ("article", "add", str(ARTICLE))):
        assert_one_line_error(run("--db", str(target), *args), "is not a SQLite database")
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


@pytest.mark.sqlite_only("a directory given as the database file")
def test_db_that_is_a_directory(run, workspace, tmp_path):
    assert_one_line_error(run("--db", str(tmp_path), "status"), "is a directory")


def test_database_not_initialised(run, workspace):
    before = workspace.dump()
    expected = "no database at" if workspace.is_sqlite else "is empty"
    for args in (("status",), ("claim", "list"), ("article", "add", str(ARTICLE))):
        assert_one_line_error(run(*args), expected, "verify init")
    if workspace.is_sqlite:
        assert not workspace.db.exists()
    assert workspace.dump() == before


@pytest.mark.sqlite_only("an empty database file")
def test_an_empty_database_file_is_left_alone(run, workspace):
    workspace.db.write_bytes(b"")
    assert_one_line_error(run("status"), "is empty", "verify init")
    assert workspace.db.read_bytes() == b""
    assert run("init").exit_code == 0
    assert run("status").exit_code == 0


@pytest.mark.sqlite_only("a server URL given explicitly; no workspace database is involved")
def test_an_unreachable_database_server(run, workspace):
    """Nothing listens on port 1: every command, reading or writing, says so in one line."""
    url = "postgresql+psycopg://postgres@127.0.0.1:1/verify"
    for args in (
        ("status",),
        ("claim", "list", "--format", "json"),
        ("article", "list"),
        ("claim", "show", "1"),
        ("claim", "mark", "1", "verified"),
    ):
        assert_one_line_error(run("--db", url, *args), "127.0.0.1", "port 1")


@pytest.mark.sqlite_only("database URLs given explicitly; no workspace database is involved")
@pytest.mark.parametrize("url", ["mysql://user@localhost/desk", "postgres://user@localhost/desk"])
def test_a_database_url_verify_cannot_use(run, workspace, url):
    assert_one_line_error(run("--db", url, "status"), "cannot use database URL", "postgresql+psycopg://")


def test_a_command_group_run_bare_shows_its_help_and_no_empty_error(run, workspace):
    result = run("claim")
    assert result.exit_code == 2 and "Usage:" in result.stdout and "list" in result.stdout
    assert result.stderr == ""


def test_a_missing_source_file_is_named_as_a_missing_file(run, workspace):
    assert run("init").exit_code == 0
    before = workspace.dump()
    assert_one_line_error(
        run("source", "add", "reports/missing-report.pdf", "--key", "S/2023/370"), "no such file", "missing-report.pdf"
    )
    assert workspace.dump() == before


def test_a_database_that_is_not_verifys(run, workspace):
    workspace.execute("CREATE TABLE other (x integer)")
    before = workspace.dump()
    assert_one_line_error(run("status"), "not a verify database")
    assert workspace.dump() == before


# --- as a user's terminal sees it ---------------------------------------------------------------------


def test_real_process_errors_are_one_line(run_process, workspace, tmp_path):
    assert run_process("init").exit_code == 0
    before = workspace.dump()
    binary = tmp_path / "image.txt"
    binary.write_bytes(PNG)
    cases = [  # each real process costs ~0.5 s of start-up, so a few representative ones
        (("article", "add", str(binary)), "binary"),
        (("claim", "mark", "99", "bogus"), "unknown status"),
        (("--db", str(tmp_path / "missing" / "x.db"), "status"), "does not exist"),
    ]
    for args, fragment in cases:
        assert_one_line_error(run_process(*args), fragment)
    assert workspace.dump() == before
