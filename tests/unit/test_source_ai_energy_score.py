"""AI Energy Score CSVs: CRLF without final newline, kWh per 1,000 queries, a model listed twice."""

import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import ai_energy_score
from pipelines.validation import validate


def _parse(folder=None):
    raw = fixture_source("ai_energy_score", folder=folder)
    return validate(
        "inference_energy_measurements",
        with_provenance(ai_energy_score.parse_inference_energy(raw), raw),
        source_id="ai_energy_score",
    )


def test_units_and_class():
    row = _parse().set_index("measurement_id").loc["text_generation/meta-llama/Meta-Llama-3.1-8B"]
    assert row.energy_kwh_per_1000_queries == 0.017376263
    assert row.energy_wh_per_request == 0.017376263  # kWh per 1,000 = Wh per query
    assert (row.energy_score_stars, row.size_class, row.hardware, row.measurement_scope) == (3, "A", "H100", "gpu_only")


def test_a_model_listed_twice_keeps_both_runs():
    frame = _parse().query("task == 'image_classification'")
    assert sorted(frame["energy_wh_per_request"]) == [0.001290521, 0.001386088]
    assert frame["measurement_id"].str.endswith("#2").sum() == 1


def test_non_numeric_energy_names_the_file(tmp_path):
    (tmp_path / "text_generation.csv").write_text("model,total_gpu_energy,energy_score\r\nm,lots,3")
    with pytest.raises(SourceFormatError, match="text_generation.csv.*non-numeric"):
        ai_energy_score.parse_inference_energy(fixture_source("ai_energy_score", folder=tmp_path))


def test_no_licence_means_not_redistributable():
    from pipelines.licences import decide

    assert decide(ai_energy_score.SOURCE).redistributable is False
