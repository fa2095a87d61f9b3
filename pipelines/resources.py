"""Dagster resources: the raw store (live fetch or archive) and the warehouse."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines import archive, settings, warehouse
from pipelines.errors import ArchiveError
from pipelines.fetch import FetchPolicy, HttpFetcher
from pipelines.sources._base import RawSource, Source


class RawStore(dg.ConfigurableResource):
    """Where raw files come from.

    Archive mode (`archive_dir` set): files are resolved by source id + file name in a raw
    archive and sha256-checked. Live mode: each declared URL is fetched (or `mirror_url`
    + `<source_id>/<file>`), written with its manifest under `<warehouse>/raw/`, and then
    resolved from there exactly as from an archive.
    """

    warehouse_dir: str
    archive_dir: str | None = None
    mirror_url: str | None = None
    # Live mode: sources whose hosts were unreachable and whose recorded bytes the refresh has
    # already copied from the fallback archive into `<warehouse>/raw/` (pipelines/offline.py).
    offline_sources: list[str] = []
    # Fetch policy, overridable per run (tests use short timeouts); defaults are FetchPolicy's.
    connect_timeout_s: float = FetchPolicy.connect_timeout_s
    read_timeout_s: float = FetchPolicy.read_timeout_s
    max_attempts: int = FetchPolicy.max_attempts
    backoff_initial_s: float = FetchPolicy.backoff_initial_s
    backoff_max_s: float = FetchPolicy.backoff_max_s
    max_bytes: int = FetchPolicy.max_bytes
    # None: AIFOOTPRINT_FETCH_DEADLINE_S / AIFOOTPRINT_FETCH_MIN_BYTES_PER_S (see pipelines/fetch.py).
    file_deadline_s: float | None = None
    min_bytes_per_s: float | None = None

    @property
    def snapshot_dir(self) -> Path:
        return Path(self.archive_dir) if self.archive_dir else Path(self.warehouse_dir) / "raw"

    @property
    def mode(self) -> str:
        return "archive" if self.archive_dir else "live"

    def has_snapshot(self, source: Source) -> bool:
        """False only for a source an archive never recorded (no folder at all)."""
        return source.curated or (self.snapshot_dir / source.id).is_dir()

    def open(self, source: Source) -> RawSource:
        """The current snapshot of a source, sha256-checked."""
        if source.curated:
            return archive.resolve_curated(settings.curated_dir(), source)
        return archive.resolve_from_archive(self.snapshot_dir, source)

    def snapshot(self, source: Source, log=None) -> RawSource:
        """Take a snapshot: verify the archive, or fetch every file into `<warehouse>/raw/`."""
        if self.archive_dir or source.curated or source.id in self.offline_sources:
            return self.open(source)
        return self._fetch_source(source, log or (lambda message: None))

    def _fetch_source(self, source: Source, log) -> RawSource:
        fetcher = HttpFetcher(
            FetchPolicy(
                self.connect_timeout_s,
                self.read_timeout_s,
                self.max_attempts,
                self.backoff_initial_s,
                self.backoff_max_s,
                self.max_bytes,
                self.file_deadline_s,
                self.min_bytes_per_s,
            ),
            log=log,
        )
        source_dir = Path(self.warehouse_dir) / "raw" / source.id
        previous = self._previous_entries(source_dir, source)
        source_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=source_dir.parent, prefix=f".{source.id}-"))
        entries, fetched = [], []
        try:
            for declared in source.files:
                url = f"{self.mirror_url.rstrip('/')}/{source.id}/{declared.name}" if self.mirror_url else declared.url
                old = previous.get(declared.name)
                if old and declared.sha256 and old.get("sha256") != declared.sha256:
                    old = None  # bytes from before the pin: fetch the pinned ones, not a 304
                # Streamed to the staging file as it arrives: memory stays flat however big the file.
                with open(staging / declared.name, "w+b") as sink:
                    result = fetcher.fetch(
                        url,
                        source_id=source.id,
                        file=declared.name,
                        headers=declared.headers,
                        etag=old.get("etag") if old else None,
                        last_modified=old.get("last_modified") if old else None,
                        max_bytes=declared.max_bytes,
                        expect_html=declared.format == "html",
                        expected_sha256=declared.sha256,
                        sink=sink,
                    )
                now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                if result.not_modified:
                    (staging / declared.name).unlink(missing_ok=True)
                    log(f"{source.id}/{declared.name}: not modified since last fetch")
                    entries.append({**old, "checked_at": now})
                    continue
                fetched.append(declared.name)
                entries.append(
                    {
                        "path": declared.name,
                        "url": declared.url,
                        "obtained_from": url,
                        "sha256": result.sha256,
                        "bytes": result.bytes,
                        "data_as_of": declared.data_as_of or _date_of(result.last_modified) or now[:10],
                        "format": declared.format,
                        "fetched_at": now,
                        "etag": result.etag,
                        "last_modified": result.last_modified,
                    }
                )
            # Every file arrived: only now replace the previous snapshot's files and manifest.
            for name in fetched:
                (staging / name).replace(source_dir / name)
            archive.write_manifest(source_dir, source, entries)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return archive.resolve_from_archive(source_dir.parent, source)

    @staticmethod
    def _previous_entries(source_dir: Path, source: Source) -> dict[str, dict]:
        """Manifest entries whose file is still intact, for conditional GET."""
        if not (source_dir / archive.MANIFEST).is_file():
            return {}
        try:
            manifest = archive.read_manifest(source_dir, source.id)
        except ArchiveError:
            return {}
        intact = {}
        for entry in manifest.get("files", []):
            try:
                path = archive.safe_child(source_dir, str(entry.get("path", "")), source.id)
            except ArchiveError:
                continue  # a manifest path escaping the source folder is never read
            if path.is_file() and archive.sha256_of(path) == entry.get("sha256"):
                intact[entry["path"]] = entry
        return intact


def _date_of(http_date: str | None) -> str | None:
    if not http_date:
        return None
    try:
        return parsedate_to_datetime(http_date).date().isoformat()
    except (TypeError, ValueError):
        return None


class WarehouseResource(dg.ConfigurableResource):
    """The published tables: Parquet files plus the DuckDB database, written atomically."""

    warehouse_dir: str

    @property
    def store(self) -> warehouse.Warehouse:
        return warehouse.Warehouse(Path(self.warehouse_dir))

    def publish(self, table_name: str, frame: pd.DataFrame) -> dict:
        # A refresh never silently drops a source's rows (see Warehouse.refuse_shrink).
        return self.store.publish(table_name, frame, guard_shrink=True)
