"""Public quote-anchoring test suites, read as data, run through ``verify evidence link``.

Two open-source annotation libraries test how a typed quote is found in a
text: the Hypothesis client's ``matchQuote`` tests and dom-anchor-text-quote's
``toRange`` tests (manifest items ``hypothesis-match-quote-test``,
``dom-anchor-text-quote-spec`` and ``-fixture``). Their JavaScript is never run
nor copied here: the cases (fixture texts, quotes, prefixes and suffixes, the
expected text or ``null``) are pulled out with regular expressions at test time.

A quote with its prefix or suffix is what a checker would type when the bare
quote is ambiguous, so each case with context is also tried joined with it.
Each case is linked through the CLI and ends in one of four outcomes
(:func:`judge`):

* ``anchored right``: linked with no difference, the stored words are the
  typed words (typography aside) and the span is at the expected place;
* ``refused``: exit 2 (too short, not found, ambiguous, not continuous);
* ``anchored with differences``: refused as differing, then linked with
  ``--accept-difference`` at the expected place, the differences recorded as
  flags (not tried where the suite expects no match at all);
* ``silently wrong``: anything else (linked without a flag although the words
  differ, or at another place). Must never happen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests import realdocs

HYPOTHESIS = "hypothesis-match-quote-test"
DOM_SPEC = "dom-anchor-text-quote-spec"
DOM_FIXTURE = "dom-anchor-text-quote-fixture"
STRING = r"'((?:[^'\\]|\\.)*)'"
OUTCOMES = ("anchored right", "refused", "anchored with differences", "silently wrong")


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    source: str  # key of the source (one per fixture text)
    typed: str
    expected: tuple[int, int] | None  # where the right span lies in the source text; None: must not anchor silently


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _simplify(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _region(text: str, expected: str | None) -> tuple[int, int] | None:
    if expected is None:
        return None
    at = text.find(expected)
    return None if at < 0 else (at, at + len(expected))


def _join(prefix: str | None, quote: str, suffix: str | None, literal: bool) -> str:
    """Quote with its context as a checker would type it (literal context is adjacent text, as in the DOM tests)."""
    glue = "" if literal else " "
    out = quote
    if prefix:
        out = prefix + ("" if literal or quote[:1] in ",.;:" else glue) + out
    if suffix:
        out = out + ("" if literal or suffix[:1] in ",.;:" else glue) + suffix
    return out


def hypothesis_cases() -> tuple[dict[str, str], list[Case]]:
    """The fixtures (source key -> text) and cases of the Hypothesis ``matchQuote`` tests."""
    js = realdocs.read_text(HYPOTHESIS)
    fixtures = {
        name: _simplify(body) for name, body in re.findall(r"(\w+): `([^`]*)`", js.split("function normalize")[0])
    }
    cases: list[Case] = []
    suite = "hypothesis"

    def add(name: str, source: str, typed: str, expected: str | None) -> None:
        cases.append(Case(suite, name, f"hyp-{source}", typed, _region(fixtures[source], expected)))

    # matchQuote(fixtures.X, 'quote') ... slice(...) === 'expected'
    for source, quote, rest in re.findall(r"matchQuote\(fixtures\.(\w+),\s*" + STRING + r"\);(.{0,300})", js, re.S):
        shown = re.search(r"slice\(match\.start, match\.end\),\s*" + STRING, rest)
        add(f"matchQuote {quote!r}", source, _unescape(quote), _unescape(shown.group(1)) if shown else None)
    # a whole fixture quoted against the other: no acceptable match
    for text, quote in re.findall(r"matchQuote\(fixtures\.(\w+),\s*fixtures\.(\w+)\)", js):
        add(f"fixture {quote} in {text}", text, fixtures[quote], None)
    # lists of quotes / prefixes / suffixes in descending similarity; the first is the source's own text
    quotes = re.search(r"const quotes = \[(.*?)\];", js, re.S)
    if quotes:
        listed = [_unescape(q) for q in re.findall(STRING, quotes.group(1))]
        for quote in listed:
            add(f"similar quote {quote!r}", "solitude", quote, listed[0])
    for kind in ("prefixes", "suffixes"):
        block = re.search(rf"const {kind} = \[(.*?)\];\s*const quote = {STRING};", js, re.S)
        if not block:
            continue
        listed, quote = [_unescape(q) for q in re.findall(STRING, block.group(1))], _unescape(block.group(2))
        for context in listed:
            prefix, suffix = (context, None) if kind == "prefixes" else (None, context)
            right = _join(listed[0] if prefix else None, quote, listed[0] if suffix else None, False)
            add(f"{kind[:-2]} {context!r}", "solitude", _join(prefix, quote, suffix, False), right)
    # [{quote, prefix|suffix, expected}]: the occurrence the context points to
    for body in re.findall(r"\{\s*(quote:[^{}]*?)\}", js, re.S):
        fields = {k: _unescape(v) for k, v in re.findall(r"(\w+):\s*" + STRING, body)}
        quote, expected = fields.get("quote"), fields.get("expected")
        if not quote or not expected:
            continue
        text = fixtures["twoCities"]
        start = text.find(expected)
        if "prefix" in fields:
            # the right span runs from the prefix's counterpart (as many words back) to the quote's end
            words = len(fields["prefix"].replace("-", "").split())
            before = text[:start].rstrip().split(" ")
            begin = len(" ".join(before[: len(before) - words])) + (1 if len(before) > words else 0)
            region: tuple[int, int] | None = (begin, start + len(quote))
        else:
            region = (start, start + len(expected))
        typed = _join(fields.get("prefix"), quote, fields.get("suffix"), False)
        cases.append(Case(suite, f"context {typed!r}", "hyp-twoCities", typed, region))
        cases.append(Case(suite, f"bare quote {quote!r} (context {expected!r})", "hyp-twoCities", quote, None))
    # a quote repeated without context: ambiguous
    for quote in re.findall(r"matchQuote\(text,\s*" + STRING + r"\)", js):
        cases.append(Case(suite, f"repeated {quote!r}", "hyp-twoCities", _unescape(quote), None))
    for prefix, quote in re.findall(
        r"prefix: " + STRING + r" \};\s*const match = matchQuote\(fixtures\.solitude,\s*" + STRING, js
    ):
        typed = _join(_unescape(prefix), _unescape(quote), None, False)
        add(f"prefix beyond the start {typed!r}", "solitude", typed, _unescape(quote))
    return {f"hyp-{k}": v for k, v in fixtures.items()}, cases


def dom_anchor_cases() -> tuple[dict[str, str], list[Case]]:
    """The fixture's text and the ``toRange`` cases of dom-anchor-text-quote."""
    html = realdocs.read_text(DOM_FIXTURE)
    text = _simplify(re.sub(r"<[^>]+>", "", html))
    spec = realdocs.read_text(DOM_SPEC)
    body = spec.split("describe('toRange'", 1)[-1]
    cases: list[Case] = []
    for title, block in re.findall(r"it\('([^']*)',\s*\(\)\s*=>\s*\{(.*?)\n    \}\)", body, re.S):
        exact = re.search(r"(?:let exact = |\{exact: )" + STRING, block)
        listed = re.search(r"let exact = \[(.*?)\];", block, re.S)
        quotes = [_unescape(exact.group(1))] if exact else []
        if listed:
            quotes = [_unescape(q) for q in re.findall(STRING, listed.group(1))]
            quotes += [_simplify(t) for t in re.findall(r"simplify\(`([^`]*)`\)", listed.group(1))]
        if not quotes:
            continue
        prefix = re.search(r"let prefix = " + STRING, block)
        suffix = re.search(r"let suffix = " + STRING, block)
        shown = re.search(r"assert\.equal\(text, (?:" + STRING + r"|exact)\)", block)
        is_null = "assert.isNull(range)" in block
        for quote in quotes:
            expected = (
                None if is_null or not shown else (_unescape(shown.group(1)) if shown.group(1) is not None else quote)
            )
            cases.append(
                Case("dom-anchor-text-quote", f"{title}: {quote[:40]!r}", "dom-fixture", quote, _region(text, expected))
            )
            if prefix or suffix:
                typed = _join(
                    _unescape(prefix.group(1)) if prefix else None,
                    quote,
                    _unescape(suffix.group(1)) if suffix else None,
                    True,
                )
                region = _region(text, typed) or _region(text, expected)
                cases.append(Case("dom-anchor-text-quote", f"{title} (with context)", "dom-fixture", typed, region))
    return {"dom-fixture": text}, cases


def source_file(key: str, text: str) -> str:
    """The text file a fixture is added from: a title line of our own, then the fixture as one paragraph."""
    return f"Ported quote-anchoring fixture {key}\n\n{text}\n"


def all_cases() -> tuple[dict[str, str], list[Case]]:
    sources: dict[str, str] = {}
    cases: list[Case] = []
    for load in (hypothesis_cases, dom_anchor_cases):
        found, listed = load()
        sources.update(found)
        cases += listed
    return sources, cases


Invoke = Callable[..., tuple[int, str, str]]


def _tokens(text: str) -> list[str]:
    from verify.match.align import tokens

    return [t.key for t in tokens(text)]


def _last_evidence(invoke: Invoke) -> dict:
    code, out, err = invoke("export", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    rows = data["evidence"] if isinstance(data["evidence"], list) else data["evidence"]["rows"]
    return max(rows, key=lambda r: r["id"])


def _flags(row: dict) -> list[dict]:
    value = row["flags"]
    return json.loads(value) if isinstance(value, str) else list(value or [])


def on_whole_words(text: str, start: int, end: int) -> bool:
    """A span that starts or ends inside a word ("on" of "non") is not the quoted words."""
    inside_left = start > 0 and text[start - 1].isalnum() and text[start : start + 1].isalnum()
    inside_right = end < len(text) and text[end].isalnum() and text[end - 1 : end].isalnum()
    return not (inside_left or inside_right)


def judge(invoke: Invoke, claim: int, case: Case, texts: dict[str, str]) -> tuple[str, str]:
    """Link one case through the CLI; (outcome, what happened)."""
    from verify.match.align import same

    args = ("evidence", "link", str(claim), "--source", case.source, "--stance", "context", "--quote", case.typed)
    code, out, err = invoke(*args)
    accepted = False
    if (
        code == 2 and "quote differs from" in err and case.expected is not None
    ):  # the suite expects no match: refusing is the answer
        code, out, err = invoke(*args, "--accept-difference", "ported test case")
        accepted = True
        if code != 0:
            return "silently wrong", f"refused after --accept-difference: {err.strip()}"
    if code == 2:
        return "refused", err.strip().removeprefix("verify: ")
    if code != 0:
        return "silently wrong", f"exit {code}: {err.strip()}"
    row = _last_evidence(invoke)
    text = texts[case.source]
    span = (row["start"], row["end"])
    placed = (
        case.expected is not None
        and span[0] < case.expected[1]
        and case.expected[0] < span[1]
        and on_whole_words(text, *span)
    )
    differences = [f for f in _flags(row) if f.get("kind") == "quote_difference"]
    if accepted:
        if differences and placed:
            return "anchored with differences", "; ".join(f["detail"] for f in differences)
        return "silently wrong", f"accepted at {span}, expected {case.expected}, flags {differences}"
    typed, stored = _tokens(case.typed), _tokens(text[span[0] : span[1]])
    identical = len(typed) == len(stored) and all(same(a, b) for a, b in zip(typed, stored, strict=True))
    if identical and differences == [] and placed:
        return "anchored right", f"{row['anchor']} at {span}"
    return (
        "silently wrong",
        f"linked {text[span[0] : span[1]]!r} at {span} (expected {case.expected}) with no recorded difference",
    )
