"""CHANGELOG.md rendering (pipelines/changelog.py): the renamed-columns section."""

from pipelines.changelog import TableDiff, render_changelog

BUILD = {"git_commit": "abc123", "git_dirty": False}
FLEET = "accelerator_fleet_footprint"


def test_renamed_columns_of_released_tables_are_listed_with_the_legacy_views():
    diffs = [TableDiff(FLEET, "unchanged", rows_before=17, rows_after=17)]
    text = render_changelog("2.0", "2026-12-01T00:00:00Z", "1.0", BUILD, diffs)
    section = text[text.index("## Renamed columns") :]
    assert "views in the `legacy` schema" in section
    assert f"| {FLEET} | `utilization` | `utilization_fraction` |" in section
    assert f"| {FLEET} | `power_w_avg` | `avg_power_w` |" in section
    assert [
        f"| {FLEET} | `emissions_mt_co2e_{part}` | `emissions_mtco2e_{part}` |" in section
        for part in ("low", "central", "high")
    ] == [True] * 3


def test_a_first_release_lists_them_too():
    text = render_changelog("1.0", "2026-12-01T00:00:00Z", None, BUILD, [TableDiff(FLEET, "added", rows_after=17)])
    assert f"| {FLEET} | `power_w_avg` | `avg_power_w` |" in text


def test_no_section_when_no_released_table_was_renamed():
    diffs = [
        TableDiff("grid_carbon_intensity", "unchanged", rows_before=3, rows_after=3),
        TableDiff(FLEET, "removed", rows_before=17),
    ]
    assert "Renamed columns" not in render_changelog("2.0", "2026-12-01T00:00:00Z", "1.0", BUILD, diffs)
