"""Columns are defined once (schemas/fields.py): units, keys and citations come from one place."""

import pandas as pd
import pytest

from schemas import TABLES, fields, table
from schemas.fields import column, unit_from_name

CITATION_FIELDS = {
    "citation_publisher": fields.CITATION_PUBLISHER,
    "citation_title": fields.CITATION_TITLE,
    "citation_url": fields.CITATION_URL,
    "citation_published": fields.CITATION_PUBLISHED,
    "citation_locator": fields.CITATION_LOCATOR,
    "citation_note": fields.CITATION_NOTE,
    "via_url": fields.VIA_URL,
}


@pytest.mark.parametrize(
    "name, unit",
    [
        ("gco2e_per_kwh", "gCO2e/kWh"),
        ("grid_gco2e_per_kwh", "gCO2e/kWh"),
        ("forecast_gco2_per_kwh", "gCO2/kWh"),
        ("energy_twh_low", "TWh"),
        ("share_of_demand_pct_central", "percent"),
        ("peak_tflops_fp16", "TFLOP/s"),
        ("training_compute_flop", "FLOP"),
        ("embodied_kgco2e", "kgCO2e"),
        ("embodied_kgco2e_per_device", "kgCO2e/device"),
        ("reported_market_based_tco2e", "tCO2e"),
        ("cfe_fraction", "fraction"),
        ("revenue_usd", "USD"),
        ("power_capacity_mw", "MW"),
        ("quantity_t", "t"),
        ("year", None),
        ("pue", None),
        ("zone_id", None),
    ],
)
def test_the_unit_is_read_from_the_name_suffix(name, unit):
    assert unit_from_name(name) == unit


def test_units_reach_the_published_schema():
    units = table("ai_training_runs").column_units()
    assert (units["reported_energy_mwh"], units["reported_market_based_tco2e"], units["pue"], units["model"]) == (
        "MWh",
        "tCO2e",
        None,
        None,
    )
    assert table("sources").column_units()["bytes"] == "bytes"  # given, where the name states no unit


def test_a_table_specific_variant_keeps_type_and_nullability():
    year = fields.YEAR.but(ge=2000, description="Year the PUE describes.")
    assert (year.dtype, year.nullable, year.options) == (int, False, {"ge": 2000, "le": 2100})
    assert column(float, nullable=True, gt=0, description="x").options == {"gt": 0}


def test_the_unique_key_is_the_primary_key():
    for name, spec in TABLES.items():
        assert list(spec.schema.unique) == list(spec.primary_key), name
        assert spec.schema.strict and spec.schema.coerce, name


def test_citation_columns_are_the_same_everywhere():
    """One definition and one nullability rule; only chip_revenue_by_market narrows two patterns."""
    narrowed = {("chip_revenue_by_market", "citation_url"), ("chip_revenue_by_market", "citation_published")}
    seen = 0
    for name, spec in TABLES.items():
        for column_name, definition in CITATION_FIELDS.items():
            if column_name not in spec.columns:
                continue
            seen += 1
            published = spec.schema.columns[column_name]
            assert published.nullable, (name, column_name)
            if (name, column_name) not in narrowed:
                assert published.description == definition.description, (name, column_name)
                assert [str(c) for c in published.checks] == [str(c) for c in definition.field(column_name).checks]
    assert seen == 79


def test_curated_rows_must_cite_their_publication():
    row = {
        "source_id": "curated_minerals",
        "source_vintage": "2026-12-01",
        "mineral": "cobalt",
        "component": "interconnect",
        "role": "barrier layer",
        "source_file": "mineral_uses.csv",
        **{c: None for c in CITATION_FIELDS},
    }
    spec = table("mineral_uses")
    with pytest.raises(Exception, match="a row of a curated source without its citation"):
        spec.schema.validate(pd.DataFrame([row]), lazy=True)
    fetched = {**row, "source_id": "some_dataset"}
    assert len(spec.schema.validate(pd.DataFrame([fetched]))) == 1
