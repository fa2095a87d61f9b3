"""The fetch layer against a real HTTP server on 127.0.0.1."""

import hashlib

import pytest

from http_server import FaultServer, Reply
from pipelines.errors import FetchError
from pipelines.fetch import FetchPolicy, HttpFetcher

BODY = b"Entity,Code,Year,value\nFrance,FRA,2023,56.0\n"
FAST = FetchPolicy(
    connect_timeout_s=1, read_timeout_s=0.5, max_attempts=3, backoff_initial_s=0.01, backoff_max_s=5, max_bytes=1024
)


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
    url = server.route(
        "/data.csv", Reply(200, BODY, {"ETag": '"abc"', "Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT"})
    )
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


# --- deadlines and streaming (issue #18) ------------------------------------------------------


def deadline_fetcher(deadline_s: float, min_bytes_per_s: float = 1e12) -> HttpFetcher:
    policy = FetchPolicy(
        connect_timeout_s=1,
        read_timeout_s=5,
        max_attempts=3,
        backoff_initial_s=0.01,
        backoff_max_s=0.05,
        max_bytes=1024,
        file_deadline_s=deadline_s,
        min_bytes_per_s=min_bytes_per_s,
    )
    return HttpFetcher(policy, sleep=lambda s: None)


def test_a_body_trickling_past_the_deadline_is_cut_and_retried(server):
    # One byte every 100 ms never trips the 5 s read timeout; only the deadline stops it.
    url = server.route("/data.csv", Reply(200, BODY, fault="trickle", stall_s=0.1), Reply(200, BODY))
    result = deadline_fetcher(0.3).fetch(url, source_id="demo", file="data.csv")
    assert result.content == BODY and result.attempts == 2


def test_a_source_that_always_trickles_gives_up_naming_the_deadline(server):
    url = server.route("/data.csv", Reply(200, BODY, fault="trickle", stall_s=0.1))
    with pytest.raises(FetchError, match=r"gave up after 3 attempts: .*took longer than its 0.3s deadline"):
        deadline_fetcher(0.3).fetch(url, source_id="demo", file="data.csv")


def test_a_declared_length_extends_the_deadline_at_the_minimum_rate(server):
    # 45 bytes at 20 bytes/s allowed: 0.3 s + 2.25 s, enough for a 10 ms-per-byte trickle (0.45 s).
    url = server.route("/data.csv", Reply(200, BODY, fault="trickle", stall_s=0.01))
    result = deadline_fetcher(0.3, min_bytes_per_s=20).fetch(url, source_id="demo", file="data.csv")
    assert result.content == BODY and result.attempts == 1


def test_a_sink_receives_exactly_the_bytes_of_the_attempt_that_succeeded(server, tmp_path):
    url = server.route("/data.csv", Reply(200, BODY, fault="truncate"), Reply(200, BODY))
    with open(tmp_path / "data.csv", "w+b") as sink:
        result = fetcher().fetch(url, source_id="demo", file="data.csv", sink=sink)
    assert result.content is None and result.attempts == 2
    assert (tmp_path / "data.csv").read_bytes() == BODY
    assert result.sha256 == hashlib.sha256(BODY).hexdigest() and result.bytes == len(BODY)


def test_a_redirect_loop_is_a_permanent_error(server):
    url = server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match="redirects more than 10 times"):
        fetch(url)
    assert server.hits("/loop") == 11
