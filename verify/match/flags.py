"""Flags a checker must see on a suggested passage.

* ``number_mismatch``: a number or date of the claim that the passage states
  differently (the passage gives other quantities, none consistent with it);
* ``missing_name``: a place, person or organisation named in the claim that
  the passage does not mention, when the passage shares other names with it
  (so the passage is about the same thing, but e.g. its list of provinces
  differs);
* ``hedged``: the passage hedges ("one Member State reported", "could not be
  independently verified") where the claim states the thing as fact.

Each flag is ``{type, claim, passage, message}``.
"""

from __future__ import annotations

import re
from typing import Any

from verify.claims.names import gazetteer, name_key
from verify.match.numbers import between_ranges, dates, quantities, same_date

HEDGES = re.compile(
    r"\b(?:one|a|another|some|several|two|three) Member States? "
    r"(?:reported|assessed|indicated|noted|stated|claimed|believed?)\b"
    r"|\b(?:could not|cannot|can not|can't|couldn't) (?:be )?(?:independently "
    r")?(?:verif(?:y|ied)|confirm(?:ed)?|corroborat(?:e|ed))\b"
    r"|\bnot (?:been )?(?:independently )?(?:verified|confirmed|corroborated)\b"
    r"|\b(?:reportedly|allegedly|purportedly|unconfirmed|unverified)\b"
    r"|\b(?:according to|per) (?:one|a single|some) (?:Member State|source|report)s?\b"
    r"|\b(?:it is|was) (?:believed|alleged|rumoured|rumored)\b"
    r"|\bremains? unclear\b|\bmay have\b|\bis said to\b",
    re.IGNORECASE,
)
CLAIM_HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|said to|may|might|could|believed|suggests?|unconfirmed)\b", re.IGNORECASE
)
# Names so common in a corpus that their absence from one passage says nothing.
UBIQUITOUS = {"United Nations"}


def _context(text: str, start: int, end: int, words: int = 3) -> str:
    """The number, a few words after it, and the label before it if any.

    E.g. "Department 15 of the", "about 1,600 once family".
    """
    before = [
        w
        for w in re.findall(r"[\w’'\-]+", text[max(0, start - 30) : start])[-1:]
        if w[:1].isupper() and text[:start].endswith(w + " ")
    ]
    tail = re.split(r"[.;:!?)](?:\s|$)|\n", text[end : end + 60], maxsplit=1)[0]  # not into the next sentence
    after = re.findall(r"[\w’'\-]+", tail)[:words]
    return " ".join([*before, text[start:end], *after]).strip()


def number_flags(claim: str, passage: str, ignore: list[str] | None = None) -> list[dict[str, Any]]:
    """``ignore`` holds parts of the claim not to check (its attribution phrase: "a June 2023 UN report")."""
    for part in ignore or []:
        claim = claim.replace(part, " ")
    flags = []
    stated = quantities(passage)
    ranges = between_ranges(passage)
    claimed = quantities(claim)
    # Passage numbers that state one of the claim's quantities are not "other" numbers.
    matched = {id(q) for q in stated if any(c.accepts(q.low) for c in claimed)}
    for quantity in claimed:
        consistent = any(quantity.accepts(q.low) or quantity.accepts(q.high) for q in stated) or any(
            quantity.accepts(low) or quantity.accepts(high) or (low <= quantity.low <= high) for low, high in ranges
        )
        comparable = [
            q
            for q in stated
            if id(q) not in matched and q.low > 0 and 0.1 * quantity.low <= q.low <= 10 * max(quantity.high, 1)
        ]
        if not consistent and comparable:
            shown = ", ".join(
                dict.fromkeys(
                    _context(passage, m.start(), m.end()) for m in _find_all(passage, [q.text for q in comparable])
                )
            )
            flags.append(
                {
                    "type": "number_mismatch",
                    "claim": quantity.text,
                    "passage": shown,
                    "message": f"claim: {quantity.text}; passage: {shown}",
                }
            )
    passage_dates = dates(passage)
    for claimed_date in dates(claim):
        if passage_dates and not any(same_date(claimed_date, d) for d in passage_dates):
            shown = ", ".join(d.text for d in passage_dates)
            flags.append(
                {
                    "type": "number_mismatch",
                    "claim": claimed_date.text,
                    "passage": shown,
                    "message": f"claim: {claimed_date.text}; passage: {shown}",
                }
            )
    return flags


def _find_all(text: str, needles: list[str]) -> list[re.Match[str]]:
    matches = []
    for needle in dict.fromkeys(needles):
        found = re.search(re.escape(needle), text)
        if found:
            matches.append(found)
    return sorted(matches, key=lambda m: m.start())[:4]


LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and|or)\s+|,\s*|\s+(?:and|or)\s+)$")


def name_lists(text: str) -> list[list[str]]:
    """Enumerations of known names of one kind in a text ("Kabul, Kunar, Kandahar, and Helmand"), as canonical names."""
    lists: list[list[str]] = []
    previous_end, previous_kind = -1, ""
    for start, end, entry in gazetteer().finditer(text):
        glued = previous_end >= 0 and LIST_GLUE.fullmatch(text[previous_end:start]) is not None
        if glued and entry.kind == previous_kind:  # "Kabul, Kunar", not "the Ministry, Sirajuddin Haqqani"
            if entry.canonical not in lists[-1]:
                lists[-1].append(entry.canonical)
        else:
            lists.append([entry.canonical])
        previous_end, previous_kind = end, entry.kind
    return [names for names in lists if len(names) >= 2]


def _mentions(passage: str, canonical: str) -> bool:
    """Whether the passage names ``canonical`` in any spelling the gazetteer knows."""
    folded = name_key(passage)
    table = gazetteer()
    entry = table.lookup(canonical)
    keys = table.surface_keys(entry) if entry else (name_key(canonical),)
    return any(len(key) > 3 and key in folded for key in keys) or any(e == entry for _, _, e in table.finditer(passage))


def name_flags(claim: str, passage: str, implied: str = "") -> list[dict[str, Any]]:
    """Names missing from a list the passage gives differently.

    Only enumerations are checked ("in Kabul, Kunar, Kandahar and Helmand"):
    when the passage names some members of the claim's list but not others,
    its list differs, and that is worth a checker's eye. A name the claim
    merely mentions (the country, the group the report is about) is usually
    implied by the passage's context, so its absence is not flagged.
    ``implied`` is text whose names a passage need not repeat (its source's title).
    """
    implied_names = {e.canonical for _, _, e in gazetteer().finditer(implied)} if implied else set()
    flags = []
    for names in name_lists(claim):
        wanted = [n for n in names if n not in implied_names and n not in UBIQUITOUS]
        present = [n for n in wanted if _mentions(passage, n)]
        if not present:
            continue
        for name in wanted:
            if name not in present:
                flags.append(
                    {
                        "type": "missing_name",
                        "claim": name,
                        "passage": None,
                        "message": f"claim names {name} (with {', '.join(present)}); the passage does not",
                    }
                )
    return flags


def hedge_flags(claim: str, passage: str) -> list[dict[str, Any]]:
    """Every distinct hedge of the passage, unless the claim hedges too."""
    if CLAIM_HEDGES.search(claim):
        return []
    hedges = list(dict.fromkeys(m.group(0) for m in HEDGES.finditer(passage)))
    return [
        {
            "type": "hedged",
            "claim": None,
            "passage": hedge,
            "message": f"the passage hedges (“{hedge}”) where the claim states it as fact",
        }
        for hedge in hedges
    ]


def flags_for(
    claim: str, passage: str, *, attribution: list[str] | None = None, implied: str = ""
) -> list[dict[str, Any]]:
    return number_flags(claim, passage, attribution) + name_flags(claim, passage, implied) + hedge_flags(claim, passage)
