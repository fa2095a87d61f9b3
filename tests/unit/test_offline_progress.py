"""The network probe and the refresh's progress lines."""

from __future__ import annotations

import io
import socket

from pipelines import offline
from pipelines.progress import Progress
from pipelines.sources import SOURCES


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_probe_says_why_a_host_is_unreachable():
    assert offline.probe(offline.Host("127.0.0.1", _closed_port()), 2) == "connection refused"
    assert offline.probe(offline.Host("mirror.invalid", 80), 2) == "name does not resolve"


def test_probe_accepts_a_listening_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert offline.probe(offline.Host("127.0.0.1", server.getsockname()[1]), 2) is None


def test_plan_with_a_mirror_probes_one_host_and_marks_every_fetched_source_offline():
    port = _closed_port()
    network = offline.plan(list(SOURCES.values()), f"http://127.0.0.1:{port}/")
    assert list(network.unreachable) == [offline.Host("127.0.0.1", port)]
    fetched = {s.id for s in SOURCES.values() if not s.curated}
    assert set(network.offline_sources) == fetched and network.all_offline
    assert "egrid" in fetched and "curated_chips" not in network.offline_sources


def test_hosts_of_live_urls_default_to_the_scheme_port(monkeypatch):
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert offline.source_hosts(SOURCES["egrid"], None) == {offline.Host("raw.githubusercontent.com", 443)}


def test_hosts_behind_a_proxy_are_the_proxy(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert offline.host_of("https://ourworldindata.org/x.csv") == offline.Host("proxy.example", 3128)


def test_paragraph_names_hosts_and_the_ways_out():
    network = offline.NetworkPlan(
        {offline.Host("example.invalid", 443): "name does not resolve"},
        {"egrid": offline.Host("example.invalid", 443)},
        [],
    )
    text = offline.offline_paragraph(network)
    assert "\n" not in text
    assert "example.invalid:443 (name does not resolve)" in text
    assert "--archive DIR" in text and "--fallback-archive DIR" in text and "aifootprint download" in text


def test_progress_on_a_pipe_writes_one_plain_line_per_stage():
    stream = io.StringIO()
    progress = Progress(stream, interactive=False)
    progress.start("build tables", parsed=2, published=1)
    progress.advance("parsed")
    progress.advance("parsed")
    progress.advance("published", failed=True)
    progress.finish()
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("build tables: parsed 2/2, published 0/1, 1 failed (")
    assert "\r" not in stream.getvalue()


def test_progress_on_a_terminal_redraws_one_line_in_place():
    stream = io.StringIO()
    progress = Progress(stream, interactive=True, min_redraw_s=0)
    progress.start("observe sources", observed=2)
    progress.advance("observed")
    progress.note("egrid: live, vintage 2025-02-18")
    progress.advance("observed")
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r\x1b[K") >= 4
    assert "\r\x1b[Kegrid: live, vintage 2025-02-18\n" in text
    assert text.endswith("observe sources: observed 2/2 (" + text.rsplit("(", 1)[1])
    assert text.endswith(" s)\n")


def test_progress_survives_a_closed_stream():
    class Closed(io.StringIO):
        def write(self, _text):
            raise BrokenPipeError

    progress = Progress(Closed(), interactive=True)
    progress.start("observe sources", observed=1)
    progress.advance("observed")
    progress.finish()
