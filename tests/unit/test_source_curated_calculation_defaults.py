"""The cited calculation defaults (pipelines/curated/calculation_defaults.csv): published table and Python reader."""

import pytest

from conftest import curated_rows
from pipelines import calculation_defaults
from pipelines.calculation_defaults import CalculationDefaultError, calculation_default
from pipelines.sources import curated_calculation_defaults

TABLE = "calculation_defaults"


def test_every_default_is_published_with_its_primary_citation():
    rows = curated_rows(curated_calculation_defaults.SOURCE, TABLE).set_index(["parameter", "applies_to"])
    assert rows["value_central"].to_dict() == {
        ("pue", "fleet"): 1.25,
        ("utilization", "fleet"): 0.76,
        ("lifetime_years", "all"): 4.0,
        ("utilization", "estimate"): 1.0,
    }
    assert rows.loc[("lifetime_years", "all"), ["value_low", "value_high", "unit"]].tolist() == [3.0, 5.0, "years"]
    assert rows.loc[("pue", "fleet"), "citation_publisher"] == "International Data Corporation (IDC)"
    assert rows.loc[("utilization", "fleet"), "citation_url"] == "https://arxiv.org/abs/2506.14551"
    assert rows["citation_url"].str.startswith("https://").all()


def test_python_reads_the_published_values():
    rows = curated_rows(curated_calculation_defaults.SOURCE, TABLE)
    for row in rows.itertuples():
        calculation = "fleet" if row.applies_to == "all" else row.applies_to
        assert calculation_default(row.parameter, calculation) == row.value_central


def test_a_calculation_without_its_own_row_takes_the_row_for_all():
    assert calculation_default("lifetime_years", "estimate") == calculation_default("lifetime_years", "fleet") == 4.0


def test_a_missing_default_names_the_file_and_parameter():
    with pytest.raises(CalculationDefaultError, match=r"calculation_defaults\.csv: no default for 'grid_loss'"):
        calculation_default("grid_loss", "fleet")


def test_a_range_out_of_order_is_refused(tmp_path, monkeypatch):
    text = (calculation_defaults.settings.curated_dir() / calculation_defaults.FILE).read_text(encoding="utf-8")
    (tmp_path / calculation_defaults.FILE).write_text(
        text.replace("lifetime_years,all,3,4,5", "lifetime_years,all,5,4,3"), encoding="utf-8"
    )
    monkeypatch.setattr(calculation_defaults.settings, "curated_dir", lambda: tmp_path)
    from pipelines.errors import ValidationError

    with pytest.raises(ValidationError, match="range_ordered|value_low"):
        curated_rows(curated_calculation_defaults.SOURCE, TABLE)


def test_a_value_that_is_not_a_number_names_the_line(tmp_path, monkeypatch):
    text = (calculation_defaults.settings.curated_dir() / calculation_defaults.FILE).read_text(encoding="utf-8")
    (tmp_path / calculation_defaults.FILE).write_text(
        text.replace("pue,fleet,,1.25,", "pue,fleet,,about 1.25,"), encoding="utf-8"
    )
    monkeypatch.setattr(calculation_defaults.settings, "curated_dir", lambda: tmp_path)
    calculation_defaults._central_values.cache_clear()
    try:
        with pytest.raises(
            CalculationDefaultError, match=r"calculation_defaults\.csv, line 2: .*numeric value_central"
        ):
            calculation_default("pue", "fleet")
    finally:
        calculation_defaults._central_values.cache_clear()
