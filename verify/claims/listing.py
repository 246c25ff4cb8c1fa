"""Reading claims for listings and the detail view, in the documented JSON shape.

Listings are plain SQL through a :class:`~verify.db.reader.Reader`, so
``verify claim list`` neither loads the ORM nor builds objects, and counts
evidence in one grouped query: 10,000 claims list in a fraction of a second.
The detail view (one claim with its evidence, notes and history) reads the
same way, so ``verify claim show`` starts as fast as ``verify status``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from verify.db.queries.articles import article_exists, article_rows
from verify.db.queries.claims import claim_context, claim_row, claim_rows, not_found
from verify.db.queries.events import history_rows, note_rows
from verify.db.queries.evidence import evidence_rows, stance_counts
from verify.db.reader import Reader, as_reader, in_list, json_value
from verify.db.vocabulary import check_kind_name, check_status_name
from verify.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class ClaimFilter:
    article: int | None = None
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    paragraph: int | None = None
    assignee: str | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One claim as ``claim list`` shows it: position, kind, status, assignee and evidence counts.

    Typed so the listing, the unsupported reasons and the CSV export read
    attributes a type checker can follow; :meth:`to_json` gives the
    documented row (docs/json.md).
    """

    id: int
    article_id: int
    paragraph: int
    sentence: int
    text: str
    kind: str
    status: str
    assignee: str | None
    attribution: dict[str, Any] | None
    evidence_counts: dict[str, int]  # supports, contradicts, context (in force)
    version: int
    changed: bool
    updated_at: str | None
    updated_by: str | None

    def to_json(self) -> dict[str, Any]:
        """The documented ``claim list`` row (docs/json.md)."""
        return row_json(self)


ROW_KEYS = tuple(f.name for f in fields(ClaimRow))  # the documented row's keys, in their documented order


def row_fields(claim: Any) -> dict[str, Any]:
    """The claim-row attributes of ``claim``, to build a richer claim object from a row."""
    return {key: getattr(claim, key) for key in ROW_KEYS}


def row_json(claim: Any) -> dict[str, Any]:
    """The claim-row keys every claim JSON starts with (list, show, unsupported), read from ``claim``."""
    return row_fields(claim)


def _row(values: Any, counts: dict[int, dict[str, int]]) -> ClaimRow:
    (
        cid,
        article_id,
        paragraph,
        sentence,
        text,
        kind,
        status,
        assignee,
        attribution,
        version,
        changed,
        updated_at,
        updated_by,
    ) = values
    found = counts.get(cid, {})
    return ClaimRow(
        id=cid,
        article_id=article_id,
        paragraph=paragraph,
        sentence=sentence,
        text=text,
        kind=kind,
        status=status,
        assignee=assignee,
        attribution=json_value(attribution),
        evidence_counts={stance: found.get(stance, 0) for stance in ("supports", "contradicts", "context")},
        version=version,
        changed=bool(changed),
        updated_at=updated_at,
        updated_by=updated_by,
    )


def list_claims(source: Reader | Session, where: ClaimFilter) -> tuple[list[ClaimRow], int]:
    """Matching claims in article order, and how many matched before ``limit``."""
    reader = as_reader(source)
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if where.article is not None:
        if not article_exists(reader, where.article):
            raise NotFound(f"no article with id {where.article}; see 'verify status'")
        conditions.append("c.article_id = :article")
        params["article"] = where.article
    if where.status:
        statuses = [check_status_name(s) for s in where.status]
        conditions.append(f"c.status IN ({in_list('status', statuses, params)})")
    else:  # withdrawn claims are history, not part of the article any more: list them on request
        conditions.append("c.status <> 'withdrawn'")
    if where.kind:
        kinds = [check_kind_name(k) for k in where.kind]
        conditions.append(f"c.kind IN ({in_list('kind', kinds, params)})")
    if where.paragraph is not None:
        conditions.append("c.paragraph = :paragraph")
        params["paragraph"] = where.paragraph
    if where.assignee is not None:
        if where.assignee:
            conditions.append("c.assignee = :assignee")
            params["assignee"] = where.assignee
        else:
            conditions.append("c.assignee IS NULL")
    rows = claim_rows(reader, " AND ".join(conditions), params)
    total = len(rows)
    if where.limit is not None:
        rows = rows[: where.limit]
    counts = stance_counts(reader, None if len(rows) > 500 else [r[0] for r in rows])
    return [_row(r, counts) for r in rows], total


def article_titles(source: Reader | Session) -> dict[int, str]:
    """Article id -> title, for listings that must say which article a claim is from."""
    return {int(r[0]): str(r[1]) for r in article_rows(source)}


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One evidence of a claim, retracted or in force, with its flags and who accepted them.

    Typed so ``evidence list``, ``claim show`` and the review screen read
    attributes a type checker can follow; :meth:`to_json` gives the documented
    evidence object (docs/json.md).
    """

    id: int
    claim_id: int
    source: str
    source_title: str | None
    passage_id: int | None
    locator: str | None
    stance: str
    quote: str
    submitted_quote: str | None
    difference_reason: str | None
    anchor: str | None
    note: str | None
    added_by: str
    added_at: str
    retracted: bool
    retracted_at: str | None
    retracted_by: str | None
    retraction_reason: str | None
    flags: tuple[dict[str, Any], ...]
    flags_accepted: dict[str, Any] | None  # by, at, reason
    page: int | None
    kind: str = "quote"  # quote (anchored in the source) or note (of a call without a transcript)
    source_internal: bool = False  # the source is the newsroom's own: never named in public outputs
    source_kind: str | None = None
    call: str | None = None  # an interview's "Ana Ruiz, spokesperson, phone, 2026-11-30"

    @property
    def is_note(self) -> bool:
        """A note of what was said on a call without a transcript: not a quote, nothing anchored."""
        return self.kind == "note"

    @property
    def shown(self) -> str:
        """The evidence as people read it: a quote in quotation marks, a call note labelled as one."""
        if self.is_note:
            return f"note of a call, not a quote: {self.quote}"
        return f"“{self.quote}”"

    @property
    def where(self) -> str:
        """``S/2023/370 para. 68``, ``minister-call (internal)``: the source and place it cites."""
        place = f"{self.source} {self.locator}" if self.locator else self.source
        return place + (" (internal)" if self.source_internal else "")

    def to_json(self) -> dict[str, Any]:
        """The documented evidence object (docs/json.md): the same in ``evidence list``, ``claim show`` and
        ``evidence link``; ``by``/``at`` say who linked it and when."""
        return {
            "id": self.id,
            "claim_id": self.claim_id,
            "source_key": self.source,
            "source_title": self.source_title,
            "passage_id": self.passage_id,
            "locator": self.locator,
            "page": self.page,
            "stance": self.stance,
            "quote": self.quote,
            "submitted_quote": self.submitted_quote,
            "difference_reason": self.difference_reason,
            "anchor": self.anchor,
            "note": self.note,
            "by": self.added_by,
            "at": self.added_at,
            "retracted": self.retracted,
            "retracted_at": self.retracted_at,
            "retracted_by": self.retracted_by,
            "retraction_reason": self.retraction_reason,
            "flags": list(self.flags),
            "flags_accepted": self.flags_accepted,
            "kind": self.kind,
            "source_internal": self.source_internal,
        }


def claim_evidence(source: Reader | Session, claim_id: int) -> list[EvidenceItem]:
    """The claim's evidence, retracted included, oldest first (``evidence list``, ``claim show``, review)."""
    result = []
    for row in evidence_rows(source, claim_id):
        (
            evidence_id,
            key,
            title,
            passage_id,
            locator,
            stance,
            quote,
            submitted_quote,
            difference_reason,
            anchor,
            note,
            added_by,
            added_at,
            retracted_at,
            retracted_by,
            retraction_reason,
            flags,
            accepted_by,
            accepted_at,
            accepted_reason,
            page,
            evidence_kind,
            internal,
            source_kind,
            person,
            role,
            method,
            published,
        ) = row
        result.append(
            EvidenceItem(
                id=evidence_id,
                claim_id=claim_id,
                source=key,
                source_title=title,
                passage_id=passage_id,
                locator=locator,
                stance=stance,
                quote=quote,
                submitted_quote=submitted_quote,
                difference_reason=difference_reason,
                anchor=anchor,
                note=note,
                added_by=added_by,
                added_at=added_at,
                retracted=retracted_at is not None,
                retracted_at=retracted_at,
                retracted_by=retracted_by,
                retraction_reason=retraction_reason,
                flags=tuple(json_value(flags) or []),
                flags_accepted=None
                if accepted_at is None
                else {"by": accepted_by, "at": accepted_at, "reason": accepted_reason},
                page=page,
                kind=evidence_kind or "quote",
                source_internal=bool(internal),
                source_kind=source_kind,
                call=", ".join(p for p in (person, role, method, published) if p) or None
                if source_kind == "interview"
                else None,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class ClaimNote:
    """A reviewer's note on a claim; notes are never edited, so this is the whole record."""

    id: int
    author: str
    at: str
    text: str
    public: bool  # an explanation for readers (the public appendix prints it); else internal

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "by": self.author, "at": self.at, "text": self.text, "public": self.public}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audit event of a claim: who changed what from ``old`` to ``new``, and why."""

    actor: str
    at: str
    action: str
    old: str | None
    new: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.actor,
            "at": self.at,
            "action": self.action,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """The claim's paragraph cut around it, so a screen can mark the claim without recomputing spans."""

    before: str
    claim: str
    after: str


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    """One claim as ``claim show`` and the review screen see it.

    Typed so renderers read attributes a type checker can follow instead of
    string keys; :meth:`to_json` gives the documented JSON shape (docs/json.md).
    """

    id: int
    article_id: int
    paragraph: int
    sentence: int
    text: str
    kind: str
    status: str
    assignee: str | None
    attribution: dict[str, Any] | None
    evidence_counts: dict[str, int]
    version: int
    changed: bool
    updated_at: str | None
    updated_by: str | None
    context: ClaimContext | None
    paragraph_text: str
    article_title: str | None
    hints: dict[str, Any] | None
    span: tuple[int, int]
    evidence: tuple[EvidenceItem, ...]
    notes: tuple[ClaimNote, ...]
    history: tuple[HistoryEntry, ...]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (``context`` is null when the paragraph is unknown)."""
        result = row_json(self)
        result["context"] = (
            None
            if self.context is None
            else {"before": self.context.before, "claim": self.context.claim, "after": self.context.after}
        )
        result["paragraph_text"] = self.paragraph_text
        result["article_title"] = self.article_title
        result["hints"] = self.hints
        result["span"] = list(self.span)
        result["evidence"] = [e.to_json() for e in self.evidence]
        result["notes"] = [n.to_json() for n in self.notes]
        result["history"] = [h.to_json() for h in self.history]
        return result


def show_claim(source: Reader | Session, claim_id: int) -> ClaimDetail:
    """One claim with its context, hints, evidence, notes and full history.

    Plain SQL like the listings, so ``verify claim show`` starts without the
    ORM; the review screen passes its session and runs the same statements.
    """
    reader = as_reader(source)
    row = claim_row(reader, claim_id)
    if row is None:
        raise not_found(claim_id)
    base = _row(row, stance_counts(reader, [claim_id]))
    start, end, hints, revision_text, spans, title = claim_context(reader, claim_id)
    spans = json_value(spans)
    paragraph = ""
    context = None
    if revision_text is not None and 0 < base.paragraph <= len(spans):
        first, last = spans[base.paragraph - 1]
        paragraph = revision_text[first:last]
        context = ClaimContext(revision_text[first:start], revision_text[start:end], revision_text[end:last])
    return ClaimDetail(
        **row_fields(base),
        context=context,
        paragraph_text=paragraph,
        article_title=title,
        hints=json_value(hints),
        span=(start, end),
        evidence=tuple(claim_evidence(reader, claim_id)),
        notes=tuple(ClaimNote(row[0], row[1], row[2], row[3], bool(row[4])) for row in note_rows(reader, claim_id)),
        history=tuple(HistoryEntry(*row) for row in history_rows(reader, claim_id)),
    )
