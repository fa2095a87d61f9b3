"""HTTP fetching for raw files: timeouts, retries with backoff, size caps, conditional GET.

Transient faults (connection errors, timeouts, truncated bodies, 429 and 5xx) are retried
with exponential backoff, honouring Retry-After; other 4xx are permanent and fail at once.

A socket timeout only bounds the gap between two reads: a server trickling a byte every few
seconds would never trip it. So every attempt also has a wall-clock deadline (the base
AIFOOTPRINT_FETCH_DEADLINE_S, extended by Content-Length / AIFOOTPRINT_FETCH_MIN_BYTES_PER_S
once the length is declared). A watchdog shuts the attempt's socket down when it passes,
whether the server is trickling headers or body; the attempt then counts as a transient fault.
With a `sink`, the body is streamed to it and hashed as it arrives, never held in memory.
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import requests
import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter

from pipelines import settings
from pipelines.errors import FetchError, TransientFetchError

USER_AGENT = "aifootprint/0.1 (+https://github.com/aifootprint/aifootprint; open data pipeline)"
_HTML_PREFIXES = (b"<!doctype html", b"<html")


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_attempts: int = 5
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    max_bytes: int = 200 * 1024 * 1024
    # None: from AIFOOTPRINT_FETCH_DEADLINE_S / AIFOOTPRINT_FETCH_MIN_BYTES_PER_S (pipelines/settings.py).
    file_deadline_s: float | None = None
    min_bytes_per_s: float | None = None
    max_redirects: int = 10


@dataclass(frozen=True)
class FetchResult:
    url: str
    not_modified: bool
    content: bytes | None  # None when not modified, or when the body went to a sink
    sha256: str | None
    etag: str | None
    last_modified: str | None
    attempts: int
    bytes: int = 0


class _Watchdog:
    """Shuts down the sockets of one attempt once its deadline passes (from a timer thread)."""

    def __init__(self, deadline_s: float):
        self.started = time.monotonic()
        self.deadline_s = deadline_s
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        remaining = max(0.0, self.started + self.deadline_s - time.monotonic())
        self._timer = threading.Timer(remaining, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def extend_to(self, deadline_s: float) -> None:
        with self._lock:
            if self.expired or deadline_s <= self.deadline_s:
                return
            self.deadline_s = deadline_s
            self._arm()

    def watch(self, sock) -> None:
        with self._lock:
            if sock is not None and sock not in self._sockets:
                self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes a recv() blocked in another thread
        except OSError:
            pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


_current = threading.local()


def _watch_current(sock) -> None:
    watchdog = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.watch(sock)


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self):
        super().connect()
        _watch_current(self.sock)

    def request(self, *args, **kwargs):
        _watch_current(self.sock)  # a kept-alive connection is reused without connect()
        return super().request(*args, **kwargs)


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self):
        super().connect()
        _watch_current(self.sock)

    def request(self, *args, **kwargs):
        _watch_current(self.sock)
        return super().request(*args, **kwargs)


class _WatchedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """Connections whose sockets the current attempt's watchdog can shut down."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _transient(source_id: str, file: str, reason: str, retry_after: float | None = None) -> TransientFetchError:
    # `reason` without the "source ..., file ...:" prefix, so the final error names them once.
    error = TransientFetchError(source_id, file, reason)
    error.reason, error.retry_after = reason, retry_after
    return error


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpFetcher:
    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ):
        self.policy = policy or FetchPolicy()
        self.deadline_s = self.policy.file_deadline_s or settings.fetch_deadline_s()
        self.min_bytes_per_s = self.policy.min_bytes_per_s or settings.fetch_min_bytes_per_s()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.session.max_redirects = self.policy.max_redirects
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, _WatchedAdapter())
        self._sleep = sleep
        self._log = log or (lambda message: None)

    def fetch(
        self,
        url: str,
        *,
        source_id: str,
        file: str,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        expect_html: bool = False,
        expected_sha256: str | None = None,
        sink: BinaryIO | None = None,
    ) -> FetchResult:
        """GET `url`. `expected_sha256` pins the bytes (a commit-pinned URL): other bytes are refused.

        With `sink` (a file opened "w+b"), the body is written there instead of returned; a retry
        truncates it first, so it holds exactly the bytes of the attempt that succeeded.
        """
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        cap = max_bytes or self.policy.max_bytes
        attempt = 0
        while True:
            attempt += 1
            try:
                if sink is not None:
                    sink.seek(0)
                    sink.truncate()
                result = self._attempt(url, source_id, file, request_headers, cap, expect_html, attempt, sink)
            except TransientFetchError as exc:
                if attempt >= self.policy.max_attempts:
                    raise FetchError(source_id, file, f"gave up after {attempt} attempts: {exc.reason}") from None
                delay = exc.retry_after
                if delay is None:
                    backoff = self.policy.backoff_initial_s * 2 ** (attempt - 1)
                    delay = backoff * (0.5 + random.random() / 2)  # jitter spreads retries from many clients
                delay = min(delay, self.policy.backoff_max_s)
                self._log(f"{source_id}/{file}: {exc.reason}; retrying in {delay:.2f}s (attempt {attempt})")
                self._sleep(delay)
                continue
            if expected_sha256 and result.sha256 and result.sha256 != expected_sha256:
                # Not retried: a pinned URL serving other bytes is a changed or tampered source.
                raise FetchError(
                    source_id,
                    file,
                    f"sha256 mismatch: the source pins {expected_sha256}, "
                    f"{url} sent {result.sha256} ({result.bytes} bytes)",
                )
            return result

    def _attempt(self, url, source_id, file, headers, cap, expect_html, attempt, sink) -> FetchResult:
        watchdog = _Watchdog(self.deadline_s)
        _current.watchdog = watchdog
        try:
            return self._attempt_watched(url, source_id, file, headers, cap, expect_html, attempt, sink, watchdog)
        except TransientFetchError as exc:
            if watchdog.expired:
                raise _transient(
                    source_id, file, f"{url} took longer than its {watchdog.deadline_s:g}s deadline ({exc.reason})"
                ) from None
            raise
        finally:
            _current.watchdog = None
            watchdog.cancel()

    def _attempt_watched(
        self, url, source_id, file, headers, cap, expect_html, attempt, sink, watchdog: _Watchdog
    ) -> FetchResult:
        timeout = (self.policy.connect_timeout_s, self.policy.read_timeout_s)
        try:
            response = self.session.get(url, headers=headers, timeout=timeout, stream=True)
        except requests.TooManyRedirects:
            raise FetchError(
                source_id,
                file,
                f"{url} redirects more than {self.policy.max_redirects} times (a redirect loop?); not retried",
            ) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _transient(source_id, file, f"{type(exc).__name__} for {url}") from None
        except requests.RequestException as exc:
            raise FetchError(source_id, file, f"cannot fetch {url}: {type(exc).__name__}") from None
        with response:
            status = response.status_code
            if status == 304:
                return FetchResult(
                    url, True, None, None, response.headers.get("ETag"), response.headers.get("Last-Modified"), attempt
                )
            if status == 429 or status >= 500:
                raise _transient(
                    source_id,
                    file,
                    f"HTTP {status} from {url}",
                    _retry_after_seconds(response.headers.get("Retry-After")),
                )
            if status >= 400:
                raise FetchError(source_id, file, f"HTTP {status} from {url} (not retried)")
            declared = response.headers.get("Content-Length")
            if declared and declared.isascii() and declared.isdigit():
                if int(declared) > cap:
                    raise FetchError(source_id, file, f"{url} is {int(declared)} bytes, over the {cap}-byte cap")
                watchdog.extend_to(self.deadline_s + int(declared) / self.min_bytes_per_s)
            body = bytearray()
            digest, size, head = hashlib.sha256(), 0, b""
            try:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(source_id, file, f"{url} exceeded the {cap}-byte cap")
                    if len(head) < 64:
                        head += chunk[:64]
                    digest.update(chunk)
                    if sink is not None:
                        sink.write(chunk)
                    else:
                        body += chunk
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, requests.Timeout) as exc:
                raise _transient(source_id, file, f"body of {url} cut short ({type(exc).__name__})") from None
            except requests.exceptions.ContentDecodingError:
                raise _transient(source_id, file, f"body of {url} failed to decode") from None
            if watchdog.expired:
                raise _transient(source_id, file, "the connection was shut at the deadline")
            if not expect_html and head.lstrip()[:20].lower().startswith(_HTML_PREFIXES):
                raise FetchError(source_id, file, f"{url} returned an HTML page (status {status}), not data")
            if sink is not None:
                sink.flush()
            return FetchResult(
                url,
                False,
                None if sink is not None else bytes(body),
                digest.hexdigest(),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                attempt,
                size,
            )
