"""Live mode: fetch through a real HTTP server into <warehouse>/raw/, with a manifest."""

import hashlib

import pytest

from http_server import FaultServer, Reply
from pipelines.archive import read_manifest
from pipelines.errors import FetchError
from pipelines.resources import RawStore
from pipelines.sources._base import Source, SourceFile

SOURCE = Source(
    id="demo",
    title="Demo",
    publisher="Demo Org",
    license="MIT",
    homepage="https://example.org",
    files=(
        SourceFile("a.csv", "https://example.org/a.csv", "csv", data_as_of="2024-05-01"),
        SourceFile("b.json", "https://example.org/b.json", "json"),
    ),
)
A, B = b"x,y\n1,2\n", b'{"k": 1}'


def store(tmp_path, server):
    return RawStore(
        warehouse_dir=str(tmp_path), mirror_url=server.url, max_attempts=2, backoff_initial_s=0.01, read_timeout_s=1
    )


def test_live_fetch_writes_files_and_manifest(tmp_path):
    with FaultServer() as server:
        server.route("/demo/a.csv", Reply(200, A))
        server.route("/demo/b.json", Reply(200, B, {"ETag": '"b1"', "Last-Modified": "Sun, 02 Mar 2025 08:00:00 GMT"}))
        raw = store(tmp_path, server).snapshot(SOURCE)
    assert raw.file("a.csv").read_bytes() == A
    manifest = read_manifest(tmp_path / "raw" / "demo", "demo")
    entries = {e["path"]: e for e in manifest["files"]}
    assert entries["a.csv"]["sha256"] == hashlib.sha256(A).hexdigest()
    assert entries["a.csv"]["url"] == "https://example.org/a.csv"  # the live URL, not the mirror
    assert entries["a.csv"]["data_as_of"] == "2024-05-01"  # pinned vintage declared by the source
    assert entries["b.json"]["data_as_of"] == "2025-03-02"  # from Last-Modified
    assert entries["b.json"]["etag"] == '"b1"'


def test_second_fetch_uses_conditional_get(tmp_path):
    with FaultServer() as server:
        server.route("/demo/a.csv", Reply(200, A, {"ETag": '"a1"'}), Reply(304, headers={"ETag": '"a1"'}))
        server.route("/demo/b.json", Reply(200, B))
        store(tmp_path, server).snapshot(SOURCE)
        raw = store(tmp_path, server).snapshot(SOURCE)
        conditional = [h for p, h in server.requests if p == "/demo/a.csv"][-1]
    assert conditional["If-None-Match"] == '"a1"'
    assert raw.file("a.csv").read_bytes() == A


def test_failed_fetch_keeps_previous_snapshot(tmp_path):
    with FaultServer() as server:
        server.route("/demo/a.csv", Reply(200, A))
        server.route("/demo/b.json", Reply(200, B))
        store(tmp_path, server).snapshot(SOURCE)
        manifest_before = (tmp_path / "raw" / "demo" / "SOURCE.toml").read_bytes()
        server.route("/demo/a.csv", Reply(200, b"x,y\n9,9\n"))
        server.route("/demo/b.json", Reply(404))
        with pytest.raises(FetchError, match="source 'demo', file 'b.json': HTTP 404"):
            store(tmp_path, server).snapshot(SOURCE)
    assert (tmp_path / "raw" / "demo" / "a.csv").read_bytes() == A
    assert (tmp_path / "raw" / "demo" / "SOURCE.toml").read_bytes() == manifest_before
    assert not [p for p in (tmp_path / "raw").iterdir() if p.name.startswith(".")]
