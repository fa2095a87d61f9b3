"""Hugging Face AI Energy Score (v1): GPU energy per 1,000 queries per model and task on one H100.

One CSV per task, `model,total_gpu_energy,energy_score` (text generation adds `class`), CRLF
and no final newline. `total_gpu_energy` is GPU energy in kWh per 1,000 queries: Llama 3.1 8B's
0.0174 kWh/1,000 queries is 63 J a query, in the range ML.ENERGY measures for the same model on an
H100 (28-177 J a chat request by batch size), whereas Wh per 1,000 would be 0.06 J, far below any
measurement; the leaderboard displays the value x 1000 as Wh. So kWh per 1,000 queries = Wh per
query, and every row is `gpu_only` on one NVIDIA H100 80GB. `energy_score` is 1 (least efficient)
to 5 stars within the task (and class A/B/C for text generation).

Archive mode reads a vendored copy pinned to a commit (ebbalg/AI-climate-overview); live mode
asks the leaderboard Space for the same file names and layout (its v2 files add models, and a
reasoning task this module does not read).
"""

from __future__ import annotations

import logging

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION
from pipelines.sources._parsing import parse_each_present

log = logging.getLogger(__name__)

_LIVE = "https://huggingface.co/spaces/AIEnergyScore/Leaderboard/resolve/main/data/energy"
HARDWARE = "H100"

# File stem -> (our task, request unit).
TASKS = {
    "text_generation": ("text_generation", "query"),
    "summarization": ("summarization", "query"),
    "question_answering": ("question_answering", "query"),
    "text_classification": ("text_classification", "query"),
    "sentence_similarity": ("sentence_similarity", "query"),
    "image_generation": ("text_to_image", "image"),
    "image_captioning": ("image_captioning", "query"),
    "image_classification": ("image_classification", "query"),
    "object_detection": ("object_detection", "query"),
    "asr": ("speech_recognition", "query"),
}
_COLUMNS = ["model", "total_gpu_energy", "energy_score"]


def parse_inference_energy(raw: RawSource) -> pd.DataFrame:
    return parse_each_present(raw, TASKS, lambda stem: f"{stem}.csv", _task)


def _task(raw: RawSource, stem: str) -> pd.DataFrame:
    name = f"{stem}.csv"
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    frame.columns = [str(c).strip() for c in frame.columns]
    raw.require_columns(name, frame, _COLUMNS)
    frame["model"] = frame["model"].str.strip()
    if frame["model"].isna().any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "row(s) without a model",
            column="model",
            sample_rows=frame[frame["model"].isna()].head(5).to_dict("records"),
        )
    kwh_per_1000 = raw.to_number(name, frame, "total_gpu_energy")
    stars = raw.to_number(name, frame, "energy_score")
    bad = ~(kwh_per_1000 > 0)
    if bad.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{int(bad.sum())} row(s) without a positive energy",
            column="total_gpu_energy",
            sample_rows=frame[bad].head(5).to_dict("records"),
        )
    # The published files list a few models twice with different values (two runs, e.g.
    # microsoft/swinv2-large-patch4-window12-192-22k in image_classification): both are kept, the
    # second as `#2`, since nothing says which run the leaderboard means.
    repeat = frame.groupby("model").cumcount()
    if (repeat > 0).any():
        log.info(
            "%s/%s: %d model(s) listed more than once; later rows kept as #2 ...",
            raw.source_id,
            name,
            int((repeat > 0).sum()),
        )
    ids = (stem + "/" + frame["model"]).where(repeat == 0, stem + "/" + frame["model"] + "#" + (repeat + 1).astype(str))
    task, unit = TASKS[stem]
    return pd.DataFrame(
        {
            "measurement_id": ids,
            "model": frame["model"],
            "model_name": None,
            "total_params_billions": None,
            "active_params_billions": None,
            "architecture": None,
            "task": task,
            "task_as_published": stem,
            "hardware": HARDWARE,
            "gpu_count": 1.0,
            "max_batch_size": None,
            "avg_batch_size": None,
            "precision": None,
            "request_unit": unit,
            "avg_output_tokens": None,
            "energy_j_per_token": None,
            "energy_wh_per_request": kwh_per_1000,
            "energy_kwh_per_1000_queries": kwh_per_1000,
            "avg_power_w": None,
            "gco2e_per_request": None,
            "measurement_scope": "gpu_only",
            "energy_score_stars": stars,
            "size_class": frame["class"].str.strip() if "class" in frame else None,
            **dict.fromkeys(CITATION),
            "source_file": name,
        }
    )


SOURCE = Source(
    id="ai_energy_score",
    title="Hugging Face AI Energy Score leaderboard data (v1): GPU energy per 1,000 queries on an H100",
    publisher="AI Energy Score project (Hugging Face, Salesforce, Cohere, Carnegie Mellon University; Luccioni et al.)",
    license="no explicit data licence found (leaderboard data published openly on the Hugging Face Space; "
    "AIEnergyScore code is Apache-2.0)",
    homepage="https://huggingface.co/spaces/AIEnergyScore/Leaderboard",
    description="Measured GPU energy per 1,000 queries for open models on 10 tasks with the AI Energy Score "
    "protocol on one NVIDIA H100 80GB, with 1-5 star ratings.",
    files=tuple(SourceFile(f"{stem}.csv", f"{_LIVE}/{stem}.csv", "csv") for stem in TASKS),
    parsers={"inference_energy_measurements": parse_inference_energy},
)
