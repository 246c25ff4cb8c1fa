"""Crash safety: SIGKILL at random moments leaves everything fully before or fully after.

Three operations run as real ``python -m verify`` processes: ``article add``
of a large generated article, ``source add`` of a generated 100-page PDF and
``import`` of an export with a few thousand rows. Each is first run once
uninterrupted (its wall time T and its after-state), then killed with SIGKILL
at a uniformly random moment in [0, T], again and again from the same
before-state. After each kill:

- the database dump equals the before- or the after-dump, and the visible
  (non-hidden) entries of ``sources/`` equal the before- or the after-state;
- after ``verify source check`` (which runs recovery), no hidden staging
  entry (``.tmp-*``, ``.pending-*``) remains, the check passes, and database
  and ``sources/`` agree: both before or both after.

``benchmarks/bench_crash.py`` runs the same harness with more kills and a
larger article. Set ``VERIFY_CRASH_KILLS`` / ``VERIFY_CRASH_SEED`` to vary a
CI run.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from verify.ingest.storage import PENDING_PREFIX, TEMP_PREFIX

REPO = Path(__file__).resolve().parent.parent
NOW = "2024-05-01T12:00:00.000000Z"
CI_KILLS = int(os.environ.get("VERIFY_CRASH_KILLS", "20"))
CI_ARTICLE_BYTES = 60_000  # import speed (~20 s/MB on a loaded 2-core box) bounds the CI size
_WORDS = (
    "the council reported that fighters moved across the border while officials said about percent "
    "of funds were diverted to groups in the province according to analysts and the monitoring team"
).split()


# --- the harness (shared with benchmarks/bench_crash.py) ------------------------------------


def verify_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFY_")}
    env.update(VERIFY_DB=str(folder / "claims.db"), VERIFY_SOURCES=str(folder / "sources"), VERIFY_USER="crash", VERIFY_NOW=NOW, NO_COLOR="1")
    return env


def verify(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "verify", *args], env=verify_env(folder), cwd=folder,
                          capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"verify {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done


def db_state(folder: Path) -> str:
    """A fingerprint of every row (SQL dump) of the folder's database."""
    path = folder / "claims.db"
    if not path.exists():
        return "no database"
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return digest.hexdigest()
    finally:
        conn.close()


def visible_state(folder: Path) -> str:
    """A fingerprint of the non-hidden entries of sources/ (names and file contents)."""
    sources = folder / "sources"
    digest = hashlib.sha256()
    if sources.is_dir():
        for path in sorted(sources.rglob("*")):
            relative = path.relative_to(sources)
            if relative.parts[0].startswith("."):
                continue
            digest.update(f"{relative}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"dir")
    return digest.hexdigest()


def hidden_entries(folder: Path) -> list[str]:
    sources = folder / "sources"
    return sorted(n for n in os.listdir(sources) if n.startswith((TEMP_PREFIX, PENDING_PREFIX))) if sources.is_dir() else []


@dataclass
class Operation:
    """One verify command, the folder it starts from, and what it leaves when it completes."""

    name: str
    args: tuple[str, ...]
    before: Path  # holds claims.db and sources/
    duration: float = 0.0
    states: dict[str, tuple[str, str]] = field(default_factory=dict)  # "before"/"after" -> (db, visible)

    def prepare(self, scratch: Path) -> None:
        """Record the before-state, then run once uninterrupted for T and the after-state."""
        self.states["before"] = (db_state(self.before), visible_state(self.before))
        folder = scratch / f"{self.name}-uninterrupted"
        shutil.copytree(self.before, folder)
        started = time.perf_counter()
        verify(folder, *self.args)
        self.duration = time.perf_counter() - started
        self.states["after"] = (db_state(folder), visible_state(folder))
        assert self.states["after"][0] != self.states["before"][0], f"{self.name} changed nothing"


def source_check(folder: Path) -> list[str]:
    """What ``verify source check`` does (recovery, then re-hashing), in-process to save a start-up."""
    from verify.db.engine import open_database
    from verify.ingest.archive_check import check_sources

    db = open_database(str(folder / "claims.db"))
    try:
        return [f"{f.key}: {f.state} {f.detail}" for f in check_sources(db, folder / "sources") if f.is_problem]
    finally:
        db.dispose()


@dataclass
class Kill:
    delay: float
    landed: str  # before | after | finished (the process exited before the signal)
    window: bool  # the database had committed but sources/ was not yet in place before recovery
    consistent: bool
    detail: str = ""


def kill_once(op: Operation, scratch: Path, delay: float, index: int) -> Kill:
    folder = scratch / f"{op.name}-kill-{index}"
    shutil.copytree(op.before, folder)
    process = subprocess.Popen([sys.executable, "-m", "verify", *op.args], env=verify_env(folder), cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finished = False
    try:
        process.wait(timeout=delay)
        finished = True
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    if finished and process.returncode != 0:
        return Kill(delay, "finished", False, False, f"exited {process.returncode}: {stderr.decode(errors='replace')[-300:]}")
    names = {state: name for name, state in op.states.items()}
    db_now, visible_now = db_state(folder), visible_state(folder)
    problems = []
    if db_now not in {s[0] for s in names}:
        problems.append("database is neither before nor after")
    if visible_now not in {s[1] for s in names}:
        problems.append("sources/ is neither before nor after")
    findings = source_check(folder)  # runs recovery first
    recovered = (db_state(folder), visible_state(folder))
    landed = names.get(recovered, "mixed")
    if findings:
        problems.append(f"'source check' found: {findings}")
    if landed == "mixed":
        problems.append("after recovery database and sources/ disagree")
    elif recovered[0] != db_now:
        problems.append("recovery changed the database")
    leftovers = hidden_entries(folder)
    if leftovers:
        problems.append(f"hidden entries remain after recovery: {leftovers}")
    window = (db_now, visible_now) not in names
    if not problems:
        shutil.rmtree(folder, ignore_errors=True)
    return Kill(delay, "finished" if finished else landed, window, not problems, "; ".join(problems) + (f" (kept {folder})" if problems else ""))


def kill_repeatedly(op: Operation, scratch: Path, kills: int, rng: random.Random,
                    report: Callable[[Kill], None] | None = None) -> list[Kill]:
    results = []
    for index in range(kills):
        result = kill_once(op, scratch, rng.uniform(0, op.duration), index)
        results.append(result)
        if report:
            report(result)
    return results


def summary(op: Operation, results: list[Kill]) -> dict[str, object]:
    return {
        "operation": op.name, "duration_s": round(op.duration, 2), "kills": len(results),
        "consistent": sum(r.consistent for r in results),
        "before": sum(r.landed == "before" for r in results), "after": sum(r.landed == "after" for r in results),
        "finished": sum(r.landed == "finished" for r in results),
        "commit_rename_window": sum(r.window for r in results),
        "problems": [f"t={r.delay:.2f}s: {r.detail}" for r in results if not r.consistent],
    }


def write_article(path: Path, size: int, seed: int = 2023) -> int:
    """A generated article of about ``size`` bytes: paragraphs of five numbered sentences."""
    rng = random.Random(seed)
    paragraphs, total, number = [], 0, 0
    while total < size:
        sentences = []
        for _ in range(5):
            number += 1
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
            sentences.append(" ".join(words).capitalize() + f" in {1990 + number % 35}, said report {number}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 2
    path.write_text("A generated article for crash tests\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return number


def build_operations(root: Path, article_bytes: int) -> list[Operation]:
    """The three operations and their before-folders under ``root``."""
    from tests.unpdf import make_report

    inputs = root / "inputs"
    inputs.mkdir(parents=True)
    article = inputs / "large-article.txt"
    write_article(article, article_bytes)
    pdf = inputs / "report-100-pages.pdf"
    pdf.write_bytes(make_report(100).pdf)
    small = inputs / "earlier-note.txt"
    small.write_text("An earlier note\n\nThe council met in 2022. It adopted two resolutions.\n", encoding="utf-8")

    empty = root / "empty"
    empty.mkdir()
    verify(empty, "init")
    with_source = root / "with-source"
    shutil.copytree(empty, with_source)
    verify(with_source, "source", "add", str(small), "--key", "earlier-note")

    article_op = Operation("article add", ("article", "add", str(article)), empty)
    source_op = Operation("source add", ("source", "add", str(pdf), "--key", "S/2023/370"), with_source)
    return [article_op, source_op, _import_operation(root, article, pdf)]


def _import_operation(root: Path, article: Path, pdf: Path) -> Operation:
    """Import of an export (a few thousand rows) of a database holding the article and the PDF.

    As documented for moving a desk, ``sources/`` is copied alongside the
    export, so the before-folder is an empty database next to those files.
    """
    full = root / "export-source"
    shutil.copytree(root / "empty", full)
    verify(full, "article", "add", str(article))
    verify(full, "source", "add", str(pdf), "--key", "S/2023/370")
    verify(full, "source", "register", "S/2023/999", "--title", "A cited report")
    export = root / "inputs" / "export.json"
    verify(full, "export", "--format", "json", "--output", str(export))
    before = root / "empty-with-sources"
    shutil.copytree(root / "empty", before)
    shutil.copytree(full / "sources", before / "sources", dirs_exist_ok=True)
    return Operation("import", ("import", str(export)), before)


# --- tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Operation]:
    root = tmp_path_factory.mktemp("crash")
    ops = build_operations(root, CI_ARTICLE_BYTES)
    for op in ops:
        op.prepare(root)
    return {op.name: op for op in ops}


@pytest.mark.parametrize("name", ["article add", "source add", "import"])
def test_sigkill_leaves_before_or_after(operations: dict[str, Operation], name: str, tmp_path: Path) -> None:
    op = operations[name]
    seed = int(os.environ.get("VERIFY_CRASH_SEED", "0")) or random.SystemRandom().randrange(1, 2**31)
    results = kill_repeatedly(op, tmp_path, CI_KILLS, random.Random(seed))
    found = summary(op, results)
    assert found["consistent"] == CI_KILLS, f"seed {seed}: {found}"
    assert found["before"] + found["after"] + found["finished"] == CI_KILLS


def test_export_for_import_has_a_few_thousand_rows(operations: dict[str, Operation]) -> None:
    import json

    export = json.loads(Path(operations["import"].args[1]).read_text(encoding="utf-8"))
    rows = sum(len(v) for k, v in export.items() if isinstance(v, list))
    assert rows >= 2000


# --- recovery, step by step (no processes) --------------------------------------------------


@pytest.fixture
def database(tmp_path: Path):
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade

    db = open_database(str(tmp_path / "claims.db"), create=True, check_schema=False)
    upgrade(db)
    yield db
    db.dispose()


def _source_row(db, path: str) -> None:
    from verify.db.models import Source

    with db.write() as session:
        session.add(Source(key=path, path=path, created_at=NOW, created_by="t", retrieved_at=NOW, sha256="0" * 64))


def _pending(sources: Path, slug: str) -> Path:
    folder = sources / f"{PENDING_PREFIX}{slug}"
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text("x")
    return folder


def test_recovery_rolls_committed_pending_forward(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "s-2023-370")
    _source_row(database, "s-2023-370")
    done = recover_sources(database, sources)
    assert done.rolled_forward == ["s-2023-370"]
    assert (sources / "s-2023-370" / "text.txt").read_text() == "x"
    assert os.listdir(sources) == ["s-2023-370"]


def test_recovery_rolls_uncommitted_pending_back_and_removes_temp(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "never-committed")
    (sources / f"{TEMP_PREFIX}abc123").mkdir()
    (sources / f"{TEMP_PREFIX}abc123" / "original.pdf").write_bytes(b"%PDF")
    (sources / "kept").mkdir()
    done = recover_sources(database, sources)
    assert done.rolled_back == ["never-committed"] and done.removed_temp == [f"{TEMP_PREFIX}abc123"]
    assert os.listdir(sources) == ["kept"]


def test_recovery_never_replaces_an_existing_folder(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    sources = tmp_path / "sources"
    _pending(sources, "s-1")
    (sources / "s-1").mkdir()
    (sources / "s-1" / "text.txt").write_text("original")
    _source_row(database, "s-1")
    recover_sources(database, sources)
    assert (sources / "s-1" / "text.txt").read_text() == "original"
    assert os.listdir(sources) == ["s-1"]


def test_recovery_without_leftovers_takes_no_lock(database, tmp_path: Path) -> None:
    from verify.ingest.recovery import recover_sources

    assert not recover_sources(database, tmp_path / "missing").changed
    with database.write() as session:  # another writer holds the lock: recovery must not wait for it
        session.connection()
        assert not recover_sources(database, tmp_path).changed


def test_publish_is_idempotent_after_recovery(tmp_path: Path) -> None:
    from verify.ingest.storage import publish_staged, stage_source_files

    staged = stage_source_files(tmp_path, "s-2", {"text.txt": b"t"})
    assert staged.name == f"{PENDING_PREFIX}s-2" and not (tmp_path / "s-2").exists()
    os.rename(staged, tmp_path / "s-2")  # what recovery does when the commit is already in
    assert publish_staged(tmp_path, "s-2") == tmp_path / "s-2"


def test_stage_refuses_a_leftover_pending_folder(tmp_path: Path) -> None:
    from verify.errors import VerifyError
    from verify.ingest.storage import stage_source_files

    _pending(tmp_path, "s-3")
    with pytest.raises(VerifyError, match="interrupted"):
        stage_source_files(tmp_path, "s-3", {"text.txt": b"t"})


def test_a_failed_commit_removes_the_staged_folder(database, tmp_path: Path) -> None:
    from sqlalchemy import event
    from sqlmodel import Session

    from verify.ingest.sources import SourceMeta, add_source

    note = tmp_path / "note.txt"
    note.write_text("A note\n\nThe council met in 2022.\n", encoding="utf-8")

    def refuse(session: Session) -> None:
        assert [n for n in os.listdir(tmp_path / "sources")] == [f"{PENDING_PREFIX}note"]  # staged, hidden
        raise RuntimeError("the commit failed")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="commit failed"):
            add_source(database, tmp_path / "sources", str(note), SourceMeta(key="note"), actor="t")
    finally:
        event.remove(Session, "before_commit", refuse)
    assert os.listdir(tmp_path / "sources") == []
    with database.read() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM source").scalar() == 0
