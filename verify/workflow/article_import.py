"""Importing an article: new article, unchanged re-import, or a new revision.

A revision keeps every claim that is still there (same id, status, evidence
and notes), matches edited sentences to their predecessor with rapidfuzz
(they keep their history, return to ``unreviewed`` and are flagged as
changed), and withdraws claims that disappeared: nothing is deleted.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from verify import clock
from verify.claims.attribution import resolve
from verify.claims.hints import compute_hints
from verify.claims.kinds import detect_kind
from verify.db.engine import Database
from verify.db.models import Article, ArticleRevision, Claim
from verify.db.queries.articles import article_by_title, article_by_url, latest_revision
from verify.db.queries.claims import claims_in_order, every_claim_of, insert_claims, live_claim_count, set_attributions
from verify.db.queries.events import insert_events
from verify.db.queries.sources import current_source_values, current_sources
from verify.errors import VerifyError
from verify.ingest.article_file import DEFAULT_MAX_SIZE, ArticleFile, read_article
from verify.ingest.fetch import DEFAULT_TIMEOUT
from verify.ingest.segment import Sentence, segment
from verify.workflow.audit import record
from verify.workflow.signoff import lapse_signoffs

EDIT_MATCH_THRESHOLD = 75.0  # rapidfuzz ratio above which a changed sentence is "the same claim, edited"


@dataclass
class ImportResult:
    article_id: int
    title: str
    revision: int
    outcome: str  # created | unchanged | revised
    claims: int = 0
    added: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    origin: str = ""  # the file name or URL read
    format: str = ""  # text, markdown, html, docx, pdf, web page, web text
    notes: list[str] = field(default_factory=list)  # what the reading did that the user must know

    def to_json(self) -> dict[str, Any]:
        """The documented ``article add`` object (docs/json.md): the article's ``id`` and the claim ids by fate."""
        return {
            "id": self.article_id,
            "title": self.title,
            "revision": self.revision,
            "outcome": self.outcome,
            "claims": self.claims,
            "added": self.added,
            "kept": self.kept,
            "changed": self.changed,
            "withdrawn": self.withdrawn,
        }


def content_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def _find_article(session: Session, title: str, url: str | None) -> Article | None:
    if url:
        found = article_by_url(session, url)
        if found:
            return found
    return article_by_title(session, title)


@dataclass(frozen=True)
class Prepared:
    """A sentence with its hints and kind, worked out before the write transaction opens.

    Hints and kinds are pure functions of the text and the slowest part of an
    import after segmentation; doing them while holding the write lock kept
    other writers waiting for minutes on a large article.
    """

    sentence: Sentence
    hints: dict[str, Any]
    kind: str


def prepare(sentences: list[Sentence]) -> list[Prepared]:
    out = []
    for sentence in sentences:
        hints = compute_hints(sentence.text)
        out.append(Prepared(sentence, hints, detect_kind(sentence.text, hints)))
    return out


def _new_claim(article: Article, revision: ArticleRevision, prepared: Prepared, actor: str, now: str) -> Claim:
    sentence, hints = prepared.sentence, prepared.hints
    return Claim(
        article_id=article.id,  # type: ignore[arg-type]
        revision_id=revision.id,  # type: ignore[arg-type]
        paragraph=sentence.paragraph,
        sentence=sentence.sentence,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        kind=prepared.kind,
        hints=hints,
        created_at=now,
        updated_at=now,
        updated_by=actor,
    )


def _place(claim: Claim, revision: ArticleRevision, sentence: Sentence) -> None:
    claim.revision_id = revision.id  # type: ignore[assignment]
    claim.paragraph, claim.sentence = sentence.paragraph, sentence.sentence
    claim.start, claim.end = sentence.start, sentence.end


def _match(old: list[Claim], new: list[Sentence]) -> tuple[dict[int, Claim], dict[int, Claim]]:
    """Pair new sentences (by index) with old claims: exact text first, then fuzzy."""
    from rapidfuzz import fuzz

    exact: dict[int, Claim] = {}
    ordered = sorted(old, key=lambda c: (c.status == "withdrawn", c.paragraph, c.sentence))
    by_text: dict[str, deque[Claim]] = {}
    for claim in ordered:  # the first claim in this order with the same text wins, as a scan would
        by_text.setdefault(claim.text, deque()).append(claim)
    taken: set[int] = set()
    for index, sentence in enumerate(new):
        same = by_text.get(sentence.text)
        if same:
            exact[index] = claim = same.popleft()
            taken.add(id(claim))
    pool = [claim for claim in ordered if id(claim) not in taken]
    candidates = []
    for index, sentence in enumerate(new):
        if index in exact:
            continue
        for claim in pool:
            score = fuzz.ratio(claim.text, sentence.text)
            if score >= EDIT_MATCH_THRESHOLD:
                candidates.append((score, -abs(claim.paragraph - sentence.paragraph), index, claim))
    fuzzy: dict[int, Claim] = {}
    used: set[int] = set()
    for _score, _distance, index, claim in sorted(candidates, key=lambda c: (c[0], c[1]), reverse=True):
        if index in fuzzy or id(claim) in used:
            continue
        fuzzy[index] = claim
        used.add(id(claim))
    return exact, fuzzy


def _apply_revision(
    session: Session,
    article: Article,
    revision: ArticleRevision,
    prepared: list[Prepared],
    actor: str,
    now: str,
    result: ImportResult,
) -> None:
    old = every_claim_of(session, article.id)
    exact, fuzzy = _match(old, [p.sentence for p in prepared])
    matched = {id(c) for c in (*exact.values(), *fuzzy.values())}
    for index, item in enumerate(prepared):
        sentence = item.sentence
        if index in exact:
            claim = exact[index]
            _place(claim, revision, sentence)
            if claim.status == "withdrawn":
                record(
                    session,
                    actor,
                    "status",
                    article_id=article.id,
                    claim_id=claim.id,
                    old="withdrawn",
                    new="unreviewed",
                    note="sentence is back in the new revision",
                    at=now,
                )
                claim.status, claim.version, claim.updated_at, claim.updated_by = (
                    "unreviewed",
                    claim.version + 1,
                    now,
                    actor,
                )
            claim.changed = False
            result.kept.append(claim.id)  # type: ignore[arg-type]
        elif index in fuzzy:
            claim = fuzzy[index]
            record(
                session,
                actor,
                "text",
                article_id=article.id,
                claim_id=claim.id,
                old=claim.text,
                new=sentence.text,
                note=f"edited in revision {revision.number}",
                at=now,
            )
            lapse_signoffs(
                session, claim, actor=actor, reason=f"claim text edited in revision {revision.number}", at=now
            )
            if claim.status != "unreviewed":
                record(
                    session,
                    actor,
                    "status",
                    article_id=article.id,
                    claim_id=claim.id,
                    old=claim.status,
                    new="unreviewed",
                    note="claim text changed; review again",
                    at=now,
                )
            _place(claim, revision, sentence)
            claim.text, claim.hints = sentence.text, item.hints
            claim.status, claim.changed = "unreviewed", True
            claim.version, claim.updated_at, claim.updated_by = claim.version + 1, now, actor
            result.changed.append(claim.id)  # type: ignore[arg-type]
        else:
            claim = _new_claim(article, revision, item, actor, now)
            session.add(claim)
            session.flush()
            record(
                session,
                actor,
                "create",
                article_id=article.id,
                claim_id=claim.id,
                new=claim.text,
                note=f"new in revision {revision.number}",
                at=now,
            )
            result.added.append(claim.id)  # type: ignore[arg-type]
    for claim in old:
        if id(claim) in matched or claim.status == "withdrawn":
            continue
        record(
            session,
            actor,
            "status",
            article_id=article.id,
            claim_id=claim.id,
            old=claim.status,
            new="withdrawn",
            note=f"sentence removed in revision {revision.number}",
            at=now,
        )
        lapse_signoffs(session, claim, actor=actor, reason=f"claim withdrawn in revision {revision.number}", at=now)
        claim.status, claim.changed = "withdrawn", False
        claim.version, claim.updated_at, claim.updated_by = claim.version + 1, now, actor
        result.withdrawn.append(claim.id)  # type: ignore[arg-type]


def refresh_attributions(session: Session, article_id: int | None = None) -> int:
    """Recompute attributions (after an import or when sources change); returns claims updated."""
    sources = current_sources(session)
    claims = claims_in_order(session, article_id=article_id)
    updated = 0
    by_article: dict[int, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    for ordered in by_article.values():
        by_id = {c.id: c for c in ordered}
        for claim_id, value in resolve(ordered, sources).items():
            claim = by_id[claim_id]
            if claim.attribution != value:
                claim.attribution = value
                updated += 1
    return updated


def is_url(source: str | Path) -> bool:
    """True for what ``article add`` should fetch rather than open: an http(s) address."""
    return isinstance(source, str) and source.strip().lower().startswith(("http://", "https://"))


def read_source(
    source: str | Path, *, title: str | None, max_size: int, timeout: float = DEFAULT_TIMEOUT
) -> ArticleFile:
    """The article behind ``source``: a URL fetched, a file by its format, or ``-`` for standard input."""
    if is_url(source):
        from verify.ingest.web_article import read_article_url

        return read_article_url(str(source).strip(), title=title, max_size=max_size, timeout=timeout)
    return read_article(Path(source), title=title, max_size=max_size)


def add_article(
    db: Database,
    path: str | Path,
    *,
    actor: str,
    title: str | None = None,
    author: str | None = None,
    url: str | None = None,
    published: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    timeout: float = DEFAULT_TIMEOUT,
) -> ImportResult:
    """Import ``path``; one transaction, so a failure leaves the database as it was.

    Everything that needs no lock happens first: reading, parsing,
    segmentation, hints, kinds and (from a snapshot of the sources)
    attributions. The write transaction then only inserts rows, in bulk, so
    other writers wait seconds at most, not the length of the whole import.
    """
    parsed = read_source(path, title=title, max_size=max_size, timeout=timeout)
    if parsed.title is None and str(path) == "-":
        raise VerifyError("an article read from standard input has no file name to title it; give --title")
    if parsed.title is None and is_url(path):
        raise VerifyError(f"{path} gives no title in its markup; give --title")
    stem = Path(path).stem
    final_title = parsed.title or stem.replace("-", " ").replace("_", " ").strip() or Path(path).name
    author = author or parsed.author
    published = published or parsed.published
    url = url or parsed.url
    segmented = segment(parsed.paragraphs)
    if not segmented.sentences:
        raise VerifyError(f"{parsed.name} has no sentences to check")
    digest = content_hash(final_title, segmented.body)
    prepared = prepare(segmented.sentences)
    with db.read() as session:
        sources = _current_sources(session)
    attributions = _attributions(prepared, sources)
    now = clock.now()
    with db.write() as session:
        article = _find_article(session, final_title, url)
        latest = None
        if article is not None:
            latest = latest_revision(session, article.id)
            if latest is not None and latest.content_hash == digest:
                count = live_claim_count(session, article.id)
                return ImportResult(
                    article.id,  # type: ignore[arg-type]
                    article.title,
                    latest.number,
                    "unchanged",
                    claims=count,
                    origin=parsed.name,
                    format=parsed.format,
                    notes=list(parsed.notes),
                )
        created = article is None
        if article is None:
            article = Article(
                title=final_title, author=author, url=url, published=published, created_at=now, created_by=actor
            )
            session.add(article)
            session.flush()
        else:
            article.title = final_title
            article.author, article.url, article.published = (
                author or article.author,
                url or article.url,
                published or article.published,
            )
        revision = ArticleRevision(
            article_id=article.id,  # type: ignore[arg-type]
            number=(latest.number + 1) if latest else 1,
            text=segmented.body,
            content_hash=digest,
            paragraph_spans=[list(span) for span in segmented.paragraph_spans],
            source_name=parsed.name,
            source_format=parsed.format,
            imported_at=now,
            imported_by=actor,
        )
        session.add(revision)
        session.flush()
        result = ImportResult(
            article.id,  # type: ignore[arg-type]
            final_title,
            revision.number,
            "created" if created else "revised",
            origin=parsed.name,
            format=parsed.format,
            notes=list(parsed.notes),
        )
        if created:
            fresh = _current_sources(session)
            if fresh != sources:  # a source arrived meanwhile: attribute against what is there now
                attributions = _attributions(prepared, fresh)
            result.added = _insert_claims(session, article.id, revision.id, prepared, attributions, actor, now)  # type: ignore[arg-type]
        else:
            _apply_revision(session, article, revision, prepared, actor, now, result)
            session.flush()
            refresh_attributions(session, article.id)
        result.claims = len(segmented.sentences)
        record(
            session,
            actor,
            "import" if created else "revision",
            article_id=article.id,
            new=f"revision {revision.number}: {result.claims} claims",
            note=f"from {parsed.name} ({parsed.format})" + "".join(f"; {n}" for n in parsed.notes),
            at=now,
        )
        return result


_SOURCE_FIELDS = ("id", "key", "title", "publisher", "published", "symbol", "series", "retrieved_at")


def _current_sources(session: Session) -> list[SimpleNamespace]:
    """The current sources as plain values: a snapshot that outlives the session and compares by value."""
    return [SimpleNamespace(**values) for values in current_source_values(session, _SOURCE_FIELDS)]


def _attributions(prepared: list[Prepared], sources: list[SimpleNamespace]) -> list[dict[str, Any] | None]:
    """Attribution per sentence, as :func:`refresh_attributions` would store it.

    Claims have no ids yet, so ``inherited_from`` holds the 1-based position
    of the sentence it inherits from; :func:`_insert_claims` maps it to the id.
    """
    placeholders = [
        SimpleNamespace(id=index, text=p.sentence.text, paragraph=p.sentence.paragraph)
        for index, p in enumerate(prepared, start=1)
    ]
    found = resolve(placeholders, sources)
    return [found[index] for index in range(1, len(prepared) + 1)]


def _insert_claims(
    session: Session,
    article_id: int,
    revision_id: int,
    prepared: list[Prepared],
    attributions: list[dict[str, Any] | None],
    actor: str,
    now: str,
) -> list[int]:
    """Insert a new article's claims and their ``create`` events in bulk; returns the claim ids in order."""
    rows = [
        {
            "article_id": article_id,
            "revision_id": revision_id,
            "paragraph": p.sentence.paragraph,
            "sentence": p.sentence.sentence,
            "start": p.sentence.start,
            "end": p.sentence.end,
            "text": p.sentence.text,
            "kind": p.kind,
            "hints": p.hints,
            "attribution": value if value is None or value["inherited_from"] is None else None,
            "status": "unreviewed",
            "assignee": None,
            "changed": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "updated_by": actor,
        }
        for p, value in zip(prepared, attributions, strict=True)
    ]
    if not rows:
        return []
    ids = insert_claims(session, rows, revision_id)
    inherited = [
        {"claim_id": ids[index], "value": {**value, "inherited_from": ids[value["inherited_from"] - 1]}}
        for index, value in enumerate(attributions)
        if value is not None and value["inherited_from"] is not None
    ]
    if inherited:
        set_attributions(session, inherited)
    insert_events(
        session,
        [
            {
                "at": now,
                "actor": actor,
                "action": "create",
                "article_id": article_id,
                "claim_id": claim_id,
                "source_id": None,
                "evidence_id": None,
                "old": None,
                "new": row["text"],
                "note": "revision 1",
            }
            for claim_id, row in zip(ids, rows, strict=True)
        ],
    )
    return ids
