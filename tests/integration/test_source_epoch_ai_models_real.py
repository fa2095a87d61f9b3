"""epoch_ai_models: the recorded Epoch AI notable_ai_models.csv."""

import pytest

from conftest import real_source
from pipelines.sources import epoch_ai_models

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def runs():
    return epoch_ai_models.parse_training_runs(real_source(epoch_ai_models.SOURCE.id)).set_index("model")


def test_llama_3_1_405b_as_recorded(runs):
    # notable_ai_models.csv, 'Llama 3.1-405B': 16384 x NVIDIA H100 SXM5 80GB, 2142 h, 3.8e25 FLOP, MFU 0.4042.
    llama = runs.loc["Llama 3.1-405B"]
    assert (llama["hardware"], llama["hardware_count"], llama["training_hours"]) == (
        "NVIDIA H100 SXM5 80GB",
        16384,
        2142,
    )
    assert llama["training_compute_flop"] == pytest.approx(3.8e25)
    assert (llama["parameter_count"], llama["hardware_utilization_fraction"]) == (405e9, pytest.approx(0.4042))
    assert (llama["organization"], llama["year"]) == ("Meta AI", 2024)


def test_rows_cite_epoch(runs):
    assert len(runs) == 608
    assert set(runs["citation_url"]) == {"https://epoch.ai/data/notable-ai-models"}
    assert runs.loc["GPT-4 (Mar 2023)", "hardware_count"] == 25000
