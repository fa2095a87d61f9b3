"""warehouse/sql/13_grid_hourly.sql on fixture rows: gaps, exact-hours windows, monthly weighting,
the greenest window against a brute-force scan."""

import duckdb
import pandas as pd
import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.settings import sql_dir
from pipelines.sources import emaps_hourly, ember_monthly, oge_hourly_ba
from pipelines.validation import validate


def _hourly_rows(zone_id: str, start: str, values: list[float]) -> pd.DataFrame:
    hours = pd.date_range(start, periods=len(values), freq="h", tz="UTC")
    return pd.DataFrame(
        {
            "zone_id": zone_id,
            "zone_name": zone_id,
            "zone_type": "subregion",
            "country_zone_id": "USA",
            "hour_start_utc": hours,
            "year": hours.year,
            "direct_gco2e_per_kwh": values,
            "lifecycle_gco2e_per_kwh": None,
            "low_carbon_pct": None,
            "renewable_pct": None,
            "accounting": "consumption",
            "is_estimated": False,
            "estimation_method": None,
            "source_file": "x.csv",
            "source_id": "oge_hourly_ba",
            "source_vintage": "2024-03-06",
        }
    )


# Two days of a made-up zone with a clear dip at 12:00-15:00 on the first day.
SERIES = [300.0 - (100.0 if 12 <= h % 24 < 16 and h < 24 else 0.0) + (h % 5) for h in range(48)]


@pytest.fixture()
def con():
    frames = []
    for module, source_id in ((emaps_hourly, "emaps_hourly"), (oge_hourly_ba, "oge_hourly_ba")):
        raw = fixture_source(source_id)
        frames.append(
            validate(
                "grid_intensity_hourly",
                with_provenance(module.parse_grid_intensity_hourly(raw), raw),
                source_id=source_id,
            )
        )
    frames.append(validate("grid_intensity_hourly", _hourly_rows("XX-TEST", "2023-05-01", SERIES)))
    hourly = pd.concat(frames, ignore_index=True)
    raw = fixture_source("ember_monthly")
    monthly = validate("grid_intensity_monthly", with_provenance(ember_monthly.parse_grid_intensity_monthly(raw), raw))
    annual = pd.DataFrame(
        {
            "zone_id": ["DEU"],
            "year": [2023],
            "source_id": ["owid_energy"],
            "basis": ["lifecycle"],
            "gco2e_per_kwh": [380.0],
        }
    )
    connection = duckdb.connect()
    for name, frame in (
        ("grid_intensity_hourly", hourly),
        ("grid_intensity_monthly", monthly),
        ("grid_carbon_intensity", annual),
    ):
        connection.register("frame", frame)
        connection.execute(f"create table {name} as select * from frame")
        connection.unregister("frame")
    connection.execute((sql_dir() / "13_grid_hourly.sql").read_text(encoding="utf-8"))
    yield connection
    connection.close()


def test_gap_is_reported(con):
    assert con.execute("select zone_id, missing_hours from grid_hourly_gaps where zone_id = 'DEU'").fetchall() == [
        ("DEU", 1)
    ]


def test_window_weights_partial_hours(con):
    # 00:30 for 1.5 hours: half of 00:00 (140.51), all of 01:00 (140.44).
    row = con.execute(
        "select gco2e_per_kwh, covered_hours from grid_hourly_window('DEU', "
        "'2023-01-01 00:30:00+00'::timestamptz, 1.5, 'direct')"
    ).fetchone()
    assert row[1] == pytest.approx(1.5)
    assert row[0] == pytest.approx((0.5 * 140.51 + 1.0 * 140.44) / 1.5)


def test_window_over_a_gap_is_not_complete(con):
    row = con.execute(
        "select covered_hours from grid_hourly_window('DEU', '2023-01-01 02:00:00+00'::timestamptz, 3, 'direct')"
    ).fetchone()
    assert row[0] == pytest.approx(2.0)  # 03:00 is missing, so a caller falls back


def test_dst_change_window_counts_utc_hours(con):
    # 09:00-11:00 UTC on 14 March 2021 spans California's clock change; one of the two hours is missing
    # from the fixture only where it is (none here), so both weigh one hour.
    row = con.execute(
        "select gco2e_per_kwh, covered_hours from grid_hourly_window('US-CAL-CISO', "
        "'2021-03-14 09:00:00+00'::timestamptz, 2, 'direct')"
    ).fetchone()
    assert row[1] == pytest.approx(2.0)
    assert row[0] == pytest.approx((576.5 + 586.0) / 2 * 0.453592)


def test_monthly_window_weights_months_by_hours(con):
    # 20:00 on 31 March to 04:00 on 1 April 2025: 4 hours of March, 4 of April.
    row = con.execute(
        "select gco2e_per_kwh, covered_hours from grid_monthly_window('DEU', '2025-03-31 20:00:00+00'::timestamptz, 8)"
    ).fetchone()
    assert row == (pytest.approx((370.1 + 361.174) / 2), pytest.approx(8.0))


@pytest.mark.parametrize("hours", [1, 3, 4, 7, 24])
def test_greenest_window_matches_brute_force(con, hours):
    row = con.execute(
        "select best_start_utc, best_mean_gco2e_per_kwh, average_start_mean_gco2e_per_kwh, "
        "starts_compared from grid_greenest_window('XX-TEST', ?, 'direct')",
        [hours],
    ).fetchone()
    means = [sum(SERIES[i : i + hours]) / hours for i in range(len(SERIES) - hours + 1)]
    best = min(range(len(means)), key=lambda i: (means[i], i))
    assert row[3] == len(means)
    assert pd.Timestamp(row[0]).tz_convert("UTC") == pd.Timestamp("2023-05-01", tz="UTC") + pd.Timedelta(hours=best)
    assert row[1] == pytest.approx(means[best])
    assert row[2] == pytest.approx(sum(means) / len(means))


def test_hourly_mean_beside_annual(con):
    rows = con.execute(
        "select hourly_basis, annual_gco2e_per_kwh, same_area from grid_hourly_vs_annual "
        "where zone_id = 'DEU' and annual_source_id = 'owid_energy' order by 1"
    ).fetchall()
    assert rows == [("direct", 380.0, True), ("lifecycle", 380.0, True)]
