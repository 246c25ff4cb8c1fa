"""Every command has help text; ``--help`` and ``--version`` work without a database."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from verify import __version__
from verify.cli.app import app


def walk(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))
PATHS = [" ".join(path) or "verify" for path, _ in COMMANDS]


def test_the_tree_has_the_documented_commands():
    for expected in (
        "init",
        "status",
        "article add",
        "article list",
        "claim list",
        "claim show",
        "claim mark",
        "claim note",
        "claim assign",
        "claim kind",
        "db status",
        "db upgrade",
    ):
        assert expected in PATHS


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=PATHS)
def test_every_command_has_help_text(path, command):
    text = (command.help or command.short_help or "").strip()
    assert text, f"'{' '.join(path)}' has no help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and not param.hidden:
            assert (param.help or "").strip(), f"option {param.opts} of '{' '.join(path)}' has no help text"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=PATHS)
def test_help_runs_for_every_command(run, path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    assert result.stderr == ""


def test_verify_help_lists_the_commands_and_needs_no_database(run, workspace):
    result = run("--help")
    assert result.exit_code == 0
    for name in ("article", "claim", "status", "init", "db"):
        assert name in result.stdout
    if workspace.is_sqlite:
        assert not workspace.db.exists()
    else:
        assert workspace.dump() == "", "no tables were created"


def test_no_arguments_shows_help(run):
    result = run()
    assert "Usage:" in result.stdout + result.stderr


def test_python_m_verify_version(workspace):
    done = subprocess.run([sys.executable, "-m", "verify", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"verify {__version__}\n"
    assert done.stderr == ""


def test_real_process_help(run_process):
    result = run_process("--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout and result.stderr == ""
