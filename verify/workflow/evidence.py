"""Linking evidence to claims and retracting it; each one audited transaction.

A link anchors the quote in the source's stored text (see
:mod:`verify.match.anchor`) and stores the source's own characters at that
span, with context for re-anchoring, the passage and its locator. A quote that
cannot be anchored is refused with the closest match shown. Evidence must sit
inside a passage (so it has a locator to cite): a quote found only in a title
line or running header is refused, as is a quote of fewer than
:data:`~verify.match.anchor.MIN_QUOTE_WORDS` words, and a quote that occurs in
several passages unless ``--passage`` says which one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from verify import clock
from verify.db.engine import Database
from verify.db.lookups import require_source
from verify.db.models import STANCES, Claim, Evidence, Passage, Source
from verify.errors import NotFound, RefusedChange, VerifyError
from verify.match.anchor import MIN_QUOTE_WORDS, Anchor, anchor, occurrences, word_count
from verify.workflow.audit import record
from verify.workflow.claims import evidence_counts, get_claim
from verify.workflow.signoff import lapse_signoffs


@dataclass(frozen=True)
class Linked:
    evidence_id: int
    claim_id: int
    source: str
    locator: str | None
    quote: str
    method: str
    score: float


def check_stance(stance: str) -> str:
    value = stance.strip().lower()
    if value not in STANCES:
        raise VerifyError(f"unknown stance {stance!r}; use one of: {', '.join(STANCES)}")
    return value


def _passage_at(passages: list[Passage], position: int) -> Passage | None:
    for passage in passages:
        if passage.start <= position < passage.end:
            return passage
    return None


def _whole_words(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to whole words (a fuzzy alignment may start or end inside one)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _short(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def link(
    db: Database,
    claim_id: int,
    source_key: str,
    stance: str,
    *,
    actor: str,
    quote: str | None = None,
    passage_id: int | None = None,
    locator: str | None = None,
    note: str | None = None,
) -> Linked:
    """Link a quote (or a whole passage) from a retrieved source to a claim."""
    stance = check_stance(stance)
    if quote is None and passage_id is None:
        raise VerifyError("give exactly one of --quote TEXT or --passage ID (or both, to find the quote in that passage)")
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        source = require_source(session, source_key)
        if source.text is None:
            raise VerifyError(f"source {source.key!r} is registered but not retrieved; fetch or add it first")
        passages = list(session.exec(select(Passage).where(Passage.source_id == source.id).order_by(col(Passage.seq))))
        chosen = None
        if passage_id is not None:
            chosen = next((p for p in passages if p.id == passage_id), None)
            if chosen is None:
                raise NotFound(f"passage {passage_id} is not a passage of source {source.key!r}; see 'verify source show {source.key} --passages'")
        if quote is None:
            assert chosen is not None
            found: Anchor = Anchor(chosen.start, chosen.end, "exact", 100.0)
        else:
            found = _anchor_quote(source, passages, quote, chosen)
        passage = _passage_at(passages, found.start)
        prefix, suffix = found.context(source.text)
        stored = source.text[found.start : found.end]
        now = clock.now()
        evidence = Evidence(
            claim_id=claim.id, source_id=source.id, passage_id=passage.id if passage else None,  # type: ignore[arg-type]
            quote=stored, submitted_quote=quote if quote is not None and quote.strip() != stored else None,
            start=found.start, end=found.end, prefix=prefix, suffix=suffix,
            locator=locator or (passage.locator if passage else None), stance=stance,
            anchor=found.method, anchor_score=found.score, note=note, added_by=actor, added_at=now,
            flags=claim_flags(claim, source, stored),
        )
        session.add(evidence)
        session.flush()
        claim.version += 1
        claim.updated_at, claim.updated_by = now, actor
        record(session, actor, "evidence_link", article_id=claim.article_id, claim_id=claim.id, source_id=source.id,
               evidence_id=evidence.id, new=f"{stance}: {source.key} {evidence.locator or ''}".strip(), note=note, at=now)
        lapse_signoffs(session, claim, actor=actor, reason=f"evidence {evidence.id} linked", at=now)
        return Linked(evidence.id, claim.id, source.key, evidence.locator, stored, found.method, found.score)  # type: ignore[arg-type]


def claim_flags(claim: Claim, source: Source, text: str) -> list[dict[str, Any]]:
    """The flags a suggestion of ``text`` carries for this claim (:mod:`verify.match.flags`), as evidence flags.

    Same inputs as :func:`verify.match.rank.suggest_for_text` (the attribution
    phrase is not a claimed number; names in the source's title are implied),
    in the evidence shape ``{kind, detail, …}``.
    """
    from verify.match.flags import flags_for

    attribution = claim.attribution or {}
    phrase = [attribution["phrase"]] if attribution.get("phrase") else None
    implied = " ".join(filter(None, [source.title, source.series]))
    return [
        {"kind": f["type"], "detail": f["message"], **{k: v for k, v in f.items() if k not in ("type", "message")}}
        for f in flags_for(claim.text, text, attribution=phrase, implied=implied)
    ]


def _anchor_quote(source: Source, passages: list[Passage], quote: str, chosen: Passage | None) -> Anchor:
    """Anchor a quote inside a passage (``chosen`` if given): evidence must have a locator to cite."""
    text = source.text or ""
    words = word_count(quote)
    if words < MIN_QUOTE_WORDS:
        raise RefusedChange(
            f"quote too short to be evidence ({words} word{'s' if words != 1 else ''}); quote at least {MIN_QUOTE_WORDS} words "
            f"of the source, or link a whole passage with --passage ID (see 'verify source show {source.key} --passages')"
        )
    scope = [chosen] if chosen is not None else passages
    windows = [(p.start, p.end) for p in scope] or None  # a source without passages: the whole text
    result = anchor(text, quote, windows=windows, confine=True)
    if not isinstance(result, Anchor):
        closest = _passage_at(scope, result.start)
        where = f"{closest.locator} (passage {closest.id})" if closest else "the text"
        if chosen is None and windows and isinstance(anchor(text, quote), Anchor):
            raise RefusedChange(
                f"quote found in {source.key} only outside every passage (a title line, header or footer), which cannot be cited; "
                f"closest passage {where} (score {result.score:.0f}/100): “{_short(_whole_words(text, result.start, result.end))}”"
            )
        scope_name = f"{chosen.locator} (passage {chosen.id}) of {source.key}" if chosen is not None else source.key
        raise RefusedChange(
            f"quote not found in {scope_name}; closest match in {where} (score {result.score:.0f}/100): "
            f"“{_short(_whole_words(text, result.start, result.end))}”"
        )
    if chosen is None and windows:
        places: list[Passage] = []
        for hit in occurrences(text, quote, windows):
            place = _passage_at(passages, hit.start)
            if place is not None and all(p.id != place.id for p in places):
                places.append(place)
        if len(places) > 1:
            shown = ", ".join(f"{p.locator} [passage {p.id}]" for p in places[:5]) + (", …" if len(places) > 5 else "")
            raise RefusedChange(
                f"quote appears in {len(places)} passages of {source.key} ({shown}); quote more words, "
                f"or add --passage ID to say which one"
            )
    return result


@dataclass(frozen=True)
class Retracted:
    evidence_id: int
    claim_id: int
    status_change: tuple[str, str] | None


def retract(db: Database, evidence_id: int, reason: str, *, actor: str) -> Retracted:
    """Mark evidence retracted (it is kept); a verdict left without support goes back to in_progress."""
    if not reason or not reason.strip():
        raise VerifyError("a retraction needs --reason")
    with db.write() as session:
        # Locked (PostgreSQL) so two reviewers retracting the same evidence queue and the second is refused.
        evidence = session.get(Evidence, evidence_id, with_for_update=True)
        if evidence is None:
            raise NotFound(f"no evidence with id {evidence_id}; see 'verify evidence list CLAIM_ID'")
        if evidence.retracted_at is not None:
            raise RefusedChange(f"evidence {evidence_id} was already retracted by {evidence.retracted_by} at {evidence.retracted_at}")
        claim = get_claim(session, evidence.claim_id, for_update=True)
        now = clock.now()
        evidence.retracted_at, evidence.retracted_by, evidence.retraction_reason = now, actor, reason.strip()
        session.flush()
        claim.version += 1
        claim.updated_at, claim.updated_by = now, actor
        record(session, actor, "evidence_retract", article_id=claim.article_id, claim_id=claim.id, source_id=evidence.source_id,
               evidence_id=evidence.id, old=evidence.stance, new="retracted", note=reason.strip(), at=now)
        lapse_signoffs(session, claim, actor=actor, reason=f"evidence {evidence.id} retracted", at=now)
        change = None
        if claim.status in ("verified", "partly_verified") and evidence_counts(session, claim.id).supports == 0:  # type: ignore[arg-type]
            change = (claim.status, "in_progress")
            record(session, actor, "status", article_id=claim.article_id, claim_id=claim.id, old=claim.status, new="in_progress",
                   note=f"last supporting evidence retracted: {reason.strip()}", at=now)
            claim.status = "in_progress"
        return Retracted(evidence_id, claim.id, change)  # type: ignore[arg-type]


def list_evidence(session: Session, claim_id: int) -> list[dict[str, Any]]:
    from verify.claims.listing import evidence_dict

    get_claim(session, claim_id)
    rows = session.exec(select(Evidence).where(Evidence.claim_id == claim_id).order_by(col(Evidence.id))).all()
    sources = {s.id: s for s in session.exec(select(Source).where(col(Source.id).in_({e.source_id for e in rows})))}
    return [evidence_dict(e, sources.get(e.source_id)) for e in rows]
