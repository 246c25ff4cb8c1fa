"""What may be shown to readers: public sources, and the wording that stands in for internal ones.

An internal source (``source.internal``: interview notes, a call, the
newsroom's own documents) can support a verdict and is cited in the internal
appendix and the full exports, but never in anything published: the public
appendix, ClaimReview, CSL-JSON. Where a published verdict rests only on
internal sources, those outputs say :func:`internal_wording` instead of citing
them. Every public output asks :func:`is_public_source`, so the rule is
written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# What a public output says of a verdict that rests only on internal sources (config key ``internal_wording``).
DEFAULT_INTERNAL_WORDING = "confirmed by the newsroom's own reporting"


def internal_wording(configured: str | None = None) -> str:
    """The wording for a verdict resting only on internal sources: the configured one, else the default."""
    text = " ".join((configured or "").split())
    return text or DEFAULT_INTERNAL_WORDING


def is_public_source(source: Any) -> bool:
    """Whether a source may be named in public outputs.

    Takes a ``Source`` row, a catalogue entry or any object with an
    ``internal`` attribute, or a dict with an ``internal`` key (an appendix
    citation or bibliography entry); anything that does not say is public.
    """
    internal = source.get("internal") if isinstance(source, dict) else getattr(source, "internal", False)
    return not internal


def rests_only_on_internal(sources: Iterable[Any]) -> bool:
    """True when a verdict's evidence cites sources and none of them is public."""
    seen = list(sources)
    return bool(seen) and not any(is_public_source(s) for s in seen)


def sentence(text: str) -> str:
    """``confirmed by …`` -> ``Confirmed by ….``: the wording as a sentence of its own."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
