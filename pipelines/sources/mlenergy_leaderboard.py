"""The ML.ENERGY Leaderboard v3: measured GPU energy of LLM, multimodal and diffusion inference.

One JSON file per task, each a list of configurations (model, GPU model and count, parallelism,
batch limit) with the energy the GPUs drew, measured by the ML.ENERGY benchmark (Chung et al.,
NeurIPS Datasets and Benchmarks 2025) on NVIDIA H100 and B200. GPU energy only: no host CPU or
memory, no idle capacity, no data-centre overhead, so every row is `gpu_only`.

`avg_power_watts` is the power of all the run's GPUs together (a 4-GPU run averages 2.5-3.2 kW).
For LLM tasks `energy_per_token_joules` is per output token; diffusion tasks give energy per
image or per video, which is the request here. The same configuration appears twice in a few
files (repeated runs); the second is `#2`, in file order, rather than dropped.

The URLs are pinned to a commit of ml-energy/leaderboard, so a live refresh reads the same
layout and bytes as the archive.
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION
from pipelines.sources._parsing import parse_each_present

_COMMIT = "0cd52dab897c5d91a45f4d413038f3b8b4251b0f"
_RAW = f"https://raw.githubusercontent.com/ml-energy/leaderboard/{_COMMIT}/public/data"
VINTAGE = "2026-02-16"

# File task name -> (our task, request unit, energy-per-request field).
TASKS = {
    "lm-arena-chat": ("chat", "request", "energy_per_request_joules"),
    "gpqa": ("reasoning", "request", "energy_per_request_joules"),
    "sourcegraph-fim": ("code_completion", "request", "energy_per_request_joules"),
    "image-chat": ("image_chat", "request", "energy_per_request_joules"),
    "video-chat": ("video_chat", "request", "energy_per_request_joules"),
    "text-to-image": ("text_to_image", "image", "energy_per_image_joules"),
    "text-to-video": ("text_to_video", "video", "energy_per_video_joules"),
}
DIFFUSION = {"text-to-image", "text-to-video"}
_LLM_FIELDS = [
    "model_id",
    "gpu_model",
    "num_gpus",
    "max_num_seqs",
    "tensor_parallel",
    "expert_parallel",
    "data_parallel",
    "avg_power_watts",
    "energy_per_request_joules",
    "energy_per_token_joules",
]
_DIFFUSION_FIELDS = ["model_id", "gpu_model", "num_gpus", "batch_size", "avg_power_watts"]


def task_file(task: str) -> str:
    return f"task_{task}.json"


def parse_inference_energy(raw: RawSource) -> pd.DataFrame:
    return parse_each_present(raw, TASKS, task_file, _task)


def _task(raw: RawSource, task: str) -> pd.DataFrame:
    name = task_file(task)
    body = raw.json(name)
    configurations = body.get("configurations") if isinstance(body, dict) else None
    if not isinstance(configurations, list) or not configurations:
        raise SourceFormatError(
            raw.source_id, name, 'expected {"configurations": [...]} with at least one entry', column="configurations"
        )
    if not all(isinstance(c, dict) for c in configurations):
        raise SourceFormatError(raw.source_id, name, "a configuration is not a JSON object", column="configurations")
    frame = pd.DataFrame.from_records(configurations)
    our_task, unit, per_request = TASKS[task]
    diffusion = task in DIFFUSION
    raw.require_columns(name, frame, (_DIFFUSION_FIELDS if diffusion else _LLM_FIELDS) + [per_request])
    optional = [
        "total_params_billions",
        "activated_params_billions",
        "avg_batch_size",
        "avg_output_len",
        "batch_size",
        "max_num_seqs",
        "energy_per_token_joules",
    ]
    numbers = {c: raw.to_number(name, frame, c) for c in ["num_gpus", "avg_power_watts", per_request]}
    for column in optional:
        numbers[column] = (
            raw.to_number(name, frame, column) if column in frame else pd.Series(float("nan"), index=frame.index)
        )
    energy_wh = numbers[per_request] / 3600.0
    unusable = ~(energy_wh > 0) | ~(numbers["avg_power_watts"] > 0)
    if unusable.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{int(unusable.sum())} configuration(s) without a positive energy or power",
            column=per_request,
            sample_rows=frame[unusable].head(5).to_dict("records"),
        )
    ids = _measurement_ids(frame, task, diffusion)

    def text(column: str) -> pd.Series:
        if column in frame:
            return frame[column].astype("string")
        return pd.Series(pd.NA, index=frame.index, dtype="string")

    return pd.DataFrame(
        {
            "measurement_id": ids,
            "model": frame["model_id"].astype(str),
            "model_name": text("nickname"),
            "total_params_billions": numbers["total_params_billions"],
            "active_params_billions": numbers["activated_params_billions"],
            "architecture": text("architecture"),
            "task": our_task,
            "task_as_published": task,
            "hardware": frame["gpu_model"].astype(str),
            "gpu_count": numbers["num_gpus"],
            "max_batch_size": numbers["batch_size" if diffusion else "max_num_seqs"],
            # A diffusion batch is fixed, so its average is its size.
            "avg_batch_size": numbers["batch_size" if diffusion else "avg_batch_size"],
            "precision": text("weight_precision"),
            "request_unit": unit,
            "avg_output_tokens": numbers["avg_output_len"],
            "energy_j_per_token": numbers["energy_per_token_joules"],
            "energy_wh_per_request": energy_wh,
            "energy_kwh_per_1000_queries": energy_wh,
            "avg_power_w": numbers["avg_power_watts"],
            "gco2e_per_request": None,
            "measurement_scope": "gpu_only",
            "energy_score_stars": None,
            "size_class": None,
            **dict.fromkeys(CITATION),
            "source_file": name,
        }
    )


def _measurement_ids(frame: pd.DataFrame, task: str, diffusion: bool) -> pd.Series:
    def part(column, prefix=""):
        return (prefix + frame[column].astype(str)) if column in frame else ""

    if diffusion:
        size = (
            (part("image_height") + "x" + part("image_width"))
            if "image_height" in frame
            else (part("video_height") + "x" + part("video_width") + "x" + part("num_frames", "f"))
        )
        detail = (
            "/batch"
            + part("batch_size")
            + "/steps"
            + part("inference_steps")
            + "/"
            + size
            + "/uly"
            + part("ulysses_degree")
            + "-ring"
            + part("ring_degree")
        )
    else:
        detail = (
            "/tp"
            + part("tensor_parallel")
            + "-ep"
            + part("expert_parallel")
            + "-dp"
            + part("data_parallel")
            + "/seqs"
            + part("max_num_seqs")
            + "/"
            + part("weight_precision")
        )
    ids = (
        task
        + "/"
        + frame["model_id"].astype(str)
        + "/"
        + frame["gpu_model"].astype(str)
        + "x"
        + frame["num_gpus"].astype(str)
        + detail
    )
    repeat = ids.groupby(ids).cumcount()
    return ids.where(repeat == 0, ids + "#" + (repeat + 1).astype(str))


SOURCE = Source(
    id="mlenergy_leaderboard",
    title="The ML.ENERGY Leaderboard v3.0 data: measured GPU energy of LLM, MLLM and diffusion inference",
    publisher="The ML.ENERGY Initiative (University of Michigan; Chung et al.)",
    license="Apache-2.0 (ML.ENERGY Benchmark v3 dataset card in ml-energy/data)",
    homepage="https://ml.energy/leaderboard",
    description="Per-configuration inference measurements (46 models x 7 tasks, 1,858 configurations on NVIDIA "
    "H100 and B200): energy per output token and per request, average GPU power, batch and "
    "parallelism. GPU energy only.",
    files=(
        SourceFile("index.json", f"{_RAW}/index.json", "json", VINTAGE),
        *(SourceFile(task_file(task), f"{_RAW}/tasks/{task}.json", "json", VINTAGE) for task in TASKS),
    ),
    parsers={"inference_energy_measurements": parse_inference_energy},
)
