"""Public quote-anchoring test suites through ``evidence link`` (see :mod:`tests.quote_cases`).

Every case of the Hypothesis client's ``matchQuote`` tests and of
dom-anchor-text-quote's ``toRange`` tests is linked through the CLI; each must
anchor the right span, be refused, or anchor with its differences recorded —
never be linked silently altered or at the wrong place. Skipped (with the
repository to get) where the snapshots are not on the machine.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests import realdocs
from tests.quote_cases import OUTCOMES, all_cases, judge, source_file


@pytest.fixture
def suites(run, article_db, tmp_path):
    try:
        texts, cases = all_cases()
    except realdocs.Unavailable as missing:
        pytest.skip(str(missing))
    for key, text in texts.items():
        path = tmp_path / f"{key}.txt"
        path.write_text(source_file(key, text), encoding="utf-8")
        added = run("source", "add", str(path), "--key", key)
        assert added.exit_code == 0, added.stderr
    stored = {key: t for key, t in article_db.query("SELECT key, text FROM source")}
    [(claim,)] = article_db.query("SELECT id FROM claim ORDER BY id LIMIT 1")
    return stored, cases, claim, texts


def test_every_public_case_anchors_right_refuses_or_records_its_differences(run, suites):
    stored, cases, claim, texts = suites
    # the fixture reads the same in the source as stored (the expected offsets are offsets into it)
    shifted = {}
    for key, text in texts.items():
        at = stored[key].find(text)
        assert at >= 0, key
        shifted[key] = at

    def invoke(*args: str) -> tuple[int, str, str]:
        result = run(*args)
        return result.exit_code, result.stdout, result.stderr

    outcomes: dict[str, tuple[str, str]] = {}
    for number, case in enumerate(cases, start=1):
        moved = (
            case
            if case.expected is None
            else type(case)(
                case.suite,
                case.name,
                case.source,
                case.typed,
                (case.expected[0] + shifted[case.source], case.expected[1] + shifted[case.source]),
            )
        )
        outcomes[f"{number}. {case.suite}: {case.name}"] = judge(invoke, claim, moved, stored)
    for name, (result, why) in outcomes.items():
        print(f"{name} -> {result}: {why}")
    counts = Counter(outcome for outcome, _ in outcomes.values())
    wrong = {name: why for name, (outcome, why) in outcomes.items() if outcome == "silently wrong"}
    assert not wrong, wrong
    assert set(counts) <= set(OUTCOMES) and sum(counts.values()) == len(cases) >= 45

    def outcome(fragment: str) -> str:
        found = {o for name, (o, _) in outcomes.items() if fragment in name}
        assert len(found) == 1, (fragment, found)
        return found.pop()

    # what each kind of case must come to
    assert outcome("similar quote 'Many years later'") == "anchored right"
    assert outcome("prefix 'Many years later'") == "anchored right"
    assert outcome("prefix 'Some years later'") == "anchored with differences"
    assert outcome("suffix ', as she faced the firing squad'") == "anchored with differences"
    assert outcome("context 'we had nothing before us'") == "anchored right"
    assert outcome("context 'we had nout before us'") == "anchored with differences"
    assert outcome("fixture solitude in twoCities") == "refused"
    assert outcome("longer than 32 characters") == "anchored right"
    assert outcome("exact quote using context (with context)") == "anchored right"
    assert outcome("'This is a long") == "refused"
    assert outcome("matchQuote 'discover ice'") == "refused"  # two words: too short to be evidence
    assert counts["anchored right"] >= 5 and counts["anchored with differences"] >= 8
