"""What the Dagster UI shows on a published table's asset page: row count, the column schema
from the pandera model, a Markdown preview and the rows per source; and what each check says."""

from __future__ import annotations

import dagster as dg
import pandas as pd
from test_report import GRID, SHIPMENTS, rows

from conftest import curated_rows
from pipelines.assets.table_metadata import column_schema, markdown_preview, published_metadata
from pipelines.resources import WarehouseResource
from pipelines.sources import curated_calculation_defaults
from pipelines.warehouse import Warehouse
from schemas import table


def test_metadata_carries_count_schema_preview_and_rows_per_source():
    frame = rows("grid_carbon_intensity", GRID)
    metadata = published_metadata("grid_carbon_intensity", frame)

    assert metadata["dagster/row_count"].value == 9
    schema = metadata["dagster/column_schema"].schema
    assert [c.name for c in schema.columns] == table("grid_carbon_intensity").columns
    gco2e = next(c for c in schema.columns if c.name == "gco2e_per_kwh")
    assert gco2e.type == "float64" and "grams of CO2-equivalent per kWh" in gco2e.description
    assert gco2e.constraints.nullable is False
    zone_type = next(c for c in schema.columns if c.name == "zone_type")
    assert zone_type.constraints.other == ["enum ['country', 'subregion', 'aggregate', 'cloud_region']"]
    assert schema.constraints.other == ["primary key (zone_id, year, source_id, basis)"]
    assert metadata["rows_per_source"].value == {"codecarbon": 6, "ember_eu_power_2020": 1, "owid_energy": 2}
    preview = metadata["preview"].value
    assert preview.startswith("First 5 of 9 rows.")
    assert "| FRA | France | country | 2023 | 56.039 | lifecycle | mix.json |" in preview


def test_preview_cuts_long_cells_and_escapes_pipes():
    frame = pd.DataFrame({"note": ["a | b", "x" * 100, None]})
    preview = markdown_preview(frame)
    assert preview.splitlines()[0] == "All 3 rows."
    assert "| a \\| b |" in preview and "| " + "x" * 39 + "… |" in preview and "|  |" in preview


def test_every_published_table_has_a_column_schema():
    from schemas import TABLES

    for name, spec in TABLES.items():
        assert len(column_schema(name).columns) == len(spec.columns), name


def test_a_materialization_carries_the_metadata(tmp_path):
    from pipelines.assets.fleet import accelerator_fleet_footprint

    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", rows("grid_carbon_intensity", GRID))
    store.publish("accelerator_shipments", rows("accelerator_shipments", SHIPMENTS))
    store.publish("calculation_defaults", curated_rows(curated_calculation_defaults.SOURCE, "calculation_defaults"))
    store.apply_sql()
    result = dg.materialize(
        [accelerator_fleet_footprint],
        resources={"warehouse": WarehouseResource(warehouse_dir=str(tmp_path))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    published = store.read("accelerator_fleet_footprint")
    assert metadata["dagster/row_count"].value == len(published) > 0
    assert {c.name for c in metadata["dagster/column_schema"].schema.columns} == set(published.columns)
    assert metadata["rows_per_source"].value == {"curated_chips": len(published)}
    assert "| NVIDIA | data-centre GPUs |" in metadata["preview"].value


def test_each_check_says_what_it_compared():
    from pipelines.definitions import ALL_CHECKS

    descriptions = {spec.name: spec.description for check in ALL_CHECKS for spec in check.check_specs}
    assert all(descriptions.values())
    assert descriptions["grid_carbon_intensity_rows_per_source"] == (
        "Compares the sources of `grid_carbon_intensity` that the raw snapshot holds with the source_ids in the "
        "published table: passes when every one contributed rows."
    )
    assert descriptions["grid_carbon_intensity_primary_key_unique"].startswith(
        "Counts the rows of the published `grid_carbon_intensity` per primary key (zone_id, year, source_id, basis)"
    )
