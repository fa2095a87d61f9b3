import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import llama_model_cards
from pipelines.validation import validate


@pytest.fixture(scope="module")
def runs():
    return llama_model_cards.parse_training_runs(fixture_source("llama_model_cards")).set_index("model")


def _parse_edited(tmp_path, name, edit):
    shutil.copytree(FIXTURES / "llama_model_cards", tmp_path, dirs_exist_ok=True)
    path = tmp_path / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return llama_model_cards.parse_training_runs(fixture_source("llama_model_cards", folder=tmp_path))


def test_markdown_pipe_table(runs):
    row = runs.loc["Llama 2 70B"]
    assert (row.gpu_hours, row.power_w, row.reported_tco2e) == (1720320, 400, 291.42)
    assert pd.isna(row.reported_market_based_tco2e)  # the Llama 2 card gives one figure
    assert (row.hardware, row.year, row.citation_published) == (
        "A100-80GB",
        2023,
        None,
    )  # "trained between ... July 2023"


def test_html_table_with_unclosed_cells(runs):
    row = runs.loc["Llama 3.1 405B"]
    assert (row.gpu_hours, row.power_w, row.reported_tco2e, row.reported_market_based_tco2e) == (30.84e6, 700, 8930, 0)
    assert (row.hardware, row.year, row.citation_published) == ("H100-80GB", 2024, "2024-07-23")
    assert runs.loc["Llama 3.1 8B", "gpu_hours"] == 1.46e6


def test_totals_and_other_tables_are_left_out(runs):
    assert "Total" not in runs.index and "Llama 2" not in runs.index and "General" not in runs.index
    assert set(runs.index) == {
        "Llama 2 7B",
        "Llama 2 70B",
        "Llama 3.1 8B",
        "Llama 3.1 405B",
        "Llama 3.2 1B",
        "Llama 3.2 1B SpinQuant",
        "Llama 3.2 3B QLoRA",
        "Llama 3.2-vision 11B",
        "Llama 3.3 70B",
    }


def test_suffixed_numbers_dashes_and_negligible(runs):
    assert runs.loc["Llama 3.2 1B", "gpu_hours"] == 370_000
    assert runs.loc["Llama 3.2 3B QLoRA", ["gpu_hours", "reported_tco2e"]].tolist() == [1600, 0.461]
    spin = runs.loc["Llama 3.2 1B SpinQuant"]
    assert spin.gpu_hours == 1.7 and pd.isna(spin.reported_tco2e) and "Negligible" in spin.citation_note
    assert "12k GPU-hours of logit generation" in runs.loc["Llama 3.2 3B QLoRA", "citation_note"]
    assert "logit" not in runs.loc["Llama 3.2 1B", "citation_note"]
    assert runs.loc["Llama 3.2 1B", "citation_published"] == "2024-10-24"


def test_vision_stages_are_summed(runs):
    row = runs.loc["Llama 3.2-vision 11B"]
    assert row.gpu_hours == 147_000 + 98_000 + 896 + 224
    assert "Stage 1 pretraining 147K" in row.citation_note and row.citation_published == "2024-09-25"


def test_release_date_on_the_line_after_the_heading(runs):
    row = runs.loc["Llama 3.3 70B"]
    assert (row.citation_published, row.year, row.reported_tco2e) == ("2024-12-06", 2024, 12.9)  # as published


def test_provenance_and_citation(runs):
    row = runs.loc["Llama 3.1 8B"]
    assert (row.organization, row.citation_publisher, row.citation_title) == ("Meta", "Meta", "Llama 3.1 model card")
    assert (
        row.citation_url == "https://example.invalid/llama3_1_MODEL_CARD.md"
        and row.source_file == "llama3_1_MODEL_CARD.md"
    )
    assert pd.isna(row.zone_id) and pd.isna(row.pue) and "adjusted for power usage efficiency" in row.citation_note


def test_output_validates(runs):
    validate("ai_training_runs", runs.reset_index().assign(source_id="llama_model_cards", source_vintage="2024-09-30"))


def test_missing_hardware_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="llama2_MODEL_CARD.md.*hardware type"):
        _parse_edited(tmp_path, "llama2_MODEL_CARD.md", lambda t: t.replace("A100-80GB", "accelerators"))


def test_renamed_column_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="lacks column.*power_w"):
        _parse_edited(
            tmp_path, "llama3_3_MODEL_CARD.md", lambda t: t.replace("Training Power Consumption (W)", "Watts")
        )


def test_unreadable_number_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="unreadable GPU hours value 'about 7M'"):
        _parse_edited(tmp_path, "llama3_3_MODEL_CARD.md", lambda t: t.replace("| 7.0M |", "| about 7M |"))


def test_card_without_a_training_table_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="no table with a 'GPU hours' column"):
        _parse_edited(tmp_path, "llama3_3_MODEL_CARD.md", lambda t: t.replace("GPU hours)", "time)"))


def test_markdown_and_html_readers():
    assert llama_model_cards.markdown_tables("|a|b|\n|---|:-:|\n|1|x \\| y|\n\ntext") == [
        [["a", "b"], ["1", "x \\| y"]]
    ]
    assert llama_model_cards.html_tables("<table><tr><th>a<td>b</tr><tr><td>1<td><b>2</b></table>") == [
        [["a", "b"], ["1", "2"]]
    ]


def test_published_defects_are_logged(caplog):
    with caplog.at_level("WARNING", logger="pipelines.sources.llama_model_cards"):
        llama_model_cards.parse_training_runs(fixture_source("llama_model_cards"))
    messages = "\n".join(caplog.messages)
    assert "'Llama 3.3 70B': 12.9 t for 7e+06 GPU-hours at 700 W is 2.63 gCO2e/kWh" in messages
    assert "'Llama 3.2 1B SpinQuant': emissions published as 'Negligible'" in messages
    assert "Llama 3.1 8B" not in messages
