"""The fixed values of claim statuses, claim kinds and evidence stances.

Kept apart from :mod:`verify.db.models` so the workflow rules and the fast
read path (:mod:`verify.db.reader`) can name them without loading the ORM.
"""

from __future__ import annotations

CLAIM_STATUSES = (
    "unreviewed",
    "in_progress",
    "verified",
    "partly_verified",
    "disputed",
    "unsupported",
    "opinion",
    "withdrawn",
)
CLAIM_KINDS = ("factual", "quote", "opinion")
STANCES = ("supports", "contradicts", "context")
