"""Fixtures for the fault suite (issue #7); the helpers they use live in support.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import writable_archive_copy

from .support import FAST_FETCH, ArchiveMirror, live_buildable_assets, require_shared_sources


@pytest.fixture
def mirror():
    """A fault-free mirror of the recorded archive; tests script faults per file."""
    require_shared_sources()
    with ArchiveMirror() as server:
        yield server
        server.release.set()  # never leave a held handler behind


@pytest.fixture(scope="session")
def live_warehouse(built_warehouse, tmp_path_factory) -> Path:
    """The archive-built warehouse refreshed once live through a fault-free mirror: every
    recorded source has its snapshot in raw/ and its assets rebuilt from the fetched bytes.
    (Assets fed by a source the archive never recorded keep their archive-mode state.)
    Read-only: copy it."""
    import dagster as dg

    from pipelines.refresh import run_refresh

    warehouse = tmp_path_factory.mktemp("live") / "warehouse"
    shutil.copytree(built_warehouse, warehouse)
    with ArchiveMirror() as server:
        outcome = run_refresh(
            warehouse_dir=warehouse,
            mirror_url=server.url,
            instance=dg.DagsterInstance.ephemeral(),
            select=live_buildable_assets(),
            **FAST_FETCH,
        )
    assert outcome.success, "\n".join(outcome.report_lines())
    return warehouse


@pytest.fixture
def archive_copy(tmp_path) -> Path:
    """A writable copy of the recorded archive."""
    return writable_archive_copy(tmp_path / "archive")
