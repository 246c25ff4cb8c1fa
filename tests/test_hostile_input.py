"""Hostile input, property-based: whatever a user or a server hands verify, no traceback and no half-writes.

Hypothesis profiles: ``verify-dev`` (50 examples a test) by default and
``verify-ci`` (25 examples) when the ``CI`` environment variable is set; no
deadline in either (a loaded CI machine must not turn slowness into failure).
The profile is applied per test here, so other test files keep their own
settings.

The rest of the hostile-input suite, through the CLI:

* ``--output`` onto links, devices, FIFOs, sockets, folders and hard links; ``-``
  for standard input and output; read caps; terminal escapes and bidi controls;
  64-bit ids; byte-order marks; NUL in notes; ``--note-file``; ``--key`` over bytes
  archived under another key: ``tests/cli/test_hostile_io.py`` (both backends);
* pages nested 2,000 and 100,000 deep: ``tests/test_deep_html.py``;
* servers that trickle bytes, ``Retry-After`` and ``--timeout``: ``tests/test_download_deadline.py``;
* import files whose source paths leave ``sources/``: ``tests/test_import_paths.py``;
* SIGKILL during every writing command, and writers beside a long import:
  ``tests/test_crash.py``, ``tests/test_load.py``.

Covered elsewhere and referenced, not repeated: http(s) only
(``tests/test_fetch.py::test_only_http_and_https``), credentials refused before
any request (``test_credentials_refused_before_any_request``) and never sent
(``test_user_agent_sent_and_no_authorization``), redirect targets re-checked
(``test_each_redirect_target_rechecked``), size caps on declared, streamed
and gzip-decoded bytes (``test_content_length_over_cap_refused_early``,
``test_streamed_body_without_length_stopped_at_cap``,
``test_gzip_bomb_stopped_on_decoded_size``); reports escaping hostile claim,
note and URL text (``tests/test_reports_html.py``); slugs that are always
safe (``tests/test_storage.py::test_slugs_are_always_safe``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.httpserver import LocalServer, Reply
from verify.errors import VerifyError

settings.register_profile(
    "verify-ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "verify-dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = settings.get_profile("verify-ci" if os.environ.get("CI") else "verify-dev")
FEW = settings(PROFILE, max_examples=min(PROFILE.max_examples, 10))  # for the slower CLI round trips
NOW = "2024-05-01T12:00:00.000000Z"

# --- strategies ------------------------------------------------------------------------------

CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\x85\u2028\u2029\ufeff\ufffe")
RTL = st.sampled_from(["\u202e", "\u202b", "\u200f", "שלום עולם.", "مرحبا بالعالم.", "\u061c", "\u2067"])
NO_SURROGATES = st.characters(blacklist_categories=("Cs",))
PIECES = st.one_of(
    st.text(NO_SURROGATES, max_size=80),
    st.text(CONTROL, min_size=1, max_size=5),
    RTL,
    st.sampled_from(["\n", "\n\n", "\r\n", "# ", "<p>", "</p>", "<script>alert(1)</script>", ". ", "“", "\0"]),
    st.just("The council met in 2023. It adopted 12 resolutions."),
)
ARTICLE_TEXT = st.lists(PIECES, max_size=30).map("".join)
ARTICLE_BYTES = st.one_of(
    ARTICLE_TEXT.map(lambda t: t.encode("utf-8")),
    ARTICLE_TEXT.map(lambda t: t.encode("utf-16")),
    st.binary(max_size=400),
)
SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".htm", ".markdown", ".pdf", ""])


# --- article import: core parse functions ----------------------------------------------------


def _parse_and_segment(data: bytes, suffix: str) -> None:
    from verify.ingest.article_file import parse_article
    from verify.ingest.segment import segment

    try:
        parsed = parse_article(data, f"article{suffix}", suffix)
    except VerifyError as exc:
        assert exc.message and "\n" not in exc.message.strip()
        return
    result = segment(parsed.paragraphs)
    for sentence in result.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(result.body)
        assert result.body[sentence.start : sentence.end] == sentence.text


@PROFILE
@given(data=ARTICLE_BYTES, suffix=SUFFIXES)
def test_article_parsing_raises_only_verify_error(data: bytes, suffix: str) -> None:
    _parse_and_segment(data, suffix)


@settings(PROFILE, max_examples=3)
@given(filler=st.sampled_from(["a", "word ", "שלום ", "1"]), sentence_end=st.booleans())
def test_a_100k_character_line_is_parsed(filler: str, sentence_end: bool) -> None:
    line = (filler * (100_000 // len(filler)))[:100_000] + ("." if sentence_end else "")
    _parse_and_segment(f"Title\n\n{line}\n".encode(), ".txt")


def test_nul_bytes_are_refused_with_a_message() -> None:
    from verify.ingest.article_file import parse_article

    with pytest.raises(VerifyError, match="NUL"):
        parse_article(b"Title\n\nThe council met.\0\n", "a.txt", ".txt")


# --- text made safe to print, and byte-order marks (CLI cases: tests/cli/test_hostile_io.py) ---

UNSAFE_CHARS = set(
    map(chr, [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)
ANY_TEXT = st.text(
    st.one_of(NO_SURROGATES, st.characters(min_codepoint=0, max_codepoint=0x9F), st.sampled_from(sorted(UNSAFE_CHARS))),
    max_size=60,
)


@PROFILE
@given(text=ANY_TEXT)
def test_visible_text_holds_no_control_or_bidi_character_and_loses_nothing(text: str) -> None:
    from verify.text.safe import visible

    shown = visible(text)
    assert not UNSAFE_CHARS & set(shown)
    assert set(shown) - set(text) <= set("\\xu0123456789abcdef")  # only escapes were added
    assert len(shown) >= len(text)
    assert "\n" not in visible(text, one_line=True)


@PROFILE
@given(text=ANY_TEXT)
def test_json_escape_keeps_the_data(text: str) -> None:
    import json

    from verify.text.safe import json_escape

    encoded = json_escape(json.dumps({"t": text}, ensure_ascii=False))
    assert not UNSAFE_CHARS & set(encoded)
    assert json.loads(encoded) == {"t": text}


@PROFILE
@given(
    body=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200),
    encoding=st.sampled_from(["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-be"]),
)
def test_a_byte_order_mark_decodes_to_the_same_text(body: str, encoding: str) -> None:
    import codecs

    from verify.ingest.article_file import decode

    mark = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    assume("\ufeff" not in body[:1])
    assert decode(mark + body.encode(encoding), "a.txt") == body


# --- article import: through the CLI ---------------------------------------------------------


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from verify.cli.app import app

    path = tmp_path_factory.mktemp("hostile") / "template.db"
    result = CliRunner().invoke(app, ["init"], env={"VERIFY_DB": str(path), "VERIFY_USER": "tester"})
    assert result.exit_code == 0, result.stderr
    return path


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def fresh_space(empty_db: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    """A factory for throw-away workspaces (hypothesis runs many examples in one test call)."""
    made: list[Path] = []

    def make() -> Path:
        root = Path(tempfile.mkdtemp(prefix="verify-hostile-"))
        made.append(root)
        shutil.copy(empty_db, root / "claims.db")
        (root / "sources").mkdir()
        return root

    yield make
    for root in made:
        shutil.rmtree(root, ignore_errors=True)


def _cli(root: Path, *args: str) -> tuple[int, str]:
    from verify.cli.app import app

    env = {
        "VERIFY_DB": str(root / "claims.db"),
        "VERIFY_SOURCES": str(root / "sources"),
        "VERIFY_USER": "tester",
        "VERIFY_NOW": NOW,
    }
    result = CliRunner().invoke(app, list(args), env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {output[-500:]}"
    return result.exit_code, output


@FEW
@given(data=ARTICLE_BYTES, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_article_add_of_hostile_bytes_exits_cleanly(fresh_space, data: bytes, suffix: str) -> None:
    root = fresh_space()
    article = root / f"hostile{suffix}"
    article.write_bytes(data)
    before = _dump(root / "claims.db")
    code, _ = _cli(root, "article", "add", str(article))
    if code != 0:
        assert _dump(root / "claims.db") == before  # nothing written on failure


# --- quote anchoring -------------------------------------------------------------------------

SOURCE_TEXT = st.lists(
    st.one_of(
        st.text(NO_SURROGATES, max_size=60), RTL, st.just("The council met in 2023. "), st.text(CONTROL, max_size=3)
    ),
    max_size=12,
).map("".join)


def _within(result, text: str) -> None:
    assert 0 <= result.start <= result.end <= len(text)


@PROFILE
@given(
    text=SOURCE_TEXT,
    quote=st.text(NO_SURROGATES, max_size=80),
    prefix=st.none() | st.text(max_size=10),
    suffix=st.none() | st.text(max_size=10),
)
def test_anchor_never_raises_and_stays_in_bounds(text: str, quote: str, prefix: str | None, suffix: str | None) -> None:
    from verify.match.anchor import anchor

    _within(anchor(text, quote, prefix=prefix, suffix=suffix), text)


@PROFILE
@given(text=SOURCE_TEXT, data=st.data())
def test_an_exact_quote_anchors_to_itself(text: str, data: st.DataObject) -> None:
    from verify.match.anchor import Anchor, anchor

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quote = text[start:end]
    assume(quote.strip())
    found = anchor(text, quote)
    assert isinstance(found, Anchor) and found.method == "exact"
    assert text[found.start : found.end] == quote.strip()


@PROFILE
@given(text=SOURCE_TEXT, quote=st.text(NO_SURROGATES, min_size=1, max_size=40), data=st.data())
def test_anchor_with_passage_windows_stays_in_bounds(text: str, quote: str, data: st.DataObject) -> None:
    from verify.match.anchor import anchor

    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    windows = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    _within(anchor(text, quote, windows=windows), text)


# --- UN symbols and URLs ---------------------------------------------------------------------

SYMBOLISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["S", "A", "RES", "/", "2023", "370", "(2022)", " ", "Add.1", "Corr.", "PV.", ".", "\0", "ﬀ", "Ⅻ"]
        ),
        st.text(max_size=6),
    ),
    max_size=10,
).map("".join)


@PROFILE
@given(text=st.one_of(SYMBOLISH, st.text()))
def test_symbol_parsing_raises_only_verify_error(text: str) -> None:
    from verify.ingest.symbols import is_symbol, looks_like_url, parse_symbol, symbol_url

    looks_like_url(text)
    if is_symbol(text):
        assert parse_symbol(parse_symbol(text)) == parse_symbol(text)  # normalising is idempotent
        assert symbol_url(text).startswith("https://")
    else:
        with pytest.raises(VerifyError):
            parse_symbol(text)
        with pytest.raises(VerifyError):
            symbol_url(text)


SCHEMES = st.sampled_from(["http", "https", "HTTP", "ftp", "file", "javascript", "data", "gopher", "", "h ttp"])
HOSTS = st.one_of(
    st.sampled_from(
        ["example.org", "127.0.0.1", "[::1]", "xn--nxasmq6b.com", "", "exa mple.org", "ex\0ample", "例え.jp"]
    ),
    st.text(max_size=12),
)
SECRET = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=12).map(lambda s: f"Pw{s}")


@PROFILE
@given(scheme=SCHEMES, host=HOSTS, path=st.text(max_size=30), secret=SECRET, user=st.sampled_from(["", "alice", "a:b"]))
def test_url_checks_raise_only_verify_error_and_never_echo_credentials(
    scheme: str, host: str, path: str, secret: str, user: str
) -> None:
    from verify.ingest.fetch import check_url

    url = f"{scheme}://{user}:{secret}@{host}/{path}"
    with pytest.raises(VerifyError) as refused:
        check_url(url)
    assert secret not in refused.value.message


@PROFILE
@given(url=st.one_of(st.text(), st.builds(lambda s, h, p: f"{s}://{h}/{p}", SCHEMES, HOSTS, st.text(max_size=20))))
def test_any_url_is_checked_without_surprises(url: str) -> None:
    from verify.ingest.fetch import check_url

    try:
        parsed = check_url(url)
    except VerifyError:
        return
    assert parsed.scheme in ("http", "https") and parsed.host and not parsed.userinfo


# --- source keys and file names stay inside sources/ -----------------------------------------

HOSTILE_KEYS = [
    "../../escape",
    "../",
    "..",
    ".",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "..\\..\\x",
    "CON",
    "nul.txt",
    "COM1",
    "aux",
    "LPT9.report",
    "x" * 200,
    "k" * 201,
    "a\0b",
    "tab\tkey",
    " padded ",
    "~",
    "$HOME",
    "%2e%2e%2f",
    ".hidden",
    ".pending-s-2023-370",
    ".tmp-123",
    "ﬁ/../ﬁ",
    "\u202eevil",
    "S/2023/370",
    "s-2023-370/../../x",
]


def _check_source_add(root: Path, key: str, index: int) -> None:
    document = root / f"document-{index}.txt"
    document.write_text(f"A document\n\nThe council met in 2023 for session {index}.\n", encoding="utf-8")
    outside = {p for p in _tree(root) if not p.startswith("sources")}
    before = _dump(root / "claims.db")
    code, output = _cli(root, "source", "add", str(document), "--key", key)
    assert {p for p in _tree(root) if not p.startswith("sources")} == outside  # nothing written beside sources/
    folders = os.listdir(root / "sources")
    assert not [n for n in folders if n.startswith(".")], folders  # no staging leftovers
    if code != 0:
        assert _dump(root / "claims.db") == before and folders == [], output
        return
    conn = sqlite3.connect(root / "claims.db")
    try:
        stored = conn.execute("SELECT key, path FROM source").fetchall()
    finally:
        conn.close()
    assert len(stored) == 1 and stored[0][0] == key.strip()
    assert folders == [stored[0][1]]
    folder = (root / "sources" / stored[0][1]).resolve()
    assert folder.parent == (root / "sources").resolve() and folder.is_dir()


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_source_keys_stay_inside_sources(fresh_space, key: str) -> None:
    _check_source_add(fresh_space(), key, 0)


@FEW
@given(key=st.text(st.one_of(NO_SURROGATES, st.sampled_from("./\\:\0")), max_size=250))
def test_random_source_keys_stay_inside_sources(fresh_space, key: str) -> None:
    _check_source_add(fresh_space(), key, 1)


def test_a_hostile_file_name_cannot_place_files_outside(fresh_space) -> None:
    root = fresh_space()
    nested = root / "in" / ".." / "CON.txt"
    (root / "in").mkdir()
    nested.write_text("Title\n\nThe council met in 2023.\n", encoding="utf-8")
    _check_source_add(root, "from-a-file", 2)  # the key is given; the file name only decides the type
    code, _ = _cli(root, "source", "add", str(nested))  # no key: derived from the title, never the path
    assert code == 0 and all(not n.startswith(".") and "/" not in n for n in os.listdir(root / "sources"))


# --- downloads: what tests/test_fetch.py does not cover yet ----------------------------------


def test_deflate_bomb_stopped_on_decoded_size(http_server: LocalServer) -> None:
    from verify.ingest.fetch import download

    bomb = zlib.compress(b"\0" * (20 * 1024 * 1024), 9)
    assert len(bomb) < 100_000
    http_server.route("/bomb", Reply(body=bomb, content_type="text/plain", headers={"Content-Encoding": "deflate"}))
    with pytest.raises(VerifyError, match="larger than"):
        download(http_server.url("/bomb"), max_bytes=1024 * 1024, retries=0, backoff=0.0)


def test_a_url_with_credentials_is_neither_fetched_nor_stored(fresh_space, http_server: LocalServer) -> None:
    root = fresh_space()
    http_server.route("/report.txt", Reply(body=b"Report\n\nThe council met.\n", content_type="text/plain"))
    secret = "Pw-hunter2-secret"
    url = http_server.url("/report.txt").replace("://", f"://alice:{secret}@")
    before = _dump(root / "claims.db")
    code, output = _cli(root, "source", "add", url)
    assert code == 2 and secret not in output and http_server.hits("/report.txt") == 0
    assert _dump(root / "claims.db") == before
    document = root / "report.txt"
    document.write_text("Report\n\nThe council met.\n", encoding="utf-8")
    code, output = _cli(root, "source", "add", str(document), "--url", url)  # a cited URL is checked too
    assert code == 2 and secret not in output and _dump(root / "claims.db") == before


def test_a_redirect_to_a_non_http_scheme_is_refused(fresh_space, http_server: LocalServer) -> None:
    root = fresh_space()
    http_server.redirect("/moved", "file:///etc/passwd")
    code, output = _cli(root, "source", "add", http_server.url("/moved"))
    assert code == 2 and "http" in output and os.listdir(root / "sources") == []


# --- HTML output escapes everything ----------------------------------------------------------

MARKUP = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<SCRIPT src=x>",
                "<scr<script>ipt>",
                '"',
                "'",
                "&",
                "<img onerror=alert(1)>",
                "javascript:",
                "<",
                ">",
                "\0",
            ]
        ),
    ),
    max_size=12,
).map("".join)


@PROFILE
@given(
    text=MARKUP,
    url=st.one_of(
        st.none(), MARKUP, MARKUP.map(lambda t: "https://example.org/" + t), MARKUP.map(lambda t: "javascript:" + t)
    ),
)
def test_html_helpers_leave_no_markup_from_claim_or_note_text(text: str, url: str | None) -> None:
    from verify.reports.html import esc, link, page

    escaped = esc(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped and "'" not in escaped
    rendered = page(text, f"<p>{escaped}</p>{link(url, text)}")
    assert "<script" not in rendered.lower()
    if url is not None and not url.strip().lower().startswith(("http://", "https://")):
        assert "href=" not in link(url, text)
