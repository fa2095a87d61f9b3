"""curated_ewaste rows parsed from the fixture, shared by its source test and the e-waste warehouse tests."""

from conftest import FIXTURES, fixture_source
from pipelines.sources import curated_ewaste

FOLDER = FIXTURES / "curated_ewaste"


def parse(folder=FOLDER):
    frame = curated_ewaste.parse_ewaste_statistics(fixture_source("curated_ewaste", folder=folder))
    return frame.assign(source_id="curated_ewaste", source_vintage="2026-11-25")
