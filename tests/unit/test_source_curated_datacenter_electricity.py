"""curated_datacenter_electricity: curated IEA/LBNL projections with ranges and citations."""

import pytest

from datacenter_electricity_frames import curated_frame
from pipelines.sources import curated_datacenter_electricity as curated
from pipelines.validation import validate


def test_curated_projections_carry_ranges_and_citations():
    frame = validate("datacenter_electricity", curated_frame(), source_id=curated.SOURCE_ID).set_index(
        ["zone_id", "year", "series"]
    )
    iea_2026 = frame.loc[("WLD", 2026, "IEA Electricity 2024")]
    assert (iea_2026["electricity_twh_low"], iea_2026["electricity_twh_high"]) == (620, 1050)
    assert iea_2026["basis"] == "projection"
    assert iea_2026["citation_url"] == "https://www.iea.org/reports/electricity-2024"
    lbnl = frame.loc[("USA", 2028, "LBNL 2024 United States Data Center Energy Usage Report")]
    assert (lbnl["electricity_twh_low"], lbnl["electricity_twh_high"], lbnl["share_of_demand_pct_high"]) == (
        325,
        580,
        12,
    )
    assert frame.loc[("WLD", 2030, "IEA Energy and AI"), "electricity_twh_central"] == 945


def test_range_out_of_order_is_refused():
    frame = curated_frame()
    frame.loc[0, "electricity_twh_low"] = 5000.0
    with pytest.raises(Exception, match="low <= central <= high"):
        validate("datacenter_electricity", frame.assign(electricity_twh_high=frame["electricity_twh_low"] - 1))
