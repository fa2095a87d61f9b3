"""pipelines.footprint.estimate on the fixture warehouse: published cases, defaults, bad input."""

import json

import duckdb
import pytest
from test_footprint_warehouse import LB_TO_KG, build_fixture_warehouse

from pipelines.errors import UnknownHardwareError
from pipelines.footprint import InvalidInputError, WarehouseNotReadyError, estimate
from pipelines.zones import UnknownZoneError


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("footprint_api"))


# --- published results, reproduced with their explicit inputs (within 1 %) ---------------------------


def test_gpt4_seed(warehouse):
    # Ludvigsen (2023): 3,125 servers x 6.5 kW x 2,160 h x PUE 1.18 = 51,772,500 kWh; the seed
    # applies 0.86 lb CO2/kWh (EIA, US 2022) -> more than 20,000 t, about 20,196 t.
    result = estimate(
        "A100", count=3125, hours=2160, power_w=6500, pue=1.18, intensity=0.86 * LB_TO_KG * 1000, warehouse=warehouse
    )
    assert result.energy_kwh == pytest.approx(51_772_500, rel=0.01)
    assert result.operational_kgco2e / 1000 == pytest.approx(20_196, rel=0.01)
    households = {e.key: e.amount for e in result.equivalences}["us_household_electricity_kwh_per_year_2022"]
    assert households == pytest.approx(51_772_500 / 10_791, rel=0.01)  # about 4,800 US household-years


def test_patterson_gpt3(warehouse):
    # Patterson et al. 2021: 10,000 V100 x 355.2 h x 330 W x PUE 1.1 -> 1,287 MWh; x 0.429 kg/kWh -> 552 t.
    result = estimate("V100", count=10_000, hours=355.2, power_w=330, pue=1.1, intensity=429, warehouse=warehouse)
    assert result.energy_kwh / 1000 == pytest.approx(1287, rel=0.01)
    assert result.operational_kgco2e / 1000 == pytest.approx(552, rel=0.01)


def test_luccioni_bloom(warehouse):
    # Luccioni et al. 2022: 1,082,990 GPU-hours x 400 W -> 433 MWh; x 57 g/kWh -> 24.7 t (no PUE applied).
    result = estimate("A100 80GB", count=1, hours=1_082_990, power_w=400, pue=1.0, intensity=57, warehouse=warehouse)
    assert result.energy_kwh / 1000 == pytest.approx(433, rel=0.01)
    assert result.operational_kgco2e / 1000 == pytest.approx(24.7, rel=0.01)


# --- defaults and where they came from --------------------------------------------------------------


def test_every_default_names_its_source(warehouse):
    result = estimate("H100 SXM", count=8, hours=24, zone="FRA", year=2022, warehouse=warehouse)
    assert result.energy_kwh == pytest.approx(8 * 700 * 24 * 1.56 / 1000)
    assert result.operational_kgco2e == pytest.approx(result.energy_kwh * 78.55024 / 1000)
    assert result.embodied_kgco2e == pytest.approx(8 * 164 * 24 / (4 * 8760))
    sources = {i.name: (i.origin, i.source_id, i.source_vintage) for i in result.inputs}
    assert sources["tdp_w"] == ("default", "mlco2_impact", "2024-01-01")
    assert sources["pue"] == ("default", "green_algorithms", "2025-02-05")
    assert sources["intensity"] == ("default", "owid_energy", "2025-07-30")
    assert sources["embodied_kgco2e_per_device"] == ("default", "curated_chips", "2026-11-25")
    assert sources["zone"][0] == sources["year"][0] == sources["count"][0] == "given"
    assert "Uptime Institute" in result.input("pue").source
    assert result.input("lifetime_years").value == 4 and "calculation_defaults" in result.input("lifetime_years").source
    assert result.input("hardware").value == "h100-sxm" and "H100 SXM5 80GB" in result.input("hardware").source
    json.dumps(result.to_dict())  # plain values only


def test_given_values_are_reported_as_given(warehouse):
    result = estimate(
        "H100",
        count=2,
        hours=10,
        pue=1.2,
        power_w=500,
        intensity=100,
        lifetime_years=5,
        embodied_kgco2e=200,
        warehouse=warehouse,
    )
    assert {i.name: i.origin for i in result.inputs} == {
        "hardware": "given",
        "count": "given",
        "hours": "given",
        "power_w": "given",
        "pue": "given",
        "intensity": "given",
        "lifetime_years": "given",
        "embodied_kgco2e_per_device": "given",
    }
    assert result.embodied_kgco2e == pytest.approx(2 * 200 * 10 / (5 * 8760))


def test_zone_by_name_or_alpha2_and_carried_forward_year(warehouse):
    result = estimate("H100", count=1, hours=1, zone="france", year=2021, warehouse=warehouse)
    assert result.input("zone").value == "FRA" and result.input("zone").source == "given as 'france'"
    assert result.input("intensity").value == pytest.approx(59.08005)
    assert result.notes == ("FRA has no grid intensity for 2021: the 2020 value is used (carried forward)",)
    assert estimate("H100", count=1, hours=1, zone="FR", warehouse=warehouse).input("zone").value == "FRA"


def test_no_zone_is_the_world_average(warehouse):
    result = estimate("H100", count=1, hours=1, year=2022, warehouse=warehouse)
    assert (result.input("zone").value, result.input("zone").origin) == ("WLD", "default")
    assert result.input("intensity").value == pytest.approx(489.7454)


def test_missing_embodied_figure_is_said(warehouse):
    result = estimate("V100", count=1, hours=1, warehouse=warehouse)
    assert result.embodied_kgco2e is None and result.total_kgco2e == result.operational_kgco2e
    assert any("no embodied emissions figure for v100-sxm-32gb" in note for note in result.notes)


def test_accepts_an_open_connection(warehouse):
    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        assert estimate("H100", count=1, hours=1, warehouse=con).energy_kwh > 0


# --- bad input --------------------------------------------------------------------------------------


def test_unknown_hardware_lists_the_closest(warehouse):
    with pytest.raises(UnknownHardwareError) as error:
        estimate("H110", count=1, hours=1, warehouse=warehouse)
    assert "h100-sxm" in error.value.suggestions


def test_unknown_zone_lists_suggestions(warehouse):
    with pytest.raises(UnknownZoneError) as error:
        estimate("H100", count=1, hours=1, zone="Frnace", warehouse=warehouse)
    assert error.value.suggestions == ["FRA (France)"]


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"count": 0}, "count must be > 0, got 0"),
        ({"hours": -1}, "hours must be > 0, got -1"),
        ({"pue": 0.95}, "pue must be >= 1, got 0.95"),
        ({"utilization": 1.2}, "utilization must be in (0, 1], got 1.2"),
        ({"utilization": 0}, "utilization must be in (0, 1], got 0"),
        ({"zone": "FRA", "year": 2005}, "no grid intensity for zone FRA in or before 2005"),
    ],
)
def test_out_of_range_inputs(warehouse, inputs, message):
    with pytest.raises(InvalidInputError) as error:
        estimate("H100", **{"count": 1, "hours": 1, **inputs}, warehouse=warehouse)
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_an_accelerator_without_tdp_needs_power(warehouse):
    with pytest.raises(InvalidInputError, match="no TDP for tpu-v4"):
        estimate("TPU v4", count=1, hours=1, warehouse=warehouse)
    assert estimate(
        "TPU v4", count=1, hours=1, power_w=192, pue=1.0, intensity=100, warehouse=warehouse
    ).energy_kwh == pytest.approx(0.192)


def test_a_warehouse_without_the_macros(tmp_path):
    duckdb.connect(str(tmp_path / "aifootprint.duckdb")).close()
    with pytest.raises(WarehouseNotReadyError, match="no footprint macros"):
        estimate("H100", count=1, hours=1, warehouse=tmp_path)
    with pytest.raises(WarehouseNotReadyError, match="aifootprint refresh"):
        estimate("H100", count=1, hours=1, warehouse=tmp_path / "missing")
