"""``source check``: is the archive still what was retrieved, and is the web copy still the same?

Nothing is ever overwritten by a check: it only reports. Locally each stored
file is re-hashed against the database; ``online`` re-downloads each source
and reports reissued documents (different bytes) and link rot (gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verify.db.engine import Database
from verify.db.models import Source
from verify.db.queries.evidence import in_force
from verify.db.queries.sources import require_source, versions
from verify.errors import VerifyError
from verify.ingest.storage import sha256_bytes
from verify.workflow.archiving import EXTENSIONS, symbol_template
from verify.workflow.reanchor import ORPHANED, evidence_to_recheck

PROBLEMS = {
    "missing",
    "changed",
    "remote_changed",
    "remote_gone",
    "orphaned_evidence",
    "reworded_evidence",
    "evidence_unanchored",
}
Quote = tuple[int, int, str, str | None, str | None]  # evidence id, claim id, quote, prefix, suffix


@dataclass(frozen=True)
class Finding:
    key: str
    version: int
    state: str  # ok | not_retrieved | no_transcript | missing | changed | remote_ok | remote_changed | remote_gone
    detail: str

    @property
    def is_problem(self) -> bool:
        return self.state in PROBLEMS


def _check_files(source: Source, sources_dir: Path) -> list[Finding]:
    if source.retrieved_at is None and source.kind == "interview":
        return [Finding(source.key, source.version, "no_transcript", "a call recorded without a transcript")]
    if source.retrieved_at is None:
        return [Finding(source.key, source.version, "not_retrieved", "registered, not yet retrieved")]
    from verify.ingest.paths import source_path_problem

    problem = source_path_problem(source.path, sources_dir)
    if problem:  # never read outside sources/, whatever the database says
        return [Finding(source.key, source.version, "missing", f"path {source.path!r} {problem}; not read")]
    folder = sources_dir / (source.path or "")
    if not source.path or not folder.is_dir():
        return [Finding(source.key, source.version, "missing", f"folder {folder} is missing")]
    findings = []
    original = folder / f"original.{EXTENSIONS.get(source.media_type or '', 'bin')}"
    if not original.is_file():
        findings.append(Finding(source.key, source.version, "missing", f"{original} is missing"))
    elif sha256_bytes(original.read_bytes()) != source.sha256:
        findings.append(
            Finding(source.key, source.version, "changed", f"{original} no longer has sha256 {source.sha256}")
        )
    text_file = folder / "text.txt"
    if not text_file.is_file():
        findings.append(Finding(source.key, source.version, "missing", f"{text_file} is missing"))
    elif text_file.read_bytes() != (source.text or "").encode("utf-8"):
        findings.append(
            Finding(
                source.key, source.version, "changed", f"{text_file} differs from the extracted text in the database"
            )
        )
    if not (folder / "source.json").is_file():
        findings.append(Finding(source.key, source.version, "missing", f"{folder / 'source.json'} is missing"))
    digest = source.sha256 or ""
    return findings or [Finding(source.key, source.version, "ok", f"sha256 {digest[:12]}… matches")]


def _check_online(source: Source, quotes: list[Quote]) -> list[Finding]:
    from verify.ingest.fetch import download
    from verify.ingest.symbols import symbol_url

    target = source.url or (source.symbol and symbol_url(source.symbol, symbol_template()))
    if not target:
        return [Finding(source.key, source.version, "remote_ok", "no URL to check")]
    try:
        fetched = download(target, retries=1)
    except VerifyError as exc:
        return [Finding(source.key, source.version, "remote_gone", f"{target}: {exc.message}")]
    digest = sha256_bytes(fetched.content)
    if source.sha256 is None:
        return [
            Finding(
                source.key,
                source.version,
                "remote_ok",
                f"available at {target} (not yet retrieved: 'verify source fetch {source.key}')",
            )
        ]
    if digest == source.sha256:
        return [Finding(source.key, source.version, "remote_ok", f"{target} unchanged")]
    findings = [
        Finding(
            source.key,
            source.version,
            "remote_changed",
            f"{target} now serves different bytes (sha256 {digest[:12]}…); 'verify source fetch {source.key}' "
            "archives the new version",
        )
    ]
    return findings + _unanchored(source, fetched.content, fetched.media_type, quotes)


def _unanchored(source: Source, content: bytes, media_type: str, quotes: list[Quote]) -> list[Finding]:
    """Evidence whose quote would not be found in the remote copy (nothing is stored)."""
    from verify.ingest.extract import extract_document
    from verify.match.anchor import Anchor, anchor

    try:
        document = extract_document(content, media_type)
    except VerifyError as exc:
        return [
            Finding(source.key, source.version, "evidence_unanchored", f"the remote copy cannot be read: {exc.message}")
        ]
    windows = [(p.start, p.end) for p in document.passages] or None
    findings = []
    for evidence_id, claim_id, quote, prefix, suffix in quotes:
        if not isinstance(anchor(document.text, quote, windows=windows, prefix=prefix, suffix=suffix), Anchor):
            findings.append(
                Finding(
                    source.key,
                    source.version,
                    "evidence_unanchored",
                    f"evidence {evidence_id} of claim {claim_id} is not in the remote copy: “{quote[:80]}”",
                )
            )
    return findings


def check_sources(db: Database, sources_dir: Path, key: str | None = None, *, online: bool = False) -> list[Finding]:
    from verify.ingest.recovery import recover_sources

    recover_sources(db, sources_dir)  # finish or undo what an interrupted 'source add' left behind
    with db.read() as session:
        if key is not None:
            current = require_source(session, key)
            sources = versions(session, current.key)
        else:
            sources = versions(session)
        session.expunge_all()
        recheck = [(e.anchor, e.id, e.claim_id, e.locator, s.key, s.version) for e, s in evidence_to_recheck(session)]
        quotes: dict[int, list[Quote]] = {}
        for evidence in in_force(session):
            if evidence.kind == "note":  # a note of a call is in no document
                continue
            quotes.setdefault(evidence.source_id, []).append(
                (evidence.id, evidence.claim_id, evidence.quote, evidence.prefix, evidence.suffix)  # type: ignore[arg-type]
            )
    findings: list[Finding] = []
    for source in sources:
        findings.extend(_check_files(source, sources_dir))
        if online and source.is_current:
            findings.extend(_check_online(source, quotes.get(source.id, [])))  # type: ignore[arg-type]
    for anchor, evidence_id, claim_id, locator, source_key, version in recheck:
        if key is None or source_key == key:
            what = f"evidence {evidence_id} of claim {claim_id} ({locator or 'no locator'})"
            if anchor == ORPHANED:
                findings.append(
                    Finding(source_key, version, "orphaned_evidence", f"{what} was not found in the newer version")
                )
            else:
                findings.append(
                    Finding(
                        source_key,
                        version,
                        "reworded_evidence",
                        f"{what} was re-anchored with different wording; re-check it, then retract and link it again",
                    )
                )
    return findings
