"""The README documents what the tool does: its command reference is current."""

from tests.readme_reference import README, render


def test_command_reference_matches_help() -> None:
    current = README.read_text(encoding="utf-8")
    assert render(current) == current, "README command reference is stale: run python tests/readme_reference.py --write"


def test_quick_start_has_install_and_test_lines() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install -e . && verify status" in text
    assert "pip install -e '.[test]' && pytest" in text
