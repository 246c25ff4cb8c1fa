"""Make ``tests/data/schema-0001.db``: a claims database as the first released schema left it.

The schema comes from the 0001 migration itself (alembic, programmatically),
so the file is exactly what a verify of that release created; the rows are
written with plain SQL, valid for that schema and independent of today's code:
the shipped article (one revision, claims from its first paragraphs), the
fictional report ``tests/data/library/S-TEST-2023-14.txt`` with its numbered
paragraphs as passages, and a reviewer's work on the claims — statuses, notes,
evidence (one retracted) and the audit events that go with them. Timestamps
are fixed, so running it again gives the same rows.

``tests/test_upgrade.py`` upgrades a copy of the file and checks that every
row survives. Regenerate (only if the fixture must change; the point of the
file is that it stays old):

    .venv/bin/python tests/data/make_schema_0001.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

OUT = Path(__file__).with_name("schema-0001.db")
ARTICLE = REPO / "articles" / "taliban-strategy-al-qaeda.txt"
REPORT = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
KEY = "S/TEST/2023/14"
WHO = "amira"
EDITOR = "jonas"
CLAIM_PARAGRAPHS = 3  # claims are made for the sentences of the first paragraphs only


def at(minute: int) -> str:
    return f"2024-03-01T09:{minute:02d}:00.000000Z"


def sentences(text: str, offset: int) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z“\"])", text):
        spans.append((offset + start, offset + match.start()))
        start = match.end()
    spans.append((offset + start, offset + len(text)))
    return spans


def article_rows() -> tuple[str, str, list[list[int]]]:
    lines = ARTICLE.read_text(encoding="utf-8").split("\n")
    title, paragraphs = lines[0].strip(), [line.strip() for line in lines[1:] if line.strip()]
    body = "\n\n".join(paragraphs)
    spans, position = [], 0
    for paragraph in paragraphs:
        spans.append([position, position + len(paragraph)])
        position += len(paragraph) + 2
    return title, body, spans


def report_passages(text: str) -> list[dict]:
    passages, position = [], 0
    for block in text.split("\n\n"):
        start = text.index(block, position)
        position = start + len(block)
        numbered = re.match(r"(\d+)\. ", block)
        if numbered:
            passages.append(
                {
                    "locator": f"para. {numbered.group(1)}",
                    "paragraph": int(numbered.group(1)),
                    "start": start + numbered.end(),
                    "end": position,
                    "text": block[numbered.end() :],
                }
            )
    return passages


def main() -> None:
    from sqlalchemy import text

    from verify.db.engine import open_database
    from verify.db.migrate import upgrade

    if OUT.exists():
        OUT.unlink()
    database = open_database(str(OUT), create=True, check_schema=False)
    assert upgrade(database, "0001") == (None, "0001")

    title, body, spans = article_rows()
    report = REPORT.read_text(encoding="utf-8")
    passages = report_passages(report)
    by_locator = {p["locator"]: i + 1 for i, p in enumerate(passages)}
    claims = []
    for number, (start, end) in enumerate(spans[:CLAIM_PARAGRAPHS], start=1):
        for sentence, (s, e) in enumerate(sentences(body[start:end], start), start=1):
            claims.append({"paragraph": number, "sentence": sentence, "start": s, "end": e, "text": body[s:e]})

    rows: list[tuple[str, dict]] = []

    def add(table: str, **values: object) -> None:
        rows.append((table, values))

    add(
        "article",
        id=1,
        title=title,
        author="Lucas Webber",
        publication="Example Review",
        url="https://example.org/taliban-al-qaeda",
        published="2024-01-15",
        created_at=at(0),
        created_by=WHO,
    )
    add(
        "article_revision",
        id=1,
        article_id=1,
        number=1,
        text=body,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        paragraph_spans=json.dumps(spans),
        source_name=ARTICLE.name,
        imported_at=at(0),
        imported_by=WHO,
    )
    add("event", id=1, at=at(0), actor=WHO, action="import", article_id=1, new=title, note="revision 1")
    statuses = {1: "verified", 2: "disputed", 3: "unsupported", 4: "opinion", 5: "in_progress"}
    for index, claim in enumerate(claims, start=1):
        kind = "opinion" if index == 4 else "factual"
        hints = {
            "numbers": [],
            "dates": [],
            "places": ["Afghanistan"] if "Afghanistan" in claim["text"] else [],
            "people": [],
            "organisations": ["al-Qaeda"] if "al-Qaeda" in claim["text"] else [],
            "score": 1,
        }
        add(
            "claim",
            id=index,
            article_id=1,
            revision_id=1,
            kind=kind,
            hints=json.dumps(hints),
            attribution=json.dumps({"source": KEY, "phrase": "a June 2023 UN report"}) if index == 1 else None,
            status="unreviewed",
            assignee=None,
            changed=False,
            version=1,
            created_at=at(0),
            updated_at=at(0),
            updated_by=WHO,
            **claim,
        )
    sha = hashlib.sha256(report.encode()).hexdigest()
    add(
        "source",
        id=1,
        key=KEY,
        version=1,
        is_current=True,
        title=report.split("\n\n")[2].strip(),
        publisher="United Nations Security Council",
        published="2023-06-01",
        symbol=KEY,
        series="Monitoring Team reports",
        url=None,
        final_url=None,
        http_status=None,
        etag=None,
        last_modified=None,
        retrieved_at=at(1),
        sha256=sha,
        size=len(report.encode()),
        media_type="text/plain",
        path="s-test-2023-14",
        extractor="plain",
        extractor_version="1",
        text=report,
        note="added from a local file",
        created_at=at(1),
        created_by=WHO,
    )
    for seq, passage in enumerate(passages, start=1):
        add("passage", id=seq, source_id=1, seq=seq, kind="paragraph", page=None, footnote_to=None, **passage)
    add("event", id=2, at=at(1), actor=WHO, action="source_add", source_id=1, new=KEY)

    events = 2

    def event(minute: int, action: str, claim_id: int, **values: object) -> None:
        nonlocal events
        events += 1
        add(
            "event",
            id=events,
            at=at(minute),
            actor=values.pop("actor", WHO),
            action=action,
            article_id=1,
            claim_id=claim_id,
            **values,
        )

    def evidence(eid: int, claim_id: int, locator: str, quote: str, stance: str, minute: int, **extra: object) -> None:
        passage = passages[by_locator[locator] - 1]
        start = report.index(quote, passage["start"])
        add(
            "evidence",
            id=eid,
            claim_id=claim_id,
            source_id=1,
            passage_id=by_locator[locator],
            quote=quote,
            submitted_quote=None,
            start=start,
            end=start + len(quote),
            prefix=report[max(0, start - 32) : start],
            suffix=report[start + len(quote) : start + len(quote) + 32],
            locator=locator,
            stance=stance,
            anchor="exact",
            anchor_score=100.0,
            added_by=WHO,
            added_at=at(minute),
            **{"note": None, "retracted_at": None, "retracted_by": None, "retraction_reason": None, **extra},
        )
        event(minute, "evidence_link", claim_id, source_id=1, evidence_id=eid, new=f"{stance}: {KEY} {locator}")

    # Claim 1: verified on a supporting quote; a context quote linked then retracted.
    evidence(
        1, 1, "para. 1", "the Taliban and Al-Qaida remain closely tied", "supports", 10, note="para. 1, first sentence"
    )
    evidence(
        2,
        1,
        "para. 2",
        "Al-Qaida is regaining strength in Afghanistan",
        "context",
        11,
        retracted_at=at(12),
        retracted_by=WHO,
        retraction_reason="wrong paragraph",
    )
    event(12, "evidence_retract", 1, source_id=1, evidence_id=2, old="context", new="retracted", note="wrong paragraph")
    event(13, "status", 1, old="unreviewed", new="verified")
    # Claim 2: disputed with contradicting evidence and a note.
    evidence(3, 2, "para. 3", "Al-Qaida has deliberately opted for a discreet posture", "contradicts", 20)
    add(
        "note",
        id=1,
        claim_id=2,
        author=WHO,
        created_at=at(21),
        text="The report says the low profile is deliberate, not a revival.",
    )
    event(21, "note", 2, new="The report says the low profile is deliberate, not a revival.")
    event(
        21,
        "status",
        2,
        old="unreviewed",
        new="disputed",
        note="The report says the low profile is deliberate, not a revival.",
    )
    # Claim 3: unsupported, with the note saying what was searched.
    add(
        "note",
        id=2,
        claim_id=3,
        author=WHO,
        created_at=at(30),
        text="Searched S/TEST/2023/14 for ‘symbiotic’ — nothing.",
    )
    event(30, "note", 3, new="Searched S/TEST/2023/14 for ‘symbiotic’ — nothing.")
    event(
        30, "status", 3, old="unreviewed", new="unsupported", note="Searched S/TEST/2023/14 for ‘symbiotic’ — nothing."
    )
    # Claim 4: opinion; claim 5: in progress and assigned to the editor.
    event(40, "status", 4, old="unreviewed", new="opinion")
    event(41, "status", 5, old="unreviewed", new="in_progress")
    event(42, "assign", 5, old=None, new=EDITOR)
    final = {1: (4, at(13)), 2: (3, at(21)), 3: (2, at(30)), 4: (2, at(40)), 5: (3, at(42))}

    with database.engine.begin() as conn:
        for table, values in rows:
            if table == "claim" and values["id"] in statuses:
                values = {
                    **values,
                    "status": statuses[values["id"]],
                    "version": final[values["id"]][0],
                    "updated_at": final[values["id"]][1],
                    "assignee": EDITOR if values["id"] == 5 else None,
                }
            columns = ", ".join(f'"{name}"' for name in values)
            marks = ", ".join(f":{name}" for name in values)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
    database.dispose()
    conn = sqlite3.connect(OUT)  # compact the file; it stays in WAL mode, as verify left it
    conn.execute("VACUUM")
    conn.close()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {len(claims)} claims, {len(passages)} passages, {events} events")


if __name__ == "__main__":
    main()
