"""Downloading sources against a real local HTTP server (no mocks)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.httpserver import (  # noqa: F401 (http_server_fixture provides the http_server fixture)
    LocalServer,
    Reply,
    gzip_bomb,
    http_server_fixture,
    streamed,
)
from verify import __version__
from verify.errors import VerifyError
from verify.ingest.fetch import Download, download

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
HTML_BYTES = b"<!DOCTYPE html><html><body><p>Report</p></body></html>"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# Short timeouts and no backoff keep the whole file to a few seconds.
FAST: dict[str, Any] = {"connect_timeout": 1.0, "read_timeout": 1.0, "backoff": 0.0}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would intercept requests to 127.0.0.1."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


def test_download_returns_bytes_and_metadata(http_server: LocalServer) -> None:
    http_server.route(
        "/s-2023-370.pdf",
        Reply(
            body=PDF_BYTES,
            content_type="application/pdf",
            headers={"ETag": '"abc"', "Last-Modified": "Thu, 01 Jun 2023 00:00:00 GMT"},
        ),
    )
    url = http_server.url("/s-2023-370.pdf")
    result = download(url, **FAST)
    assert result == Download(
        content=PDF_BYTES,
        url=url,
        final_url=url,
        status=200,
        etag='"abc"',
        last_modified="Thu, 01 Jun 2023 00:00:00 GMT",
        media_type="application/pdf",
    )


def test_user_agent_sent_and_no_authorization(http_server: LocalServer) -> None:
    http_server.redirect("/start", "/doc")
    http_server.serve("/doc", b"plain text", "text/plain; charset=utf-8")
    download(http_server.url("/start"), **FAST)
    assert [r.path for r in http_server.requests] == ["/start", "/doc"]
    for request in http_server.requests:
        assert request.headers["user-agent"] == f"verify/{__version__} (+claim verification tool)"
        assert "authorization" not in request.headers
        assert "cookie" not in request.headers


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/report.pdf", "file:///etc/passwd", "javascript:alert(1)", "example.org/x"],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(VerifyError, match=r"only http and https|not a valid URL"):
        download(url, **FAST)


@pytest.mark.parametrize("userinfo", ["alice:s3cret-pw@", "alice@", ":s3cret-pw@"])
def test_credentials_refused_before_any_request(http_server: LocalServer, userinfo: str) -> None:
    http_server.serve("/doc", b"text", "text/plain")
    url = http_server.url("/doc").replace("http://", f"http://{userinfo}")
    with pytest.raises(VerifyError, match="credentials") as caught:
        download(url, **FAST)
    assert "s3cret-pw" not in str(caught.value)
    assert http_server.requests == []


def test_redirect_chain_followed_to_final_url(http_server: LocalServer) -> None:
    """Exactly five redirects is the most we follow."""
    for i in range(4):
        http_server.redirect(f"/r{i}", f"/r{i + 1}", status=301 if i % 2 else 307)
    http_server.redirect("/r4", http_server.url("/final"), status=308)
    http_server.serve("/final", HTML_BYTES, "text/html; charset=utf-8")
    result = download(http_server.url("/r0"), **FAST)
    assert result.final_url == http_server.url("/final")
    assert result.url == http_server.url("/r0")
    assert result.media_type == "text/html"


def test_more_than_five_redirects_refused(http_server: LocalServer) -> None:
    for i in range(6):
        http_server.redirect(f"/r{i}", f"/r{i + 1}")
    http_server.serve("/r6", b"never", "text/plain")
    with pytest.raises(VerifyError, match="too many redirects"):
        download(http_server.url("/r0"), **FAST)
    assert http_server.hits("/r6") == 0


def test_redirect_loop_refused(http_server: LocalServer) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    with pytest.raises(VerifyError, match="too many redirects"):
        download(http_server.url("/a"), **FAST)
    assert http_server.hits("/a") == 1


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://127.0.0.1/x.pdf", "only http and https"),
        ("http://bob:hunter2@127.0.0.1/x.pdf", "credentials"),
    ],
)
def test_each_redirect_target_rechecked(http_server: LocalServer, location: str, message: str) -> None:
    http_server.redirect("/go", location)
    with pytest.raises(VerifyError, match=message) as caught:
        download(http_server.url("/go"), **FAST)
    assert "hunter2" not in str(caught.value)
    assert len(http_server.requests) == 1


def test_redirect_without_location(http_server: LocalServer) -> None:
    http_server.route("/go", Reply(status=302))
    with pytest.raises(VerifyError, match="without a Location"):
        download(http_server.url("/go"), **FAST)


def test_404_names_status_and_url_without_retry(http_server: LocalServer) -> None:
    url = http_server.url("/missing.pdf")
    with pytest.raises(VerifyError) as caught:
        download(url, retries=3, **FAST)
    assert "404" in str(caught.value) and url in str(caught.value)
    assert caught.value.exit_code == 2
    assert http_server.hits("/missing.pdf") == 1


def test_500_then_200_is_retried(http_server: LocalServer) -> None:
    http_server.route(
        "/flaky",
        Reply(status=500, body=b"oops", content_type="text/plain"),
        Reply(status=503, body=b"busy", content_type="text/plain"),
        Reply(body=PDF_BYTES, content_type="application/pdf"),
    )
    result = download(http_server.url("/flaky"), retries=3, **FAST)
    assert result.content == PDF_BYTES
    assert http_server.hits("/flaky") == 3


def test_persistent_500_gives_up_after_retries(http_server: LocalServer) -> None:
    http_server.route("/down", Reply(status=500, body=b"oops", content_type="text/plain"))
    with pytest.raises(VerifyError, match=r"HTTP 500.*after 3 attempts"):
        download(http_server.url("/down"), retries=2, **FAST)
    assert http_server.hits("/down") == 3


def test_backoff_grows_exponentially(http_server: LocalServer) -> None:
    http_server.route("/down", Reply(status=502, content_type="text/plain"))
    started = time.monotonic()
    with pytest.raises(VerifyError, match="502"):
        download(http_server.url("/down"), retries=2, connect_timeout=1.0, read_timeout=1.0, backoff=0.05)
    assert time.monotonic() - started >= 0.05 + 0.1


def test_connection_refused_is_retried_then_reported() -> None:
    server = LocalServer()
    url = server.url("/doc")
    server._httpd.server_close()  # the port is now closed: connections are refused
    with pytest.raises(VerifyError, match=r"connection failed.*after 2 attempts"):
        download(url, retries=1, **FAST)


def test_read_timeout_before_headers(http_server: LocalServer) -> None:
    http_server.route("/slow", Reply(body=b"late", content_type="text/plain", header_delay=2.0))
    started = time.monotonic()
    with pytest.raises(VerifyError, match="timed out reading"):
        download(http_server.url("/slow"), connect_timeout=1.0, read_timeout=0.2, retries=0)
    assert time.monotonic() - started < 1.5


def test_read_timeout_during_body_is_retried(http_server: LocalServer) -> None:
    http_server.route(
        "/slow-body",
        Reply(body=b"late", content_type="text/plain", body_delay=2.0),
        Reply(body=b"on time", content_type="text/plain"),
    )
    result = download(http_server.url("/slow-body"), connect_timeout=1.0, read_timeout=0.2, retries=1)
    assert result.content == b"on time"
    assert http_server.hits("/slow-body") == 2


def test_content_length_over_cap_refused_early(http_server: LocalServer) -> None:
    http_server.route(
        "/big",
        Reply(body=streamed(2_000_000), content_type="application/pdf", content_length=2_000_000),
    )
    seen: list[tuple[int, int | None]] = []
    with pytest.raises(VerifyError, match=r"over the 1.0 MB download limit"):
        download(
            http_server.url("/big"),
            max_bytes=1024 * 1024,
            progress=lambda *a: seen.append(a),
            **FAST,
        )
    assert seen == []  # refused before reading any of the body


def test_streamed_body_without_length_stopped_at_cap(http_server: LocalServer) -> None:
    http_server.route("/big", Reply(body=streamed(50_000_000), content_type="text/plain"))
    seen: list[int] = []
    with pytest.raises(VerifyError, match=r"larger than the 1.0 MB download limit"):
        download(
            http_server.url("/big"),
            max_bytes=1024 * 1024,
            progress=lambda done, total: seen.append(done),
            **FAST,
        )
    assert seen and seen[-1] <= 1024 * 1024


def test_understated_content_length_still_capped(http_server: LocalServer) -> None:
    """A server that lies low gets only its declared bytes read, never more."""
    http_server.route(
        "/liar",
        Reply(body=b"%PDF-1.7 " + b"x" * 5000, content_type="application/pdf", content_length=100),
    )
    result = download(http_server.url("/liar"), max_bytes=1000, **FAST)
    assert len(result.content) == 100


def test_overstated_content_length_reports_truncation(http_server: LocalServer) -> None:
    http_server.route("/short", Reply(body=PDF_BYTES, content_type="application/pdf", content_length=5000))
    with pytest.raises(VerifyError, match="before the download was complete"):
        download(http_server.url("/short"), retries=0, **FAST)


def test_no_content_length_reads_until_close(http_server: LocalServer) -> None:
    body = b"# Heading\n\nSome markdown.\n"
    http_server.route("/notes.md", Reply(body=body, content_type="text/markdown", content_length=None))
    result = download(http_server.url("/notes.md"), **FAST)
    assert result.content == body
    assert result.media_type == "text/markdown"


def test_gzip_bomb_stopped_on_decoded_size(http_server: LocalServer) -> None:
    bomb = gzip_bomb(20 * 1024 * 1024)
    assert len(bomb) < 100_000
    http_server.route("/bomb", Reply(body=bomb, content_type="text/plain", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(VerifyError, match=r"larger than the 1.0 MB download limit"):
        download(http_server.url("/bomb"), max_bytes=1024 * 1024, **FAST)


def test_gzip_within_cap_is_decoded(http_server: LocalServer) -> None:
    import gzip

    text = b"Paragraph 68. The Monitoring Team notes...\n" * 100
    http_server.route(
        "/text",
        Reply(
            body=gzip.compress(text),
            content_type="text/plain",
            headers={"Content-Encoding": "gzip"},
        ),
    )
    seen: list[tuple[int, int | None]] = []
    result = download(http_server.url("/text"), progress=lambda *a: seen.append(a), **FAST)
    assert result.content == text
    assert all(total is None for _, total in seen)  # compressed length is not the decoded total


def test_progress_reports_bytes_and_total(http_server: LocalServer) -> None:
    size = 3 * 1024 * 1024
    http_server.route(
        "/big.pdf",
        Reply(
            body=lambda: [b"%PDF-1.7\n", *streamed(size - 9)()],
            content_type="application/pdf",
            content_length=size,
        ),
    )
    seen: list[tuple[int, int | None]] = []
    result = download(http_server.url("/big.pdf"), progress=lambda *a: seen.append(a), **FAST)
    assert len(result.content) == size
    assert seen[0] == (0, size) and seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (None, PDF_BYTES, "application/pdf"),
        ("application/octet-stream", PDF_BYTES, "application/pdf"),
        ("application/octet-stream", HTML_BYTES, "text/html"),
        (None, b"  <html><body>x</body></html>", "text/html"),
        (None, "Plain UTF-8 text — with a dash".encode(), "text/plain"),
        ("text/html", PDF_BYTES, "application/pdf"),  # mislabelled PDF: the bytes win
        ("text/plain; charset=utf-8", b"<html> is a tag", "text/plain"),
        ("application/x-pdf", PDF_BYTES, "application/pdf"),
        ("application/xhtml+xml", HTML_BYTES, "text/html"),
        ("TEXT/X-MARKDOWN", b"# Title\n", "text/markdown"),
    ],
)
def test_media_type_sniffing(http_server: LocalServer, content_type: str | None, body: bytes, expected: str) -> None:
    http_server.serve("/doc", body, content_type)
    assert download(http_server.url("/doc"), **FAST).media_type == expected


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("image/png", PNG_BYTES, "unsupported media type image/png from http://"),
        ("text/html", PNG_BYTES, "unsupported media type image/png"),
        ("application/json", b'{"a": 1}', "unsupported media type application/json"),
        (
            "application/octet-stream",
            b"\0\1\2binary",
            "unsupported media type application/octet-stream",
        ),
        ("application/pdf", HTML_BYTES, "served as application/pdf but the body is text/html"),
        ("text/plain", b"", "empty response"),
    ],
)
def test_unsupported_or_wrong_media_type(
    http_server: LocalServer, content_type: str, body: bytes, message: str
) -> None:
    http_server.serve("/doc", body, content_type)
    with pytest.raises(VerifyError, match=message):
        download(http_server.url("/doc"), **FAST)
