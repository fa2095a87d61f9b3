"""Helpers for the fault suite (issue #7).

* `ArchiveMirror`: a real HTTP server on 127.0.0.1 (tests/http_server.py's FaultServer) that
  serves every registered source's recorded files from ../shared/sources at
  `/<source_id>/<file>`, the layout `mirror_url` / AIFOOTPRINT_SOURCE_MIRROR points a live
  refresh at. Any file can be given a script of faulty replies.
* Copying the archive and rewriting one of its files (fixing the manifest sha256), digesting
  what a refresh publishes, and running the CLI in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest
from requests.utils import requote_uri

from conftest import SHARED_SOURCES
from http_server import FaultServer, Reply

# Short enough that a fault costs well under a second, long enough for 127.0.0.1 to answer.
FAST_FETCH = {
    "connect_timeout_s": 1.0,
    "read_timeout_s": 0.5,
    "max_attempts": 3,
    "backoff_initial_s": 0.01,
    "backoff_max_s": 0.05,
}
# Longer than FAST_FETCH's read timeout, so a stalled reply times out.
STALL_S = 1.2
# How long a "hold" reply waits for the test to release it before answering anyway, so a
# failing test cannot hang the suite.
HOLD_LIMIT_S = 180.0


def require_shared_sources() -> Path:
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES} (integration data lives beside the repo)")
    return SHARED_SOURCES


def fetched_sources():
    """Registered sources a live refresh fetches (curated ones ship with the code)."""
    from pipelines.sources import SOURCES

    return [source for source in SOURCES.values() if not source.curated]


def recorded_sources():
    """Fetched sources the recorded archive has (a live API may be registered but unrecorded)."""
    return [source for source in fetched_sources() if (SHARED_SOURCES / source.id).is_dir()]


def unrecorded_sources():
    return [source for source in fetched_sources() if not (SHARED_SOURCES / source.id).is_dir()]


def asset_graph():
    from pipelines.definitions import defs

    return defs.resolve_asset_graph()


def raw_ancestors(graph, key) -> set[str]:
    seen, frontier, raw = {key}, [key], set()
    while frontier:
        node = graph.get(frontier.pop())
        if node.is_observable:
            raw.add(node.key.to_user_string())
        for parent in node.parent_keys:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return raw


def live_buildable_assets() -> list[str]:
    """What the mirror can feed: every recorded source's snapshot, and every asset none of
    whose raw inputs comes from an unrecorded source."""
    graph = asset_graph()
    unrecorded = {f"raw_{source.id}" for source in unrecorded_sources()}
    return sorted(
        key.to_user_string() for key in graph.get_all_asset_keys() if not raw_ancestors(graph, key) & unrecorded
    )


def staging_assets_of(source_ids) -> set[str]:
    """The parse-and-validate assets fed by nothing but one of these sources' raw snapshots."""
    graph = asset_graph()
    wanted = {f"raw_{source_id}" for source_id in source_ids}
    return {
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable
        and {p.to_user_string() for p in graph.get(key).parent_keys} in ({raw} for raw in wanted)
    }


def largest_recorded_file() -> int:
    """Bytes of the largest file a live refresh fetches (size-cap tests set the cap above it)."""
    return max(
        (SHARED_SOURCES / source.id / declared.name).stat().st_size
        for source in fetched_sources()
        for declared in source.files
        if (SHARED_SOURCES / source.id / declared.name).is_file()
    )


class ArchiveMirror(FaultServer):
    """FaultServer serving the recorded archive at `/<source_id>/<file>`, with per-file faults.

    Besides FaultServer's faults (reset, stall, truncate, bad_gzip) it understands:
    "hold" (wait until `release` is set, then answer normally: lets a test act while a
    refresh is parked inside a fetch), "stall_body" (send the headers and half the body,
    stall, then the rest) and "no_length" (no Content-Length: the body runs until the
    connection closes, so only the streaming size check can stop it).
    """

    def __init__(self, archive: Path = SHARED_SOURCES):
        super().__init__()
        self.archive = Path(archive)
        self.holding = threading.Event()
        self.release = threading.Event()
        self.served_at: dict[str, list[float]] = defaultdict(list)
        # A client that gave up (timeout, size cap) closes the socket under a handler that is
        # still writing; that is expected here, not worth a traceback on stderr.
        self._httpd.handle_error = lambda request, client_address: None
        self.serve_archive()

    @staticmethod
    def path(source_id: str, name: str) -> str:
        # The path exactly as requests sends it for `<mirror_url>/<source_id>/<name>`.
        return requote_uri(f"/{source_id}/{name}")

    def recorded(self, source_id: str, name: str) -> bytes:
        return (self.archive / source_id / name).read_bytes()

    def good(self, source_id: str, name: str) -> Reply:
        return Reply(200, self.recorded(source_id, name))

    def serve_archive(self) -> None:
        """(Re)route every declared file the archive has to its recorded bytes."""
        for source in fetched_sources():
            for declared in source.files:
                if (self.archive / source.id / declared.name).is_file():
                    self.route(self.path(source.id, declared.name), self.good(source.id, declared.name))

    def inject(self, source_id: str, name: str, *replies: Reply) -> str:
        """Script the replies for one file; the last one repeats."""
        return self.route(self.path(source_id, name), *replies)

    def hits_for(self, source_id: str, name: str) -> int:
        return self.hits(self.path(source_id, name))

    def _send(self, handler, reply: Reply) -> None:
        self.served_at[handler.path].append(time.monotonic())
        try:
            if reply.fault == "hold":
                self.holding.set()
                self.release.wait(HOLD_LIMIT_S)
                FaultServer._send(handler, Reply(reply.status, reply.body, reply.headers))
            elif reply.fault == "stall_body":
                self._stall_body(handler, reply)
            elif reply.fault == "no_length":
                self._no_length(handler, reply)
            else:
                FaultServer._send(handler, reply)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up first

    @staticmethod
    def _stall_body(handler, reply: Reply) -> None:
        handler.send_response(reply.status)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        half = len(reply.body) // 2
        handler.wfile.write(reply.body[:half])
        handler.wfile.flush()
        time.sleep(reply.stall_s)
        handler.wfile.write(reply.body[half:])

    @staticmethod
    def _no_length(handler, reply: Reply) -> None:
        handler.send_response(reply.status)
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for start in range(0, len(reply.body), 1 << 16):
            handler.wfile.write(reply.body[start : start + (1 << 16)])
        handler.close_connection = True


def copy_warehouse(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_entry(source_dir: Path, name: str) -> dict:
    manifest = tomllib.loads((source_dir / "SOURCE.toml").read_text(encoding="utf-8"))
    return next(entry for entry in manifest["files"] if entry["path"] == name)


def published_files(warehouse: Path) -> list[Path]:
    """What users read: the DuckDB file, the Parquet tables and any release folder."""
    files = [warehouse / "aifootprint.duckdb", *sorted((warehouse / "parquet").glob("*.parquet"))]
    releases = warehouse / "releases"
    if releases.is_dir():
        files += sorted(p for p in releases.rglob("*") if p.is_file())
    return [f for f in files if f.exists()]


def published_digests(warehouse: Path) -> dict[str, str]:
    return {str(f.relative_to(warehouse)): sha256_hex(f.read_bytes()) for f in published_files(warehouse)}


def folder_digests(folder: Path) -> dict[str, str]:
    """Every file below `folder`, hidden ones included (a leftover temp file is a difference)."""
    return {str(p.relative_to(folder)): sha256_hex(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def table_rows(warehouse: Path, table_name: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        return con.execute(f'select * from "{table_name}" order by all').fetchall()


def cli_env(warehouse: Path, dagster_home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"AIFOOTPRINT_ARCHIVE", "AIFOOTPRINT_SOURCE_MIRROR", "AIFOOTPRINT_WAREHOUSE"}
    }
    env.update({"AIFOOTPRINT_WAREHOUSE": str(warehouse), "DAGSTER_HOME": str(dagster_home), **extra})
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def start_cli(*args: str, warehouse: Path, dagster_home: Path, **extra_env: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli_command(*args),
        env=cli_env(warehouse, dagster_home, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
