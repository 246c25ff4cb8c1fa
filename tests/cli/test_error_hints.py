"""Refusals say what to do instead: the source key meant, and how a second person signs off."""

from __future__ import annotations

import pytest

from tests.golden.update import UN, template


@pytest.fixture
def desk(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def refused(run, workspace, *args: str, user: str | None = None) -> str:
    before = workspace.dump()
    result = run(*args, user=user)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert workspace.dump() == before
    return result.stderr


@pytest.mark.parametrize("typed", ["s/test/2023/14", "S/TEST/2023/14 ", "S TEST 2023 14", "S/TEST/2023/41"])
def test_a_key_that_differs_in_case_or_nearly_names_the_key_meant(desk, run, typed):
    message = refused(run, desk, "source", "show", typed)
    assert message == f"verify: no source with key {typed!r}; did you mean {UN!r}?\n"


def test_the_hint_is_given_wherever_a_key_is_typed(desk, run):
    claim = str(desk.query("SELECT id FROM claim WHERE paragraph = 9 AND sentence = 2")[0][0])
    quote = "Al-Qaida is assessed to have approximately 400 fighters"
    for args in (
        ("evidence", "link", claim, "--source", "s/test/2023/14", "--stance", "context", "--quote", quote),
        ("evidence", "suggest", claim, "--source", "s/test/2023/14"),
        ("search", "fighters", "--source", "s/test/2023/14"),
        ("source", "edit", "s/test/2023/14", "--title", "x"),
        ("source", "fetch", "s/test/2023/14"),
    ):
        assert f"did you mean {UN!r}?" in refused(run, desk, *args), args


def test_an_unrelated_key_points_to_the_list(desk, run):
    assert refused(run, desk, "source", "show", "zawahiri-2013") == (
        "verify: no source with key 'zawahiri-2013'; see 'verify source list'\n"
    )


def test_a_refused_self_signoff_says_to_use_as(desk, run):
    claim = desk.query("SELECT id FROM claim WHERE paragraph = 7 AND sentence = 1")[0][0]  # verified by bob
    message = refused(run, desk, "claim", "signoff", str(claim), user="bob")
    assert "bob set the status 'verified'; a sign-off must come from someone else" in message
    assert f"'verify --as NAME claim signoff {claim}'" in message
    result = run("--as", "editor", "claim", "signoff", str(claim), user="bob")  # what the hint says works
    assert result.exit_code == 0 and "signed off by editor" in result.stdout, result.stderr
