"""When does a suggestion bear on the claim at all? Calibrating ``rank.RELEVANCE_THRESHOLD``.

``verify evidence suggest`` and ``verify review`` hide suggestions whose
``relevance`` (the score's lead over the 5th best candidate, see
``verify/match/rank.py``) is below the threshold, and say "no passage looks
relevant" when none reaches it. This script measures, for the top 5
suggestions of each claim, how well "relevance ≥ t" separates relevant
passages from the rest, on labelled sets that include claims whose right
passage is absent:

* ``library``: the 44 labelled claims of the shipped article against the three
  fictional reports of ``tests/data/library``; relevant = the labelled 2023
  paragraph, or a paragraph listed under ``wrong_year`` (it restates the claim
  with other details: a checker wants to see it, flagged);
* ``library, 2023 report removed``: the same claims without S/TEST/2023/14;
  relevant = the ``wrong_year`` paragraphs only, so 11 claims have nothing relevant;
* ``SciFact train``: the 809 training claims (BEIR qrels/train.tsv) against the
  corpus minus every abstract cited by every second claim (by id), so about
  600 claims have no relevant abstract left;
* ``SciFact dev`` (BEIR "test"): built the same way; held out, never tuned on.

The threshold is the largest value at which the mean recall of relevant
suggestions over the three training sets (library, library without 2023,
SciFact train) is still at least ``--recall-target`` (0.85: a checker should
rarely need ``--all`` to see the passage that supports the claim). Reported per
set: precision and recall of "relevant" among the top-5 suggestions, the share
of claims with nothing relevant present that are told so, the share of claims
with a relevant passage in the top 5 that still see it, and the ROC AUC of
``relevance`` beside that of the plain ranking ``score``.

Both backends rank with the one search index, so their figures agree;
``--backend postgresql`` measures the same sets there, each in a fresh
database created on ``--pg-url`` and dropped after.

Run: ``.venv/bin/python benchmarks/bench_relevance.py /work/shared/bench/scifact [--backend sqlite|postgresql]
[--threshold T] [--out FILE]`` (3 to 6 minutes on 2 CPUs; the SciFact folder is an argument, the data is not in
this repository). ``--threshold`` reports the tables at T instead of choosing one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_library as library  # noqa: E402
import bench_scifact as scifact  # noqa: E402

TOP = 5
TRAINING = ("library", "library, 2023 report removed", "SciFact train")


@dataclass(frozen=True)
class Row:
    """One suggestion shown for one claim, with its label."""

    claim: str
    rank: int
    score: float
    relevance: float
    relevant: bool  # the label
    claim_has_relevant: bool  # a relevant passage exists in this set's library


class Place:
    """Where a set's database lives: a temporary SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, pg_server: str | None) -> None:
        self.pg_server = pg_server
        self.url: str | None = None

    def __enter__(self) -> Place:
        self._tmp = tempfile.TemporaryDirectory()
        self.folder = Path(self._tmp.name)
        self.url = scifact.create_pg_database(self.pg_server) if self.pg_server else None
        return self

    @property
    def target(self) -> Path | str:
        return self.url or self.folder

    @property
    def database(self) -> str:
        return self.url or str(self.folder / "claims.db")

    def __exit__(self, *_: object) -> None:
        if self.url:
            scifact.drop_pg_database(self.url)
        self._tmp.cleanup()


def library_rows(drop: str | None, pg_server: str | None = None) -> list[Row]:
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.match.rank import suggest_for_claim
    from verify.workflow.archiving import SourceMeta, add_source
    from verify.workflow.article_import import add_article

    rows: list[Row] = []
    with Place(pg_server) as place:
        folder = place.folder
        database = open_database(place.database, create=True, check_schema=False)
        upgrade(database)
        add_article(database, library.ARTICLE, actor="bench")
        labels = json.loads((library.LIBRARY / "labels.json").read_text(encoding="utf-8"))
        for key, name in labels["documents"].items():
            if key != drop:
                add_source(
                    database, folder / "sources", str(library.LIBRARY / name), SourceMeta(key=key), actor="bench"
                )
        with database.read() as session:
            for claim_id, label in library.labelled_claims(session):
                good = {(w["source"], w["para"]) for w in label.get("wrong_year", [])}
                if label["source"] != drop:
                    good.add((label["source"], label["para"]))
                for rank, s in enumerate(suggest_for_claim(session, claim_id, limit=TOP)):
                    rows.append(
                        Row(str(claim_id), rank, s.score, s.relevance, (s.source.key, s.paragraph) in good, bool(good))
                    )
        database.dispose()
    return rows


def scifact_rows(bench: Path, split: str, pg_server: str | None = None) -> list[Row]:
    """Every second claim (by id) loses the abstracts it cites, so it has nothing relevant left."""
    from verify.match.rank import suggest_for_text

    corpus = scifact.load_corpus(bench)
    queries, qrels = scifact.load_queries(bench, split)
    ids = sorted(queries, key=int)
    removed = set().union(*(qrels[q] for q in ids[1::2]))
    rows: list[Row] = []
    with Place(pg_server) as place:
        database = scifact.build_database(place.target, [d for d in corpus if d["_id"] not in removed])
        with database.read() as session:
            for query_id in ids:
                present = bool(qrels[query_id] - removed)
                for rank, s in enumerate(suggest_for_text(session, queries[query_id], limit=TOP, with_flags=False)):
                    rows.append(Row(query_id, rank, s.score, s.relevance, s.source.key in qrels[query_id], present))
        database.dispose()
    return rows


# ---------------------------------------------------------------- measures


def precision_recall(rows: list[Row], threshold: float) -> tuple[float, float]:
    kept = [r for r in rows if r.relevance >= threshold]
    true = sum(r.relevant for r in kept)
    wanted = sum(r.relevant for r in rows)
    return (true / len(kept) if kept else 1.0), (true / wanted if wanted else 1.0)


def claims(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.claim, []).append(row)
    return grouped


def told_nothing(rows: list[Row], threshold: float) -> tuple[int, int]:
    """Claims with nothing relevant in the library that are told "no passage looks relevant"."""
    empty = [g for g in claims(rows).values() if not g[0].claim_has_relevant]
    return sum(all(r.relevance < threshold for r in g) for g in empty), len(empty)


def still_shown(rows: list[Row], threshold: float) -> tuple[int, int]:
    """Claims with a relevant passage in the top 5 that still see one."""
    found = [g for g in claims(rows).values() if any(r.relevant for r in g)]
    return sum(any(r.relevant and r.relevance >= threshold for r in g) for g in found), len(found)


def auc(rows: list[Row], value: str) -> float:
    yes = [getattr(r, value) for r in rows if r.relevant]
    no = [getattr(r, value) for r in rows if not r.relevant]
    if not yes or not no:
        return float("nan")
    wins = sum((a > b) + 0.5 * (a == b) for a in yes for b in no)
    return wins / (len(yes) * len(no))


def choose(sets: dict[str, list[Row]], target: float) -> float:
    """The largest threshold whose mean recall over the training sets is at least ``target``."""
    candidates = sorted({round(r.relevance, 2) for name in TRAINING for r in sets[name]}, reverse=True)
    for threshold in candidates:
        if sum(precision_recall(sets[name], threshold)[1] for name in TRAINING) / len(TRAINING) >= target:
            return threshold
    return 0.0


def report(sets: dict[str, list[Row]], threshold: float, current: float, how: str) -> list[str]:
    lines = [
        f"### Relevance threshold {threshold:.2f} ({how}; verify/match/rank.py has {current:.2f})",
        "",
        "| set | claims | top-5 suggestions | relevant | precision | recall | nothing relevant: told so | "
        "relevant in top 5: still shown | AUC relevance | AUC score |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, rows in sets.items():
        precision, recall = precision_recall(rows, threshold)
        told, empty = told_nothing(rows, threshold)
        shown, found = still_shown(rows, threshold)
        told_text = f"{told}/{empty} ({told / empty:.0%})" if empty else "—"
        lines.append(
            f"| {name}{'' if name in TRAINING else ' (held out)'} | {len(claims(rows))} | {len(rows)} | "
            f"{sum(r.relevant for r in rows)} | {precision:.2f} | {recall:.2f} | {told_text} | "
            f"{shown}/{found} ({shown / found:.0%}) | {auc(rows, 'relevance'):.3f} | {auc(rows, 'score'):.3f} |"
        )
    lines += [
        "",
        "| threshold | " + " | ".join(f"{n}: P / R / told" for n in sets) + " |",
        "|---|" + "---|" * len(sets),
    ]
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6):
        cells = []
        for rows in sets.values():
            p, r = precision_recall(rows, t)
            told, empty = told_nothing(rows, t)
            cells.append(f"{p:.2f} / {r:.2f} / " + (f"{told / empty:.0%}" if empty else "—"))
        lines.append(f"| {t:.2f} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    from verify.match.rank import RELEVANCE_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", type=Path, help="the scifact folder (holding beir/)")
    parser.add_argument("--recall-target", type=float, default=0.85)
    parser.add_argument("--threshold", type=float, help="report at this threshold instead of choosing one")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=scifact.PG_SERVER, help="PostgreSQL server (a fresh database per set)")
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = parser.parse_args()
    server = args.pg_url if args.backend == "postgresql" else None
    sets = {
        "library": library_rows(None, server),
        "library, 2023 report removed": library_rows(library.TARGET, server),
        "SciFact train": scifact_rows(args.bench, "train", server),
        "SciFact dev": scifact_rows(args.bench, "test", server),
    }
    if args.threshold is None:
        threshold, how = choose(sets, args.recall_target), f"mean recall ≥ {args.recall_target} on the training sets"
    else:
        threshold, how = args.threshold, "given"
    lines = report(sets, threshold, RELEVANCE_THRESHOLD, f"{how}, {args.backend}")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
