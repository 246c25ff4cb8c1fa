"""Turning a claim into search terms: content words, plus the spelling variants of its names.

"al-Qaeda" in a claim must find "Al-Qaida" in a UN report, so each name the
claim mentions brings the words of all its variants from the gazetteer. The
attribution phrase ("According to a June 2023 UN report") is left out: it
says where the claim comes from, not what it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from verify.claims.names import gazetteer

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    whose within without upon among amongst thus therefore however moreover yet still even ever may might must
    shall one ones s t re ve ll d m o y""".split()
)


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]  # content words of the claim, lower-case, in order
    variants: tuple[str, ...]  # extra words from the spelling variants of its names

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.words, *self.variants)))


def content_words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in WORD_RE.finditer(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def variant_words(hints: dict[str, Any]) -> list[str]:
    table = gazetteer()
    words: list[str] = []
    for kind in ("places", "people", "organisations"):
        for name in hints.get(kind, []):
            entry = table.lookup(name)
            if entry is None:
                continue
            for surface, other in table.surfaces:
                if other == entry:
                    words.extend(w for w in content_words(surface) if len(w) >= 3)
    return words


def claim_terms(text: str, hints: dict[str, Any] | None = None, attribution: dict[str, Any] | None = None, *, variants: bool = True) -> Terms:
    body = text
    if attribution and attribution.get("phrase"):
        body = body.replace(attribution["phrase"], " ")
    words = tuple(dict.fromkeys(content_words(body)))
    extra = tuple(w for w in dict.fromkeys(variant_words(hints or {})) if w not in words) if variants else ()
    return Terms(words, extra)
