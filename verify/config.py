"""The desk's defaults, read from ``verify.toml``: organisation, review URL, reviewer, sources folder, appendix.

The file is found at ``VERIFY_CONFIG`` when that is set (it must then exist),
else as ``verify.toml`` next to the database file; a PostgreSQL database has
no "next to", so it needs ``VERIFY_CONFIG``. Options on the command line and
their environment variables always win over the file.

Settings are typed dataclasses, and the loader reads the allowed keys and
their types from the dataclass fields themselves: adding a setting is adding
a field (with a default and a ``help`` in its metadata), nothing else. A key
the dataclass does not know, or a value of the wrong type, is refused with a
one-line message naming the file and the key, so a typo is never silently
ignored. Relative paths are taken relative to the file, not the current
directory, so the file means the same thing wherever verify runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

from verify.errors import VerifyError

FILE_NAME = "verify.toml"
ENV = "VERIFY_CONFIG"


@dataclass(frozen=True, slots=True)
class AppendixSettings:
    """``[appendix]``: defaults of ``verify report appendix``."""

    public: bool = field(default=False, metadata={"help": "write the public appendix (--public) by default"})
    style: bool = field(default=True, metadata={"help": "include the scoped styles in HTML (false: --no-style)"})
    fragment: bool = field(default=False, metadata={"help": "write an HTML fragment (--fragment) by default"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``verify.toml`` may say; each field is one key of the file."""

    organisation: str | None = field(
        default=None, metadata={"help": "the organisation publishing the reviews (ClaimReview author, --org)"}
    )
    review_url: str | None = field(
        default=None, metadata={"help": "where the public appendix is published (ClaimReview url, --review-url)"}
    )
    reviewer: str | None = field(
        default=None, metadata={"help": "the reviewer name recorded when --as and VERIFY_USER are not given"}
    )
    sources: Path | None = field(
        default=None, metadata={"help": "the sources folder (relative to this file) when --sources is not given"}
    )
    internal_wording: str | None = field(
        default=None,
        metadata={
            "help": "what public outputs say of a verdict resting only on internal sources "
            "(default: confirmed by the newsroom's own reporting)"
        },
    )
    appendix: AppendixSettings = field(default_factory=AppendixSettings, metadata={"help": "[appendix] table"})
    path: Path | None = field(default=None, metadata={"internal": True})  # the file read, for messages


def config_path(database_file: Path | None) -> Path | None:
    """The configuration file that applies: ``VERIFY_CONFIG``, else ``verify.toml`` beside the database file."""
    named = os.environ.get(ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise VerifyError(f"{ENV} names {path}, which is not a file")
        return path
    if database_file is None:
        return None
    candidate = database_file.parent / FILE_NAME
    return candidate if candidate.is_file() else None


def load_settings(database_file: Path | None) -> Settings:
    """The settings that apply to this database (defaults when there is no file)."""
    path = config_path(database_file)
    return Settings() if path is None else read_settings(path)


def read_settings(path: Path) -> Settings:
    """Parse one file; any problem is a :class:`VerifyError` naming the file and the key."""
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise VerifyError(f"configuration file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise VerifyError(f"cannot read configuration file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise VerifyError(f"configuration file {path} is not valid TOML: {exc}") from None
    values = _build(Settings, raw, path, prefix="")
    return Settings(**{**values, "path": path})


def _keys(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if not f.metadata.get("internal")}


def _build(cls: type, raw: dict[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    known = _keys(cls)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in known:
            choices = ", ".join(f"{prefix}{k}" for k in known)
            raise VerifyError(f"configuration file {path}: unknown key {name!r}; known keys: {choices}")
        kind = known[key]
        if is_dataclass(kind):
            if not isinstance(value, dict):
                raise VerifyError(f"configuration file {path}: {name} must be a table ([{name}])")
            values[key] = kind(**_build(kind, value, path, prefix=f"{name}."))  # type: ignore[operator,arg-type]
        else:
            values[key] = _value(kind, value, path, name)
    return values


def _value(kind: Any, value: Any, path: Path, name: str) -> Any:
    """One scalar checked against the field's type (``str``, ``bool``, ``int`` or ``Path``, optionally ``None``)."""
    allowed = set(getattr(kind, "__args__", None) or (kind,)) - {type(None)}
    if Path in allowed and isinstance(value, str) and value.strip():
        resolved = Path(value).expanduser()
        return resolved if resolved.is_absolute() else path.parent / resolved
    if str in allowed and isinstance(value, str):
        if not value.strip():
            raise VerifyError(f"configuration file {path}: {name} is empty; remove the line or give a value")
        return value.strip()
    if bool in allowed and isinstance(value, bool):
        return value
    if int in allowed and isinstance(value, int) and not isinstance(value, bool):
        return value
    words = {str: "text", bool: "true or false", int: "a whole number", Path: "a path"}
    wanted = " or ".join(sorted(words.get(t, t.__name__) for t in allowed))
    raise VerifyError(f"configuration file {path}: {name} must be {wanted}, not {type(value).__name__}")
