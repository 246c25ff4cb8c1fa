"""A total deadline for downloads (issue 14, item 4), through the CLI against a real local server.

Before: a server sending one byte every 2 s never tripped the 30 s read
timeout, so ``source add URL`` ran for hours. Now ``--timeout SECONDS``
(default 300) bounds the whole download, redirects, retries and
``Retry-After`` waits included; running out exits 2, says how many bytes
had arrived and leaves the database and sources/ as they were.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.httpserver import LocalServer, Reply

PAGE = b"<html><body><p>The council met 14 times in 2023.</p></body></html>"


def trickle(data: bytes, every: float) -> Iterator[bytes]:
    """One byte at a time, ``every`` seconds apart: never idle long enough for a read timeout."""
    for index in range(len(data)):
        time.sleep(every)
        yield data[index : index + 1]


@pytest.fixture
def ready(run, workspace):
    assert run("init").exit_code == 0
    return run


def test_trickling_server_stops_at_the_deadline_and_leaves_nothing(ready, workspace, http_server: LocalServer) -> None:
    http_server.serve("/slow.html", lambda: trickle(PAGE, 0.1), "text/html", content_length=len(PAGE))  # ~7 s in full
    before = workspace.dump()
    started = time.monotonic()
    result = ready("source", "add", http_server.url("/slow.html"), "--key", "slow", "--timeout", "0.5")
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.stderr
    assert elapsed < 2.5, f"took {elapsed:.1f} s with --timeout 0.5"
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "0.5 s time limit (--timeout)" in message
    assert f"of {len(PAGE)}" in message and http_server.url("/slow.html") in message
    received = int(message.split("received ")[1].split(" bytes")[0].replace(",", ""))
    assert 0 < received < len(PAGE)
    assert workspace.dump() == before
    assert not workspace.sources.exists() or not any(workspace.sources.iterdir())


def test_source_fetch_has_the_same_deadline(ready, workspace, http_server: LocalServer) -> None:
    http_server.serve("/report.html", lambda: trickle(PAGE, 0.1), "text/html")
    assert ready("source", "register", "report", "--url", http_server.url("/report.html")).exit_code == 0
    before = workspace.dump()
    result = ready("source", "fetch", "report", "--timeout", "0.4")
    assert result.exit_code == 2
    assert "0.4 s time limit" in result.stderr and "nothing was saved" in result.stderr
    assert workspace.dump() == before
    listed = json.loads(ready("source", "list", "--format", "json").stdout)
    assert [s["retrieved"] for s in listed] == [False]


def test_the_deadline_covers_redirects_to_a_silent_server(ready, workspace, http_server: LocalServer) -> None:
    http_server.redirect("/latest", "/stalled.html")
    http_server.route("/stalled.html", Reply(body=PAGE, content_type="text/html", header_delay=5))
    started = time.monotonic()
    result = ready("source", "add", http_server.url("/latest"), "--timeout", "0.5")
    assert result.exit_code == 2
    assert time.monotonic() - started < 2.5
    assert "received 0 bytes from " + http_server.url("/stalled.html") in result.stderr


def test_retry_after_is_honoured_within_the_budget(ready, http_server: LocalServer) -> None:
    http_server.route(
        "/busy.html",
        Reply(status=503, body=b"busy", content_type="text/plain", headers={"Retry-After": "1"}),
        Reply(body=PAGE, content_type="text/html"),
    )
    started = time.monotonic()
    result = ready("source", "add", http_server.url("/busy.html"), "--key", "busy", "--timeout", "10")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 1  # waited as asked, not the 0.2 s default backoff
    assert http_server.hits("/busy.html") == 2


def test_retry_after_beyond_the_budget_is_refused_at_once(ready, workspace, http_server: LocalServer) -> None:
    http_server.route(
        "/limited.html", Reply(status=429, body=b"slow down", content_type="text/plain", headers={"Retry-After": "120"})
    )
    before = workspace.dump()
    started = time.monotonic()
    result = ready("source", "add", http_server.url("/limited.html"), "--timeout", "5")
    assert result.exit_code == 2
    assert time.monotonic() - started < 2  # no point sleeping 120 s into a 5 s budget
    assert "HTTP 429" in result.stderr and "retry after 120 s" in result.stderr
    assert http_server.hits("/limited.html") == 1
    assert workspace.dump() == before
