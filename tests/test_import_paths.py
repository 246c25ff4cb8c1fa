"""Source paths in an import file stay inside sources/ (issue 14, item 7).

Before: ``sources[].path`` of ``/etc`` or ``../..`` was imported as is and
``verify source check`` then read there. Now an absolute path, a ``..``
component or a symlink leading out of sources/ refuses the whole import
(exit 2, one line, nothing written), and ``source check`` never follows such
a path even when a database already holds one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


@pytest.fixture
def export(run, workspace, tmp_path: Path) -> dict:
    """The export of a database holding one archived text source."""
    assert run("init").exit_code == 0
    doc = tmp_path / "note.txt"
    doc.write_text("The council met 14 times in 2023.\n\nIt adopted 12 resolutions.\n", encoding="utf-8")
    assert run("source", "add", str(doc), "--key", "note").exit_code == 0
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["path"] for s in data["sources"]] == ["note"]
    return data


def import_into_new(run, tmp_path: Path, data: dict, name: str = "new.db"):
    """``verify --db NEW init`` then ``verify --db NEW import FILE``; returns the import's result."""
    target = tmp_path / name
    assert run("--db", str(target), "init").exit_code == 0
    dump = tmp_path / f"{name}.json"
    dump.write_text(json.dumps(data), encoding="utf-8")
    return target, run("--db", str(target), "import", str(dump))


def count_sources(run, target: Path) -> int:
    listed = run("--db", str(target), "source", "list", "--format", "json")
    assert listed.exit_code == 0
    return len(json.loads(listed.stdout))


@pytest.mark.parametrize(
    ("path", "why"),
    [("/etc", "absolute path"), ("../..", "contains '..'"), ("note/../../outside", "contains '..'")],
)
def test_import_refuses_a_source_path_outside_sources(run, tmp_path: Path, export: dict, path: str, why: str) -> None:
    export["sources"][0]["path"] = path
    target, result = import_into_new(run, tmp_path, export)
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert repr(path) in message and why in message and "nothing was imported" in message
    assert count_sources(run, target) == 0
    claims = run("--db", str(target), "claim", "list", "--format", "json")
    assert json.loads(claims.stdout) == []


def test_import_refuses_a_symlink_that_leads_out_of_sources(run, workspace, tmp_path: Path, export: dict) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, workspace.sources / "escape")
    export["sources"][0]["path"] = "escape"
    target, result = import_into_new(run, tmp_path, export)
    assert result.exit_code == 2
    assert "'escape'" in result.stderr and "outside" in result.stderr and "symlink" in result.stderr
    assert count_sources(run, target) == 0


def test_a_path_inside_sources_still_imports_and_checks(run, tmp_path: Path, export: dict) -> None:
    target, result = import_into_new(run, tmp_path, export)
    assert result.exit_code == 0, result.stderr
    assert count_sources(run, target) == 1
    assert run("--db", str(target), "source", "check").exit_code == 0


def test_source_check_never_reads_outside_sources(run, workspace, tmp_path: Path, export: dict) -> None:
    """A database edited by hand (not through import) is not followed out of sources/ either."""
    outside = tmp_path / "etc-copy"
    outside.mkdir()
    for name in ("original.txt", "text.txt", "source.json"):
        (outside / name).write_bytes((workspace.sources / "note" / name).read_bytes())
    workspace.execute("UPDATE source SET path = ?", str(outside))
    result = run("source", "check", "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["state"] == "missing" and "absolute path" in finding["detail"] and "not read" in finding["detail"]
