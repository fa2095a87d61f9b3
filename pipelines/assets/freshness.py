"""Freshness: warn when a source's newest data is older than that source should be.

Checked at every observation of a raw snapshot, so a refresh that changes nothing still says
when the data behind it is getting old. Thresholds follow each publisher's cadence; a
source not listed here gets DEFAULT_MAX_AGE_DAYS.
"""

from datetime import date

import dagster as dg

from pipelines.assets.factory import raw_asset_key
from pipelines.resources import RawStore
from pipelines.sources import SOURCES, Source

DEFAULT_MAX_AGE_DAYS = 730

# source_id -> (max age of the newest file's data_as_of in days, why)
MAX_AGE_DAYS: dict[str, tuple[int | None, str]] = {
    "owid_energy": (550, "OWID updates the Ember-based series at least yearly"),
    "ember_country_intensity": (550, "Ember publishes yearly electricity data every spring"),
    "emaps_yearly": (550, "Electricity Maps publishes each year's averages early the next year"),
    "gcp_region_carbon": (550, "Google publishes each year's region data the following year"),
    "ecologits_electricity_mixes": (550, "EcoLogits follows OWID's yearly release"),
    "egrid": (730, "EPA releases eGRID about every 1-2 years"),
    "codecarbon": (730, "CodeCarbon refreshes its bundled data irregularly"),
    "green_algorithms": (1095, "the Green Algorithms tables change rarely"),
    "boavizta": (1095, "Boavizta's factors change rarely"),
    "ccf_cloud_factors": (1095, "the CCF coefficients change rarely"),
    "mlco2_impact": (1095, "the ML CO2 Impact data is a research snapshot"),
    "ember_eu_power_2020": (None, "a closed historical vintage (Europe's power sector in 2020)"),
    "llama_model_cards": (None, "model cards document finished training runs, not a maintained series"),
    "uk_carbon_intensity_api": (None, "a fixed recorded 24-hour window, 2019-08-25/26"),
    "unfccc_ifi_grid_factors": (None, "dataset v3.1 for 2021, a closed vintage"),
}


# Sources that publish one file per data year: old years never change, so only the newest
# file says whether the series is being kept up.
ONE_FILE_PER_YEAR = {"gcp_region_carbon", "emaps_yearly"}


def max_age_days(source_id: str) -> int | None:
    return MAX_AGE_DAYS.get(source_id, (DEFAULT_MAX_AGE_DAYS, ""))[0]


def freshness_check(source: Source):
    limit = max_age_days(source.id)
    reason = MAX_AGE_DAYS.get(source.id, (None, "default threshold"))[1]

    @dg.asset_check(asset=raw_asset_key(source.id), name="data_is_fresh",
                    description=(f"Every file's data_as_of within {limit} days ({reason})." if limit
                                 else f"No freshness expectation: {reason}."))
    def _check(raw_store: RawStore) -> dg.AssetCheckResult:
        if not raw_store.has_snapshot(source):
            return dg.AssetCheckResult(passed=True, metadata={"note": "not in the raw archive"})
        ages = {f.name: (date.today() - date.fromisoformat(f.vintage)).days
                for f in raw_store.open(source).files.values()}
        if source.id in ONE_FILE_PER_YEAR:
            newest = min(ages, key=ages.get)
            ages = {newest: ages[newest]}
        stale = {name: age for name, age in sorted(ages.items()) if limit is not None and age > limit}
        return dg.AssetCheckResult(
            passed=not stale,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"stale_files_age_days": dg.MetadataValue.json(stale),
                      "max_age_days": limit if limit is not None else "none",
                      "oldest_age_days": max(ages.values())},
        )

    return _check


checks = [freshness_check(source) for source in SOURCES.values()]
