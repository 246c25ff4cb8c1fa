"""The data behind one review screen, and the session summary: plain values, no rendering.

A :class:`ClaimView` is everything a screen shows for a claim (position in
the queue, the claim in its paragraph, evidence, notes, the numbered
candidates: evidence suggestions or search results). :mod:`verify.review.screen`
draws it; tests read it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from verify.claims.listing import ClaimDetail, EvidenceItem
from verify.db.queries.sources import retrieved_source_keys
from verify.ingest.segment import split_sentences
from verify.match.flags import flags_for
from verify.match.rank import Suggestion
from verify.match.search import MARK_CLOSE, MARK_OPEN, Hit


@dataclass(frozen=True)
class Message:
    level: str  # ok, refused, warning, info
    text: str


@dataclass(frozen=True)
class Candidate:
    """A numbered passage the reviewer can link: a suggestion or a search result."""

    number: int
    passage_id: int
    source: str
    locator: str
    page: int | None
    score: float
    text: str
    matched_terms: tuple[str, ...]
    flags: tuple[dict[str, Any], ...] = ()
    note: str | None = None
    relevance: float | None = None  # suggestions only (see verify.match.rank.Suggestion.relevance)
    relevant: bool = True

    def sentences(self) -> list[str]:
        return [self.text[start:end] for start, end in split_sentences(self.text)]


@dataclass
class ClaimView:
    claim: ClaimDetail  # verify.claims.listing.show_claim
    position: int  # 1-based, in the queue
    total: int
    reviewer: str
    candidates: list[Candidate]
    search: str | None = None  # the candidates are results of this search
    expanded: int | None = None  # candidate number shown in full
    show_help: bool = False
    lock: str | None = None  # "being reviewed by bob, last action 5 min ago" (with --include-locked)
    messages: list[Message] = field(default_factory=list)
    below: int = 0  # suggestions hidden below the relevance threshold
    best_below: Candidate | None = None  # the best of them, when no suggestion is shown
    showing_all: bool = False  # the reviewer asked for them (*)

    @property
    def claim_id(self) -> int:
        return self.claim.id

    @property
    def active_evidence(self) -> list[EvidenceItem]:
        return [e for e in self.claim.evidence if not e.retracted]


@dataclass
class Outcome:
    """What one command did, and what the next screen needs."""

    messages: list[Message] = field(default_factory=list)
    new_claim: bool = False  # another claim is now on screen (or the same one, reloaded)
    panel: bool = False  # the candidates panel changed (search, expand, help)
    prompt: str | None = None  # the session waits for an answer to this question
    finished: bool = False

    def say(self, level: str, text: str) -> Outcome:
        self.messages.append(Message(level, text))
        return self


@dataclass
class Summary:
    """What a session did, claim by claim, for the closing screen."""

    reviewer: str
    entries: list[tuple[int, str, str]] = field(default_factory=list)  # (claim id, kind, text)
    left_open: int | None = None  # the claim left in progress, where the next session resumes
    viewed: set[int] = field(default_factory=set)  # kept in memory only: looking writes nothing
    interrupted: bool = False

    def add(self, claim_id: int, kind: str, text: str) -> None:
        self.entries.append((claim_id, kind, text))

    def count(self, kind: str) -> int:
        return sum(1 for _, k, _ in self.entries if k == kind)

    def lines(self) -> list[str]:
        claims = list(dict.fromkeys(cid for cid, kind, _ in self.entries))
        viewed = len(self.viewed)
        counts = [
            (viewed, "claim viewed", "claims viewed"),
            (self.count("linked"), "evidence linked", "evidence linked"),
            (self.count("status"), "verdict", "verdicts"),
            (self.count("note"), "note", "notes"),
            (self.count("assign"), "assignment", "assignments"),
            (self.count("retract"), "retraction", "retractions"),
            (self.count("undo"), "undone", "undone"),
            (self.count("skip"), "skipped", "skipped"),
        ]
        done = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)
        lines = [f"Session of {self.reviewer}: {done or 'nothing viewed'}."]
        if self.interrupted:
            lines.insert(0, "Interrupted: every action taken was saved; a command not finished was not.")
        for cid in claims:
            lines.append(f"  claim {cid}: " + "; ".join(t for c, k, t in self.entries if c == cid))
        if self.left_open is not None:
            lines.append(f"Claim {self.left_open} stays in progress: 'verify review' resumes there.")
        return lines


def from_suggestions(suggestions: list[Suggestion]) -> list[Candidate]:
    return [
        Candidate(
            n,
            s.passage_id,
            s.source.key,
            s.locator,
            s.page,
            s.score,
            s.text,
            tuple(s.matched_terms),
            tuple(s.flags),
            s.note,
            s.relevance,
            s.relevant,
        )
        for n, s in enumerate(suggestions, start=1)
    ]


def from_hits(hits: list[Hit], claim_text: str) -> list[Candidate]:
    out = []
    for n, hit in enumerate(hits, start=1):
        marked = [part.split(MARK_CLOSE)[0].lower() for part in hit.marked.split(MARK_OPEN)[1:]]
        out.append(
            Candidate(
                n,
                hit.passage_id,
                hit.source,
                hit.locator,
                hit.page,
                hit.score,
                hit.text,
                tuple(dict.fromkeys(marked)),
                tuple(flags_for(claim_text, hit.text)),
            )
        )
    return out


def retrieved_sources(session: Session) -> list[str]:
    """Keys of the current sources that have text (the ones evidence can come from)."""
    return retrieved_source_keys(session)
