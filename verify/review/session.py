"""The review session: one command string in, what happened and the next screen out.

Independent of any terminal: ``handle("1")`` links suggestion 1, ``handle("v")``
marks the claim verified and opens the next one. Every action is committed
through the workflow services when it is taken (nothing is held back for the
end), so an interrupted session loses nothing. Status changes and assignments
pass the version of the claim the reviewer was shown (``if_version``); a
stale write is refused and the screen reloads with the current state.

Looking writes nothing: opening, reading, searching, expanding, skipping and
going back change no claim and take no lease, so a session that only looks
leaves the database as it found it (byte for byte, on a SQLite file). The
first action on a claim (a link, a note, a verdict…) takes the review lease
(:mod:`verify.workflow.leases`) that keeps other reviewers off it; a link or
note on an ``unreviewed`` claim also moves it to ``in_progress``. The lease is
given back when the reviewer moves on, and kept (until it lapses) on a claim
left in progress at the end, where the next session resumes. Skips live in the
session's memory only. ``u`` undoes the session's last action
(:mod:`verify.review.undo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from verify.db.engine import Database
from verify.db.queries.claims import find_claim, get_claim
from verify.errors import RefusedChange, VerifyError
from verify.review import commands
from verify.review.actions import Actions, Prompt, StaleView
from verify.review.commands import Command
from verify.review.queue import Queue, QueueFilter, build_queue, eligible, lock_for
from verify.review.undo import Done, last_event
from verify.review.view import Candidate, ClaimView, Outcome, Summary, from_hits, from_suggestions
from verify.workflow import leases

RENEW_SECONDS = 60  # a held lease is renewed by the next key press after this long


@dataclass
class Visit:
    """The claim on screen and what this session did to it since opening it."""

    index: int  # in the queue
    claim_id: int
    leased: str | None = None  # when this visit last took or renewed the lease (None: it holds none)
    acted: bool = False  # the reviewer changed something on this claim during this visit
    suggestions: list[Candidate] = field(default_factory=list)  # all, relevant or not
    show_all: bool = False  # also those below the relevance threshold
    results: list[Candidate] | None = None  # search results, shown instead of the suggestions
    search: str | None = None
    expanded: int | None = None

    @property
    def candidates(self) -> list[Candidate]:
        if self.results is not None:
            return self.results
        shown = self.suggestions if self.show_all else [c for c in self.suggestions if c.relevant]
        return [replace(c, number=n) for n, c in enumerate(shown, start=1)]

    @property
    def below(self) -> list[Candidate]:
        return [c for c in self.suggestions if not c.relevant]


class ReviewSession(Actions):
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
        self.done: list[Done] = []  # this session's actions, for undo
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
        self._leave()
        first = start if start is not None else (self.visit.index + 1 if self.visit else 0)
        for index in range(first, len(self.queue)):
            if self._open(index, out, from_queue=True):
                out.new_claim = True
                return out
        self.visit = None
        out.finished = True
        return out.say("info", "end of the queue: no more claims to review")

    def _open(self, index: int, out: Outcome, *, from_queue: bool) -> bool:
        """Show a claim: read only (no status change, no lease)."""
        claim_id = self.queue.claim_ids[index]
        with self.db.read() as session:
            claim = get_claim(session, claim_id)
            reason = eligible(session, claim, self.reviewer, self.where) if from_queue else None
            version, updated_by = claim.version, claim.updated_by
        if reason is not None:
            if not (updated_by == self.reviewer and reason.startswith("now ")):
                out.say("info", f"claim {claim_id} skipped: {reason}")
            return False
        self.visit = Visit(index, claim_id)
        self.shown_version = version
        self.summary.viewed.add(claim_id)
        self._load_suggestions()
        if not self.history or self.history[-1] != index:
            self.history.append(index)
        return True

    def _load_suggestions(self) -> None:
        from verify.match.rank import suggest_for_claim

        assert self.visit is not None
        with self.db.read() as session:
            self.visit.suggestions = from_suggestions(suggest_for_claim(session, self.visit.claim_id, limit=self.limit))

    def _leave(self) -> None:
        """Moving off a claim: give its lease back (a claim only looked at holds none)."""
        visit = self.visit
        if visit is not None and visit.leased is not None:
            leases.release(self.db, visit.claim_id, self.reviewer)
            visit.leased = None

    def _act(self, out: Outcome | None = None) -> None:
        """Before a change: take (or renew) the lease on the claim on screen.

        Refused while another reviewer holds it.
        """
        from verify import clock

        visit = self.visit
        assert visit is not None
        replaced = leases.acquire(self.db, visit.claim_id, self.reviewer, take_over=self.where.include_locked)
        visit.leased = clock.now()
        if replaced is not None and out is not None:
            out.say("info", f"claim {visit.claim_id} was {replaced.describe()}; you hold it now")

    def _renew(self) -> None:
        """A key press on a claim the reviewer works on keeps its lease from lapsing."""
        from verify import clock

        visit = self.visit
        if visit is None or visit.leased is None:
            return
        if (clock.parse(clock.now()) - clock.parse(visit.leased)).total_seconds() >= RENEW_SECONDS:
            try:
                self._act()
            except VerifyError:
                visit.leased = None  # someone took it over (--include-locked): the next action says so

    def _record(self, kind: str, what: str, **extra: object) -> None:
        assert self.visit is not None
        self.visit.acted = True
        event = last_event(self.db, self.visit.claim_id)
        self.done.append(Done(kind, self.visit.claim_id, self.visit.index, what, event, **extra))  # type: ignore[arg-type]

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
            claim = find_claim(session, self.visit.claim_id)
            lock = lock_for(session, claim, self.reviewer) if claim else None
        self.shown_version = detail.version
        show_help, self._help = self._help, False
        visit = self.visit
        below = [] if visit.results is not None or visit.show_all else visit.below
        candidates = visit.candidates
        return ClaimView(
            detail,
            visit.index + 1,
            len(self.queue),
            self.reviewer,
            candidates,
            visit.search,
            visit.expanded,
            show_help,
            lock.describe() if lock else None,
            below=len(below),
            best_below=below[0] if below and not candidates else None,
            showing_all=visit.show_all and visit.results is None,
        )

    def finish(self) -> Summary:
        """Call at the end (quit, EOF, Ctrl-C): a claim worked on and left in progress keeps its lease."""
        visit = self.visit
        if visit is not None and visit.leased is not None:
            with self.db.read() as session:
                claim = find_claim(session, visit.claim_id)
                status = claim.status if claim is not None else None
            if status == "in_progress" and visit.acted:
                self.summary.left_open = visit.claim_id
            else:
                self._leave()
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
        self._renew()
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
                    claim = get_claim(session, self.visit.claim_id)
                    version, by, at = claim.version, claim.updated_by, claim.updated_at
                if version != shown:
                    out.say(
                        "info",
                        f"claim {self.visit.claim_id} was changed by {by} at {at[:19]}; "
                        "the screen shows it as it is now",
                    )
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
        self._leave()
        return self._advance(out)

    def _do_back(self, _: Command) -> Outcome:
        if len(self.history) < 2:
            raise RefusedChange("this is the first claim of the session; there is nothing to go back to")
        out = Outcome()
        self._leave()
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
            claim = get_claim(session, self.visit.claim_id)
            results = from_hits(search(session, command.text, limit=9), claim.text)
        if not results:
            return Outcome().say("refused", f"no passage matches {command.text!r}; the suggestions stay")
        self.visit.results, self.visit.search = results, command.text
        return Outcome(panel=True).say(
            "info", f"{len(results)} results for {command.text!r}: 1-{len(results)} links one"
        )

    def _candidate(self, number: int) -> Candidate:
        assert self.visit is not None
        candidates = self.visit.candidates
        if not 1 <= number <= len(candidates):
            what = "search result" if self.visit.results is not None else "suggestion"
            have = f"1-{len(candidates)}" if candidates else "none (add sources with 'verify source add')"
            raise VerifyError(f"there is no {what} {number}; the {what}s are {have}")
        return candidates[number - 1]

    def _do_all(self, _: Command) -> Outcome:
        assert self.visit is not None
        self.visit.show_all = not self.visit.show_all
        self.visit.results, self.visit.search, self.visit.expanded = None, None, None
        if self.visit.show_all:
            return Outcome(panel=True).say("info", "showing every suggestion, also those below the relevance threshold")
        return Outcome(panel=True).say("info", "showing only the suggestions that look relevant")
