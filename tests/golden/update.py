"""Build the reports' test database and (re)write the golden files next to this script.

    python tests/golden/update.py          # rewrite tests/golden/*.md|*.html after a deliberate change
    python tests/golden/update.py --check  # exit 1 if a golden file differs (what the tests assert)

The database is built through the CLI with the clock pinned (``VERIFY_NOW``):
the shipped article, the fictional test report ``S/TEST/2023/14`` (see
``tests/data/library/README.md``) and a small fictional source with a hostile
title and a ``javascript:`` URL; evidence of every stance, every verdict, a
sign-off, notes containing ``<script>`` and an attribute-breaking quote.
Review the diff of the golden files like any other change.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
REPORT = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
NOW = "2026-11-26T12:00:00.000000Z"
UN = "S/TEST/2023/14"
GUIDE_TEXT = (
    "Fictional guidance note for tests\n\n"
    "1. This fictional paragraph, written for the test suite, speaks of patience and of local allies.\n\n"
    "2. A second fictional paragraph with nothing to cite.\n"
)
SCRIPT_NOTE = 'Total is about 1,600, not 2,000 <script>alert("x")</script>'
QUOTE_NOTE = 'Searched paras 1-58" onmouseover="alert(1)'
PUBLIC_PARTLY = "The UN report names Kabul, Kunar and Nangarhar, but not Kandahar or Helmand."
PUBLIC_DISPUTED = "The report counts about 1,600 <em>including</em> family members & sympathizers, not 2,000 fighters."
HOSTILE_TITLE = 'Fictional "test" guide <b>bold</b> & more'
HOSTILE_URL = "javascript:alert(1)"

# (actor, arguments); "{p.s}" stands for the id of the claim at paragraph p, sentence s.
STEPS: list[tuple[str, list[str]]] = [
    (
        "amina",
        [
            "evidence",
            "link",
            "{2.1}",
            "--source",
            UN,
            "--stance",
            "supports",
            "--quote",
            "the Taliban and Al-Qaida remain closely tied",
        ],
    ),
    ("amina", ["claim", "mark", "{2.1}", "verified"]),
    ("editor", ["claim", "signoff", "{2.1}", "--note", "Checked against para. 1"]),
    (
        "amina",
        [
            "evidence",
            "link",
            "{7.1}",
            "--source",
            UN,
            "--stance",
            "supports",
            "--quote",
            "In a guidance document issued in September 2013",
        ],
    ),
    (
        "amina",
        [
            "evidence",
            "link",
            "{7.1}",
            "--source",
            "test-guide",
            "--stance",
            "context",
            "--quote",
            "speaks of patience and of local allies",
        ],
    ),
    ("bob", ["claim", "mark", "{7.1}", "verified"]),
    (
        "amina",
        [
            "evidence",
            "link",
            "{9.1}",
            "--source",
            UN,
            "--stance",
            "supports",
            "--quote",
            "concentrated mainly in the provinces of Kabul, Kunar and Nangarhar",
        ],
    ),
    ("amina", ["claim", "note", "{9.1}", PUBLIC_PARTLY, "--public"]),
    (
        "amina",
        [
            "claim",
            "mark",
            "{9.1}",
            "partly_verified",
            "--note",
            "The report names Kabul, Kunar and Nangarhar; not Kandahar or Helmand",
            "--accept-flags",
            "The missing provinces are why it is only partly verified",
        ],
    ),
    (
        "amina",
        [
            "evidence",
            "link",
            "{9.2}",
            "--source",
            UN,
            "--stance",
            "contradicts",
            "--quote",
            "a wider total of about 1,600 once family members and sympathizers are counted",
        ],
    ),
    ("bob", ["claim", "note", "{9.2}", PUBLIC_DISPUTED, "--public"]),
    ("bob", ["claim", "mark", "{9.2}", "disputed", "--note", SCRIPT_NOTE]),
    ("amina", ["claim", "assign", "{9.2}", "bob"]),
    (
        "amina",
        [
            "evidence",
            "link",
            "{18.2}",
            "--source",
            UN,
            "--stance",
            "supports",
            "--quote",
            "Al-Zawahiri was killed on 30 July 2022 by a United States drone strike",
        ],
    ),
    ("amina", ["claim", "mark", "{18.2}", "verified", "--accept-flags", "30 July in New York is 31 July in Kabul"]),
    ("amina", ["claim", "mark", "{3.3}", "unsupported", "--note", QUOTE_NOTE]),
    ("editor", ["claim", "signoff", "{3.3}"]),
]
GOLDEN = {
    "appendix.md": ("report", "appendix", "--format", "md"),
    "appendix-by-paragraph.md": ("report", "appendix", "--format", "md", "--by", "paragraph"),
    "appendix.html": ("report", "appendix", "--format", "html"),
    "annotated.html": ("report", "annotated", "--output", "{out}"),
    "appendix-public.md": ("report", "appendix", "--public"),
    "appendix-public-fragment.html": ("report", "appendix", "--public", "--fragment"),
}


def invoke(db: Path | str, sources: Path, args: list[str], actor: str = "amina") -> str:
    """Run one verify command in-process with the clock pinned; fail loudly if it fails."""
    from typer.testing import CliRunner

    from verify.cli.app import app

    env = {"VERIFY_NOW": NOW, "VERIFY_USER": actor, "NO_COLOR": "1", "COLUMNS": "100"}
    result = CliRunner().invoke(
        app, ["--db", str(db), "--sources", str(sources), *args], env=env, catch_exceptions=False
    )
    if result.exit_code != 0:
        raise RuntimeError(f"verify {' '.join(args)} failed ({result.exit_code}): {result.stderr}")
    return result.stdout


def claim_ids(db: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {f"{p}.{s}": cid for cid, p, s in conn.execute("SELECT id, paragraph, sentence FROM claim")}
    finally:
        conn.close()


def set_source_url(db: Path, key: str, url: str) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE source SET url = ? WHERE key = ?", (url, key))
        conn.commit()
    finally:
        conn.close()


def build(root: Path) -> tuple[Path, Path]:
    """Create the reports' test database under ``root``; returns (database, sources folder)."""
    db, sources = root / "claims.db", root / "sources"
    guide = root / "guide.txt"
    guide.write_text(GUIDE_TEXT, encoding="utf-8")
    invoke(db, sources, ["init"])
    invoke(
        db,
        sources,
        [
            "article",
            "add",
            str(ARTICLE),
            "--url",
            "https://example.org/taliban-al-qaeda",
            "--published",
            "2024-01-15",
            "--author",
            "A. Writer",
        ],
    )
    invoke(
        db,
        sources,
        [
            "source",
            "add",
            str(REPORT),
            "--key",
            UN,
            "--publisher",
            "United Nations Security Council",
            "--date",
            "2023-06-01",
            "--url",
            "https://example.org/S-TEST-2023-14.txt",
        ],
    )
    invoke(
        db,
        sources,
        [
            "source",
            "add",
            str(guide),
            "--key",
            "test-guide",
            "--title",
            HOSTILE_TITLE,
            "--publisher",
            "Test & Co",
            "--date",
            "2013-09",
            "--url",
            "https://example.org/guide",
        ],
    )
    # verify refuses a javascript: URL on input; one can still arrive in an old or imported
    # database, and the reports must render it inert, so it is planted directly.
    set_source_url(db, "test-guide", HOSTILE_URL)
    ids = claim_ids(db)
    for actor, args in STEPS:
        invoke(db, sources, [str(ids[a[1:-1]]) if a.startswith("{") else a for a in args], actor)
    return db, sources


def render_all(db: Path | str, sources: Path, scratch: Path) -> dict[str, str]:
    """Every golden output, by file name, rendered from the database."""
    outputs = {}
    for name, args in GOLDEN.items():
        target = scratch / name
        text = invoke(db, sources, [a.replace("{out}", str(target)) for a in args])
        outputs[name] = target.read_text(encoding="utf-8") if "{out}" in args else text
    return outputs


_TEMPLATE: dict[str, Path] = {}


def template(factory: object) -> Path:
    """The reports' test database built once per test session (``factory`` is pytest's tmp_path_factory)."""
    if "root" not in _TEMPLATE:
        root = factory.mktemp("reports-template")  # type: ignore[attr-defined]
        build(root)
        _TEMPLATE["root"] = root
    return _TEMPLATE["root"]


def clone(template_root: Path, db: Path, sources: Path) -> None:
    """Copy the template database and its sources folder into a test's workspace."""
    import shutil
    import sqlite3

    source, target = sqlite3.connect(template_root / "claims.db"), sqlite3.connect(db)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    shutil.copytree(template_root / "sources", sources)


def main(argv: list[str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        db, sources = build(root)
        outputs = render_all(db, sources, root)
    stale = [
        name
        for name, text in outputs.items()
        if not (HERE / name).exists() or (HERE / name).read_text(encoding="utf-8") != text
    ]
    if "--check" in argv:
        for name in stale:
            print(f"{name} differs from the current output")
        return 1 if stale else 0
    for name, text in outputs.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(outputs)} golden files to {HERE} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
