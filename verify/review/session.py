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
from verify.db.models import Claim
from verify.errors import RefusedChange, VerifyError
from verify.review import commands
from verify.review.commands import Command
from verify.review.linking import default_source, refuse_duplicate, sentence_quote, source_keys, split_source
from verify.review.queue import Queue, QueueFilter, build_queue, eligible, lock_for
from verify.review.undo import Done, describe, last_event, undo
from verify.review.view import Candidate, ClaimView, Outcome, Summary, from_hits, from_suggestions
from verify.workflow import claims as workflow
from verify.workflow import leases
from verify.workflow.evidence import link, list_evidence, retract
from verify.workflow.rules import VERDICTS_ON_SUPPORT, check_status_change, describe_flags

LINK_HINT = "link evidence first: a suggestion (1-9), a typed quote (q) or a search result (/)"
RENEW_SECONDS = 60  # a held lease is renewed by the next key press after this long


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
            claim = workflow.get_claim(session, claim_id)
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
        """Before a change: take (or renew) the lease on the claim on screen; refused while another reviewer holds it."""
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
        self.done.append(Done(kind, self.visit.claim_id, self.visit.index, what,
                              last_event(self.db, self.visit.claim_id), **extra))  # type: ignore[arg-type]

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
        visit = self.visit
        below = [] if visit.results is not None or visit.show_all else visit.below
        candidates = visit.candidates
        return ClaimView(detail, visit.index + 1, len(self.queue), self.reviewer, candidates,
                         visit.search, visit.expanded, show_help, lock.describe() if lock else None,
                         below=len(below), best_below=below[0] if below and not candidates else None,
                         showing_all=visit.show_all and visit.results is None)

    def finish(self) -> Summary:
        """Call at the end (quit, EOF, Ctrl-C): a claim worked on and left in progress keeps its lease."""
        visit = self.visit
        if visit is not None and visit.leased is not None:
            with self.db.read() as session:
                claim = session.get(Claim, visit.claim_id)
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
        out = Outcome()
        self._act(out)
        linked = link(self.db, self.visit.claim_id, candidate.source, command.stance, actor=self.reviewer,
                      quote=quote, passage_id=None if quote else candidate.passage_id)
        return self._linked(out, command.stance, linked.evidence_id, f"{linked.source} {linked.locator or ''}".strip() + where)

    def _start_work(self, bumps: int) -> str | None:
        """After the first change to an ``unreviewed`` claim: it is in progress now. Returns the status it had."""
        assert self.visit is not None
        with self.db.read() as session:
            claim = workflow.get_claim(session, self.visit.claim_id)
            status, version = claim.status, claim.version
        if version == self.shown_version + bumps:  # only our own change: the screen is still current
            self.shown_version = version
        if status != "unreviewed":
            return None
        self.shown_version = workflow.mark(self.db, self.visit.claim_id, "in_progress", actor=self.reviewer,
                                           if_version=version).version
        return status

    def _linked(self, out: Outcome, stance: str, evidence_id: int, what: str) -> Outcome:
        assert self.visit is not None
        started = self._start_work(1)
        self._record("link", f"evidence {evidence_id} ({what})", evidence_id=evidence_id, old=started,
                     started=started is not None)
        self.summary.add(self.visit.claim_id, "linked", f"linked {what} ({stance})")
        out.say("ok", f"evidence {evidence_id} linked: {stance} · {what}")
        if stance == "contradicts":
            self._warn_conflict(out)
        return out

    def _warn_conflict(self, out: Outcome) -> None:
        assert self.visit is not None
        with self.db.read() as session:
            found = workflow.conflict_of(session, self.visit.claim_id)
        if found is not None:
            out.say("refused", f"conflict: claim {self.visit.claim_id} is {found[0]} but {', '.join(found[1])} "
                               "contradicts it; it fails the publication gate until one is retracted (t) or the verdict changed")

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
        out = Outcome()
        self._act(out)
        linked = link(self.db, self.visit.claim_id, source, stance, actor=self.reviewer, quote=quote)
        out = self._linked(out, stance, linked.evidence_id, f"{linked.source} {linked.locator or ''}".strip())
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

    def _do_mark(self, command: Command, accept: str | None = None) -> Outcome:
        """A verdict; asks for what the rules need: a note, and a reason to rely on flagged evidence."""
        assert self.visit is not None and command.text is not None
        status, note = command.text, command.note
        self._require_current()
        with self.db.read() as session:
            counts = workflow.evidence_counts(session, self.visit.claim_id)
            flagged = workflow.flagged_support(session, self.visit.claim_id) if status in VERDICTS_ON_SUPPORT else []
        try:
            check_status_change(self.visit.claim_id, status, counts, note or "a note")
        except RefusedChange as refusal:
            raise RefusedChange(f"{refusal.message.split('; link one')[0]}; {LINK_HINT}") from None
        if not note:
            try:
                check_status_change(self.visit.claim_id, status, counts, None)
            except RefusedChange:
                question = {"unsupported": "What did you search?", "partly_verified": "Which part is verified?"}.get(
                    status, f"Why is it {status}?")
                self._prompt = Prompt(f"{question} (a note is required)", lambda text: self._do_mark(
                    Command("mark", text=status, note=text), accept))
                return Outcome()
        if flagged and not accept:
            self._prompt = Prompt(f"{status} despite the flags? Why they do not matter (Enter cancels)",
                                  lambda text: self._do_mark(Command("mark", text=status, note=note), text))
            return Outcome().say("refused", f"flagged: {describe_flags(flagged)}")
        out = Outcome()
        self._act(out)
        change = workflow.mark(self.db, self.visit.claim_id, status, actor=self.reviewer, note=note,
                               if_version=self.shown_version, accept_flags=accept)
        self._record("status", change.new or status, old=change.old)
        self.summary.add(self.visit.claim_id, "status", change.new or status)
        out.say("ok", f"claim {change.claim_id}: {change.old} → {change.new}" + (" (with a note)" if note else ""))
        if change.accepted:
            out.say("info", f"flags accepted on evidence {', '.join(str(i) for i in change.accepted)}: {accept}")
        if change.conflict:
            out.say("refused", f"conflict: claim {change.claim_id} is {change.new} but {', '.join(change.conflict)} "
                               "contradicts it; it fails the publication gate (u undoes the verdict)")
        return self._advance(out)

    def _do_note(self, command: Command) -> Outcome:
        assert self.visit is not None
        if not command.text:
            self._prompt = Prompt("Note", lambda text: self._do_note(Command("note", text=text)))
            return Outcome()
        out = Outcome()
        self._act(out)
        change = workflow.add_note(self.db, self.visit.claim_id, command.text, actor=self.reviewer)
        self._start_work(0)
        self._record("note", f"note {change.note_id}")
        self.summary.add(self.visit.claim_id, "note", "note")
        return out.say("ok", f"note {change.note_id} added")

    def _do_assign(self, command: Command) -> Outcome:
        assert self.visit is not None and command.text is not None
        name = {"me": self.reviewer, "-": ""}.get(command.text.lower(), command.text)
        self._require_current()
        out = Outcome()
        self._act(out)
        change = workflow.assign(self.db, self.visit.claim_id, name, actor=self.reviewer, if_version=self.shown_version)
        self.shown_version = change.version
        self._record("assign", change.new or "", old=change.old)
        self.summary.add(self.visit.claim_id, "assign", f"assigned to {change.new or 'nobody'}")
        return out.say("ok", f"claim {change.claim_id} assigned to {change.new or 'nobody'} (was {change.old or 'nobody'})")

    def _do_all(self, _: Command) -> Outcome:
        assert self.visit is not None
        self.visit.show_all = not self.visit.show_all
        self.visit.results, self.visit.search, self.visit.expanded = None, None, None
        if self.visit.show_all:
            return Outcome(panel=True).say("info", "showing every suggestion, also those below the relevance threshold")
        return Outcome(panel=True).say("info", "showing only the suggestions that look relevant")

    def _do_retract(self, command: Command) -> Outcome:
        """``t [ID] [reason]``: retract an evidence of the claim on screen; asks which and why."""
        assert self.visit is not None
        with self.db.read() as session:
            active = [e for e in list_evidence(session, self.visit.claim_id) if not e["retracted"]]
        if not active:
            raise RefusedChange(f"claim {self.visit.claim_id} has no evidence to retract")
        number = command.number if command.number is not None else (active[0]["id"] if len(active) == 1 else None)
        if number is None:
            ids = ", ".join(f"#{e['id']}" for e in active)
            self._prompt = Prompt(f"Retract which evidence? ({ids})", lambda text: self._do_retract(
                Command("retract", int(text.lstrip("#")) if text.lstrip("#").isdigit() else -1, text=command.text)))
            return Outcome()
        chosen = next((e for e in active if e["id"] == number), None)
        if chosen is None:
            raise VerifyError(f"evidence #{number} is not listed on this claim; its evidence: "
                              + ", ".join(f"#{e['id']}" for e in active))
        if not command.text:
            self._prompt = Prompt(f"Why retract evidence #{number} ({chosen['source']} {chosen['locator'] or ''})? "
                                  "(a reason is required)", lambda text: self._do_retract(Command("retract", number, text=text)))
            return Outcome()
        out = Outcome()
        self._act(out)
        done = retract(self.db, number, command.text, actor=self.reviewer)
        what = f"evidence {number} ({chosen['source']} {chosen['locator'] or ''})".replace(" )", ")")
        self._record("retract", what)
        self.summary.add(self.visit.claim_id, "retract", f"retracted {what}")
        out.say("ok", f"{what} retracted")
        if done.status_change:
            out.say("info", f"claim {done.claim_id}: {done.status_change[0]} → {done.status_change[1]} (no supporting evidence left)")
        out.new_claim = True
        return out

    def _do_undo(self, _: Command) -> Outcome:
        if not self.done:
            raise RefusedChange("nothing to undo in this session")
        action = self.done[-1]
        out = Outcome()
        if self.visit is None or self.visit.claim_id != action.claim_id:
            self._leave()
            if not self._open(action.index, out, from_queue=False):
                raise RefusedChange(f"claim {action.claim_id} cannot be opened again")
        try:
            self._act(out)
            said = undo(self.db, action, self.reviewer)
        except RefusedChange as refusal:
            if action.kind in ("note", "retract"):
                self.done.pop()  # final: the next u goes one action further back
            out.say("refused", refusal.message)
            out.new_claim = True
            return out
        self.done.pop()
        self.summary.add(action.claim_id, "undo", f"undid: {describe(action)}")
        out.say("ok", f"undone: you {describe(action)}; {said}")
        out.new_claim = True
        return out
