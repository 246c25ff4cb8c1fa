"""Importing an article: new article, unchanged re-import, or a new revision.

A revision keeps every claim that is still there (same id, status, evidence
and notes), matches edited sentences to their predecessor with rapidfuzz
(they keep their history, return to ``unreviewed`` and are flagged as
changed), and withdraws claims that disappeared: nothing is deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from verify import clock
from verify.claims.attribution import resolve
from verify.claims.hints import compute_hints
from verify.claims.kinds import detect_kind
from verify.db.engine import Database
from verify.db.models import Article, ArticleRevision, Claim, Source
from verify.errors import VerifyError
from verify.ingest.article_file import DEFAULT_MAX_SIZE, read_article
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


def content_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def _find_article(session: Session, title: str, url: str | None) -> Article | None:
    if url:
        found = session.exec(select(Article).where(Article.url == url)).first()
        if found:
            return found
    return session.exec(select(Article).where(Article.title == title).order_by(col(Article.id))).first()


def _new_claim(article: Article, revision: ArticleRevision, sentence: Sentence, actor: str, now: str) -> Claim:
    hints = compute_hints(sentence.text)
    return Claim(
        article_id=article.id,  # type: ignore[arg-type]
        revision_id=revision.id,  # type: ignore[arg-type]
        paragraph=sentence.paragraph,
        sentence=sentence.sentence,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        kind=detect_kind(sentence.text, hints),
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
    pool = sorted(old, key=lambda c: (c.status == "withdrawn", c.paragraph, c.sentence))
    for index, sentence in enumerate(new):
        for claim in pool:
            if claim.text == sentence.text:
                exact[index] = claim
                pool.remove(claim)
                break
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
    session: Session, article: Article, revision: ArticleRevision, sentences: list[Sentence], actor: str, now: str, result: ImportResult
) -> None:
    old = list(session.exec(select(Claim).where(Claim.article_id == article.id)))
    exact, fuzzy = _match(old, sentences)
    matched = {id(c) for c in (*exact.values(), *fuzzy.values())}
    for index, sentence in enumerate(sentences):
        if index in exact:
            claim = exact[index]
            _place(claim, revision, sentence)
            if claim.status == "withdrawn":
                record(session, actor, "status", article_id=article.id, claim_id=claim.id, old="withdrawn", new="unreviewed", note="sentence is back in the new revision", at=now)
                claim.status, claim.version, claim.updated_at, claim.updated_by = "unreviewed", claim.version + 1, now, actor
            claim.changed = False
            result.kept.append(claim.id)  # type: ignore[arg-type]
        elif index in fuzzy:
            claim = fuzzy[index]
            record(session, actor, "text", article_id=article.id, claim_id=claim.id, old=claim.text, new=sentence.text, note=f"edited in revision {revision.number}", at=now)
            lapse_signoffs(session, claim, actor=actor, reason=f"claim text edited in revision {revision.number}", at=now)
            if claim.status != "unreviewed":
                record(session, actor, "status", article_id=article.id, claim_id=claim.id, old=claim.status, new="unreviewed", note="claim text changed; review again", at=now)
            _place(claim, revision, sentence)
            claim.text, claim.hints = sentence.text, compute_hints(sentence.text)
            claim.status, claim.changed = "unreviewed", True
            claim.version, claim.updated_at, claim.updated_by = claim.version + 1, now, actor
            result.changed.append(claim.id)  # type: ignore[arg-type]
        else:
            claim = _new_claim(article, revision, sentence, actor, now)
            session.add(claim)
            session.flush()
            record(session, actor, "create", article_id=article.id, claim_id=claim.id, new=claim.text, note=f"new in revision {revision.number}", at=now)
            result.added.append(claim.id)  # type: ignore[arg-type]
    for claim in old:
        if id(claim) in matched or claim.status == "withdrawn":
            continue
        record(session, actor, "status", article_id=article.id, claim_id=claim.id, old=claim.status, new="withdrawn", note=f"sentence removed in revision {revision.number}", at=now)
        lapse_signoffs(session, claim, actor=actor, reason=f"claim withdrawn in revision {revision.number}", at=now)
        claim.status, claim.changed = "withdrawn", False
        claim.version, claim.updated_at, claim.updated_by = claim.version + 1, now, actor
        result.withdrawn.append(claim.id)  # type: ignore[arg-type]


def refresh_attributions(session: Session, article_id: int | None = None) -> int:
    """Recompute attributions (after an import or when sources change); returns claims updated."""
    sources = list(session.exec(select(Source).where(Source.is_current == True)))  # noqa: E712
    query = select(Claim).where(Claim.status != "withdrawn")
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    claims = list(session.exec(query.order_by(col(Claim.article_id), col(Claim.paragraph), col(Claim.sentence))))
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


def add_article(
    db: Database,
    path: Path,
    *,
    actor: str,
    title: str | None = None,
    author: str | None = None,
    url: str | None = None,
    published: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> ImportResult:
    """Import ``path``; one transaction, so a failure leaves the database as it was."""
    parsed = read_article(path, title=title, max_size=max_size)
    if parsed.title is None and str(path) == "-":
        raise VerifyError("an article read from standard input has no file name to title it; give --title")
    final_title = parsed.title or path.stem.replace("-", " ").replace("_", " ").strip() or path.name
    segmented = segment(parsed.paragraphs)
    if not segmented.sentences:
        raise VerifyError(f"{parsed.name} has no sentences to check")
    digest = content_hash(final_title, segmented.body)
    now = clock.now()
    with db.write() as session:
        article = _find_article(session, final_title, url)
        latest = None
        if article is not None:
            latest = session.exec(
                select(ArticleRevision).where(ArticleRevision.article_id == article.id).order_by(col(ArticleRevision.number).desc())
            ).first()
            if latest is not None and latest.content_hash == digest:
                count = len(session.exec(select(Claim.id).where(Claim.article_id == article.id, Claim.status != "withdrawn")).all())
                return ImportResult(article.id, article.title, latest.number, "unchanged", claims=count)  # type: ignore[arg-type]
        created = article is None
        if article is None:
            article = Article(title=final_title, author=author, url=url, published=published, created_at=now, created_by=actor)
            session.add(article)
            session.flush()
        else:
            article.title = final_title
            article.author, article.url, article.published = author or article.author, url or article.url, published or article.published
        revision = ArticleRevision(
            article_id=article.id,  # type: ignore[arg-type]
            number=(latest.number + 1) if latest else 1,
            text=segmented.body,
            content_hash=digest,
            paragraph_spans=[list(span) for span in segmented.paragraph_spans],
            source_name=parsed.name,
            imported_at=now,
            imported_by=actor,
        )
        session.add(revision)
        session.flush()
        result = ImportResult(article.id, final_title, revision.number, "created" if created else "revised")  # type: ignore[arg-type]
        if created:
            claims = [_new_claim(article, revision, sentence, actor, now) for sentence in segmented.sentences]
            session.add_all(claims)
            session.flush()
            for claim in claims:
                record(session, actor, "create", article_id=article.id, claim_id=claim.id, new=claim.text, note="revision 1", at=now)
            result.added = [claim.id for claim in claims]  # type: ignore[misc]
        else:
            _apply_revision(session, article, revision, segmented.sentences, actor, now, result)
        session.flush()
        refresh_attributions(session, article.id)
        result.claims = len(segmented.sentences)
        record(
            session,
            actor,
            "import" if created else "revision",
            article_id=article.id,
            new=f"revision {revision.number}: {result.claims} claims",
            note=f"from {parsed.name}",
            at=now,
        )
        return result
