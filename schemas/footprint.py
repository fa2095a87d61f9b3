"""Tables behind the footprint calculations: PUE, equivalences, training runs and their estimates.

The calculations themselves live in `warehouse/sql/30_footprint.sql`; these schemas describe the
reference data they read and the table of training runs recomputed with them.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields, ranges
from schemas.fields import column
from schemas.provenance import Cited, Provenance
from schemas.registry import register


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
class DatacenterPue(Cited):
    scope = column(
        str,
        isin=["industry", "provider"],
        description="industry = an average over many operators' data centres; "
        "provider = one operator's own fleet or site figure.",
    )
    entity = column(
        str,
        description="Whose PUE it is: the survey or estimate behind an industry "
        "average, or the provider and which of its data centres.",
    )
    year = fields.YEAR.but(
        ge=2000,
        description="Year the PUE describes (for Green Algorithms rows: the year its "
        "cited source states or was published).",
    )
    pue = column(float, ge=1.0, le=3.0, unit=None, description="Power usage effectiveness, dimensionless ratio (>= 1).")
    citation = fields.citation(locator=False, via_url=False)
    source_file = fields.SOURCE_FILE


@register(
    "equivalences",
    primary_key=("source_id", "key"),
    description="""
Cited reference quantities that make a footprint comparable to everyday things: household
electricity per year, per-capita emissions, car and flight emissions, tree absorption and the
unit conversions between them. Every constant keeps its publisher, URL and year. Long format on
purpose: each constant has its own unit (`value` in `unit`, e.g. kWh/year, lbCO2e), which the
footprint_equivalences macro converts.
""",
)
class Equivalences(Cited):
    key = column(
        str, str_matches=r"^[a-z0-9_]+$", description="Stable identifier of the reference quantity (snake_case)."
    )
    description = column(str, description="What the quantity is, in words.")
    value = column(float, gt=0, description="The quantity, in `unit`.")
    unit = column(str, description="Unit of `value` (e.g. kWh/year, tCO2e/person/year, lbCO2e).")
    citation = fields.citation(locator=False, via_url=False)
    source_file = fields.SOURCE_FILE


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
class AiTrainingRuns(Cited):
    model = column(str, description="Model or run name as the publication gives it.")
    organization = column(str, nullable=True, description="Organisation that trained the model.")
    year = fields.YEAR.but(
        ge=1950,
        description="Year of training (end of the stated training period, else the release or publication year).",
    )
    hardware = column(str, nullable=True, description="Accelerator as the publication names it.")
    canonical_model = column(
        str,
        nullable=True,
        description="Canonical accelerator key the hardware name resolves to "
        "(accelerator_specs_preferred); empty when unmatched.",
    )
    hardware_count = column(pd.Int64Dtype, nullable=True, gt=0, description="Number of accelerators used, devices.")
    training_hours = column(float, nullable=True, gt=0, description="Wall-clock training time, hours.")
    gpu_hours = column(
        float, nullable=True, gt=0, description="Accelerator-hours (device count x hours) as reported, hours."
    )
    power_w = column(
        float,
        nullable=True,
        gt=0,
        description="Average (or peak, as the publication states) power per accelerator, watts.",
    )
    pue = fields.PUE.but(description="Data-centre PUE the publication applied, ratio.")
    location = column(str, nullable=True, description="Where the run took place, as stated.")
    zone_id = column(
        str,
        nullable=True,
        description="Grid zone of the location (zone ids as in grid_carbon_intensity); "
        "empty when the publication states none.",
    )
    grid_gco2e_per_kwh = column(
        float, nullable=True, ge=0, lt=2000, description="Grid carbon intensity the publication applied, gCO2e/kWh."
    )
    reported_energy_mwh = column(float, nullable=True, ge=0, description="Training energy as reported, MWh.")
    reported_tco2e = column(
        float,
        nullable=True,
        ge=0,
        description="Training emissions as reported (location-based where the publication distinguishes), tonnes CO2e.",
    )
    reported_market_based_tco2e = column(
        float, nullable=True, ge=0, description="Market-based training emissions where reported, tonnes CO2e."
    )
    # Columns only some sources give; a source without them leaves them out of its staging rows.
    training_compute_flop = column(
        float, required=False, nullable=True, gt=0, description="Training compute, FLOP (Epoch AI)."
    )
    parameter_count = column(
        float, required=False, nullable=True, gt=0, description="Model parameters, count (Epoch AI)."
    )
    hardware_utilization_fraction = column(
        float,
        required=False,
        nullable=True,
        gt=0,
        le=1,
        description="Model FLOP utilisation (MFU) reported for the run, fraction (Epoch AI).",
    )
    cluster_power_draw_w = column(
        float,
        required=False,
        nullable=True,
        gt=0,
        description="Epoch AI's modelled power of the whole training cluster, watts: hardware "
        "TDP x quantity with server and data-centre overhead already included "
        "(never multiply by a PUE again).",
    )
    organization_country = column(
        str,
        required=False,
        nullable=True,
        description="Country of the organisation (Epoch AI), not the training site: the estimates do not use it.",
    )
    run_key = column(
        str,
        required=False,
        nullable=True,
        str_matches=r"^[a-z0-9]+$",
        description="Normalised run name that matches one run across sources (lower case, without punctuation, "
        "parentheses and the word 'model'; e.g. gpt3175b, bloom176b, llama31405b).",
    )
    citation = fields.citation(locator=False, via_url=False)
    source_file = fields.SOURCE_FILE


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
    model = column(str, description="Run name, as in ai_training_runs.")
    organization = column(str, nullable=True, description="Organisation that trained the model.")
    year = fields.YEAR.but(ge=1950, description="Year of training, as in ai_training_runs.")
    run_key = column(str, nullable=True, description="Cross-source run key, as in ai_training_runs.")
    hardware = column(str, nullable=True, description="Accelerator as the publication names it.")
    canonical_model = column(
        str, nullable=True, description="Canonical accelerator key used for TDP, peak FLOP/s and embodied emissions."
    )
    method = column(
        str,
        nullable=True,
        isin=["reported_hardware_hours", "training_compute", "source_power_draw"],
        description="How the run was estimated (see the table description); empty when it could not be.",
    )
    device_hours = fields.range_of(
        float,
        nullable=True,
        gt=0,
        low="Accelerator-hours, low, hours.",
        central="Accelerator-hours used: reported GPU-hours, else device "
        "count x training hours, else from training compute, "
        "hours.",
        high="Accelerator-hours, high, hours.",
    )
    training_compute_flop = column(float, nullable=True, gt=0, description="Training compute, FLOP.")
    peak_tflops = column(
        float,
        nullable=True,
        gt=0,
        description="Peak throughput of the accelerator used by training_compute "
        "(16-bit tensor, else 32-bit), teraFLOP/s.",
    )
    utilization_fraction = fields.range_of(
        float,
        nullable=True,
        gt=0,
        le=1,
        low="Lowest utilisation (MFU) assumed, fraction.",
        central="Central utilisation (MFU), fraction.",
        high="Highest utilisation (MFU) assumed, fraction.",
    )
    utilization_basis = column(str, nullable=True, description="Where the utilisation came from.")
    tdp_w = column(float, nullable=True, gt=0, description="TDP of the accelerator (the power used), watts.")
    tdp_source_id = column(str, nullable=True, description="Source of the TDP (accelerator_specs_preferred).")
    tdp_source_vintage = column(str, nullable=True, description="Vintage (YYYY-MM-DD) of the TDP's source.")
    pue = fields.PUE.but(
        description="Default PUE applied (datacenter_pue_default), ratio; 1 for source_power_draw "
        "(overhead already included); empty for a run that could not be estimated."
    )
    pue_source_id = column(str, nullable=True, description="Source of the default PUE.")
    pue_source_vintage = column(str, nullable=True, description="Vintage (YYYY-MM-DD) of the default PUE's source.")
    zone_id = column(str, description="Grid zone used: the run's zone, else WLD (world average).")
    is_zone_assumed = column(bool, description="True when the run states no zone and the world average was used.")
    gco2e_per_kwh = column(float, nullable=True, gt=0, description="Preferred grid intensity used, gCO2e/kWh.")
    intensity_source_id = column(str, nullable=True, description="Source of the grid intensity.")
    intensity_source_vintage = column(str, nullable=True, description="Vintage (YYYY-MM-DD) of the intensity's source.")
    intensity_data_year = column(
        pd.Int64Dtype,
        nullable=True,
        description="Year the intensity value describes (earlier than `year` when carried forward).",
    )
    intensity_is_carried_forward = column(
        pd.BooleanDtype,
        nullable=True,
        description="True when the zone has no value for the run's year and an earlier year's is used.",
    )
    embodied_kgco2e_per_device = column(
        float,
        nullable=True,
        ge=0,
        description="Embodied emissions per accelerator (accelerator_embodied_preferred), kgCO2e.",
    )
    embodied_source_id = column(str, nullable=True, description="Source of the embodied emissions.")
    embodied_source_vintage = column(str, nullable=True, description="Vintage (YYYY-MM-DD) of the embodied source.")
    estimated_energy_mwh = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Estimated energy, low, MWh.",
        central="device_hours x tdp_w x pue / 1e6 (or cluster power x hours / 1e6), MWh.",
        high="Estimated energy, high, MWh.",
    )
    estimated_operational_tco2e = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Operational emissions, low, tonnes CO2e.",
        central="Estimated energy x grid intensity, tonnes CO2e.",
        high="Operational emissions, high, tonnes CO2e.",
    )
    estimated_embodied_tco2e = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Embodied emissions, low, tonnes CO2e.",
        central="device_hours x embodied per device / (4 x 8760 h), tonnes CO2e.",
        high="Embodied emissions, high, tonnes CO2e.",
    )
    source_power_draw_energy_mwh = column(
        float,
        nullable=True,
        ge=0,
        description="Epoch's modelled cluster power x training hours / 1e6, MWh (overhead "
        "included, no PUE), side by side with the estimate.",
    )
    reported_energy_mwh = column(float, nullable=True, ge=0, description="Reported energy, MWh.")
    reported_tco2e = column(float, nullable=True, ge=0, description="Reported (location-based) emissions, tonnes CO2e.")
    energy_ratio = column(
        float, nullable=True, ge=0, description="estimated_energy_mwh_central / reported_energy_mwh (ratio)."
    )
    tco2e_ratio = column(
        float, nullable=True, ge=0, description="estimated_operational_tco2e_central / reported_tco2e (ratio)."
    )
    not_estimated_reason = column(
        str,
        nullable=True,
        description="Why no estimate could be made (missing accelerator-hours, unmatched accelerator ...).",
    )

    @pa.dataframe_check(description="low <= central <= high for every range")
    def ranges_ordered(cls, frame):
        return ranges.ordered(
            frame,
            (
                "device_hours",
                "utilization_fraction",
                "estimated_energy_mwh",
                "estimated_operational_tco2e",
                "estimated_embodied_tco2e",
            ),
        )
