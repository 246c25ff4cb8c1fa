"""Which series a report belongs to, and its place in it, read from its title.

A monitoring team publishes a report on the same subject every year or so:
"Fourteenth report of the Analytical Support and Sanctions Monitoring Team
submitted pursuant to resolution 2665 (2022) concerning the Taliban …", then
the fifteenth. The reports share their words, so the right *report* matters as
much as the right paragraph: ranking must know which reports are one series,
which came first, and that the fifteenth is not the fourteenth the author
named. The series is the issuing body plus the committee's subject (the same
team reports on the Taliban and, separately, on ISIL (Da'esh) and Al-Qaida);
the ordinal orders the reports when their dates are unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_TENTHS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60}


def _ordinal_words() -> dict[str, int]:
    words = {w: n for n, w in enumerate(_UNITS, start=1)}
    words |= {w: n for n, w in enumerate(_TEENS, start=10)}
    words |= _TENTHS
    for tens, value in _TENS.items():
        for n, unit in enumerate(_UNITS, start=1):
            words[f"{tens}-{unit}"] = value + n
            words[f"{tens} {unit}"] = value + n
    return words


ORDINALS = _ordinal_words()
_ORDINAL = r"(?P<ordinal>\d{1,3}(?:st|nd|rd|th)|" + "|".join(sorted(map(re.escape, ORDINALS), key=len, reverse=True))
_TITLE = re.compile(
    _ORDINAL + r")\s+(?:annual\s+|periodic\s+|progress\s+)?report\s+of\s+the\s+(?P<body>.+?)"
    r"(?:\s+(?:submitted|pursuant)\b.*?)?(?:\s+concerning\s+(?P<subject>.+?))?"
    r"(?:\s+(?:and\s+(?:other\s+)?associated|constituting|established)\b.*)?[.\s]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SeriesPlace:
    series: str  # "Analytical Support and Sanctions Monitoring Team (the Taliban)"
    ordinal: int | None  # 14 for the fourteenth report


def read_title(title: str | None) -> SeriesPlace | None:
    """The series and ordinal a report's title states ("Fourteenth report of the … Team"), or None."""
    if not title:
        return None
    match = _TITLE.search(" ".join(title.split()))
    if not match:
        return None
    body = match.group("body").strip(" ,")
    subject = (match.group("subject") or "").strip(" ,")
    series = f"{body} ({subject})" if subject else body
    return SeriesPlace(series, _number(match.group("ordinal")))


def _number(word: str) -> int | None:
    word = word.lower()
    if word[:1].isdigit():
        return int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]
    return ORDINALS.get(word)


_PHRASE_ORDINAL = re.compile(_ORDINAL + r")\s+(?:annual\s+|periodic\s+|progress\s+)?report\b", re.IGNORECASE)


def phrase_ordinal(phrase: str) -> int | None:
    """The ordinal an attribution names ("according to the fourteenth report of the team" -> 14)."""
    match = _PHRASE_ORDINAL.search(phrase)
    return _number(match.group("ordinal")) if match else None


def ordinal_word(n: int) -> str:
    """14 -> "fourteenth" (for messages); other numbers as "no. 14"."""
    for word, value in ORDINALS.items():
        if value == n and " " not in word:
            return word
    return f"no. {n}"


def series_key(series: str | None, title: str | None) -> str | None:
    """What groups reports into one series: the series as recorded, else as read from the title (case-folded)."""
    name = series or (place.series if (place := read_title(title)) else None)
    return " ".join(name.casefold().split()) if name else None


def ordinal(title: str | None) -> int | None:
    place = read_title(title)
    return place.ordinal if place else None


_SYMBOL_YEAR = re.compile(r"(?:^|/)((?:19|20)\d{2})(?=/)|\(((?:19|20)\d{2})\)")


def symbol_year(symbol: str | None) -> str | None:
    """The year a UN symbol states ("S/2023/370" -> "2023"; a session number such as A/78/… is not one).

    A document whose date cannot be read still says its year in its symbol;
    ranking uses it (at year precision) when the date is unknown.
    """
    if not symbol:
        return None
    match = _SYMBOL_YEAR.search(symbol)
    return (match.group(1) or match.group(2)) if match else None


def known_date(published: str | None, symbol: str | None) -> str | None:
    """The source's date, or failing that the year of its symbol."""
    return published or symbol_year(symbol)
