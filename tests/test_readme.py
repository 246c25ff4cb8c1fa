"""The README and docs/ document what the tool does, and stay short enough to read."""

import re

import pytest

from tests.readme_reference import CLI_REFERENCE, README, REPO, command_names, render

DOCS = REPO / "docs"


def _narrative() -> str:
    pages = [README, *sorted(p for p in DOCS.glob("*.md") if p != CLI_REFERENCE)]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


def test_command_reference_matches_the_commands() -> None:
    current = CLI_REFERENCE.read_text(encoding="utf-8")
    assert render(current) == current, "docs/cli.md is stale: run python tests/readme_reference.py --write"


def test_command_reference_is_plain_markdown() -> None:
    assert not re.search("[╭╮╰╯│─┏┓┗┛┃━]", CLI_REFERENCE.read_text(encoding="utf-8"))


def test_readme_is_short_and_has_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) <= 15_000, f"README.md has {len(text)} characters; move detail to docs/"
    assert "python3 -m venv .venv" in text
    assert "pip install -e . && verify status" in text
    assert "pip install -e '.[test]' && pytest" in text


@pytest.mark.parametrize("command", [c for c in command_names() if c != "verify"])
def test_every_command_is_explained_in_a_narrative_page(command: str) -> None:
    words = command.split()[1:]
    pattern = r"\b" + r"\s+".join(map(re.escape, words)) + r"\b"
    assert re.search(pattern, _narrative()), (
        f"{command} appears only in docs/cli.md: explain it in README or a docs page"
    )


def test_links_between_pages_resolve() -> None:
    for page in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
