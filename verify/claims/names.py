"""The editable table of names (``verify/data/gazetteer.json``) and name keys.

Names are compared by a *key* that ignores case, hyphens, apostrophes, dots
and spaces, so "al-Qaeda", "Al Qaeda" and "al-qaeda" meet; the gazetteer then
maps spelling variants (Al-Qaida, Zawahri, ISIL-K) onto one canonical name.
A ``VERIFY_GAZETTEER`` file, when set, is merged over the shipped table.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

MEMO_TEXTS = 4096  # texts whose names a gazetteer remembers before it forgets them all
_PATTERNS = object()  # the memo's key for the compiled patterns
_KEY_DROP = re.compile(r"[\s\-‐‑‒–—'’‘`.]+")


def name_key(name: str) -> str:
    """A spelling-insensitive key: 'Al-Qa’ida' -> 'alqaida'."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _KEY_DROP.sub("", folded).casefold()


@dataclass(frozen=True)
class Entry:
    canonical: str
    kind: str  # place | organisation | person


@dataclass(frozen=True)
class Gazetteer:
    by_key: dict[str, Entry]
    # Surface forms to look for in text, longest first so "al-Qaeda in the
    # Indian Subcontinent" wins over "al-Qaeda".
    surfaces: tuple[tuple[str, Entry], ...]
    # What the table finds in the texts it last read, and its compiled patterns: suggesting reads the same
    # claim, titles and passages several times (ranking, then flags), and the gazetteer never changes.
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, name: str) -> Entry | None:
        return self.by_key.get(name_key(name))

    def finditer(self, text: str) -> list[tuple[int, int, Entry]]:
        """Non-overlapping mentions of known names, longest first, in text order.

        Acronyms (all capitals) match case-sensitively so "IS" is not "is";
        other names ignore case but must show a capital somewhere in the text
        unless they are written lower-case in the table (al-Qaeda).
        """
        known = self.memo.get(text)
        if known is not None:
            return list(known)  # type: ignore[call-overload]
        found = self._find(text)
        if len(self.memo) > MEMO_TEXTS:
            self.memo.clear()
        self.memo[text] = tuple(found)
        return found

    def surface_keys(self, entry: Entry) -> tuple[str, ...]:
        """The keys of every spelling the table gives for ``entry``."""
        cached = self.memo.get(entry)
        if cached is None:
            cached = self.memo[entry] = tuple(name_key(s) for s, e in self.surfaces if e == entry)
        return cached  # type: ignore[return-value]

    def _find(self, text: str) -> list[tuple[int, int, Entry]]:
        found: list[tuple[int, int, Entry]] = []
        for regex in _patterns(self):
            for match in regex.finditer(text):
                entry = self.by_key.get(name_key(match.group(0)))
                if entry is None:
                    continue
                start, end = match.span()
                if any(s < end and start < e for s, e, _ in found):
                    continue
                surface = match.group(0)
                if (
                    not surface.isupper()
                    and not any(ch.isupper() for ch in surface)
                    and not _lowercase_ok(self, surface)
                ):
                    continue
                found.append((start, end, entry))
        return sorted(found, key=lambda item: item[0])


def _load_table(raw: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    return {kind: names for kind, names in raw.items() if not kind.startswith("_")}


def _surface_pattern(surface: str) -> str:
    """Spaces and hyphens interchangeable (al Qaeda / al-Qaeda), apostrophes straight or curly."""
    parts = []
    for ch in surface:
        if ch in " -":
            parts.append(r"[\s\-‐‑–]?" if ch == "-" else r"[\s\-‐‑–]")
        elif ch in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


@lru_cache(maxsize=4)
def _compiled(surfaces: tuple[tuple[str, Entry], ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    upper = [s for s, _ in surfaces if s.isupper()]
    other = [s for s, _ in surfaces if not s.isupper()]
    edge_open, edge_close = r"(?<![\w\-])(?:", r")(?![\w\-])"
    return (
        re.compile(edge_open + "|".join(_surface_pattern(s) for s in upper) + edge_close),
        re.compile(edge_open + "|".join(_surface_pattern(s) for s in other) + edge_close, re.IGNORECASE),
    )


def _patterns(table: Gazetteer) -> tuple[re.Pattern[str], re.Pattern[str]]:
    patterns = table.memo.get(_PATTERNS)
    if patterns is None:  # hashing the whole table for _compiled's cache on every call cost more than the search
        patterns = table.memo[_PATTERNS] = _compiled(table.surfaces)
    return patterns  # type: ignore[return-value]


def _lowercase_ok(table: Gazetteer, surface: str) -> bool:
    """A lower-case mention counts only for names the table itself writes lower-case (al-Qaeda)."""
    key = name_key(surface)
    return any(name_key(s) == key and s[:1].islower() for s, _ in table.surfaces)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    text = resources.files("verify.data").joinpath("gazetteer.json").read_text(encoding="utf-8")
    table = _load_table(json.loads(text))
    extra = os.environ.get("VERIFY_GAZETTEER")
    if extra:
        for kind, names in _load_table(json.loads(Path(extra).read_text(encoding="utf-8"))).items():
            table.setdefault(kind, {}).update(names)
    by_key: dict[str, Entry] = {}
    surfaces: list[tuple[str, Entry]] = []
    for kind, names in table.items():
        for canonical, aliases in names.items():
            entry = Entry(canonical, kind)
            for surface in (canonical, *aliases):
                by_key.setdefault(name_key(surface), entry)
                surfaces.append((surface, entry))
    surfaces.sort(key=lambda item: -len(item[0]))
    return Gazetteer(by_key, tuple(surfaces))
