"""Staleness from Dagster's public instance API: fresh after a run, stale after a code or upstream data change."""

import dagster as dg
import pytest

from pipelines.staleness import stale_keys

pytestmark = pytest.mark.filterwarnings("ignore::dagster.BetaWarning")


def build(raw_version: list[str], code_version: str) -> dg.Definitions:
    @dg.observable_source_asset(key="raw_toy")
    def raw_toy():
        return dg.DataVersion(raw_version[0])

    @dg.asset
    def never_built():  # like the staging rows of a source an archive never recorded
        return dg.MaterializeResult()

    @dg.asset(deps=[raw_toy.key, never_built], code_version=code_version)
    def parsed():
        return dg.MaterializeResult()

    @dg.asset(deps=[parsed], code_version="1")
    def published():
        return dg.MaterializeResult()

    job = dg.define_asset_job("everything", executor_def=dg.in_process_executor)
    return dg.Definitions(assets=[raw_toy, never_built, parsed, published], jobs=[job])


def run(defs: dg.Definitions, instance, *keys: str) -> None:
    result = defs.resolve_job_def("everything").execute_in_process(
        instance=instance, asset_selection=[dg.AssetKey(key) for key in keys]
    )
    assert result.success


def stale(defs: dg.Definitions, instance) -> set[str]:
    keys = [dg.AssetKey("parsed"), dg.AssetKey("published")]
    return {key.to_user_string() for key in stale_keys(instance, defs.resolve_asset_graph(), keys)}


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


def test_never_materialized_assets_are_stale(instance):
    defs = build(["v1"], "1")
    run(defs, instance, "raw_toy")
    assert stale(defs, instance) == {"parsed", "published"}


def test_fresh_after_a_run_and_stale_after_a_code_version_change(instance):
    defs = build(["v1"], "1")
    run(defs, instance, "raw_toy")
    run(defs, instance, "parsed", "published")
    assert stale(defs, instance) == set()
    # Only the asset whose code changed: the refresh adds what is downstream of it.
    assert stale(build(["v1"], "2"), instance) == {"parsed"}


def test_stale_after_an_upstream_data_version_change_and_fresh_when_it_is_unchanged(instance):
    raw_version = ["v1"]
    defs = build(raw_version, "1")
    run(defs, instance, "raw_toy")
    run(defs, instance, "parsed", "published")
    run(defs, instance, "raw_toy")  # observed again, same bytes
    assert stale(defs, instance) == set()
    raw_version[0] = "v2"
    run(defs, instance, "raw_toy")
    assert stale(defs, instance) == {"parsed"}
    run(defs, instance, "parsed")
    # parsed's data version follows its input's: published read the old one.
    assert stale(defs, instance) == {"published"}
