"""Archive mode: resolve by source id + file name, verify sha256, refuse escaping paths."""

import hashlib

import pytest

from pipelines.archive import read_manifest, resolve_from_archive, write_manifest
from pipelines.errors import ArchiveError
from pipelines.sources._base import Source, SourceFile

SOURCE = Source(
    id="demo",
    title="Demo",
    publisher="Demo Org",
    license="CC-BY-4.0",
    homepage="https://example.org",
    files=(SourceFile("data.csv", "https://example.org/latest/data.csv", "csv"),),
)
BODY = b"zone,value\nFRA,56\n"


def make_archive(root, body=BODY, sha=None, path="data.csv"):
    folder = root / "demo"
    folder.mkdir(parents=True)
    (folder / "data.csv").write_bytes(body)
    write_manifest(
        folder,
        SOURCE,
        [
            {
                "path": path,
                "url": "https://example.org/v1/data.csv",
                "sha256": sha or hashlib.sha256(body).hexdigest(),
                "bytes": len(body),
                "data_as_of": "2025-03-01",
                "format": "csv",
            }
        ],
    )
    return root


def test_resolves_by_name_not_url_and_reads_vintage(tmp_path):
    raw = resolve_from_archive(make_archive(tmp_path), SOURCE)
    entry = raw.file("data.csv")
    assert entry.read_bytes() == BODY
    assert entry.vintage == "2025-03-01"
    assert entry.url == "https://example.org/v1/data.csv"  # the URL these bytes came from


def test_sha256_mismatch_names_source_file_and_both_digests(tmp_path):
    make_archive(tmp_path, sha="0" * 64)
    with pytest.raises(ArchiveError, match=r"source 'demo', file 'data.csv': sha256 mismatch: manifest says 0{64}"):
        resolve_from_archive(tmp_path, SOURCE)


def test_missing_file_is_an_error_naming_it(tmp_path):
    make_archive(tmp_path)
    (tmp_path / "demo" / "data.csv").unlink()
    with pytest.raises(ArchiveError, match="source 'demo', file 'data.csv': listed in the manifest but missing"):
        resolve_from_archive(tmp_path, SOURCE)


def test_file_not_in_manifest(tmp_path):
    make_archive(tmp_path, path="other.csv")
    with pytest.raises(ArchiveError, match="file 'data.csv': not listed in"):
        resolve_from_archive(tmp_path, SOURCE)


def test_missing_source_folder(tmp_path):
    with pytest.raises(ArchiveError, match="source 'demo', file 'SOURCE.toml': no manifest"):
        resolve_from_archive(tmp_path, SOURCE)


def test_manifest_path_cannot_escape_the_source_folder(tmp_path):
    escaping = Source(
        id="demo",
        title="",
        publisher="",
        license="",
        homepage="",
        files=(SourceFile("../../etc/passwd", "https://example.org/x", "csv"),),
    )
    make_archive(tmp_path, path="../../etc/passwd")
    with pytest.raises(ArchiveError, match="escapes the source folder"):
        resolve_from_archive(tmp_path, escaping)


def test_written_manifest_round_trips(tmp_path):
    make_archive(tmp_path)
    manifest = read_manifest(tmp_path / "demo", "demo")
    assert manifest["license"] == "CC-BY-4.0"
    assert manifest["files"][0]["sha256"] == hashlib.sha256(BODY).hexdigest()
