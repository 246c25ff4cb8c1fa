"""Progress per article: counts by status and kind, share reviewed, who did what.

Plain SQL through a :class:`~verify.db.reader.Reader` (no ORM), because
``verify status`` is the command people run most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verify.db.queries.articles import article_rows, latest_revision_numbers
from verify.db.queries.claims import claim_tallies
from verify.db.queries.events import verdict_setter_counts
from verify.db.queries.evidence import recheck_counts
from verify.db.queries.sources import passage_counts, source_summary_rows
from verify.db.reader import Reader, as_reader
from verify.db.vocabulary import CLAIM_KINDS, CLAIM_STATUSES
from verify.workflow.signoff_state import signed_off_by_article

if TYPE_CHECKING:
    from sqlmodel import Session

OPEN_STATUSES = ("unreviewed", "in_progress")


def article_status(source: Reader | Session) -> list[dict[str, Any]]:
    """One object per article; withdrawn claims are counted but not in the totals."""
    reader = as_reader(source)
    by_status: dict[int, dict[str, int]] = {}
    by_kind: dict[int, dict[str, int]] = {}
    assigned: dict[int, dict[str, int]] = {}
    for article_id, status, kind, assignee, count in claim_tallies(reader):
        statuses = by_status.setdefault(article_id, dict.fromkeys(CLAIM_STATUSES, 0))
        statuses[status] = statuses.get(status, 0) + count
        if status == "withdrawn":
            continue
        kinds = by_kind.setdefault(article_id, dict.fromkeys(CLAIM_KINDS, 0))
        kinds[kind] = kinds.get(kind, 0) + count
        if assignee:
            people = assigned.setdefault(article_id, {})
            people[assignee] = people.get(assignee, 0) + count
    verdicts = _verdicts_by_reviewer(reader)
    signed_off = signed_off_by_article(reader)
    recheck: dict[str, dict[int, int]] = {"orphaned": {}, "reworded": {}}
    for article_id, anchor, count in recheck_counts(reader):
        recheck[anchor][article_id] = count
    revisions = latest_revision_numbers(reader)
    result = []
    for article_id, title, url in article_rows(reader):
        statuses = by_status.get(article_id, dict.fromkeys(CLAIM_STATUSES, 0))
        total = sum(n for s, n in statuses.items() if s != "withdrawn")
        reviewed = total - sum(statuses[s] for s in OPEN_STATUSES)
        reviewers = sorted(set(assigned.get(article_id, {})) | set(verdicts.get(article_id, {})))
        result.append(
            {
                "article_id": article_id,
                "title": title,
                "url": url,
                "revision": revisions.get(article_id, 0),
                "claims": total,
                "withdrawn": statuses["withdrawn"],
                "by_status": statuses,
                "by_kind": by_kind.get(article_id, dict.fromkeys(CLAIM_KINDS, 0)),
                "reviewed": reviewed,
                "orphaned_evidence": recheck["orphaned"].get(article_id, 0),
                "reworded_evidence": recheck["reworded"].get(article_id, 0),
                "signed_off": signed_off.get(article_id, 0),
                "share_reviewed": round(reviewed / total, 4) if total else 0.0,
                "reviewers": [
                    {
                        "name": name,
                        "assigned": assigned.get(article_id, {}).get(name, 0),
                        "verdicts": verdicts.get(article_id, {}).get(name, 0),
                    }
                    for name in reviewers
                ],
            }
        )
    return result


def _verdicts_by_reviewer(reader: Reader) -> dict[int, dict[str, int]]:
    """Who set each claim's current status (the last status event per claim)."""
    rows = verdict_setter_counts(reader)
    verdicts: dict[int, dict[str, int]] = {}
    for article_id, actor, new, count in rows:
        if new in OPEN_STATUSES or new == "withdrawn" or article_id is None:
            continue
        people = verdicts.setdefault(article_id, {})
        people[actor] = people.get(actor, 0) + count
    return verdicts


def source_status(source: Reader | Session) -> list[dict[str, Any]]:
    """Current sources: retrieved or only registered, and how many passages each has."""
    reader = as_reader(source)
    passages = passage_counts(reader)
    return [
        {
            "key": key,
            "title": title,
            "publisher": publisher,
            "published": published,
            "url": url,
            "retrieved": retrieved_at is not None,
            "retrieved_at": retrieved_at,
            "version": version,
            "passages": passages.get(source_id, 0),
        }
        for source_id, key, title, publisher, published, url, retrieved_at, version in source_summary_rows(reader)
    ]


def status_report(source: Reader | Session) -> dict[str, Any]:
    reader = as_reader(source)
    return {"articles": article_status(reader), "sources": source_status(reader)}
