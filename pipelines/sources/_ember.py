"""How Ember's tables name a place, shared by the Ember sources."""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource


def ember_places(raw: RawSource, name: str, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Countries by their ISO alpha-3 `country_code`; aggregates (Africa, EU, G20, World ..., which Ember
    leaves without a code) by `country_or_region` -> (zone_id, zone_type)."""
    codes = frame["country_code"].fillna("").astype(str).str.strip()
    countries = codes.map(lambda code: zones.normalise_alpha3(code) if code else None)
    unknown = (codes != "") & countries.isna()
    if unknown.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"unknown country code(s) {sorted(codes[unknown].unique())[:5]} (add an alias to pipelines/zones.py)",
            column="country_code",
            sample_rows=frame.loc[unknown].head(5).to_dict("records"),
        )
    is_aggregate = codes == ""
    zone_ids = countries.where(~is_aggregate, frame["country_or_region"].map(zones.aggregate_id))
    return zone_ids, is_aggregate.map({True: "aggregate", False: "country"})
