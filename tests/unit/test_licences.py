"""Which sources a release may republish, and how rows are left out."""

import dataclasses

import pandas as pd
import pytest

from pipelines.licences import decide, releasable_rows
from pipelines.sources import SOURCES


def _with_licence(text, redistributable=None):
    return dataclasses.replace(SOURCES["owid_energy"], license=text, redistributable=redistributable)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CC-BY-4.0", True),
        ("CC-BY-SA-4.0 (Ember)", True),
        ("ODbL-1.0", True),
        ("Apache-2.0", True),
        ("Public domain (US federal government work)", True),
        ("", False),
        ("unknown (published for public use)", False),
        ("no explicit data licence found (code is Apache-2.0)", False),
        ("United Nations terms of use", False),
    ],
)
def test_licence_text_decides(text, expected):
    assert decide(_with_licence(text)).redistributable is expected


def test_declared_flag_wins_over_the_text():
    assert decide(_with_licence("ODbL-1.0", redistributable=False)).redistributable is False
    assert decide(_with_licence("unknown", redistributable=True)).redistributable is True


def test_rows_of_restricted_sources_are_withheld_and_counted():
    frame = pd.DataFrame(
        {"source_id": ["emaps_hourly", "oge_hourly_ba", "emaps_hourly", "not_a_source"], "value": [1, 2, 3, 4]}
    )
    kept, withheld = releasable_rows(frame, "grid_intensity_hourly")
    assert kept["value"].tolist() == [2]
    assert {(w.source_id, w.rows) for w in withheld} == {("emaps_hourly", 2), ("not_a_source", 1)}


def test_the_sources_catalogue_keeps_every_row():
    frame = pd.DataFrame({"source_id": ["emaps_hourly", "owid_energy"]})
    kept, withheld = releasable_rows(frame, "sources")
    assert len(kept) == 2 and withheld == []
