"""A sentence-embedding model read from a local directory and run on the CPU (the optional semantic stage).

verify never downloads a model while a command runs: the model is a folder
the user named (``VERIFY_MODEL``, read by :func:`configured_model_dir` only,
so a configuration key can feed the same function), holding

- ``tokenizer.json``: a Hugging Face *tokenizers* file (what every
  sentence-transformers and Model2Vec model ships);
- and either ``model.onnx`` (or ``onnx/model.onnx``, the Hugging Face layout):
  a transformer exported to ONNX, whose first output is the last hidden state
  (token embeddings), with optionally ``1_Pooling/config.json``
  (``pooling_mode_cls_token`` selects the first token instead of the mean) and
  ``sentence_bert_config.json`` (``max_seq_length``, 256 when absent);
- or ``model.safetensors``: a *static* model (Model2Vec, WordLlama), one
  table of token vectors whose mean is the sentence vector: about a thousand
  times less arithmetic than a transformer, for less accuracy.

Sentence vectors are pooled as those libraries pool them and scaled to unit
length, so a dot product is the cosine. The runtime is onnxruntime with
*tokenizers* and numpy, the ``semantic`` extra (no PyTorch); without the extra,
or with a folder that lacks the files, :func:`load_model` refuses with one line
that names the folder and what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.errors import VerifyError

if TYPE_CHECKING:
    import numpy as np

MODEL_ENV = "VERIFY_MODEL"
DEFAULT_MAX_LENGTH = 256  # tokens a transformer reads (sentence-transformers' usual limit)
STATIC_MAX_LENGTH = 512  # a static model's cost does not grow with length the same way
BATCH = 32  # texts per onnxruntime call: large enough to amortise the call, small enough to pad little
FINGERPRINT_BYTES = (
    1 << 20
)  # the model file's first MiB (and its size) identify it: cheap, and changes with the weights
INSTALL_HINT = "install the semantic extra: pip install 'verify[semantic]'"


def configured_model_dir() -> Path | None:
    """The model folder the user configured, or None (the semantic stage is then off).

    The one place that reads the setting.
    """
    value = os.environ.get(MODEL_ENV, "").strip()
    return Path(value).expanduser() if value else None


def weights_file(folder: Path) -> Path | None:
    """The weights of a model folder: an ONNX transformer, else a static model's ``model.safetensors``."""
    candidates = (folder / "model.onnx", folder / "onnx" / "model.onnx", folder / "model.safetensors")
    return next((p for p in candidates if p.is_file()), None)


def check_model_dir(folder: Path) -> Path:
    """The weights file of ``folder``, or a one-line refusal that says what is wrong with the folder."""
    if not folder.exists():
        raise VerifyError(f"no model folder at {folder} ({MODEL_ENV}); fetch one with 'verify model fetch NAME'")
    if not folder.is_dir():
        raise VerifyError(f"{MODEL_ENV} must name a model folder, not a file: {folder}")
    weights = weights_file(folder)
    missing = [
        name
        for name, found in (
            ("tokenizer.json", (folder / "tokenizer.json").is_file()),
            ("model.onnx or model.safetensors", weights),
        )
        if not found
    ]
    if missing or weights is None:
        raise VerifyError(
            f"model folder {folder} has no {' and no '.join(missing)}; it is not a sentence-embedding model"
        )
    return weights


def fingerprint(weights: Path) -> str:
    """A short id of the model's weights, stored with each vector: vectors of another model are not compared."""
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        digest.update(handle.read(FINGERPRINT_BYTES))
    digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:16]


def _json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError) as exc:
        raise VerifyError(f"cannot read {path}: {exc}") from None
    return value if isinstance(value, dict) else {}


SAFETENSORS_TYPES = {"F16": "<f2", "F32": "<f4", "BF16": None}


def read_token_table(path: Path) -> np.ndarray:
    """The one 2-D tensor of a static model's safetensors file (8-byte header length, JSON header, raw data)."""
    import numpy as np

    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    tables = [(k, v) for k, v in header.items() if k != "__metadata__" and len(v.get("shape", ())) == 2]
    if len(tables) != 1 or SAFETENSORS_TYPES.get(tables[0][1].get("dtype")) is None:
        raise ValueError("expected one 2-D float16 or float32 table of token vectors")
    info = tables[0][1]
    begin, stop = (8 + size + offset for offset in info["data_offsets"])
    table = np.frombuffer(data[begin:stop], dtype=SAFETENSORS_TYPES[info["dtype"]]).reshape(info["shape"])
    return table.astype(np.float32)


@dataclass
class Encoder:
    """A loaded model: texts in, unit-length float32 vectors out."""

    folder: Path
    model_id: str
    dimension: int
    tokenizer: Any
    pool: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (ids, mask) -> one vector per row, before scaling

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (rows), in batches of :data:`BATCH`, shortest first to pad little."""
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            out[chosen] = self._batch([texts[i] for i in chosen])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        pooled = self.pool(ids, mask)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _mean(vectors: np.ndarray, mask: np.ndarray) -> np.ndarray:
    import numpy as np

    weights = mask[..., None].astype(np.float32)
    return (vectors * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def _transformer(folder: Path, weights: Path) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # Threads that spin while waiting for work steal the CPU from everything else on a shared machine
    # (measured: 22.7 s -> 15.8 s for 64 paragraphs on 2 busy cores).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(weights), sess_options=options, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}
    if not {"input_ids", "attention_mask"} <= inputs:
        raise ValueError("the ONNX model does not take input_ids and attention_mask; not a text encoder")
    cls = bool(_json(folder / "1_Pooling" / "config.json").get("pooling_mode_cls_token"))

    def pool(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        return hidden[:, 0, :] if cls else _mean(hidden, mask)

    return pool


def _static(weights: Path) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    table = read_token_table(weights)

    def pool(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return _mean(table[ids.clip(0, len(table) - 1)], mask)

    return pool


def load_model(folder: Path) -> Encoder:
    """Load the model in ``folder`` (see the module docstring); refuses with one line when it cannot."""
    weights = check_model_dir(folder)
    static = weights.suffix == ".safetensors"
    try:
        import numpy as np
        from tokenizers import Tokenizer

        if not static:
            import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise VerifyError(f"the semantic stage needs {exc.name}: {INSTALL_HINT}") from None
    config = _json(folder / "sentence_bert_config.json")
    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        limit = config.get("max_seq_length") or (STATIC_MAX_LENGTH if static else DEFAULT_MAX_LENGTH)
        tokenizer.enable_truncation(max_length=int(limit))
        pad = tokenizer.padding or {}
        tokenizer.enable_padding(pad_id=pad.get("pad_id", 0), pad_token=pad.get("pad_token", "[PAD]"))
        pool = _static(weights) if static else _transformer(folder, weights)
        encoder = Encoder(folder, fingerprint(weights), 0, tokenizer, pool)
        probe = encoder._batch(["probe"])
    except VerifyError:
        raise
    except Exception as exc:  # onnxruntime, tokenizers and numpy raise their own types for a corrupt file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise VerifyError(f"cannot load the model in {folder}: {first[:200]}") from None
    if probe.ndim != 2 or not np.isfinite(probe).all():
        raise VerifyError(f"the model in {folder} does not give one vector per text; not a sentence-embedding model")
    encoder.dimension = int(probe.shape[1])
    return encoder


@lru_cache(maxsize=4)
def _cached(folder: str) -> Encoder:
    return load_model(Path(folder))


def configured_encoder() -> Encoder | None:
    """The configured model, loaded once per process, or None when none is configured."""
    folder = configured_model_dir()
    return None if folder is None else _cached(str(folder.resolve()))
