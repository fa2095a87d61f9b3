"""owid_datacentre_share: OWID data-centre shares of electricity demand (CSV), on the fixture."""

import pytest

from datacenter_electricity_frames import parse
from pipelines.errors import SourceFormatError
from pipelines.sources import owid_datacentre_share as owid
from pipelines.validation import validate


def test_owid_shares_by_zone():
    frame = parse(owid)
    world = frame[frame["zone_id"] == "WLD"].set_index("year")["share_of_demand_pct_central"]
    assert sorted(world.index) == [2020, 2023, 2024, 2025] and world[2020] == pytest.approx(1.01, abs=0.01)
    usa = frame[frame["zone_id"] == "USA"].iloc[0]
    assert (usa["zone_type"], usa["year"], usa["basis"]) == ("country", 2025, "estimate")
    assert "AGG-WORLD-EXCL-UNITED-STATES-AND-CHINA" in set(frame["zone_id"])
    assert len(validate("datacenter_electricity", frame, source_id=owid.SOURCE_ID)) == len(frame)


def test_owid_share_outside_0_100_is_refused(tmp_path):
    (tmp_path / owid.FILE).write_text("entity,code,year,share\nWorld,OWID_WRL,2024,150")
    with pytest.raises(SourceFormatError, match="outside 0-100"):
        parse(owid, tmp_path)
