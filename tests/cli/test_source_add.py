"""``verify source add`` / ``register`` / ``fetch`` through the CLI.

Files, URLs served by a real local HTTP server and UN symbols go in; what a
fact-checker relies on comes out: the passages and locators of
``source show --passages``, the archived files under ``sources/<slug>/`` and
their ``source.json``. Every failure exits 2 with one line on stderr and
leaves the database and ``sources/`` exactly as they were.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from tests.httpserver import Reply, gzip_bomb, streamed
from tests.unpdf import SYMBOL, Report, make_report
from verify import __version__

DATA = Path(__file__).resolve().parent.parent / "data"
PDF = "application/pdf"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def other_report() -> bytes:
    """Different bytes for the 'reissued document' cases (a longer report)."""
    return make_report(5).pdf


@pytest.fixture
def initialised(run, workspace):
    assert run("init").exit_code == 0
    return workspace


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def show(run, key: str) -> dict:
    result = run("source", "show", key, "--passages", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_locator(detail: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for passage in detail["passages"]:
        found.setdefault(passage["locator"], []).append(passage)
    return found


def listing(sources: Path) -> list[str]:
    return sorted(str(p.relative_to(sources)) for p in sources.rglob("*")) if sources.exists() else []


def source_json(workspace, slug: str) -> dict:
    return json.loads((workspace.sources / slug / "source.json").read_text(encoding="utf-8"))


def encrypted(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """One page that is only an image: a scan without a text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    page = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        page.putpixel((x, 40), 0)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, 842), invariant=True)
    canvas.drawImage(ImageReader(page), 0, 0, 595, 842)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


# --- a generated UN-style PDF ------------------------------------------------


def test_pdf_file_gives_exact_passages_and_locators(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    result = run("source", "add", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert f"added source {SYMBOL}: 18 passages" in result.stdout

    detail = show(run, SYMBOL)  # the key defaults to the symbol on the first page
    assert detail["symbol"] == SYMBOL
    assert detail["date"] == "2023-06-01"
    assert detail["title"].startswith("Letter dated 29 May 2023 from the Chair")
    assert detail["publisher"] == "United Nations Security Council"
    assert detail["media_type"] == PDF
    assert detail["retrieved"] is True
    found = by_locator(detail)
    assert [p["locator"] for p in detail["passages"]] == [
        "p. 1, ¶ 1",
        "p. 1, ¶ 2",
        "summary",
        "summary",
        "para. 1",
        "para. 2",
        "para. 3",
        "para. 4",
        "para. 5",
        "para. 6",
        "footnote 1",
        "footnote 2",
        "footnote 3",
        "para. 7",
        "footnote 4",
        "annex I, para. 1",
        "annex I, para. 2",
        "footnote 5",
    ]
    for locator, text in report.passages.items():
        assert text in [p["text"] for p in found[locator]], locator
    for passage in detail["passages"]:
        assert set(passage) >= {"id", "locator", "paragraph", "page", "text"}

    para3 = found["para. 3"][0]
    assert (para3["paragraph"], para3["page"]) == (3, 2)
    assert para3["text"] == (
        "Member States assess that the relationship between the Taliban and Al-Qaida "
        "remains close and symbiotic. One Member State reported that Al-Qaida has "
        "between 30 and 60 core members in the country, while its wider network of "
        "fighters numbers around 400, with up to 1,600 family members. Several senior "
        "figures were said to reside in Kabul."
    )
    annex = found["annex I, para. 1"][0]
    assert (annex["paragraph"], annex["page"]) == (1, 4)
    assert annex["text"] == (
        "The Team received information that Al-Qaida maintains safe houses in Herat, Helmand and Kabul provinces."
    )
    note = found["footnote 2"][0]
    assert (note["paragraph"], note["page"]) == (None, 2)
    assert note["text"] == "Information provided by two Member States; see also S/2022/419, para. 42."
    # para. 6 runs from page 2 onto page 3: one passage, on the page where it starts
    assert len(found["para. 6"]) == 1
    assert found["para. 6"][0]["page"] == 2
    assert found["para. 6"][0]["text"].endswith(
        "high-profile attacks against Taliban officials, religious minorities and foreign interests."
    )
    assert found["p. 1, ¶ 2"][0]["paragraph"] is None
    # footnotes are linked to the paragraph that cites them
    links = dict(initialised.query("SELECT locator, footnote_to FROM passage WHERE kind = 'footnote'"))
    assert links == report.footnote_to


def test_pdf_is_archived_as_three_files_with_metadata(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    assert run("source", "add", str(pdf)).exit_code == 0
    assert listing(initialised.sources) == [
        "s-test-2023-14",
        "s-test-2023-14/original.pdf",
        "s-test-2023-14/source.json",
        "s-test-2023-14/text.txt",
    ]
    folder = initialised.sources / "s-test-2023-14"
    assert (folder / "original.pdf").read_bytes() == report.pdf
    meta = source_json(initialised, "s-test-2023-14")
    assert meta["key"] == SYMBOL and meta["size"] == len(report.pdf) and meta["passages"] == 18
    assert meta["extractor"] == "pypdfium2" and meta["extractor_version"]
    assert "Afghanistan" in (folder / "text.txt").read_text(encoding="utf-8")
    assert meta["sha256"] == initialised.query("SELECT sha256 FROM source")[0][0]


def test_given_metadata_wins_over_the_first_page(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    result = run(
        "source",
        "add",
        str(pdf),
        "--key",
        "monitoring-14",
        "--title",
        "Fourteenth report",
        "--publisher",
        "UN Monitoring Team",
        "--date",
        "2023-05-29",
    )
    assert result.exit_code == 0, result.stderr
    detail = show(run, "monitoring-14")
    assert (detail["title"], detail["publisher"], detail["date"]) == (
        "Fourteenth report",
        "UN Monitoring Team",
        "2023-05-29",
    )
    assert (initialised.sources / "monitoring-14" / "original.pdf").is_file()


# --- HTML, text and Markdown files --------------------------------------------

SMALL_PASSAGES = [
    ("summary", None, "The Taliban continue to host Al-Qaida leaders in Kabul and in the southern provinces."),
    (
        "para. 1",
        1,
        "Member States reported that Al-Qaida retains around 400 fighters in Afghanistan, "
        "with up to 1,600 family members.",
    ),
    (
        "para. 2",
        2,
        "ISIL-K carried out small-scale attacks in the north during 2023 and continues to "
        "recruit among displaced communities.",
    ),
    ("para. 3", 3, "The Team will report further in its next report."),
    ("annex I, para. 1", 1, "ISIL-K members reportedly moved between Kunar and Nangarhar."),
]


@pytest.mark.parametrize(
    ("suffix", "media_type", "extractor"),
    [
        ("html", "text/html", "selectolax"),
        ("txt", "text/plain", "plain"),
        ("md", "text/markdown", "markdown"),
    ],
)
def test_text_formats_give_the_same_numbered_passages(run, initialised, suffix, media_type, extractor):
    result = run("source", "add", str(DATA / f"un_small_report.{suffix}"))
    assert result.exit_code == 0, result.stderr
    detail = show(run, "S/TEST/2023/15")
    assert (detail["media_type"], detail["extractor"]) == (media_type, extractor)
    assert detail["title"] == "Fifteenth report of the Monitoring Team on Afghanistan"
    assert detail["date"] == "2023-07-12"
    got = [(p["locator"], p["paragraph"], p["text"]) for p in detail["passages"] if p["locator"] != "footnote 1"]
    assert got == SMALL_PASSAGES
    assert all(p["page"] is None for p in detail["passages"])
    assert listing(initialised.sources) == [
        "s-test-2023-15",
        f"s-test-2023-15/original.{suffix}",
        "s-test-2023-15/source.json",
        "s-test-2023-15/text.txt",
    ]


def test_markdown_footnote_is_its_own_passage(run, initialised):
    assert run("source", "add", str(DATA / "un_small_report.md"), "--key", "small-md").exit_code == 0
    note = by_locator(show(run, "small-md"))["footnote 1"][0]
    assert (note["paragraph"], note["text"]) == (None, "Information provided by a Member State.")


# --- URLs ---------------------------------------------------------------------


def test_pdf_url_records_http_metadata(run, initialised, report, http_server):
    http_server.redirect("/latest", "/docs/report.pdf")
    http_server.serve(
        "/docs/report.pdf",
        report.pdf,
        PDF,
        headers={"ETag": '"v1-abc"', "Last-Modified": "Thu, 01 Jun 2023 10:00:00 GMT"},
    )
    result = run("source", "add", http_server.url("/latest"))
    assert result.exit_code == 0, result.stderr
    meta = source_json(initialised, "s-test-2023-14")
    assert meta["url"] == http_server.url("/latest")
    assert meta["final_url"] == http_server.url("/docs/report.pdf")
    assert (meta["http_status"], meta["etag"], meta["last_modified"]) == (
        200,
        '"v1-abc"',
        "Thu, 01 Jun 2023 10:00:00 GMT",
    )
    assert (meta["media_type"], meta["size"], meta["extractor"]) == (PDF, len(report.pdf), "pypdfium2")
    assert len(meta["sha256"]) == 64 and meta["extractor_version"]
    assert (initialised.sources / "s-test-2023-14" / "original.pdf").read_bytes() == report.pdf
    agents = {r.headers.get("user-agent", "") for r in http_server.requests}
    assert agents == {f"verify/{__version__} (+claim verification tool)"}
    assert show(run, SYMBOL)["final_url"] == http_server.url("/docs/report.pdf")


def test_html_url_in_a_real_process(run_process, initialised, http_server):
    http_server.serve("/report.html", (DATA / "un_small_report.html").read_bytes(), "text/html; charset=utf-8")
    result = run_process("source", "add", http_server.url("/report.html"), "--key", "small-web")
    assert result.exit_code == 0, result.stderr
    assert "added source small-web: 5 passages, text/html" in result.stdout
    meta = source_json(initialised, "small-web")
    assert (meta["media_type"], meta["http_status"], meta["final_url"]) == (
        "text/html",
        200,
        http_server.url("/report.html"),
    )
    assert sorted(p.name for p in (initialised.sources / "small-web").iterdir()) == [
        "original.html",
        "source.json",
        "text.txt",
    ]


def test_un_symbol_is_resolved_through_the_url_template(run, initialised, report, http_server, monkeypatch):
    monkeypatch.setenv("VERIFY_SYMBOL_URL", http_server.url("/symbol?s={symbol}&l=en"))
    http_server.serve("/symbol", report.pdf, PDF)
    result = run("source", "add", "s/2023/370")
    assert result.exit_code == 0, result.stderr
    assert "added source S/2023/370" in result.stdout
    assert [r.path for r in http_server.requests] == ["/symbol?s=S/2023/370&l=en"]
    detail = show(run, "S/2023/370")
    assert detail["symbol"] == "S/2023/370"
    assert detail["url"] == http_server.url("/symbol?s=S/2023/370&l=en")
    assert (initialised.sources / "s-2023-370" / "original.pdf").is_file()


def test_invalid_positional_symbol_is_refused(run, initialised, http_server, monkeypatch):
    monkeypatch.setenv("VERIFY_SYMBOL_URL", http_server.url("/symbol?s={symbol}"))
    before = initialised.dump()
    result = run("source", "add", "S//370")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "verify: not a valid UN document symbol: 'S//370' (expected e.g. S/2023/370 or A/78/123/Add.1)"
    )
    assert http_server.requests == []
    assert initialised.dump() == before


# --- no-ops, versions, free-text keys -----------------------------------------


def test_same_bytes_twice_is_a_no_op(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    assert run("source", "add", str(pdf)).exit_code == 0
    before = initialised.dump()
    again = run("source", "add", str(pdf))
    assert again.exit_code == 0, again.stderr
    assert "already archived" in again.stdout and "nothing changed" in again.stdout
    assert initialised.dump() == before
    copy = write(tmp_path / "copy.pdf", report.pdf)  # same bytes under another file name
    assert "already archived" in run("source", "add", str(copy)).stdout
    assert initialised.dump() == before


def test_same_url_serving_new_bytes_becomes_version_2(run, initialised, report, other_report, http_server):
    http_server.route(
        "/report.pdf", Reply(body=report.pdf, content_type=PDF), Reply(body=other_report, content_type=PDF)
    )
    url = http_server.url("/report.pdf")
    assert run("source", "add", url, "--key", "mt-report").exit_code == 0
    result = run("source", "add", url)  # no --key: the known URL finds the source
    assert result.exit_code == 0, result.stderr
    assert "source mt-report changed: archived as version 2" in result.stdout
    rows = json.loads(run("source", "list", "--all-versions", "--format", "json").stdout)
    assert [(r["key"], r["version"], r["current"], r["path"]) for r in rows] == [
        ("mt-report", 1, False, "mt-report"),
        ("mt-report", 2, True, "mt-report-v2"),
    ]
    assert (initialised.sources / "mt-report" / "original.pdf").read_bytes() == report.pdf
    assert (initialised.sources / "mt-report-v2" / "original.pdf").read_bytes() == other_report
    assert show(run, "mt-report")["version"] == 2
    assert len(json.loads(run("source", "list", "--format", "json").stdout)) == 1
    assert not [p for p in listing(initialised.sources) if ".tmp-" in p]


@pytest.mark.parametrize("key", ["zawahiri-2013", "S/TEST/2023/14"])
def test_free_text_key_and_new_bytes_under_that_key(run, initialised, tmp_path, key):
    first = write(tmp_path / "guidelines.txt", b"General guidelines.\n\nFirst text of the document.\n")
    second = write(tmp_path / "guidelines2.txt", b"General guidelines.\n\nSecond, revised text.\n")
    assert run("source", "add", str(first), "--key", key).exit_code == 0
    result = run("source", "add", str(second), "--key", key)
    assert result.exit_code == 0, result.stderr
    assert f"source {key} changed: archived as version 2" in result.stdout
    rows = initialised.query("SELECT key, version, is_current, path FROM source ORDER BY version")
    slug = key.lower().replace("/", "-")
    assert rows == [(key, 1, 0, slug), (key, 2, 1, f"{slug}-v2")]
    assert (initialised.sources / slug / "original.txt").read_bytes() == first.read_bytes()
    assert (initialised.sources / f"{slug}-v2" / "original.txt").read_bytes() == second.read_bytes()
    assert "revised" in show(run, key)["passages"][-1]["text"]


def test_a_new_version_keeps_the_registered_title(run, initialised, tmp_path):
    """Citations must not change because the new file's first line differs."""
    title = "Fourteenth report of the Analytical Support and Sanctions Monitoring Team"
    registered = run("source", "register", "S/2023/370", "--title", title, "--date", "2023-06-01")
    assert registered.exit_code == 0, registered.stderr
    first = write(tmp_path / "report.txt", b"Letter dated 1 June 2023\n\n1. The Taliban restrict communications.\n")
    second = write(tmp_path / "report-v2.txt", b"Corrigendum to the letter\n\n1. The Taliban limit communications.\n")
    assert run("source", "add", str(first), "--key", "S/2023/370").exit_code == 0
    assert run("source", "add", str(second), "--key", "S/2023/370").exit_code == 0
    assert initialised.query("SELECT version, title FROM source ORDER BY version") == [(1, title), (2, title)]


# --- failures: exit 2, one line, nothing changed -------------------------------


def assert_refused(result, before: str, workspace, *fragments: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("verify: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert workspace.dump() == before


@pytest.mark.parametrize(
    ("program", "path", "args", "fragments"),
    [
        ("missing", "/gone.pdf", (), ("HTTP 404",)),
        ("loop", "/a", (), ("too many redirects", "redirect loop")),
        ("chain", "/r0", (), ("too many redirects (more than 5)",)),
        ("large", "/big.pdf", ("--max-size", "1MB"), ("over the 1.0 MB download limit",)),
        ("large-unannounced", "/big.pdf", ("--max-size", "1MB"), ("larger than the 1.0 MB download limit",)),
        ("bomb", "/bomb.txt", ("--max-size", "1MB"), ("larger than the 1.0 MB download limit",)),
        ("image", "/logo.png", (), ("unsupported media type image/png",)),
        ("html-as-pdf", "/login", (), ("served as application/pdf but the body is text/html",)),
    ],
)
def test_download_failures(run, initialised, http_server, program, path, args, fragments):
    if program == "loop":
        http_server.redirect("/a", "/b")
        http_server.redirect("/b", "/a")
    elif program == "chain":
        for i in range(7):
            http_server.redirect(f"/r{i}", f"/r{i + 1}")
        http_server.serve("/r7", b"%PDF-1.4", PDF)
    elif program == "large":
        http_server.serve(path, streamed(2 * 1024 * 1024), PDF, content_length=2 * 1024 * 1024)
    elif program == "large-unannounced":
        http_server.serve(path, streamed(2 * 1024 * 1024), PDF)
    elif program == "bomb":
        http_server.serve(path, gzip_bomb(16 * 1024 * 1024), "text/plain", headers={"Content-Encoding": "gzip"})
    elif program == "image":
        http_server.serve(path, PNG, "image/png")
    elif program == "html-as-pdf":
        http_server.serve(path, b"<html><body>Please log in</body></html>", PDF)
    before = initialised.dump()
    result = run("source", "add", http_server.url(path), *args)
    assert_refused(result, before, initialised, *fragments)


def test_server_error_is_retried_then_refused(run, initialised, http_server):
    http_server.route("/flaky.pdf", Reply(status=500, body=b"oops", content_type="text/plain"))
    before = initialised.dump()
    result = run("source", "add", http_server.url("/flaky.pdf"))
    assert_refused(result, before, initialised, "HTTP 500", "gave up after 4 attempts")
    assert http_server.hits("/flaky.pdf") == 4


def test_server_error_then_success_is_archived(run, initialised, report, http_server):
    http_server.route("/flaky.pdf", Reply(status=503), Reply(body=report.pdf, content_type=PDF))
    result = run("source", "add", http_server.url("/flaky.pdf"))
    assert result.exit_code == 0, result.stderr
    assert http_server.hits("/flaky.pdf") == 2
    assert (initialised.sources / "s-test-2023-14" / "original.pdf").read_bytes() == report.pdf


def test_url_with_credentials_is_refused_before_any_request(run_process, initialised, http_server):
    http_server.serve("/x", b"secret stuff", "text/plain")
    url = http_server.url("/x").replace("http://", "http://user:hunter2pw@")
    before = initialised.dump()
    result = run_process("source", "add", url)
    assert_refused(result, before, initialised, "embedded credentials")
    assert "hunter2pw" not in result.stderr + result.stdout
    assert http_server.requests == []


def test_ftp_url_is_refused(run, initialised):
    before = initialised.dump()
    result = run("source", "add", "ftp://127.0.0.1/report.pdf")
    assert_refused(result, before, initialised, "only http and https", "ftp")


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("encrypted", "encrypted PDF"),
        ("truncated", "corrupt PDF"),
        ("garbage", "corrupt PDF"),
        ("scanned", "no text layer (scanned PDF?)"),
    ],
)
def test_unreadable_pdf_files(run, initialised, report, tmp_path, kind, fragment):
    data = {
        "encrypted": lambda: encrypted(report.pdf),
        "truncated": lambda: report.pdf[: len(report.pdf) // 2],
        "garbage": lambda: b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n",
        "scanned": scanned_pdf,
    }[kind]()
    pdf = write(tmp_path / f"{kind}.pdf", data)
    before = initialised.dump()
    assert_refused(run("source", "add", str(pdf)), before, initialised, fragment)


def test_encrypted_pdf_from_a_url(run, initialised, report, http_server):
    http_server.serve("/locked.pdf", encrypted(report.pdf), PDF)
    before = initialised.dump()
    assert_refused(run("source", "add", http_server.url("/locked.pdf")), before, initialised, "encrypted PDF")


def test_missing_file_and_directory(run, initialised, tmp_path):
    before = initialised.dump()
    assert_refused(run("source", "add", str(tmp_path / "nowhere.pdf")), before, initialised, "nowhere.pdf")
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_refused(run("source", "add", str(folder)), before, initialised, "is a directory")


def test_file_larger_than_max_size(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    before = initialised.dump()
    assert_refused(run("source", "add", str(pdf), "--max-size", "1KB"), before, initialised, "--max-size")


def test_bad_date_is_refused(run, initialised, report, tmp_path):
    pdf = write(tmp_path / "report.pdf", report.pdf)
    before = initialised.dump()
    assert_refused(run("source", "add", str(pdf), "--date", "2023-13-01"), before, initialised, "2023-13-01")


# --- register, list, fetch -----------------------------------------------------


def test_register_then_fetch_retrieves_the_same_row(run, initialised, report, http_server):
    http_server.serve("/guidelines.pdf", report.pdf, PDF)
    result = run(
        "source",
        "register",
        "zawahiri-2013",
        "--title",
        "General Guidelines for the Work of Jihad",
        "--date",
        "2013-09",
        "--url",
        http_server.url("/guidelines.pdf"),
    )
    assert result.exit_code == 0, result.stderr
    assert "registered source zawahiri-2013 (not yet retrieved)" in result.stdout
    assert listing(initialised.sources) == []
    table = run("source", "list")
    assert "zawahiri-2013" in table.stdout and "not retrieved" in table.stdout
    [row] = json.loads(run("source", "list", "--format", "json").stdout)
    assert (row["retrieved"], row["passages"], row["sha256"], row["date"]) == (False, 0, None, "2013-09")
    ids = initialised.query("SELECT id FROM source")

    fetched = run("source", "fetch", "zawahiri-2013")
    assert fetched.exit_code == 0, fetched.stderr
    assert "retrieved source zawahiri-2013: 18 passages" in fetched.stdout
    assert initialised.query("SELECT id FROM source") == ids
    [row] = json.loads(run("source", "list", "--format", "json").stdout)
    assert (row["retrieved"], row["passages"], row["version"]) == (True, 18, 1)
    assert row["title"] == "General Guidelines for the Work of Jihad"  # the registered metadata is kept
    assert row["date"] == "2013-09"
    assert "not retrieved" not in run("source", "list").stdout
    meta = source_json(initialised, "zawahiri-2013")
    assert meta["final_url"] == http_server.url("/guidelines.pdf") and meta["http_status"] == 200


def test_fetch_without_url_or_symbol_is_refused(run, initialised):
    assert run("source", "register", "zawahiri-2013", "--title", "General Guidelines").exit_code == 0
    before = initialised.dump()
    result = run("source", "fetch", "zawahiri-2013")
    assert_refused(result, before, initialised, "has no URL or UN symbol", "verify source add PATH --key zawahiri-2013")


def test_fetch_of_registered_symbol_uses_the_template(run, initialised, report, http_server, monkeypatch):
    monkeypatch.setenv("VERIFY_SYMBOL_URL", http_server.url("/symbol?s={symbol}"))
    http_server.serve("/symbol", report.pdf, PDF)
    assert run("source", "register", "S/2023/370", "--date", "2023-06-01").exit_code == 0
    result = run("source", "fetch", "S/2023/370")
    assert result.exit_code == 0, result.stderr
    assert [r.path for r in http_server.requests] == ["/symbol?s=S/2023/370"]
    assert initialised.query("SELECT key, version, retrieved_at IS NOT NULL FROM source") == [("S/2023/370", 1, 1)]


def test_fetch_failure_leaves_the_registration_untouched(run, initialised, http_server):
    assert run("source", "register", "gone", "--url", http_server.url("/gone.pdf")).exit_code == 0
    before = initialised.dump()
    assert_refused(run("source", "fetch", "gone"), before, initialised, "HTTP 404")


def test_fetch_of_unknown_key(run, initialised):
    before = initialised.dump()
    assert_refused(run("source", "fetch", "nope"), before, initialised, "no source with key 'nope'")
