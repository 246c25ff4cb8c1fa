"""Check-worthiness hints: what in a sentence a fact-checker can actually check.

Numbers, dates, named places/people/organisations, attribution phrases and
direct quotations are found with rules and the gazetteer (nothing is
downloaded). The same hints drive kind detection, suggestion ranking and the
mismatch flags, so they are computed once, on import, and stored on the claim.
"""

from __future__ import annotations

import re
from typing import Any

from verify.claims.names import gazetteer

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# Each pattern opens with a look-ahead at the characters a match can start with, which lets the regular
# expression engine skip the rest of the text quickly (the patterns are run on every candidate passage).
DATE_RE = re.compile(
    r"(?=[\dJFMASONDeml-])"
    rf"\b(?:\d{{1,2}}\s+(?:{MONTHS})\.?,?\s+\d{{4}}"  # 31 July 2022
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}"  # July 31, 2022
    rf"|(?:early|mid|late)?-?(?:{MONTHS})\s+\d{{4}}"  # June 2023
    r"|\d{4}s"  # 1990s
    r"|9/11"
    r"|(?<![\d,.])(?:19|20)\d{2}(?!\d|,\d)"  # 2011
    r")"
)
QUALIFIER = (
    r"around|about|approximately|roughly|some|nearly|almost|over|more than|fewer than|less than|"
    r"up to|at least|at most|an estimated|as many as|as few as|between|under"
)
# The quantities themselves; a qualifier ("up to") just before one is read by QUALIFIER_BEFORE_RE.
NUMBER_RE = re.compile(
    r"(?=\d)(?<![\w/])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w/])"
    r"(?:\s*(?:per\s?cent|percent|%|million|billion|thousand))?",
    re.IGNORECASE,
)
NUMBER_WORD_RE = re.compile(
    r"(?=[adefhmnst])\b(?:a\s+)?(?:dozens|dozen|hundreds|thousands|millions|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand)\b",
    re.IGNORECASE,
)
# Anchored at the quantity: a pattern opening with the optional qualifier was tried at every character
# (most of the time spent reading a passage's numbers).
QUALIFIER_BEFORE_RE = re.compile(rf"\b(?:{QUALIFIER})\s+\Z", re.IGNORECASE)
QUALIFIER_LONGEST = max(len(q) for q in QUALIFIER.split("|"))
ATTRIBUTION_RES = [
    re.compile(r"\baccording to\b[^,;.]*", re.IGNORECASE),
    re.compile(r"\b(?:that|the|this) same (?:report|document|study|assessment|source)\b", re.IGNORECASE),
    re.compile(
        r"\b(?:the|a|an|this|that|its|their)\s+(?:[\w\-]+\s+){0,4}"
        r"(?:report|study|assessment|survey|investigation|review)\s+"
        r"(?:says|said|states|stated|declares|declared|notes|noted|found|finds|concluded|concludes|"
        r"estimates|estimated|reports|reported)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:is|are|was|were) (?:said|reported|believed|thought|alleged) to\b", re.IGNORECASE),
    re.compile(r"\b(?:reportedly|allegedly)\b", re.IGNORECASE),
    re.compile(r"\b(?:[Hh]e|[Ss]he|[A-Z][\w\-]+) (?:noted|said|stated|wrote|declared|told|added|warned)\b"),
]
QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]{12,})’")
CAPITALISED_RE = re.compile(
    r"(?:\b(?:al|el|bin|ibn|abu)[-‐ ])?[A-Z][\w’'\-]*"
    r"(?:\s+(?:(?:of|the|for|on|al|bin|de|and)\s+)*(?:(?:al|el)-)?(?:[A-Z][\w’'\-]*|\d+))*"
)
ORG_WORDS = {
    "network",
    "ministry",
    "department",
    "directorate",
    "council",
    "army",
    "forces",
    "front",
    "movement",
    "party",
    "group",
    "office",
    "committee",
    "agency",
    "battalion",
    "team",
    "organization",
    "organisation",
    "commission",
    "bureau",
    "government",
    "regime",
}
SENTENCE_OPENERS = {
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "according",
    "that",
    "this",
    "these",
    "those",
    "he",
    "she",
    "it",
    "they",
    "their",
    "yet",
    "but",
    "and",
    "as",
    "with",
    "upon",
    "over",
    "first",
    "some",
    "others",
    "although",
    "so",
    "if",
    "one",
    "across",
    "setting",
    "conferring",
    "whether",
    "senior",
    "dozens",
    "there",
    "his",
    "her",
    "its",
    "under",
    "to",
    "by",
    "from",
    "for",
    "while",
}
PERSON_TITLES = {"Qari", "Hafiz", "Mullah", "Maulvi", "Sheikh", "Dr", "Mr", "Mrs", "Ms", "President"}
PLACE_WORDS = {"province", "provinces", "district", "city", "valley", "region"}


def _possessive_free(text: str) -> str:
    return re.sub(r"[’']s?$", "", text)


def find_quotes(text: str) -> list[str]:
    """Text inside quotation marks (curly or straight)."""
    return [next(g for g in match.groups() if g is not None) for match in QUOTE_RE.finditer(text)]


def find_dates(text: str) -> list[str]:
    return [match.group(0) for match in DATE_RE.finditer(text)]


def find_numbers(text: str) -> list[str]:
    """Quantities with their qualifier ("up to 2,000"), excluding years and dates."""
    date_spans = [m.span() for m in DATE_RE.finditer(text)]
    found: list[tuple[int, str]] = []
    for regex in (NUMBER_RE, NUMBER_WORD_RE):
        for start, end in _qualified(regex, text):
            if any(s <= start < e or s < end <= e for s, e in date_spans):
                continue
            if any(s <= start < s + len(t) for s, t in found):
                continue
            found.append((start, text[start:end]))
    return [value for _, value in sorted(found)]


def _qualified(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Spans of ``regex``'s quantities, each widened to the qualifier that stands just before it, if any.

    The same spans as one pattern ``(?:\\b(?:QUALIFIER)\\s+)?`` + quantity read left to right; a
    qualifier never ends with another qualifier, so the one found is the one that pattern takes.
    """
    spans = []
    previous_end = 0
    for match in regex.finditer(text):
        start, end = match.span()
        word_end = start
        while word_end > previous_end and text[word_end - 1].isspace():
            word_end -= 1
        before = QUALIFIER_BEFORE_RE.search(text, max(previous_end, word_end - QUALIFIER_LONGEST), start)
        spans.append((before.start() if before else start, end))
        previous_end = end
    return spans


def find_attributions(text: str) -> list[str]:
    phrases: list[str] = []
    for regex in ATTRIBUTION_RES:
        phrases.extend(match.group(0).strip() for match in regex.finditer(text))
    return phrases


def find_names(text: str) -> dict[str, list[str]]:
    """Named places, people and organisations, canonicalised through the gazetteer."""
    names: dict[str, list[str]] = {"places": [], "people": [], "organisations": [], "other_names": []}
    bucket = {"place": "places", "person": "people", "organisation": "organisations"}
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: str, span: tuple[int, int]) -> None:
        taken.append(span)
        if value not in names[kind]:
            names[kind].append(value)

    for start, end, entry in gazetteer().finditer(text):
        add(bucket[entry.kind], entry.canonical, (start, end))
    taken.extend(match.span() for match in DATE_RE.finditer(text))
    for match in CAPITALISED_RE.finditer(text):
        span = match.span()
        if any(s < span[1] and span[0] < e for s, e in taken):
            continue
        value = _possessive_free(match.group(0).strip(" -"))
        words = value.split()
        if span[0] == 0 or text[: span[0]].rstrip().endswith((".", "“", '"')):
            if len(words) == 1:
                continue
            if words[0].lower() in SENTENCE_OPENERS:  # "The Kabul Network …": keep the name, drop "The"
                words = words[1:]
                value = " ".join(words)
        if len(words) == 1 and sum(ch.isupper() for ch in value) < 2:
            continue  # "Western", "Afghan": adjectives more often than names
        lowered = {w.lower() for w in words}
        if lowered & ORG_WORDS:
            add("organisations", value, span)
        elif lowered & PLACE_WORDS:
            add("places", value, span)
        elif words[0].rstrip(".") in PERSON_TITLES and len(words) >= 2:
            add("people", value, span)
        elif value.isupper() and len(value) >= 2:
            add("organisations", value, span)
        else:
            add("other_names", value, span)
    return names


def compute_hints(text: str) -> dict[str, Any]:
    """All hints for one sentence, plus a check-worthiness score (higher = check first)."""
    names = find_names(text)
    hints: dict[str, Any] = {
        "numbers": find_numbers(text),
        "dates": find_dates(text),
        **names,
        "attributions": find_attributions(text),
        "quotes": find_quotes(text),
    }
    name_count = sum(len(names[k]) for k in names)
    hints["score"] = (
        2 * len(hints["numbers"])
        + 2 * len(hints["dates"])
        + 2 * len(hints["attributions"])
        + 2 * len(hints["quotes"])
        + min(name_count, 4)
    )
    return hints
