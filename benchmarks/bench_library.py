"""The labelled library (tests/data/library): does suggest find the right paragraph, of the right year?

Loading goes through the core, as the CLI does: ``verify.db.migrate.upgrade``
(``verify init``), ``verify.workflow.article_import.add_article`` for the shipped
article, ``verify.workflow.archiving.add_source`` for the three fictional reports
(2022, 2023, 2024 of one series). Adding a source refreshes the claims'
attributions, so "a June 2023 UN report" resolves to S/TEST/2023/14.

Printed, for the 44 labelled claims:

* recall@1 / recall@5 of the labelled 2023 paragraph with suggestions limited
  to the 2023 document (``--source``), and on the whole library (right
  document AND paragraph), beside the search index's first stage alone and bm25s
  (PyStemmer, English stopwords) on the same passages;
* flag precision and recall. On the labelled (correct) paragraph a flag is a
  true positive iff it matches a planted mismatch (same type; number: the
  claim's number is in the planted claim text; name: the same name; hedge:
  the hedge overlaps the planted phrase). Every other flag there is a false
  positive (the passage supports the claim). Recall = planted mismatches
  flagged / planted. For the top-5 suggestions of the full library, flags on
  other paragraphs cannot be labelled true/false; we report how many flags
  are shown per suggestion, and the share of wrong-year suggestions that
  carry at least one flag (a wrong-year paragraph states other numbers, so a
  flag there is plausibly correct).

Run: ``.venv/bin/python benchmarks/bench_library.py [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LIBRARY = REPO / "tests" / "data" / "library"
ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
TARGET = "S/TEST/2023/14"


def load_library(folder: Path) -> Any:
    """A fresh database with the article and the three reports, through the core functions."""
    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.workflow.archiving import SourceMeta, add_source
    from verify.workflow.article_import import add_article

    database = open_database(str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    add_article(database, ARTICLE, actor="bench")
    labels = json.loads((LIBRARY / "labels.json").read_text(encoding="utf-8"))
    for key, name in labels["documents"].items():
        add_source(database, folder / "sources", str(LIBRARY / name), SourceMeta(key=key), actor="bench")
    return database


def labelled_claims(session: Any) -> list[tuple[int, dict[str, Any]]]:
    from sqlmodel import select

    from verify.db.models import Claim

    labels = json.loads((LIBRARY / "labels.json").read_text(encoding="utf-8"))["claims"]
    by_position = {(c.paragraph, c.sentence): c.id for c in session.exec(select(Claim))}
    return [(by_position[(label["paragraph"], label["sentence"])], label) for label in labels]


def is_right(row: dict[str, Any], label: dict[str, Any]) -> bool:
    return row["source"] == label["source"] and row["paragraph"] == label["para"]


def recall(ranked: list[list[dict[str, Any]]], labels: list[dict[str, Any]], k: int) -> float:
    return sum(any(is_right(r, label) for r in rows[:k]) for rows, label in zip(ranked, labels, strict=True)) / len(
        labels
    )


# ---------------------------------------------------------------- flags


def planted_match(flag: dict[str, Any], planted: dict[str, Any]) -> bool:
    if flag["type"] != planted["type"]:
        return False
    if planted["type"] == "number_mismatch":
        return bool(flag["claim"]) and (flag["claim"] in planted["claim"] or planted["claim"] in flag["claim"])
    if planted["type"] == "missing_name":
        return flag["claim"] == planted["claim"]
    return bool(flag["passage"]) and (
        flag["passage"].lower() in planted["passage"].lower() or planted["passage"].lower() in flag["passage"].lower()
    )


def flag_scores(session: Any, claims: list[tuple[int, dict[str, Any]]]) -> dict[str, float]:
    """Precision and recall of the flags on each claim's labelled paragraph, as suggest would show them."""
    from verify.db.models import Claim
    from verify.match.rank import suggest_for_claim

    shown = true = planted_total = planted_found = 0
    for claim_id, label in claims:
        claim = session.get(Claim, claim_id)
        rows = [s.as_dict() for s in suggest_for_claim(session, claim_id, source_key=label["source"], limit=60)]
        row = next((r for r in rows if r["paragraph"] == label["para"]), None)
        flags = row["flags"] if row else _flags_directly(session, claim, label)
        shown += len(flags)
        true += sum(any(planted_match(f, p) for p in label["planted"]) for f in flags)
        planted_total += len(label["planted"])
        planted_found += sum(any(planted_match(f, p) for f in flags) for p in label["planted"])
    return {
        "flags": shown,
        "true": true,
        "precision": true / shown if shown else 1.0,
        "planted": planted_total,
        "recall": planted_found / planted_total,
    }


def _flags_directly(session: Any, claim: Any, label: dict[str, Any]) -> list[dict[str, Any]]:
    from sqlalchemy import text

    from verify.match.flags import flags_for

    passage = session.execute(
        text("SELECT p.text FROM passage p JOIN source s ON s.id = p.source_id WHERE s.key = :k AND p.paragraph = :n"),
        {"k": label["source"], "n": label["para"]},
    ).scalar_one()
    phrase = [claim.attribution["phrase"]] if claim.attribution and claim.attribution.get("phrase") else None
    return flags_for(claim.text, passage, attribution=phrase)


def top5_flag_stats(ranked: list[list[dict[str, Any]]], labels: list[dict[str, Any]]) -> dict[str, float]:
    rows = [r for result in ranked for r in result[:5]]
    wrong_year = [
        r
        for r, label in ((r, lb) for result, lb in zip(ranked, labels, strict=True) for r in result[:5])
        if any(r["source"] == w["source"] and r["paragraph"] == w["para"] for w in label.get("wrong_year", []))
    ]
    return {
        "per_suggestion": sum(len(r["flags"]) for r in rows) / len(rows),
        "wrong_year_rows": len(wrong_year),
        "wrong_year_flagged": sum(bool(r["flags"]) for r in wrong_year) / len(wrong_year) if wrong_year else 0.0,
    }


# ---------------------------------------------------------------- baselines


def bm25s_ranking(
    session: Any, claims: list[tuple[int, dict[str, Any]]], source_key: str | None
) -> list[list[dict[str, Any]]]:
    """bm25s over the same passages (all current ones, or one source's)."""
    import bm25s
    import Stemmer
    from sqlalchemy import text

    from verify.db.models import Claim

    query = (
        "SELECT s.key, p.paragraph, p.text FROM passage p JOIN source s ON s.id = p.source_id WHERE s.is_current = 1"
    )
    passages = session.execute(text(query + (" AND s.key = :k" if source_key else "")), {"k": source_key}).all()
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([p[2] for p in passages], stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    ranked = []
    for claim_id, _ in claims:
        tokens = bm25s.tokenize(
            [session.get(Claim, claim_id).text], stopwords="en", stemmer=stemmer, show_progress=False
        )
        docs, _scores = retriever.retrieve(tokens, k=5, show_progress=False, n_threads=1)
        ranked.append([{"source": passages[i][0], "paragraph": passages[i][1]} for i in docs[0]])
    return ranked


def verify_ranking(
    session: Any, claims: list[tuple[int, dict[str, Any]]], source_key: str | None, weights: Any
) -> list[list[dict[str, Any]]]:
    from verify.match.rank import suggest_for_claim

    return [
        [s.as_dict() for s in suggest_for_claim(session, cid, source_key=source_key, limit=5, weights=weights)]
        for cid, _ in claims
    ]


def report(session: Any) -> list[str]:
    from verify.match.rank import DEFAULT_WEIGHTS, first_stage_only

    claims = labelled_claims(session)
    labels = [label for _, label in claims]
    lines = [
        f"### Labelled library: {len(claims)} claims",
        "",
        "| system | 2023 doc R@1 | 2023 doc R@5 | library R@1 | library R@5 |",
        "|---|---|---|---|---|",
    ]
    systems = [
        ("verify suggest (default)", lambda key: verify_ranking(session, claims, key, DEFAULT_WEIGHTS)),
        (
            "first stage alone (BM25, search index)",
            lambda key: verify_ranking(session, claims, key, first_stage_only()),
        ),
        ("bm25s + PyStemmer + en stopwords", lambda key: bm25s_ranking(session, claims, key)),
    ]
    full_default: list[list[dict[str, Any]]] = []
    for name, rank in systems:
        single, full = rank(TARGET), rank(None)
        full_default = full_default or full
        lines.append(
            f"| {name} | {recall(single, labels, 1):.3f} | {recall(single, labels, 5):.3f} | "
            f"{recall(full, labels, 1):.3f} | {recall(full, labels, 5):.3f} |"
        )
    flags = flag_scores(session, claims)
    top5 = top5_flag_stats(full_default, labels)
    lines += [
        "",
        "| flags on the labelled 2023 paragraph | value |",
        "|---|---|",
        f"| flags shown | {flags['flags']} |",
        f"| of them planted (true positives) | {flags['true']} |",
        f"| precision | {flags['precision']:.3f} |",
        f"| planted mismatches | {flags['planted']} |",
        f"| recall of planted mismatches | {flags['recall']:.3f} |",
        f"| flags per top-5 suggestion (full library) | {top5['per_suggestion']:.2f} |",
        f"| wrong-year paragraphs in the top 5 / share flagged | {top5['wrong_year_rows']} / "
        f"{top5['wrong_year_flagged']:.2f} |",
    ]
    return lines


def missed(session: Any) -> list[str]:
    """The claims whose labelled paragraph is not first on the full library (for reading, not scoring)."""
    from verify.match.rank import suggest_for_claim

    out = []
    for claim_id, label in labelled_claims(session):
        top = suggest_for_claim(session, claim_id, limit=1)
        got = f"{top[0].source.key} {top[0].locator}" if top else "nothing"
        if not top or not is_right(top[0].as_dict(), label):
            out.append(
                f"- claim {label['paragraph']}.{label['sentence']}: want {label['source']} para. {label['para']}, got "
                f"{got}"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    parser.add_argument("--misses", action="store_true", help="list the claims not found first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = load_library(Path(tmp))
        with database.read() as session:
            lines = report(session)
            if args.misses:
                lines += ["", *missed(session)]
        database.dispose()
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
