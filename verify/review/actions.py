"""The commands of a review session that change something: link, verdict, note, assignment, retraction, undo.

:class:`Actions` is mixed into :class:`verify.review.session.ReviewSession`,
which owns the queue, the screen and the lease; every method here first takes
the lease (``_act``), then commits through the workflow services, and records
what it did for ``u`` (``_record``, see :mod:`verify.review.undo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from verify.db.queries.claims import get_claim
from verify.errors import RefusedChange, VerifyError
from verify.review.commands import Command
from verify.review.linking import default_source, refuse_duplicate, sentence_quote, source_keys, split_source
from verify.review.undo import describe, undo
from verify.review.view import Candidate, Outcome, Summary
from verify.workflow import claims as workflow
from verify.workflow.evidence import link, list_evidence, retract
from verify.workflow.rules import VERDICTS_ON_SUPPORT, check_status_change, describe_flags

if TYPE_CHECKING:
    from verify.db.engine import Database
    from verify.review.undo import Done

LINK_HINT = "link evidence first: a suggestion (1-9), a typed quote (q) or a search result (/)"


class StaleView(RefusedChange):
    """The claim changed since the reviewer's screen showed it."""


@dataclass
class Prompt:
    label: str
    answer: Callable[[str], Outcome]
    allow_empty: bool = False


class Actions:
    """The writing commands; the session provides the state and helpers declared here."""

    db: Database
    reviewer: str
    shown_version: int
    summary: Summary
    done: list[Done]
    _prompt: Prompt | None

    if TYPE_CHECKING:
        from verify.review.session import Visit

        visit: Visit | None

        def _act(self, out: Outcome | None = None) -> None: ...
        def _record(self, kind: str, what: str, **extra: object) -> None: ...
        def _advance(self, out: Outcome, start: int | None = None) -> Outcome: ...
        def _open(self, index: int, out: Outcome, *, from_queue: bool) -> bool: ...
        def _leave(self) -> None: ...
        def _candidate(self, number: int) -> Candidate: ...

    def _do_link(self, command: Command) -> Outcome:
        assert self.visit is not None and command.number is not None
        candidate = self._candidate(command.number)
        quote, where = sentence_quote(candidate, command.sentence)
        refuse_duplicate(self.db, self.visit.claim_id, candidate.passage_id, quote or candidate.text, command.stance)
        out = Outcome()
        self._act(out)
        linked = link(
            self.db,
            self.visit.claim_id,
            candidate.source,
            command.stance,
            actor=self.reviewer,
            quote=quote,
            passage_id=None if quote else candidate.passage_id,
        )
        return self._linked(
            out, command.stance, linked.evidence_id, f"{linked.source} {linked.locator or ''}".strip() + where
        )

    def _start_work(self, bumps: int) -> str | None:
        """After the first change to an ``unreviewed`` claim: it is in progress now. Returns the status it had."""
        assert self.visit is not None
        with self.db.read() as session:
            claim = get_claim(session, self.visit.claim_id)
            status, version = claim.status, claim.version
        if version == self.shown_version + bumps:  # only our own change: the screen is still current
            self.shown_version = version
        if status != "unreviewed":
            return None
        self.shown_version = workflow.mark(
            self.db, self.visit.claim_id, "in_progress", actor=self.reviewer, if_version=version
        ).version
        return status

    def _linked(self, out: Outcome, stance: str, evidence_id: int, what: str) -> Outcome:
        assert self.visit is not None
        started = self._start_work(1)
        self._record(
            "link",
            f"evidence {evidence_id} ({what})",
            evidence_id=evidence_id,
            old=started,
            started=started is not None,
        )
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
            out.say(
                "warning",
                f"conflict: claim {self.visit.claim_id} is {found[0]} but {', '.join(found[1])} "
                "contradicts it; it fails the publication gate until one is retracted (t) or the verdict changed",
            )

    def _do_quote(self, command: Command) -> Outcome:
        if command.text is None:
            self._prompt = Prompt(
                "Quote, as it stands in the source",
                lambda text: self._do_quote(Command("quote", stance=command.stance, text=text)),
            )
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
                    f"Source key [{default}] (one of {', '.join(keys)})"
                    if default
                    else f"Source key (one of {', '.join(keys)})",
                    lambda key: self._link_quote(text, key or default or "", command.stance),
                    allow_empty=bool(default),
                )
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
            claim = get_claim(session, self.visit.claim_id)
            version, by, at = claim.version, claim.updated_by, claim.updated_at
        if version != self.shown_version:
            raise StaleView(
                f"not saved: claim {self.visit.claim_id} was changed by {by} at {at[:16].replace('T', ' ')} "
                f"(version {self.shown_version} → {version}); the screen now shows it as it is: check, then repeat"
            )

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
                    status, f"Why is it {status}?"
                )
                self._prompt = Prompt(
                    f"{question} (a note is required)",
                    lambda text: self._do_mark(Command("mark", text=status, note=text), accept),
                )
                return Outcome()
        if flagged and not accept:
            self._prompt = Prompt(
                f"{status} despite the flags? Why they do not matter (Enter cancels)",
                lambda text: self._do_mark(Command("mark", text=status, note=note), text),
            )
            return Outcome().say("warning", f"flagged: {describe_flags(flagged)}")
        out = Outcome()
        self._act(out)
        change = workflow.mark(
            self.db,
            self.visit.claim_id,
            status,
            actor=self.reviewer,
            note=note,
            if_version=self.shown_version,
            accept_flags=accept,
        )
        self._record("status", change.new or status, old=change.old)
        self.summary.add(self.visit.claim_id, "status", change.new or status)
        out.say("ok", f"claim {change.claim_id}: {change.old} → {change.new}" + (" (with a note)" if note else ""))
        if change.accepted:
            out.say("info", f"flags accepted on evidence {', '.join(str(i) for i in change.accepted)}: {accept}")
        if change.conflict:
            out.say(
                "warning",
                f"conflict: claim {change.claim_id} is {change.new} but {', '.join(change.conflict)} "
                "contradicts it; it fails the publication gate (u undoes the verdict)",
            )
        if change.call_notes:
            out.say(
                "info",
                f"claim {change.claim_id} is {change.new} on notes of calls without a transcript only "
                f"({', '.join(change.call_notes)})",
            )
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
        return out.say(
            "ok", f"claim {change.claim_id} assigned to {change.new or 'nobody'} (was {change.old or 'nobody'})"
        )

    def _do_retract(self, command: Command) -> Outcome:
        """``t [ID] [reason]``: retract an evidence of the claim on screen; asks which and why."""
        assert self.visit is not None
        with self.db.read() as session:
            active = [e for e in list_evidence(session, self.visit.claim_id) if not e.retracted]
        if not active:
            raise RefusedChange(f"claim {self.visit.claim_id} has no evidence to retract")
        number = command.number if command.number is not None else (active[0].id if len(active) == 1 else None)
        if number is None:
            ids = ", ".join(f"#{e.id}" for e in active)
            self._prompt = Prompt(
                f"Retract which evidence? ({ids})",
                lambda text: self._do_retract(
                    Command("retract", int(text.lstrip("#")) if text.lstrip("#").isdigit() else -1, text=command.text)
                ),
            )
            return Outcome()
        chosen = next((e for e in active if e.id == number), None)
        if chosen is None:
            raise VerifyError(
                f"evidence #{number} is not listed on this claim; its evidence: "
                + ", ".join(f"#{e.id}" for e in active)
            )
        if not command.text:
            self._prompt = Prompt(
                f"Why retract evidence #{number} ({chosen.source} {chosen.locator or ''})? (a reason is required)",
                lambda text: self._do_retract(Command("retract", number, text=text)),
            )
            return Outcome()
        out = Outcome()
        self._act(out)
        done = retract(self.db, number, command.text, actor=self.reviewer)
        what = f"evidence {number} ({chosen.source} {chosen.locator or ''})".replace(" )", ")")
        self._record("retract", what)
        self.summary.add(self.visit.claim_id, "retract", f"retracted {what}")
        out.say("ok", f"{what} retracted")
        if done.status_change:
            out.say(
                "info",
                f"claim {done.claim_id}: {done.status_change[0]} → {done.status_change[1]} (no supporting evidence "
                "left)",
            )
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
        assert self.visit is not None
        self.visit.acted = True
        self.summary.add(action.claim_id, "undo", f"undid: {describe(action)}")
        out.say("ok", f"undone: you {describe(action)}; {said}")
        out.new_claim = True
        return out
