"""Reading quantities and dates as values, so "2,000", "2000" and "two thousand" compare equal.

Vague quantities become ranges ("dozens" = 24–99), and a qualifier bounds the
claim ("up to 2,000" is consistent with 1,600; "around 400" with 380–420).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from verify.claims.hints import DATE_RE, find_numbers

WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a dozen": 12,
    "dozen": 12,
    "hundred": 100,
    "a hundred": 100,
    "thousand": 1000,
    "a thousand": 1000,
}
RANGES = {"dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2_000_000, 9_999_999)}
SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


@dataclass(frozen=True)
class Quantity:
    text: str
    low: float
    high: float
    qualifier: str | None

    def accepts(self, value: float) -> bool:
        """Whether a value stated elsewhere states the same quantity.

        "up to 2,000" is stated by 2,000 (not by 1,600: a checker must see
        that); approximate qualifiers allow 15 %; vague ranges ("dozens")
        accept any value inside them.
        """
        approximate = self.qualifier in (
            "around",
            "about",
            "approximately",
            "roughly",
            "some",
            "nearly",
            "almost",
            "an estimated",
        )
        slack = 0.15 if approximate else 0.0
        return self.low * (1 - slack) <= value <= self.high * (1 + slack)


def parse_quantity(text: str) -> Quantity | None:
    lowered = text.lower().strip()
    qualifier = None
    for q in (
        "up to",
        "at least",
        "at most",
        "more than",
        "fewer than",
        "less than",
        "as many as",
        "as few as",
        "an estimated",
        "approximately",
        "around",
        "about",
        "roughly",
        "nearly",
        "almost",
        "over",
        "under",
        "some",
        "between",
    ):
        if lowered.startswith(q + " "):
            qualifier, lowered = q, lowered[len(q) + 1 :]
            break
    lowered = lowered.removeprefix("a ") if lowered not in ("a dozen", "a hundred", "a thousand") else lowered
    if lowered in RANGES:
        low, high = RANGES[lowered]
        return Quantity(text, low, high, qualifier)
    if lowered in WORDS:
        return Quantity(text, WORDS[lowered], WORDS[lowered], qualifier)
    match = re.match(r"([\d,]+(?:\.\d+)?)\s*(per\s?cent|percent|%|thousand|million|billion)?", lowered)
    if not match:
        return None
    try:
        value = float(match.group(1).replace(",", ""))
    except ValueError:
        return None
    unit = (match.group(2) or "").replace(" ", "")
    value *= SCALE.get(unit, 1)
    return Quantity(text, value, value, qualifier)


UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TENS = {
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SPELLED_QUALIFIERS = r"up\s+to|at\s+least|more\s+than|about|around|some|nearly|almost|approximately"
SPELLED_RE = re.compile(
    r"\b(?:(?P<qual>" + SPELLED_QUALIFIERS + r")\s+)?"
    r"(?P<tens>"
    + "|".join(TENS)
    + r")?[\s-]?(?P<unit>"
    + "|".join(UNITS)
    + r")?\s+(?P<scale>hundred|thousand|million)\b",
    re.IGNORECASE,
)
SCALE_WORDS = ("hundred", "thousand", "million")
# "several dozen" says what "dozens" says, not "12".
SEVERAL_WORDS = ("several", "a few", "many")
SEVERAL_RE = re.compile(r"\b(?:several|a few|many)\s+(dozen|hundred|thousand)\b", re.IGNORECASE)


def _spelled(text: str, lowered: str) -> tuple[list[Quantity], str]:
    """Spelled-out multiples ("four hundred", "twenty-five thousand") as values; their spans blanked in the text.

    ``lowered`` is ``text.lower()``: without a scale word the pattern, which may start anywhere, is not tried.
    """
    found: list[Quantity] = []
    masked = text
    if not any(scale in lowered for scale in SCALE_WORDS):
        return found, masked
    for match in SPELLED_RE.finditer(text):
        if not (match.group("tens") or match.group("unit")):
            continue
        number = TENS.get((match.group("tens") or "").lower(), 0) + UNITS.get((match.group("unit") or "").lower(), 0)
        value = number * {"hundred": 100, "thousand": 1_000, "million": 1_000_000}[match.group("scale").lower()]
        qualifier = re.sub(r"\s+", " ", match.group("qual").lower()) if match.group("qual") else None
        found.append(Quantity(match.group(0), value, value, qualifier))
        masked = masked[: match.start()] + " " * (match.end() - match.start()) + masked[match.end() :]
    return found, masked


def quantities(text: str) -> list[Quantity]:
    """Every quantity a text states: digits ("2,000", "2000"), words ("four hundred", "dozens")."""
    return list(_quantities(text))


@lru_cache(maxsize=1024)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """:func:`quantities`, kept for the texts last read.

    Re-ranking reads every candidate passage and the flags then read the
    shown ones again; a quantity is immutable, so both can share the result.
    """
    lowered = text.lower()
    if any(word in lowered for word in SEVERAL_WORDS):
        text = SEVERAL_RE.sub(lambda m: " " * (len(m.group(0)) - len(m.group(1)) - 1) + m.group(1) + "s", text)
    spelled, masked = _spelled(text, lowered)
    return (*spelled, *(q for q in (parse_quantity(n) for n in find_numbers(masked)) if q is not None))


def between_ranges(text: str) -> list[tuple[float, float]]:
    """ "between 30 and 60" as a range, which the plain number list reads as two numbers."""
    ranges = []
    for match in re.finditer(r"between\s+([\d,]+)\s+and\s+([\d,]+)", text, re.IGNORECASE):
        low, high = (float(g.replace(",", "")) for g in match.groups())
        ranges.append((min(low, high), max(low, high)))
    return ranges


@dataclass(frozen=True)
class DateValue:
    text: str
    year: int | None
    month: int | None
    day: int | None


def dates(text: str) -> list[DateValue]:
    found = []
    for match in DATE_RE.finditer(text):
        value = match.group(0)
        year = re.search(r"\b(19|20)\d{2}\b", value)
        month = next((n for name, n in MONTHS.items() if re.search(rf"\b{name}", value, re.IGNORECASE)), None)
        day = re.search(r"\b(\d{1,2})\b(?!/)", value)
        found.append(
            DateValue(value, int(year.group(0)) if year else None, month, int(day.group(1)) if day and month else None)
        )
    return found


def same_date(a: DateValue, b: DateValue) -> bool:
    """Dates agree on every part both of them state."""
    return all(
        x is None or y is None or x == y for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    ) and (a.year is not None and b.year is not None)
