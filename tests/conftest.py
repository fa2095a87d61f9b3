from __future__ import annotations

import hashlib
from pathlib import Path

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
            files[path.name] = RawFile(source_id, path.name, path, f"https://example.invalid/{path.name}",
                                       hashlib.sha256(data).hexdigest(), len(data), vintage)
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
    outcome = run_refresh(archive_dir=SHARED_SOURCES, warehouse_dir=warehouse,
                          instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, "\n".join(outcome.report_lines())
    return warehouse


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
