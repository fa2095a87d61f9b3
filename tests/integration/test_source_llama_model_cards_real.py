"""llama_model_cards: training runs read from the recorded Llama model cards."""

import pytest

from conftest import real_source
from pipelines.sources import llama_model_cards

pytestmark = pytest.mark.integration


def test_llama_cards_real_values():
    runs = llama_model_cards.parse_training_runs(real_source("llama_model_cards")).set_index("model")
    assert len(runs) == 19
    assert runs.loc["Llama 2 7B", ["gpu_hours", "power_w", "reported_tco2e", "year"]].tolist() == [
        184320,
        400,
        31.22,
        2023,
    ]
    assert runs.loc["Llama 3 70B", ["gpu_hours", "reported_tco2e", "citation_published"]].tolist() == [
        6.4e6,
        1900,
        "2024-04-18",
    ]
    assert runs.loc["Llama 3.1 405B", ["gpu_hours", "reported_tco2e", "reported_market_based_tco2e"]].tolist() == [
        30.84e6,
        8930,
        0,
    ]
    assert runs.loc["Llama 3.2-vision 90B", "gpu_hours"] == 885_000 + 885_000 + 3072 + 2048
    assert runs.loc["Llama 3.3 70B", ["reported_tco2e", "citation_published"]].tolist() == [12.9, "2024-12-06"]
    assert runs.loc["Llama 4 Maverick", ["gpu_hours", "reported_tco2e", "year"]].tolist() == [2.38e6, 645, 2025]
    assert set(runs["hardware"]) == {"A100-80GB", "H100-80GB"}
