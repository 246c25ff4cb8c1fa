"""Progress per article: counts by status and kind, share reviewed, who did what.

Plain SQL through a :class:`~verify.db.reader.Reader` (no ORM), because
``verify status`` is the command people run most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verify.db.queries.articles import article_rows, latest_revision_numbers, revision_origins
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


@dataclass(frozen=True, slots=True)
class ReviewerTally:
    """What one person did on an article: claims assigned to them, and current verdicts they set."""

    name: str
    assigned: int
    verdicts: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "assigned": self.assigned, "verdicts": self.verdicts}


@dataclass(frozen=True, slots=True)
class ArticleStatus:
    """One article's progress, as ``verify status`` and ``article list`` show it.

    Typed so renderers read attributes a type checker can follow;
    :meth:`to_json` gives the documented object unchanged. Withdrawn claims
    are counted in ``withdrawn`` and ``by_status`` but not in ``claims``.
    """

    article_id: int
    title: str
    url: str | None
    revision: int
    claims: int
    withdrawn: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    reviewed: int
    orphaned_evidence: int
    reworded_evidence: int
    signed_off: int
    share_reviewed: float
    reviewers: tuple[ReviewerTally, ...]
    revisions: tuple[RevisionOrigin, ...] = ()

    @property
    def origin(self) -> RevisionOrigin | None:
        """The latest revision's origin."""
        return self.revisions[-1] if self.revisions else None

    def to_json(self) -> dict[str, Any]:
        """The documented article object (docs/json.md)."""
        return {
            "id": self.article_id,
            "title": self.title,
            "url": self.url,
            "revision": self.revision,
            "claims": self.claims,
            "withdrawn": self.withdrawn,
            "by_status": self.by_status,
            "by_kind": self.by_kind,
            "reviewed": self.reviewed,
            "orphaned_evidence": self.orphaned_evidence,
            "reworded_evidence": self.reworded_evidence,
            "signed_off": self.signed_off,
            "share_reviewed": self.share_reviewed,
            "reviewers": [r.to_json() for r in self.reviewers],
            "revisions": [r.to_json() for r in self.revisions],
        }


@dataclass(frozen=True, slots=True)
class RevisionOrigin:
    """Where one revision of an article came from and when it was imported.

    ``origin`` is the file name or URL read; ``format`` what it was read as
    (None for revisions imported before formats were recorded).
    """

    number: int
    origin: str | None
    format: str | None
    imported_at: str

    def describe(self) -> str:
        """The origin as tables and the status page show it: ``draft.docx (docx)``."""
        where = self.origin or "(unknown origin)"
        return f"{where} ({self.format})" if self.format else where

    def to_json(self) -> dict[str, Any]:
        return {"revision": self.number, "origin": self.origin, "format": self.format, "imported_at": self.imported_at}


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One current source in ``verify status``: retrieved or only registered, and its passage count."""

    key: str
    title: str | None
    publisher: str | None
    published: str | None
    url: str | None
    retrieved: bool
    retrieved_at: str | None
    version: int
    passages: int
    kind: str | None = None
    internal: bool = False  # the newsroom's own: never named in public outputs

    @property
    def unrecorded_call(self) -> bool:
        """An interview registered without notes or a transcript: nothing to retrieve."""
        return self.kind == "interview" and not self.retrieved

    def to_json(self) -> dict[str, Any]:
        """The documented source object of the status report."""
        return {
            "key": self.key,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.published,
            "url": self.url,
            "retrieved": self.retrieved,
            "retrieved_at": self.retrieved_at,
            "version": self.version,
            "passages": self.passages,
            "kind": self.kind,
            "internal": self.internal,
        }


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Everything ``verify status`` shows: the articles' progress and the sources."""

    articles: tuple[ArticleStatus, ...]
    sources: tuple[SourceStatus, ...]

    def to_json(self) -> dict[str, Any]:
        return {"articles": [a.to_json() for a in self.articles], "sources": [s.to_json() for s in self.sources]}


def article_status(source: Reader | Session) -> list[ArticleStatus]:
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
    origins: dict[int, list[RevisionOrigin]] = {}
    for article_id, number, name, form, imported_at in revision_origins(reader):
        origins.setdefault(article_id, []).append(RevisionOrigin(number, name, form, imported_at))
    result = []
    for article_id, title, url in article_rows(reader):
        statuses = by_status.get(article_id, dict.fromkeys(CLAIM_STATUSES, 0))
        total = sum(n for s, n in statuses.items() if s != "withdrawn")
        reviewed = total - sum(statuses[s] for s in OPEN_STATUSES)
        reviewers = sorted(set(assigned.get(article_id, {})) | set(verdicts.get(article_id, {})))
        result.append(
            ArticleStatus(
                article_id=article_id,
                title=title,
                url=url,
                revision=revisions.get(article_id, 0),
                claims=total,
                withdrawn=statuses["withdrawn"],
                by_status=statuses,
                by_kind=by_kind.get(article_id, dict.fromkeys(CLAIM_KINDS, 0)),
                reviewed=reviewed,
                orphaned_evidence=recheck["orphaned"].get(article_id, 0),
                reworded_evidence=recheck["reworded"].get(article_id, 0),
                signed_off=signed_off.get(article_id, 0),
                share_reviewed=round(reviewed / total, 4) if total else 0.0,
                reviewers=tuple(
                    ReviewerTally(
                        name,
                        assigned.get(article_id, {}).get(name, 0),
                        verdicts.get(article_id, {}).get(name, 0),
                    )
                    for name in reviewers
                ),
                revisions=tuple(origins.get(article_id, [])),
            )
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


def source_status(source: Reader | Session) -> list[SourceStatus]:
    """Current sources: retrieved or only registered, and how many passages each has."""
    reader = as_reader(source)
    passages = passage_counts(reader)
    return [
        SourceStatus(
            key=key,
            title=title,
            publisher=publisher,
            published=published,
            url=url,
            retrieved=retrieved_at is not None,
            retrieved_at=retrieved_at,
            version=version,
            passages=passages.get(source_id, 0),
            kind=kind,
            internal=bool(internal),
        )
        for (
            source_id,
            key,
            title,
            publisher,
            published,
            url,
            retrieved_at,
            version,
            kind,
            internal,
        ) in source_summary_rows(reader)
    ]


def status_report(source: Reader | Session) -> StatusReport:
    """Both parts of ``verify status`` read through one reader."""
    reader = as_reader(source)
    return StatusReport(tuple(article_status(reader)), tuple(source_status(reader)))
