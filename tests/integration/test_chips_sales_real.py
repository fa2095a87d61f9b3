"""Chip sales, Epoch hardware and clusters, and the training-run catalogue in a warehouse built
from the recorded sources (archive mode): the issue's target figures, checked on real values."""

import duckdb
import pytest

from conftest import query
from pipelines.footprint import estimate
from pipelines.hardware import resolve_accelerator

pytestmark = pytest.mark.integration


def test_sec_companyfacts_publish_nvidia_fy2026_revenue(built_warehouse):
    assert query(
        built_warehouse,
        """select value, form, source_id from chip_company_financials
                                     where cik = '0001045810' and metric = 'Revenues' and fiscal_year = 2026
                                     and fiscal_period = 'FY'""",
    ) == [(215_938_000_000.0, "10-K", "sec_companyfacts_nvidia")]


def test_data_center_revenue_for_every_quarter_fy2021_to_fy2026(built_warehouse):
    rows = query(
        built_warehouse,
        """select fiscal_year, count(*), sum(revenue_usd) from chip_revenue_by_market
                                     where market = 'data_center' group by 1 order by 1""",
    )
    assert [(year, n) for year, n, _ in rows] == [(year, 4) for year in range(2021, 2027)]
    # FY2025: 22.6 + 26.3 + 30.8 + 35.6 billion (the releases' rounded figures).
    assert dict((year, total) for year, _, total in rows)[2025] == pytest.approx(115.3e9)


def test_release_totals_agree_with_sec_where_both_exist(built_warehouse):
    rows = query(
        built_warehouse,
        """select fiscal_year, fiscal_period, release_revenue_usd, sec_revenue_usd, agrees
                                     from chip_revenue_sec_comparison(1e6)
                                     where release_revenue_usd is not null and sec_revenue_usd is not null
                                     order by period_end, fiscal_period""",
    )
    assert [(y, p) for y, p, *_ in rows] == [(2025, "FY"), (2026, "Q1"), (2026, "Q2"), (2026, "Q3"), (2026, "FY")]
    assert all(agrees for *_, agrees in rows)
    assert rows[-1][2] == rows[-1][3] == 215_938e6


def test_epoch_chip_tdp_and_preferred_coverage(built_warehouse):
    assert query(
        built_warehouse,
        """select canonical_model, tdp_w, peak_tflops_fp16 from accelerator_specs
                                     where source_id = 'epoch_ml_hardware' and model = 'NVIDIA H100 SXM5 80GB'""",
    ) == [("h100-sxm", 700.0, pytest.approx(989.4))]
    (with_tdp,) = query(built_warehouse, "select count(tdp_w) from accelerator_specs_preferred")[0]
    assert with_tdp >= 150
    # One canonical model, several source rows; each field names its source.
    assert (
        query(
            built_warehouse,
            """select count(distinct source_id) from accelerator_specs
                                     where canonical_model = 'h100-sxm'""",
        )[0][0]
        >= 3
    )
    assert query(
        built_warehouse,
        """select tdp_source_id, release_year_source_id, fp16_source_id
                                     from accelerator_specs_preferred where canonical_model = 'tpu-v5e'""",
    ) == [("epoch_ml_hardware", "epoch_ml_hardware", "epoch_ml_hardware")]


@pytest.mark.parametrize(
    "name, key, tdp_w",
    [("MI300X", "mi300x", 750), ("TPU v5e", "tpu-v5e", 225), ("Gaudi 2", "gaudi-2", 600), ("B200", "b200", 1000)],
)
def test_estimate_resolves_accelerators_the_tool_datasets_lack(built_warehouse, name, key, tdp_w):
    result = estimate(name, count=8, hours=24, warehouse=built_warehouse)
    assert result.input("hardware").value == key and result.input("tdp_w").value == tdp_w
    assert result.energy_kwh == pytest.approx(8 * tdp_w * 24 * result.input("pue").value / 1000)


def test_gpu_clusters_and_power_capacity_by_country_and_year(built_warehouse):
    assert query(
        built_warehouse,
        """select status, certainty, power_capacity_mw, chip_count_primary
                                     from gpu_clusters where cluster_id = 'xAI Colossus Memphis Phase 1'""",
    ) == [("existing", "confirmed", 150.0, 100_000.0)]
    (clusters,) = query(built_warehouse, "select count(*) from gpu_clusters")[0]
    assert clusters == 644  # 786 rows less 52 repeated and 90 more marked 'Possible Duplicate'
    view = query(
        built_warehouse,
        """select status_group, clusters, power_capacity_mw, operational_capacity_mw_cumulative
                                     from cluster_power_by_country_year
                                     where country = 'United States of America' and year = 2024
                                     order by status_group""",
    )
    operational = dict((group, rest) for group, *rest in view)["operational"]
    assert operational[1] >= 150 and operational[2] >= operational[1]
    columns = [row[0] for row in query(built_warehouse, "describe cluster_power_by_country_year")]
    assert not [c for c in columns if c.endswith(("_wh", "_kwh", "_mwh", "_gwh", "_twh"))]  # capacity, not energy


def test_at_least_300_training_runs_are_estimated(built_warehouse):
    methods = dict(
        query(
            built_warehouse,
            """select method, count(*) from training_footprint_estimates
                                             where estimated_energy_mwh_central is not null group by 1""",
        )
    )
    assert sum(methods.values()) >= 300
    assert set(methods) == {"reported_hardware_hours", "training_compute", "source_power_draw"}


def test_recomputed_energy_matches_a_hand_calculation(built_warehouse):
    (energy, pue, tdp, hours) = query(
        built_warehouse,
        """
        select estimated_energy_mwh_central, pue, tdp_w, device_hours_central from training_footprint_estimates
        where source_id = 'epoch_ai_models' and model = 'GPT-3 175B (davinci)'""",
    )[0]
    # Epoch: 10,000 V100 DGXS 32 GB (250 W, Epoch) x 355.2 h x default PUE 1.56.
    assert (hours, tdp, pue) == (3_552_000.0, 250.0, 1.56)
    assert energy == pytest.approx(10_000 * 355.2 * 250 * 1.56 / 1e6)  # 1,385.28 MWh


def test_compute_based_estimate_uses_the_dense_peak_and_the_mfu_range(built_warehouse):
    row = query(
        built_warehouse,
        """
        select peak_tflops, utilization_fraction_low, utilization_fraction_central, utilization_fraction_high,
               estimated_energy_mwh_low, estimated_energy_mwh_central, estimated_energy_mwh_high, pue
        from training_footprint_estimates where source_id = 'epoch_ai_models' and model = 'Grok-2'""",
    )[0]
    peak, u_low, u_central, u_high, low, central, high, pue = row
    mfu = sorted(
        value
        for (value,) in query(
            built_warehouse,
            """
        select hardware_utilization_fraction from ai_training_runs where hardware_utilization_fraction is not null""",
        )
    )
    assert peak == pytest.approx(989.4)  # H100 dense BF16 (Epoch), not the 1,979 with sparsity
    assert u_central == pytest.approx((mfu[16] + mfu[17]) / 2)  # the median of Epoch's 34 reported MFUs
    hours = 2.96e25 / (989.4e12 * u_central) / 3600
    assert central == pytest.approx(hours * 700 * pue / 1e6)
    assert low == pytest.approx(central * u_central / u_high) and high == pytest.approx(central * u_central / u_low)
    assert low < central < high


def test_epoch_power_draw_gets_no_second_pue(built_warehouse):
    rows = query(
        built_warehouse,
        """select e.pue, e.estimated_energy_mwh_central, r.cluster_power_draw_w * r.training_hours / 1e6
                                     from training_footprint_estimates e
                                     join ai_training_runs r using (source_id, model)
                                     where e.method = 'source_power_draw'""",
    )
    assert rows and all(pue == 1.0 and energy == pytest.approx(expected) for pue, energy, expected in rows)
    # Organisation country is never taken for the site: Epoch runs use the world average.
    assert query(
        built_warehouse,
        """select distinct zone_id from training_footprint_estimates
                                     where source_id = 'epoch_ai_models'""",
    ) == [("WLD",)]


def test_range_columns_are_ordered(built_warehouse):
    for table, stems in [
        ("training_footprint_estimates", ("estimated_energy_mwh", "estimated_operational_tco2e", "device_hours")),
        ("accelerator_unit_sales", ("units",)),
        ("accelerator_fleet_footprint", ("installed_base", "energy_twh", "emissions_mtco2e", "retired_mass_t")),
    ]:
        for stem in stems:
            (bad,) = query(
                built_warehouse,
                f"""select count(*) from {table}
                                                where {stem}_low > {stem}_central * (1 + 1e-9)
                                                   or {stem}_central > {stem}_high * (1 + 1e-9)""",
            )[0]
            assert bad == 0, (table, stem)


def test_named_runs_are_matched_across_sources_with_their_disagreements(built_warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            built_warehouse,
            """
        select run_key, source_id_a, source_id_b, differing_fields from training_run_disagreements
        where run_key in ('llama31405b', 'bloom176b', 'gpt3175b')""",
        )
    }
    assert rows["gpt3175b"] == ("curated_training_runs", "epoch_ai_models", "hardware, energy")
    assert rows["bloom176b"] == ("curated_training_runs", "epoch_ai_models", "energy")
    assert rows["llama31405b"] == ("epoch_ai_models", "llama_model_cards", "device_hours")
    # Both rows stay.
    assert query(built_warehouse, "select count(*) from ai_training_runs where run_key = 'gpt3175b'") == [(2,)]


def test_unit_sales_cited_beside_revenue_derived(built_warehouse):
    rows = {
        (r[0], r[1]): r[2:]
        for r in query(
            built_warehouse,
            """
        select year, method, units_low, units_central, units_high from accelerator_unit_sales
        where vendor = 'NVIDIA'""",
        )
    }
    assert rows[(2023, "cited_units")] == (3_760_000.0, 3_760_000.0, 3_760_000.0)
    # Calendar 2024 = fiscal 2025: 115.3 bn USD Data Center revenue x 0.82/0.86/0.90 / 40,000/32,500/25,000 USD.
    low, central, high = rows[(2024, "revenue_derived")]
    assert (low, central, high) == (
        pytest.approx(115.3e9 * 0.82 / 40_000),
        pytest.approx(115.3e9 * 0.86 / 32_500),
        pytest.approx(115.3e9 * 0.90 / 25_000),
    )
    assert {
        vendor
        for (vendor,) in query(
            built_warehouse,
            """select distinct vendor from accelerator_unit_sales
                                                              where method = 'revenue_derived'""",
        )
    } == {"NVIDIA"}


def test_names_resolve_with_the_connection_too(built_warehouse):
    with duckdb.connect(str(built_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        assert resolve_accelerator(con, "Intel Habana Gaudi2").canonical_model == "gaudi-2"
