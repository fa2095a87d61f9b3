"""accelerator_fleet_footprint from a refresh of the recorded sources (archive mode).

Shipments come from the curated accelerator_shipments (TechInsights via Tom's Hardware /
HPCwire: NVIDIA 2.64 M data-centre GPUs in 2022, 3.76 M in 2023); rated power and mass from
accelerator_specs_preferred (A100 SXM4 40GB 400 W / 1.56 kg and H100 SXM 700 W / 1.69 kg from
ML CO2 Impact and Boavizta); the world intensity from OWID (473.0065 gCO2e/kWh in 2024).
"""

import pytest

from conftest import query

pytestmark = pytest.mark.integration

NVIDIA = ("NVIDIA", "data-centre GPUs")
A100_W, H100_W = 400, 700
HOURS = 8760


def row(warehouse, vendor, family, year, columns):
    rows = query(
        warehouse,
        f"select {columns} from accelerator_fleet_footprint where vendor = ? and product_family = ? and year = ?",
        [vendor, family, year],
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_nvidia_installed_base_and_retirements(built_warehouse):
    # The cited series ends with 2023, the last year with data: no year shows a base that only
    # shrinks because nothing more is recorded.
    assert [
        r
        for r in query(
            built_warehouse,
            """
        select year, installed_base_low, units_retired_low, installed_base_complete
        from accelerator_fleet_footprint where vendor = 'NVIDIA' and product_family = 'data-centre GPUs'
        order by year""",
        )
    ] == [(2022, 2_640_000.0, None, False), (2023, 6_400_000.0, None, False)]


def test_nvidia_energy_and_emissions_in_2023(built_warehouse):
    energy, emissions, intensity, power = row(
        built_warehouse, *NVIDIA, 2023, "energy_twh_low, emissions_mtco2e_low, intensity_gco2e_per_kwh, avg_power_w"
    )
    expected_twh = (2_640_000 * A100_W + 3_760_000 * H100_W) * 0.76 * 1.25 * HOURS / 1e12
    assert energy == pytest.approx(expected_twh) and energy == pytest.approx(30.6915, abs=1e-4)
    assert intensity == pytest.approx(484.40286)
    assert emissions == pytest.approx(expected_twh * 484.40286 / 1000)
    assert power == pytest.approx(576.25)


BEST = ("NVIDIA", "data-centre accelerators (best estimate)")


def test_best_estimate_series_uses_cited_units_else_revenue_derived(built_warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            built_warehouse,
            """
        select year, units_shipped_low, units_shipped_central, units_shipped_high, installed_base_central
        from accelerator_fleet_footprint where vendor = ? and product_family = ? order by year""",
            list(BEST),
        )
    }
    assert sorted(rows) == [2020, 2021, 2022, 2023, 2024, 2025]
    # 2022 and 2023 are TechInsights' cited figures; 2020 is derived: calendar 2020 = fiscal 2021, Data
    # Center revenue 1,140 + 1,750 + 1,900 + 1,900 = 6,690 M USD x share 0.82/0.86/0.90 / A100 $10,000.
    assert rows[2022][:3] == (2_640_000.0, 2_640_000.0, 2_640_000.0)
    assert rows[2020][:3] == (
        pytest.approx(6.69e9 * 0.82 / 10_000),
        pytest.approx(6.69e9 * 0.86 / 10_000),
        pytest.approx(6.69e9 * 0.90 / 10_000),
    )
    for year, (low, central, high, installed) in rows.items():
        assert low <= central <= high and installed > 0, year


def test_retired_mass_from_boavizta_masses(built_warehouse):
    # The best-estimate 2020 cohort (A100 SXM4, 1.56 kg from Boavizta) retires in 2024 after 4 years.
    low, central, high, mass = row(
        built_warehouse,
        *BEST,
        2024,
        "retired_mass_t_low, retired_mass_t_central, retired_mass_t_high, mass_kg_per_unit",
    )
    assert mass == 1.56
    assert central == pytest.approx(6.69e9 * 0.86 / 10_000 * 1.56 / 1000)
    assert low <= central <= high


def test_defaults_are_columns(built_warehouse):
    assert query(
        built_warehouse,
        "select distinct lifetime_years, utilization_fraction, pue, grid_zone_id from accelerator_fleet_footprint",
    ) == [(4, 0.76, 1.25, "WLD")]


def test_a_lower_bound_shipment_keeps_an_open_high_end(built_warehouse):
    # TechInsights: Google's TPUs "exceeded 2 million" in 2023 (no upper figure).
    low, high, energy_high = row(
        built_warehouse, "Google", "TPU", 2023, "installed_base_low, installed_base_high, energy_twh_high"
    )
    assert (low, high, energy_high) == (2_000_000.0, None, None)


def test_published_table_is_the_macro_with_default_parameters(built_warehouse):
    differences = query(
        built_warehouse,
        """
        select count(*) from (
            (select year, vendor, product_family, installed_base_low, energy_twh_low, retired_mass_t_low
             from accelerator_fleet_footprint
             except select year, vendor, product_family, installed_base_low, energy_twh_low, retired_mass_t_low
             from accelerator_fleet())
            union all
            (select year, vendor, product_family, installed_base_low, energy_twh_low, retired_mass_t_low
             from accelerator_fleet()
             except select year, vendor, product_family, installed_base_low, energy_twh_low, retired_mass_t_low
             from accelerator_fleet_footprint))""",
    )
    assert differences == [(0,)]


def test_a_shorter_lifetime_retires_the_2022_cohort_earlier(built_warehouse):
    rows = query(
        built_warehouse,
        """
        select year, installed_base_low, units_retired_low from accelerator_fleet(lifetime_years := 3)
        where vendor = 'NVIDIA' and product_family = 'data-centre GPUs' order by year""",
    )
    assert rows == [(2022, 2_640_000.0, None), (2023, 6_400_000.0, None)]
    best = query(
        built_warehouse,
        """
        select year, units_retired_central from accelerator_fleet(lifetime_years := 3)
        where vendor = ? and product_family = ? and year = 2023""",
        list(BEST),
    )
    assert best == [(2023, pytest.approx(6.69e9 * 0.86 / 10_000))]  # the 2020 cohort, a year earlier
