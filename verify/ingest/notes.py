"""Note markers glued to words ("NHRI.11 Amnesty", "submissions1 to") taken out of the text.

A plain-text copy of a UN report keeps its endnote numbers as ordinary digits
next to the words they annotate. Left in place they read as figures: a
quote "NHRI.11 Amnesty" would carry a number 11 into hints and number flags.
A digit run is only taken as a marker when the document has that note and
the markers come in the document's own order (1, 2, 3, ...), so "G20" or
"1325 (2000)" stay text unless they happen to be the very next note number
in the right place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Marker glued to a word or a closing mark ("word3", "word.3", "word”3") or after
# sentence punctuation and one space ("Principles. 10 HRORS").
_GLUE_BEFORE = re.compile(r"[A-Za-z\u00C0-\u024F)\]\"”’'.,;:]")
_PUNCT_BEFORE = re.compile(r"[.,;:)\"”’]")
_YEAR_END = re.compile(r"(?<!\d)(?:19|20)\d\d$")


def strip_markers(
    texts: Iterable[str],
    numbers: Sequence[int],
    loose: bool = False,
) -> list[tuple[str, list[dict[str, int]]]]:
    """Remove the markers of the notes ``numbers`` (in document order) from ``texts`` (in reading order).

    ``loose`` also takes a number standing alone between words ("the Council 52 of 3 May"), as
    older documents set their markers; only for notes found at the foot of the same page.

    Returns each text without its markers and the notes it cited, as
    ``{"note": n, "offset": i}`` with ``i`` the offset in the cleaned text
    where the marker stood.
    """
    position = 0
    out: list[tuple[str, list[dict[str, int]]]] = []
    for text in texts:
        refs: list[dict[str, int]] = []
        pieces: list[str] = []
        cursor = 0
        while position < len(numbers):
            # The next marker, or one of the two after it when a marker was lost (a note cited in a table).
            candidates = [
                (hit, k)
                for k in range(position, min(position + 3, len(numbers)))
                if (hit := _find(text, numbers[k], cursor, loose)) is not None
            ]
            if not candidates:
                break
            (start, end), k = min(candidates)
            pieces.append(text[cursor:start])
            refs.append({"note": numbers[k], "offset": sum(len(p) for p in pieces)})
            cursor = end
            position = k + 1
        pieces.append(text[cursor:])
        out.append(("".join(pieces), refs))
    return out


def cites(text: str, number: int, loose: bool = False) -> bool:
    """Whether ``text`` carries a marker for note ``number`` (see :func:`strip_markers`)."""
    return _find(text, number, 0, loose) is not None


def _find(text: str, number: int, start: int, loose: bool = False) -> tuple[int, int] | None:
    """Span of marker ``number`` at or after ``start`` (a leading space included), or None."""
    digits = str(number)
    for match in re.finditer(rf"(?<!\d){digits}(?!\d)", text[start:]):
        at, end = start + match.start(), start + match.end()
        after = text[end : end + 1]
        if after and not (after.isspace() or after in ",.;:)"):
            continue
        if after in ".," and text[end + 1 : end + 2].isdigit():
            continue  # "115.18": a paragraph reference, not a marker
        before = text[at - 1 : at] if at else ""
        if before and _GLUE_BEFORE.fullmatch(before):
            if before in ".," and text[at - 2 : at - 1].isdigit() and not _YEAR_END.search(text, 0, at - 1):
                continue  # "para. 5.3", "1,600" (but "in 2018.74" is a year and note 74)
            return at, end
        if (
            before == " "
            and at >= 2
            and _PUNCT_BEFORE.fullmatch(text[at - 2])
            and (not text[at - 3 : at - 2].isdigit() or _YEAR_END.search(text, 0, at - 2))
        ):
            if after and after.isspace() and text[end + 1 : end + 2][:1].isupper() or not after:
                return at - 1, end  # "Principles. 10 HRORS": the space goes with the marker
        if before == " " and not after and at >= 2 and text[at - 2].isalpha():
            return at - 1, end  # a heading ending in its marker: "... political life 50"
        if (
            loose
            and before == " "
            and at >= 2
            and (text[at - 2].isalpha() or text[at - 2] in ".,;:)")
            and (not after or after.isspace() and text[end + 1 : end + 2][:1].isalpha())
        ):
            return at - 1, end
    return None
