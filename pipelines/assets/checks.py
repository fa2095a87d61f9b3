"""Checks every published table gets: each source in the snapshot contributed rows; the primary
key is unique. Table-specific checks live with the table's assets."""

import dagster as dg

from pipelines.resources import RawStore, WarehouseResource
from pipelines.sources import sources_for_table
from schemas import table

# Imported by the other asset modules; definitions.py skips modules without `assets`/`checks`.


def _sample(rows) -> dg.MetadataValue:
    return dg.MetadataValue.json([[str(value) for value in row] for row in rows[:20]])


def rows_per_source(table_name: str, raw_store: RawStore, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Passes when every source of the table that the snapshot holds contributed rows."""
    with warehouse.store.connect() as con:
        counts = dict(con.execute(f"select source_id, count(*) from {table_name} group by 1").fetchall())
    expected = {s.id for s in sources_for_table(table_name) if raw_store.has_snapshot(s)}
    missing = sorted(expected - set(counts))
    return dg.AssetCheckResult(
        passed=not missing and sum(counts.values()) > 0,
        metadata={"rows_per_source": dg.MetadataValue.json(counts), "missing_sources": dg.MetadataValue.json(missing)},
    )


def rows_per_source_check(table_name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=table_name,
        name=f"{table_name}_rows_per_source",
        description=f"Compares the sources of `{table_name}` that the raw snapshot holds with the "
        f"source_ids in the published table: passes when every one contributed rows.",
    )
    def _check(raw_store: RawStore, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return rows_per_source(table_name, raw_store, warehouse)

    return _check


def primary_key_check(table_name: str) -> dg.AssetChecksDefinition:
    key = table(table_name).primary_key

    @dg.asset_check(
        asset=table_name,
        name=f"{table_name}_primary_key_unique",
        description=f"Counts the rows of the published `{table_name}` per primary key "
        f"({', '.join(key)}): passes when no key occurs twice.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.store.connect() as con:
            duplicates = con.execute(
                f"select {', '.join(key)}, count(*) as n from {table_name} group by all having count(*) > 1 limit 20"
            ).fetchall()
        return dg.AssetCheckResult(passed=not duplicates, metadata={"duplicates": _sample(duplicates)})

    return _check


def offending_rows_check(
    asset: str,
    name: str,
    description: str,
    sql: str,
    listed_as: str,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetChecksDefinition:
    """A table-specific check that passes when `sql` finds no row; the first rows it finds are listed
    in the check's metadata under `listed_as`."""

    @dg.asset_check(asset=asset, name=name, description=description)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.store.connect() as con:
            rows = con.execute(sql).fetchall()
        return dg.AssetCheckResult(passed=not rows, severity=severity, metadata={listed_as: _sample(rows)})

    return _check


def pairs_apart_check(
    asset: str,
    name: str,
    description: str,
    sql: str,
    gap_column: str,
    tolerance: float,
    listed_as: str,
    listed_rows: int,
    additional_deps: list[str],
) -> dg.AssetChecksDefinition:
    """A warning that compares pairs of figures: `sql` returns one row per pair with its relative gap in
    `gap_column`; pairs further apart than `tolerance` (either way) are counted and the first `listed_rows`
    of them listed under `listed_as`."""

    @dg.asset_check(asset=asset, name=name, description=description, additional_deps=additional_deps)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.store.connect() as con:
            pairs = con.execute(sql).fetchdf()
        apart = pairs[pairs[gap_column].abs() > tolerance]
        return dg.AssetCheckResult(
            passed=apart.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "pairs_compared": len(pairs),
                "pairs_apart": len(apart),
                listed_as: dg.MetadataValue.json(apart.head(listed_rows).astype(str).to_dict("records")),
            },
        )

    return _check
