"""The fetch layer against a real HTTP server on 127.0.0.1."""

import hashlib

import pytest

from pipelines.errors import FetchError
from pipelines.fetch import FetchPolicy, HttpFetcher
from http_server import FaultServer, Reply

BODY = b"Entity,Code,Year,value\nFrance,FRA,2023,56.0\n"
FAST = FetchPolicy(connect_timeout_s=1, read_timeout_s=0.5, max_attempts=3, backoff_initial_s=0.01,
                   backoff_max_s=5, max_bytes=1024)


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


def fetcher(sleeps=None):
    return HttpFetcher(FAST, sleep=(sleeps.append if sleeps is not None else lambda s: None))


def fetch(url, **kwargs):
    return fetcher().fetch(url, source_id="demo", file="data.csv", **kwargs)


def test_retries_503_then_succeeds(server):
    url = server.route("/data.csv", Reply(503), Reply(200, BODY))
    result = fetch(url)
    assert result.content == BODY
    assert result.sha256 == hashlib.sha256(BODY).hexdigest()
    assert result.attempts == 2
    assert server.hits("/data.csv") == 2


def test_honours_retry_after_on_429(server):
    url = server.route("/data.csv", Reply(429, headers={"Retry-After": "3"}), Reply(200, BODY))
    sleeps = []
    result = fetcher(sleeps).fetch(url, source_id="demo", file="data.csv")
    assert result.content == BODY
    assert sleeps == [3.0]


def test_404_is_not_retried(server):
    url = server.route("/data.csv", Reply(404, b"missing"))
    with pytest.raises(FetchError, match=r"source 'demo', file 'data.csv': HTTP 404 .* \(not retried\)"):
        fetch(url)
    assert server.hits("/data.csv") == 1


def test_persistent_500_gives_up_after_max_attempts(server):
    url = server.route("/data.csv", Reply(500))
    with pytest.raises(FetchError, match="gave up after 3 attempts: .*HTTP 500"):
        fetch(url)
    assert server.hits("/data.csv") == 3


def test_size_cap_from_content_length(server):
    url = server.route("/data.csv", Reply(200, b"x" * 2048))
    with pytest.raises(FetchError, match="2048 bytes, over the 1024-byte cap"):
        fetch(url)
    assert server.hits("/data.csv") == 1


def test_etag_conditional_get_returns_not_modified(server):
    url = server.route("/data.csv", Reply(304, headers={"ETag": '"v1"'}))
    result = fetch(url, etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert result.not_modified and result.content is None
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_records_etag_and_last_modified(server):
    url = server.route("/data.csv", Reply(200, BODY, {"ETag": '"abc"', "Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT"}))
    result = fetch(url)
    assert (result.etag, result.last_modified) == ('"abc"', "Tue, 03 Jun 2025 10:00:00 GMT")


def test_truncated_body_is_retried(server):
    url = server.route("/data.csv", Reply(200, BODY, fault="truncate"), Reply(200, BODY))
    assert fetch(url).content == BODY
    assert server.hits("/data.csv") == 2


def test_connection_reset_is_retried(server):
    url = server.route("/data.csv", Reply(fault="reset"), Reply(200, BODY))
    assert fetch(url).content == BODY


def test_stalled_read_times_out_and_is_retried(server):
    url = server.route("/data.csv", Reply(200, BODY, fault="stall", stall_s=1.5), Reply(200, BODY))
    assert fetch(url).content == BODY
    assert server.hits("/data.csv") == 2


def test_html_page_with_status_200_is_an_error(server):
    url = server.route("/data.csv", Reply(200, b"<!DOCTYPE html><html><body>Rate limited</body></html>"))
    with pytest.raises(FetchError, match="returned an HTML page"):
        fetch(url)
