"""Boavizta API reference data (Boavizta/boaviztapi on GitHub).

Grid carbon intensity comes from electrical_mix.csv, a wide table: one row per impact
criterion and source, one column per zone (ISO alpha-3, plus WOR = world and EEE = Europe),
with the zone display names in the row whose `name` is 'country'. Climate change is the
criterion `gwp`, in kg CO2e/kWh, given by several rows: per zone, Boavizta uses the lowest
`priority` number that has a value, and so does this parser, dating the value by that row's
`reference_year` (the later year where it names two, e.g. "2020 & 2019").

Basis: lifecycle. Each gwp source counts upstream and construction emissions: the JRC study
(Scarlat et al. 2022, S0306261921012149) says so, Ember uses IPCC lifecycle factors, ADEME
Base IMPACTS is a lifecycle database, and the world row averages those values. A gwp row from
any other source is labelled unknown.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from pipelines import embodied, hardware, zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile
from pipelines.sources._specs import finish_specs, numeric_column

_COMMIT = "15878f045bf06bc6ed685c7266c39f7e8498ab94"
_RAW = f"https://raw.githubusercontent.com/Boavizta/boaviztapi/{_COMMIT}/boaviztapi/data"

ELECTRICAL_MIX = "electrical_mix.csv"
_META_COLUMNS = ("english_name", "french_name", "unit", "source", "priority", "reference_year", "name")
_GWP_UNIT = "kg éq. CO2"
KG_TO_G = 1000
_AGGREGATE_CODES = {"WOR", "EEE"}
# Boavizta's SCG column is labelled "Serbie" and holds the JRC 2019 value for Serbia, although
# ISO retired SCG with Serbia and Montenegro in 2006.
_CODE_FIXES = {"SCG": "SRB"}
_BASIS_BY_SOURCE = {
    "S0306261921012149": "lifecycle",
    "ember-climate.org": "lifecycle",
    "ADEME Base IMPACTS": "lifecycle",
    "Average of all country in the csv": "lifecycle",
}


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    # Only an empty cell is missing, so a stray "n/a" is reported rather than read as no value.
    table = raw.csv(ELECTRICAL_MIX, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(ELECTRICAL_MIX, table, _META_COLUMNS)
    codes = [c for c in table.columns if c not in _META_COLUMNS]
    not_codes = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
    if not_codes:  # pandas renames a repeated column FRA to FRA.1
        raise SourceFormatError(
            raw.source_id, ELECTRICAL_MIX, f"zone columns {not_codes} are not three-letter codes", column=not_codes[0]
        )
    names_rows = table[table["name"] == "country"]
    if len(names_rows) != 1:
        raise SourceFormatError(
            raw.source_id,
            ELECTRICAL_MIX,
            f"expected one row of zone names (name = 'country'), found {len(names_rows)}",
            column="name",
        )
    zone_names = names_rows.iloc[0].fillna("").str.strip()

    gwp = table[table["name"] == "gwp"]
    if gwp.empty:
        raise SourceFormatError(raw.source_id, ELECTRICAL_MIX, "no climate-change rows (name = 'gwp')", column="name")
    units = sorted(set(gwp["unit"].fillna("").str.strip()))
    if units != [_GWP_UNIT]:
        raise SourceFormatError(
            raw.source_id, ELECTRICAL_MIX, f"expected gwp in {_GWP_UNIT!r}, file says {units}", column="unit"
        )
    # Error samples show which row it is, not all of its zone columns.
    described = gwp[["source", "priority", "reference_year"]]
    priority = raw.to_number(ELECTRICAL_MIX, described, "priority")
    years = gwp["reference_year"].map(_latest_year)
    for column, parsed in (("priority", priority), ("reference_year", years)):
        if parsed.isna().any():
            raise SourceFormatError(
                raw.source_id,
                ELECTRICAL_MIX,
                f"gwp row without a {column}",
                column=column,
                sample_rows=described[parsed.isna()].to_dict("records"),
            )

    values = pd.DataFrame(
        {code: raw.to_number(ELECTRICAL_MIX, gwp[[*described.columns, code]], code) for code in codes}
    )
    # An empty cell, or 0 (no grid emits nothing), means the row has no value for that zone.
    values = values.where(values != 0)
    candidates = (
        values.assign(priority=priority, year=years, source=gwp["source"].fillna(""))
        .melt(id_vars=["priority", "year", "source"], var_name="code", value_name="kg_per_kwh")
        .dropna(subset=["kg_per_kwh"])
    )
    if candidates.empty:
        raise SourceFormatError(raw.source_id, ELECTRICAL_MIX, "no gwp row has a value for any zone", column="name")
    chosen = candidates[candidates["priority"] == candidates.groupby("code")["priority"].transform("min")]
    tied = chosen.duplicated("code", keep=False)
    if tied.any():
        raise SourceFormatError(
            raw.source_id,
            ELECTRICAL_MIX,
            "two gwp rows of the same priority give a value for the same zone",
            column=chosen.loc[tied, "code"].iloc[0],
            sample_rows=chosen[tied].to_dict("records"),
        )

    zone_ids, zone_types = zip(*(_zone(code, zone_names[code]) for code in chosen["code"]), strict=True)
    return pd.DataFrame(
        {
            "zone_id": zone_ids,
            "zone_name": [zone_names[code] for code in chosen["code"]],
            "zone_type": zone_types,
            "year": chosen["year"].astype("int64"),
            "gco2e_per_kwh": chosen["kg_per_kwh"] * KG_TO_G,
            "basis": [_basis(source) for source in chosen["source"]],
            "source_file": ELECTRICAL_MIX,
        },
        index=chosen.index,
    ).reset_index(drop=True)


def _zone(code: str, name: str) -> tuple[str, str]:
    if code in _AGGREGATE_CODES:
        return zones.aggregate_id(name or code), "aggregate"
    code = _CODE_FIXES.get(code, code)
    # ISO-retired codes Boavizta still uses (ANT, Netherlands Antilles) stay as published.
    return zones.normalise_alpha3(code) or code, "country"


def _latest_year(text) -> int | None:
    years = [int(y) for y in re.findall(r"\b\d{4}\b", str(text))]
    return max(years) if years else None


def _basis(source: str) -> str:
    return next((basis for marker, basis in _BASIS_BY_SOURCE.items() if marker in source), "unknown")


GPU_SPECS = "gpu_specs.csv"
FACTORS = "factors.yml"
_GPU_SPEC_COLUMNS = [
    "name",
    "number",
    "vram",
    "die_surface",
    "pwb_surface",
    "distance_boat",
    "distance_truck",
    "distance_plane",
    "mass_casing",
    "mass_heatsink",
    "mass",
]
# What the cradle-to-gate model needs; a GPU lacking one is left out (Boavizta would use its
# default "Large GPU" archetype instead, which would not describe that GPU).
_EMBODIED_INPUTS = ["number", "vram", "die_surface", "pwb_surface", "mass_casing", "mass_heatsink", "mass"]
log = logging.getLogger(__name__)


def _gpu_specs(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(GPU_SPECS, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(GPU_SPECS, frame, _GPU_SPEC_COLUMNS)
    numbers = {column: numeric_column(raw, GPU_SPECS, frame, column) for column in _GPU_SPEC_COLUMNS[1:]}
    return pd.DataFrame({"name": frame["name"].str.strip(), **numbers, "source": frame.get("source")})


def parse_accelerator_specs(raw: RawSource) -> pd.DataFrame:
    """gpu_specs.csv: memory and card mass per GPU. Its die_surface is the loss-adjusted effective
    wafer area Boavizta models with, not the die's area, so die_area_mm2 stays empty."""
    gpus = _gpu_specs(raw)
    specs = pd.DataFrame(
        {
            "model": gpus["name"],
            "kind": gpus["name"].map(hardware.infer_kind),
            "memory_gb": gpus["vram"],
            "mass_kg": gpus["mass"],
            "reference": gpus["source"],
        }
    )
    return finish_specs(specs, GPU_SPECS)


def parse_hardware_embodied(raw: RawSource) -> pd.DataFrame:
    """Cradle-to-gate kg CO2e per GPU of gpu_specs.csv with the factors.yml gpu gwp factors
    (BoaviztAPI's GPU component model; formula in pipelines/embodied.py)."""
    factors = raw.yaml(FACTORS)
    try:
        manufacture, distribution, end_of_life = embodied.boavizta_gpu_factors(factors)
    except KeyError as exc:
        raise SourceFormatError(raw.source_id, FACTORS, f"no climate-change factor {exc.args[0]}") from None
    gpus = _gpu_specs(raw)
    incomplete = gpus[_EMBODIED_INPUTS].isna().any(axis=1)
    for name in gpus.loc[incomplete, "name"]:
        log.warning(
            "boavizta: %s '%s': left out of the embodied model, lacking one of %s", GPU_SPECS, name, _EMBODIED_INPUTS
        )
    gpus = gpus[~incomplete]
    rows = []
    for spec in gpus.to_dict("records"):
        result = embodied.boavizta_gpu_embodied(spec, manufacture, distribution, end_of_life)
        terms = ", ".join(f"{component} {value:.2f}" for component, value in result.terms_kgco2e.items())
        rows.append(
            {
                "item": f"{spec['name']} (Boavizta GPU model)",
                "canonical_model": hardware.canonical_model(spec["name"]),
                "embodied_kgco2e": result.cradle_to_gate_kgco2e,
                "boundary": "cradle-to-gate (manufacture incl. upstream transport; excludes distribution, use, "
                "end of life)",
                "method": "BoaviztAPI GPU component model: factors.yml gpu gwp factors x gpu_specs.csv casing and "
                "heatsink mass, PWB area, effective die area, VRAM die area",
                "method_type": "parametric_model",
                "citation_note": f"kg CO2e by component: {terms}. Boavizta's other embedded terms, not included: "
                f"distribution {result.distribution_kgco2e:.2f}, end of life {result.end_of_life_kgco2e:.2f}.",
                "source_file": GPU_SPECS,
            }
        )
    if not rows:
        raise SourceFormatError(raw.source_id, GPU_SPECS, f"no GPU has all of {_EMBODIED_INPUTS}")
    return pd.DataFrame(rows).assign(
        citation_publisher=None, citation_title=None, citation_url=None, citation_published=None
    )


SOURCE = Source(
    id="boavizta",
    title="Boavizta API reference data: electricity impact factors and hardware manufacturing factors",
    publisher="Boavizta",
    license="AGPL-3.0 (repository licence; factors cite ADEME Base IMPACTS, Ember, and LCA studies)",
    homepage="https://boavizta.org/",
    description="Multi-criteria impact factors: per-country electricity impacts (climate change, abiotic "
    "resource depletion, primary energy ...) and manufacturing impact factors for server components "
    "including GPUs, used to estimate embodied emissions.",
    files=(
        SourceFile(ELECTRICAL_MIX, f"{_RAW}/crowdsourcing/electrical_mix.csv", "csv", "2023-04-24"),
        SourceFile("gpu_specs.csv", f"{_RAW}/crowdsourcing/gpu_specs.csv", "csv", "2026-05-29"),
        SourceFile("gpu_archetypes.csv", f"{_RAW}/archetypes/components/gpu.csv", "csv", "2026-05-20"),
        SourceFile("factors.yml", f"{_RAW}/factors.yml", "yaml", "2026-05-20"),
    ),
    parsers={
        "grid_carbon_intensity": parse_grid_intensity,
        "accelerator_specs": parse_accelerator_specs,
        "hardware_embodied_emissions": parse_hardware_embodied,
    },
    freshness=Freshness(1095, "Boavizta's factors change rarely"),
    priority={"grid_carbon_intensity": 9, "accelerator_specs": 3},
)
