"""Suggestions for a whole article in one process (``evidence suggest --article``) against one process per claim.

A script that wants suggestions for every claim of an article used to run
``verify evidence suggest ID --format json`` once per claim, paying Python's
start-up, the imports and the database connection each time. This times, as
real processes in the same rounds:

* the baseline: one ``verify evidence suggest ID --format json`` per claim of
  the shipped article (71 processes, run one after the other);
* ``verify evidence suggest --article 1 --format json`` (one process, JSON lines).

The library: the shipped article and ``--sources`` generated reports of 100
paragraphs each (as ``bench_startup.py`` builds them). Both print the same
suggestions (checked). Medians over ``--rounds`` rounds of wall time and of CPU
time (user + system of the processes: what it costs on an idle machine).

Run: ``.venv/bin/python benchmarks/bench_batch_suggest.py [--rounds 3] [--sources 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sources", type=int, default=5)
    args = parser.parse_args()
    from bench_startup import build

    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp), args.sources)
        env = {**os.environ, "VERIFY_DB": str(db), "VERIFY_SOURCES": str(Path(tmp) / "sources"), "NO_COLOR": "1"}
        claims = [c["id"] for c in json.loads(run(["claim", "list", "--article", "1", "--format", "json"], env))]
        batch_times, loop_times, batch_cpu, loop_cpu = [], [], [], []
        for _ in range(args.rounds):
            start, used = time.perf_counter(), cpu()
            lines = run(["evidence", "suggest", "--article", "1", "--format", "json"], env).splitlines()
            batch_times.append(time.perf_counter() - start)
            batch_cpu.append(cpu() - used)
            start, used = time.perf_counter(), cpu()
            singles = [json.loads(run(["evidence", "suggest", str(c), "--format", "json"], env)) for c in claims]
            loop_times.append(time.perf_counter() - start)
            loop_cpu.append(cpu() - used)
            batch = [json.loads(line) for line in lines]
            assert [b["claim_id"] for b in batch] == claims and [b["suggestions"] for b in batch] == singles
        loop, one = statistics.median(loop_times), statistics.median(batch_times)
        loop_c, one_c = statistics.median(loop_cpu), statistics.median(batch_cpu)
        print(f"### evidence suggest for {len(claims)} claims ({args.rounds} rounds, {args.sources} sources)\n")
        print("| run | wall median s | CPU median s | CPU per claim ms |\n|---|---|---|---|")
        print(f"| one process per claim (baseline) | {loop:.2f} | {loop_c:.2f} | {1000 * loop_c / len(claims):.0f} |")
        print(f"| `evidence suggest --article 1` | {one:.2f} | {one_c:.2f} | {1000 * one_c / len(claims):.0f} |")
        print(
            f"\nOne process: {loop / one:.1f}× less wall time, {loop_c / one_c:.1f}× less CPU; same suggestions. "
            f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )


if __name__ == "__main__":
    main()
