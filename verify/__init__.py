"""verify: claim verification and source tracking for fact-checkers and editors."""

__version__ = "0.1.0"
