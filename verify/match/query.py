"""Turning a claim into search terms: content words, plus the spelling variants of its names.

"al-Qaeda" in a claim must find "Al-Qaida" in a UN report, so each name the
claim mentions brings the words of all its variants from the gazetteer. The
attribution phrase ("According to a June 2023 UN report") is left out: it
says where the claim comes from, not what it says.

The re-ranker compares words by their Snowball (Porter 2) stems, the stemmer of
the shared search index (:mod:`verify.match.tokenize`): "fighters"/"fighter",
"trained"/"training" meet, as they do in the index. It also
knows a small, editable table of generic synonyms and US/UK spellings
(``verify/data/synonyms.json``, :func:`synonyms`): a claim word the passage
lacks still counts, at a lower weight, when the passage uses a synonym
("border"/"frontier").
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.claims.names import gazetteer, name_key

if TYPE_CHECKING:
    from verify.db.reader import Reader

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
POSTINGS_BUDGET = 60_000  # first-stage postings per claim before its commonest words are dropped (see prune)


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]  # content words of the claim, lower-case, in order
    variants: tuple[str, ...]  # other spellings of its names, each a phrase of lower-case words ("al qaida")

    @property
    def all(self) -> tuple[str, ...]:
        """Every single word to look for (claim words, then the words of the variant spellings)."""
        return tuple(dict.fromkeys((*self.words, *(w for phrase in self.variants for w in content_words(phrase)))))


def content_words(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(text.lower()) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=1)
def _snowball():  # type: ignore[no-untyped-def]
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    stemmer.maxCacheSize = 200_000
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word, as the shared search index stems it."""
    return str(_snowball().stemWord(word))


def stems(text: str) -> list[str]:
    """The stemmed content words of a text, in order (for overlap and proximity features)."""
    words = content_words(text)
    return list(_snowball().stemWords(words)) if words else []


@lru_cache(maxsize=1)
def synonyms() -> dict[str, frozenset[str]]:
    """Stem -> the stems of its synonyms, from ``verify/data/synonyms.json``.

    Each group of the table lists words that say the same thing in any story
    ("border", "frontier"; "centre", "center"); every word of a group is a
    synonym of every other. ``VERIFY_SYNONYMS`` names an extra file of the same
    form whose groups are added (as ``VERIFY_GAZETTEER`` does for names).
    """
    raw = json.loads(resources.files("verify.data").joinpath("synonyms.json").read_text(encoding="utf-8"))
    groups = list(raw.get("groups", []))
    extra = os.environ.get("VERIFY_SYNONYMS")
    if extra:
        groups += json.loads(Path(extra).read_text(encoding="utf-8")).get("groups", [])
    table: dict[str, set[str]] = {}
    for group in groups:
        group_stems = {stem(w) for word in group for w in content_words(word)}
        for key in group_stems:
            table.setdefault(key, set()).update(group_stems - {key})
    return {key: frozenset(others) for key, others in table.items() if others}


def variant_surfaces(hints: dict[str, Any]) -> dict[str, list[str]]:
    """Canonical name -> every spelling the gazetteer knows, for the names in ``hints``."""
    table = gazetteer()
    found: dict[str, list[str]] = {}
    for kind in ("places", "people", "organisations"):
        for name in hints.get(kind, []):
            entry = table.lookup(name)
            if entry is None:
                found.setdefault(name, [name])
                continue
            found[entry.canonical] = [surface for surface, other in table.surfaces if other == entry]
    return found


def variant_phrases(hints: dict[str, Any], claim_words: tuple[str, ...] = ()) -> list[str]:
    """The other spellings of the claim's names, as phrases the index can match ("Al-Qaida" -> "al qaida").

    Each spelling is searched as a phrase, not as loose words: "Islamic
    Emirate of Afghanistan" must not make every claim naming the Taliban look
    for "islamic" and "afghanistan". Spellings the claim already uses, and
    short acronyms that are also common words ("IS", "US", "UN"), are left out.
    """
    phrases: list[str] = []
    claim = set(claim_words)
    for surfaces in variant_surfaces(hints).values():
        for surface in surfaces:
            tokens = WORD_RE.findall(surface.lower())
            if not any(len(t) >= 3 and t not in STOPWORDS for t in tokens) or set(tokens) <= claim:
                continue
            phrases.append(" ".join(tokens))
    return list(dict.fromkeys(phrases))


def name_keys(hints: dict[str, Any]) -> list[tuple[str, ...]]:
    """For each name of the claim, the spelling-insensitive keys of all its variants (long ones only)."""
    keys = []
    for surfaces in variant_surfaces(hints).values():
        usable = tuple(k for k in dict.fromkeys(name_key(s) for s in surfaces) if len(k) > 3)
        if usable:
            keys.append(usable)
    return keys


def claim_terms(
    text: str, hints: dict[str, Any] | None = None, attribution: dict[str, Any] | None = None, *, variants: bool = True
) -> Terms:
    body = text
    if attribution and attribution.get("phrase"):
        body = body.replace(attribution["phrase"], " ")
    words = tuple(dict.fromkeys(content_words(body)))
    extra = tuple(variant_phrases(hints or {}, words)) if variants else ()
    return Terms(words, extra)


def word_counts(reader: Reader, words: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """How many passages are searched, and how many contain each claim word or variant phrase.

    Both come from the search index, so the idf of a word counts the
    passages of current sources, the ones the first stage ranks (superseded
    versions stay archived, unsearched); a phrase counts as its rarest word.
    """
    from verify.match.index import index_view
    from verify.match.tokenize import terms as index_terms

    view = index_view(reader)
    total = view.totals()[0] or 1
    per_word = {w: index_terms(w) for w in words}
    counts = view.frequencies(sorted({t for found in per_word.values() for t in found}))
    return total, {w: min((counts.get(t, 0) for t in found), default=0) for w, found in per_word.items()}


def idf_weights(total: int, counts: dict[str, int]) -> dict[str, float]:
    """BM25's idf of each claim word (as Lucene: always positive), keyed by its stem."""
    weights: dict[str, float] = {}
    for word, found in counts.items():
        key = stem(word)
        weights[key] = max(weights.get(key, 0.0), math.log(1 + (total - found + 0.5) / (found + 0.5)))
    return weights


def prune(terms: Terms, counts: dict[str, int], budget: int = POSTINGS_BUDGET) -> Terms:
    """The claim's words for the first stage, its most common ones dropped when they would flood it.

    On a large library a claim's everyday words ("reported", "fighters")
    occur in most passages; BM25 then scores nearly every passage, for
    words whose idf adds almost nothing. Keeping the rarest words up to
    ``budget`` postings (at least one word) bounds that cost; the dropped
    words still count in the re-ranking (best sentence, proximity, fuzzy).
    A small library (SciFact: 5,183 abstracts) is never pruned.
    """
    kept: list[str] = []
    postings = 0
    for term in sorted((*terms.words, *terms.variants), key=lambda w: counts.get(w, 0)):
        if kept and postings + counts.get(term, 0) > budget:
            break
        kept.append(term)
        postings += counts.get(term, 0)
    return Terms(tuple(w for w in terms.words if w in kept), tuple(v for v in terms.variants if v in kept))
