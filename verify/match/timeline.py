"""Where each source stands in time and in its series, as ranking needs it.

An article's publication date is a hard fact: a report dated after it cannot
be what its author relied on, so its passages go below every earlier
source's and say why (``published_after``). Among the earlier reports of one
series, the author most likely used the latest one they could have read;
and a suggestion from another report than the one the author names says so
(``other_report``), naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verify.claims.series import known_date, ordinal, ordinal_word, series_key


def dated_after(source_date: str | None, article_date: str | None) -> bool:
    """Whether a source's date is after the article's, compared at the precision both have.

    "2024-01-15" is not after an article "published 2024-01"; "2024-06" is.
    """
    if not source_date or not article_date:
        return False
    n = min(len(source_date), len(article_date))
    return source_date[:n] > article_date[:n]


def surely_before(source_date: str | None, article_date: str | None) -> bool:
    """Whether a source is known to predate the article: a year alone ("2024") does not, for an article of 2024-01."""
    if not source_date or not article_date or dated_after(source_date, article_date):
        return False
    n = min(len(source_date), len(article_date))
    return source_date[:n] < article_date[:n] or len(source_date) >= len(article_date)


@dataclass(frozen=True)
class Place:
    key: str
    series: str | None  # series_key: case-folded
    ordinal: int | None
    published: str | None

    def describe(self) -> str:
        """ "S/TEST/2023/14 (fourteenth report, 2023-06-01)"."""
        parts = [f"{ordinal_word(self.ordinal)} report" if self.ordinal else None, self.published]
        said = ", ".join(p for p in parts if p)
        return f"{self.key} ({said})" if said else self.key


@dataclass(frozen=True)
class Timeline:
    """Every current source's place, and the article's date (None when unknown)."""

    places: dict[str, Place]
    published: str | None

    @classmethod
    def from_rows(cls, rows: list[Any], published: str | None) -> Timeline:
        places = {
            key: Place(key, series_key(series, title), ordinal(title), known_date(date, symbol))
            for key, title, series, date, symbol in rows
        }
        return cls(places, published)

    def after(self, key: str) -> bool:
        place = self.places.get(key)
        return place is not None and dated_after(place.published, self.published)

    def latest_before(self) -> frozenset[str]:
        """In each series, the most recent report dated on or before the article (by date, then ordinal).

        Empty when the article's date is unknown: "most recent" then has no
        bound, and the latest report of a series is as likely too late as right.
        """
        if not self.published:
            return frozenset()
        best: dict[str, Place] = {}
        for place in self.places.values():
            if place.series is None or not surely_before(place.published, self.published):
                continue
            held = best.get(place.series)
            if held is None or (place.published, place.ordinal or 0) > (held.published or "", held.ordinal or 0):
                best[place.series] = place
        return frozenset(p.key for p in best.values())

    def published_after_flag(self, key: str) -> dict[str, Any]:
        place = self.places[key]
        return {
            "type": "published_after",
            "claim": self.published,
            "passage": place.published,
            "message": f"this report is dated {place.published}; the article was published {self.published}",
        }

    def other_report_flag(self, key: str, attributed: str, *, continued: bool) -> dict[str, Any]:
        """The suggestion comes from ``key``, the author names ``attributed``."""
        here = self.places.get(key)
        named = self.places.get(attributed)
        named_text = named.describe() if named else attributed
        relation = ""
        if here and named and here.series and here.series == named.series:
            relation = " of the same series"
        how = "the paragraph's attribution names" if continued else "the author names"
        return {
            "type": "other_report",
            "claim": attributed,
            "passage": key,
            "message": f"{how} {named_text}; this passage is from {here.describe() if here else key}{relation}",
        }
