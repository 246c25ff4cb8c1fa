"""Passage vectors for the semantic stage: computed when a source is added, or later on request.

``verify source add`` embeds the new passages *before* its write transaction
(a 100-page report takes seconds with a transformer; the database lock is not
held meanwhile) and stores them in the transaction that adds the source, so a
source is never half-embedded. Sources added before a model was configured,
or embedded by another model, get their vectors from ``verify model embed``
(:func:`embed_library`), one source per transaction, so an interrupted run
keeps what it finished and the next run goes on from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.db.engine import Database
from verify.db.queries.sources import current_sources, passages_of
from verify.db.reader import as_reader
from verify.match.embeddings import embed_passages, embedding_counts, write_vectors
from verify.match.model import Encoder, configured_encoder

if TYPE_CHECKING:
    import httpx
    import numpy as np
    from sqlmodel import Session


@dataclass(frozen=True)
class Embedded:
    """Vectors computed for a document's passages, in passage order, ready to store with the source."""

    model_id: str
    vectors: np.ndarray


def embed_document(texts: list[str]) -> Embedded | None:
    """Vectors of a new document's passages with the configured model (None when none is configured).

    A configured model that cannot be loaded refuses here, before anything is written.
    """
    encoder = configured_encoder()
    if encoder is None or not texts:
        return None
    return Embedded(encoder.model_id, encoder.encode(texts))


def store_document_vectors(session: Session, source_id: int, embedded: Embedded | None) -> int:
    """Store the vectors of a source just added (in the caller's transaction); returns how many."""
    if embedded is None:
        return 0
    session.flush()
    ids = [p.id for p in passages_of(session, source_id)]
    if len(ids) != len(embedded.vectors):  # the passages stored are not those embedded: leave it to 'model embed'
        return 0
    return write_vectors(session.connection(), source_id, ids, embedded.vectors, embedded.model_id)  # type: ignore[arg-type]


@dataclass
class EmbedResult:
    """What ``verify model embed`` did."""

    model: str
    folder: str
    dimension: int
    sources: int = 0  # sources (re-)embedded now
    passages: int = 0
    already: int = 0  # sources whose vectors were already this model's

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _needs_vectors(counts: dict[int, dict[str, int]], source_id: int, passages: int, model_id: str) -> bool:
    mine = counts.get(source_id, {})
    return mine.get(model_id, 0) != passages or len(mine) > 1


def embed_library(
    db: Database,
    encoder: Encoder,
    *,
    refresh: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> EmbedResult:
    """Store vectors for every current source that lacks this model's (all of them with ``refresh``)."""
    from verify.db.queries.sources import embedding_counts_by_source

    result = EmbedResult(encoder.model_id, str(encoder.folder), encoder.dimension)
    with db.read() as session:
        todo = [(s.id, s.key) for s in current_sources(session)]
        counts = embedding_counts_by_source(as_reader(session))
    for source_id, key in todo:
        with db.write() as session:
            passages = [(p.id, p.text) for p in passages_of(session, source_id)]
            if not refresh and not _needs_vectors(counts, source_id, len(passages), encoder.model_id):  # type: ignore[arg-type]
                result.already += 1
                continue
            if progress:
                progress(key, len(passages))
            result.passages += embed_passages(session.connection(), encoder, source_id, passages)  # type: ignore[arg-type]
            result.sources += 1
    return result


def embedding_summary(db: Database) -> dict[str, int]:
    """Stored vectors per model id."""
    with db.read() as session:
        return embedding_counts(as_reader(session))


# ---------------------------------------------------------------- verify model fetch

DEFAULT_HUB = "https://huggingface.co"
HUB_ENV = "VERIFY_MODEL_HUB"
MODEL_MAX_BYTES = 2 << 30  # a sentence-embedding model is tens to hundreds of MB
# (path on the hub, name in the model folder), first found wins: the ONNX export of a transformer, else a static model.
WEIGHTS = (("onnx/model.onnx", "model.onnx"), ("model.onnx", "model.onnx"), ("model.safetensors", "model.safetensors"))
OPTIONAL = ("1_Pooling/config.json", "sentence_bert_config.json", "config.json")
NAME_RE = r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?"


def default_model_folder(name: str) -> Path:
    """Where ``verify model fetch NAME`` puts a model unless told: the user's cache folder."""
    import os

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "verify" / "models" / name.replace("/", "__")


class _Offline(Exception):
    """The hub could not be reached at all."""


def _get(client: httpx.Client, url: str, dest: Path) -> bool:
    """Stream ``url`` into ``dest``; False on 404 (an optional file the model does not have)."""
    import httpx

    from verify.errors import VerifyError

    try:
        with client.stream("GET", url) as response:
            if response.status_code == 404:
                return False
            if response.status_code != 200:
                raise VerifyError(f"HTTP {response.status_code} from {url}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            with dest.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 20):
                    size += len(chunk)
                    if size > MODEL_MAX_BYTES:
                        raise VerifyError(f"{url} is larger than {MODEL_MAX_BYTES >> 20} MB")
                    handle.write(chunk)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise _Offline(str(exc) or type(exc).__name__) from None
    except httpx.HTTPError as exc:
        raise VerifyError(f"could not download {url}: {exc or type(exc).__name__}") from None
    return True


def fetch_model(name: str, target: Path | None = None, hub: str | None = None) -> Path:
    """Download model ``name`` from the hub into a model folder, check that it loads, and return the folder.

    The only place verify downloads a model, and only when asked. Files go to
    a temporary folder beside the target, renamed into place once the model
    loads, so a failed fetch leaves nothing behind.
    """
    import os
    import re
    import shutil
    import tempfile

    import httpx

    from verify.errors import VerifyError
    from verify.ingest.fetch import USER_AGENT
    from verify.match.model import load_model

    if not re.fullmatch(NAME_RE, name):
        raise VerifyError(
            f"not a model name: {name!r} (expected OWNER/NAME, e.g. sentence-transformers/all-MiniLM-L6-v2)"
        )
    folder = (target or default_model_folder(name)).expanduser()
    if folder.exists() and any(folder.iterdir()):
        raise VerifyError(f"{folder} already exists and is not empty; remove it or give another --to")
    base = (hub or os.environ.get(HUB_ENV) or DEFAULT_HUB).rstrip("/")
    root = f"{base}/{name}/resolve/main"
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=folder.parent))
    timeout = httpx.Timeout(30.0, connect=10.0)
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as client:
            try:
                if not _get(client, f"{root}/tokenizer.json", staging / "tokenizer.json"):
                    raise VerifyError(f"{name} has no tokenizer.json at {base}; not a model verify can run")
                if not any(_get(client, f"{root}/{remote}", staging / local) for remote, local in WEIGHTS):
                    raise VerifyError(f"{name} has no ONNX export (onnx/model.onnx) nor static model.safetensors")
                for remote in OPTIONAL:
                    _get(client, f"{root}/{remote}", staging / remote)
            except _Offline as exc:
                raise VerifyError(
                    f"cannot fetch model {name}: {base} is unreachable ({exc}); without network access, copy a "
                    "model folder to this machine and set VERIFY_MODEL to it"
                ) from None
            except VerifyError as exc:
                raise VerifyError(f"cannot fetch model {name}: {exc}") from None
        load_model(staging)  # refuses a folder that is not a model, before it is put in place
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
