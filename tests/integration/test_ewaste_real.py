"""ewaste_statistics from a refresh of the recorded sources (../shared/sources, archive mode).

The archive records no UN SDG API responses (no un_sdg_ewaste folder), so the refresh skips
that source with a notice; the table holds the curated, cited figures of pipelines/curated/,
Eurostat's WEEE bulk file and OWID's recycling rates (their values: test_physical_real.py).
"""

import pytest

from conftest import SHARED_SOURCES, query

pytestmark = pytest.mark.integration


def value(warehouse, zone_id, year, metric, series=None):
    sql = (
        "select value, unit from ewaste_statistics where zone_id = ? and year = ? and metric = ? "
        "and source_id = 'curated_ewaste'"
    )
    params = [zone_id, year, metric]
    if series:
        sql += " and series = ?"
        params.append(series)
    rows = query(warehouse, sql, params)
    assert len(rows) == 1, f"expected one {metric} row for {zone_id} {year}, got {rows}"
    return rows[0]


@pytest.mark.parametrize(
    "zone_id, year, metric, expected",
    [
        ("WLD", 2022, "generated", (62000.0, "kt")),
        ("WLD", 2022, "generated_per_capita", (7.8, "kg/person")),
        ("WLD", 2022, "collected_recycled", (13800.0, "kt")),
        ("WLD", 2022, "collection_rate", (22.3, "percent")),
        ("WLD", 2019, "generated", (53600.0, "kt")),
        ("WLD", 2019, "collection_rate", (17.4, "percent")),
        ("WLD", 2010, "generated", (34000.0, "kt")),
        ("WLD", 2023, "genai_ewaste_generated", (2.6, "kt")),
        ("WLD", 2030, "projected_genai_ewaste_generated_high", (2500.0, "kt")),
        ("WLD", 2022, "population", (7.942e9, "persons")),
        # Global E-waste Monitor 2024 country figures, where no recorded series has them.
        ("CHN", 2022, "generated", (12000.0, "kt")),
        ("JPN", 2022, "generated", (2600.0, "kt")),
        ("NOR", 2022, "generated_per_capita", (26.8, "kg/person")),
    ],
)
def test_real_values(built_warehouse, zone_id, year, metric, expected):
    assert value(built_warehouse, zone_id, year, metric) == expected


def test_both_editions_projections_for_2030_are_kept(built_warehouse):
    rows = query(
        built_warehouse,
        "select series, value from ewaste_statistics where metric = 'projected_generated' "
        "and year = 2030 order by value",
    )
    assert rows == [
        ("UNU / UNITAR / ITU / ISWA (Global E-waste Monitor 2020)", 74700.0),
        ("UNITAR / ITU (Global E-waste Monitor 2024)", 82000.0),
    ]


def test_every_row_is_curated_and_cited(built_warehouse):
    counts = query(
        built_warehouse,
        "select source_id, source_file, source_vintage, count(*) from ewaste_statistics "
        "where source_id like 'curated_%' group by all order by all",
    )
    assert counts == [
        ("curated_ewaste", "ewaste_headlines.csv", "2026-11-25", 26),
        ("curated_ewaste", "world_population.csv", "2026-11-25", 2),
    ]
    uncited = query(
        built_warehouse,
        "select count(*) from ewaste_statistics where source_id like 'curated_%' and "
        "(citation_url is null or citation_publisher is null or citation_title is null)",
    )
    assert uncited == [(0,)]


def test_the_archive_records_no_ewaste_api_responses():
    # If these folders appear, the parsers' real-file tests belong here.
    assert not (SHARED_SOURCES / "un_sdg_ewaste").exists()
    assert not (SHARED_SOURCES / "eurostat_weee").exists()


def test_per_capita_figures_agree_with_population(built_warehouse):
    # 62,000 kt / 7.942 bn = 7.81 kg (7.8 published); 53,600 kt / 7.7 bn = 6.96 kg (7.3 published,
    # 4.6 % apart: within the 10 % tolerance).
    compared = query(
        built_warehouse,
        "select zone_id, year, implied_per_capita_kg, per_capita_kg, "
        "relative_difference from ewaste_per_capita_disagreements(-1) order by year",
    )
    assert [row[:2] for row in compared] == [("WLD", 2019), ("WLD", 2022)]
    assert compared[0][2] == pytest.approx(6.961, abs=1e-3) and compared[0][4] == pytest.approx(0.0464, abs=1e-4)
    assert compared[1][2] == pytest.approx(7.8066, abs=1e-4) and compared[1][4] == pytest.approx(0.0008, abs=1e-4)
    assert query(built_warehouse, "select count(*) from ewaste_per_capita_disagreements(0.10)") == [(0,)]


def test_sources_table_lists_the_curated_files(built_warehouse):
    rows = query(
        built_warehouse,
        "select file, url, source_vintage from sources where source_id = 'curated_ewaste' order by file",
    )
    assert rows == [
        ("ewaste_headlines.csv", "pipelines/curated/ewaste_headlines.csv", "2026-11-25"),
        ("world_population.csv", "pipelines/curated/world_population.csv", "2026-11-25"),
    ]
