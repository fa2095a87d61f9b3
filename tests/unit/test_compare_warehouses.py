"""Comparing two warehouse databases relation by relation, EXCEPT both ways."""

import duckdb

from pipelines import compare_warehouses
from pipelines.compare_warehouses import compare, main


def database(path, statements):
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


def before_and_after(tmp_path):
    before = database(
        tmp_path / "before.duckdb",
        [
            "create table same as select * from range(3) t(i)",
            "create table changed as select * from (values (1, 'a'), (2, 'b'), (2, 'b')) t(k, v)",
            "create table dropped as select 1 as x",
            "create table renamed as select 1 as emissions_mt_co2e, 'x' as zone_id",
            "create view same_view as select i * 2 as doubled from same",
            "create table retyped as select 1::integer as x",
            "create table reordered as select 1 as a, 'a' as b",
        ],
    )
    after = database(
        tmp_path / "after.duckdb",
        [
            "create table same as select * from range(3) t(i)",
            "create table changed as select * from (values (1, 'a'), (2, 'b'), (3, 'c')) t(k, v)",
            "create table added as select 1 as x",
            "create table renamed as select 1 as emissions_mtco2e, 'x' as zone_id",
            "create view same_view as select i * 2 as doubled from same",
            "create table retyped as select 1::double as x",
            "create table reordered as select 'a' as b, 1 as a",
        ],
    )
    return before, after


def test_each_relation_gets_its_verdict(tmp_path):
    before, after = before_and_after(tmp_path)
    assert dict(compare(before, after)) == {
        "added": "missing before",
        "changed": "differs (1 rows only before, 1 only after)",
        "dropped": "missing after",
        "renamed": "columns differ (only before: emissions_mt_co2e; only after: emissions_mtco2e)",
        "reordered": "identical rows, column order differs",
        "retyped": "column types differ (x: INTEGER -> DOUBLE)",
        "same": "identical",
        "same_view": "identical",
    }


def test_renamed_columns_are_compared_under_their_new_names(tmp_path):
    before, after = before_and_after(tmp_path)
    verdicts = dict(compare(before, after, {"renamed": {"emissions_mt_co2e": "emissions_mtco2e"}}))
    assert verdicts["renamed"] == "identical, columns renamed (emissions_mt_co2e -> emissions_mtco2e)"


def test_the_command_prints_one_line_per_relation_and_fails_on_a_difference(tmp_path, capsys, monkeypatch):
    before, after = before_and_after(tmp_path)
    monkeypatch.setattr(
        compare_warehouses, "load_renames", lambda: {"renamed": {"emissions_mt_co2e": "emissions_mtco2e"}}
    )
    assert main([str(before), str(after), "--renames"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == ["same: identical", "same_view: identical"]
    assert "renamed: identical, columns renamed (emissions_mt_co2e -> emissions_mtco2e)" in lines
    assert main([str(before), str(before)]) == 0


def test_a_missing_database_is_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere.duckdb"), str(tmp_path / "also.duckdb")]) == 2
    assert capsys.readouterr().err == f"error: no database at {tmp_path / 'nowhere.duckdb'}\n"
