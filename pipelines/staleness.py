"""Which assets a refresh must recompute, read through Dagster's public instance API.

Dagster tags every materialization with the code version it ran with (`dagster/code_version`),
its own data version (`dagster/data_version`) and the data version of each upstream asset it
read (`dagster/input_data_version/<key>`); an observation of a source asset carries its data
version. An asset is stale when it never materialized, when its code version is not the one
it last ran with, or when an upstream asset's current data version (its latest materialization,
or latest observation for a source asset) is not the one it read. These are Dagster's own
rules for a stale asset; what is downstream of a stale asset is added by the refresh.
"""

from __future__ import annotations

import dagster as dg

CODE_VERSION_TAG = "dagster/code_version"
DATA_VERSION_TAG = "dagster/data_version"
INPUT_DATA_VERSION_TAG = "dagster/input_data_version/"
# What Dagster records as the data version of an upstream asset that never materialized (e.g. the
# staging rows of a source an archive never recorded).
NEVER_MATERIALIZED = "INITIAL"


def stale_keys(instance: dg.DagsterInstance, graph, keys) -> set[dg.AssetKey]:
    """Of `keys` (materializable assets of `graph`, a resolved asset graph), those that are stale or missing."""
    current: dict[dg.AssetKey, str] = {}

    def data_version(key: dg.AssetKey) -> str:
        if key not in current:
            tags = _latest_tags(instance, key, observed=not graph.get(key).is_materializable)
            current[key] = tags.get(DATA_VERSION_TAG) if tags is not None else NEVER_MATERIALIZED
        return current[key]

    stale = set()
    for key in keys:
        tags = _latest_tags(instance, key, observed=False)
        node = graph.get(key)
        if (
            tags is None
            or (node.code_version is not None and tags.get(CODE_VERSION_TAG) != node.code_version)
            or any(
                tags.get(INPUT_DATA_VERSION_TAG + parent.to_user_string()) != data_version(parent)
                for parent in node.parent_keys
            )
        ):
            stale.add(key)
    return stale


def _latest_tags(instance: dg.DagsterInstance, key: dg.AssetKey, *, observed: bool) -> dict[str, str] | None:
    """Tags of the asset's latest materialization (or observation); None if it has none."""
    if observed:
        records = instance.fetch_observations(key, limit=1).records
        return dict(records[0].asset_observation.tags or {}) if records else None
    event = instance.get_latest_materialization_event(key)
    return dict(event.asset_materialization.tags or {}) if event is not None else None
