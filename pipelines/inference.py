"""Footprint of inference: requests or tokens served by a measured model, with provenance.

`estimate_inference()` resolves what the user typed (a loose model name or a parameter count, a
task, the hardware) to measured rows of `inference_energy_measurements`, then hands one job to
the warehouse's `inference_footprint(...)` macro (warehouse/sql/50_inference.sql), where the
arithmetic and the defaults live.

The closest-configuration rule, in order:

1. model: a name matches a measured model id ('meta-llama/Llama-3.1-8B-Instruct'), its part
   after the '/', or its display name, ignoring case and punctuation; failing that, the measured
   model whose name contains every word typed (the one with fewest extra characters); a
   parameter count picks the model whose total parameters are closest on a log scale. Only
   models measured GPU-only for the task count. Nothing close -> UnknownModelError with the
   closest names.
2. hardware: the accelerator typed ('H100', 'H100 SXM', 'b200') must be one the model was
   measured on; none given -> every measured accelerator.
3. GPUs: the fewest GPUs the model was measured with (the smallest serving deployment).
4. batch: given -> the measured batch limit closest on a log scale; none -> low / central /
   high = min / median / max of energy over the measured batches.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import asdict, dataclass

import duckdb

from pipelines.footprint import Input, InvalidInputError, connect, intensity_input, pue_input
from pipelines.zones import resolve_zone, zone_index

SQL_FILE = "50_inference.sql"
# Words people use for a task -> the table's task names.
TASK_ALIASES = {
    "chat": "chat",
    "chatbot": "chat",
    "conversation": "chat",
    "lm-arena-chat": "chat",
    "reasoning": "reasoning",
    "gpqa": "reasoning",
    "code": "code_completion",
    "code-completion": "code_completion",
    "fim": "code_completion",
    "image-chat": "image_chat",
    "video-chat": "video_chat",
    "image": "text_to_image",
    "image-generation": "text_to_image",
    "text-to-image": "text_to_image",
    "video": "text_to_video",
    "video-generation": "text_to_video",
    "text-to-video": "text_to_video",
    "text-generation": "text_generation",
    "generation": "text_generation",
    "summarisation": "summarization",
    "summarization": "summarization",
    "qa": "question_answering",
    "question-answering": "question_answering",
    "asr": "speech_recognition",
    "speech-recognition": "speech_recognition",
    "text-classification": "text_classification",
    "sentence-similarity": "sentence_similarity",
    "image-classification": "image_classification",
    "image-captioning": "image_captioning",
    "object-detection": "object_detection",
}
# Measured hardware -> the accelerator_specs name whose embodied emissions apply (ML.ENERGY ran
# SXM parts: H100 80GB HBM3, B200).
EMBODIED_HARDWARE = {"H100": "H100 SXM", "B200": "B200"}


class UnknownModelError(InvalidInputError):
    def __init__(self, wanted: str, task: str, suggestions: list[str]):
        self.suggestions = list(suggestions)
        hint = f"; closest measured models: {', '.join(suggestions)}" if suggestions else ""
        super().__init__([f"no measured model matches {wanted!r} for task {task}{hint}"])


@dataclass(frozen=True)
class ModelMatch:
    model: str
    model_name: str | None
    total_params_billions: float | None
    how: str


@dataclass(frozen=True)
class InferenceEstimate:
    results: dict
    inputs: tuple[Input, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"results": dict(self.results), "inputs": [asdict(i) for i in self.inputs], "notes": list(self.notes)}


def normalise_task(task: str | None) -> str:
    if task is None or not str(task).strip():
        return "chat"
    folded = re.sub(r"[\s_]+", "-", str(task).strip().lower())
    if folded in TASK_ALIASES:
        return TASK_ALIASES[folded]
    known = sorted(set(TASK_ALIASES.values()))
    if folded.replace("-", "_") in known:
        return folded.replace("-", "_")
    close = difflib.get_close_matches(folded, list(TASK_ALIASES), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; tasks: {', '.join(known)}"
    raise InvalidInputError([f"unknown task {task!r}{hint}"])


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "", str(text).lower())


def _models(con, task: str) -> list[tuple]:
    return con.execute(
        """
        select model, any_value(model_name), max(total_params_billions), list(distinct hardware order by hardware)
        from inference_energy_measurements
        where task = ? and measurement_scope = 'gpu_only'
        group by model order by model""",
        [task],
    ).fetchall()


def resolve_model(con, task: str, name: str | None = None, params_billions: float | None = None) -> ModelMatch:
    models = _models(con, task)
    if not models:
        raise InvalidInputError([f"no GPU-only measurements for task {task}"])
    size = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*b\s*", str(name or ""), re.IGNORECASE)
    if size and params_billions is None:  # "8B": a size, not a name
        name, params_billions = None, float(size.group(1))
    if name is not None and str(name).strip():
        wanted = _fold(name)
        for model, model_name, params, _ in models:
            names = {_fold(model), _fold(model.split("/")[-1]), _fold(model_name or "")}
            if wanted in names:
                return ModelMatch(model, model_name, params, f"'{name}' is the measured model {model}")
        words = [_fold(w) for w in re.split(r"[\s/_-]+", str(name)) if _fold(w)]
        containing = [
            (len(_fold(model)), model, model_name, params)
            for model, model_name, params, _ in models
            if all(w in _fold(model) + _fold(model_name or "") for w in words)
        ]
        if containing:
            _, model, model_name, params = min(containing)
            return ModelMatch(
                model, model_name, params, f"'{name}' matched {model} (every word of the name appears in it)"
            )
        labels = {model.lower(): model for model, *_ in models}
        labels.update({(n or "").lower(): model for model, n, *_ in models if n})
        close = difflib.get_close_matches(str(name).strip().lower(), list(labels), n=5, cutoff=0.3)
        raise UnknownModelError(str(name), task, list(dict.fromkeys(labels[c] for c in close)))
    if params_billions is None:
        raise InvalidInputError(["give a model name or a parameter count (billions)"])
    if not params_billions > 0:
        raise InvalidInputError([f"parameter count must be > 0 billion, got {params_billions:g}"])
    sized = [
        (abs(math.log(params / params_billions)), model, model_name, params)
        for model, model_name, params, _ in models
        if params
    ]
    distance, model, model_name, params = min(sized)
    ties = [m for d, m, _, _ in sized if d == distance and m != model]
    also = f"; equally close: {', '.join(ties)}" if ties else ""
    return ModelMatch(
        model,
        model_name,
        params,
        f"{params_billions:g}B parameters asked: closest measured model by parameter count is {model} "
        f"({params:g}B){also}",
    )


def resolve_hardware(con, model: str, task: str, hardware: str | None) -> str | None:
    if hardware is None or not str(hardware).strip():
        return None
    measured = [
        row[0]
        for row in con.execute(
            "select distinct hardware from inference_energy_measurements where model = ? and task = ? "
            "and hardware is not null order by 1",
            [model, task],
        ).fetchall()
    ]
    wanted = _fold(hardware)
    for item in measured:
        if _fold(item) in wanted or wanted in _fold(item):
            return item
    raise InvalidInputError(
        [f"{model} was not measured on {hardware!r} for task {task}; measured on: {', '.join(measured) or 'nothing'}"]
    )


def _embodied_model(con, hardware: str | None) -> str | None:
    from pipelines.errors import UnknownHardwareError
    from pipelines.hardware import resolve_accelerator

    if hardware is None or hardware not in EMBODIED_HARDWARE:
        return None
    try:
        return resolve_accelerator(con, EMBODIED_HARDWARE[hardware]).canonical_model
    except UnknownHardwareError:
        return None


_JOB_COLUMNS = (
    ("job_id", "bigint"),
    ("model", "varchar"),
    ("task", "varchar"),
    ("hardware", "varchar"),
    ("batch", "double"),
    ("requests", "double"),
    ("tokens", "double"),
    ("zone_id", "varchar"),
    ("year", "integer"),
    ("pue", "double"),
    ("gco2e_per_kwh", "double"),
    ("lifetime_years", "double"),
    ("embodied_kgco2e_per_device", "double"),
    ("embodied_canonical_model", "varchar"),
)


def estimate_inference(
    model: str | None = None,
    *,
    params_billions: float | None = None,
    task: str | None = None,
    requests: float | None = None,
    tokens: float | None = None,
    hardware: str | None = None,
    batch: float | None = None,
    zone: str | None = None,
    year: int | None = None,
    pue: float | None = None,
    intensity: float | None = None,
    lifetime_years: float | None = None,
    embodied_kgco2e: float | None = None,
    warehouse: duckdb.DuckDBPyConnection | str | None = None,
) -> InferenceEstimate:
    """Energy and emissions of `requests` requests (or `tokens` output tokens) to a model.

    Results are low/central/high (batch, GPU-to-server factor); see the module docstring for the
    closest-configuration rule. Raises InvalidInputError (UnknownModelError, unknown zone ...).
    """
    task_name = normalise_task(task)
    with connect(warehouse) as con:
        _require_inference_macros(con)
        match = resolve_model(con, task_name, model, params_billions)
        measured_hardware = resolve_hardware(con, match.model, task_name, hardware)
        zone_id = resolve_zone(zone_index(con), zone) if zone is not None else None
        values = [
            1,
            match.model,
            task_name,
            measured_hardware,
            batch,
            requests,
            tokens,
            zone_id,
            year,
            pue,
            intensity,
            lifetime_years,
            embodied_kgco2e,
            _embodied_model(con, measured_hardware or _only_hardware(con, match.model, task_name)),
        ]
        select = ", ".join(f"?::{sql_type} as {name}" for name, sql_type in _JOB_COLUMNS)
        con.execute(f"create or replace temp table inference_job as select {select}", values)
        problems = [row[0] for row in con.execute("select problem from inference_problems('inference_job')").fetchall()]
        if problems:
            raise InvalidInputError(problems)
        cursor = con.execute("from inference_footprint('inference_job')")
        names = [c[0] for c in cursor.description]
        result = dict(zip(names, cursor.fetchone(), strict=True))
    return InferenceEstimate(
        results=_results(result), inputs=tuple(_inputs(result, match, zone)), notes=tuple(_notes(result))
    )


def _only_hardware(con, model: str, task: str) -> str | None:
    rows = con.execute(
        "select distinct hardware from inference_energy_measurements where model = ? and task = ? "
        "and measurement_scope = 'gpu_only'",
        [model, task],
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


RESULT_COLUMNS = [
    f"{q}_{r}"
    for q in (
        "gpu_energy_kwh",
        "server_energy_kwh",
        "energy_kwh",
        "operational_kgco2e",
        "embodied_kgco2e",
        "total_kgco2e",
    )
    for r in ("low", "central", "high")
] + ["energy_wh_per_request_central", "energy_wh_per_1000_tokens_central", "gco2e_per_request_central"]


def _results(r: dict) -> dict:
    return {name: r[name] for name in RESULT_COLUMNS}


def _inputs(r: dict, match: ModelMatch, zone: str | None):
    yield Input(
        "model", r["model"], "model", "given", match.how, r["measurement_source_id"], r["measurement_source_vintage"]
    )
    yield Input("task", r["task"], "task", "given", "given")
    if r["requests"] is not None:
        yield Input("requests", r["requests"], "requests", "given", "given")
    if r["tokens"] is not None:
        yield Input("tokens", r["tokens"], "output tokens", "given", "given")
    hardware_how = "given" if r["given_hardware"] else "not given: every accelerator the model was measured on"
    yield Input(
        "hardware", r["measured_hardware"], "accelerator", "given" if r["given_hardware"] else "default", hardware_how
    )
    yield Input(
        "gpu_count",
        r["gpu_count"],
        "GPUs",
        "default",
        "fewest GPUs the model was measured with",
        r["measurement_source_id"],
        r["measurement_source_vintage"],
    )
    if r["batch"] is not None:
        yield Input(
            "batch",
            r["batch"],
            "requests in flight",
            "given",
            f"closest measured batch limit: {r['batch_low']:g} ({r['measurement_id_low']})",
        )
    else:
        yield Input(
            "batch",
            f"{r['batch_low']:g}-{r['batch_high']:g}",
            "requests in flight",
            "default",
            f"not given: low/central/high over {r['configurations_compared']} measured configuration(s) "
            f"(low {r['measurement_id_low']}, high {r['measurement_id_high']})",
        )
    per = "token" if r["tokens"] is not None else "request"
    yield Input(
        f"gpu_energy_wh_per_{per}",
        f"{r['gpu_wh_per_unit_low']:.4g} / {r['gpu_wh_per_unit_central']:.4g} / {r['gpu_wh_per_unit_high']:.4g}",
        "Wh (low / central / high), GPU only",
        "default",
        "inference_energy_measurements (measured)",
        r["measurement_source_id"],
        r["measurement_source_vintage"],
    )
    yield Input(
        "gpu_to_server_factor",
        f"{r['factor_low']:g} / {r['factor_central']:g} / {r['factor_high']:g}",
        "ratio (low / central / high)",
        "default",
        "inference_overhead_factors: gpu_to_server",
        r["factor_source_id"],
        r["factor_source_vintage"],
    )
    yield pue_input(r, r["pue_source"])
    if r["intensity_is_default"]:
        where = (
            "world average (no zone given)"
            if r["zone_is_default"]
            else (f"given as '{zone}'" if zone and zone != r["zone_id"] else "given")
        )
        yield Input("zone", r["zone_id"], "zone id", "default" if r["zone_is_default"] else "given", where)
    yield intensity_input(r)
    if r["embodied_kgco2e_per_device"] is not None:
        yield Input(
            "embodied_kgco2e_per_device",
            r["embodied_kgco2e_per_device"],
            "kgCO2e",
            "default" if r["embodied_source_id"] else "given",
            "accelerator_embodied_preferred" if r["embodied_source_id"] else "given",
            r["embodied_source_id"],
            r["embodied_source_vintage"],
        )
        yield Input("lifetime_years", r["lifetime_years"], "years", "default", "4-year accelerator service life")


def _notes(r: dict):
    yield (
        "GPU-only measurements scaled to the server by the cited gpu_to_server factor, then to the facility by "
        "PUE; ranges come from the batch (when not given) and the factor's bounds"
    )
    if r["embodied_kgco2e_low"] is None:
        yield "no device time or embodied figure for this measurement: total is operational only"


def _require_inference_macros(con) -> None:
    found = con.execute(
        "select count(*) from duckdb_functions() where function_name = 'inference_footprint'"
    ).fetchall()[0][0]
    if not found:
        from pipelines.footprint import WarehouseNotReadyError

        raise WarehouseNotReadyError(
            f"the warehouse has no inference macros (warehouse/sql/{SQL_FILE}); run `aifootprint refresh` first"
        )
