"""Every command's JSON has exactly the keys docs/json.md lists, in every nested object.

The page is parsed: its commands table (what each command prints) and its
shapes (one table of keys each, with the type of each value, which may name
another shape). Each documented command then runs on a real database (the
reports' test database plus the writes below), and its output is walked
against the page: an object must have the keys of one named shape, no more and
no fewer. Every shape must be met at least once, so the page cannot describe
an object no command prints; and every command that accepts ``--format json``
must be on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import ARTICLE, REPO
from tests.golden.update import UN, template

PAGE = REPO / "docs" / "json.md"
LINK = re.compile(r"\[([^\]]+)\]\(#([a-z0-9-]+)\)")
SCALARS = {"integer": int, "string": str, "boolean": bool, "number": (int, float)}


@dataclass
class Shape:
    name: str
    keys: dict[str, str] = field(default_factory=dict)  # key -> type text
    includes: list[str] = field(default_factory=list)  # anchors of shapes whose keys come first


def slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).strip().replace(" ", "-")


def parse_page(text: str) -> tuple[dict[str, str], dict[str, Shape]]:
    """(command -> what it prints, anchor -> shape) from docs/json.md."""
    commands: dict[str, str] = {}
    shapes: dict[str, Shape] = {}
    section, shape = "", None
    for line in text.splitlines():
        if line.startswith("## "):
            section, shape = line[3:].strip(), None
        elif line.startswith("### ") and section == "Shapes":
            shape = Shape(line[4:].strip())
            shapes[slug(shape.name)] = shape
        elif shape is not None and line.startswith("Includes every key of"):
            shape.includes += [anchor for _, anchor in LINK.findall(line)]
        elif line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            name = cells[0].strip("`")
            if section == "Commands":
                commands[name] = cells[1]
            elif shape is not None:
                assert name not in shape.keys, f"{shape.name}: {name} listed twice"
                shape.keys[name] = cells[1]
    return commands, shapes


COMMANDS, SHAPES = parse_page(PAGE.read_text(encoding="utf-8"))


def keys_of(anchor: str) -> dict[str, str]:
    shape = SHAPES[anchor]
    keys: dict[str, str] = {}
    for included in shape.includes:
        keys.update(keys_of(included))
    keys.update(shape.keys)
    return keys


class Checker:
    """Walks a JSON value against a type text of the page, recording the shapes it met."""

    def __init__(self) -> None:
        self.met: set[str] = set()

    def value(self, value: Any, kind: str, where: str) -> None:
        anchors = [anchor for _, anchor in LINK.findall(kind)]
        for anchor in anchors:
            assert anchor in SHAPES, f"{where}: the page links to #{anchor}, which is not a shape"
        if value is None:
            assert "null" in kind, f"{where} is null, which its type ({kind}) does not allow"
        elif isinstance(value, dict):
            if anchors:
                self.object(value, anchors, where)
            else:
                assert "object" in kind, f"{where} is an object, its type is {kind}"
        elif isinstance(value, list):
            assert "array" in kind or "lines of" in kind, f"{where} is an array, its type is {kind}"
            for number, item in enumerate(value):
                if isinstance(item, dict) and "array of rows" not in kind:  # rows: a table's columns (export)
                    assert anchors, f"{where}[{number}] is an object, its type is {kind}"
                    self.object(item, anchors, f"{where}[{number}]")
        else:
            allowed = [t for word, t in SCALARS.items() if word in kind]
            assert allowed, f"{where} = {value!r}, its type is {kind}"
            assert any(isinstance(value, t) for t in allowed), f"{where} = {value!r} is not {kind}"
            assert not isinstance(value, bool) or "boolean" in kind, f"{where} = {value!r} is not {kind}"

    def object(self, value: dict, anchors: list[str], where: str) -> None:
        """``value`` must have exactly the keys of one of the shapes ``anchors``."""
        for anchor in anchors:
            keys = keys_of(anchor)
            if set(value) == set(keys):
                self.met.add(anchor)
                for key, item in value.items():
                    self.value(item, keys[key], f"{where}.{key}")
                return
        documented = {anchor: sorted(keys_of(anchor)) for anchor in anchors}
        pytest.fail(f"{where} has keys {sorted(value)}; docs/json.md lists {documented}")


def test_the_page_is_well_formed():
    assert len(COMMANDS) >= 20 and len(SHAPES) >= 20
    for anchor, shape in SHAPES.items():
        assert shape.keys, f"shape {shape.name} lists no keys"
        for kind in keys_of(anchor).values():
            assert all(target in SHAPES for _, target in LINK.findall(kind)), kind
    for command, prints in COMMANDS.items():
        assert command.startswith("verify ") and command.endswith("--format json"), command
        assert all(target in SHAPES for _, target in LINK.findall(prints)), prints


def json_commands() -> set[str]:
    """'verify claim show', ... : every command whose --format offers json."""
    import typer.main

    from verify.cli.app import app

    found: set[str] = set()

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            return
        for param in command.params:
            if "--format" in getattr(param, "opts", []) and "json" in getattr(param.type, "choices", []):
                found.add(" ".join(["verify", *path]))

    walk(typer.main.get_command(app), [])
    return found


def command_name(documented: str) -> str:
    """'verify claim show ID --format json' -> 'verify claim show' (the words before the first argument)."""
    words = []
    for word in documented.split():
        if word.isupper() or word.startswith("-"):
            break
        words.append(word)
    return " ".join(words)


def test_every_command_with_json_output_is_on_the_page():
    assert {command_name(c) for c in COMMANDS} == json_commands()


GUIDE = "Extra fictional note\n\n1. A fictional paragraph that only this test cites, about patience.\n"


@pytest.fixture
def desk(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def test_each_command_prints_the_keys_the_page_lists(desk, run, tmp_path, monkeypatch):
    ids = {f"{p}.{s}": cid for cid, p, s in desk.query("SELECT id, paragraph, sentence FROM claim")}
    extra = tmp_path / "extra.txt"
    extra.write_text(GUIDE, encoding="utf-8")
    linked: dict[str, Any] = {}
    # Run in this order: the writes leave evidence to retract and a verdict to sign off.
    runs: dict[str, tuple[list[str], str | None]] = {
        "verify status --format json": (["status"], None),
        "verify article add PATH --format json": (["article", "add", str(ARTICLE)], None),
        "verify article list --format json": (["article", "list"], None),
        "verify claim list --format json": (["claim", "list"], None),
        "verify claim show ID --format json": (["claim", "show", str(ids["9.1"])], None),
        "verify claim mark ID STATUS --format json": (["claim", "mark", str(ids["1.1"]), "in_progress"], None),
        "verify claim note ID TEXT --format json": (["claim", "note", str(ids["1.1"]), "Look for the UN figure"], None),
        "verify claim assign ID NAME --format json": (["claim", "assign", str(ids["1.1"]), "bob"], None),
        "verify claim kind ID KIND --format json": (["claim", "kind", str(ids["1.1"]), "opinion"], None),
        "verify claim signoff ID --format json": (["claim", "signoff", str(ids["7.1"])], "editor"),
        "verify claim check-quotes --format json": (["claim", "check-quotes"], None),
        "verify source add PATH --format json": (["source", "add", str(extra), "--key", "extra"], None),
        "verify source edit KEY --format json": (["source", "edit", "extra", "--title", "Extra note"], None),
        "verify source list --format json": (["source", "list"], None),
        "verify source show KEY --format json": (["source", "show", UN], None),
        "verify source show KEY --passages --format json": (["source", "show", UN, "--passages"], None),
        "verify source check --format json": (["source", "check"], None),
        "verify evidence link ID --format json": (
            [
                "evidence",
                "link",
                str(ids["9.2"]),
                "--source",
                UN,
                "--stance",
                "context",
                "--quote",
                "assessed to have approximately 500 fighters in Afghanistan",
                "--accept-difference",
                "testing the flag's shape",
            ],
            None,
        ),
        "verify evidence list ID --format json": (["evidence", "list", str(ids["9.1"])], None),
        "verify evidence retract ID --format json": (["evidence", "retract", "{linked}", "--reason", "a test"], None),
        "verify evidence suggest ID --format json": (["evidence", "suggest", str(ids["9.2"]), "--all"], None),
        "verify evidence suggest --article ID --format json": (
            ["evidence", "suggest", "--article", "1", "--status", "verified", "--status", "disputed"],
            None,
        ),
        "verify search WORDS --format json": (["search", "fighters"], None),
        "verify report unsupported --format json": (["report", "unsupported"], None),
        "verify model show --format json": (["model", "show"], None),
        "verify model embed --format json": (["model", "embed"], None),
        "verify export --format json": (["export"], None),
    }
    assert set(runs) == set(COMMANDS), "the test runs every command on the page, and only those"
    checker = Checker()
    for documented, (args, user) in runs.items():
        args = [str(linked.get("id")) if a == "{linked}" else a for a in args]
        if documented.startswith("verify model embed"):  # the packaged small model of the semantic tests
            from tests.packaged_model import SKIP_REASON, packaged_model_dir

            model = packaged_model_dir(tmp_path / "model")
            assert model is not None, SKIP_REASON
            monkeypatch.setenv("VERIFY_MODEL", str(model))
        result = run(*args, "--format", "json", user=user)
        monkeypatch.delenv("VERIFY_MODEL", raising=False)
        findings = documented.startswith("verify claim check-quotes")  # a quotation of the article is not found
        assert result.exit_code == (1 if findings else 0), (documented, result.stderr)
        prints = COMMANDS[documented]
        if prints.startswith("lines of"):
            lines = result.stdout.splitlines()
            assert lines, documented
            for number, line in enumerate(lines):
                checker.value(json.loads(line), prints, f"{documented} line {number + 1}")
        else:
            output = json.loads(result.stdout)
            checker.value(output, prints, documented)
            if documented.startswith("verify evidence link"):
                linked = output
    assert linked["flags"] and linked["flags"][0]["kind"] == "quote_difference"
    assert checker.met == set(SHAPES), f"shapes no command printed: {sorted(set(SHAPES) - checker.met)}"


def test_a_key_the_page_does_not_list_is_caught():
    """The checker itself: an extra key, a missing key and a wrong type each fail."""
    checker = Checker()
    note = {"id": 1, "by": "amina", "at": "2026-11-26T12:00:00.000000Z", "text": "t", "public": False}
    checker.value(note, "[note](#note)", "note")
    for broken in ({**note, "author": "amina"}, {k: v for k, v in note.items() if k != "by"}, {**note, "id": "1"}):
        with pytest.raises((AssertionError, pytest.fail.Exception)):
            checker.value(broken, "[note](#note)", "note")
