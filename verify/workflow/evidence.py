"""Linking evidence to claims and retracting it; each one audited transaction.

A link anchors the quote in the source's stored text (see
:mod:`verify.match.anchor`) and stores the source's own characters at that
span, with context for re-anchoring, the passage and its locator. A quote that
cannot be anchored is refused with the closest match shown. Evidence must sit
inside a passage (so it has a locator to cite): a quote found only in a title
line or running header is refused, as is a quote of fewer than
:data:`~verify.match.anchor.MIN_QUOTE_WORDS` words, and a quote that occurs in
several passages unless ``--passage`` says which one.

A call or meeting registered without a transcript (an interview source with
no text) has nothing to quote: evidence from it is a *note* of what was said,
in the reporter's words (``kind='note'``, :func:`link_note`), never anchored
and always shown as a note. Once the notes or transcript are added, quotes
from them are anchored like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from verify import clock
from verify.claims.listing import EvidenceItem, claim_evidence
from verify.db.engine import Database
from verify.db.models import STANCES, Article, Claim, Evidence, Passage, Source
from verify.db.queries.articles import find_article
from verify.db.queries.evidence import find_evidence
from verify.db.queries.sources import passages_of, require_source
from verify.errors import NotFound, RefusedChange, VerifyError
from verify.match.anchor import MIN_QUOTE_WORDS, Anchor, Miss, anchor, word_count
from verify.match.differences import Difference
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
    differences: tuple[Difference, ...] = ()


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
    occurrence: int | None = None,
    accept_difference: str | None = None,
) -> Linked:
    """Link a quote (or a whole passage) from a retrieved source to a claim.

    A quote that differs from the source in anything but typography is
    refused, unless ``accept_difference`` gives the reason to link the
    source's words anyway: then the source's text is stored, the typed quote
    beside it, and each difference as a ``quote_difference`` flag.
    """
    stance = check_stance(stance)
    if accept_difference is not None and not accept_difference.strip():
        raise VerifyError("--accept-difference needs a reason (why the source's wording still supports the link)")
    if occurrence is not None and quote is None:
        raise VerifyError("--occurrence picks among the places a --quote stands; give --quote too")
    if quote is None and passage_id is None:
        raise VerifyError(
            "give exactly one of --quote TEXT or --passage ID (or both, to find the quote in that passage)"
        )
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        source = require_source(session, source_key)
        if source.text is None and source.kind == "interview":
            raise VerifyError(
                f"source {source.key!r} is a call recorded without a transcript: there is nothing to quote; link what "
                "was said with --said TEXT (kept as a note, not a quote), or add the notes with 'verify source add "
                f"FILE --key {source.key}'"
            )
        if source.text is None:
            raise VerifyError(f"source {source.key!r} is registered but not retrieved; fetch or add it first")
        passages = passages_of(session, source.id)
        chosen = None
        if passage_id is not None:
            chosen = next((p for p in passages if p.id == passage_id), None)
            if chosen is None:
                raise NotFound(
                    f"passage {passage_id} is not a passage of source {source.key!r}; see 'verify source show "
                    f"{source.key} --passages'"
                )
        differences: tuple[Difference, ...] = ()
        if quote is None:
            assert chosen is not None
            found: Anchor = Anchor(chosen.start, chosen.end, "exact", 100.0)
        else:
            found, differences = _anchor_quote(source, passages, quote, chosen, occurrence)
        passage = _passage_at(passages, found.start)
        where = locator or (passage.locator if passage else None)
        if differences and accept_difference is None:
            raise RefusedChange(
                f"quote differs from {source.key}: {describe_differences(differences, where)}; "
                'quote the source\'s words, or repeat with --accept-difference "why it still holds" to link them as '
                "the source has them"
            )
        prefix, suffix = found.context(source.text)
        stored = source.text[found.start : found.end]
        now = clock.now()
        evidence = Evidence(
            claim_id=claim.id,  # type: ignore[arg-type]
            source_id=source.id,  # type: ignore[arg-type]
            passage_id=passage.id if passage else None,
            quote=stored,
            submitted_quote=quote if quote is not None and quote.strip() != stored else None,
            start=found.start,
            end=found.end,
            prefix=prefix,
            suffix=suffix,
            locator=locator or (passage.locator if passage else None),
            stance=stance,
            anchor=found.method,
            anchor_score=found.score,
            note=note,
            added_by=actor,
            added_at=now,
            flags=[
                *claim_flags(claim, source, stored),
                *_later_source(find_article(session, claim.article_id), source),
                *(d.as_flag(where) for d in differences),
            ],
            difference_reason=accept_difference.strip() if differences and accept_difference else None,
        )
        _store_link(session, claim, evidence, f"{stance}: {source.key} {evidence.locator or ''}".strip(), actor, now)
        if differences:
            record(
                session,
                actor,
                "quote_difference_accepted",
                article_id=claim.article_id,
                claim_id=claim.id,
                source_id=source.id,
                evidence_id=evidence.id,
                old=quote,
                new=describe_differences(differences, where),
                note=evidence.difference_reason,
                at=now,
            )
        lapse_signoffs(session, claim, actor=actor, reason=f"evidence {evidence.id} linked", at=now)
        return Linked(
            evidence.id,  # type: ignore[arg-type]
            claim.id,  # type: ignore[arg-type]
            source.key,
            evidence.locator,
            stored,
            found.method,
            found.score,
            differences,
        )


def _store_link(session: Session, claim: Claim, evidence: Evidence, shown: str, actor: str, now: str) -> None:
    """Add the evidence, bump the claim's version and record the link: the same for a quote and a call note."""
    session.add(evidence)
    session.flush()
    claim.version += 1
    claim.updated_at, claim.updated_by = now, actor
    record(
        session,
        actor,
        "evidence_link",
        article_id=claim.article_id,
        claim_id=claim.id,
        source_id=evidence.source_id,
        evidence_id=evidence.id,
        new=shown,
        note=evidence.note,
        at=now,
    )


def link_note(
    db: Database,
    claim_id: int,
    source_key: str,
    stance: str,
    said: str,
    *,
    actor: str,
    note: str | None = None,
) -> Linked:
    """Link a note of what was said on a call without a transcript (see the module docstring).

    The note is checked against the claim like a quote (numbers, names,
    hedges it states differently become flags a verdict must accept), but it
    is stored as ``kind='note'`` with no span, passage or locator.
    """
    stance = check_stance(stance)
    said = " ".join(said.split())
    if not said:
        raise VerifyError("--said is empty; give what was said, in your words")
    if "\x00" in said:
        raise VerifyError("--said contains a NUL character; remove it")
    with db.write() as session:
        claim = get_claim(session, claim_id, for_update=True)
        source = require_source(session, source_key)
        if source.kind != "interview":
            raise VerifyError(
                f"source {source.key!r} is not an interview: --said is for a call recorded without a transcript; quote "
                "the source with --quote"
            )
        if source.text is not None:
            raise VerifyError(
                f"source {source.key!r} has notes or a transcript: quote them with --quote (a note is for a call "
                "without a transcript)"
            )
        now = clock.now()
        evidence = Evidence(
            claim_id=claim.id,  # type: ignore[arg-type]
            source_id=source.id,  # type: ignore[arg-type]
            kind="note",
            quote=said,
            stance=stance,
            anchor="note",
            note=note,
            added_by=actor,
            added_at=now,
            flags=claim_flags(claim, source, said),
        )
        _store_link(session, claim, evidence, f"{stance}: {source.key} (call note)", actor, now)
        lapse_signoffs(session, claim, actor=actor, reason=f"evidence {evidence.id} linked", at=now)
        return Linked(
            evidence.id,  # type: ignore[arg-type]
            claim.id,  # type: ignore[arg-type]
            source.key,
            None,
            said,
            "note",
            100.0,
        )


def _later_source(article: Article | None, source: Source) -> list[dict[str, Any]]:
    """``published_after`` when the source is dated after the article: its author cannot have relied on it.

    The evidence may still show the claim true; the flag makes a verdict on it
    an explicit, reasoned choice (``--accept-flags``).
    """
    from verify.match.timeline import dated_after

    if article is None or not dated_after(source.published, article.published):
        return []
    return [
        {
            "kind": "published_after",
            "detail": f"this report is dated {source.published}; the article was published {article.published}",
            "claim": article.published,
            "passage": source.published,
        }
    ]


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


def _anchor_quote(
    source: Source,
    passages: list[Passage],
    quote: str,
    chosen: Passage | None,
    occurrence: int | None = None,
) -> tuple[Anchor, tuple[Difference, ...]]:
    """Anchor a quote inside a passage (``chosen`` if given): evidence must have a locator to cite.

    Returns the anchor and the quote's differences from the source there
    (none for an exact or typographic match); the caller refuses or records
    them. A quote that stands in several places needs ``occurrence``.
    """
    from verify.match.locate import locate

    text = source.text or ""
    words = word_count(quote)
    if words < MIN_QUOTE_WORDS:
        raise RefusedChange(
            f"quote too short to be evidence ({words} word{'s' if words != 1 else ''}); quote at least "
            f"{MIN_QUOTE_WORDS} words "
            f"of the source, or link a whole passage with --passage ID (see 'verify source show {source.key} "
            "--passages')"
        )
    scope = [chosen] if chosen is not None else passages
    windows = [(p.start, p.end) for p in scope] or [(0, len(text))]  # a source without passages: the whole text
    found = locate(text, quote, windows)
    scope_name = f"{chosen.locator} (passage {chosen.id}) of {source.key}" if chosen is not None else source.key
    if found.broken is not None:
        broken = _passage_at(scope, found.broken_at or 0)
        at = f" ({broken.locator}, passage {broken.id})" if broken else ""
        raise RefusedChange(
            f"quote is not one continuous stretch of {scope_name}{at}: {found.broken}; "
            "quote the passage as it reads (link each part separately if need be)"
        )
    if found.occurrences:
        return _one_occurrence(source, scope, found.occurrences, occurrence), ()
    if found.approximate is not None:
        if found.ties:  # as close in several places: the checker says which
            options = sorted([(found.approximate, found.differences), *found.ties], key=lambda option: option[0].start)
            chosen_anchor = _one_occurrence(source, scope, [a for a, _ in options], occurrence)
            return next(option for option in options if option[0] is chosen_anchor)
        return found.approximate, found.differences
    miss = found.miss or Miss(0, 0, 0.0)
    closest = _passage_at(scope, miss.start)
    where = f"{closest.locator} (passage {closest.id})" if closest else "the text"
    outside = anchor(text, quote) if chosen is None and passages else None
    if isinstance(outside, Anchor) and outside.method != "fuzzy":
        raise RefusedChange(
            f"quote found in {source.key} only outside every passage (a title line, header or footer), which cannot "
            "be cited; "
            f"closest passage {where} (score {miss.score:.0f}/100): "
            f"“{_short(_whole_words(text, miss.start, miss.end))}”"
        )
    raise RefusedChange(
        f"quote not found in {scope_name}; closest match in {where} (score {miss.score:.0f}/100): "
        f"“{_short(_whole_words(text, miss.start, miss.end))}”"
    )


def _one_occurrence(source: Source, scope: list[Passage], hits: list[Anchor], occurrence: int | None) -> Anchor:
    """The single occurrence, or the one ``--occurrence N`` picks; several without it are refused, listed."""
    if occurrence is not None:
        if not 1 <= occurrence <= len(hits):
            raise VerifyError(
                f"--occurrence {occurrence} is out of range: the quote occurs {len(hits)} time"
                f"{'s' if len(hits) != 1 else ''} in {source.key}"
            )
        return hits[occurrence - 1]
    if len(hits) == 1:
        return hits[0]
    places: list[tuple[Passage | None, int]] = []
    for hit in hits:
        place = _passage_at(scope, hit.start)
        if places and places[-1][0] is place:
            places[-1] = (place, places[-1][1] + 1)
        else:
            places.append((place, 1))
    shown = ", ".join(
        f"{p.locator if p else 'text'} [passage {p.id if p else '-'}]" + (f" ×{count}" if count > 1 else "")
        for p, count in places[:8]
    ) + (", …" if len(places) > 8 else "")
    if all(count == 1 for _, count in places):
        where = f"in {len(places)} passages of {source.key}"
    else:
        where = f"{len(hits)} times in {source.key}"
    raise RefusedChange(
        f"quote appears {where} ({shown}); quote more words, "
        f"or add --passage ID or --occurrence N (1-{len(hits)}, in document order) to say which one"
    )


def describe_differences(differences: tuple[Difference, ...], locator: str | None) -> str:
    """ "quote says 32, source says 23 (para. 6); …": what a refusal shows."""
    where = f" ({locator})" if locator else ""
    return "; ".join(f"{d.detail}{where}" for d in differences)


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
        evidence = find_evidence(session, evidence_id, for_update=True)
        if evidence is None:
            raise NotFound(f"no evidence with id {evidence_id}; see 'verify evidence list CLAIM_ID'")
        if evidence.retracted_at is not None:
            raise RefusedChange(
                f"evidence {evidence_id} was already retracted by {evidence.retracted_by} at {evidence.retracted_at}"
            )
        claim = get_claim(session, evidence.claim_id, for_update=True)
        now = clock.now()
        evidence.retracted_at, evidence.retracted_by, evidence.retraction_reason = now, actor, reason.strip()
        session.flush()
        claim.version += 1
        claim.updated_at, claim.updated_by = now, actor
        record(
            session,
            actor,
            "evidence_retract",
            article_id=claim.article_id,
            claim_id=claim.id,
            source_id=evidence.source_id,
            evidence_id=evidence.id,
            old=evidence.stance,
            new="retracted",
            note=reason.strip(),
            at=now,
        )
        lapse_signoffs(session, claim, actor=actor, reason=f"evidence {evidence.id} retracted", at=now)
        change = None
        supports = evidence_counts(session, claim.id).supports  # type: ignore[arg-type]
        if claim.status in ("verified", "partly_verified") and supports == 0:
            change = (claim.status, "in_progress")
            record(
                session,
                actor,
                "status",
                article_id=claim.article_id,
                claim_id=claim.id,
                old=claim.status,
                new="in_progress",
                note=f"last supporting evidence retracted: {reason.strip()}",
                at=now,
            )
            claim.status = "in_progress"
        return Retracted(evidence_id, claim.id, change)  # type: ignore[arg-type]


def list_evidence(session: Session, claim_id: int) -> list[EvidenceItem]:
    """The claim's evidence (retracted included); the same statement ``claim show`` runs."""
    get_claim(session, claim_id)
    return claim_evidence(session, claim_id)
