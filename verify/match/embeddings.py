"""The stored passage vectors of the semantic stage (table ``passage_embedding``, migration 0010).

Derived data kept with the search index, on SQLite and PostgreSQL alike: a
vector is float32 little-endian bytes, the same on every machine and backend.
Each row names the model that computed it (:attr:`verify.match.model.Encoder.model_id`);
rows of another model are treated as missing, so changing the model never
compares vectors of two spaces, and ``verify model embed`` replaces them.

Writing goes through the caller's SQLAlchemy connection, in its transaction
(a source's vectors are written in the transaction that adds it); reading
through a :class:`~verify.db.reader.Reader`, so ``verify evidence suggest``
starts without the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from verify.db.reader import Reader, in_list

if TYPE_CHECKING:
    import numpy as np
    from sqlalchemy import Connection

    from verify.match.model import Encoder


def pack_vector(vector: np.ndarray) -> bytes:
    """float32 little-endian bytes of one vector."""
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def unpack_vector(blob: bytes | memoryview) -> np.ndarray:
    import numpy as np

    return np.frombuffer(bytes(blob), dtype="<f4").astype(np.float32, copy=False)


def _placeholders(conn: Connection, count: int) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def write_vectors(
    conn: Connection, source_id: int, passage_ids: Sequence[int], vectors: np.ndarray, model_id: str
) -> int:
    """Store the vectors of all of one source's passages, replacing those it had; returns how many."""
    from sqlalchemy import text

    if not passage_ids:
        return 0
    conn.execute(text("DELETE FROM passage_embedding WHERE source_id = :s"), {"s": source_id})
    dimension = int(vectors.shape[1])
    conn.exec_driver_sql(
        "INSERT INTO passage_embedding (passage_id, source_id, model, dimension, vector) "
        f"VALUES ({_placeholders(conn, 5)})",
        [
            (int(pid), source_id, model_id, dimension, pack_vector(vector))
            for pid, vector in zip(passage_ids, vectors, strict=True)
        ],
    )
    return len(passage_ids)


def embed_passages(conn: Connection, encoder: Encoder, source_id: int, passages: Sequence[tuple[int, str]]) -> int:
    """Compute and store the vectors of one source's ``(passage_id, text)`` rows (all of them)."""
    if not passages:
        return 0
    vectors = encoder.encode([text for _, text in passages])
    return write_vectors(conn, source_id, [pid for pid, _ in passages], vectors, encoder.model_id)


def stored_vectors(reader: Reader, passage_ids: Sequence[int], model_id: str) -> dict[int, np.ndarray]:
    """The stored vectors of these passages computed by ``model_id`` (others are absent from the answer)."""
    if not passage_ids:
        return {}
    params: dict[str, object] = {"m": model_id}
    wanted = in_list("p", passage_ids, params)
    rows = reader.rows(
        f"SELECT passage_id, vector FROM passage_embedding WHERE model = :m AND passage_id IN ({wanted})", params
    )
    return {int(r[0]): unpack_vector(r[1]) for r in rows}


def embedding_counts(reader: Reader) -> dict[str, int]:
    """How many stored vectors each model computed (model id -> count)."""
    rows = reader.rows("SELECT model, count(*) FROM passage_embedding GROUP BY model ORDER BY model")
    return {str(r[0]): int(r[1]) for r in rows}
