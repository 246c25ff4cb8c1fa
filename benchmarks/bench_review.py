"""How fast ``verify review`` shows the next claim, suggestions included.

Setup (not timed): a copy of the shipped ``claims.db`` (upgraded to the
current schema), with two sources added through the real CLI: the UN-style
sample ``tests/data/library/S-TEST-2023-14.txt`` and a generated 100-page
UN-style PDF (``tests/unpdf.py`` ``make_report(100)``, about 1,260 passages).

Timed, in-process on that database file, with the real session and renderer:
for every claim of the default queue (the factual and quote claims), the step
from the reviewer's command to the next claim's finished screen:

* ``s`` (skip): releases the claim just left, opens the next one (a logged
  ``in_progress`` change), ranks its suggestions over all passages, reads
  the claim, evidence and notes, and renders the 80×24 screen;
* ``v`` after ``1`` (the common case): marks the claim verified, opens and
  renders the next one; the ``1`` (link) step is timed separately.

Goal (issue 5): under 300 ms per screen. Run:

    .venv/bin/python benchmarks/bench_review.py [--out benchmarks/review.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GOAL = 0.300


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "verify", *args], env=env, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"verify {' '.join(args)} failed: {done.stderr}")


def setup(root: Path) -> dict[str, str]:
    from tests.unpdf import make_report

    db = root / "claims.db"
    shutil.copy(REPO / "claims.db", db)
    env = {
        **os.environ,
        "VERIFY_DB": str(db),
        "VERIFY_SOURCES": str(root / "sources"),
        "VERIFY_USER": "bench",
        "NO_COLOR": "1",
    }
    env.pop("VERIFY_NOW", None)
    pdf = root / "report-100-pages.pdf"
    pdf.write_bytes(make_report(100).pdf)
    cli(env, "db", "upgrade")
    cli(env, "source", "add", str(REPO / "tests/data/library/S-TEST-2023-14.txt"))
    cli(env, "source", "add", str(pdf), "--key", "S/TEST/2023/100P", "--date", "2023-06-01")
    return env


def screen(session) -> str:  # type: ignore[no-untyped-def]
    from verify.review import screen as draw

    view = session.view()
    if view is None:
        return ""
    return draw.plain_text(draw.claim_screen(view, draw.Style(plain=False, width=80, height=24)))


def walk(db_path: str, reviewer: str, step: Callable[[object], list[float]]) -> list[float]:
    from verify.db.engine import open_database
    from verify.review.session import ReviewSession

    session = ReviewSession(open_database(db_path), reviewer)
    session.start()
    screen(session)
    times: list[float] = []
    while session.claim_id is not None:
        times += step(session)
    return times


def timed(session, command: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = session.handle(command)
    if not out.finished:
        screen(session)
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = setup(Path(tmp))
        os.environ.update({k: env[k] for k in ("VERIFY_DB", "VERIFY_SOURCES", "NO_COLOR")})
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{env['VERIFY_DB']}")
        with engine.connect() as conn:
            passages = conn.execute(text("SELECT count(*) FROM passage")).scalar()
        engine.dispose()
        skips = walk(env["VERIFY_DB"], "bench-skip", lambda s: [timed(s, "s")])
        links: list[float] = []

        def link_and_verify(session) -> list[float]:  # type: ignore[no-untyped-def]
            links.append(timed(session, "1"))
            return [timed(session, "v")]

        verdicts = walk(env["VERIFY_DB"], "bench-verify", link_and_verify)
    rows = [
        ("next claim after `s` (skip)", skips),
        ("next claim after `v` (verified, after `1`)", verdicts),
        ("`1` (link suggestion 1), screen redrawn", links),
    ]
    lines = [
        "| step | screens | median (ms) | p95 (ms) | max (ms) | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, values in rows:
        ms = [v * 1000 for v in values]
        verdict = ("met" if p95(values) < GOAL else "NOT met") if "next claim" in name else ""
        lines.append(
            f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p95(ms):.0f} | {max(ms):.0f} | "
            f"{'< 300 ms: ' + verdict if verdict else ''} |"
        )
    report = "\n".join(
        [
            "# `verify review`: time to the next claim's screen",
            "",
            "Command: `.venv/bin/python benchmarks/bench_review.py --out benchmarks/review.md`",
            "",
            f"Database: the shipped `claims.db` (71 claims, the default queue is its factual and quote claims) with "
            f"`tests/data/library/S-TEST-2023-14.txt` and a generated 100-page UN-style PDF added; {passages} "
            "passages in all.",
            "Each figure is one claim's step, from the command to the rendered 80×24 screen (session + suggestions + "
            "rendering, in-process; interpreter start-up is not part of a step).",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end of the run.",
            "",
            *lines,
            "",
        ]
    )
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
