"""docs/lineage.md is generated from the registry and the asset graph and must match them."""

from __future__ import annotations

from pipelines import lineage
from pipelines.sources import SOURCES


def test_committed_lineage_is_up_to_date():
    path = lineage.lineage_path()
    assert path.is_file(), f"{path} is missing: run `python -m pipelines.lineage`"
    assert path.read_text(encoding="utf-8") == lineage.render(), (
        f"{path} is out of date: run `python -m pipelines.lineage` and commit the result"
    )


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "lineage.md"
    monkeypatch.setattr(lineage, "lineage_path", lambda: stale)
    assert lineage.main(["--check"]) == 1
    assert "run `python -m pipelines.lineage`" in capsys.readouterr().err
    assert lineage.main([]) == 0
    assert lineage.main(["--check"]) == 0


def test_every_source_and_table_is_listed_with_its_module_and_schema():
    text = lineage.render()
    for source_id in SOURCES:
        assert f"| `{source_id}` | pipelines/sources/{source_id}.py |" in text
    assert (
        "| `grid_carbon_intensity` | schemas/grid.py (`GridCarbonIntensity`) | zone_id, year, source_id, basis |"
        in text
    )
    # The tests column names real files: egrid has both a fixture test and a recorded-file test.
    assert "tests/integration/test_source_egrid_real.py, tests/unit/test_source_egrid.py" in text
