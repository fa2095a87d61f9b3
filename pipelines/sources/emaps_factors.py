"""Electricity Maps' global default emission factors per production mode (config/defaults.yaml).

`emissionFactors.{direct,lifecycle}.<mode>` is either one factor `{source, value[, _comment]}`
or, for modes whose factor changes over time (battery and hydro-storage discharge), a list of
`{datetime, source, value}` entries, each valid from its date until the next one. Units are
gCO2eq/kWh; the file does not say so, Electricity Maps' documentation does.

The other top-level keys (fallback mixes, low-carbon and renewable flags) are not emission
factors and are not read. Zone-specific overrides live in other files of the repository.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

_COMMIT = "b354f28aad434182bf591c51481e7eded62306cf"
DEFAULTS = "defaults.yaml"
BASES = ("direct", "lifecycle")
# Electricity Maps' production modes are the project's technology vocabulary (schemas/grid_extras.py).
MODES = (
    "battery charge",
    "battery discharge",
    "biomass",
    "coal",
    "gas",
    "geothermal",
    "hydro",
    "hydro charge",
    "hydro discharge",
    "nuclear",
    "oil",
    "solar",
    "unknown",
    "wind",
)


def parse_generation_emission_factors(raw: RawSource) -> pd.DataFrame:
    factors = _emission_factors(raw)
    rows = []
    for basis in BASES:
        modes = factors.get(basis)
        if not isinstance(modes, dict) or not modes:
            raise SourceFormatError(
                raw.source_id,
                DEFAULTS,
                f"no '{basis}' factors under emissionFactors",
                column=f"emissionFactors.{basis}",
            )
        for mode, entry in modes.items():
            if mode not in MODES:
                raise SourceFormatError(
                    raw.source_id,
                    DEFAULTS,
                    f"unknown production mode '{mode}' (known: {', '.join(MODES)})",
                    column=f"emissionFactors.{basis}",
                )
            # A list means one factor per period, each valid from its `datetime`.
            entries = entry if isinstance(entry, list) else [entry]
            for item in entries:
                rows.append(_row(raw, basis, mode, item, dated=isinstance(entry, list)))
    return pd.DataFrame(rows)


def _emission_factors(raw: RawSource) -> dict:
    document = raw.yaml(DEFAULTS)
    factors = document.get("emissionFactors") if isinstance(document, dict) else None
    if not isinstance(factors, dict):
        raise SourceFormatError(
            raw.source_id, DEFAULTS, "no 'emissionFactors' mapping at the top level", column="emissionFactors"
        )
    return factors


def _row(raw: RawSource, basis: str, mode: str, item, *, dated: bool) -> dict:
    where = f"emissionFactors.{basis}.{mode}"
    if not isinstance(item, dict) or "value" not in item or not str(item.get("source") or "").strip():
        raise SourceFormatError(raw.source_id, DEFAULTS, "expected {source, value}", column=where, sample_rows=[item])
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SourceFormatError(
            raw.source_id, DEFAULTS, f"non-numeric value {value!r}", column=where, sample_rows=[item]
        )
    return {
        "technology": mode,
        "technology_as_published": mode,
        "basis": basis,
        "gco2e_per_kwh": float(value),
        "valid_from_date": _valid_from(raw, where, item) if dated else None,
        "source_note": " ".join(str(item["source"]).split()),
        "source_file": DEFAULTS,
    }


def _valid_from(raw: RawSource, where: str, item: dict) -> dt.date:
    stamp = item.get("datetime")
    # Quoted in the file ('2015-01-01'); an unquoted date would load as a date object.
    if isinstance(stamp, dt.datetime):
        return stamp.date()
    if isinstance(stamp, dt.date):
        return stamp
    try:
        return dt.date.fromisoformat(str(stamp)[:10])
    except ValueError:
        raise SourceFormatError(
            raw.source_id,
            DEFAULTS,
            f"time-varying factor without a valid datetime ({stamp!r})",
            column=where,
            sample_rows=[item],
        ) from None


SOURCE = Source(
    id="emaps_factors",
    title="Electricity Maps default emission factors per generation technology (direct and lifecycle)",
    publisher="Electricity Maps (electricitymaps-contrib)",
    license="AGPL-3.0 (repository licence; factor values cite IPCC 2014, BEIS 2021, EIA 2020, UK POST 2014)",
    homepage="https://github.com/electricitymaps/electricitymaps-contrib",
    description="Global default emission factors (gCO2eq/kWh) per production mode, direct and lifecycle, "
    "each with its cited source; storage discharge factors per year.",
    files=(
        SourceFile(
            DEFAULTS,
            f"https://raw.githubusercontent.com/electricitymaps/electricitymaps-contrib/{_COMMIT}/config/defaults.yaml",
            "yaml",
            "2026-04-28",
        ),
    ),
    parsers={"generation_emission_factors": parse_generation_emission_factors},
)
