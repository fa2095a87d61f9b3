"""Renamed columns stay readable under their old names for one release (schemas/renames.py)."""

import duckdb
import pandas as pd

from pipelines import legacy_views
from schemas import TABLES, table
from schemas.renames import RENAMES


def test_committed_legacy_sql_is_up_to_date(capsys):
    assert legacy_views.main(["--check"]) == 0, capsys.readouterr().err
    text = legacy_views.legacy_sql_path().read_text(encoding="utf-8")
    assert text.startswith("-- requires: " + ", ".join(RENAMES) + "\n")
    assert "Removed in the release after next." in text


def test_renames_name_published_columns_only():
    for name, renames in RENAMES.items():
        columns = table(name).columns
        assert set(renames.values()) <= set(columns), name
        assert not set(renames) & set(columns), name
    assert RENAMES["hardware_embodied_emissions"]["kgco2e"] == "embodied_kgco2e"
    assert RENAMES["ai_training_runs"]["reported_tco2e_market_based"] == "reported_market_based_tco2e"
    assert RENAMES["grid_intensity_halfhourly"] == {"period_start": "period_start_utc", "period_end": "period_end_utc"}
    assert set(RENAMES) <= set(TABLES)


def _one_row(name: str) -> pd.DataFrame:
    """One row of the table, each column holding a value of its type that names it."""
    values = {}
    for column, spec in table(name).schema.columns.items():
        kind = str(spec.dtype)
        values[column] = {"int64": 2024, "Int64": 7, "float64": 1.5, "bool": True}.get(kind, f"{column} value")
    return pd.DataFrame([values])


def test_legacy_views_return_every_column_under_its_old_name():
    con = duckdb.connect()
    for name in RENAMES:
        con.register("row", _one_row(name))
        con.execute(f"create table {name} as select * from row")
        con.unregister("row")
    con.execute(legacy_views.render_legacy_sql())
    for name, renames in RENAMES.items():
        old_names = {new: old for old, new in renames.items()}
        legacy = con.execute(f"from legacy.{name}").fetchdf()
        assert list(legacy.columns) == [old_names.get(c, c) for c in table(name).columns], name
        assert legacy.values.tolist() == con.execute(f"from {name}").fetchdf().values.tolist(), name
    runs = con.execute("select reported_tco2e_market_based, url, note from legacy.ai_training_runs").fetchone()
    assert runs == (1.5, "citation_url value", "citation_note value")
    assert con.execute("select kgco2e from legacy.hardware_embodied_emissions").fetchone() == (1.5,)
