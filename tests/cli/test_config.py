"""``verify.toml``: the desk's defaults next to the database (or at VERIFY_CONFIG); options on the command line win."""

from __future__ import annotations

from dataclasses import fields

import pytest

from tests.golden.update import template
from verify.config import AppendixSettings, Settings


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write the configuration file (named by VERIFY_CONFIG, so both backends use it)."""
    path = tmp_path / "desk" / "verify.toml"
    path.parent.mkdir()
    monkeypatch.setenv("VERIFY_CONFIG", str(path))

    def write(text: str):
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.mark.sqlite_only("a file next to a SQLite database; a server database names its file with VERIFY_CONFIG")
def test_the_file_next_to_the_database_is_read(reports_db, run, monkeypatch):
    monkeypatch.delenv("VERIFY_USER")
    (reports_db.db.parent / "verify.toml").write_text('reviewer = "desk-reviewer"\n', encoding="utf-8")
    assert run("claim", "note", "20", "from the desk").exit_code == 0
    assert reports_db.query("SELECT author FROM note WHERE text = 'from the desk'") == [("desk-reviewer",)]


def test_reviewer_is_a_default_that_as_and_verify_user_override(reports_db, run, config, monkeypatch):
    config('reviewer = "desk-reviewer"\n')
    assert run("claim", "note", "20", "one").exit_code == 0  # VERIFY_USER=tester (the workspace) wins
    monkeypatch.delenv("VERIFY_USER")
    assert run("claim", "note", "20", "two").exit_code == 0
    assert run("--as", "cli-name", "claim", "note", "20", "three").exit_code == 0
    authors = reports_db.query("SELECT text, author FROM note WHERE claim_id = 20 ORDER BY id")
    assert authors == [("one", "tester"), ("two", "desk-reviewer"), ("three", "cli-name")]


def test_sources_folder_is_relative_to_the_file(reports_db, run, config, monkeypatch, tmp_path):
    monkeypatch.delenv("VERIFY_SOURCES")
    (tmp_path / "desk" / "archive").mkdir()
    config('sources = "archive"\n')
    guide = tmp_path / "g.txt"
    guide.write_text("A small fictional note for the configuration test.\n", encoding="utf-8")
    assert run("source", "add", str(guide), "--key", "cfg-note", "--title", "Config note").exit_code == 0
    assert any((tmp_path / "desk" / "archive").rglob("*"))
    assert not (tmp_path / "sources" / "cfg-note").exists()


def test_appendix_defaults_and_their_overrides(reports_db, run, config):
    config("[appendix]\npublic = true\nfragment = true\nstyle = false\n")
    fragment = run("report", "appendix", "--format", "html").stdout
    assert fragment.startswith('<section class="verify-appendix"') and "<style" not in fragment
    assert run("report", "appendix").stdout.startswith("## How this article was checked")  # md: no fragment
    assert "<style>" in run("report", "appendix", "--format", "html", "--style").stdout
    assert run("report", "appendix", "--format", "html", "--page").stdout.startswith("<!DOCTYPE html>")
    assert run("report", "appendix", "--internal").stdout.startswith("# Sourcing appendix")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("organisation = \n", "is not valid TOML"),
        ('organization = "Desk"\n', "unknown key 'organization'; known keys: organisation, review_url, reviewer"),
        ("[appendix]\npublik = true\n", "unknown key 'appendix.publik'; known keys: appendix.public"),
        ("reviewer = 3\n", "reviewer must be text, not int"),
        ('[appendix]\npublic = "yes"\n', "appendix.public must be true or false, not str"),
        ('appendix = "public"\n', "appendix must be a table ([appendix])"),
        ('reviewer = "  "\n', "reviewer is empty"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(reports_db, run, config, text, says):
    path = config(text)
    before = reports_db.dump()
    result = run("claim", "note", "20", "never written")
    assert result.exit_code == 2 and result.stdout == ""
    assert says in result.stderr and str(path) in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and reports_db.dump() == before


def test_bytes_that_are_not_utf8_are_refused(reports_db, run, config):
    path = config("")
    path.write_bytes(b'reviewer = "\xff"\n')
    result = run("status")
    assert result.exit_code == 2 and "is not UTF-8 text" in result.stderr


def test_verify_config_naming_a_missing_file_is_refused(reports_db, run, monkeypatch, tmp_path):
    monkeypatch.setenv("VERIFY_CONFIG", str(tmp_path / "nowhere.toml"))
    result = run("status")
    assert result.exit_code == 2 and "VERIFY_CONFIG names" in result.stderr and "not a file" in result.stderr


def test_every_setting_has_a_default_and_a_help():
    """Adding a key is adding a field: the loader and the docs read these."""
    for cls in (Settings, AppendixSettings):
        for field in fields(cls):
            if not field.metadata.get("internal"):
                assert field.metadata.get("help"), (cls.__name__, field.name)
    assert Settings().appendix == AppendixSettings()
