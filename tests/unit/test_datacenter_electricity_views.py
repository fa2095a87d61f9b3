"""datacenter_electricity views built from several sources (CSO metered rows, curated IEA/LBNL projections).

Each source's own parser tests are in tests/unit/test_source_<source_id>.py."""

import duckdb
import pandas as pd
import pytest

from conftest import REPO
from datacenter_electricity_frames import curated_frame, parse
from pipelines.sources import cso_ie_datacentre_electricity as cso

SQL = REPO / "warehouse" / "sql"


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
