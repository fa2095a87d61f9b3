"""The footprint SQL (warehouse/sql/30_footprint.sql) on a tiny warehouse built from fixture rows.

`build_fixture_warehouse` is shared with the API and CLI tests: real-shaped rows of the tables
the footprint macros read, with every warehouse SQL file applied over them (so the preferred
grid and accelerator views are the real ones).
"""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import curated_rows
from pipelines.sources import curated_calculation_defaults
from pipelines.warehouse import DATABASE_NAME, apply_sql

LB_TO_KG = 0.45359237

GRID = pd.DataFrame(
    [
        # zone_id, zone_name, zone_type, year, gco2e_per_kwh, basis, source_id, source_vintage, source_file
        ("FRA", "France", "country", 2020, 59.08005, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("FRA", "France", "country", 2022, 78.55024, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("USA", "United States", "country", 2020, 411.6982, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("USA", "United States", "country", 2023, 392.848, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("WLD", "World", "aggregate", 2022, 489.7454, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("WLD", "World", "aggregate", 2023, 484.40286, "lifecycle", "owid_energy", "2025-07-30", "owid.csv"),
        ("USA-CA", "California", "subregion", 2022, 216.43, "unknown", "green_algorithms", "2022-10-22", "CI.csv"),
    ],
    columns=[
        "zone_id",
        "zone_name",
        "zone_type",
        "year",
        "gco2e_per_kwh",
        "basis",
        "source_id",
        "source_vintage",
        "source_file",
    ],
)

# accelerator_specs and hardware_embodied_emissions rows (the columns warehouse/sql/20_hardware.sql
# and 21_hardware_embodied.sql read), from which those files build the preferred views.
SPECS = pd.DataFrame(
    [
        # canonical_model, vendor, model, kind, tdp_w, memory_gb, release_year, source_id, source_vintage
        ("h100-sxm", "NVIDIA", "H100 SXM5 80GB", "gpu", 700.0, 80.0, 2022, "mlco2_impact", "2024-01-01"),
        ("h100-sxm", "NVIDIA", "H100 SXM", "gpu", 700.0, None, None, "boavizta", "2024-05-01"),
        ("a100-sxm-80gb", "NVIDIA", "A100 SXM4 80 GB", "gpu", 400.0, 80.0, 2020, "mlco2_impact", "2024-01-01"),
        # Boavizta names the model but gives no TDP: the view takes Green Algorithms' 300 W.
        ("v100-sxm-32gb", "NVIDIA", "Tesla V100-SXM2-32GB", "gpu", None, 32.0, 2017, "boavizta", "2024-05-01"),
        ("v100-sxm-32gb", "NVIDIA", "Tesla V100 SXM2 32GB", "gpu", 300.0, 32.0, 2017, "green_algorithms", "2025-02-05"),
        ("tpu-v4", "Google", "TPU v4", "tpu", None, 32.0, 2021, "boavizta", "2024-05-01"),
    ],
    columns=[
        "canonical_model",
        "vendor",
        "model",
        "kind",
        "tdp_w",
        "memory_gb",
        "release_year",
        "source_id",
        "source_vintage",
    ],
).assign(
    peak_tflops_fp16=None,
    peak_tflops_fp32=None,
    mass_kg=None,
    process_nm=None,
    die_area_mm2=None,
    source_file="specs.csv",
)

EMBODIED = pd.DataFrame(
    [
        (
            "NVIDIA H100 SXM, per GPU (1/8 of HGX H100 baseboard)",
            "h100-sxm",
            164.0,
            "cradle-to-gate",
            "derived: HGX H100 baseboard PCF / 8 GPUs",
            "manufacturer_pcf",
            "2025-07",
        ),
        (
            "NVIDIA A100 GPU (BLOOM training cluster estimate)",
            "a100-sxm-80gb",
            150.0,
            "embodied (manufacturing)",
            "literature-based estimate",
            "literature_estimate",
            "2022-11-03",
        ),
    ],
    columns=["item", "canonical_model", "embodied_kgco2e", "boundary", "method", "method_type", "citation_published"],
).assign(citation_url="https://example.org/pcf", source_id="curated_chips", source_vintage="2026-11-25")

_CITATION = {
    "citation_title": "t",
    "citation_url": "https://example.org/",
    "citation_published": "2024",
    "citation_note": None,
    "source_file": "f.csv",
}
PUE = pd.DataFrame(
    [
        {
            "scope": "industry",
            "entity": "Uptime Institute global average (Green Algorithms default for an unknown provider)",
            "year": 2024,
            "pue": 1.56,
            "citation_publisher": "Uptime Institute",
            "source_id": "green_algorithms",
            "source_vintage": "2025-02-05",
            **_CITATION,
        },
        {
            "scope": "industry",
            "entity": "Uptime Institute global survey average (largest data centre)",
            "year": 2024,
            "pue": 1.56,
            "citation_publisher": "Statista",
            "source_id": "curated_reference",
            "source_vintage": "2026-11-25",
            **_CITATION,
        },
        {
            "scope": "industry",
            "entity": "Uptime Institute global survey average (largest data centre)",
            "year": 2023,
            "pue": 1.58,
            "citation_publisher": "Uptime Institute Intelligence",
            "source_id": "curated_reference",
            "source_vintage": "2026-11-25",
            **_CITATION,
        },
        {
            "scope": "industry",
            "entity": "IDC estimate: public cloud industry average",
            "year": 2025,
            "pue": 1.25,
            "citation_publisher": "AWS",
            "source_id": "curated_reference",
            "source_vintage": "2026-11-25",
            **_CITATION,
        },
        {
            "scope": "provider",
            "entity": "Google (fleet average)",
            "year": 2025,
            "pue": 1.09,
            "citation_publisher": "Google",
            "source_id": "curated_reference",
            "source_vintage": "2026-11-25",
            **_CITATION,
        },
    ]
)

EQUIVALENCES = pd.DataFrame(
    [
        ("us_household_electricity_kwh_per_year_2022", "U.S. household electricity, 2022", 10791.0, "kWh/year"),
        ("eu_dwelling_electricity_kwh_per_year", "EU dwelling electricity", 3600.0, "kWh/year"),
        ("world_ghg_per_capita_tco2e_2023", "World GHG per capita 2023", 6.6, "tCO2e/person/year"),
        ("us_ghg_per_capita_tco2e_2023", "US GHG per capita 2023", 18.0, "tCO2e/person/year"),
        ("us_passenger_vehicle_tco2_per_year", "Typical US car per year", 4.6, "tCO2/year"),
        ("eu_passenger_car_gco2_per_km", "EU car per km", 175.0, "gCO2/km"),
        ("flight_ny_sf_roundtrip_passenger_lbco2e", "NY-SF round trip", 1984.0, "lbCO2e"),
        ("tree_absorption_gco2_per_year", "Tree per year", 11000.0, "gCO2/tree/year"),
        ("us_grid_lb_co2_per_kwh_2022", "US grid 2022", 0.86, "lbCO2/kWh"),
        ("lb_to_kg", "kg per lb", LB_TO_KG, "kg/lb"),
    ],
    columns=["key", "description", "value", "unit"],
).assign(
    citation_publisher="EIA",
    citation_title="t",
    citation_url="https://example.org/",
    citation_published="2024",
    citation_note=None,
    source_file="equivalences.csv",
    source_id="curated_reference",
    source_vintage="2026-11-25",
)


def build_fixture_warehouse(folder: Path) -> Path:
    """A warehouse folder whose DuckDB file holds the fixture rows and the applied SQL."""
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(folder / DATABASE_NAME)) as con:
        for name, frame in {
            "grid_carbon_intensity": GRID,
            "accelerator_specs": SPECS,
            "hardware_embodied_emissions": EMBODIED,
            "datacenter_pue": PUE,
            "equivalences": EQUIVALENCES,
            "calculation_defaults": curated_rows(curated_calculation_defaults.SOURCE, "calculation_defaults"),
        }.items():
            con.register("rows", frame)
            con.execute(f"create table {name} as select * from rows")
            con.unregister("rows")
        applied = apply_sql(con)
    assert "30_footprint.sql" in applied, applied
    return folder


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = build_fixture_warehouse(tmp_path_factory.mktemp("footprint_warehouse"))
    with duckdb.connect(str(folder / DATABASE_NAME), read_only=True) as connection:
        yield connection


JOB_COLUMNS = [
    "job_id",
    "canonical_model",
    "device_count",
    "hours",
    "zone_id",
    "year",
    "pue",
    "power_w",
    "utilization",
    "gco2e_per_kwh",
    "lifetime_years",
    "embodied_kgco2e_per_device",
]


def run_jobs(con, *jobs: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{column: job.get(column) for column in JOB_COLUMNS} for job in jobs])
    frame = frame.astype(
        {
            "job_id": "int64",
            "canonical_model": "string",
            "zone_id": "string",
            "year": "Int64",
            **{c: "float64" for c in JOB_COLUMNS[2:] if c not in {"zone_id", "year"}},
        }
    )
    con.register("jobs", frame)
    try:
        return con.execute("from footprint('jobs') order by job_id").fetchdf()
    finally:
        con.unregister("jobs")


def problems(con, **job) -> list[str]:
    frame = pd.DataFrame([{column: job.get(column) for column in JOB_COLUMNS}]).astype(
        {
            "job_id": "int64",
            "canonical_model": "string",
            "zone_id": "string",
            "year": "Int64",
            **{c: "float64" for c in JOB_COLUMNS[2:] if c not in {"zone_id", "year"}},
        }
    )
    con.register("jobs", frame)
    try:
        return [r[0] for r in con.execute("select problem from footprint_problems('jobs')").fetchall()]
    finally:
        con.unregister("jobs")


def test_scalar_macros_implement_the_formulas(con):
    energy, operational, embodied = con.execute("""
        select footprint_energy_kwh(8, 700, 24, 1.5), footprint_operational_kgco2e(201.6, 50),
               footprint_embodied_kgco2e(8, 164, 24, 4 * 8760)""").fetchall()[0]
    assert energy == pytest.approx(8 * 700 * 24 * 1.5 / 1000)
    assert operational == pytest.approx(201.6 * 50 / 1000)
    assert embodied == pytest.approx(8 * 164 * 24 / 35040)


def test_gpt4_seed_at_086_lb_per_kwh(con):
    # Seed: 51,772,500 kWh at 0.86 lb CO2/kWh -> about 20,196 t.
    grams_per_kwh = 0.86 * LB_TO_KG * 1000
    (kg,) = con.execute("select footprint_operational_kgco2e(51772500, ?)", [grams_per_kwh]).fetchall()[0]
    assert kg / 1000 == pytest.approx(20196, rel=0.01)


def test_defaults_come_from_the_data(con):
    row = run_jobs(
        con,
        {"job_id": 1, "canonical_model": "h100-sxm", "device_count": 8, "hours": 24, "zone_id": "FRA", "year": 2022},
    ).iloc[0]
    assert (row.power_w, row.tdp_source_id, row.tdp_source_vintage, row.utilization) == (
        700,
        "mlco2_impact",
        "2024-01-01",
        1.0,
    )
    # Latest Uptime industry average; the Green Algorithms row wins the 2024 tie.
    assert (row.pue, row.pue_source_id, row.pue_year) == (1.56, "green_algorithms", 2024)
    assert (row.gco2e_per_kwh, row.intensity_source_id, row.intensity_data_year) == (78.55024, "owid_energy", 2022)
    assert not row.intensity_is_carried_forward
    assert row.energy_kwh == pytest.approx(8 * 700 * 24 * 1.56 / 1000)
    assert row.operational_kgco2e == pytest.approx(row.energy_kwh * 78.55024 / 1000)
    assert row.embodied_kgco2e == pytest.approx(8 * 164 * 24 / (4 * 8760))
    assert row.total_kgco2e == pytest.approx(row.operational_kgco2e + row.embodied_kgco2e)
    assert row.pue_is_default and row.intensity_is_default and row.lifetime_is_default and row.embodied_is_default


def test_given_inputs_override_every_default(con):
    row = run_jobs(
        con,
        {
            "job_id": 1,
            "canonical_model": "h100-sxm",
            "device_count": 2,
            "hours": 10,
            "pue": 1.2,
            "power_w": 500,
            "gco2e_per_kwh": 100,
            "lifetime_years": 5,
            "embodied_kgco2e_per_device": 200,
        },
    ).iloc[0]
    assert row.energy_kwh == pytest.approx(2 * 500 * 10 * 1.2 / 1000)
    assert row.operational_kgco2e == pytest.approx(row.energy_kwh * 100 / 1000)
    assert row.embodied_kgco2e == pytest.approx(2 * 200 * 10 / (5 * 8760))
    assert row.power_w_is_given and not row.pue_is_default and not row.intensity_is_default
    assert pd.isna(row.pue_source_id) and pd.isna(row.intensity_source_id) and pd.isna(row.embodied_source_id)


def test_utilization_scales_the_tdp(con):
    row = run_jobs(
        con,
        {
            "job_id": 1,
            "canonical_model": "a100-sxm-80gb",
            "device_count": 1,
            "hours": 1,
            "utilization": 0.5,
            "pue": 1.0,
            "gco2e_per_kwh": 0,
        },
    ).iloc[0]
    assert row.power_w == 200 and row.energy_kwh == pytest.approx(0.2)


def test_missing_year_takes_the_nearest_earlier_one_flagged(con):
    frame = run_jobs(
        con,
        {"job_id": 1, "canonical_model": "h100-sxm", "device_count": 1, "hours": 1, "zone_id": "FRA", "year": 2021},
        {"job_id": 2, "canonical_model": "h100-sxm", "device_count": 1, "hours": 1, "zone_id": "USA", "year": 2030},
        {"job_id": 3, "canonical_model": "h100-sxm", "device_count": 1, "hours": 1, "zone_id": "FRA"},
    )
    assert frame[["gco2e_per_kwh", "intensity_data_year", "intensity_is_carried_forward"]].values.tolist() == [
        [59.08005, 2020, True],
        [392.848, 2023, True],
        [78.55024, 2022, True],
    ]
    # No year: the latest year the preferred view has (2023, FRA's 2022 value carried forward).
    assert frame.loc[2, "year"] == 2023 and frame.loc[2, "year_is_default"]


def test_no_zone_means_the_world_average(con):
    row = run_jobs(con, {"job_id": 1, "canonical_model": "h100-sxm", "device_count": 1, "hours": 1, "year": 2022}).iloc[
        0
    ]
    assert (row.zone_id, row.zone_is_default, row.gco2e_per_kwh) == ("WLD", True, 489.7454)


def test_tdp_filled_from_another_source_keeps_that_sources_vintage(con):
    row = run_jobs(con, {"job_id": 1, "canonical_model": "v100-sxm-32gb", "device_count": 1, "hours": 1}).iloc[0]
    assert (row.tdp_w, row.tdp_source_id, row.tdp_source_vintage) == (300, "green_algorithms", "2025-02-05")


def test_an_accelerator_without_embodied_data_has_no_embodied_figure(con):
    row = run_jobs(con, {"job_id": 1, "canonical_model": "v100-sxm-32gb", "device_count": 1, "hours": 1}).iloc[0]
    assert pd.isna(row.embodied_kgco2e) and row.total_kgco2e == pytest.approx(row.operational_kgco2e)


@pytest.mark.parametrize(
    "job, expected",
    [
        ({"device_count": 0}, "count must be > 0"),
        ({"device_count": None}, "count is missing"),
        ({"hours": -3}, "hours must be > 0"),
        ({"pue": 0.9}, "pue must be >= 1"),
        ({"utilization": 1.5}, "utilization must be in (0, 1]"),
        ({"utilization": 0}, "utilization must be in (0, 1]"),
        ({"power_w": 300, "utilization": 0.5}, "give power_w or utilization, not both"),
        ({"canonical_model": "tpu-v4"}, "no TDP for tpu-v4 in accelerator_specs_preferred; give power_w"),
        ({"zone_id": "FRA", "year": 2010}, "no grid intensity for zone FRA in or before 2010"),
    ],
)
def test_problems_name_the_input(con, job, expected):
    found = problems(con, **{"job_id": 1, "canonical_model": "h100-sxm", "device_count": 1, "hours": 1, **job})
    assert any(expected in p for p in found), found


def test_a_good_job_has_no_problems(con):
    assert problems(con, job_id=1, canonical_model="tpu-v4", device_count=1, hours=1, power_w=200) == []


def test_equivalences_convert_units(con):
    rows = {r[0]: r[1] for r in con.execute("select key, amount from footprint_equivalences(21580, 10000)").fetchall()}
    assert rows["us_household_electricity_kwh_per_year_2022"] == pytest.approx(21580 / 10791)
    assert rows["world_ghg_per_capita_tco2e_2023"] == pytest.approx(10000 / 6600)
    assert rows["flight_ny_sf_roundtrip_passenger_lbco2e"] == pytest.approx(10000 / (1984 * LB_TO_KG))
    assert rows["eu_passenger_car_gco2_per_km"] == pytest.approx(10000 / 0.175)
    assert len(rows) == 8 and all(v > 0 for v in rows.values())


def test_assumed_defaults_are_read_from_calculation_defaults(tmp_path):
    folder = build_fixture_warehouse(tmp_path / "warehouse")
    with duckdb.connect(str(folder / DATABASE_NAME)) as writable:
        writable.execute("update calculation_defaults set value_central = 5 where parameter = 'lifetime_years'")
        writable.execute(
            "update calculation_defaults set value_central = 0.5 "
            "where parameter = 'utilization' and applies_to = 'estimate'"
        )
        row = run_jobs(
            writable,
            {
                "job_id": 1,
                "canonical_model": "h100-sxm",
                "device_count": 1,
                "hours": 10,
                "zone_id": "FRA",
                "year": 2022,
            },
        ).iloc[0]
    assert (row["lifetime_years"], row["utilization"], row["power_w"]) == (5.0, 0.5, 350.0)
    assert row["embodied_kgco2e"] == pytest.approx(164 * 10 / (5 * 8760))
