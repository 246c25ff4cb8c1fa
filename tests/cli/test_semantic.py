"""The optional semantic stage, with the small model a test dependency ships (tests/packaged_model.py).

A claim that paraphrases its source ("remain close and mutually beneficial"
for "renewed their symbiotic ties") loses, on words alone, to a paragraph
that shares the claim's words but not its meaning; with the model configured
(``VERIFY_MODEL``) the paraphrase comes first. Vectors are written when a
source is added with a model configured, or by ``verify model embed``; with
no model, nothing is written and the ranking is the lexical one. A missing or
broken model folder is refused in one line before anything is written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.packaged_model import SKIP_REASON, packaged_files, packaged_model_dir

pytestmark = pytest.mark.skipif(packaged_files() is None, reason=SKIP_REASON)

REPORT = """\
Al-Qaida and the Taliban have renewed their symbiotic ties; the two groups depend on each other for protection \
and money.

Relations between the committee and the panel of experts remain close to the mandate, and the reporting schedule \
is mutually agreed.

Wheat prices rose sharply in 2022 after the invasion of Ukraine.

The monitoring team held consultations in Geneva on the sanctions list.
"""
CLAIM = "Relations between the Taliban and Al-Qaida remain close and mutually beneficial.\n"
PARAPHRASE = "renewed their symbiotic ties"
DISTRACTOR = "remain close to the mandate"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    folder = packaged_model_dir(tmp_path_factory.mktemp("model"))
    assert folder is not None
    return folder


@pytest.fixture
def files(run, tmp_path) -> tuple[Path, Path]:
    """A report and an article in a new database."""
    assert run("init").exit_code == 0
    report, article = tmp_path / "report.txt", tmp_path / "article.txt"
    report.write_text(REPORT, encoding="utf-8")
    article.write_text(CLAIM, encoding="utf-8")
    return report, article


def first_texts(run) -> list[str]:
    result = run("evidence", "suggest", "1", "--all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [s["text"] for s in json.loads(result.stdout)]


def test_without_a_model_nothing_is_embedded_and_words_decide(run, workspace, files, monkeypatch):
    monkeypatch.delenv("VERIFY_MODEL", raising=False)
    report, article = files
    added = run("source", "add", str(report), "--key", "R", "--format", "json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["embedded"] == 0
    assert workspace.query("SELECT count(*) FROM passage_embedding") == [(0,)]
    assert run("article", "add", str(article)).exit_code == 0
    assert DISTRACTOR in first_texts(run)[0]
    shown = run("model", "show")
    assert shown.exit_code == 0 and "no model configured" in shown.stdout


def test_the_model_puts_the_paraphrase_first_and_unsetting_it_restores_the_lexical_order(
    run, workspace, files, model_dir, monkeypatch
):
    monkeypatch.delenv("VERIFY_MODEL", raising=False)
    report, article = files
    assert run("source", "add", str(report), "--key", "R").exit_code == 0
    assert run("article", "add", str(article)).exit_code == 0
    lexical = first_texts(run)
    monkeypatch.setenv("VERIFY_MODEL", str(model_dir))
    semantic = first_texts(run)  # the vectors are computed for this search only: reading writes nothing
    assert PARAPHRASE in semantic[0] and DISTRACTOR in lexical[0]
    assert workspace.query("SELECT count(*) FROM passage_embedding") == [(0,)]
    embedded = run("model", "embed")
    assert embedded.exit_code == 0, embedded.stderr
    assert "embedded 4 passages of 1 sources" in embedded.stdout
    assert first_texts(run) == semantic  # stored vectors rank as the ones computed on the fly
    monkeypatch.delenv("VERIFY_MODEL")
    assert first_texts(run) == lexical  # stored vectors are not used without a model


def test_source_add_stores_a_vector_per_passage(run, workspace, files, model_dir, monkeypatch):
    monkeypatch.setenv("VERIFY_MODEL", str(model_dir))
    report, _ = files
    added = run("source", "add", str(report), "--key", "R", "--format", "json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["embedded"] == json.loads(added.stdout)["passages"] == 4
    rows = workspace.query(
        "SELECT e.dimension, length(e.vector), e.model FROM passage_embedding e JOIN passage p ON p.id = e.passage_id"
    )
    assert len(rows) == 4 and {(r[0], r[1]) for r in rows} == {(384, 384 * 4)}
    shown = run("model", "show", "--format", "json")
    data = json.loads(shown.stdout)
    assert data["dimension"] == 384 and data["vectors"] == {data["model_id"]: 4}
    again = run("model", "embed")
    assert "embedded 0 passages of 0 sources" in again.stdout and "1 sources already had its vectors" in again.stdout
    refreshed = run("model", "embed", "--refresh", "--format", "json")
    assert json.loads(refreshed.stdout)["passages"] == 4
    assert workspace.query("SELECT count(*) FROM passage_embedding") == [(4,)]


@pytest.mark.sqlite_only("about the model folder, refused before the database is touched")
@pytest.mark.parametrize(
    "problem, message",
    [
        ("missing", "no model folder at"),
        ("empty", "has no tokenizer.json and no model.onnx or model.safetensors"),
        ("corrupt", "cannot load the model in"),
    ],
)
def test_a_missing_or_broken_model_is_refused_in_one_line(run_process, workspace, files, tmp_path, problem, message):
    folder = tmp_path / "model"
    if problem != "missing":
        folder.mkdir()
    if problem == "corrupt":
        (folder / "tokenizer.json").write_text("{not json", encoding="utf-8")
        (folder / "model.onnx").write_bytes(b"not an onnx file")
    report, article = files
    env = {"VERIFY_MODEL": str(folder)}
    added = run_process("source", "add", str(report), "--key", "R", env=env)
    assert added.exit_code == 2 and message in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1 and "Traceback" not in added.stderr
    assert workspace.query("SELECT count(*) FROM source") == [(0,)]
    assert run_process("source", "add", str(report), "--key", "R").exit_code == 0
    assert run_process("article", "add", str(article)).exit_code == 0
    suggested = run_process("evidence", "suggest", "1", env=env)
    assert suggested.exit_code == 2 and message in suggested.stderr and len(suggested.stderr.strip().splitlines()) == 1


def test_a_static_model_folder_loads_with_the_same_code(run, workspace, files, tmp_path, monkeypatch):
    """A Model2Vec-style folder: tokenizer.json and one table of token vectors in model.safetensors (ours, tiny)."""
    import numpy as np

    _, tokenizer = packaged_files()  # type: ignore[misc]
    folder = tmp_path / "static"
    folder.mkdir()
    shutil.copy(tokenizer, folder / "tokenizer.json")
    table = np.random.default_rng(7).standard_normal((30522, 16)).astype("<f4")
    header = json.dumps({"embeddings": {"dtype": "F32", "shape": [30522, 16], "data_offsets": [0, table.nbytes]}})
    header_bytes = header.encode().ljust(len(header) + (-len(header)) % 8)
    (folder / "model.safetensors").write_bytes(len(header_bytes).to_bytes(8, "little") + header_bytes + table.tobytes())
    monkeypatch.setenv("VERIFY_MODEL", str(folder))
    report, _ = files
    added = run("source", "add", str(report), "--key", "R", "--format", "json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["embedded"] == 4
    assert {r[0] for r in workspace.query("SELECT dimension FROM passage_embedding")} == {16}


def test_model_fetch_downloads_a_model_folder_that_loads(run, workspace, files, tmp_path, http_server, monkeypatch):
    onnx, tokenizer = packaged_files()  # type: ignore[misc]
    http_server.serve("/acme/mini/resolve/main/tokenizer.json", tokenizer.read_bytes(), "application/json")
    http_server.serve("/acme/mini/resolve/main/onnx/model.onnx", onnx.read_bytes(), "application/octet-stream")
    target = tmp_path / "models" / "mini"
    fetched = run("model", "fetch", "acme/mini", "--to", str(target), "--hub", http_server.base_url)
    assert fetched.exit_code == 0, fetched.stderr
    assert f"export VERIFY_MODEL={target}" in fetched.stdout
    assert sorted(p.name for p in target.iterdir()) == ["model.onnx", "tokenizer.json"]
    monkeypatch.setenv("VERIFY_MODEL", str(target))
    report, article = files
    assert run("source", "add", str(report), "--key", "R").exit_code == 0
    assert run("article", "add", str(article)).exit_code == 0
    assert PARAPHRASE in first_texts(run)[0]


def test_model_fetch_without_network_says_so_and_leaves_nothing(run_process, tmp_path):
    target = tmp_path / "models" / "mini"
    result = run_process("model", "fetch", "acme/mini", "--to", str(target), "--hub", "http://127.0.0.1:9")
    assert result.exit_code == 2 and "cannot fetch model acme/mini" in result.stderr
    assert "copy a model folder to this machine and set VERIFY_MODEL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_with_the_model_a_claim_nothing_supports_still_gets_no_relevant_passage(run, model_dir, monkeypatch):
    """The stage must not make the least bad candidate stand out (tests/cli/test_suggest_relevance.py's claim 11)."""
    from tests.cli.test_suggest_relevance import LIBRARY, NOTHING_FITS
    from tests.conftest import ARTICLE

    monkeypatch.setenv("VERIFY_MODEL", str(model_dir))
    for args in (["init"], ["article", "add", str(ARTICLE)], ["source", "add", str(LIBRARY)]):
        assert run(*args).exit_code == 0
    result = run("evidence", "suggest", str(NOTHING_FITS), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    every = json.loads(run("evidence", "suggest", str(NOTHING_FITS), "--all", "--format", "json").stdout)
    assert len(every) == 5 and not any(r["relevant"] for r in every)
