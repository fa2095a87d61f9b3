"""HTTP fetching for raw files: timeouts, retries with backoff, size caps, conditional GET.

Transient faults (connection errors, timeouts, truncated bodies, 429 and 5xx) are retried
with exponential backoff, honouring Retry-After; other 4xx are permanent and fail at once.
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests

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


@dataclass(frozen=True)
class FetchResult:
    url: str
    not_modified: bool
    content: bytes | None
    sha256: str | None
    etag: str | None
    last_modified: str | None
    attempts: int


def _transient(source_id: str, file: str, reason: str, retry_after: float | None = None) -> TransientFetchError:
    # `reason` without the "source ..., file ...:" prefix, so the final error names them once.
    error = TransientFetchError(source_id, file, reason)
    error.reason, error.retry_after = reason, retry_after
    return error


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpFetcher:
    def __init__(self, policy: FetchPolicy | None = None, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, log: Callable[[str], None] | None = None):
        self.policy = policy or FetchPolicy()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self._sleep = sleep
        self._log = log or (lambda message: None)

    def fetch(self, url: str, *, source_id: str, file: str, etag: str | None = None,
              last_modified: str | None = None, headers: Mapping[str, str] | None = None,
              max_bytes: int | None = None, expect_html: bool = False,
              expected_sha256: str | None = None) -> FetchResult:
        """GET `url`. `expected_sha256` pins the bytes (a commit-pinned URL): other bytes are refused."""
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
                result = self._attempt(url, source_id, file, request_headers, cap, expect_html, attempt)
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
                raise FetchError(source_id, file, f"sha256 mismatch: the source pins {expected_sha256}, "
                                                  f"{url} sent {result.sha256} ({len(result.content)} bytes)")
            return result

    def _attempt(self, url, source_id, file, headers, cap, expect_html, attempt) -> FetchResult:
        timeout = (self.policy.connect_timeout_s, self.policy.read_timeout_s)
        try:
            response = self.session.get(url, headers=headers, timeout=timeout, stream=True)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _transient(source_id, file, f"{type(exc).__name__} for {url}") from None
        with response:
            status = response.status_code
            if status == 304:
                return FetchResult(url, True, None, None, response.headers.get("ETag"),
                                   response.headers.get("Last-Modified"), attempt)
            if status == 429 or status >= 500:
                raise _transient(source_id, file, f"HTTP {status} from {url}",
                                 _retry_after_seconds(response.headers.get("Retry-After")))
            if status >= 400:
                raise FetchError(source_id, file, f"HTTP {status} from {url} (not retried)")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise FetchError(source_id, file, f"{url} is {int(declared)} bytes, over the {cap}-byte cap")
            body = bytearray()
            try:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    body += chunk
                    if len(body) > cap:
                        raise FetchError(source_id, file, f"{url} exceeded the {cap}-byte cap")
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError,
                    requests.Timeout) as exc:
                raise _transient(source_id, file, f"body of {url} cut short ({type(exc).__name__})") from None
            except requests.exceptions.ContentDecodingError:
                raise _transient(source_id, file, f"body of {url} failed to decode") from None
            content = bytes(body)
            if not expect_html and content.lstrip()[:20].lower().startswith(_HTML_PREFIXES):
                raise FetchError(source_id, file, f"{url} returned an HTML page (status {status}), not data")
            return FetchResult(url, False, content, hashlib.sha256(content).hexdigest(),
                               response.headers.get("ETag"), response.headers.get("Last-Modified"), attempt)
