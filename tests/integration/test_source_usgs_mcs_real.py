"""usgs_mcs: the recorded USGS Mineral Commodity Summaries files match their pinned sha256."""

import pytest

from conftest import real_source
from pipelines.sources import SOURCES

pytestmark = pytest.mark.integration


def test_usgs_files_match_their_pinned_sha256():
    raw = real_source("usgs_mcs")
    pinned = {f.name: f.sha256 for f in SOURCES["usgs_mcs"].files}
    assert {name: f.sha256 for name, f in raw.files.items()} == pinned
