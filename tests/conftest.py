from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from pipelines.archive import resolve_from_archive
from pipelines.sources._base import RawFile, RawSource

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_SOURCES = REPO.parent / "shared" / "sources"


def fixture_source(source_id: str, vintage: str = "2024-01-01", folder: Path | None = None) -> RawSource:
    """A RawSource over the hand-written fixture files in tests/fixtures/<source_id>/."""
    folder = folder or FIXTURES / source_id
    files = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            data = path.read_bytes()
            files[path.name] = RawFile(
                source_id,
                path.name,
                path,
                f"https://example.invalid/{path.name}",
                hashlib.sha256(data).hexdigest(),
                len(data),
                vintage,
            )
    return RawSource(source_id, files)


@pytest.fixture
def shared_sources() -> Path:
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES} (integration data lives beside the repo)")
    return SHARED_SOURCES


def real_source(source_id: str, names: list[str] | None = None) -> RawSource:
    """The recorded real files of a source (or the `names` among them), resolved and sha256-checked
    from ../shared/sources; the test is skipped, saying so, where that recording is not present."""
    from pipelines.sources import SOURCES

    if not (SHARED_SOURCES / source_id / "SOURCE.toml").is_file():
        pytest.skip(f"recorded {source_id} files not present under {SHARED_SOURCES}")
    return resolve_from_archive(SHARED_SOURCES, SOURCES[source_id], names=names)


def real_rows(source_id: str, table: str) -> pd.DataFrame:
    """A fetched source's rows of `table`, parsed from its recorded files, with source_id and source_vintage."""
    from pipelines.assets.factory import with_provenance
    from pipelines.sources import SOURCES

    raw = real_source(source_id)
    return with_provenance(SOURCES[source_id].parsers[table](raw), raw)


def writable_archive_copy(destination: Path) -> Path:
    """A copy of the recorded archive at `destination` that tests may change (the recording is read-only)."""
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES}")
    shutil.copytree(SHARED_SOURCES, destination)
    for path in destination.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return destination


def rewrite_archive_file(archive: Path, source_id: str, name: str, data: bytes) -> None:
    """Replace one archived file and fix its sha256 and size in SOURCE.toml, so only the
    parser and the schemas stand between these bytes and the published tables."""
    source_dir = archive / source_id
    manifest = source_dir / "SOURCE.toml"
    old_sha = hashlib.sha256((source_dir / name).read_bytes()).hexdigest()
    (source_dir / name).write_bytes(data)
    head, *blocks = manifest.read_text(encoding="utf-8").split("[[files]]")
    updated = []
    for block in blocks:
        entry = tomllib.loads(block)
        if entry.get("path") == name:
            assert entry["sha256"] == old_sha, f"{source_id}/{name}: archive copy already modified"
            block = block.replace(old_sha, hashlib.sha256(data).hexdigest())
            block = block.replace(f"bytes = {entry['bytes']}\n", f"bytes = {len(data)}\n")
        updated.append(block)
    manifest.write_text("[[files]]".join([head, *updated]), encoding="utf-8")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """A warehouse refreshed once per test session from the recorded sources (archive mode).

    Tests must treat it as read-only; copy it (shutil.copytree) to change anything.
    """
    import dagster as dg

    from pipelines.refresh import run_refresh

    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES}")
    warehouse = tmp_path_factory.mktemp("warehouse")
    outcome = run_refresh(archive_dir=SHARED_SOURCES, warehouse_dir=warehouse, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, "\n".join(outcome.report_lines())
    return warehouse


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def curated_rows(source, table: str):
    """A curated source's published rows of `table`, parsed from pipelines/curated/ and validated."""
    from pipelines import settings
    from pipelines.archive import resolve_curated
    from pipelines.assets.factory import with_provenance
    from pipelines.validation import validate

    raw = resolve_curated(settings.curated_dir(), source)
    return validate(table, with_provenance(source.parsers[table](raw), raw), source_id=source.id)


def edited_fixture_source(tmp_path, source_id, file, edit):
    """The fixture files of `source_id` copied to tmp_path, with `file` changed by `edit` (text -> text)."""
    shutil.copytree(FIXTURES / source_id, tmp_path, dirs_exist_ok=True)
    path = tmp_path / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return fixture_source(source_id, folder=tmp_path)


def one(frame: pd.DataFrame, **where):
    """The one row of `frame` whose columns equal `where` (None: missing); fails unless exactly one matches."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].isna() if value is None else frame[column] == value
    match = frame[mask]
    assert len(match) == 1, f"expected one row for {where}, got {len(match)}"
    return match.iloc[0]


@pytest.fixture(scope="module")
def gcp_regions():
    """gcp_region_carbon's recorded cloud regions (its own tests and codecarbon's cloud-regions test)."""
    from pipelines.sources import gcp_region_carbon

    return gcp_region_carbon.parse_cloud_regions(real_source("gcp_region_carbon"))
