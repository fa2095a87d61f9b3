"""epoch_ai_models on a fixture cut from Epoch's real notable_ai_models.csv (same header, multi-line
quoted text fields, scientific notation, blank cells): four runs the papers also report, a run
naming two accelerator types, and a model with no training information at all."""

import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import epoch_ai_models as source
from pipelines.training_runs import run_key
from pipelines.validation import validate

SOURCE_ID = "epoch_ai_models"


@pytest.fixture(scope="module")
def runs():
    return source.parse_training_runs(fixture_source(SOURCE_ID)).set_index("model")


def test_runs_keep_epochs_figures(runs):
    llama = runs.loc["Llama 3.1-405B"]
    assert (llama["year"], llama["hardware"], llama["hardware_count"], llama["training_hours"]) == (
        2024,
        "NVIDIA H100 SXM5 80GB",
        16384,
        2142,
    )
    assert llama["training_compute_flop"] == 3.8e25
    assert llama["hardware_utilization_fraction"] == pytest.approx(0.4042)
    # Epoch's modelled cluster power (overhead included) is its own column, never power_w.
    assert llama["cluster_power_draw_w"] == pytest.approx(22_622_532, rel=1e-6)
    assert pd.isna(llama["power_w"]) and pd.isna(llama["pue"])


def test_country_of_organisation_is_not_the_training_site(runs):
    bloom = runs.loc["BLOOM-176B"]
    assert bloom["organization_country"] == "United States of America,France"
    assert bloom["location"] is None and bloom["zone_id"] is None


def test_hardware_is_kept_as_named_and_models_without_training_data_left_out(runs):
    assert runs.loc["Reka Core", "hardware"] == "NVIDIA A100,NVIDIA H100 SXM5 80GB"
    assert len(runs) == 5
    assert runs.loc["GPT-3 175B (davinci)", "citation_url"] == "https://epoch.ai/data/notable-ai-models"


def test_run_keys_meet_the_papers_names():
    assert {run_key(n) for n in ("GPT-3 175B (davinci)", "GPT-3 175B")} == {"gpt3175b"}
    assert {run_key(n) for n in ("BLOOM-176B", "BLOOM 176B")} == {"bloom176b"}
    assert {run_key(n) for n in ("Llama 3.1-405B", "Llama 3.1 405B")} == {"llama31405b"}
    assert run_key("GShard (600B)") == run_key("GShard-600B (MoE)") == "gshard600b"


def test_rows_validate(runs):
    validate("ai_training_runs", runs.reset_index().assign(source_id=SOURCE_ID, source_vintage="2026-07-19"))


def test_repeated_model_names_are_a_format_error(tmp_path):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "notable_ai_models.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("LLaMA-65B,", "BLOOM-176B,", 1), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="notable_ai_models.csv.*model names repeat"):
        source.parse_training_runs(fixture_source(SOURCE_ID, folder=tmp_path))


def test_non_numeric_compute_is_a_format_error(tmp_path):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "notable_ai_models.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("3.8e+25", "3.8e+25 FLOP", 1), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="non-numeric.*Training compute"):
        source.parse_training_runs(fixture_source(SOURCE_ID, folder=tmp_path))
