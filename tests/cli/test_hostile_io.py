"""Hostile paths and streams through the CLI: ``--output`` targets, ``-`` for stdin/stdout, read caps.

Each refusal is exit 2 with one line naming the path, and leaves the target
(and the database) as it was. See docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys

import pytest

from tests.cli.test_bad_input import assert_one_line_error

pexpect = pytest.importorskip("pexpect")

# The three commands that take --output, each with the arguments it needs.
OUTPUT_COMMANDS = {
    "export": ("export",),
    "appendix": ("report", "appendix"),
    "annotated": ("report", "annotated"),
}


def _output(run, command: str, target: str):
    return run(*OUTPUT_COMMANDS[command], "--output", target)


# --- item 1: what --output may replace ---------------------------------------------------------


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_output_dash_is_stdout_and_writes_no_file(article_db, run, tmp_path, command):
    result = _output(run, command, "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert not (tmp_path / "-").exists()
    if command == "export":
        assert json.loads(result.stdout)["articles"]


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_an_existing_regular_file_is_replaced_whole_and_keeps_its_mode(article_db, run, tmp_path, command):
    target = tmp_path / "out.txt"
    target.write_text("old contents " * 1000, encoding="utf-8")
    target.chmod(0o640)
    result = _output(run, command, str(target))
    assert result.exit_code == 0, result.stderr
    assert "old contents" not in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.txt")) == []  # no temporary left


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_a_symlink_is_refused_and_its_target_untouched(article_db, run, tmp_path, command):
    real = tmp_path / "real.txt"
    real.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert_one_line_error(_output(run, command, str(link)), str(link), "symbolic link")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_a_fifo_is_refused_without_blocking(article_db, run, tmp_path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_error(_output(run, command, str(fifo)), str(fifo), "FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_refused(article_db, run):
    assert_one_line_error(_output(run, "export", "/dev/null"), "/dev/null", "character device")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_dev_stdout_is_refused_and_dash_is_the_way(article_db, run):
    result = _output(run, "appendix", "/dev/stdout")
    assert_one_line_error(result, "/dev/stdout", "'-'")


def test_a_socket_is_refused(article_db, run, tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert_one_line_error(_output(run, "annotated", str(path)), str(path), "socket")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_a_directory_is_refused(article_db, run, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_one_line_error(_output(run, "export", str(folder)), str(folder), "directory")
    assert list(folder.iterdir()) == []


def test_a_hard_linked_file_is_refused_because_the_rename_would_detach_it(article_db, run, tmp_path):
    first = tmp_path / "a.json"
    first.write_text("shared\n", encoding="utf-8")
    second = tmp_path / "b.json"
    os.link(first, second)
    assert_one_line_error(_output(run, "export", str(first)), str(first), "hard link")
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == "shared\n"
    assert first.stat().st_ino == second.stat().st_ino


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_a_missing_folder_is_refused_with_the_path(article_db, run, tmp_path, command):
    target = tmp_path / "missing" / "out.html"
    assert_one_line_error(_output(run, command, str(target)), str(target), "does not exist")
    assert not (tmp_path / "missing").exists()


# --- item 2: "-" is standard input ------------------------------------------------------------

ARTICLE_TEXT = "Council report\n\nThe council met in 2023. It adopted 12 resolutions on the border.\n"
SOURCE_TEXT = "Annual report\n\nThe council adopted 12 resolutions in 2023, most of them on the border.\n"


@pytest.fixture
def empty_db(run, workspace):
    assert run("init").exit_code == 0
    return workspace


def test_article_add_dash_reads_stdin_even_when_a_file_named_dash_exists(empty_db, run, tmp_path):
    (tmp_path / "-").write_text("Stray file\n\nThis must never be imported. It is a trap.\n", encoding="utf-8")
    result = run("article", "add", "-", input=ARTICLE_TEXT)
    assert result.exit_code == 0, result.stderr
    assert "imported article 1 'Council report': 2 claims" in result.stdout
    assert [r[0] for r in empty_db.query("SELECT title FROM article")] == ["Council report"]


def test_article_add_dash_reads_html_from_stdin(empty_db, run):
    html = (
        "<!doctype html><html><head><title>Piped page</title></head><body><p>The council met in 2023.</p></body></html>"
    )
    result = run("article", "add", "-", input=html)
    assert result.exit_code == 0, result.stderr
    assert [r[0] for r in empty_db.query("SELECT title FROM article")] == ["Piped page"]


def test_article_from_stdin_without_a_title_is_refused(empty_db, run):
    before = empty_db.dump()
    assert_one_line_error(run("article", "add", "-", input="The council met in 2023.\n"), "--title")
    assert empty_db.dump() == before


def test_source_add_dash_reads_stdin_and_needs_a_key(empty_db, run, tmp_path):
    (tmp_path / "-").write_text("Stray\n\nA stray file named dash.\n", encoding="utf-8")
    before = empty_db.dump()
    assert_one_line_error(run("source", "add", "-", input=SOURCE_TEXT), "--key")
    assert empty_db.dump() == before
    result = run("source", "add", "-", "--key", "annual-2023", input=SOURCE_TEXT)
    assert result.exit_code == 0, result.stderr
    assert "added source annual-2023" in result.stdout
    [(text,)] = empty_db.query("SELECT text FROM source WHERE key = ?", "annual-2023")
    assert "12 resolutions" in text and "stray" not in text.lower()


def test_export_to_stdout_then_import_from_stdin(article_db, run, tmp_path, monkeypatch):
    exported = _output(run, "export", "-").stdout
    monkeypatch.setenv("VERIFY_DB", str(tmp_path / "copy.db"))
    assert run("init").exit_code == 0
    result = run("import", "-", input=exported)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported standard input:")
    assert _output(run, "export", "-").stdout == exported


def test_import_dev_zero_ends_at_once(empty_db, run_process):
    result = run_process("import", "/dev/zero", timeout=20)
    assert_one_line_error(result, "/dev/zero", "NUL")


def test_reads_are_capped_and_the_message_names_the_cap(empty_db, run, tmp_path):
    before = empty_db.dump()
    big = "The council met in 2023. " * 50_000  # 1.2 MB
    assert_one_line_error(
        run("article", "add", "-", "--title", "T", "--max-size", "1MB", input="T\n\n" + big),
        "standard input",
        "1.0 MB limit",
    )
    assert_one_line_error(
        run("import", "-", "--max-size", "1MB", input="[" + " " * 2_000_000 + "]"), "standard input", "1.0 MB limit"
    )
    assert empty_db.dump() == before


def test_an_endless_pipe_is_cut_at_the_cap(empty_db, workspace):
    import subprocess

    writer = subprocess.Popen(["yes", "The council met in 2023."], stdout=subprocess.PIPE)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "verify", "article", "add", "-", "--title", "T", "--max-size", "2MB"],
            stdin=writer.stdout,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=workspace.root,
        )
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    assert done.returncode == 2 and "over the 2.0 MB limit" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "args", [("article", "add", "-", "--title", "T"), ("source", "add", "-", "--key", "K"), ("import", "-")]
)
def test_stdin_from_a_terminal_is_refused_instead_of_hanging(empty_db, args):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "verify", *args],
        cwd=str(empty_db.root),
        env=dict(os.environ),
        encoding="utf-8",
        timeout=20,
    )
    try:
        child.expect("standard input, which is a terminal")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 2


# --- item 5: terminal escape injection ---------------------------------------------------------

ESC = "\x1b[31mred\x1b[0m"  # a colour change
CSI = "\x9b2J"  # the C1 CSI: "clear the screen" on terminals that honour 8-bit controls
RLO = "\u202e"  # right-to-left override: reorders what follows
LRI = "\u2066"
TRAPS = ("\x1b", "\x9b", "\x07", RLO, LRI)
EVIL = f"{ESC} {CSI} {RLO}txet{LRI} bell\x07"


@pytest.fixture
def hostile_desk(run, workspace, tmp_path):
    """An article, a source, evidence, a note and an assignee, all carrying control characters."""
    assert run("init").exit_code == 0
    article = tmp_path / "article.txt"
    article.write_text(
        f"Council report\n\nThe council adopted 12 resolutions in 2023 {RLO}on the border.\n"
        "Its chair resigned in March.\n",
        encoding="utf-8",
    )
    assert run("article", "add", str(article)).exit_code == 0
    source = tmp_path / "annual.txt"
    source.write_text(
        "Annual report\n\nThe council adopted 12 resolutions in 2023, \x1b[8mmost of them on the border.\n",
        encoding="utf-8",
    )
    result = run("source", "add", str(source), "--key", "annual", "--title", f"Annual {EVIL}", "--publisher", EVIL)
    assert result.exit_code == 0, result.stderr
    result = run(
        "evidence",
        "link",
        "1",
        "--source",
        "annual",
        "--stance",
        "supports",
        "--quote",
        "The council adopted 12 resolutions in 2023",
        "--note",
        EVIL,
        user=f"amina{ESC}",
    )
    assert result.exit_code == 0, result.stderr
    assert run("claim", "note", "1", f"note {EVIL}", user=f"amina{ESC}").exit_code == 0
    assert run("claim", "assign", "2", f"bob{ESC}{RLO}").exit_code == 0
    return workspace


def assert_shown_not_sent(text: str) -> None:
    for trap in TRAPS:
        assert trap not in text, (trap, text)


PLAIN_OUTPUTS = [
    ("source", "list"),
    ("source", "show", "annual"),
    ("source", "show", "annual", "--passages"),
    ("claim", "show", "1"),
    ("claim", "show", "2"),
    ("claim", "list"),
    ("claim", "list", "--assignee", f"bob{ESC}{RLO}"),
    ("evidence", "list", "1"),
    ("report", "unsupported"),
    ("report", "unsupported", "--format", "md"),
    ("report", "appendix"),
    ("report", "appendix", "--format", "html"),
    ("report", "annotated", "--output", "-"),
    ("search", "resolutions border"),
    ("status",),
]


@pytest.mark.parametrize("args", PLAIN_OUTPUTS, ids=lambda a: " ".join(a)[:40])
def test_control_characters_are_shown_as_escapes_never_sent(hostile_desk, run, args):
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr
    assert_shown_not_sent(result.stdout + result.stderr)


def test_what_the_escapes_look_like(hostile_desk, run):
    shown = run("source", "show", "annual").stdout
    assert "publisher: \\x1b[31mred\\x1b[0m \\x9b2J \\u202etxet\\u2066 bell\\x07" in shown
    notes = run("claim", "show", "1").stdout
    assert "amina\\x1b[31mred\\x1b[0m: note \\x1b[31mred" in notes
    assert "\\u202eon the border" in run("claim", "list").stdout or "\\u202eon" in run("claim", "show", "1").stdout


def test_the_review_screen_shows_escapes(hostile_desk, run):
    result = run("review", input="x\n")
    assert result.exit_code == 0, result.stderr
    assert "12 resolutions in 2023 \\u202eon the border" in result.stdout
    assert_shown_not_sent(result.stdout)


def test_an_error_message_quoting_input_shows_escapes(hostile_desk, run):
    result = run("source", "show", f"nope{ESC}")
    assert result.exit_code == 2
    assert_shown_not_sent(result.stderr)
    assert "nope\\x1b[31m" in result.stderr


def test_json_keeps_the_data_escaped(hostile_desk, run):
    result = run("source", "show", "annual", "--format", "json")
    assert_shown_not_sent(result.stdout)
    assert json.loads(result.stdout)["publisher"] == EVIL
    exported = run("export", "--output", "-").stdout
    assert_shown_not_sent(exported)
    assert EVIL in {s["publisher"] for s in json.loads(exported)["sources"]}


def test_csv_to_a_file_keeps_the_data(hostile_desk, run, tmp_path):
    target = tmp_path / "claims.csv"
    assert run("export", "--format", "csv", "--output", str(target)).exit_code == 0
    assert RLO in target.read_text(encoding="utf-8")
    listed = run("source", "list", "--format", "csv").stdout  # a pipe, not a terminal: the data as stored
    assert EVIL in listed.replace('""', '"')


def test_csv_on_a_terminal_shows_escapes(hostile_desk):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "verify", "source", "list", "--format", "csv"],
        cwd=str(hostile_desk.root),
        env=dict(os.environ),
        encoding="utf-8",
        timeout=20,
    )
    try:
        child.expect(pexpect.EOF)
        shown = child.before
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "\\x1b[31mred" in shown and "\x1b" not in shown and RLO not in shown


# --- item 8: the smaller ones ------------------------------------------------------------------

HUGE = str(2**63)


@pytest.mark.parametrize(
    "args",
    [
        ("claim", "show", HUGE),
        ("claim", "note", HUGE, "a note"),
        ("claim", "mark", HUGE, "verified"),
        ("evidence", "list", HUGE),
        ("claim", "list", "--article", HUGE),
        ("report", "appendix", "--article", HUGE),
        ("evidence", "link", "1", "--source", "x", "--stance", "supports", "--passage", HUGE),
        ("claim", "list", f"--article={-(2**63) - 1}"),
        ("claim", "show", "1" + "0" * 40),
    ],
)
def test_ids_beyond_64_bits_are_refused_with_one_message(article_db, run, args):
    before = article_db.dump()
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "is out of range (whole numbers here are at most 9223372036854775807)" in result.stderr
    assert "internal error" not in result.stderr and result.stderr.count("\n") == 1
    assert article_db.dump() == before


def test_the_largest_id_is_simply_not_found(article_db, run):
    result = run("claim", "show", str(2**63 - 1))
    assert result.exit_code == 2 and "no claim with id 9223372036854775807" in result.stderr


def test_an_import_with_a_huge_id_or_a_nul_is_refused_on_both_backends(article_db, run, tmp_path, monkeypatch):
    exported = json.loads(_output(run, "export", "-").stdout)
    monkeypatch.setenv("VERIFY_DB", str(tmp_path / "copy.db"))
    assert run("init").exit_code == 0
    huge = json.loads(json.dumps(exported))
    huge["claims"][3]["id"] = 2**63
    assert_one_line_error(run("import", "-", input=json.dumps(huge)), "claims[3].id", "out of range")
    nul = json.loads(json.dumps(exported))
    nul["notes"] = [] if not nul["notes"] else nul["notes"]
    nul["articles"][0]["title"] = "a\x00b"
    assert_one_line_error(run("import", "-", input=json.dumps(nul)), "articles[0].title", "NUL")
    assert run("import", "-", input=json.dumps(exported)).exit_code == 0


@pytest.mark.sqlite_only("writes the schema revision into a SQLite file directly")
def test_init_on_a_newer_schema_is_refused_clearly(run, workspace):
    import sqlite3

    assert run("init").exit_code == 0
    conn = sqlite3.connect(workspace.db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    before = workspace.dump()
    for args in (("init",), ("db", "upgrade")):
        assert_one_line_error(run(*args), "schema revision 0099", "newer than this verify knows", "upgrade verify")
    assert workspace.dump() == before


def test_init_on_a_newer_schema_is_refused_on_both_backends(run, workspace):
    assert run("init").exit_code == 0
    workspace.execute("UPDATE alembic_version SET version_num = '0099'")
    assert_one_line_error(run("init"), "schema revision 0099", "newer than this verify knows")


BODY = "Council report\n\nThe council adopted 12 resolutions in 2023. Its chair resigned in March.\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
def test_articles_with_a_byte_order_mark_are_read(empty_db, run, tmp_path, encoding):
    import codecs

    marks = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    path = tmp_path / "article.txt"
    path.write_bytes(marks.get(encoding, b"") + BODY.replace("Council", "Conseil — Council").encode(encoding))
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported article 1 'Conseil — Council report': 2 claims" in result.stdout
    assert [r[0] for r in empty_db.query("SELECT text FROM claim ORDER BY id")] == [
        "The council adopted 12 resolutions in 2023.",
        "Its chair resigned in March.",
    ]


def test_utf16_without_a_mark_is_still_refused_as_binary(empty_db, run, tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(BODY.encode("utf-16-le"))
    assert_one_line_error(run("article", "add", str(path)), "binary")


def test_a_bad_byte_after_a_mark_is_refused(empty_db, run, tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(b"\xff\xfe" + BODY.encode("utf-16-le") + b"\x00")  # an odd byte out
    assert_one_line_error(run("article", "add", str(path)), "UTF-16-LE byte-order mark")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_text_source_with_a_byte_order_mark_is_read(empty_db, run, tmp_path, encoding):
    path = tmp_path / "annual.txt"
    path.write_bytes(SOURCE_TEXT.encode(encoding))
    result = run("source", "add", str(path), "--key", "annual")
    assert result.exit_code == 0, result.stderr
    [(text,)] = empty_db.query("SELECT text FROM source WHERE key = ?", "annual")
    assert "The council adopted 12 resolutions in 2023" in text


def test_a_nul_in_a_note_is_refused_at_input(article_db, run, tmp_path):
    before = article_db.dump()
    assert_one_line_error(run("claim", "note", "1", "-", input="first\x00second"), "NUL", "position 6")
    note = tmp_path / "note.txt"
    note.write_bytes(b"why\x00")
    assert_one_line_error(run("claim", "mark", "1", "unsupported", "--note-file", str(note)), "NUL")
    assert_one_line_error(run("claim", "note", "1", "a\x00b"), "NUL")
    assert article_db.dump() == before


def test_long_notes_from_stdin_and_from_files(article_db, run, tmp_path):
    long_note = ("The figure comes from the second table, not the first. " * 20_000)[:1_000_000]
    result = run("claim", "note", "1", "-", input=long_note)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "why.txt"
    path.write_text("The report gives 400, not 2,000.\nSee the annex.\n", encoding="utf-16")
    assert run("claim", "mark", "2", "unsupported", "--note-file", str(path)).exit_code == 0
    assert run("claim", "note", "3", "--note-file", str(path)).exit_code == 0
    notes = article_db.query("SELECT claim_id, text FROM note ORDER BY id")
    assert notes[0] == (1, long_note.strip()) and len(notes[0][1]) > 990_000
    assert notes[1][1] == notes[2][1] == "The report gives 400, not 2,000.\nSee the annex."
    before = article_db.dump()
    assert_one_line_error(run("claim", "note", "1", "-", input="x" * (2 * 1024 * 1024 + 1)), "2.0 MB limit")
    assert article_db.dump() == before


def test_note_sources_are_one_at_a_time(article_db, run, tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("a note", encoding="utf-8")
    assert_one_line_error(run("claim", "mark", "1", "unsupported", "--note", "x", "--note-file", str(path)), "not both")
    assert_one_line_error(run("claim", "note", "1", "text", "--note-file", str(path)), "not both")
    assert_one_line_error(run("claim", "note", "1"), "--note-file")
    assert_one_line_error(run("claim", "note", "1", "--note-file", str(tmp_path / "missing.txt")), "no such file")


def test_bidi_overrides_in_names_and_notes_do_not_reach_html_reports(hostile_desk, run):
    for args in (("report", "annotated", "--output", "-"), ("report", "appendix", "--format", "html")):
        html = run(*args).stdout
        assert RLO not in html and LRI not in html
    assert "\\u202e" in run("report", "annotated", "--output", "-").stdout


def test_key_is_not_silently_ignored_for_bytes_already_archived(empty_db, run, tmp_path):
    path = tmp_path / "annual.txt"
    path.write_text(SOURCE_TEXT, encoding="utf-8")
    assert run("source", "add", str(path), "--key", "annual").exit_code == 0
    before = empty_db.dump()
    assert_one_line_error(
        run("source", "add", str(path), "--key", "other-name"),
        "already archived as source annual",
        "--key other-name was not used",
    )
    assert empty_db.dump() == before
    again = run("source", "add", str(path), "--key", "annual")
    assert again.exit_code == 0 and "already archived" in again.stdout


def test_right_to_left_names_and_notes_are_isolated_in_html(article_db, run):
    assert run("claim", "note", "1", "المصدر: التقرير 14.", user="أمينة").exit_code == 0
    html = run("report", "appendix", "--format", "html").stdout
    assert "Latest note, <bdi>أمينة</bdi>," in html and "<bdi>المصدر: التقرير 14.</bdi>" in html
