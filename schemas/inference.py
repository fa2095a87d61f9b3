"""Inference energy: measured configurations, first-party per-prompt disclosures, and the cited
factors that scale a GPU-only measurement up to a whole server."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Cited
from schemas.registry import register

# What a measurement counts. gpu_only: accelerator board power only (ML.ENERGY, AI Energy
# Score); server: accelerators plus host CPU, memory and the rest of the machine; serving_stack:
# a provider's production fleet, with idle capacity and data-centre overhead (PUE); unstated: a
# disclosure that does not say.
MEASUREMENT_SCOPES = ("gpu_only", "server", "serving_stack", "unstated")
TASKS = (
    "chat",
    "reasoning",
    "code_completion",
    "image_chat",
    "video_chat",
    "text_to_image",
    "text_to_video",
    "text_generation",
    "summarization",
    "question_answering",
    "text_classification",
    "sentence_similarity",
    "image_classification",
    "image_captioning",
    "object_detection",
    "speech_recognition",
)
REQUEST_UNITS = ("request", "image", "video", "prompt", "query")


@register(
    "inference_energy_measurements",
    primary_key=("measurement_id", "source_id"),
    description="""
Measured energy of AI inference, one row per measured configuration (model, task, hardware,
GPU count, batch, precision) or per first-party disclosure. Every row says what it counts in
`measurement_scope`: ML.ENERGY and the AI Energy Score measure GPU energy only (no host CPU or
memory, no idle capacity, no data-centre overhead), so their figures are lower bounds of what a
served request costs; providers' disclosures count their serving stack. Energy per request is
energy per image or per video for generation tasks (`request_unit`). Units are converted, never
re-measured: J/request / 3600 = Wh/request; kWh per 1,000 queries = Wh per query.
""",
)
class InferenceEnergyMeasurements(Cited):
    measurement_id = column(
        str,
        str_length={"min_value": 3},
        description="Stable id of the measurement within its source: task/model/hardware x GPUs/parallelism/"
        "batch for ML.ENERGY (with #2 for a repeated run of the same configuration), task/model for "
        "the AI Energy Score, a slug for curated disclosures.",
    )
    model = column(
        str,
        str_length={"min_value": 1},
        description="Model as the source names it (a Hugging Face id where there is one).",
    )
    model_name = column(
        str, nullable=True, description="Display name (ML.ENERGY nickname); empty where the source gives none."
    )
    total_params_billions = column(
        float, nullable=True, gt=0, description="Total parameters, billions (a count); empty where undisclosed."
    )
    active_params_billions = column(
        float,
        nullable=True,
        gt=0,
        description="Parameters active per token, billions (a count; below the total for "
        "mixture-of-experts models); empty where undisclosed.",
    )
    architecture = column(
        str,
        nullable=True,
        description="Architecture as the source names it (Dense Transformer, MoE ...); empty if not given.",
    )
    task = column(str, isin=list(TASKS), description="Normalised task: " + ", ".join(TASKS) + ".")
    task_as_published = column(str, description="Task or file name exactly as the source gives it.")
    hardware = column(str, nullable=True, description="Accelerator model (H100, B200); empty where not disclosed.")
    gpu_count = column(
        float, nullable=True, ge=1, description="Accelerators serving the model (a count); empty where unknown."
    )
    max_batch_size = column(
        float,
        nullable=True,
        ge=1,
        description="Batch limit of the run (vLLM max_num_seqs for LLMs, batch size for "
        "diffusion), a count; empty where not stated.",
    )
    avg_batch_size = column(
        float, nullable=True, gt=0, description="Average batch size achieved (a count); empty if not given."
    )
    precision = column(str, nullable=True, description="Weight precision (bfloat16, fp8, mxfp4 ...).")
    request_unit = column(
        str, isin=list(REQUEST_UNITS), description="What one request is: " + ", ".join(REQUEST_UNITS) + "."
    )
    avg_output_tokens = column(float, nullable=True, ge=0, description="Average output tokens per request (a count).")
    energy_j_per_token = column(float, nullable=True, gt=0, description="Energy per output token, joules.")
    energy_wh_per_request = column(
        float, nullable=True, gt=0, description="Energy per request (image, video, prompt), Wh."
    )
    energy_kwh_per_1000_queries = column(float, nullable=True, gt=0, description="Energy per 1,000 requests, kWh.")
    avg_power_w = column(float, nullable=True, gt=0, description="Average power of all the run's GPUs together, watts.")
    gco2e_per_request = column(
        float,
        nullable=True,
        gt=0,
        description="Emissions per request as a provider discloses them, grams CO2e "
        "(their grid and accounting); empty for measurements.",
    )
    measurement_scope = column(
        str,
        isin=list(MEASUREMENT_SCOPES),
        description="gpu_only = accelerator energy only; server = accelerators plus host CPU, memory and the rest "
        "of the machine; serving_stack = a provider's production fleet with idle capacity and data-"
        "centre overhead; unstated = the disclosure does not say.",
    )
    energy_score_stars = column(
        float,
        nullable=True,
        ge=1,
        le=5,
        description="AI Energy Score rating, 1 (least) to 5 (most efficient) within its task and class.",
    )
    size_class = column(str, nullable=True, description="AI Energy Score hardware/size class A, B or C.")
    citation = fields.citation(locator=True, via_url=True)
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="Every row has an energy or an emissions figure.")
    def has_a_figure(cls, frame: pd.DataFrame) -> pd.Series:
        return frame[["energy_j_per_token", "energy_wh_per_request", "gco2e_per_request"]].notna().any(axis=1)

    @pa.dataframe_check(description="Wh per request and kWh per 1,000 queries agree where both are given.")
    def per_request_units_agree(cls, frame: pd.DataFrame) -> pd.Series:
        both = frame["energy_wh_per_request"].notna() & frame["energy_kwh_per_1000_queries"].notna()
        close = (frame["energy_wh_per_request"] - frame["energy_kwh_per_1000_queries"]).abs() <= 1e-9 + 1e-6 * frame[
            "energy_wh_per_request"
        ].abs()
        return ~both | close


@register(
    "inference_overhead_factors",
    primary_key=("factor_id", "source_id"),
    description="""
Cited multipliers that scale a narrower energy measurement to a wider scope, with a range:
GPU-only -> whole server (host CPU and memory, and the idle capacity a production fleet keeps
ready). Data-centre overhead is not here: it is PUE (datacenter_pue). The inference estimate
multiplies a GPU-only measurement by factor_low/central/high and then by PUE.
""",
)
class InferenceOverheadFactors(Cited):
    factor_id = column(str, str_matches=r"^[a-z0-9_]+$", description="Id of the factor.")
    from_scope = column(str, isin=list(MEASUREMENT_SCOPES), description="Scope the factor scales from.")
    to_scope = column(str, isin=list(MEASUREMENT_SCOPES), description="Scope the factor scales to.")
    factor = fields.range_of(
        float,
        ge=1,
        le=5,
        low="Low multiplier (dimensionless).",
        central="Central multiplier (dimensionless).",
        high="High multiplier (dimensionless).",
    )
    description = column(str, description="What the factor covers and how each bound was derived.")
    citation = fields.citation(locator=True, via_url=True)
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="factor_low <= factor_central <= factor_high.")
    def range_is_ordered(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["factor_low"] <= frame["factor_central"]) & (frame["factor_central"] <= frame["factor_high"])
