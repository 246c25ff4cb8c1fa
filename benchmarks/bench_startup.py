"""Start-up of the read commands as real processes, against ``verify status`` (issue 13).

A library is built once in-process through the core, as the CLI would:
``verify init``'s migrations, the shipped article (``add_article``), and
``--sources`` generated UN-style reports of 100 paragraphs each
(``add_source``, which fills the search index). Then, in rounds (each round
runs every command once, so a busy machine slows them alike), real
``python -m verify`` processes are timed:

* ``python -c pass`` (the interpreter alone);
* ``verify --help``;
* ``verify status`` (the reference: issue 13 asks every read command to start
  within 2× its time);
* the read commands, with the table output a user sees: ``verify search
  "<words>"``, ``verify evidence suggest <claim>``, ``verify claim show
  <claim>``, ``verify source show <key>`` with and without ``--passages`` (a
  source of 100 passages) and ``verify report unsupported`` (the article's
  71 claims, none reviewed: every one is listed).

Medians and p95 over ``--rounds`` rounds after one warm-up round. With
``--baseline PATH`` the same commands also run with another checkout's code
(e.g. ``/work/main``) on a copy of the database upgraded by that checkout, in
the same rounds.

Run: ``.venv/bin/python benchmarks/bench_startup.py [--rounds 15] [--sources 20] [--baseline /work/main] [--out FILE]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
TITLE = "The Taliban’s Strategy to Strengthen and Govern al-Qaeda"
QUERY = "fighters training camps Kunar"
GOAL = 2.0  # every read command within 2× the time of status
READ_COMMANDS = ("verify search", "verify evidence", "verify claim", "verify source", "verify report")


def build(folder: Path, sources: int) -> Path:
    from bench_suggest_scale import make_passages

    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.workflow.archiving import SourceMeta, add_source
    from verify.workflow.article_import import add_article

    db_path = folder / "claims.db"
    database = open_database(str(db_path), create=True, check_schema=False)
    try:
        upgrade(database)
        add_article(database, ARTICLE, title=TITLE, actor="bench")
        texts = make_passages(sources * 100, random.Random(13))
        for number in range(sources):
            report = folder / f"report-{number}.txt"
            body = "\n\n".join(f"{k + 1}. {t}" for k, t in enumerate(texts[number * 100 : (number + 1) * 100]))
            report.write_text(f"Monitoring report {number}\n\n{body}\n", encoding="utf-8")
            add_source(database, folder / "sources", str(report), SourceMeta(key=f"S/BENCH/{number}"), actor="bench")
    finally:
        database.dispose()
    return db_path


def commands(db: Path, claim_id: int) -> dict[str, list[str]]:
    verify = [sys.executable, "-m", "verify", "--db", str(db)]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "verify --help": [*verify, "--help"],
        "verify status": [*verify, "status"],
        f'verify search "{QUERY}"': [*verify, "search", QUERY],
        f"verify evidence suggest {claim_id}": [*verify, "evidence", "suggest", str(claim_id)],
        f"verify claim show {claim_id}": [*verify, "claim", "show", str(claim_id)],
        "verify source show S/BENCH/0": [*verify, "source", "show", "S/BENCH/0"],
        "verify source show S/BENCH/0 --passages": [*verify, "source", "show", "S/BENCH/0", "--passages"],
        "verify report unsupported": [*verify, "report", "unsupported"],
    }


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process.

    Run from ``cwd`` so ``-m verify`` imports the code PYTHONPATH names. The
    CPU time is what the command costs on an idle machine; on a shared one
    the wall time also counts the wait for a processor.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[1:])} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--baseline", type=Path, help="another checkout of verify, timed in the same rounds")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build(folder, args.sources)
        env = {**os.environ, "VERIFY_USER": "bench", "VERIFY_SOURCES": str(folder / "sources"), "PYTHONPATH": str(REPO)}
        claim_id = 3
        runs = {"this checkout": (commands(db, claim_id), env)}
        if args.baseline:
            old_db = folder / "baseline.db"
            shutil.copyfile(db, old_db)
            old_env = {**env, "PYTHONPATH": str(args.baseline.resolve())}
            # The baseline may expect an older schema: take this checkout's copy back to the baseline's head.
            head = subprocess.run(
                [sys.executable, "-c", "from verify.db.migrate import HEAD; print(HEAD)"],
                capture_output=True,
                text=True,
                check=True,
                env=old_env,
                cwd=folder,
            ).stdout.strip()
            from verify.db.engine import open_database
            from verify.db.migrate import _config

            database = open_database(str(old_db), check_schema=False)
            try:
                from alembic import command

                with database.engine.begin() as conn:
                    config = _config()
                    config.attributes["connection"] = conn
                    command.downgrade(config, head)
            finally:
                database.dispose()
            subprocess.run(
                [sys.executable, "-m", "verify", "--db", str(old_db), "db", "upgrade"],
                check=True,
                capture_output=True,
                env=old_env,
                cwd=folder,
            )
            runs[f"baseline {args.baseline}"] = (commands(old_db, claim_id), old_env)
        times: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        for round_number in range(args.rounds + 1):
            for label, (argvs, run_env) in runs.items():
                for name, argv in argvs.items():
                    seconds, used = timed(argv, run_env, folder)
                    if round_number:
                        times.setdefault((label, name), []).append(seconds)
                        cpu.setdefault((label, name), []).append(used)
    lines = [
        f"### start-up as processes ({args.rounds} rounds, {args.sources} sources of 100 passages + the shipped "
        "article)",
        "",
        "| code | command | wall median s | wall p95 s | wall × status | CPU median s | CPU × status |",
        "|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for label in runs:
        status = statistics.median(times[(label, "verify status")])
        status_cpu = statistics.median(cpu[(label, "verify status")])
        for (run_label, name), values in times.items():
            if run_label != label:
                continue
            median, used = statistics.median(values), statistics.median(cpu[(run_label, name)])
            lines.append(
                f"| {label} | `{name}` | {median:.3f} | {percentile(values, 0.95):.3f} | {median / status:.2f} "
                f"| {used:.3f} | {used / status_cpu:.2f} |"
            )
            if label == "this checkout" and name.startswith(READ_COMMANDS):
                verdicts.append(
                    f"{name}: {median / status:.2f}× status wall, {used / status_cpu:.2f}× CPU "
                    f"({'met' if median <= GOAL * status else 'NOT met'})"
                )
    lines += [
        "",
        f"Goal (issue 13): every read command within {GOAL:.0f}× `verify status`: " + "; ".join(verdicts),
        f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
