"""Every table of the claims database, in one place.

Timestamps are ISO-8601 UTC strings ("2026-11-26T19:30:00.123456Z") rather than
driver-specific datetime types: they sort correctly, read the same on SQLite
and PostgreSQL, and export byte-for-byte identically.

A nullable JSON column stores a missing value as SQL NULL (``none_as_null``),
never as the JSON text ``null``, so ``IS NULL`` finds it in any SQL tool.

Nothing a reviewer did is ever deleted: claims are ``withdrawn``, evidence is
retracted, notes and events are append-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from verify.db.vocabulary import CLAIM_KINDS, CLAIM_STATUSES, STANCES  # noqa: F401  (re-exported)


class Article(SQLModel, table=True):
    """A piece of writing whose assertions are checked; its text lives in revisions."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    author: str | None = None
    publication: str | None = None
    url: str | None = Field(default=None, index=True)
    published: str | None = None  # ISO date as given by the user
    created_at: str
    created_by: str


class ArticleRevision(SQLModel, table=True):
    """One imported version of an article's text; claims point at the latest."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(index=True)  # sha256 of the body text
    paragraph_spans: list[list[int]] = Field(sa_column=Column(JSON, nullable=False))
    source_name: str | None = None  # the file name (or URL) it was imported from
    source_format: str | None = None  # text, markdown, html, docx, pdf, web page, web text
    imported_at: str
    imported_by: str


class Claim(SQLModel, table=True):
    """One checkable statement (by default a sentence) of an article."""

    __table_args__ = (Index("ix_claim_article_position", "article_id", "paragraph", "sentence"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    revision_id: int = Field(foreign_key="article_revision.id")
    paragraph: int
    sentence: int
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = "factual"
    hints: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attribution: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    status: str = Field(default="unreviewed", index=True)
    assignee: str | None = Field(default=None, index=True)
    changed: bool = False  # edited in the latest revision, awaiting re-review
    version: int = 1  # bumped on every change, for stale-write detection
    created_at: str
    updated_at: str
    updated_by: str


class Source(SQLModel, table=True):
    """A document cited as evidence, as archived under ``sources/``.

    A source registered from an article's citation but not yet downloaded has
    ``retrieved_at`` null. A reissued document becomes a new row with the same
    key and a higher ``version``; the old one is kept.
    """

    __table_args__ = (UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True)
    version: int = 1
    is_current: bool = True
    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date of the document
    symbol: str | None = None  # UN document symbol when there is one
    series: str | None = None  # e.g. a monitoring team's report series
    url: str | None = None  # where it was (or should be) fetched from
    final_url: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    retrieved_at: str | None = None
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    path: str | None = None  # folder under sources/, relative
    extractor: str | None = None
    extractor_version: str | None = None
    text: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = None
    # What the source is (SOURCE_KINDS; None: archived before kinds were recorded) and whether it is the
    # newsroom's own material, cited internally but never in public outputs (verify.reports.public).
    kind: str | None = None
    internal: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    person: str | None = None  # an interview: who was interviewed
    role: str | None = None  # ... in what capacity
    method: str | None = None  # ... how: phone, in person, email, video
    summary: str | None = Field(default=None, sa_column=Column(Text))  # a call without a transcript: what was said
    created_at: str
    created_by: str


class Passage(SQLModel, table=True):
    """A citable unit of a source: a numbered paragraph, a footnote, a page paragraph."""

    __table_args__ = (Index("ix_passage_source_seq", "source_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    seq: int  # order within the source
    locator: str  # "para. 68", "annex I, para. 3", "footnote 12", "p. 4, ¶ 2"
    kind: str = "paragraph"
    paragraph: int | None = None  # the number printed in the document
    page: int | None = None
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    footnote_to: str | None = None
    # Note numbers the passage cites, with their offsets in ``text``, after the markers were removed from it.
    note_refs: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))


class Evidence(SQLModel, table=True):
    """A quote from a source linked to a claim, anchored in the source's own text.

    Or, of ``kind`` ``note``, what was said on a call recorded without a
    transcript, in the reporter's words (``quote`` holds them; nothing is anchored).
    """

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    passage_id: int | None = Field(default=None, foreign_key="passage.id")
    quote: str = Field(sa_column=Column(Text, nullable=False))  # the source's text
    submitted_quote: str | None = Field(default=None, sa_column=Column(Text))
    start: int | None = None
    end: int | None = None
    prefix: str | None = None
    suffix: str | None = None
    locator: str | None = None
    stance: str
    anchor: str = "exact"  # exact | normalized | fuzzy | orphaned
    anchor_score: float | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    added_by: str
    added_at: str
    retracted_at: str | None = None
    retracted_by: str | None = None
    retraction_reason: str | None = None
    # What a checker must look at before relying on it: [{"kind": ..., "detail": ...}, ...]
    flags: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    difference_reason: str | None = Field(default=None, sa_column=Column(Text))  # why a differing quote was accepted
    flags_accepted_by: str | None = None  # who accepted the flags for a verdict
    flags_accepted_at: str | None = None
    flags_accepted_reason: str | None = Field(default=None, sa_column=Column(Text))
    # quote (anchored in the source's text) or note (what was said on a call without a transcript)
    kind: str = Field(default="quote", sa_column=Column(String, nullable=False, server_default="quote"))


class Note(SQLModel, table=True):
    """A reviewer's free-text note on a claim; append-only.

    ``public`` notes are explanations for readers, printed by the public appendix;
    every other note is internal working material and never leaves the desk."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    author: str
    created_at: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    public: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class ReviewLease(SQLModel, table=True):
    """Who has a claim open in ``verify review``, until when.

    Opening a claim is not a change to it: the lease keeps two reviewers from
    working on the same claim without touching its status, version or history,
    and it simply expires.
    """

    __tablename__ = "review_lease"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    holder: str
    acquired_at: str
    expires_at: str


class Event(SQLModel, table=True):
    """The audit log: who did what, when, from which value to which."""

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)
    actor: str
    action: str  # import, revision, status, note, assign, kind, text, evidence_link, ...
    article_id: int | None = Field(default=None, foreign_key="article.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))


class Signoff(SQLModel, table=True):
    """An editor's second review of a claim's verdict.

    It names the status it approved, so a sign-off can never vouch for a
    verdict it did not see; it lapses (``lapsed_at``, logged) as soon as the
    status or the evidence changes. Rows are never deleted.
    """

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    status: str  # the verdict that was signed off
    signed_by: str
    signed_at: str
    note: str | None = Field(default=None, sa_column=Column(Text))
    lapsed_at: str | None = None
    lapse_reason: str | None = Field(default=None, sa_column=Column(Text))


class SearchDocument(SQLModel, table=True):
    """A passage as the search index sees it: its length in index terms.

    The search index (``search_*`` tables) is derived data kept in the
    database itself, so every reviewer's CLI shares it on SQLite and
    PostgreSQL alike; ``verify db reindex`` rebuilds it from the passages.
    Only passages of current source versions are indexed.
    """

    __tablename__ = "search_document"

    passage_id: int = Field(foreign_key="passage.id", primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    length: int


class SearchBlock(SQLModel, table=True):
    """The passages of one source that contain an index term, as packed arrays (see verify.match.index)."""

    __tablename__ = "search_block"
    # (term, postings) answers document frequencies from the index alone (migration 0013).
    __table_args__ = (Index("ix_search_block_term_postings", "term", "postings"), {"sqlite_with_rowid": False})

    term: str = Field(primary_key=True)
    source_id: int = Field(foreign_key="source.id", primary_key=True, index=True)
    postings: int
    max_tf: int
    min_length: int
    passage_ids: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    tfs: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    lengths: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SearchStats(SQLModel, table=True):
    """Corpus totals for BM25 (one row), kept in step with search_document."""

    __tablename__ = "search_stats"

    id: int = Field(default=1, primary_key=True)
    documents: int = 0
    total_length: int = 0
    format: int = 0  # verify.match.index.INDEX_FORMAT of the build; another value makes upgrades rebuild


class PassageEmbedding(SQLModel, table=True):
    """A passage's vector from the optional sentence-embedding model (see verify.match.embeddings).

    Derived data kept with the search index; ``model`` is the fingerprint of
    the weights that computed it, so vectors of another model are ignored.
    """

    __tablename__ = "passage_embedding"

    passage_id: int = Field(foreign_key="passage.id", primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    model: str
    dimension: int
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
