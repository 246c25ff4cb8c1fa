"""The packages of verify import in one direction only (docs/architecture.md).

Every import counts, also those inside functions (kept there for start-up
speed): an import that points upwards is a cycle waiting to happen, and the
layering is what lets a newcomer find where a rule lives.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "verify"

# Lowest first. A package may import its own modules and those of any lower layer.
LAYERS: list[set[str]] = [
    {"errors", "clock", "data", "text", "__version__"},  # __version__ lives in verify/__init__.py
    {"config"},  # verify.toml: raises VerifyError, read by cli (and by any layer that needs a setting)
    {"db"},
    {"claims"},
    {"ingest"},
    {"match"},
    {"workflow"},
    {"reports"},
    {"exports"},
    {"review"},
    {"cli"},
    {"__main__"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def _unit(path: Path) -> str:
    """The top-level package (or module) of verify that ``path`` belongs to."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "verify":
            names = [f"verify.{alias.name}" for alias in node.names]  # from verify import clock
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name == "verify" or name.startswith("verify.")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_package_has_a_layer() -> None:
    units = {_unit(p) for p in MODULES} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")
    }
    assert units <= set(LEVEL), f"place these in LEVEL and docs/architecture.md: {sorted(units - set(LEVEL))}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(module: Path) -> None:
    unit = _unit(module)
    upward = []
    for line, name in _imports(module):
        parts = name.split(".")
        if len(parts) < 2:
            upward.append(f"line {line}: import of the whole verify package")
            continue
        target = parts[1]
        if target != unit and LEVEL.get(target, 99) >= LEVEL[unit]:
            upward.append(f"line {line}: {name} ({target} is not below {unit})")
    assert not upward, "; ".join(upward)


def test_migrations_import_no_application_code() -> None:
    """A migration is frozen history: application code it imported would change under it."""
    for migration in sorted((PACKAGE / "db" / "migrations" / "versions").glob("*.py")):
        assert not _imports(migration), f"{migration.name} imports {_imports(migration)}"
