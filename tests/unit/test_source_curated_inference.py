"""Curated inference disclosures and overhead factors: cited rows, units, scopes."""

import pytest

from pipelines import settings
from pipelines.archive import resolve_curated
from pipelines.assets.factory import with_provenance
from pipelines.sources import curated_inference
from pipelines.validation import validate


@pytest.fixture(scope="module")
def raw():
    return resolve_curated(settings.curated_dir(), curated_inference.SOURCE)


def test_disclosures_carry_scope_and_primary_citation(raw):
    frame = validate(
        "inference_energy_measurements",
        with_provenance(curated_inference.parse_disclosures(raw), raw),
        source_id="curated_inference",
    ).set_index("measurement_id")
    gemini = frame.loc["google_gemini_apps_median_text_prompt_2025_05"]
    assert (gemini.energy_wh_per_request, gemini.gco2e_per_request, gemini.measurement_scope) == (
        0.24,
        0.03,
        "serving_stack",
    )
    assert gemini.citation_url == "https://arxiv.org/abs/2508.15734"
    mistral = frame.loc["mistral_large_2_le_chat_400_token_response"]
    assert mistral.gco2e_per_request == 1.14 and mistral.energy_wh_per_request != mistral.energy_wh_per_request
    assert frame["citation_publisher"].notna().all()


def test_gpu_to_server_factor_is_a_range(raw):
    frame = validate(
        "inference_overhead_factors",
        with_provenance(curated_inference.parse_overhead_factors(raw), raw),
        source_id="curated_inference",
    ).set_index("factor_id")
    factor = frame.loc["gpu_to_server"]
    assert factor.factor_low == pytest.approx((58 + 25) / 58, abs=0.01)
    assert factor.factor_central == pytest.approx((58 + 25 + 10) / 58, abs=0.01)
    assert factor.factor_high == pytest.approx(0.24 / 1.09 / 0.10, abs=0.01)
