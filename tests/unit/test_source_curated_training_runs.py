"""curated_training_runs: published training-run figures kept as published."""

from curated_tables import curated_tables
from pipelines.sources import curated_training_runs


def test_curated_training_runs_keep_published_figures():
    _, tables = curated_tables(curated_training_runs.SOURCE)
    runs = tables["ai_training_runs"].set_index("model")
    gpt3 = runs.loc["GPT-3 175B"]
    assert (gpt3.hardware_count, gpt3.training_hours, gpt3.power_w, gpt3.pue, gpt3.reported_tco2e) == (
        10000,
        355.2,
        330,
        1.1,
        552.1,
    )
    bloom = runs.loc["BLOOM 176B"]
    assert (bloom.gpu_hours, bloom.zone_id, bloom.grid_gco2e_per_kwh, bloom.reported_energy_mwh) == (
        1082990,
        "FRA",
        57,
        433.196,
    )
    assert runs["canonical_model"].isna().all() and runs["reported_market_based_tco2e"].isna().all()
    assert runs["citation_url"].str.startswith("http").all()
