"""Generate the command reference (``docs/cli.md``) from the commands themselves.

    python tests/readme_reference.py          # print it
    python tests/readme_reference.py --write  # rewrite the block in docs/cli.md

The reference is plain Markdown (a table of arguments and options per
command), so it reads well on any forge and diffs cleanly when an option
changes. ``tests/test_readme.py`` fails when the reference and the commands
disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
CLI_REFERENCE = REPO / "docs" / "cli.md"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def _walk() -> list[tuple[list[str], object]]:
    import typer.main

    from verify.cli.app import app

    found: list[tuple[list[str], object]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append((path, command))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not getattr(sub, "hidden", False):
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def command_names() -> list[str]:
    """Every command as typed, e.g. ``verify evidence link``."""
    return [" ".join(["verify", *path]) for path, _ in _walk()]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _param_row(param: object) -> str | None:
    from typer.core import TyperArgument, TyperOption

    assert isinstance(param, TyperArgument | TyperOption)
    if getattr(param, "hidden", False):
        return None
    if isinstance(param, TyperArgument):
        name = f"`{(param.metavar or param.name or '').upper()}`"
        kind = "argument"
    else:
        assert isinstance(param, TyperOption)
        names = [*param.opts, *param.secondary_opts]
        name = ", ".join(f"`{n}`" for n in names)
        kind = "flag" if param.is_flag else "option"
    if getattr(param.type, "choices", None):
        kind += ": " + " \\| ".join(f"`{c}`" for c in param.type.choices)  # type: ignore[attr-defined]
    elif not (isinstance(param, TyperOption) and param.is_flag):
        kind += f" ({param.type.name.lower()})"
    help_text = getattr(param, "help", None) or ""
    extras = []
    if param.required:
        extras.append("required")
    default = param.default
    if not param.required and default not in (None, False, (), []) and not callable(default):
        extras.append(f"default: `{default}`")
    envvar = getattr(param, "envvar", None)
    if envvar:
        extras.append(f"env: `{envvar}`")
    detail = _cell(help_text) + (f" ({'; '.join(extras)})" if extras else "")
    return f"| {name} | {kind} | {detail} |"


def reference() -> str:
    parts = []
    for path, command in _walk():
        title = " ".join(["verify", *path])
        help_text = (getattr(command, "help", None) or "").strip()
        help_text = re.sub(r"\n\s*\n", "\n\n", help_text)
        rows = [row for row in (_param_row(p) for p in getattr(command, "params", [])) if row and "--help" not in row]
        subcommands = sorted(getattr(command, "commands", {}).items())
        block = [f"## `{title}`", ""]
        if help_text:
            block += [help_text, ""]
        if rows:
            block += ["| name | kind | meaning |", "|---|---|---|", *rows, ""]
        if subcommands:
            block += ["| command | what it does |", "|---|---|"]
            for name, sub in subcommands:
                if getattr(sub, "hidden", False):
                    continue
                short = sub.get_short_help_str(limit=200) if hasattr(sub, "get_short_help_str") else ""
                block.append(f"| `{title} {name}` | {_cell(short)} |")
            block.append("")
        parts.append("\n".join(block))
    return "\n".join(parts)


def render(page: str) -> str:
    block = f"{START}\n{reference()}{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, page, flags=re.S)


if __name__ == "__main__":
    updated = render(CLI_REFERENCE.read_text(encoding="utf-8"))
    if "--write" in sys.argv:
        CLI_REFERENCE.write_text(updated, encoding="utf-8")
    else:
        sys.stdout.write(reference())
