"""unfccc_ifi_grid_factors: the IFI harmonised grid factors (CSV and JSON) on the recorded files."""

import json

import pandas as pd
import pytest

from conftest import one, real_source
from pipelines.sources import unfccc_ifi_grid_factors

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ifi():
    return unfccc_ifi_grid_factors.parse_grid_marginal_emission_factors(real_source("unfccc_ifi_grid_factors"))


def test_ifi_values_for_a_few_countries(ifi):
    def value(zone_id, kind):
        return one(ifi, zone_id=zone_id, energy_project_type=kind)["gco2_per_kwh"]

    assert value("AFG", "operating_margin") == 414
    assert value("USA", "firm_energy") == 246
    assert value("USA", "operating_margin") == 416
    assert value("GBR", "intermittent_energy") == 320
    assert value("DEU", "operating_margin") == 650
    assert value("IND", "intermittent_energy") == 822
    assert value("ZWE", "operating_margin") == 1575
    assert value("ESP-CN", "firm_energy") == 435
    assert value("CYM", "firm_energy") == 373
    assert value("EU27", "operating_margin") == 409


def test_ifi_no_data_countries_are_dropped(ifi):
    assert not {"ALB", "COD"} & set(ifi["zone_id"])
    assert ifi["zone_id"].nunique() == 233 - 9
    assert len(ifi) == 5 * 224


def test_ifi_csv_and_json_agree_on_every_value():
    raw = real_source("unfccc_ifi_grid_factors")
    table = unfccc_ifi_grid_factors.factor_table(raw)
    data = json.loads(raw.file(unfccc_ifi_grid_factors.ISO_JSON).read_bytes())
    json_columns = {
        "firm_energy": "Firm Energy (e.g., Hydro, Geothermal)",
        "intermittent_energy": "Intermittent Energy (e.g., Solar, Wind, Tidal)",
        "energy_efficiency": "Energy Efficiency",
        "electricity_consumption": "Electricity Consumption",
        "operating_margin": "Operating Margin Grid Emission",
    }
    from_json = pd.DataFrame(
        {
            column: {unfccc_ifi_grid_factors.fold_name(name): float(entry[key]) for name, entry in data.items()}
            for column, key in json_columns.items()
        }
    )
    assert len(table) == len(from_json) == 233
    pd.testing.assert_frame_equal(table.astype(float).sort_index(), from_json.sort_index(), check_names=False)
