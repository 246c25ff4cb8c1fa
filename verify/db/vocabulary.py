"""The fixed values of claim statuses, claim kinds and evidence stances.

Kept apart from :mod:`verify.db.models` so the workflow rules and the fast
read path (:mod:`verify.db.reader`) can name them without loading the ORM.
"""

from __future__ import annotations

from verify.errors import VerifyError

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


def check_status_name(status: str) -> str:
    value = status.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in CLAIM_STATUSES:
        raise VerifyError(f"unknown status {status!r}; use one of: {', '.join(CLAIM_STATUSES)}")
    return value


def check_kind_name(kind: str) -> str:
    value = kind.strip().lower()
    if value not in CLAIM_KINDS:
        raise VerifyError(f"unknown kind {kind!r}; use one of: {', '.join(CLAIM_KINDS)}")
    return value


# What a source is. An interview's text, when it has one, is the notes or transcript.
SOURCE_KINDS = ("document", "report", "dataset", "web", "interview")
# How an interview was done; "in person" is also accepted as in-person or in_person.
INTERVIEW_METHODS = ("phone", "in person", "email", "video")


def check_source_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in SOURCE_KINDS:
        raise VerifyError(f"unknown source kind {kind!r}; use one of: {', '.join(SOURCE_KINDS)}")
    return value


def check_method(method: str) -> str:
    value = " ".join(method.strip().lower().replace("-", " ").replace("_", " ").split())
    value = {"e mail": "email", "telephone": "phone", "call": "phone", "video call": "video"}.get(value, value)
    if value not in INTERVIEW_METHODS:
        raise VerifyError(f"unknown interview method {method!r}; use one of: {', '.join(INTERVIEW_METHODS)}")
    return value
