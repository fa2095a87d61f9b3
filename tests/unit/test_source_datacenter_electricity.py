"""datacenter_electricity sources: CSO MEC02 (JSON-stat), OWID shares (CSV), curated IEA/LBNL rows; views."""

import json
import shutil

import duckdb
import pandas as pd
import pytest

from conftest import FIXTURES, REPO, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import (
    cso_ie_datacentre_electricity as cso,
    curated_datacenter_electricity as curated,
    owid_datacentre_share as owid,
)
from pipelines.validation import validate

SQL = REPO / "warehouse" / "sql"


def parse(module, folder=None):
    raw = fixture_source(module.SOURCE_ID, folder=folder)
    return module.parse_datacenter_electricity(raw).assign(source_id=module.SOURCE_ID, source_vintage="2026-07-07")


def curated_frame():
    raw = fixture_source(curated.SOURCE_ID, folder=REPO / "pipelines" / "curated")
    frame = curated.parse_datacenter_electricity(raw)
    return frame.assign(source_id=curated.SOURCE_ID, source_vintage=curated.DATA_AS_OF)


def test_cso_quarters_in_twh_with_share_of_all_metered():
    frame = parse(cso).set_index(["year", "quarter"])
    assert frame.loc[(2025, 4), "electricity_twh_central"] == pytest.approx(1.991)
    assert frame.loc[(2025, 4), "share_of_demand_pct_central"] == pytest.approx(100 * 1991 / 8420)
    assert frame.loc[(2015, 1), "electricity_twh_central"] == pytest.approx(0.291)
    assert set(frame["basis"]) == {"metered"} and set(frame["zone_id"]) == {"IRL"}
    assert len(validate("datacenter_electricity", parse(cso), source_id=cso.SOURCE_ID)) == 6


def edited_cso(tmp_path, change):
    shutil.copy(FIXTURES / cso.SOURCE_ID / cso.FILE, tmp_path / cso.FILE)
    dataset = json.loads((tmp_path / cso.FILE).read_text())
    change(dataset)
    (tmp_path / cso.FILE).write_text(json.dumps(dataset))
    return tmp_path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["value"].pop(), "'value' must be an array of 18 cells"),
        (lambda d: d["value"].__setitem__(1, "n/a"), "non-numeric value 'n/a'"),
        (
            lambda d: d["dimension"]["C03907V04659"]["category"]["label"].__setitem__("10", "Hospitals"),
            "'Data centres' not both found",
        ),
        (lambda d: d["dimension"]["STATISTIC"]["category"]["unit"]["MEC02"].__setitem__("label", "MWh"), "unit 'MWh'"),
        (lambda d: d.__setitem__("class", "collection"), "not a JSON-stat 2.0 dataset"),
    ],
)
def test_cso_bad_responses_fail_with_a_message(tmp_path, change, message):
    with pytest.raises(SourceFormatError, match="MEC02.json") as error:
        parse(cso, edited_cso(tmp_path, change))
    assert message in str(error.value)


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


def warehouse_with(frames, demand=None):
    con = duckdb.connect()
    con.register("rows", pd.concat(frames, ignore_index=True))
    con.execute("create table datacenter_electricity as select * from rows")
    if demand is not None:
        con.register("demand", demand)
        con.execute("create table electricity_demand_yearly as select * from demand")
    from pipelines.warehouse import apply_sql

    return con, apply_sql(con)


def test_projection_vs_latest_answers_the_readme_question():
    con, _ = warehouse_with([parse(cso), curated_frame()])
    rows = con.execute(
        "select figure, year, quarter, electricity_twh_low, electricity_twh_central, "
        "electricity_twh_high from datacenter_electricity_projection_vs_latest"
    ).fetchall()
    assert rows[0] == ("IEA projection for 2026", 2026, None, 620, None, 1050)
    assert rows[1] == ("IEA latest world estimate", 2024, None, None, 415, None)
    # The fixture's only complete year is 2024: 1,659 + 1,692 + 1,793 + 1,830 GWh.
    assert rows[2][:2] == ("Latest metered year (Ireland, CSO)", 2024) and rows[2][4] == pytest.approx(6.974)
    assert rows[3][:3] == ("Latest metered quarter (Ireland, CSO)", 2025, 4) and rows[3][4] == pytest.approx(1.991)


def test_country_comparison_exists_only_with_electricity_demand_yearly():
    con, applied = warehouse_with([curated_frame()])
    assert "34_datacenter_vs_country_demand.sql" not in applied
    demand = pd.DataFrame(
        {
            "zone_id": ["JPN", "JPN", "DEU", "IND"],
            "zone_name": ["Japan", "Japan", "Germany", "India"],
            "zone_type": "country",
            "year": [2023, 2024, 2024, 2024],
            "demand_twh": [990.0, 1000.0, 500.0, 2000.0],
            "source_file": "f",
            "source_id": "ember_yearly",
            "source_vintage": "2025-01-01",
        }
    )
    con, applied = warehouse_with([curated_frame()], demand)
    assert "34_datacenter_vs_country_demand.sql" in applied
    japan = con.execute(
        "select demand_year, country_demand_twh, ratio_to_country, closeness_rank from "
        "datacenter_electricity_vs_country_demand where country_zone_id = 'JPN' and year = 2030 "
        "and series = 'IEA Energy and AI'"
    ).fetchall()
    assert japan == [(2024, 1000.0, 0.945, 1)]
