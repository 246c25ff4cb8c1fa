"""A real HTTP server on 127.0.0.1 with routes each test programs.

There is no internet on the test machines and we do not mock the HTTP client:
fetch code is exercised against real sockets, real redirects, real timeouts
and real gzip. The fixture is named ``http_server`` (its function is
``http_server_fixture``, so importing it does not shadow test arguments)::

    from tests.httpserver import Reply, http_server_fixture  # noqa: F401 (fixture)

    def test_something(http_server):
        http_server.serve("/doc.pdf", b"%PDF-1.7 ...", "application/pdf")
        http_server.redirect("/old", "/doc.pdf")
        http_server.route("/flaky", Reply(status=500), Reply(body=b"ok"))
        download(http_server.url("/old"))
        assert http_server.hits("/flaky") == 0
        assert http_server.requests[0].headers["user-agent"].startswith("verify/")

Every request is recorded (method, path, headers with lower-case names).
An unknown path answers 404.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import pytest

Body = bytes | Callable[[], Iterable[bytes]]


@dataclass
class Reply:
    """One programmed response.

    ``body`` is bytes or a zero-argument callable returning chunks (for
    streaming large bodies without building them in memory).
    ``content_length``: ``"auto"`` sends the real length for bytes bodies (and
    nothing for streamed ones, so the body ends when the connection closes);
    ``None`` omits the header; an int is sent as is, even when it is wrong.
    ``header_delay`` sleeps before the status line, ``body_delay`` after the
    headers and before the body (both trip a client's read timeout).
    """

    status: int = 200
    body: Body = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | Literal["auto"] | None = "auto"
    header_delay: float = 0.0
    body_delay: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent, for assertions on headers."""

    method: str
    path: str
    headers: dict[str, str]


def streamed(total: int, chunk_size: int = 64 * 1024, fill: bytes = b"x") -> Callable[[], Iterator[bytes]]:
    """A body factory yielding ``total`` bytes in chunks, never all in memory."""

    def chunks() -> Iterator[bytes]:
        sent = 0
        block = (fill * chunk_size)[:chunk_size]
        while sent < total:
            piece = block[: min(chunk_size, total - sent)]
            sent += len(piece)
            yield piece

    return chunks


def gzip_bomb(inflated_size: int) -> bytes:
    """A small gzip stream that inflates to ``inflated_size`` zero bytes."""
    return gzip.compress(b"\0" * inflated_size, compresslevel=9)


class LocalServer:
    """A threaded HTTP/1.1 server on an ephemeral port of 127.0.0.1."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of this server."""
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def route(self, path: str, *replies: Reply) -> None:
        """Answer ``path`` with ``replies`` in order; the last one repeats."""
        if not replies:
            raise ValueError("route needs at least one Reply")
        with self._lock:
            self._routes[path] = list(replies)

    def serve(self, path: str, body: Body, content_type: str | None, **options: object) -> None:
        """Shortcut for a single 200 reply."""
        self.route(path, Reply(body=body, content_type=content_type, **options))  # type: ignore[arg-type]

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``location`` (relative or absolute)."""
        self.route(path, Reply(status=status, headers={"Location": location}))

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        with self._lock:
            return self._hits.get(path, 0)

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
            replies = self._routes.get(path) or self._routes.get(path.split("?", 1)[0])
            if replies is None:
                return Reply(status=404, body=b"not found", content_type="text/plain")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at shutdown so slow routes never hold up a test run."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (timeout, size cap) is expected, not an error."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_POST(self) -> None:
            self._answer(send_body=True)

        def _answer(self, send_body: bool) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server._record(RecordedRequest(self.command, self.path, headers))
            reply = server._next_reply(self.path)
            server._sleep(reply.header_delay)
            self.close_connection = True
            self.send_response(reply.status)
            if reply.content_type is not None:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            length = reply.content_length
            if length == "auto":
                length = len(reply.body) if isinstance(reply.body, bytes) else None
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            server._sleep(reply.body_delay)
            if not send_body:
                return
            chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body()
            for chunk in chunks:
                if server._stopping.is_set():
                    return
                self.wfile.write(chunk)

        def log_message(self, fmt: str, *args: object) -> None:
            """Keep test output clean."""

    return Handler


@pytest.fixture(name="http_server")
def http_server_fixture() -> Iterator[LocalServer]:
    """A fresh local HTTP server per test, stopped afterwards."""
    server = LocalServer().start()
    try:
        yield server
    finally:
        server.stop()
