"""Drawing a review screen: rich text for a terminal, plain text for scripted mode.

Both come from the same lines. In a terminal the claim is shown in reverse
video and matched words in bold, and the screen is fitted to the window (a
long paragraph is folded around the claim, suggestions are cut to one line
each and the ones that do not fit are counted). Plain text marks the claim
``>>like this<<`` and matched words ``**like this**``, and is never cut
vertically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from typing import Any

from rich.console import Console
from rich.text import Text

from verify.claims.listing import ClaimContext, ClaimDetail, EvidenceItem
from verify.match.rank import RELEVANCE_THRESHOLD
from verify.review.commands import HELP, KEYS_HINT
from verify.review.view import Candidate, ClaimView, Message, Summary
from verify.text.safe import safe_renderable, visible
from verify.workflow.rules import flag_kind

PREFIX_PLAIN = {"ok": "ok: ", "refused": "refused: ", "warning": "warning: ", "info": "info: "}
PREFIX_RICH = {
    "ok": ("✓ ", "green"),
    "refused": ("✗ ", "bold red"),
    "warning": ("! ", "bold yellow"),
    "info": ("· ", "dim"),
}
CONTEXT_BUDGETS = (None, 600, 400, 280, 200, 140, 90, 50, 20, 0)


@dataclass
class Style:
    plain: bool
    width: int
    height: int | None  # None: no limit (scripted mode)

    def __post_init__(self) -> None:
        self._console = Console(file=StringIO(), width=self.width, color_system=None, legacy_windows=False)

    def wrap(self, text: Text, indent: str = "", hang: int = 0) -> list[Text]:
        """Wrapped to the width; every line after ``indent``, lines after the first also after ``hang`` spaces."""
        lines = safe_renderable(text).wrap(self._console, max(self.width - len(indent) - hang, 10))
        return [Text(indent + (" " * hang if index else "")) + line for index, line in enumerate(lines)]

    def mark(self, out: Text, piece: str, kind: str) -> None:
        if self.plain:
            out.append(("**" + piece + "**") if kind == "term" else (">>" + piece + "<<"))
        else:
            out.append(piece, style="bold underline" if kind == "term" else "reverse")


def _fit(lines: list[Text], limit: int, width: int) -> list[Text]:
    if len(lines) <= limit:
        return lines
    kept = lines[: max(limit, 1)]
    last = kept[-1].copy()
    last.truncate(width - 1)
    last.append("…")
    return [*kept[:-1], last]


def _flat(text: str) -> str:
    flat = " ".join(text.split())
    return (" " if text[:1].isspace() else "") + flat + (" " if text[-1:].isspace() and flat else "")


def _tail(text: str, budget: int | None) -> str:
    if budget is None or len(text) <= budget:
        return text
    cut = text.find(" ", len(text) - budget)
    return "…" + (text[cut:] if budget and cut >= 0 else " ")


def _head(text: str, budget: int | None) -> str:
    if budget is None or len(text) <= budget:
        return text
    cut = text.rfind(" ", 0, budget)
    return (text[:cut] if budget and cut > 0 else "") + " …"


def paragraph(view: ClaimView, style: Style, max_lines: int | None) -> list[Text]:
    """The paragraph with the claim marked, folded around the claim to ``max_lines``."""
    context = view.claim.context or ClaimContext("", view.claim.text, "")
    before, claim, after = _flat(context.before), " ".join(context.claim.split()), _flat(context.after)
    lines: list[Text] = []
    for budget in CONTEXT_BUDGETS:
        text = Text(_tail(before, budget))
        style.mark(text, claim, "claim")
        text.append(_head(after, budget))
        lines = style.wrap(text)
        if max_lines is None or len(lines) <= max_lines:
            return lines
    return _fit(lines, max_lines or len(lines), style.width)


def _attribution(claim: ClaimDetail) -> str | None:
    found = claim.attribution
    if not found:
        return None
    target = found.get("source_key")
    said = f"“{found['phrase']}”"
    text = (
        f"the author attributes this to {target} ({said})"
        if target
        else f"the author attributes this to {said}, no registered source matches"
    )
    if found.get("via") == "paragraph":
        text += (
            f", carried over from claim {found['inherited_from']} earlier in the paragraph"
            " (weaker: no source named here)"
        )
    elif found.get("inherited_from"):
        text += f", carried over from claim {found['inherited_from']}"
    return text


def header(view: ClaimView, style: Style) -> list[Text]:
    c = view.claim
    title = Text(
        f"Claim {c.id} · ¶ {c.paragraph}, sentence {c.sentence} · claim {view.position} of {view.total} in queue",
        style="bold",
    )
    state = (
        f"{c.kind} · {c.status}"
        + (f" ({view.lock})" if view.lock else "")
        + f" · assignee {c.assignee or '-'} · version {c.version}"
        + (" · edited in the latest revision" if c.changed else "")
    )
    lines = style.wrap(title) + style.wrap(Text(state))
    attribution = _attribution(c)
    if attribution:
        lines += style.wrap(Text(attribution, style="italic"))
    return lines


def records(view: ClaimView, style: Style, compact: bool) -> list[Text]:
    """Evidence linked so far and the notes: one line each in a terminal."""
    evidence, notes = view.active_evidence, view.claim.notes
    retracted = len(view.claim.evidence) - len(evidence)
    lines: list[Text] = []
    head = f"Evidence: {len(evidence) or 'none'}" + (f" ({retracted} retracted)" if retracted else "")
    lines.append(Text(head, style="bold"))
    shown = evidence[-3:] if compact else evidence
    if len(evidence) > len(shown):
        lines.append(Text(f"  … {len(evidence) - len(shown)} earlier"))
    for e in shown:
        row = Text(f"  #{e.id} {e.stance} · {e.where}{_evidence_flags(e)} · {' '.join(e.shown.split())}")
        lines += _fit(style.wrap(row), 1, style.width) if compact else style.wrap(row, hang=5)
    note_head = Text(f"Notes: {len(notes) or 'none'}", style="bold")
    if notes and compact:
        last = notes[-1]
        note_head.append(f" · last, {last.author}: {' '.join(last.text.split())}", style="")
        lines += _fit(style.wrap(note_head), 1, style.width)
    else:
        lines.append(note_head)
        for n in notes:
            lines += style.wrap(Text(f"  {n.at[:16].replace('T', ' ')} {n.author}: {n.text}"), hang=4)
    return lines


def _evidence_flags(evidence: EvidenceItem) -> str:
    """ " · ⚑ missing_name ×2" for flags nobody accepted yet, " · ⚑ accepted" once someone did."""
    flags = evidence.flags
    if not flags:
        return ""
    if evidence.flags_accepted:
        return " · ⚑ accepted"
    kinds: dict[str, int] = {}
    for flag in flags:
        kinds[flag_kind(flag)] = kinds.get(flag_kind(flag), 0) + 1
    return " · ⚑ " + ", ".join(k + (f" ×{n}" if n > 1 else "") for k, n in kinds.items())


def snippet(candidate: Candidate, chars: int) -> tuple[str, int]:
    """A window of the passage starting shortly before its first matched word."""
    flat = " ".join(candidate.text.split())
    stems = _stems(candidate.matched_terms)
    first = (
        next((m.start() for m in re.finditer(r"\w+", flat) if m.group().lower().startswith(stems)), 0) if stems else 0
    )
    start = 0 if first < chars // 3 else flat.rfind(" ", 0, first - 20) + 1
    window = flat[start:]
    if len(window) > chars:
        cut = window.rfind(" ", 0, chars)
        window = window[: cut if cut > 0 else chars] + " …"
    return ("… " if start else "") + window, start


def _stems(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({t[: max(4, len(t) - 2)] for t in terms if len(t) > 1}, key=len, reverse=True))


def marked(text: str, terms: Sequence[str], style: Style) -> Text:
    out, stems = Text(), _stems(terms)
    for piece in re.split(r"(\d[\d,.]*\d|\w+)", text):  # "4,000" is one word: its "000" is not a match
        if stems and piece and piece[0].isalnum() and piece.lower().startswith(stems):
            style.mark(out, piece, "term")
        else:
            out.append(piece)
    return out


FLAG_LABELS = {"number_mismatch": "numbers", "missing_name": "names", "hedged": "hedged"}


def flag_text(flag: dict[str, Any]) -> str:
    label = FLAG_LABELS.get(flag["type"], flag["type"])
    return flag["message"] if flag["type"] == "hedged" else f"{label}: {flag['message']}"


def candidate_rows(c: Candidate, style: Style, *, snippet_lines: int | None, flag_lines: int | None) -> list[Text]:
    head = Text(f"{c.number} ", style="bold")
    head.append(f"{c.source}, {c.locator}" + (f", p. {c.page}" if c.page else ""), style="bold")
    head.append(f"  score {c.score:.2f}")
    if not c.relevant:
        head.append("  below the relevance threshold", style="dim")
    if c.flags and flag_lines == 0:
        head.append(f"  ⚑ {len(c.flags)} flag{'s' if len(c.flags) > 1 else ''}")
    if c.note:
        head.append(f"  ({c.note})", style="italic")
    rows = _fit(style.wrap(head), 1, style.width) if style.height else style.wrap(head)
    chars = (style.width - 4) * snippet_lines if snippet_lines else 10_000
    text, _ = snippet(c, chars)
    body = style.wrap(marked(text, c.matched_terms, style), "   ")
    rows += _fit(body, snippet_lines, style.width) if snippet_lines else body
    flags = list(c.flags) if flag_lines is None else list(c.flags)[:flag_lines]
    for index, flag in enumerate(flags):
        more = len(c.flags) - len(flags)
        line = Text(
            f"! {flag_text(flag)}" + (f" (+{more} more: e {c.number})" if more and index == len(flags) - 1 else ""),
            style="yellow",
        )
        rows += _fit(style.wrap(line, "   "), 1, style.width) if style.height else style.wrap(line, "   ")
    return rows


def expanded_rows(c: Candidate, style: Style) -> list[Text]:
    head = Text(
        f"{c.number} {c.source}, {c.locator}" + (f", p. {c.page}" if c.page else "") + f"  score {c.score:.2f}",
        style="bold",
    )
    text = Text()
    for n, sentence in enumerate(c.sentences(), start=1):
        text.append(f"[s{n}] ", style="dim")
        text.append_text(marked(" ".join(sentence.split()), c.matched_terms, style))
        text.append(" ")
    rows = style.wrap(head) + style.wrap(text, "   ")
    for flag in c.flags:
        rows += style.wrap(Text(f"! {flag_text(flag)}", style="yellow"), "   ")
    sentence = f" · {c.number} s2 only sentence 2 · {c.number}c s2 as contradicting" if len(c.sentences()) > 1 else ""
    rows.append(Text(f"   {c.number} links it all{sentence} · e folds", style="dim"))
    return rows


def help_rows(style: Style) -> list[Text]:
    rows = [Text("Keys and commands (in a terminal, keys act at once; : types a whole command)", style="bold")]
    for keys, meaning in HELP:
        lines = Text(meaning).wrap(style._console, max(style.width - 16, 20))
        rows += [Text(f"  {keys:<14}" if index == 0 else " " * 16) + line for index, line in enumerate(lines)]
    return rows


def panel(view: ClaimView, style: Style, budget: int | None) -> list[Text]:
    """The numbered candidates (or one expanded, or the help), within ``budget`` lines."""
    if view.show_help:
        return help_rows(style)
    if view.expanded is not None and 1 <= view.expanded <= len(view.candidates):
        return _fit(expanded_rows(view.candidates[view.expanded - 1], style), budget or 10_000, style.width)
    rows = style.wrap(_panel_head(view))
    rows = _fit(rows, 2, style.width) if style.height else rows
    if view.below and view.candidates:
        rows.append(Text(f"{view.below} more below the relevance threshold: * shows them", style="dim"))
    if budget is None:
        for c in view.candidates:
            rows += candidate_rows(c, style, snippet_lines=2, flag_lines=3)
        return rows
    for index, c in enumerate(view.candidates):
        left = len(view.candidates) - index - 1
        room = budget - len(rows) - (1 if left else 0)
        block = candidate_rows(c, style, snippet_lines=1, flag_lines=1)
        if len(block) > room:
            block = candidate_rows(c, style, snippet_lines=1, flag_lines=0)
        if len(block) > room:
            hidden = f"{index + 1}-{len(view.candidates)}" if left else f"{index + 1}"
            rows.append(Text(f"{hidden} not shown: e {index + 1} reads one", style="dim"))
            break
        rows += block
    return rows


def _panel_head(view: ClaimView) -> Text:
    if view.search:
        return Text(f"Search results for “{view.search}” (/ alone: back to the suggestions)", style="bold")
    if view.candidates:
        return Text(
            "Suggestions" + (", also below the relevance threshold (* hides those)" if view.showing_all else ""),
            style="bold",
        )
    best = view.best_below
    if best is not None:
        return Text(
            f"Suggestions: no passage looks relevant (the best, {best.source} {best.locator}, stands out "
            f"{best.relevance or 0:.2f}, below {RELEVANCE_THRESHOLD:.2f}); * lists them anyway, / searches",
            style="bold",
        )
    return Text("Suggestions: none (add a source with 'verify source add', or search with /)", style="bold")


def message_rows(messages: Sequence[Message], style: Style, *, lines_each: int | None = None) -> list[Text]:
    rows = []
    for m in messages:
        if style.plain:
            text = Text(PREFIX_PLAIN[m.level] + m.text)
        else:
            mark, colour = PREFIX_RICH[m.level]
            text = Text(mark + m.text, style=colour)
        wrapped = style.wrap(text, hang=2)
        rows += _fit(wrapped, lines_each, style.width) if lines_each else wrapped
    return rows


def claim_screen(
    view: ClaimView, style: Style, *, messages: Sequence[Message] = (), hint: str | None = None
) -> list[Text]:
    """The whole screen for a claim; in a terminal exactly ``style.height`` lines (the last is the key hint)."""
    compact = style.height is not None
    top = header(view, style)
    notes = records(view, style, compact)
    said = message_rows(messages, style, lines_each=2 if compact else None)
    if not compact:
        return top + paragraph(view, style, 12) + notes + panel(view, style, None)
    assert style.height is not None
    footer = said[-4:] + [Text(hint if hint is not None else KEYS_HINT, style="dim")]
    room = style.height - len(top) - len(notes) - len(footer)
    if view.show_help:
        rows = top + help_rows(style)
    elif view.expanded is not None:  # the passage first, the paragraph in what is left
        detail = panel(view, style, max(2, room - 3))
        rows = top + paragraph(view, style, max(3, min(8, room - len(detail)))) + notes + detail
    else:
        rows = top + paragraph(view, style, max(3, min(8, room // 2 - 1))) + notes
        rows += panel(view, style, max(2, style.height - len(rows) - len(footer)))
    rows = rows[: max(1, style.height - len(footer))]
    return rows + [Text("")] * (style.height - len(rows) - len(footer)) + footer


def panel_only(view: ClaimView, style: Style) -> list[Text]:
    return panel(view, style, None)


def summary_rows(summary: Summary, style: Style) -> list[Text]:
    rows = []
    for index, line in enumerate(summary.lines()):
        rows += style.wrap(Text(line, style="bold" if index == 0 else ""), hang=4)
    return rows


def plain_text(rows: Sequence[Text]) -> str:
    """The rows as plain text, with any control character or bidi override left in them shown as an escape."""
    return "\n".join(visible(row.plain.rstrip(), one_line=True) for row in rows)
