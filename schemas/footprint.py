"""Tables behind the footprint calculations: PUE, equivalences, training runs and their estimates.

The calculations themselves live in `warehouse/sql/30_footprint.sql`; these schemas describe the
reference data they read and the table of training runs recomputed with them.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.provenance import Provenance
from schemas.registry import register


# Citation columns of hand-compiled or quoted figures: where each was published.
_PUBLISHER = "Who published the figure (organisation or authors)."
_TITLE = "Title of the publication the figure is taken from."
_URL = "URL of the publication the figure is taken from."
_PUBLISHED = "Publication date of the cited document: YYYY, YYYY-MM or YYYY-MM-DD."
_NOTE = "Quote or derivation supporting the figure, and its caveats."
_URL_PATTERN = r"^https?://"
_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@register(
    "datacenter_pue",
    primary_key=("source_id", "scope", "entity", "year"),
    description="""
Power usage effectiveness (PUE: total facility energy / IT equipment energy) of data centres,
as industry averages and as reported by providers, one row per entity, year and source. The
footprint calculations default to the latest Uptime Institute industry average (view
`datacenter_pue_default`, rule in warehouse/sql/30_footprint.sql).
""",
)
class DatacenterPue(Provenance):
    scope: Series[str] = pa.Field(isin=["industry", "provider"],
                                  description="industry = an average over many operators' data centres; "
                                              "provider = one operator's own fleet or site figure.")
    entity: Series[str] = pa.Field(description="Whose PUE it is: the survey or estimate behind an industry "
                                               "average, or the provider and which of its data centres.")
    year: Series[int] = pa.Field(ge=2000, le=2100,
                                 description="Year the PUE describes (for Green Algorithms rows: the year its "
                                             "cited source states or was published).")
    pue: Series[float] = pa.Field(ge=1.0, le=3.0,
                                  description="Power usage effectiveness, dimensionless ratio (>= 1).")
    publisher: Series[str] = pa.Field(nullable=True, description=_PUBLISHER)
    title: Series[str] = pa.Field(nullable=True, description=_TITLE)
    url: Series[str] = pa.Field(nullable=True, str_matches=_URL_PATTERN, description=_URL)
    published: Series[str] = pa.Field(nullable=True, str_matches=_DATE_PATTERN, description=_PUBLISHED)
    note: Series[str] = pa.Field(nullable=True, description=_NOTE)
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "scope", "entity", "year"]


@register(
    "equivalences",
    primary_key=("source_id", "key"),
    description="""
Cited reference quantities that make a footprint comparable to everyday things: household
electricity per year, per-capita emissions, car and flight emissions, tree absorption and the
unit conversions between them. Every constant keeps its publisher, URL and year.
""",
)
class Equivalences(Provenance):
    key: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$",
                                description="Stable identifier of the reference quantity (snake_case).")
    description: Series[str] = pa.Field(description="What the quantity is, in words.")
    value: Series[float] = pa.Field(gt=0, description="The quantity, in `unit`.")
    unit: Series[str] = pa.Field(description="Unit of `value` (e.g. kWh/year, tCO2e/person/year, lbCO2e).")
    publisher: Series[str] = pa.Field(description=_PUBLISHER)
    title: Series[str] = pa.Field(description=_TITLE)
    url: Series[str] = pa.Field(str_matches=_URL_PATTERN, description=_URL)
    published: Series[str] = pa.Field(nullable=True, str_matches=_DATE_PATTERN, description=_PUBLISHED)
    note: Series[str] = pa.Field(nullable=True, description=_NOTE)
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "key"]


@register(
    "ai_training_runs",
    primary_key=("source_id", "model"),
    description="""
Published AI training runs with the inputs their authors state (accelerator, count, hours or
accelerator-hours, power, PUE, location) and the energy and emissions they report, each with
its citation. Figures are recorded as published, including known inconsistencies. Llama runs
are parsed from Meta's model cards; other runs are curated from papers; Epoch AI's Notable AI
Models add several hundred runs with training compute, hardware, quantity, time and Epoch's
modelled cluster power draw. The same run from two sources keeps both rows (they share
`run_key`; view `training_run_disagreements` lists where they differ). `canonical_model` is
the accelerator the hardware name resolves to in `accelerator_specs_preferred` (empty when the
name lists several accelerator types: hardware is never imputed).
""",
)
class AiTrainingRuns(Provenance):
    model: Series[str] = pa.Field(description="Model or run name as the publication gives it.")
    organization: Series[str] = pa.Field(nullable=True, description="Organisation that trained the model.")
    year: Series[int] = pa.Field(ge=1950, le=2100,
                                 description="Year of training (end of the stated training period, else the "
                                             "release or publication year).")
    hardware: Series[str] = pa.Field(nullable=True, description="Accelerator as the publication names it.")
    canonical_model: Series[str] = pa.Field(nullable=True,
                                            description="Canonical accelerator key the hardware name resolves to "
                                                        "(accelerator_specs_preferred); empty when unmatched.")
    hardware_count: Series[pd.Int64Dtype] = pa.Field(nullable=True, gt=0,
                                             description="Number of accelerators used, devices.")
    training_hours: Series[float] = pa.Field(nullable=True, gt=0, description="Wall-clock training time, hours.")
    gpu_hours: Series[float] = pa.Field(nullable=True, gt=0,
                                        description="Accelerator-hours (device count x hours) as reported, hours.")
    power_w: Series[float] = pa.Field(nullable=True, gt=0,
                                      description="Average (or peak, as the publication states) power per "
                                                  "accelerator, watts.")
    pue: Series[float] = pa.Field(nullable=True, ge=1.0, le=3.0,
                                  description="Data-centre PUE the publication applied, ratio.")
    location: Series[str] = pa.Field(nullable=True, description="Where the run took place, as stated.")
    zone_id: Series[str] = pa.Field(nullable=True,
                                    description="Grid zone of the location (zone ids as in grid_carbon_intensity); "
                                                "empty when the publication states none.")
    grid_gco2e_per_kwh: Series[float] = pa.Field(nullable=True, ge=0, lt=2000,
                                                 description="Grid carbon intensity the publication applied, "
                                                             "gCO2e/kWh.")
    reported_energy_mwh: Series[float] = pa.Field(nullable=True, ge=0,
                                                  description="Training energy as reported, MWh.")
    reported_tco2e: Series[float] = pa.Field(nullable=True, ge=0,
                                             description="Training emissions as reported (location-based where the "
                                                         "publication distinguishes), tonnes CO2e.")
    reported_tco2e_market_based: Series[float] = pa.Field(nullable=True, ge=0,
                                                          description="Market-based training emissions where "
                                                                      "reported, tonnes CO2e.")
    # Columns only some sources give; a source without them leaves them out of its staging rows.
    training_compute_flop: Optional[Series[float]] = pa.Field(nullable=True, gt=0,
                                                              description="Training compute, FLOP (Epoch AI).")
    parameter_count: Optional[Series[float]] = pa.Field(nullable=True, gt=0,
                                                        description="Model parameters, count (Epoch AI).")
    hardware_utilization_fraction: Optional[Series[float]] = pa.Field(
        nullable=True, gt=0, le=1, description="Model FLOP utilisation (MFU) reported for the run, fraction (Epoch AI).")
    cluster_power_draw_w: Optional[Series[float]] = pa.Field(
        nullable=True, gt=0, description="Epoch AI's modelled power of the whole training cluster, watts: hardware "
                                         "TDP x quantity with server and data-centre overhead already included "
                                         "(never multiply by a PUE again).")
    organization_country: Optional[Series[str]] = pa.Field(
        nullable=True, description="Country of the organisation (Epoch AI), not the training site: the estimates "
                                   "do not use it.")
    run_key: Optional[Series[str]] = pa.Field(
        nullable=True, str_matches=r"^[a-z0-9]+$",
        description="Normalised run name that matches one run across sources (lower case, without punctuation, "
                    "parentheses and the word 'model'; e.g. gpt3175b, bloom176b, llama31405b).")
    publisher: Series[str] = pa.Field(description=_PUBLISHER)
    title: Series[str] = pa.Field(description=_TITLE)
    url: Series[str] = pa.Field(str_matches=_URL_PATTERN, description=_URL)
    published: Series[str] = pa.Field(nullable=True, str_matches=_DATE_PATTERN, description=_PUBLISHED)
    note: Series[str] = pa.Field(nullable=True, description=_NOTE)
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "model"]


@register(
    "training_footprint_estimates",
    primary_key=("source_id", "model"),
    description="""
Every run of `ai_training_runs` recomputed with this dataset's own defaults (SQL in
pipelines/assets/footprint.py over the footprint() macro of warehouse/sql/30_footprint.sql), next
to the reported figures with the ratio estimate / reported. `method` says how the
accelerator-hours were found, in this order:
* reported_hardware_hours: reported GPU-hours, else device count x training hours;
* training_compute: training FLOP / (peak FLOP/s of the named accelerator x utilisation) / 3600,
  with the run's own reported MFU where Epoch gives one, else the range of MFUs Epoch reports
  across runs (quartiles: the low estimate uses the high utilisation);
* source_power_draw: no accelerator-hours, but Epoch's modelled cluster power x training hours,
  which already includes server and data-centre overhead (no PUE applied).
Energy for the first two = accelerator-hours x TDP x default PUE; operational CO2e = energy x the
preferred grid intensity of the run's stated zone and year (the world average when no site is
stated: an organisation's country is not the site); embodied = accelerator-hours x embodied
kgCO2e per device / (4 x 8760 h). Accelerator hardware is never imputed: a run naming several
accelerator types, or none, is estimated only by source_power_draw or keeps its row with the
reason. Ranges: low <= central <= high; they differ only where the utilisation is a range.
""",
)
class TrainingFootprintEstimates(Provenance):
    model: Series[str] = pa.Field(description="Run name, as in ai_training_runs.")
    organization: Series[str] = pa.Field(nullable=True, description="Organisation that trained the model.")
    year: Series[int] = pa.Field(ge=1950, le=2100, description="Year of training, as in ai_training_runs.")
    run_key: Series[str] = pa.Field(nullable=True, description="Cross-source run key, as in ai_training_runs.")
    hardware: Series[str] = pa.Field(nullable=True, description="Accelerator as the publication names it.")
    canonical_model: Series[str] = pa.Field(nullable=True, description="Canonical accelerator key used for TDP, peak "
                                                                       "FLOP/s and embodied emissions.")
    method: Series[str] = pa.Field(nullable=True, isin=["reported_hardware_hours", "training_compute",
                                                        "source_power_draw"],
                                   description="How the run was estimated (see the table description); empty when "
                                               "it could not be.")
    device_hours_low: Series[float] = pa.Field(nullable=True, gt=0, description="Accelerator-hours, low, hours.")
    device_hours_central: Series[float] = pa.Field(nullable=True, gt=0,
                                                   description="Accelerator-hours used: reported GPU-hours, else device "
                                                               "count x training hours, else from training compute, "
                                                               "hours.")
    device_hours_high: Series[float] = pa.Field(nullable=True, gt=0, description="Accelerator-hours, high, hours.")
    training_compute_flop: Series[float] = pa.Field(nullable=True, gt=0, description="Training compute, FLOP.")
    peak_tflops: Series[float] = pa.Field(nullable=True, gt=0,
                                          description="Peak throughput of the accelerator used by training_compute "
                                                      "(16-bit tensor, else 32-bit), teraFLOP/s.")
    utilization_fraction_low: Series[float] = pa.Field(nullable=True, gt=0, le=1,
                                                       description="Lowest utilisation (MFU) assumed, fraction.")
    utilization_fraction_central: Series[float] = pa.Field(nullable=True, gt=0, le=1,
                                                           description="Central utilisation (MFU), fraction.")
    utilization_fraction_high: Series[float] = pa.Field(nullable=True, gt=0, le=1,
                                                        description="Highest utilisation (MFU) assumed, fraction.")
    utilization_basis: Series[str] = pa.Field(nullable=True, description="Where the utilisation came from.")
    tdp_w: Series[float] = pa.Field(nullable=True, gt=0, description="TDP of the accelerator (the power used), watts.")
    tdp_source_id: Series[str] = pa.Field(nullable=True, description="Source of the TDP (accelerator_specs_preferred).")
    tdp_source_vintage: Series[str] = pa.Field(nullable=True, description="Vintage (YYYY-MM-DD) of the TDP's source.")
    pue: Series[float] = pa.Field(nullable=True, ge=1.0, le=3.0,
                                  description="Default PUE applied (datacenter_pue_default), ratio; 1 for "
                                              "source_power_draw (overhead already included); empty for a run that "
                                              "could not be estimated.")
    pue_source_id: Series[str] = pa.Field(nullable=True, description="Source of the default PUE.")
    pue_source_vintage: Series[str] = pa.Field(nullable=True,
                                               description="Vintage (YYYY-MM-DD) of the default PUE's source.")
    zone_id: Series[str] = pa.Field(description="Grid zone used: the run's zone, else WLD (world average).")
    zone_is_assumed: Series[bool] = pa.Field(description="True when the run states no zone and the world average "
                                                         "was used.")
    gco2e_per_kwh: Series[float] = pa.Field(nullable=True, gt=0,
                                            description="Preferred grid intensity used, gCO2e/kWh.")
    intensity_source_id: Series[str] = pa.Field(nullable=True, description="Source of the grid intensity.")
    intensity_source_vintage: Series[str] = pa.Field(nullable=True,
                                                     description="Vintage (YYYY-MM-DD) of the intensity's source.")
    intensity_data_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, description="Year the intensity value describes (earlier than `year` when carried forward).")
    intensity_is_carried_forward: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="True when the zone has no value for the run's year and an earlier year's "
                                   "is used.")
    embodied_kgco2e_per_device: Series[float] = pa.Field(nullable=True, ge=0,
                                                         description="Embodied emissions per accelerator "
                                                                     "(accelerator_embodied_preferred), kgCO2e.")
    embodied_source_id: Series[str] = pa.Field(nullable=True, description="Source of the embodied emissions.")
    embodied_source_vintage: Series[str] = pa.Field(nullable=True,
                                                    description="Vintage (YYYY-MM-DD) of the embodied source.")
    estimated_energy_mwh_low: Series[float] = pa.Field(nullable=True, ge=0, description="Estimated energy, low, MWh.")
    estimated_energy_mwh_central: Series[float] = pa.Field(nullable=True, ge=0,
                                                           description="device_hours x tdp_w x pue / 1e6 (or cluster "
                                                                       "power x hours / 1e6), MWh.")
    estimated_energy_mwh_high: Series[float] = pa.Field(nullable=True, ge=0, description="Estimated energy, high, "
                                                                                           "MWh.")
    estimated_operational_tco2e_low: Series[float] = pa.Field(nullable=True, ge=0,
                                                              description="Operational emissions, low, tonnes CO2e.")
    estimated_operational_tco2e_central: Series[float] = pa.Field(nullable=True, ge=0,
                                                                  description="Estimated energy x grid intensity, "
                                                                              "tonnes CO2e.")
    estimated_operational_tco2e_high: Series[float] = pa.Field(nullable=True, ge=0,
                                                               description="Operational emissions, high, tonnes CO2e.")
    estimated_embodied_tco2e_low: Series[float] = pa.Field(nullable=True, ge=0,
                                                           description="Embodied emissions, low, tonnes CO2e.")
    estimated_embodied_tco2e_central: Series[float] = pa.Field(nullable=True, ge=0,
                                                               description="device_hours x embodied per device / "
                                                                           "(4 x 8760 h), tonnes CO2e.")
    estimated_embodied_tco2e_high: Series[float] = pa.Field(nullable=True, ge=0,
                                                            description="Embodied emissions, high, tonnes CO2e.")
    source_power_draw_energy_mwh: Series[float] = pa.Field(
        nullable=True, ge=0, description="Epoch's modelled cluster power x training hours / 1e6, MWh (overhead "
                                         "included, no PUE), side by side with the estimate.")
    reported_energy_mwh: Series[float] = pa.Field(nullable=True, ge=0, description="Reported energy, MWh.")
    reported_tco2e: Series[float] = pa.Field(nullable=True, ge=0,
                                             description="Reported (location-based) emissions, tonnes CO2e.")
    energy_ratio: Series[float] = pa.Field(nullable=True, ge=0,
                                           description="estimated_energy_mwh_central / reported_energy_mwh (ratio).")
    tco2e_ratio: Series[float] = pa.Field(nullable=True, ge=0,
                                          description="estimated_operational_tco2e_central / reported_tco2e (ratio).")
    not_estimated_reason: Series[str] = pa.Field(nullable=True,
                                                 description="Why no estimate could be made (missing "
                                                             "accelerator-hours, unmatched accelerator ...).")

    @pa.dataframe_check(description="low <= central <= high for every range")
    def ranges_ordered(cls, frame):
        ok = pd.Series(True, index=frame.index)
        for stem in ("device_hours", "utilization_fraction", "estimated_energy_mwh", "estimated_operational_tco2e",
                     "estimated_embodied_tco2e"):
            low, central, high = (frame[f"{stem}_{part}"] for part in ("low", "central", "high"))
            # A relative tolerance: the three come from one product scaled, in floating point.
            slack = central.abs() * 1e-9
            ok &= (low.isna() | central.isna() | (low <= central + slack))
            ok &= (high.isna() | central.isna() | (central <= high + slack))
        return ok

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "model"]
