from __future__ import annotations

import pytest

from conftest import real_source
from pipelines.sources import egrid
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rows():
    return egrid.parse_grid_intensity(real_source(egrid.SOURCE.id))


def _value(rows, zone_id):
    return rows.set_index("zone_id").loc[zone_id, "gco2e_per_kwh"]


def test_us_and_27_subregions_for_2022(rows):
    assert len(rows) == 28
    assert rows["zone_type"].value_counts().to_dict() == {"subregion": 27, "country": 1}
    assert set(rows["year"]) == {2022}
    assert {"AKGD", "CAMX", "ERCT", "NYCW", "PRMS", "SRVC"} <= set(rows["zone_id"])


def test_real_rates_in_grams_per_kwh(rows):
    assert _value(rows, "USA") == pytest.approx(373.37, abs=0.01)  # 823.149 lb/MWh
    assert _value(rows, "SRVC") == pytest.approx(282.58, abs=0.01)  # 622.987 lb/MWh
    assert _value(rows, "NYUP") == pytest.approx(124.54, abs=0.01)  # 274.559 lb/MWh
    assert rows.loc[rows["gco2e_per_kwh"].idxmax(), "zone_id"] == "PRMS"
    assert rows["gco2e_per_kwh"].max() == pytest.approx(722.79, abs=0.01)  # 1593.481 lb/MWh


def test_schema_valid(rows):
    vintage = real_source(egrid.SOURCE.id).file(egrid.SUBREGION_RATES).vintage
    frame = rows.assign(source_id=egrid.SOURCE.id, source_vintage=vintage)
    assert len(validate("grid_carbon_intensity", frame, source_id=egrid.SOURCE.id)) == 28
