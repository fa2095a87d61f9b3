"""`aifootprint download`: over a real HTTP server on 127.0.0.1 or from a folder; verify, then install."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_release_build import grid_rows, small_warehouse

from http_server import FaultServer, Reply
from pipelines.cli import main
from pipelines.download import DownloadError, download_release, parse_checksums
from pipelines.fetch import FetchPolicy, HttpFetcher
from pipelines.release import build_release, connect_release
from pipelines.warehouse import Warehouse

FAST = HttpFetcher(
    FetchPolicy(connect_timeout_s=2, read_timeout_s=5, max_attempts=2, backoff_initial_s=0.01, backoff_max_s=0.05)
)


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    """A releases folder with two versions, 1.0 and 1.1 (the latest)."""
    warehouse = small_warehouse(tmp_path_factory.mktemp("warehouse"))
    build_release(warehouse, version="1.0")
    Warehouse(warehouse).publish("grid_carbon_intensity", grid_rows([("FRA", "France", 2023, 60.5)]))
    build_release(warehouse, version="1.1")
    return warehouse / "releases"


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def everything_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def static_server(releases):
    """Python's own http.server serving the releases folder, as `python -m http.server` would."""
    handler = functools.partial(
        type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}), directory=str(releases)
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def serve(server: FaultServer, releases: Path, prefix: str = "/data", **overrides: bytes) -> str:
    """Route every file of the releases folder; `overrides` replace a file's bytes by relative path."""
    for path in releases.rglob("*"):
        if path.is_file():
            relative = path.relative_to(releases).as_posix()
            server.route(f"{prefix}/{relative}", Reply(200, overrides.get(relative, path.read_bytes())))
    return server.url + prefix


def flip_one_byte(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_download_over_http_installs_the_latest_release_verified(static_server, releases, tmp_path, capsys):
    target = tmp_path / "datasets"

    assert main(["download", "--from", static_server, "--to", str(target)]) == 0

    captured = capsys.readouterr()
    installed = target / "1.1"
    assert captured.out.strip() == str(installed)
    assert digests(installed) == digests(releases / "1.1")
    assert "[2/6] aifootprint.duckdb" in captured.err
    assert f"installed release 1.1 at {installed}: 6 files" in captured.err  # 4 + one table + index.html
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=installed, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert everything_under(target) == ["1.1", *(f"1.1/{name}" for name in sorted(digests(installed)))]
    with connect_release(installed) as con:
        assert con.execute("select gco2e_per_kwh from grid_carbon_intensity").fetchall() == [(60.5,)]


def test_download_a_named_version_and_again_is_a_no_op(static_server, tmp_path, capsys):
    target = tmp_path / "datasets"
    assert main(["download", "--from", f"{static_server}/index.json", "--version", "1.0", "--to", str(target)]) == 0
    with connect_release(target / "1.0") as con:
        assert con.execute("select count(*) from grid_carbon_intensity").fetchone() == (3,)
    before = digests(target)
    capsys.readouterr()

    assert main(["download", "--from", static_server, "--version", "1.0", "--to", str(target)]) == 0
    assert "already installed" in capsys.readouterr().err
    assert digests(target) == before


def test_one_flipped_byte_in_a_served_file_fails_and_installs_nothing(releases, tmp_path, capsys):
    target = tmp_path / "datasets"
    parquet = (releases / "1.1" / "grid_carbon_intensity.parquet").read_bytes()
    with FaultServer() as server:
        flipped = flip_one_byte(parquet, len(parquet) // 2)
        url = serve(server, releases, **{"1.1/grid_carbon_intensity.parquet": flipped})

        assert main(["download", "--from", url, "--to", str(target)]) == 1

        assert server.hits("/data/1.1/grid_carbon_intensity.parquet") == 1  # a checksum mismatch is not retried
    err = capsys.readouterr().err
    assert "error: grid_carbon_intensity.parquet: sha256 " in err and "does not match SHA256SUMS" in err
    assert everything_under(target) == []


def test_a_missing_file_fails_and_installs_nothing(releases, tmp_path):
    target = tmp_path / "datasets"
    with FaultServer() as server:
        url = serve(server, releases)
        server.route("/data/1.1/sources.parquet", Reply(404, b"not found"))

        with pytest.raises(
            DownloadError,
            match=r"could not download 1.1/sources.parquet: HTTP 404 from "
            r"http://127.0.0.1:\d+/data/1.1/sources.parquet \(not retried\)",
        ):
            download_release(url, target, fetcher=FAST, progress=lambda line: None)
    assert everything_under(target) == []


def test_a_transient_server_error_is_retried(releases, tmp_path):
    target = tmp_path / "datasets"
    with FaultServer() as server:
        url = serve(server, releases)
        body = (releases / "1.1" / "sources.parquet").read_bytes()
        server.route("/data/1.1/sources.parquet", Reply(503, b"busy"), Reply(200, body))

        result = download_release(url, target, fetcher=FAST, progress=lambda line: None)

        assert server.hits("/data/1.1/sources.parquet") == 2
    assert digests(result.path) == digests(releases / "1.1")


def tampered_index(releases: Path, version: str, **changes) -> bytes:
    index = json.loads((releases / "index.json").read_text())
    for entry in index["releases"]:
        if entry["version"] == version:
            entry.update(changes)
    return json.dumps(index).encode()


def test_a_path_in_sha256sums_that_escapes_the_target_is_refused(releases, tmp_path):
    target = tmp_path / "datasets"
    sums = (releases / "1.1" / "SHA256SUMS").read_bytes()
    evil = b"owned\n"
    sums += f"{hashlib.sha256(evil).hexdigest()}  ../../escaped.txt\n".encode()
    index = tampered_index(releases, "1.1", checksums_sha256=hashlib.sha256(sums).hexdigest())
    with FaultServer() as server:
        url = serve(server, releases, **{"index.json": index, "1.1/SHA256SUMS": sums})
        server.route("/escaped.txt", Reply(200, evil))

        with pytest.raises(DownloadError, match=r"refusing file in SHA256SUMS line 7 '\.\./\.\./escaped\.txt'"):
            download_release(url, target, fetcher=FAST, progress=lambda line: None)

        assert server.hits("/escaped.txt") == 0
    assert everything_under(target) == []
    assert not list(tmp_path.rglob("escaped.txt"))


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("checksums", "../../etc/SHA256SUMS", "refusing checksums path in the index '../../etc/SHA256SUMS'"),
        ("checksums", "/etc/SHA256SUMS", "refusing checksums path in the index '/etc/SHA256SUMS'"),
        ("version", "../1.1", "refusing version '../1.1' from the index"),
    ],
)
def test_an_index_entry_that_escapes_is_refused_before_any_file_is_fetched(
    field, value, message, releases, tmp_path, capsys
):
    target = tmp_path / "datasets"
    index = json.loads((releases / "index.json").read_text())
    index["releases"][-1][field] = value
    index["latest"] = index["releases"][-1]["version"]
    with FaultServer() as server:
        url = serve(server, releases, **{"index.json": json.dumps(index).encode()})

        assert main(["download", "--from", url, "--to", str(target)]) == 1

        assert [path for path, _ in server.requests] == ["/data/index.json"]
    assert message in capsys.readouterr().err
    assert everything_under(target) == []


def test_checksums_that_differ_from_the_index_are_refused(releases, tmp_path):
    lines = (releases / "1.1" / "SHA256SUMS").read_text().splitlines(keepends=True)
    forged = "0" * 64 + lines[0][64:] + "".join(lines[1:])  # the first file's digest replaced
    with FaultServer() as server:
        url = serve(server, releases, **{"1.1/SHA256SUMS": forged.encode()})
        with pytest.raises(DownloadError, match=r"1.1/SHA256SUMS: sha256 [0-9a-f]{64} does not match the index"):
            download_release(url, tmp_path / "datasets", fetcher=FAST, progress=lambda line: None)
    assert everything_under(tmp_path / "datasets") == []


def test_download_from_a_folder_copies_and_verifies(releases, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(releases, mirror)
    lines = []

    result = download_release(str(mirror), tmp_path / "datasets", "1.0", progress=lines.append)

    assert result.path == tmp_path / "datasets" / "1.0" and result.files == 6
    assert digests(result.path) == digests(releases / "1.0")
    assert lines[0] == f"downloading release 1.0 from {mirror}: 6 files"

    data = bytearray((mirror / "1.1" / "sources.parquet").read_bytes())
    data[100] ^= 0xFF
    (mirror / "1.1" / "sources.parquet").write_bytes(bytes(data))
    with pytest.raises(DownloadError, match="sources.parquet: sha256"):
        download_release(f"file://{mirror}", tmp_path / "datasets", "1.1", progress=lambda line: None)
    assert everything_under(tmp_path / "datasets") == sorted(["1.0", *(f"1.0/{n}" for n in digests(result.path))])


def test_an_unknown_version_names_the_available_ones(releases, tmp_path, capsys):
    assert main(["download", "--from", str(releases), "--version", "9.9", "--to", str(tmp_path / "d")]) == 1
    assert "no release '9.9' in the index; available: 1.0, 1.1" in capsys.readouterr().err


def test_bad_arguments_are_usage_errors(tmp_path, capsys):
    assert main(["download", "--from", str(tmp_path / "nowhere"), "--to", str(tmp_path / "d")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_parse_checksums_reads_sha256sum_output_and_rejects_the_rest():
    digest = "a" * 64
    assert [(d, str(p)) for d, p in parse_checksums(f"{digest}  x.parquet\n{digest.upper()} *sub/y.json\n")] == [
        (digest, "x.parquet"),
        (digest, "sub/y.json"),
    ]
    for bad in [
        f"{digest} x",
        "nonsense",
        f"{digest}  /etc/passwd",
        f"{digest}  a/../../b",
        f"{digest}  ./x",
        f"{digest}  x\n{digest}  x",
        "",
    ]:
        with pytest.raises(DownloadError):
            parse_checksums(bad)
