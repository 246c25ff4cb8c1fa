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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

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

    def lookup(self, name: str) -> Entry | None:
        return self.by_key.get(name_key(name))


def _load_table(raw: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    return {kind: names for kind, names in raw.items() if not kind.startswith("_")}


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
