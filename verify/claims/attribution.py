"""Which document the author says a claim comes from.

``attribution`` on a claim is ``{phrase, source_key, inherited_from}``:
"According to a June 2023 UN report" names a source directly; "That same
report declares" or "He noted" inherits the attribution of the claim it
refers back to (``inherited_from`` is that claim's id). ``source_key`` is
filled in once a registered source matches the phrase (by symbol, title, or
publisher plus date), and refreshed whenever sources are added.

Attribution also carries through a paragraph: "According to a June 2023 UN
report, X. In terms of foot soldiers, Y." - Y states no source of its own but
continues X's. Such a sentence inherits X's attribution with ``"via":
"paragraph"`` (its ``phrase`` is the phrase of the explicit attribution it
descends from, which the sentence itself does not contain).
That is weaker than an explicit attribution or a back-reference - the author
may have moved on to their own words - so ranking counts it less and ``claim
show`` says so. It runs until the paragraph ends or a sentence attributes to
someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from verify.claims.series import known_date, ordinal, phrase_ordinal

DOCUMENT_WORDS = (
    r"report|study|assessment|survey|investigation|review|letter|statement|guidelines|document|memo|analysis"
)
DIRECT_RES = [
    re.compile(
        r"\baccording to\s+(?:an?|the|this|that|its|their)?\s*[^,;.]*?\b(?:" + DOCUMENT_WORDS + r")\b[^,;.]*", re.I
    ),
    re.compile(
        r"\b(?:an?|the)\s+(?:[\w\-]+\s+){0,4}(?:"
        + DOCUMENT_WORDS
        + r")\s+(?:says|said|states|stated|declares|declared|found|finds|concluded|estimates|estimated|reported)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:issued|published|released|wrote|authored)\s+(?:his|her|their|its|an?|the)\s+(?:\w+\s+)?(?P<title>[A-Z][\w’'\-]*(?:\s+(?:(?:of|the|for|on|and|in)\s+)*[A-Z][\w’'\-]*)+)"
    ),
]
BACK_REFERENCE_RE = re.compile(
    r"\b(?:that|the|this) same (?:" + DOCUMENT_WORDS + r")\b"
    r"|^(?:The|This|That) (?:" + DOCUMENT_WORDS + r") (?:also )?(?:says|states|declares|notes|adds|finds|found)\b"
    r"|^(?:He|She|They|It) (?:also )?(?:noted|wrote|added|stated|declared|argued|warned)\b",
    re.I,
)
MONTH_NUMBERS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
PUBLISHER_CUES = {
    "un": ("united nations", "security council", "monitoring team"),
    "united nations": ("united nations", "security council", "monitoring team"),
    "security council": ("security council", "united nations"),
}


class SourceLike(Protocol):
    key: str
    title: str | None
    publisher: str | None
    published: str | None
    symbol: str | None
    series: str | None


@dataclass(frozen=True)
class Detected:
    phrase: str
    refers_back: bool


def detect(text: str) -> Detected | None:
    """The attribution phrase of one sentence, if it has one."""
    back = BACK_REFERENCE_RE.search(text)
    if back:
        return Detected(back.group(0).strip(), True)
    for regex in DIRECT_RES:
        match = regex.search(text)
        if match:
            phrase = match.groupdict().get("title") or match.group(0)
            return Detected(phrase.strip(), False)
    return None


def _date_parts(phrase: str) -> tuple[int | None, int | None]:
    year = re.search(r"\b(19|20)\d{2}\b", phrase)
    month = next((n for name, n in MONTH_NUMBERS.items() if re.search(rf"\b{name}\b", phrase, re.I)), None)
    return (int(year.group(0)) if year else None, month)


def match_score(phrase: str, source: SourceLike) -> float:
    """How well a source fits an attribution phrase (0 = not at all)."""
    from rapidfuzz import fuzz

    lowered = phrase.lower()
    if source.symbol and source.symbol.lower() in lowered:
        return 100.0
    if source.key and len(source.key) > 3 and source.key.lower() in lowered:
        return 100.0
    score = 0.0
    if source.title and fuzz.partial_ratio(source.title.lower(), lowered) >= 90 and len(source.title) >= 12:
        score += 60
    named, own = phrase_ordinal(phrase), ordinal(source.title)
    if named and own:  # "the fourteenth report": its place in the series decides between its years
        score += 40 if named == own else -40
    year, month = _date_parts(phrase)
    published = known_date(source.published, source.symbol)  # an undated document still states its year
    if year and published and published.startswith(str(year)):
        score += 20
        if month and published[5:7] == f"{month:02d}":
            score += 15
        elif month and len(published) >= 7:
            score -= 15
    elif year and published:
        score -= 30
    haystack = " ".join(filter(None, [source.publisher, source.series, source.title])).lower()
    for cue, expected in PUBLISHER_CUES.items():
        if re.search(rf"\b{re.escape(cue)}\b", lowered) and any(word in haystack for word in expected):
            score += 20
            break
    return score


def best_source_key(phrase: str, sources: Iterable[SourceLike]) -> str | None:
    """The registered source the phrase names, when one fits clearly (score >= 40).

    Between equally good fits, a retrieved source wins over one that is only
    registered (only a retrieved one can supply evidence); a remaining tie
    names nothing rather than guess.
    """
    scored = sorted(
        ((match_score(phrase, s), getattr(s, "retrieved_at", None) is not None, s.key) for s in sources), reverse=True
    )
    if not scored or scored[0][0] < 40:
        return None
    if len(scored) > 1 and scored[0][:2] == scored[1][:2] and scored[0][2] != scored[1][2]:
        return None
    return scored[0][2]


def tied_sources(phrase: str, sources: Iterable[SourceLike]) -> set[str]:
    """The sources that fit the phrase best, when the fit is clear enough (score >= 40) but not unique."""
    scored = [(match_score(phrase, s), s.key) for s in sources]
    best = max((score for score, _ in scored), default=0.0)
    if best < 40:
        return set()
    return {key for score, key in scored if score == best}


def resolve(claims: Sequence[Any], sources: Sequence[SourceLike]) -> dict[int, dict[str, Any] | None]:
    """Attribution for each claim (in article order), keyed by claim id.

    A back-reference inherits from the nearest earlier attributed claim; "He
    noted" only from the previous sentence, so a pronoun never reaches far.
    A sentence with no attribution of its own continues the attribution of
    the sentence before it in the same paragraph (``via: paragraph``), when
    claims carry a ``paragraph``.
    """
    result: dict[int, dict[str, Any] | None] = {}
    last: tuple[Any, dict[str, Any]] | None = None
    previous: Any = None
    carried: tuple[Any, dict[str, Any]] | None = None  # the attributed sentence this paragraph continues
    phrases: dict[Any, str] = {}  # explicit phrase of each root claim, which a continued sentence carries
    for claim in claims:
        paragraph = getattr(claim, "paragraph", None)
        if carried is not None and (paragraph is None or paragraph != getattr(carried[0], "paragraph", None)):
            carried = None
        detected = detect(claim.text)
        value: dict[str, Any] | None = None
        if detected and detected.refers_back and last is not None:
            pronoun = re.match(r"(?i)(he|she|they|it)\b", detected.phrase) is not None
            if not pronoun or last[0] is previous:
                root = last[1]
                value = {
                    "phrase": detected.phrase,
                    "source_key": root["source_key"],
                    "inherited_from": root["inherited_from"] or last[0].id,
                }
        elif detected and not detected.refers_back:
            value = {
                "phrase": detected.phrase,
                "source_key": best_source_key(detected.phrase, sources),
                "inherited_from": None,
            }
        if value is not None:
            last = (claim, value)
            carried = (claim, value)
            if value["inherited_from"] is None:
                phrases[claim.id] = value["phrase"]
        elif detected is not None:
            carried = None  # attributed to someone this article does not name: the paragraph's source ends here
        elif carried is not None:
            origin, root = carried
            value = {
                "phrase": phrases.get(root["inherited_from"], root["phrase"]),
                "source_key": root["source_key"],
                "inherited_from": root["inherited_from"] or origin.id,
                "via": "paragraph",
            }
        result[claim.id] = value
        previous = claim
    return result


def is_continued(attribution: dict[str, Any] | None) -> bool:
    """Whether the attribution is only carried over from an earlier sentence of the paragraph (the weak kind)."""
    return bool(attribution) and attribution.get("via") == "paragraph"  # type: ignore[union-attr]
