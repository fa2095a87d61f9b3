"""The `release` asset, the `refresh_and_release` job and its monthly schedule.

`release` depends on every published table, so in `dagster dev` it sits at the end of the
graph and a release is only cut from tables that materialized. A plain `aifootprint refresh`
selects every asset, and a refresh must not mint a new immutable version each time data
changes, so the asset builds a release only when its run config says `build: true`: the
`refresh_and_release` job (run monthly by `monthly_release`, or launched from the UI) sets
it; otherwise the step ends without materializing anything.
"""

import dagster as dg

from pipelines import release as release_module
from pipelines.resources import WarehouseResource

RELEASE_JOB = "refresh_and_release"
# 03:00 UTC on the 1st: after most publishers' month-end updates have landed.
MONTHLY_CRON = "0 3 1 * *"


class ReleaseConfig(dg.Config):
    build: bool = False
    version: str | None = None


def release_asset(published_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The `release` asset downstream of every published table (pipelines/definitions.py knows them)."""

    @dg.asset(
        name="release",
        deps=published_keys,
        group_name="release",
        kinds={"parquet", "duckdb"},
        output_required=False,
        description="Immutable versioned release of every published table: Parquet, DuckDB views, "
        "datapackage.json, CHANGELOG.md, SHA256SUMS (see `aifootprint release`). Built only "
        "when the run config sets `build: true` (the refresh_and_release job does).",
    )
    def release(context: dg.AssetExecutionContext, config: ReleaseConfig, warehouse: WarehouseResource):
        if not config.build:
            context.log.info("release not requested in this run (config build: false); nothing built")
            return
        # Runs inside a refresh that already holds the warehouse's refresh lock.
        result = release_module.build_release(warehouse.warehouse_dir, config.version, hold_refresh_lock=False)
        for line in result.summary_lines():
            context.log.info(line)
        yield dg.MaterializeResult(
            metadata={
                "version": result.version,
                "path": dg.MetadataValue.path(str(result.path)),
                "explorer_page": dg.MetadataValue.path(str(result.path / "index.html")),
                "previous": result.previous or "",
                "rows": dg.MetadataValue.json(result.tables),
                "changes": dg.MetadataValue.md(
                    (result.path / release_module.CHANGELOG_NAME).read_text(encoding="utf-8")
                ),
            }
        )

    return release


refresh_and_release_job = dg.define_asset_job(
    RELEASE_JOB,
    # include_sources: observing the raw_<source> assets is what fetches (live) or verifies
    # (archive) each source's snapshot; without them the tables would be rebuilt from the old one.
    selection=dg.AssetSelection.all(include_sources=True),
    description="Snapshot every source, rebuild and publish every table, then cut a release.",
    config={"ops": {"release": {"config": {"build": True}}}},
    executor_def=dg.in_process_executor,
)

monthly_release_schedule = dg.ScheduleDefinition(
    name="monthly_release",
    job=refresh_and_release_job,
    cron_schedule=MONTHLY_CRON,
    execution_timezone="UTC",
    description="Monthly: refresh from the live sources and publish a new release.",
)

jobs = [refresh_and_release_job]
schedules = [monthly_release_schedule]
