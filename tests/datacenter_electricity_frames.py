"""datacenter_electricity rows parsed from the fixtures, shared by the per-source tests and the views test."""

from conftest import REPO, fixture_source
from pipelines.sources import curated_datacenter_electricity as curated


def parse(module, folder=None):
    raw = fixture_source(module.SOURCE_ID, folder=folder)
    return module.parse_datacenter_electricity(raw).assign(source_id=module.SOURCE_ID, source_vintage="2026-07-07")


def curated_frame():
    raw = fixture_source(curated.SOURCE_ID, folder=REPO / "pipelines" / "curated")
    frame = curated.parse_datacenter_electricity(raw)
    return frame.assign(source_id=curated.SOURCE_ID, source_vintage=curated.DATA_AS_OF)
