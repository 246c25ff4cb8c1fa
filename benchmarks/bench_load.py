"""Concurrent reviewers: N processes doing random work on one database, then every invariant checked.

Setup (not timed), through the real CLI (``python -m verify``): a new
database (a SQLite file, or a PostgreSQL database created for the run and
dropped after it) holding the shipped article and the fictional report
``tests/data/library/S-TEST-2023-14.txt``.

Timed: N worker processes, each with its own engine, start together and run
M random operations each on a hot set of claims, through the functions the
CLI commands call (``verify.workflow.claims.mark / add_note / assign``,
``verify.workflow.evidence.link / retract``):

* mark — a random status, including ones the rules refuse (``withdrawn``,
  ``verified`` without support, ``unsupported`` without a note), half the
  time with a note, with ``if_version`` from a fresh read, or deliberately
  stale (the version before it) one time in five;
* note; link — a quote cut from a passage of S/TEST/2023/14, which anchors;
  retract — some evidence of the claim (perhaps already retracted);
* assign — a random reviewer or nobody, with ``if_version`` like mark.

Every operation carries a unique token in its note / reason text, so the
check afterwards can find exactly the rows and events it left. Outcomes:
success, refused by a rule, refused as stale, busy (the database gave up
waiting: SQLite's busy timeout, a PostgreSQL lock or serialization error).

Invariants checked afterwards (any failure is listed and makes the exit code 1):

1. one event per successful operation: events added per action equal the
   successes (``status`` = marks + verdicts reset by a retraction, ``note``
   = notes + marks with a note, ``evidence_link``, ``evidence_retract``,
   ``assign``, ``signoff_lapse`` = sign-offs lapsed), and no other action;
2. rows added equal the successes (notes, evidence, retracted evidence);
3. every token of a successful operation is where it belongs, exactly as
   often as expected; no token of a refused or busy operation is anywhere
   (refused operations left no trace);
4. no evidence without its claim and source (and its passage in that source);
5. every ``verified`` / ``partly_verified`` claim has supporting evidence
   that is not retracted;
6. versions: replaying each claim's events in order, every successful
   mark/assign returned the version its event reaches, the claim's final
   version equals 1 + the changes logged (a lost update shows here), and its
   final status and assignee are those of its last events;
7. no deliberately stale write succeeded.

Run (figures in benchmarks/load.md):

    .venv/bin/python benchmarks/bench_load.py [--processes 8] [--operations 500] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
REPORT = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
SOURCE_KEY = "S/TEST/2023/14"
POSTGRES_SERVER = os.environ.get("VERIFY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
OPERATIONS = ("mark", "note", "link", "retract", "assign")
WEIGHTS = (35, 15, 25, 10, 15)
REVIEWERS = ("amira", "jonas", "lee", "sam", "")
STALE_SHARE = 0.2
RESET_NOTE = "last supporting evidence retracted"  # the note retract writes when a verdict loses its support
TOKEN = re.compile(r"\[op w\d+-\d+\]")
OUTCOMES = ("ok", "rule", "stale", "busy", "error")
VIOLATION_KINDS = (  # a phrase of the message -> the kind of violation, for the summary
    ("lost update", "lost update (claim version behind its log)"),
    ("the log reaches", "returned version differs from the log"),
    ("row says", "claim row differs from its last event"),
    ("events were added", "event count"),
    ("rows added", "row count"),
    ("times,", "trace of an operation"),
    ("without supporting evidence", "verdict without support"),
    ("stale version succeeded", "stale write accepted"),
    ("evidence ", "evidence without claim/source"),
    ("worker ", "operation error"),
)


# --------------------------------------------------------------------------- setup


def _verify(url: str, sources: Path, *args: str) -> None:
    env = {**os.environ, "VERIFY_DB": url, "VERIFY_SOURCES": str(sources), "VERIFY_USER": "setup"}
    env.pop("VERIFY_NOW", None)
    done = subprocess.run(
        [sys.executable, "-m", "verify", *args], env=env, capture_output=True, text=True, cwd=sources.parent
    )
    if done.returncode != 0:
        raise RuntimeError(f"verify {' '.join(args)} failed: {done.stderr.strip()}")


def prepare(url: str, workdir: Path) -> None:
    """A new database with the shipped article and S/TEST/2023/14, made through the CLI."""
    sources = workdir / "sources"
    _verify(url, sources, "init")
    _verify(url, sources, "article", "add", str(ARTICLE))
    _verify(url, sources, "source", "add", str(REPORT), "--key", SOURCE_KEY)


def create_postgres_database(server: str = POSTGRES_SERVER) -> str:
    """A new, empty PostgreSQL database on ``server``; returns its URL (raises when unreachable)."""
    from sqlalchemy import create_engine

    name = f"verify_load_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str, server: str = POSTGRES_SERVER) -> None:
    from sqlalchemy import create_engine

    name = url.rsplit("/", 1)[1]
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- workers


@dataclass
class Outcome:
    worker: int
    seq: int
    op: str
    claim_id: int
    result: str  # one of OUTCOMES
    token: str | None = None
    stale_on_purpose: bool = False
    with_note: bool = False
    version: int | None = None  # returned by a successful mark / assign
    status_reset: bool = False  # a successful retract that sent a verdict back to in_progress
    message: str = ""


def _classify(exc: BaseException) -> tuple[str, str]:
    from sqlalchemy.exc import OperationalError

    from verify.errors import RefusedChange, VerifyError

    if isinstance(exc, RefusedChange) and "changed since version" in exc.message:
        return "stale", exc.message
    if isinstance(exc, VerifyError):
        return "rule", exc.message
    if isinstance(exc, OperationalError):
        return "busy", str(exc.orig).strip().splitlines()[0]
    return "error", "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _quote(rng: random.Random, text: str) -> str:
    """A run of 6-14 whole words cut from a passage, exactly as the source has them."""
    words = list(re.finditer(r"\S+", text))
    length = min(len(words), rng.randint(6, 14))
    first = rng.randint(0, len(words) - length)
    return text[words[first].start() : words[first + length - 1].end()]


def _one(db: Any, rng: random.Random, worker: int, seq: int, claims: list[int], passages: list[str]) -> Outcome:
    from sqlmodel import col, select

    from verify.db.models import CLAIM_STATUSES, Claim, Evidence
    from verify.workflow import claims as workflow
    from verify.workflow import evidence as evidence_flow

    op = rng.choices(OPERATIONS, WEIGHTS)[0]
    claim_id = rng.choice(claims)
    actor = f"reviewer-{worker}"
    token = f"[op w{worker}-{seq}]"
    outcome = Outcome(worker, seq, op, claim_id, "ok")
    with db.read() as session:  # a fresh read, as `claim show` would give the reviewer
        version = session.get(Claim, claim_id).version
        evidence_ids = list(
            session.exec(select(Evidence.id).where(Evidence.claim_id == claim_id).order_by(col(Evidence.id)))
        )
    if op in ("mark", "assign") and rng.random() < STALE_SHARE:
        version, outcome.stale_on_purpose = version - 1, True
    try:
        if op == "mark":
            status = rng.choice(CLAIM_STATUSES)
            outcome.with_note = rng.random() < 0.5
            note = f"checked the report {token}" if outcome.with_note else None
            outcome.token = token if outcome.with_note else None
            outcome.version = workflow.mark(db, claim_id, status, actor=actor, note=note, if_version=version).version
        elif op == "note":
            outcome.token = token
            workflow.add_note(db, claim_id, f"reviewer remark {token}", actor=actor)
        elif op == "link":
            outcome.token = token
            stance = rng.choices(("supports", "contradicts", "context"), (3, 1, 1))[0]
            evidence_flow.link(
                db,
                claim_id,
                SOURCE_KEY,
                stance,
                actor=actor,
                quote=_quote(rng, rng.choice(passages)),
                note=f"found {token}",
            )
        elif op == "retract":
            outcome.token = token
            target = rng.choice(evidence_ids) if evidence_ids else 10**9  # nothing to retract: refused as not found
            done = evidence_flow.retract(db, target, f"misread {token}", actor=actor)
            outcome.claim_id, outcome.status_reset = done.claim_id, done.status_change is not None
        else:
            name = rng.choice(REVIEWERS)
            outcome.version = workflow.assign(db, claim_id, name, actor=actor, if_version=version).version
    except Exception as exc:  # every failure is an outcome to count and check
        outcome.result, outcome.message = _classify(exc)
        outcome.version = None
    return outcome


def _worker(url: str, worker: int, operations: int, claims: list[int], seed: int, barrier: Any, results: Any) -> None:
    outcomes: list[Outcome] = []
    try:
        from sqlmodel import col, select

        from verify.db.engine import open_database
        from verify.db.models import Passage, Source

        db = open_database(url)  # this process's own engine
        with db.read() as session:
            source = session.exec(select(Source).where(Source.key == SOURCE_KEY)).one()
            passages = [
                p.text
                for p in session.exec(select(Passage).where(Passage.source_id == source.id).order_by(col(Passage.seq)))
            ]
        rng = random.Random(seed * 1000 + worker)
        barrier.wait()
        for seq in range(operations):
            outcomes.append(_one(db, rng, worker, seq, claims, passages))
        db.dispose()
    except Exception:
        outcomes.append(Outcome(worker, -1, "setup", 0, "error", message=traceback.format_exc()))
        try:
            barrier.abort()
        except Exception:
            pass
    results.put(outcomes)


# --------------------------------------------------------------------------- the run


@dataclass
class Report:
    backend: str
    processes: int
    operations: int
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    invariants: list[str] = field(default_factory=list)  # the names of the checks run
    violations: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    def count(self, result: str, op: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.result == result and (op is None or o.op == op))

    @property
    def throughput(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def errors(self) -> list[str]:
        return [f"worker {o.worker} op {o.seq} ({o.op}): {o.message}" for o in self.outcomes if o.result == "error"]


def _snapshot(db: Any) -> dict[str, Any]:
    from sqlalchemy import func, select

    from verify.db.models import Event, Evidence, Note

    with db.read() as session:
        return {
            "events": dict(session.execute(select(Event.action, func.count()).group_by(Event.action)).all()),
            "last_event": session.execute(select(func.max(Event.id))).scalar() or 0,
            "notes": session.execute(select(func.count()).select_from(Note)).scalar(),
            "evidence": session.execute(select(func.count()).select_from(Evidence)).scalar(),
            "retracted": session.execute(
                select(func.count()).select_from(Evidence).where(Evidence.retracted_at.is_not(None))
            ).scalar(),
        }


def run_load(
    url: str, *, processes: int, operations: int, hot_claims: int = 20, seed: int = 1, backend: str = ""
) -> Report:
    """Run the workers on a prepared database and check every invariant."""
    from sqlmodel import col, select

    from verify.db.engine import open_database
    from verify.db.models import Claim

    db = open_database(url)
    with db.read() as session:
        claims = [c.id for c in session.exec(select(Claim).order_by(col(Claim.id)))]
        initial = {c.id: (c.version, c.status, c.assignee) for c in session.exec(select(Claim))}
    claims = claims[:hot_claims]
    before = _snapshot(db)
    db.dispose()

    context = multiprocessing.get_context("fork")  # each worker opens its own engine after the fork
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, w, operations, claims, seed, barrier, results))
        for w in range(processes)
    ]
    for process in workers:
        process.start()
    report = Report(backend or url.split(":", 1)[0], processes, operations)
    try:
        barrier.wait(timeout=120)
    except Exception:
        pass  # a worker failed to start; its error outcome says why
    start = time.perf_counter()
    for _ in workers:
        report.outcomes.extend(results.get(timeout=1800))
    report.seconds = time.perf_counter() - start
    for process in workers:
        process.join()

    db = open_database(url)
    try:
        check_invariants(db, report, before, initial)
    finally:
        db.dispose()
    return report


# --------------------------------------------------------------------------- invariants


def check_invariants(
    db: Any, report: Report, before: dict[str, Any], initial: dict[int, tuple[int, str, str | None]]
) -> None:
    from sqlalchemy import select
    from sqlmodel import col

    from verify.db.models import Claim, Event, Evidence, Note, Passage, Signoff, Source

    bad = report.violations
    ok = [o for o in report.outcomes if o.result == "ok"]
    after = _snapshot(db)
    bad.extend(report.errors())

    # 1. one event per successful operation
    report.invariants.append("events per action = successful operations")
    successes = Counter(o.op for o in ok)
    with_note = sum(1 for o in ok if o.op == "mark" and o.with_note)
    resets = sum(1 for o in ok if o.status_reset)
    with db.read() as session:
        lapsed = session.execute(select(Signoff).where(col(Signoff.lapsed_at).is_not(None))).all()
    expected = {
        "status": successes["mark"] + resets,
        "note": successes["note"] + with_note,
        "evidence_link": successes["link"],
        "evidence_retract": successes["retract"],
        "assign": successes["assign"],
        "signoff_lapse": len(lapsed),
    }
    added = {
        a: after["events"].get(a, 0) - before["events"].get(a, 0) for a in set(after["events"]) | set(before["events"])
    }
    for action in sorted(set(added) | set(expected)):
        if added.get(action, 0) != expected.get(action, 0):
            bad.append(f"{added.get(action, 0)} '{action}' events were added, {expected.get(action, 0)} expected")

    # 2. rows added = successes
    report.invariants.append("rows added = successful operations")
    for name, want in (
        ("notes", successes["note"] + with_note),
        ("evidence", successes["link"]),
        ("retracted", successes["retract"]),
    ):
        if after[name] - before[name] != want:
            bad.append(f"{after[name] - before[name]} {name} rows added, {want} expected")

    with db.read() as session:
        events = list(
            session.execute(select(Event).where(Event.id > before["last_event"]).order_by(col(Event.id))).scalars()
        )
        notes = [n.text for n in session.execute(select(Note)).scalars()]
        evidence = list(session.execute(select(Evidence)).scalars())
        claims = {c.id: c for c in session.execute(select(Claim)).scalars()}
        sources = {s.id for s in session.execute(select(Source)).scalars()}
        passages = {p.id: p.source_id for p in session.execute(select(Passage)).scalars()}
        session.expunge_all()  # keep the loaded values when the read session rolls back

    # 3. tokens: successes exactly where they belong, refusals nowhere
    report.invariants.append("successful operations' traces complete, refused operations left none")
    found: Counter[str] = Counter()
    texts = notes + [e.note or "" for e in evidence] + [e.retraction_reason or "" for e in evidence]
    texts += [e.note or "" for e in events] + [e.new or "" for e in events]
    for text in texts:
        found.update(TOKEN.findall(text))
    per_op = {"mark": 3, "note": 2, "link": 2, "retract": 2}
    for o in report.outcomes:
        if o.token is None:
            continue
        want = per_op[o.op] + (1 if o.status_reset else 0) if o.result == "ok" else 0
        if found[o.token] != want:
            what = "refused" if o.result != "ok" else "successful"
            bad.append(f"{what} {o.op} {o.token} on claim {o.claim_id}: found {found[o.token]} times, {want} expected")

    # 4. evidence has its claim, source and passage
    report.invariants.append("no evidence without its claim and source")
    for e in evidence:
        if e.claim_id not in claims or e.source_id not in sources:
            bad.append(f"evidence {e.id} points at a missing claim {e.claim_id} or source {e.source_id}")
        if e.passage_id is not None and passages.get(e.passage_id) != e.source_id:
            bad.append(f"evidence {e.id}: passage {e.passage_id} is not in source {e.source_id}")

    # 5. verdicts have support
    report.invariants.append("every verified / partly_verified claim has supporting evidence")
    supported = {e.claim_id for e in evidence if e.stance == "supports" and e.retracted_at is None}
    for claim in claims.values():
        if claim.status in ("verified", "partly_verified") and claim.id not in supported:
            bad.append(f"claim {claim.id} is {claim.status} without supporting evidence")

    # 6. versions replayed from the audit log
    report.invariants.append(
        "versions strictly increase per claim in event order; final row = last events (no lost update)"
    )
    state = {cid: list(values) for cid, values in initial.items()}  # version, status, assignee
    reached: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for event in events:
        if event.claim_id is None or event.claim_id not in state:
            continue
        current = state[event.claim_id]
        automatic = event.action == "status" and (event.note or "").startswith(RESET_NOTE)
        if event.action in ("status", "assign", "evidence_link", "evidence_retract", "kind") and not automatic:
            current[0] += 1
        if event.action == "status":
            current[1] = event.new
        if event.action == "assign":
            current[2] = event.new
        if event.action in ("status", "assign") and not automatic:
            reached[(event.actor, event.claim_id, event.action)].append(current[0])
    returned: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for o in sorted(ok, key=lambda o: (o.worker, o.seq)):
        if o.op in ("mark", "assign"):
            returned[(f"reviewer-{o.worker}", o.claim_id, "status" if o.op == "mark" else "assign")].append(
                o.version or 0
            )
    for key in sorted(set(reached) | set(returned)):
        if reached[key] != returned[key]:
            bad.append(
                f"{key[0]} {key[2]} on claim {key[1]}: the log reaches versions {reached[key]}, the calls returned "
                f"{returned[key]}"
            )
    for cid, (version, status, assignee) in state.items():
        claim = claims[cid]
        if claim.version != version:
            bad.append(
                f"claim {cid}: version {claim.version}, but its log records {version - initial[cid][0]} changes "
                f"since version {initial[cid][0]}, i.e. version {version} (lost update)"
            )
        if claim.status != status or claim.assignee != assignee:
            bad.append(
                f"claim {cid}: row says {claim.status}/{claim.assignee}, its last events say {status}/{assignee}"
            )

    # 7. stale writes refused
    report.invariants.append("no deliberately stale write succeeded")
    for o in ok:
        if o.stale_on_purpose:
            bad.append(f"worker {o.worker} op {o.seq}: a {o.op} with a stale version succeeded on claim {o.claim_id}")


# --------------------------------------------------------------------------- command line


def run_backend(
    backend: str, processes: int, operations: int, hot_claims: int, seed: int, server: str = POSTGRES_SERVER
) -> Report:
    with tempfile.TemporaryDirectory(prefix="verify-load-") as tmp:
        workdir = Path(tmp)
        url = str(workdir / "claims.db") if backend == "sqlite" else create_postgres_database(server)
        try:
            prepare(url, workdir)
            return run_load(
                url, processes=processes, operations=operations, hot_claims=hot_claims, seed=seed, backend=backend
            )
        finally:
            if backend == "postgres":
                drop_postgres_database(url, server)


def summary(report: Report) -> list[str]:
    lines = [
        f"{report.backend}: {report.processes} processes x {report.operations} operations = {report.total} in "
        f"{report.seconds:.1f} s "
        f"-> {report.throughput:.0f} operations/s",
        "  outcomes: " + ", ".join(f"{report.count(r)} {r}" for r in OUTCOMES),
        "  by operation (ok/rule/stale/busy): "
        + ", ".join(f"{op} {'/'.join(str(report.count(r, op)) for r in OUTCOMES[:4])}" for op in OPERATIONS),
        f"  refused as stale: {report.count('stale')} ({sum(1 for o in report.outcomes if o.stale_on_purpose)} "
        "deliberately stale writes)",
        f"  invariants checked: {len(report.invariants)}, violations: {len(report.violations)}",
    ]
    kinds = Counter(next((name for key, name in VIOLATION_KINDS if key in v), "other") for v in report.violations)
    if kinds:
        lines.append("  violations by kind: " + ", ".join(f"{n} {name}" for name, n in kinds.most_common()))
    lines += [f"    VIOLATION: {v}" for v in report.violations[:40]]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--operations", type=int, default=500, help="operations per process")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--claims", type=int, default=20, help="size of the hot set of claims the workers pick from")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL URL to create the test database from")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    print(f"machine: {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, {platform.platform()}")
    failed = False
    for backend in backends:
        report = run_backend(backend, args.processes, args.operations, args.claims, args.seed, args.server)
        print("\n".join(summary(report)), flush=True)
        failed = failed or bool(report.violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
