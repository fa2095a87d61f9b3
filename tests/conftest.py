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


def real_source(source_id: str) -> RawSource:
    """The recorded real files of a source, resolved and sha256-checked from ../shared/sources."""
    from pipelines.sources import SOURCES

    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES}")
    return resolve_from_archive(SHARED_SOURCES, SOURCES[source_id])
