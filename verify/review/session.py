"""The review session: one command string in, what happened and the next screen out.

Independent of any terminal: ``handle("1")`` links suggestion 1, ``handle("v")``
marks the claim verified and opens the next one. Every action is committed
through the workflow services when it is taken (nothing is held back for the
end), so an interrupted session loses nothing. Status changes and assignments
pass the version of the claim the reviewer was shown (``if_version``); a
stale write is refused and the screen reloads with the current state.

Opening an ``unreviewed`` claim marks it ``in_progress`` under the reviewer's
name. Leaving it with ``s`` or ``b`` before linking anything puts it back to
``unreviewed`` (so it is not locked for others); quitting keeps it in
progress, and the next session resumes there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from verify.db.engine import Database
from verify.db.models import Claim
from verify.errors import RefusedChange, VerifyError
from verify.review import commands
from verify.review.commands import Command
from verify.review.linking import default_source, refuse_duplicate, sentence_quote, source_keys, split_source
from verify.review.queue import Queue, QueueFilter, build_queue, eligible, lock_for
from verify.review.view import Candidate, ClaimView, Outcome, Summary, from_hits, from_suggestions
from verify.workflow import claims as workflow
from verify.workflow.evidence import link
from verify.workflow.rules import check_status_change

LINK_HINT = "link evidence first: a suggestion (1-9), a typed quote (q) or a search result (/)"


class StaleView(RefusedChange):
    """The claim changed since the reviewer's screen showed it."""


@dataclass
class Prompt:
    label: str
    answer: Callable[[str], Outcome]
    allow_empty: bool = False


@dataclass
class Visit:
    """The claim on screen and what this session did to it since opening it."""

    index: int  # in the queue
    claim_id: int
    opened: bool = False  # this visit moved it from unreviewed to in_progress
    linked: int = 0
    suggestions: list[Candidate] = field(default_factory=list)
    results: list[Candidate] | None = None  # search results, shown instead of the suggestions
    search: str | None = None
    expanded: int | None = None

    @property
    def candidates(self) -> list[Candidate]:
        return self.results if self.results is not None else self.suggestions


class ReviewSession:
    def __init__(self, db: Database, reviewer: str, where: QueueFilter | None = None, *, suggestions: int = 5) -> None:
        self.db = db
        self.reviewer = reviewer
        self.where = (where or QueueFilter()).normalised()
        self.limit = suggestions
        self.queue = Queue([])
        self.visit: Visit | None = None
        self.history: list[int] = []  # queue indexes shown, for "back"
        self.shown_version = 0
        self.summary = Summary(reviewer)
        self._prompt: Prompt | None = None
        self._help = False

    # -- starting, moving ---------------------------------------------------------------

    def start(self) -> Outcome:
        with self.db.read() as session:
            self.queue = build_queue(session, self.reviewer, self.where)
        out = Outcome()
        if self.queue.locked and not self.where.include_locked:
            who = ", ".join(f"{lock.claim_id} ({lock.describe()})" for lock in self.queue.locked)
            out.say("info", f"skipped, another reviewer has them open: claim {who}; --include-locked to take them")
        if not self.queue.claim_ids:
            out.finished = True
            return out.say("info", "nothing to review: no claim matches (see 'verify claim list')")
        if self.queue.resume_at is not None:
            out.say("info", f"resuming at claim {self.queue.resume_at}, which you left in progress")
        return self._advance(out, start=0)

    def _advance(self, out: Outcome, start: int | None = None) -> Outcome:
        first = start if start is not None else (self.visit.index + 1 if self.visit else 0)
        for index in range(first, len(self.queue)):
            if self._open(index, out, from_queue=True):
                out.new_claim = True
                return out
        self.visit = None
        out.finished = True
        return out.say("info", "end of the queue: no more claims to review")

    def _open(self, index: int, out: Outcome, *, from_queue: bool) -> bool:
        claim_id = self.queue.claim_ids[index]
        for _attempt in range(3):
            with self.db.read() as session:
                claim = workflow.get_claim(session, claim_id)
                reason = eligible(session, claim, self.reviewer, self.where) if from_queue else None
                status, version, updated_by = claim.status, claim.version, claim.updated_by
            if reason is not None:
                if not (updated_by == self.reviewer and reason.startswith("now ")):
                    out.say("info", f"claim {claim_id} skipped: {reason}")
                return False
            opened = False
            if status == "unreviewed":
                try:
                    version = workflow.mark(self.db, claim_id, "in_progress", actor=self.reviewer, if_version=version).version
                except RefusedChange:
                    continue  # changed under us: read it again
                opened = True
                self.summary.add(claim_id, "opened", "opened")
            self.visit = Visit(index, claim_id, opened=opened)
            self.shown_version = version
            self._load_suggestions()
            if not self.history or self.history[-1] != index:
                self.history.append(index)
            return True
        out.say("info", f"claim {claim_id} skipped: it keeps changing under us")
        return False

    def _load_suggestions(self) -> None:
        from verify.match.rank import suggest_for_claim

        assert self.visit is not None
        with self.db.read() as session:
            self.visit.suggestions = from_suggestions(suggest_for_claim(session, self.visit.claim_id, limit=self.limit))

    def _release(self, out: Outcome) -> None:
        """Leaving an untouched claim this visit opened: back to unreviewed, unlocked for others."""
        visit = self.visit
        if visit is None or not visit.opened or visit.linked:
            return
        try:
            workflow.mark(self.db, visit.claim_id, "unreviewed", actor=self.reviewer, if_version=self.shown_version,
                          note="skipped in review")
        except VerifyError:
            return  # someone else changed it meanwhile: leave it as they left it
        self.summary.add(visit.claim_id, "released", "left unreviewed")
        out.say("info", f"claim {visit.claim_id} left unreviewed for later")

    # -- the screen ----------------------------------------------------------------------

    @property
    def claim_id(self) -> int | None:
        return self.visit.claim_id if self.visit else None

    def view(self) -> ClaimView | None:
        """The current claim as it is now in the database; what is shown is what ``if_version`` checks."""
        from verify.claims.listing import show_claim

        if self.visit is None:
            return None
        with self.db.read() as session:
            detail = show_claim(session, self.visit.claim_id)
            claim = session.get(Claim, self.visit.claim_id)
            lock = lock_for(session, claim, self.reviewer) if claim else None
        self.shown_version = detail["version"]
        show_help, self._help = self._help, False
        return ClaimView(detail, self.visit.index + 1, len(self.queue), self.reviewer, self.visit.candidates,
                         self.visit.search, self.visit.expanded, show_help, lock.describe() if lock else None)

    def finish(self) -> Summary:
        """Call at the end (quit, EOF, Ctrl-C): note the claim left in progress for the next session."""
        if self.visit is not None:
            with self.db.read() as session:
                claim = session.get(Claim, self.visit.claim_id)
                status = claim.status if claim is not None else None
            if status == "in_progress":
                self.summary.left_open = self.visit.claim_id
        return self.summary

    # -- commands ------------------------------------------------------------------------

    @property
    def prompt(self) -> str | None:
        return self._prompt.label if self._prompt else None

    def handle(self, line: str) -> Outcome:
        """Carry out one command (or answer the pending question); refusals keep the claim on screen."""
        if self._prompt is not None:
            prompt, self._prompt = self._prompt, None
            if not line.strip() and not prompt.allow_empty:
                return Outcome().say("info", "cancelled")
            return self._guard(lambda: prompt.answer(line.strip()))
        if self.visit is None:
            return Outcome(finished=True).say("info", "the session is over")
        try:
            command = commands.parse(line)
        except VerifyError as exc:
            return Outcome().say("refused", exc.message)
        return self._guard(lambda: self._dispatch(command))

    def _guard(self, action: Callable[[], Outcome]) -> Outcome:
        from sqlalchemy.exc import OperationalError

        shown = self.shown_version
        try:
            out = action()
        except OperationalError as exc:  # e.g. a lock held too long by another writer: nothing was written
            detail = str(exc.orig if exc.orig is not None else exc).splitlines()[0]
            out = Outcome().say("refused", f"the database is busy ({detail}); nothing was saved, try again")
        except VerifyError as exc:
            out = Outcome().say("refused", exc.message)
            if self.visit is not None and isinstance(exc, StaleView):
                out.new_claim = True
            elif self.visit is not None:
                with self.db.read() as session:
                    claim = workflow.get_claim(session, self.visit.claim_id)
                    version, by, at = claim.version, claim.updated_by, claim.updated_at
                if version != shown:
                    out.say("info", f"claim {self.visit.claim_id} was changed by {by} at {at[:19]}; "
                                    "the screen shows it as it is now")
                    out.new_claim = True
        if self._prompt is not None:
            out.prompt = self._prompt.label
        return out

    def _dispatch(self, command: Command) -> Outcome:
        handler = getattr(self, f"_do_{command.name}")
        return handler(command)  # type: ignore[no-any-return]

    def _do_help(self, _: Command) -> Outcome:
        self._help = True
        return Outcome(panel=True)

    def _do_refresh(self, _: Command) -> Outcome:
        self._load_suggestions()
        assert self.visit is not None
        self.visit.results, self.visit.search, self.visit.expanded = None, None, None
        return Outcome(new_claim=True)

    def _do_quit(self, _: Command) -> Outcome:
        return Outcome(finished=True)

    def _do_skip(self, _: Command) -> Outcome:
        out = Outcome()
        assert self.visit is not None
        self.summary.add(self.visit.claim_id, "skip", "skipped")
        self._release(out)
        return self._advance(out)

    def _do_back(self, _: Command) -> Outcome:
        if len(self.history) < 2:
            raise RefusedChange("this is the first claim of the session; there is nothing to go back to")
        out = Outcome()
        self._release(out)
        self.history.pop()
        if not self._open(self.history[-1], out, from_queue=False):
            raise RefusedChange("the previous claim cannot be opened")
        out.new_claim = True
        return out

    def _do_expand(self, command: Command) -> Outcome:
        assert self.visit is not None
        if command.number is not None:
            self._candidate(command.number)
        self.visit.expanded = command.number
        return Outcome(panel=True)

    def _do_search(self, command: Command) -> Outcome:
        from verify.match.search import search

        assert self.visit is not None
        self.visit.expanded = None
        if not command.text:
            self.visit.results, self.visit.search = None, None
            return Outcome(panel=True).say("info", "back to the suggestions")
        with self.db.read() as session:
            claim = workflow.get_claim(session, self.visit.claim_id)
            results = from_hits(search(session, command.text, limit=9), claim.text)
        if not results:
            return Outcome().say("refused", f"no passage matches {command.text!r}; the suggestions stay")
        self.visit.results, self.visit.search = results, command.text
        return Outcome(panel=True).say("info", f"{len(results)} results for {command.text!r}: 1-{len(results)} links one")

    def _candidate(self, number: int) -> Candidate:
        assert self.visit is not None
        candidates = self.visit.candidates
        if not 1 <= number <= len(candidates):
            what = "search result" if self.visit.results is not None else "suggestion"
            have = f"1-{len(candidates)}" if candidates else "none (add sources with 'verify source add')"
            raise VerifyError(f"there is no {what} {number}; the {what}s are {have}")
        return candidates[number - 1]

    def _do_link(self, command: Command) -> Outcome:
        assert self.visit is not None and command.number is not None
        candidate = self._candidate(command.number)
        quote, where = sentence_quote(candidate, command.sentence)
        refuse_duplicate(self.db, self.visit.claim_id, candidate.passage_id, quote or candidate.text, command.stance)
        linked = link(self.db, self.visit.claim_id, candidate.source, command.stance, actor=self.reviewer,
                      quote=quote, passage_id=None if quote else candidate.passage_id)
        return self._linked(command.stance, linked.evidence_id, f"{linked.source} {linked.locator or ''}".strip() + where)

    def _linked(self, stance: str, evidence_id: int, what: str) -> Outcome:
        assert self.visit is not None
        self.visit.linked += 1
        with self.db.read() as session:
            version = workflow.get_claim(session, self.visit.claim_id).version
        if version == self.shown_version + 1:  # only our own change: the screen is still current
            self.shown_version = version
        self.summary.add(self.visit.claim_id, "linked", f"linked {what} ({stance})")
        return Outcome().say("ok", f"evidence {evidence_id} linked: {stance} · {what}")

    def _do_quote(self, command: Command) -> Outcome:
        if command.text is None:
            self._prompt = Prompt("Quote, as it stands in the source", lambda text: self._do_quote(
                Command("quote", stance=command.stance, text=text)))
            return Outcome()
        assert self.visit is not None
        keys = source_keys(self.db)
        text, source = split_source(command.text, command.source, keys)
        if source is None:
            default = default_source(self.db, self.visit.claim_id, keys, self.visit.candidates)
            if len(keys) == 1:
                source = keys[0]
            else:
                self._prompt = Prompt(
                    f"Source key [{default}] (one of {', '.join(keys)})" if default else f"Source key (one of {', '.join(keys)})",
                    lambda key: self._link_quote(text, key or default or "", command.stance), allow_empty=bool(default))
                return Outcome()
        return self._link_quote(text, source, command.stance)

    def _link_quote(self, quote: str, source: str, stance: str) -> Outcome:
        assert self.visit is not None
        refuse_duplicate(self.db, self.visit.claim_id, None, quote, stance)
        linked = link(self.db, self.visit.claim_id, source, stance, actor=self.reviewer, quote=quote)
        out = self._linked(stance, linked.evidence_id, f"{linked.source} {linked.locator or ''}".strip())
        if linked.method != "exact":
            out.say("info", f"stored as the source's own text: “{linked.quote}”")
        return out

    def _require_current(self) -> None:
        """Refuse a change decided on a screen that no longer shows the claim as it is."""
        assert self.visit is not None
        with self.db.read() as session:
            claim = workflow.get_claim(session, self.visit.claim_id)
            version, by, at = claim.version, claim.updated_by, claim.updated_at
        if version != self.shown_version:
            raise StaleView(f"not saved: claim {self.visit.claim_id} was changed by {by} at {at[:16].replace('T', ' ')} "
                            f"(version {self.shown_version} → {version}); the screen now shows it as it is: check, then repeat")

    def _do_mark(self, command: Command) -> Outcome:
        assert self.visit is not None and command.text is not None
        status, note = command.text, command.note
        self._require_current()
        if not note:
            with self.db.read() as session:
                counts = workflow.evidence_counts(session, self.visit.claim_id)
            try:
                check_status_change(self.visit.claim_id, status, counts, None)
            except RefusedChange as refusal:
                try:
                    check_status_change(self.visit.claim_id, status, counts, "a note")
                except RefusedChange:
                    raise RefusedChange(f"{refusal.message.split('; link one')[0]}; {LINK_HINT}") from None
                question = "What did you search?" if status == "unsupported" else f"Why is it {status}?"
                self._prompt = Prompt(f"{question} (a note is required)", lambda text: self._do_mark(
                    Command("mark", text=status, note=text)))
                return Outcome()
        change = workflow.mark(self.db, self.visit.claim_id, status, actor=self.reviewer, note=note,
                               if_version=self.shown_version)
        self.summary.add(self.visit.claim_id, "status", change.new or status)
        out = Outcome().say("ok", f"claim {change.claim_id}: {change.old} → {change.new}" + (" (with a note)" if note else ""))
        return self._advance(out)

    def _do_note(self, command: Command) -> Outcome:
        assert self.visit is not None
        if not command.text:
            self._prompt = Prompt("Note", lambda text: self._do_note(Command("note", text=text)))
            return Outcome()
        change = workflow.add_note(self.db, self.visit.claim_id, command.text, actor=self.reviewer)
        self.summary.add(self.visit.claim_id, "note", "note")
        return Outcome().say("ok", f"note {change.note_id} added")

    def _do_assign(self, command: Command) -> Outcome:
        assert self.visit is not None and command.text is not None
        name = {"me": self.reviewer, "-": ""}.get(command.text.lower(), command.text)
        self._require_current()
        change = workflow.assign(self.db, self.visit.claim_id, name, actor=self.reviewer, if_version=self.shown_version)
        self.shown_version = change.version
        self.summary.add(self.visit.claim_id, "assign", f"assigned to {change.new or 'nobody'}")
        return Outcome().say("ok", f"claim {change.claim_id} assigned to {change.new or 'nobody'} (was {change.old or 'nobody'})")
