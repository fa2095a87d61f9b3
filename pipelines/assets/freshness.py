"""Freshness: warn when a source's newest data is older than that source should be.

Checked at every observation of a raw snapshot, so a refresh that changes nothing still says
when the data behind it is getting old. Each source states its threshold and why on its
`Source(freshness=...)`; one check per registered source.
"""

from datetime import date

import dagster as dg

from pipelines.assets.factory import raw_asset_key
from pipelines.resources import RawStore
from pipelines.sources import SOURCES, Source


def freshness_check(source: Source):
    limit, reason = source.freshness.max_age_days, source.freshness.reason

    @dg.asset_check(
        asset=raw_asset_key(source.id),
        name="data_is_fresh",
        description=(
            f"Every file's data_as_of within {limit} days ({reason})."
            if limit
            else f"No freshness expectation: {reason}."
        ),
    )
    def _check(raw_store: RawStore) -> dg.AssetCheckResult:
        if not raw_store.has_snapshot(source):
            return dg.AssetCheckResult(passed=True, metadata={"note": "not in the raw archive"})
        ages = {
            f.name: (date.today() - date.fromisoformat(f.vintage)).days for f in raw_store.open(source).files.values()
        }
        if source.freshness.one_file_per_year:
            newest = min(ages, key=ages.get)
            ages = {newest: ages[newest]}
        stale = {name: age for name, age in sorted(ages.items()) if limit is not None and age > limit}
        return dg.AssetCheckResult(
            passed=not stale,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "stale_files_age_days": dg.MetadataValue.json(stale),
                "max_age_days": limit if limit is not None else "none",
                "oldest_age_days": max(ages.values()),
            },
        )

    return _check


checks = [freshness_check(source) for source in SOURCES.values()]
