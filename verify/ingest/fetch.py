"""Download a source document over HTTP(S), defensively.

Sources come from URLs that fact-checkers paste in, so every download is
treated as untrusted: only http/https, never credentials in the URL (they would
end up in the database and the audit log), every redirect hop re-checked, a
size cap counted on the *decoded* bytes (a gzip bomb is stopped while it
inflates), and a media-type check so a login page or an image is reported
instead of being stored as "the report".

The core stays free of any terminal code: a caller that wants a progress bar
passes a ``progress(bytes_so_far, total)`` callable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from verify import __version__
from verify.errors import VerifyError

USER_AGENT = f"verify/{__version__} (+claim verification tool)"
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_BACKOFF = 0.2
DEFAULT_TIMEOUT = 300.0  # seconds for a whole download: redirects, retries and waits included

PDF = "application/pdf"
HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
SUPPORTED_MEDIA_TYPES = frozenset({PDF, HTML, TEXT, MARKDOWN})

# Aliases servers use for the types we accept, mapped to the canonical name.
_MEDIA_ALIASES = {
    "application/x-pdf": PDF,
    "application/xhtml+xml": HTML,
    "text/x-markdown": MARKDOWN,
}
_NAMES = {PDF: "PDF", HTML: "HTML", TEXT: "plain text", MARKDOWN: "markdown"}
# Types that say nothing about the bytes, so sniffing decides.
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "application/pdf, text/html;q=0.9, text/plain;q=0.8, text/markdown;q=0.8, */*;q=0.1"

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Download:
    """The bytes of one retrieved document and what the server said about them."""

    content: bytes
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    etag: str | None
    last_modified: str | None
    media_type: str


class _RetryableError(Exception):
    """A failure worth another attempt (connection trouble, a 5xx or a 429).

    ``retry_after`` is the wait the server asked for (``Retry-After``), if any.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _Budget:
    """The total time allowed for one download, and how far it got.

    A server that trickles one byte every few seconds never trips a read
    timeout, so the whole download gets a deadline; when it passes, the
    message says how many bytes had arrived from which URL.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.received = 0
        self.total: int | None = None
        self.url = ""

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def timeout(self, connect: float, read: float) -> httpx.Timeout:
        """Per-request timeouts, never longer than what is left of the budget."""
        left = max(0.001, self.remaining())
        return httpx.Timeout(
            connect=min(connect, left), read=min(read, left), write=min(read, left), pool=min(connect, left)
        )

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.exceeded()

    def exceeded(self, why: str = "") -> VerifyError:
        got = f"{self.received:,} bytes"
        if self.total is not None:
            got += f" of {self.total:,}"
        where = f" from {self.url}" if self.url else ""
        return VerifyError(
            f"download stopped at the {_seconds(self.seconds)} time limit (--timeout){why}: "
            f"received {got}{where}; nothing was saved"
        )


def check_url(url: str) -> httpx.URL:
    """Parse ``url`` and refuse anything but credential-free http(s).

    Called for the requested URL and again for every redirect target, because
    a server can redirect to ``file:`` or to a URL carrying a password.
    Messages never echo the URL's userinfo.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise VerifyError(f"not a valid URL: {_redact(url)}") from None
    if parsed.scheme not in ("http", "https"):
        scheme = parsed.scheme or "no scheme"
        raise VerifyError(f"only http and https URLs can be fetched, not {scheme}: {_redact(url)}")
    if parsed.userinfo:
        raise VerifyError(
            f"refusing a URL with embedded credentials (user:password@) for host {parsed.host}; "
            "remove them from the URL"
        )
    if not parsed.host:
        raise VerifyError(f"URL has no host: {_redact(url)}")
    return parsed


def download(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    retries: int = 3,
    backoff: float = DEFAULT_BACKOFF,
    progress: ProgressCallback | None = None,
    total_timeout: float = DEFAULT_TIMEOUT,
    accept: frozenset[str] = SUPPORTED_MEDIA_TYPES,
) -> Download:
    """Fetch ``url`` and return its bytes, or raise :class:`VerifyError`.

    ``accept`` is the set of media types the caller can use (an article page
    is HTML or text, never a PDF); anything else is refused once the first
    bytes show what it is.

    ``retries`` is the number of extra attempts after the first, made only for
    connection errors, timeouts, 5xx and 429 responses (other 4xx will not
    change by asking again); the wait doubles from ``backoff`` seconds each
    time, or is what the server's ``Retry-After`` asks for. Everything,
    waits included, must fit in ``total_timeout`` seconds.
    """
    requested = check_url(url)
    if not total_timeout > 0:  # also refuses NaN
        raise VerifyError(
            f"the download time limit must be a positive number of seconds, not {total_timeout:g} (--timeout)"
        )
    budget = _Budget(total_timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    attempts = max(0, retries) + 1
    last_problem = ""
    with httpx.Client(headers=headers, follow_redirects=False) as client:
        for attempt in range(attempts):
            budget.check()
            try:
                return _fetch_once(
                    client, url, requested, max_bytes, progress, (connect_timeout, read_timeout), budget, accept
                )
            except _RetryableError as problem:
                last_problem = problem.message
                if attempt + 1 == attempts:
                    break
                _wait_before_retry(problem, backoff * 2**attempt, budget)
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    raise VerifyError(f"{last_problem} (gave up after {tries})")


def _wait_before_retry(problem: _RetryableError, backoff: float, budget: _Budget) -> None:
    """Sleep before the next attempt, unless the wait would pass the deadline."""
    wait = problem.retry_after if problem.retry_after is not None else backoff
    if wait >= budget.remaining():
        if problem.retry_after is not None:
            raise budget.exceeded(f" ({problem.message}; the server asked to retry after {_seconds(wait)})")
        raise budget.exceeded(f" ({problem.message})")
    time.sleep(wait)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _fetch_once(
    client: httpx.Client,
    url: str,
    requested: httpx.URL,
    max_bytes: int,
    progress: ProgressCallback | None,
    timeouts: tuple[float, float],
    budget: _Budget,
    accept: frozenset[str] = SUPPORTED_MEDIA_TYPES,
) -> Download:
    """Follow redirects by hand so each hop is checked before it is requested."""
    current = requested
    seen = {str(current)}
    for _hop in range(MAX_REDIRECTS + 1):
        budget.check()
        budget.url, budget.received, budget.total = str(current), 0, None
        try:
            with client.stream("GET", current, timeout=budget.timeout(*timeouts)) as response:
                if response.status_code in _REDIRECT_STATUSES:
                    current = _next_hop(response, seen)
                    continue
                _check_status(response)
                content = _read_capped(response, max_bytes, progress, budget)
                media_type = _media_type(response.headers.get("content-type"), content, current, accept)
                return Download(
                    content=content,
                    url=url,
                    final_url=str(response.url),
                    status=response.status_code,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    media_type=media_type,
                )
        except httpx.TimeoutException as exc:
            if budget.remaining() <= 0.05:  # the read timeout was cut to the deadline
                raise budget.exceeded() from None
            kind = "connecting to" if isinstance(exc, httpx.ConnectTimeout) else "reading from"
            raise _RetryableError(f"timed out {kind} {current}") from None
        except httpx.DecodingError:
            raise VerifyError(f"could not decode the compressed response from {current}") from None
        except httpx.TransportError as exc:
            raise _RetryableError(f"could not download {current}: {_describe(exc)}") from None
    raise VerifyError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")


def _next_hop(response: httpx.Response, seen: set[str]) -> httpx.URL:
    """Resolve and vet a redirect target; a URL seen before is a loop."""
    location = response.headers.get("location")
    if not location:
        raise VerifyError(f"HTTP {response.status_code} redirect without a Location header from {response.url}")
    try:
        target = response.url.join(location)
    except (httpx.InvalidURL, ValueError):
        raise VerifyError(f"invalid redirect target from {response.url}") from None
    checked = check_url(str(target))
    if str(checked) in seen:
        raise VerifyError(f"too many redirects (redirect loop back to {checked})")
    seen.add(str(checked))
    return checked


def _check_status(response: httpx.Response) -> None:
    """Turn a non-2xx status into a retryable problem (5xx, 429) or a final error."""
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = f" {response.reason_phrase}" if response.reason_phrase else ""
    message = f"HTTP {status}{reason} from {response.url}"
    if status >= 500 or status == 429:
        raise _RetryableError(message, retry_after(response.headers.get("retry-after")))
    raise VerifyError(message)


def _read_capped(response: httpx.Response, max_bytes: int, progress: ProgressCallback | None, budget: _Budget) -> bytes:
    """Stream the body, stopping as soon as the decoded size passes the cap.

    ``iter_bytes`` yields decoded bytes, so a small gzip body that inflates
    past the cap is caught too. ``total`` is only reported when it measures
    the same bytes we count (no content encoding).
    """
    declared = _content_length(response)
    if declared is not None and declared > max_bytes:
        raise VerifyError(f"{response.url} is {_size(declared)}, over the {_size(max_bytes)} download limit")
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    total = None if encoded else declared
    budget.total = total
    chunks: list[bytes] = []
    received = 0
    if progress is not None:
        progress(0, total)
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise VerifyError(f"{response.url} is larger than the {_size(max_bytes)} download limit")
        chunks.append(chunk)
        budget.received = received
        budget.check()
        if progress is not None:
            progress(received, total)
    return b"".join(chunks)


def _content_length(response: httpx.Response) -> int | None:
    """The declared body length, or None when absent or unreadable."""
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        length = int(value.strip())
    except ValueError:
        return None
    return length if length >= 0 else None


def sniff_media_type(content: bytes) -> str | None:
    """Recognise a document type from its first bytes, or return None."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return PDF
    lowered = head[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return HTML
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


def _media_type(
    header: str | None, content: bytes, url: httpx.URL, accept: frozenset[str] = SUPPORTED_MEDIA_TYPES
) -> str:
    """Decide the document's media type and refuse types we cannot extract.

    The bytes win when they carry an unambiguous signature: a PDF served as
    text/html is still a PDF. A body that claims to be a PDF but is not one
    (typically an HTML "access denied" page) is refused rather than stored.
    """
    if not content:
        raise VerifyError(f"empty response from {url}")
    declared = (header or "").split(";", 1)[0].strip().lower()
    declared = _MEDIA_ALIASES.get(declared, declared)
    sniffed = sniff_media_type(content)
    if declared == PDF and sniffed != PDF:
        found = sniffed or "something else"
        raise VerifyError(f"{url} was served as application/pdf but the body is {found}, not a PDF")
    if sniffed is not None and sniffed != HTML:
        media_type = sniffed  # a binary signature is more reliable than the header
    elif declared in _GENERIC_TYPES:
        media_type = sniffed or (TEXT if _looks_like_text(content) else declared or "unknown")
    else:
        media_type = declared  # HTML-looking text/plain or markdown stays what it says
    if media_type == PDF and PDF not in accept:
        raise VerifyError(f"{url} serves a PDF, not a web page; save the file and import it by its name")
    if media_type not in accept:
        names = ", ".join(_NAMES[t] for t in (PDF, HTML, TEXT, MARKDOWN) if t in accept)
        raise VerifyError(f"unsupported media type {media_type} from {url} (accepted: {names})")
    return media_type


def _looks_like_text(content: bytes) -> bool:
    """True for non-empty UTF-8 without NUL bytes: safe to treat as plain text."""
    if not content or b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _describe(exc: httpx.TransportError) -> str:
    """A short, credential-free reason for a transport failure."""
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection before the download was complete"
    return type(exc).__name__


def _redact(url: str) -> str:
    """Drop any userinfo from a URL before it appears in a message."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url[:200]
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}{sep}{authority}{slash}{path}"[:200]


def _size(n: int) -> str:
    """Human-readable byte count for messages."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _seconds(value: float) -> str:
    """A duration for messages: whole seconds when whole."""
    return f"{value:g} s"
