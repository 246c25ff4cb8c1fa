"""One clock for every timestamp verify writes, so tests can pin it."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> str:
    """Current UTC time as an ISO-8601 string with a ``Z`` suffix.

    ``VERIFY_NOW`` fixes the clock (used by golden-file tests and demos).
    """
    fixed = os.environ.get("VERIFY_NOW")
    if fixed:
        return fixed
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(value: str) -> datetime:
    """Read a timestamp written by :func:`now`."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
