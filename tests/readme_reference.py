"""Generate the README's command reference from ``--help``.

    python tests/readme_reference.py          # print it
    python tests/readme_reference.py --write  # rewrite the block in README.md

``tests/test_readme.py`` fails when the README and the commands disagree.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def _commands() -> list[list[str]]:
    import typer.main

    from verify.cli.app import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def reference() -> str:
    os.environ.update({"COLUMNS": "90", "NO_COLOR": "1", "TERM": "dumb"})
    os.environ.pop("FORCE_COLOR", None)
    from typer.testing import CliRunner

    from verify.cli.app import app

    runner = CliRunner()
    parts = []
    for path in _commands():
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "90", "NO_COLOR": "1", "TERM": "dumb"}, prog_name="verify")
        text = "\n".join(line.rstrip() for line in result.output.strip().splitlines())
        title = " ".join(["verify", *path])
        parts.append(f"### `{title}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


def render(readme: str) -> str:
    block = f"{START}\n{reference()}{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


if __name__ == "__main__":
    updated = render(README.read_text(encoding="utf-8"))
    if "--write" in sys.argv:
        README.write_text(updated, encoding="utf-8")
    else:
        sys.stdout.write(reference())
