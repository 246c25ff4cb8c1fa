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

Then, unless ``--no-runs``, the library as a new user builds it: sources added
with no date typed in (``source add FILE --key K``), in nine ways — dates read
from the documents or erased (as when a masthead is not read; the symbol's year
remains), the article imported without or with ``--published``, two reports
as PDFs (generated with reportlab), and the monitoring team's global report of
July 2023 (another series, ``tests/data/library/other_series``) added — each
with the date, series and attribution parts of the ranking taken out in turn
(library R@1 / R@5 / claims whose first suggestion is from the wrong report);
and the precision and recall of attribution carried through a paragraph,
against our labels (``tests/data/attribution_labels.json``) and the library's.

Run: ``.venv/bin/python benchmarks/bench_library.py [--out FILE] [--misses] [--no-runs] [--published DATE]``
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
# The article appeared in January 2024 (after the Israel-Gaza war it mentions began; the day is not known to us:
# every report is months away from it, so any day of that month ranks the same).
ARTICLE_PUBLISHED = "2024-01-01"


PDF_REPORTS = ("S/TEST/2022/419", "S/TEST/2024/92")  # as in the trial that prompted the runs: two of them as PDFs


def write_pdf(text_file: Path, pdf: Path) -> Path:
    """The report as a PDF (reportlab): masthead lines, title, headings and numbered paragraphs, one per block."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    blocks = [b.strip() for b in text_file.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    story: list[Any] = []
    for i, block in enumerate(blocks):
        heading = len(block) < 80 and not block[0].isdigit()
        style = styles["Title"] if i == 2 else styles["Heading2"] if heading else styles["Normal"]
        story += [Paragraph(escape(block), style), Spacer(1, 6)]
    SimpleDocTemplate(str(pdf), pagesize=A4).build(story)
    return pdf


OTHER_SERIES = {"S/TEST/2023/549": LIBRARY / "other_series" / "S-TEST-2023-549.txt"}  # a global report, July 2023


def load_library(
    folder: Path, *, published: str | None = None, undated: bool = False, pdfs: bool = False, other: bool = False
) -> Any:
    """A fresh database with the article and the three reports, through the core functions.

    As a new user would: ``source add FILE --key K`` with no date, title or
    series typed in (what the documents state is read from them);
    ``published`` is the article's ``--published``. ``undated`` then erases
    the dates read from the documents (as when a PDF's masthead is not
    read), keeping what else the documents gave (symbol, title, series).
    """
    from sqlalchemy import text

    from verify.db.engine import open_database
    from verify.db.migrate import upgrade
    from verify.workflow.archiving import SourceMeta, add_source
    from verify.workflow.article_import import add_article, refresh_attributions

    database = open_database(str(folder / "claims.db"), create=True, check_schema=False)
    upgrade(database)
    add_article(database, ARTICLE, actor="bench", published=published)
    labels = json.loads((LIBRARY / "labels.json").read_text(encoding="utf-8"))
    documents = {key: LIBRARY / name for key, name in labels["documents"].items()}
    for key, path in {**documents, **(OTHER_SERIES if other else {})}.items():
        if pdfs and key in PDF_REPORTS:
            path = write_pdf(path, folder / (path.stem + ".pdf"))
        add_source(database, folder / "sources", str(path), SourceMeta(key=key), actor="bench")
    if undated:
        with database.write() as session:
            session.execute(text("UPDATE source SET published = NULL"))
            refresh_attributions(session)
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


# ---------------------------------------------------------------- dates, series, inheritance


def ablations() -> list[tuple[str, Any]]:
    """The default, then each part of the date/series/attribution ranking taken out alone."""
    from dataclasses import replace

    from verify.match.rank import DEFAULT_WEIGHTS as D

    return [
        ("default", D),
        ("− demotion of reports dated after the article", replace(D, published_after=False)),
        ("− latest report of the series before the article (recency 0)", replace(D, recency=0)),
        ("− the article's own sources (cited 0)", replace(D, cited=0)),
        ("− cited, − demotion", replace(D, cited=0, published_after=False)),
        ("− cited, − recency", replace(D, cited=0, recency=0)),
        ("− cited, − demotion, − recency", replace(D, cited=0, published_after=False, recency=0)),
        ("− attribution carried through the paragraph (continued 0)", replace(D, continued=0)),
        ("carried attribution at full weight (continued 1.0)", replace(D, continued=1.0)),
        ("− attribution (attribution 0)", replace(D, attribution=0)),
        ("− attribution and cited", replace(D, attribution=0, cited=0)),
    ]


def wrong_year_top1(ranked: list[list[dict[str, Any]]], labels: list[dict[str, Any]]) -> int:
    return sum(bool(rows) and rows[0]["source"] != label["source"] for rows, label in zip(ranked, labels, strict=True))


def runs_report(published: str) -> list[str]:
    """Library R@1 / R@5 for four ways the library can arrive, with each part ablated."""
    settings: list[tuple[Any, ...]] = [
        ("dates read from the documents, article without a date", None, False, False),
        (f"dates read from the documents, article --published {published}", published, False, False),
        ("documents' dates not read (symbols give the year), article without a date", None, True, False),
        (f"documents' dates not read (symbols give the year), article --published {published}", published, True, False),
        ("2022 and 2024 reports added as PDFs, article without a date", None, False, True),
        (f"2022 and 2024 reports added as PDFs, article --published {published}", published, False, True),
        ("+ another series: the team's global report of July 2023, article without a date", None, False, False, True),
        (f"+ another series (July 2023), article --published {published}", published, False, False, True),
        (
            f"+ another series, dates not read (symbols give the year), --published {published}",
            published,
            True,
            False,
            True,
        ),
    ]
    header = "| ranking | " + " | ".join(f"run {i + 1}" for i in range(len(settings))) + " |"
    lines = [
        "### Runs: no dates typed in for the sources",
        "",
        "Each cell: library R@1 / R@5 / claims whose first suggestion is from the wrong report (of 44).",
        "",
        *(f"- run {i + 1}: {name}" for i, (name, *_) in enumerate(settings)),
        "",
        header,
        "|---|" + "---|" * len(settings),
    ]
    cells: dict[str, list[str]] = {name: [] for name, _ in ablations()}
    extra: list[str] = []
    for k, (_name, date, undated, pdfs, *more) in enumerate(settings):
        with tempfile.TemporaryDirectory() as tmp:
            database = load_library(Path(tmp), published=date, undated=undated, pdfs=pdfs, other=bool(more))
            with database.read() as session:
                claims = labelled_claims(session)
                labels = [label for _, label in claims]
                for name, weights in ablations():
                    full = verify_ranking(session, claims, None, weights)
                    cells[name].append(
                        f"{recall(full, labels, 1):.3f} / {recall(full, labels, 5):.3f} / "
                        f"{wrong_year_top1(full, labels)}"
                    )
                if k == 1:
                    extra = source_flag_stats(session, claims)
            database.dispose()
    lines += [f"| {name} | " + " | ".join(row) + " |" for name, row in cells.items()]
    return [*lines, "", *extra]


def source_flag_stats(session: Any, claims: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """How the published_after and other_report flags fall on the top-5 of the run with the article's date."""
    from verify.match.rank import suggest_for_claim

    rows = [s.as_dict() for cid, _ in claims for s in suggest_for_claim(session, cid, limit=5)]
    after = [r for r in rows if any(f["type"] == "published_after" for f in r["flags"])]
    other = [r for r in rows if any(f["type"] == "other_report" for f in r["flags"])]
    return [
        "| top-5 suggestions, run 2 | value |",
        "|---|---|",
        f"| suggestions | {len(rows)} |",
        f"| flagged published_after (all from S/TEST/2024/92) | {len(after)} "
        f"({sum(r['source'] == 'S/TEST/2024/92' for r in after)}) |",
        f"| flagged other_report (source is not the attributed one) | {len(other)} |",
        f"| other_report on a suggestion from the attributed source (must be 0) | "
        f"{sum(any(f['type'] == 'other_report' and f['claim'] == r['source'] for f in r['flags']) for r in rows)} |",
    ]


def inheritance_report() -> list[str]:
    """Precision and recall of attribution carried through a paragraph, on two sets of labels."""
    from sqlalchemy import text

    ours = json.loads((REPO / "tests" / "data" / "attribution_labels.json").read_text(encoding="utf-8"))
    library = json.loads((LIBRARY / "labels.json").read_text(encoding="utf-8"))["claims"]
    with tempfile.TemporaryDirectory() as tmp:
        database = load_library(Path(tmp))
        with database.read() as session:
            found = {
                (p, s): json.loads(a) if isinstance(a, str) else a
                for p, s, a in session.execute(text("SELECT paragraph, sentence, attribution FROM claim")).all()
            }
        database.dispose()
    carried = {pos for pos, a in found.items() if a and a.get("via") == "paragraph"}
    explicit = {pos for pos, a in found.items() if a and a.get("via") != "paragraph"}
    # 1. within the paragraphs that attribute (our labels): is the carried attribution right?
    relies = {(int(p), int(s)) for p, v in ours["paragraphs"].items() for s, ok in v["continuing"].items() if ok}
    judged = {(int(p), int(s)) for p, v in ours["paragraphs"].items() for s in v["continuing"]}
    p1 = len(carried & relies) / len(carried) if carried else 1.0
    r1 = len(carried & relies) / len(relies)
    # 2. the whole article: sentences relying on the June 2023 report (ours), and those the library's stand-in
    #    report supports (tests/data/library/labels.json), leaving out the explicitly attributed ones.
    report = {tuple(x) for x in ours["report"]} - explicit
    to_report = {pos for pos in carried if found[pos]["source_key"] == "S/TEST/2023/14"}
    supported = {(c["paragraph"], c["sentence"]) for c in library} - explicit
    return [
        "### Attribution carried through a paragraph",
        "",
        f"Sentences given a carried attribution: {len(carried)} "
        f"({', '.join(f'{p}.{s}' for p, s in sorted(carried))}); judged by our labels: {len(carried & judged)}.",
        "",
        "| labels | carried right | precision | recall |",
        "|---|---|---|---|",
        f"| ours: sentences continuing an attributed paragraph (tests/data/attribution_labels.json) | "
        f"{len(carried & relies)} of {len(carried)} | {p1:.3f} | {r1:.3f} ({len(carried & relies)}/{len(relies)}) |",
        f"| ours: every sentence relying on the June 2023 report, not attributed explicitly | "
        f"{len(to_report & report)} of {len(to_report)} | "
        f"{len(to_report & report) / len(to_report) if to_report else 1.0:.3f} | "
        f"{len(to_report & report) / len(report):.3f} ({len(to_report & report)}/{len(report)}) |",
        f"| library labels: sentences the stand-in 2023 report supports, not attributed explicitly | "
        f"{len(to_report & supported)} of {len(to_report)} | "
        f"{len(to_report & supported) / len(to_report) if to_report else 1.0:.3f} | "
        f"{len(to_report & supported) / len(supported):.3f} ({len(to_report & supported)}/{len(supported)}) |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    parser.add_argument("--misses", action="store_true", help="list the claims not found first")
    parser.add_argument(
        "--published",
        default=ARTICLE_PUBLISHED,
        help=f"the article's publication date for the runs with one (default {ARTICLE_PUBLISHED})",
    )
    parser.add_argument("--no-runs", action="store_true", help="only the first table (one library, no ablation)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = load_library(Path(tmp))
        with database.read() as session:
            lines = report(session)
            if args.misses:
                lines += ["", *missed(session)]
        database.dispose()
    if not args.no_runs:
        lines += ["", *runs_report(args.published), "", *inheritance_report()]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
