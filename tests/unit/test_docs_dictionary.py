"""docs/data-dictionary.md is generated from schemas/ and must match them."""

from __future__ import annotations

import pandera.pandas as pa

from pipelines import docs
from schemas import TABLES, table


def test_committed_data_dictionary_is_up_to_date():
    path = docs.dictionary_path()
    assert path.is_file(), f"{path} is missing: run `python -m pipelines.docs`"
    assert path.read_text(encoding="utf-8") == docs.render(), (
        f"{path} is out of date with schemas/: run `python -m pipelines.docs` and commit the result"
    )


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "docs" / "data-dictionary.md"
    monkeypatch.setattr(docs, "dictionary_path", lambda: stale)
    assert docs.main(["--check"]) == 1
    assert "run `python -m pipelines.docs`" in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == docs.render()


def test_every_table_has_a_section_with_its_key_columns_and_sources():
    text = docs.render()
    for name, spec in TABLES.items():
        assert f"\n## {name}\n" in text
        for column in spec.columns:
            assert f"| `{column}` |" in text
    grid = text.split("\n## grid_carbon_intensity\n", 1)[1].split("\n## ", 1)[0]
    assert "Primary key: `zone_id`, `year`, `source_id`, `basis`" in grid
    assert (
        "| `gco2e_per_kwh` | number (float64) | gCO2e/kWh | yes | > 0, < 2000 | Carbon intensity of "
        "electricity, grams of CO2-equivalent per kWh"
    ) in grid
    assert (
        "| `zone_type` | string |  | yes | one of: `country`, `subregion`, `aggregate`, `cloud_region` | "
        "country \\| subregion \\| aggregate \\| cloud_region. |" in grid
    )
    assert "- `codecarbon`: [CodeCarbon energy-mix and carbon-intensity data](https://codecarbon.io/)" in grid
    assert "Licence: MIT." in grid


def test_checks_are_described_in_words():
    column = pa.Column(float, checks=[pa.Check.in_range(0, 1, include_max=False), pa.Check.str_length(2, 3)])
    assert docs.describe_checks(column) == "≥ 0, < 1, length ≥ 2, length ≤ 3"
    year = table("grid_carbon_intensity").schema.columns["year"]
    assert docs.describe_checks(year) == "≥ 1990, ≤ 2100"
