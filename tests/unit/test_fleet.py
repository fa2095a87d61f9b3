"""The accelerator fleet macro (warehouse/sql/40_fleet.sql), its parameters and `aifootprint fleet`."""

import duckdb
import pandas as pd
import pytest

from conftest import REPO, curated_rows
from pipelines import cli, source_priority
from pipelines.fleet import FleetParameterError, FleetParameters, fleet_frame
from pipelines.sources import curated_calculation_defaults
from pipelines.validation import validate
from pipelines.warehouse import Warehouse
from schemas.renames import RENAMES

SQL = REPO / "warehouse" / "sql"
# OWID's world-average intensity for 2023 and 2024 (owid_energy, recorded 2025-07-30).
WORLD_INTENSITY = {2023: 484.40286, 2024: 473.0065}


def grid_rows():
    return validate(
        "grid_carbon_intensity",
        pd.DataFrame(
            [
                {
                    "zone_id": "WLD",
                    "zone_name": "World",
                    "zone_type": "aggregate",
                    "year": year,
                    "gco2e_per_kwh": value,
                    "basis": "lifecycle",
                    "source_file": "carbon-intensity-electricity.csv",
                    "source_id": "owid_energy",
                    "source_vintage": "2025-07-30",
                }
                for year, value in WORLD_INTENSITY.items()
            ]
        ),
    )


def shipment(vendor, family, period, low, high="same", metric="units_shipped", forecast=False):
    return {
        "vendor": vendor,
        "product_family": family,
        "period": period,
        "metric": metric,
        "units_low": low,
        "units_high": low if high == "same" else high,
        "unit": "units" if metric != "datacenter_revenue" else "usd",
        "is_forecast": forecast,
        "citation_publisher": "Test Publisher",
        "citation_title": "Test title",
        "citation_url": f"https://example.org/{vendor.lower()}-{period}",
        "citation_published": "2024-06",
        "citation_note": None,
        "via_url": None,
        "source_file": "accelerator_shipments.csv",
        "source_id": "curated_chips",
        "source_vintage": "2026-11-25",
    }


def connection(shipments, specs=None):
    con = duckdb.connect()
    con.register("grid_rows", grid_rows())
    con.execute("create table grid_carbon_intensity as select * from grid_rows")
    con.register("shipment_rows", validate("accelerator_shipments", pd.DataFrame(shipments)))
    con.execute("create table accelerator_shipments as select * from shipment_rows")
    con.register("default_rows", curated_rows(curated_calculation_defaults.SOURCE, "calculation_defaults"))
    con.execute("create table calculation_defaults as select * from default_rows")
    if specs is not None:
        con.register("spec_rows", pd.DataFrame(specs))
        con.execute("create table specs_input as select * from spec_rows")
        con.execute("create view accelerator_specs_preferred as select * from specs_input")
    source_priority.create_table(con)
    for name in ("05_calculation_defaults.sql", "10_grid_preferred.sql", "40_fleet.sql", "41_fleet_specs.sql"):
        if name != "41_fleet_specs.sql" or specs is not None:
            con.execute((SQL / name).read_text())
    return con


def series(frame, vendor, column):
    rows = frame[frame["vendor"] == vendor].set_index("year")[column]
    return {year: (None if pd.isna(value) else value) for year, value in rows.items()}


# A small synthetic series: 100, 200, 400, 800 units shipped in 2020-2023.
DOUBLING = [
    shipment("NVIDIA", "data-centre GPUs", str(year), units)
    for year, units in zip(range(2020, 2024), (100, 200, 400, 800), strict=True)
]
# The same doubling on to 2025, so that cohorts of 2023 (H100) retire within the data.
EXTENDED = DOUBLING + [
    shipment("NVIDIA", "data-centre GPUs", str(year), units) for year, units in ((2024, 1600), (2025, 3200))
]


def test_hand_worked_example_1_5_million_at_700_w():
    # 1.5 M accelerators x 700 W x 8,760 h = 9.198 TWh a year at 100 % utilisation and PUE 1.0.
    con = connection([shipment("NVIDIA", "data-centre GPUs", "2024", 1_500_000)])
    frame = fleet_frame(con, FleetParameters(lifetime_years=4, utilization=1.0, pue=1.0, power_w=700))
    year = frame.set_index("year").loc[2024]
    assert year["installed_base_low"] == 1_500_000
    assert year["energy_twh_low"] == pytest.approx(9.198)
    assert year["energy_twh_high"] == pytest.approx(9.198)
    # At the 2024 world average of 473.0065 gCO2e/kWh: 9.198 TWh x 473.0065 / 1,000 = 4.3507 Mt.
    assert year["emissions_mtco2e_low"] == pytest.approx(9.198 * 473.0065 / 1000)
    assert year["intensity_data_year"] == 2024 and not year["intensity_is_carried_forward"]
    assert year["power_basis"] == "parameter power_w"


def test_lifetime_moves_installed_base_and_retirements():
    con = connection(DOUBLING)
    two = fleet_frame(con, FleetParameters(lifetime_years=2))
    three = fleet_frame(con, FleetParameters(lifetime_years=3))
    # Years stop at the last year with shipments: the installed base never falls to zero just
    # because the data ends.
    assert series(two, "NVIDIA", "installed_base_low") == {2020: 100, 2021: 300, 2022: 600, 2023: 1200}
    assert series(two, "NVIDIA", "units_retired_low") == {2020: None, 2021: None, 2022: 100, 2023: 200}
    assert series(three, "NVIDIA", "installed_base_low") == {2020: 100, 2021: 300, 2022: 700, 2023: 1400}
    assert series(three, "NVIDIA", "units_retired_low") == {2020: None, 2021: None, 2022: None, 2023: 100}
    # The window is complete only once a full lifetime of shipments is recorded.
    assert series(three, "NVIDIA", "installed_base_complete") == {2020: False, 2021: False, 2022: True, 2023: True}
    assert set(two["lifetime_years"]) == {2} and set(three["lifetime_years"]) == {3}


def test_retired_mass_uses_the_cohorts_reference_accelerator():
    con = connection(EXTENDED)
    frame = fleet_frame(con, FleetParameters(lifetime_years=2)).set_index("year")
    # 2020-2022 cohorts stand for A100 SXM4 (1.56 kg, Boavizta), 2023 for H100 SXM (1.69 kg).
    assert frame.loc[2022, "retired_mass_t_low"] == pytest.approx(100 * 1.56 / 1000)
    assert frame.loc[2025, "retired_mass_t_low"] == pytest.approx(800 * 1.69 / 1000)
    assert frame.loc[2025, "mass_basis"].startswith("NVIDIA H100 SXM5 80GB: Boavizta gpu_specs.csv")
    assert pd.isna(frame.loc[2021, "retired_mass_t_low"])
    overridden = fleet_frame(con, FleetParameters(lifetime_years=2, mass_kg=3.0)).set_index("year")
    assert overridden.loc[2025, "retired_mass_t_low"] == pytest.approx(2.4)
    assert overridden.loc[2025, "mass_basis"] == "parameter mass_kg"


def test_installed_cohorts_keep_their_own_rated_power():
    con = connection(
        [
            shipment("NVIDIA", "data-centre GPUs", "2022", 2_640_000),
            shipment("NVIDIA", "data-centre GPUs", "2023", 3_760_000),
        ]
    )
    year = fleet_frame(con, FleetParameters()).set_index("year").loc[2023]
    # 2.64 M A100 at 400 W and 3.76 M H100 at 700 W, x 0.76 x 1.25 x 8,760 h.
    watts = 2_640_000 * 400 + 3_760_000 * 700
    assert year["energy_twh_low"] == pytest.approx(watts * 0.76 * 1.25 * 8760 / 1e12)
    assert year["avg_power_w"] == pytest.approx(watts / 6_400_000)
    assert "NVIDIA A100 SXM4" in year["power_basis"] and "NVIDIA H100 SXM5 80GB" in year["power_basis"]
    assert year["intensity_gco2e_per_kwh"] == pytest.approx(484.40286)


def test_a_lower_bound_leaves_the_high_end_unknown():
    con = connection([shipment("Google", "TPU", "2023", 2_000_000, high=None)])
    year = fleet_frame(con, FleetParameters()).set_index("year").loc[2023]
    assert year["installed_base_low"] == 2_000_000
    assert pd.isna(year["installed_base_high"]) and pd.isna(year["energy_twh_high"])
    # TPU v4 at 192 W.
    assert year["energy_twh_low"] == pytest.approx(2_000_000 * 192 * 0.76 * 1.25 * 8760 / 1e12)


def test_only_calendar_year_shipments_count():
    con = connection(
        [
            shipment("NVIDIA", "data-centre GPUs", "2023", 3_760_000),
            shipment("NVIDIA", "A100 + H100", "2023Q3", 500_000),
            shipment("NVIDIA", "Hopper GPUs (purchased by Microsoft)", "2024", 485_000, metric="units_purchased"),
            shipment("NVIDIA", "data-centre GPUs", "2023", 36.2e9, metric="datacenter_revenue"),
            shipment("all", "high-end server GPUs", "2024", 4_820_000, forecast=True),
        ]
    )
    frame = fleet_frame(con, FleetParameters())
    assert sorted(frame[["vendor", "product_family"]].drop_duplicates().itertuples(index=False, name=None)) == [
        ("NVIDIA", "data-centre GPUs"),
        ("all", "high-end server GPUs"),
    ]
    assert frame.set_index(["vendor", "year"]).loc[("NVIDIA", 2023), "units_shipped_low"] == 3_760_000
    assert frame[frame["vendor"] == "all"]["includes_forecast"].all()
    assert not frame[frame["vendor"] == "NVIDIA"]["includes_forecast"].any()


def test_later_years_reuse_the_latest_world_intensity():
    con = connection(
        [
            shipment("AMD", "data-centre GPUs (Instinct)", "2023", 500_000),
            shipment("AMD", "data-centre GPUs (Instinct)", "2027", 100_000),
        ]
    )
    frame = fleet_frame(con, FleetParameters()).set_index("year")
    assert frame.index.tolist() == [2023, 2024, 2025, 2026, 2027]
    assert frame.loc[2026, "installed_base_low"] == 500_000 and not frame.loc[2026, "installed_base_complete"]
    assert frame.loc[2027, "intensity_data_year"] == 2024
    assert frame.loc[2027, "intensity_is_carried_forward"]
    assert frame.loc[2027, "units_retired_low"] == 500_000
    # MI300X at 750 W; mass from Boavizta's "Large GPU" archetype (1.69 kg).
    assert frame.loc[2023, "avg_power_w"] == 750
    assert frame.loc[2027, "retired_mass_t_low"] == pytest.approx(845.0)


def test_hardware_specs_replace_the_defaults_when_present():
    specs = [
        {"canonical_model": "h100-sxm", "vendor": "NVIDIA", "tdp_w": 700.0, "mass_kg": 1.75},
        {"canonical_model": "a100-sxm-40gb", "vendor": "NVIDIA", "tdp_w": 400.0, "mass_kg": None},
    ]
    con = connection(EXTENDED, specs=specs)
    frame = fleet_frame(con, FleetParameters(lifetime_years=2)).set_index("year")
    assert frame.loc[2025, "retired_mass_t_low"] == pytest.approx(800 * 1.75 / 1000)
    assert frame.loc[2025, "mass_basis"] == "NVIDIA H100 SXM5 80GB: accelerator_specs_preferred (h100-sxm)"
    # No mass for the A100 in the specs: the cited default stays.
    assert frame.loc[2022, "mass_basis"].startswith("NVIDIA A100 SXM4: Boavizta gpu_specs.csv")
    assert "accelerator_specs_preferred (a100-sxm-40gb)" in frame.loc[2021, "power_basis"]


def test_specs_without_the_columns_leave_the_defaults_in_force():
    con = connection(EXTENDED, specs=[{"canonical_model": "h100-sxm", "vendor": "NVIDIA"}])
    frame = fleet_frame(con, FleetParameters(lifetime_years=2)).set_index("year")
    assert frame.loc[2025, "retired_mass_t_low"] == pytest.approx(800 * 1.69 / 1000)


def test_python_defaults_are_the_macros_defaults():
    con = connection(DOUBLING)
    from_macro = con.execute("from accelerator_fleet()").fetchdf()
    pd.testing.assert_frame_equal(from_macro, fleet_frame(con, FleetParameters()))
    assert (
        from_macro["lifetime_years"].iloc[0],
        from_macro["utilization_fraction"].iloc[0],
        from_macro["pue"].iloc[0],
    ) == (4, 0.76, 1.25)


def test_output_matches_the_published_schema():
    con = connection(DOUBLING + [shipment("Google", "TPU", "2023", 2_000_000, high=None)])
    validated = validate("accelerator_fleet_footprint", fleet_frame(con, FleetParameters()))
    assert len(validated) == 4 + 1  # NVIDIA 2020..2023, Google 2023: no year past the data


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"lifetime_years": 0}, "lifetime_years must be a whole number >= 1"),
        ({"utilization": 0.0}, r"utilization must be in \(0, 1\]"),
        ({"utilization": 1.2}, r"utilization must be in \(0, 1\]"),
        ({"pue": 0.9}, "pue must be >= 1"),
        ({"power_w": -700}, "power_w must be > 0"),
        ({"mass_kg": 0}, "mass_kg must be > 0"),
    ],
)
def test_parameters_out_of_range_are_refused(arguments, message):
    with pytest.raises(FleetParameterError, match=message):
        FleetParameters(**arguments)


def test_macro_refuses_parameters_out_of_range_too():
    con = connection(DOUBLING)
    with pytest.raises(duckdb.InvalidInputException, match="utilization must be in"):
        con.execute("from accelerator_fleet(utilization := 0)").fetchall()


# --- aifootprint fleet ------------------------------------------------------------------------


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    store.publish("accelerator_shipments", validate("accelerator_shipments", pd.DataFrame(DOUBLING)))
    store.publish("calculation_defaults", curated_rows(curated_calculation_defaults.SOURCE, "calculation_defaults"))
    store.apply_sql()
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path))
    return tmp_path


def test_cli_prints_every_column_as_csv(warehouse, capsys):
    assert (
        cli.main(
            [
                "fleet",
                "--lifetime-years",
                "2",
                "--utilization",
                "1",
                "--pue",
                "1",
                "--power-w",
                "700",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    frame = pd.read_csv(pd.io.common.StringIO(out)).set_index("year")
    assert frame.loc[2023, "installed_base_low"] == 1200
    assert frame.loc[2023, "energy_twh_low"] == pytest.approx(1200 * 700 * 8760 / 1e12)
    assert frame.loc[2023, "units_retired_low"] == 200
    assert "parameters: lifetime 2 y, utilization 1, PUE 1, power 700 W" in err


def test_cli_shows_the_new_column_names_on_a_release_built_before_the_renames(warehouse, capsys):
    old_names = {new: old for old, new in RENAMES["accelerator_fleet_footprint"].items()}
    with duckdb.connect(str(Warehouse(warehouse).database_path)) as con:
        renamed = ", ".join(f"{new} as {old}" for new, old in old_names.items())
        con.execute(f"create table fleet_rows_before_renames as select * rename ({renamed}) from accelerator_fleet()")
        con.execute(
            "create or replace macro accelerator_fleet(lifetime_years := 4, utilization := 0.76, pue := 1.25, "
            "power_w := NULL, mass_kg := NULL) as table from fleet_rows_before_renames"
        )
    assert cli.main(["fleet", "--format", "csv"]) == 0
    frame = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).set_index("year")
    # 2020-2022 cohorts (700 units) as A100 at 400 W, 2023's 800 units as H100 at 700 W.
    watts = 700 * 400 + 800 * 700
    assert frame.loc[2023, "emissions_mtco2e_low"] == pytest.approx(
        watts * 0.76 * 1.25 * 8760 / 1e12 * WORLD_INTENSITY[2023] / 1000
    )
    assert frame.loc[2023, "utilization_fraction"] == 0.76 and "power_w_avg" not in frame


def test_cli_matches_the_macro_on_the_warehouse(warehouse, capsys):
    assert cli.main(["fleet", "--format", "json"]) == 0
    printed = pd.read_json(pd.io.common.StringIO(capsys.readouterr().out))
    with Warehouse(warehouse).connect() as con:
        expected = con.execute("from accelerator_fleet()").fetchdf()
    assert printed["energy_twh_low"].round(9).tolist() == expected["energy_twh_low"].round(9).tolist()
    assert printed["installed_base_low"].tolist() == expected["installed_base_low"].tolist()


def test_cli_table_shows_the_main_columns(warehouse, capsys):
    assert cli.main(["fleet"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header[:3] == ["year", "vendor", "product_family"] and "retired_mass_t_high" in header


def test_cli_bad_parameter_is_a_usage_error(warehouse, capsys):
    assert cli.main(["fleet", "--pue", "0.5"]) == 2
    assert "pue must be >= 1" in capsys.readouterr().err


def test_cli_without_shipments_says_what_is_missing(tmp_path, monkeypatch, capsys):
    Warehouse(tmp_path).publish("grid_carbon_intensity", grid_rows())
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path))
    assert cli.main(["fleet"]) == 1
    assert "no accelerator_fleet macro" in capsys.readouterr().err


def test_the_fleet_sql_creates_the_macro(warehouse):
    with Warehouse(warehouse).connect() as con:
        applied = {
            row[0]
            for row in con.execute(
                "select function_name from duckdb_functions() where function_name = 'accelerator_fleet'"
            ).fetchall()
        }
    assert applied == {"accelerator_fleet"}


# --- the Dagster asset --------------------------------------------------------------------------


def test_asset_run_config_overrides_the_defaults_and_publishes(warehouse):
    import dagster as dg

    from pipelines.assets.fleet import assets as fleet_assets
    from pipelines.resources import WarehouseResource

    (asset,) = fleet_assets
    result = dg.materialize(
        [asset],
        resources={"warehouse": WarehouseResource(warehouse_dir=str(warehouse))},
        run_config={"ops": {"accelerator_fleet_footprint": {"config": {"lifetime_years": 2, "pue": 1.1}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    published = Warehouse(warehouse).read("accelerator_fleet_footprint").set_index("year")
    assert set(published["lifetime_years"]) == {2} and set(published["pue"]) == {1.1}
    assert published.loc[2023, "units_retired_low"] == 200
    assert published.loc[2023, "energy_twh_low"] == pytest.approx(
        (400 * 400 + 800 * 700) * 0.76 * 1.1 * 8760 / 1e12
    )  # 2022 A100s and 2023 H100s


def test_central_estimates_lie_in_the_range_and_follow_the_arithmetic():
    con = connection(
        [
            shipment("NVIDIA", "data-centre GPUs", "2023", 1_000_000, high=3_000_000),
            shipment("Google", "TPU", "2023", 2_000_000, high=None),
        ]
    )
    frame = fleet_frame(con, FleetParameters(utilization=1.0, pue=1.0, power_w=500)).set_index("vendor")
    nvidia = frame.loc["NVIDIA"]
    assert nvidia["units_shipped_central"] == 2_000_000  # the midpoint of a cited range
    assert (nvidia["installed_base_low"], nvidia["installed_base_central"], nvidia["installed_base_high"]) == (
        1_000_000,
        2_000_000,
        3_000_000,
    )
    assert nvidia["energy_twh_central"] == pytest.approx(2_000_000 * 500 * 8760 / 1e12)
    assert nvidia["energy_twh_low"] <= nvidia["energy_twh_central"] <= nvidia["energy_twh_high"]
    # A lower bound: central is the bound itself, high unknown.
    assert frame.loc["Google", "units_shipped_central"] == 2_000_000 and pd.isna(
        frame.loc["Google", "units_shipped_high"]
    )
    validate("accelerator_fleet_footprint", fleet_frame(con, FleetParameters()))


def test_macro_defaults_are_read_from_calculation_defaults():
    con = connection(DOUBLING)
    con.execute("update calculation_defaults set value_central = 1.5 where parameter = 'pue' and applies_to = 'fleet'")
    assert con.execute("select distinct pue from accelerator_fleet()").fetchall() == [(1.5,)]
    assert con.execute("select distinct pue from accelerator_fleet(pue := 1.1)").fetchall() == [(1.1,)]
