"""The release explorer page on a small hand-made release: every chart's numbers against
independent queries of the release tables, charts left out with a reason, accessibility
markup, nothing fetched, and `aifootprint report`'s refusals."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from conftest import REPO, curated_rows, fixture_source
from pipelines.cli import main
from pipelines.fleet import FleetParameters, fleet_frame
from pipelines.release import build_release, connect_release
from pipelines.report import MAX_PAGE_BYTES, ReportError, build_report, write_report
from pipelines.report.charts import CHARTS
from pipelines.sources import curated_calculation_defaults, curated_chips, nvidia_revenue_by_market as nvidia_revenue
from pipelines.validation import validate
from pipelines.warehouse import Warehouse
from report_expectations import emitted, expected, left_out_lines, read_page
from schemas import table

# Curated rows cite their publication (schemas.provenance.Cited); tables without citation columns ignore these.
CURATED = {
    "source_id": "curated_reference",
    "source_vintage": "2026-11-25",
    "source_file": "curated.csv",
    "citation_publisher": "Test publisher",
    "citation_title": "Test title",
    "citation_url": "https://example.org/test",
}


def rows(table_name: str, records: list[dict]) -> pd.DataFrame:
    """Validated rows of a published table; columns not given are empty."""
    columns = table(table_name).columns
    return validate(table_name, pd.DataFrame([{c: r.get(c) for c in columns} for r in records], columns=columns))


def grid(zone, name, year, value, source="codecarbon", basis="lifecycle", zone_type="country"):
    return {
        "zone_id": zone,
        "zone_name": name,
        "zone_type": zone_type,
        "year": year,
        "gco2e_per_kwh": value,
        "basis": basis,
        "source_id": source,
        "source_vintage": "2024-09-20",
        "source_file": "mix.json",
    }


GRID = [
    grid("FRA", "France", 2023, 56.039),
    grid("DEU", "Germany", 2023, 380.95),
    grid("POL", "Poland", 2023, 662.0),
    grid("NOR", "Norway", 2023, 28.0),
    grid("WLD", "World", 2023, 484.4, zone_type="aggregate"),
    grid("FRA", "France", 2022, 58.0),
    grid("FRA", "France", 2022, 85.0, source="owid_energy"),
    grid("DEU", "Germany", 2022, 385.5, source="owid_energy"),
    grid("DEU", "Germany", 2022, 301.0, source="ember_eu_power_2020", basis="direct"),
]
SHIPMENTS = [
    {
        "vendor": "NVIDIA",
        "product_family": "data-centre GPUs",
        "period": period,
        "metric": "units_shipped",
        "units_low": low,
        "units_high": high,
        "unit": "units",
        "is_forecast": False,
        "citation_publisher": "TechInsights",
        "citation_title": "Data-center GPU shipments",
        "citation_url": "https://example.org/shipments",
        "citation_published": "2024-06",
        "source_file": "accelerator_shipments.csv",
        "source_id": "curated_chips",
        "source_vintage": "2026-11-25",
    }
    for period, low, high in (("2022", 2.64e6, 2.64e6), ("2023", 3.76e6, 4.0e6))
]
EWASTE = [
    {
        "zone_id": "WLD",
        "zone_name": "World",
        "zone_type": "aggregate",
        "year": year,
        "metric": metric,
        "value": value,
        "unit": "kt",
        "series": series,
        "category": "TOTAL",
        **CURATED,
        "source_id": "curated_ewaste",
    }
    for year, metric, value, series in (
        (2019, "generated", 53600, "GEM 2020"),
        (2022, "generated", 62000, "GEM 2024"),
        (2022, "collected_recycled", 13800, "GEM 2024"),
        (2030, "projected_generated", 82000, "GEM 2024"),
    )
]
RUNS = [
    {
        "model": model,
        "organization": "Lab",
        "year": year,
        "zone_id": "WLD",
        "is_zone_assumed": True,
        "estimated_energy_mwh_low": estimated and estimated * 0.8,
        "estimated_energy_mwh_central": estimated,
        "estimated_energy_mwh_high": estimated and estimated * 1.25,
        "reported_energy_mwh": reported,
        **CURATED,
        "source_id": "curated_training_runs",
    }
    for model, year, estimated, reported in (
        ("GPT-3 175B", 2020, 1662.336, 1287.0),
        ("BLOOM 176B", 2022, 675.79, 433.196),
        ("Llama 3.1 405B", 2024, 33677.28, None),
        ("Unmatched run", 2023, None, None),
    )
]
PUE = [
    {"scope": scope, "entity": entity, "year": year, "pue": pue, **CURATED}
    for scope, entity, year, pue in (
        ("industry", "Uptime Institute average", 2023, 1.58),
        ("provider", "Google (fleet average)", 2023, 1.10),
        ("industry", "Uptime Institute average", 2024, 1.56),
    )
]


EWASTE += [
    {
        "zone_id": zone,
        "zone_name": name,
        "zone_type": "country",
        "year": 2022,
        "metric": "recycling_rate",
        "value": rate,
        "unit": "percent",
        "series": "EN_EWT_RCYR",
        "rate_definition": definition,
        "category": "TOTAL",
        "source_id": "owid_ewaste",
        "source_vintage": "2026-04-01",
        "source_file": "ewaste.csv",
    }
    for zone, name, rate, definition in (
        ("NOR", "Norway", 71.6, "recycled_over_generated"),
        ("DEU", "Germany", 38.8, "recycled_over_generated"),
        ("IND", "India", 1.3, "recycled_over_generated"),
        # higher, but of what was collected: never ranked with the rest
        ("SWE", "Sweden", 92.0, "recycled_over_collected"),
    )
]


def hourly(zone, name, source, hour, direct, lifecycle):
    return {
        "zone_id": zone,
        "zone_name": name,
        "zone_type": "country" if len(zone) == 3 else "subregion",
        "country_zone_id": zone[:3] if len(zone) == 3 else "USA",
        "hour_start_utc": pd.Timestamp("2021-06-30T22:00Z") + pd.Timedelta(hours=hour),
        "year": 2021,
        "direct_gco2e_per_kwh": direct,
        "lifecycle_gco2e_per_kwh": lifecycle,
        "accounting": "consumption",
        "is_estimated": False,
        "source_id": source,
        "source_vintage": "2024-05-01",
        "source_file": f"{zone}.csv",
    }


# Two days of hours starting at 22:00 UTC, so CISO's local (UTC-8) days differ from UTC days.
# emaps_hourly's licence keeps its rows out of releases; only the OGE zone is drawn from a release.
HOURLY = [hourly("US-CAL-CISO", "CISO", "oge_hourly_ba", h, 200.0 + 10 * (h % 24), None) for h in range(48)] + [
    hourly("DEU", "Germany", "emaps_hourly", h, 300.0, 350.0 + h) for h in range(48)
]
DATACENTER_ELECTRICITY = [
    {
        "zone_id": "WLD",
        "zone_name": "World",
        "zone_type": "aggregate",
        "year": year,
        "basis": basis,
        "scenario": scenario,
        "scope": "data centres",
        "electricity_twh_low": low,
        "electricity_twh_central": central,
        "electricity_twh_high": high,
        "series": series,
        **CURATED,
        "source_id": "curated_datacenter_electricity",
        "citation_publisher": "International Energy Agency",
        "citation_title": series,
        "citation_url": "https://www.iea.org/reports/energy-and-ai",
    }
    for year, basis, scenario, low, central, high, series in (
        (2024, "estimate", None, None, 415.0, None, "IEA Energy and AI"),
        (2030, "projection", "Base Case", 700.0, 945.0, 1260.0, "IEA Energy and AI"),
        (2022, "estimate", None, 240.0, None, 340.0, "IEA Electricity 2024"),
    )
]
INFERENCE = [
    {
        "measurement_id": f"chat/{model}",
        "model": model,
        "total_params_billions": params,
        "task": task,
        "task_as_published": task,
        "request_unit": "request",
        "energy_wh_per_request": wh,
        "energy_kwh_per_1000_queries": kwh,
        "measurement_scope": "gpu_only",
        "source_id": "mlenergy_leaderboard",
        "source_vintage": "2025-09-01",
        "source_file": "chat.json",
    }
    for model, params, task, wh, kwh in (
        ("small-8b", 8.0, "chat", 0.5, None),
        ("big-405b", 405.0, "chat", 6.0, None),
        ("mid-70b", 70.0, "text_generation", 2.5, 2.5),
        ("image-model", 12.0, "text_to_image", 3.0, None),
    )
]


CURATED_FOLDER = REPO / "pipelines" / "curated"


def small_warehouse(root, *, with_everything=True, hourly_rows=HOURLY):
    store = Warehouse(root)
    store.publish("grid_carbon_intensity", rows("grid_carbon_intensity", GRID))
    store.publish("grid_intensity_hourly", rows("grid_intensity_hourly", hourly_rows))
    if with_everything:
        store.publish("accelerator_shipments", rows("accelerator_shipments", SHIPMENTS))
        store.publish("calculation_defaults", curated_rows(curated_calculation_defaults.SOURCE, "calculation_defaults"))
        revenue = nvidia_revenue.parse_revenue(fixture_source("nvidia_revenue_by_market"))
        store.publish(
            "chip_revenue_by_market",
            validate(
                "chip_revenue_by_market",
                revenue.assign(source_id="nvidia_revenue_by_market", source_vintage="2026-03-01"),
            ),
        )
        assumptions = curated_chips.parse_sales_assumptions(fixture_source("curated_chips", folder=CURATED_FOLDER))
        store.publish(
            "accelerator_sales_assumptions",
            validate(
                "accelerator_sales_assumptions",
                assumptions.assign(source_id="curated_chips", source_vintage="2026-12-01"),
            ),
        )
        store.publish("datacenter_electricity", rows("datacenter_electricity", DATACENTER_ELECTRICITY))
        store.publish("inference_energy_measurements", rows("inference_energy_measurements", INFERENCE))
        store.apply_sql()
        with store.connect() as con:
            # A one-year lifetime retires 2022's cohort in 2023, so the retired-mass chart has a year.
            fleet = fleet_frame(con, FleetParameters(lifetime_years=1))
        store.publish("accelerator_fleet_footprint", validate("accelerator_fleet_footprint", fleet))
        store.publish("ewaste_statistics", rows("ewaste_statistics", EWASTE))
        store.publish("training_footprint_estimates", rows("training_footprint_estimates", RUNS))
        store.publish("datacenter_pue", rows("datacenter_pue", PUE))
    store.apply_sql()
    return root


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A release with every row, licences notwithstanding (`include_restricted`), so every chart is drawn."""
    warehouse = small_warehouse(tmp_path_factory.mktemp("report") / "warehouse")
    result = build_release(warehouse, include_restricted=True)
    return result.path, (result.path / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def public_release(tmp_path_factory):
    """The same warehouse released as published: rows whose licence forbids redistribution left out.

    NVIDIA's revenue source is declared redistributable; here it is taken as not, so that one chart
    has every row withheld (the case of a whole table kept out by its licence)."""
    import dataclasses

    from pipelines.sources import SOURCES

    warehouse = small_warehouse(tmp_path_factory.mktemp("public") / "warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(
            SOURCES,
            "nvidia_revenue_by_market",
            dataclasses.replace(SOURCES["nvidia_revenue_by_market"], redistributable=False),
        )
        result = build_release(warehouse)
    return result.path, (result.path / "index.html").read_text(encoding="utf-8")


def test_every_chart_is_drawn_and_its_numbers_equal_an_independent_query(release):
    folder, page = release
    embedded, _ = read_page(page)
    assert set(embedded) == {c.id for c in CHARTS}
    with connect_release(folder) as con:
        for chart_id, plotted in embedded.items():
            want = expected(chart_id, con)
            assert want, chart_id
            assert emitted(chart_id, plotted) == want, chart_id


def test_takeaways_state_the_hand_computed_figures(release):
    _, page = release
    # 2023: Poland 662 is the most and Norway 28 the least intensive; 662 / 28 = 23.6.
    assert "In 2023 electricity in Poland carried about 662 gCO2e/kWh, 24 times that of Norway (28.0)" in page
    # 2022 has three source/basis pairs for France and Germany: Germany spans 301 to 385.5 (+28 %).
    assert "For 2022 the sources differ by up to 47 % for France (58-85 gCO2e/kWh)" in page
    # 13.8 Mt of 62 Mt = 22 %.
    assert "The world generated 62.0 Mt of e-waste in 2022; only 22 % of it was documented as collected" in page
    # Ratios 1662.336 / 1287 = 1.29 and 675.79 / 433.196 = 1.56: median 1.43 over 2 runs.
    assert "median 1.43 times their figure (2 runs)" in page
    assert "Providers report PUEs of 1.10-1.10, industry averages 1.56-1.58" in page
    # CISO's hour h (from 22:00 UTC on 30 June) is 200 + 10 x (h mod 24) g/kWh, the same on both days:
    # an average day spans 200 to 430; its UTC days average 205 (2 hours), 315 and 325 (22 hours).
    assert "Over an average day CISO (US-CAL-CISO, direct) swings from 200 to 430 gCO2e/kWh" in page
    assert "in CISO (US-CAL-CISO, direct) from 205 to 325 gCO2e/kWh over the year" in page
    # 22:00 UTC on 30 June is 15:00 in Los Angeles (PDT, UTC-7) and midnight in Berlin (CEST).
    embedded, _ = read_page(page)
    day = {(r["zone_id"], r["local_hour"]): r["gco2e_per_kwh"] for r in embedded["grid_intensity_hourly_day"]}
    assert day[("US-CAL-CISO", 15)] == pytest.approx(200.0)
    assert day[("DEU", 0)] == pytest.approx((350 + 374) / 2)  # lifecycle, not direct, for Germany
    # Recycled over generated: Norway 71.6, Germany 38.8, India 1.3 (median 38.8); Sweden's 92 % is
    # of what was collected and stays out of that ranking.
    assert (
        "In 2022 the median of 3 countries recycled 39 % (recycled over generated), from 71.6 % in Norway "
        "to 1.3 % in India"
    ) in page
    assert {r["zone_id"] for r in embedded["ewaste_recycling_rate_by_country"]} == {"NOR", "DEU", "IND"}
    assert (
        "Data centres used about 415 TWh in 2024 (IEA Energy and AI); projections reach 700-1,260 TWh by "
        "2030 (IEA Energy and AI - Base Case)"
    ) in page
    # Text models of 8, 70 and 405 billion parameters: quartiles 39 and 237.5; the image model is left out.
    assert "(up to 39 billion parameters) used 0.5 Wh, to the largest quarter (from 238 billion) 6 Wh" in page
    assert {r["model"] for r in embedded["inference_energy_by_size"]} == {"small-8b", "mid-70b", "big-405b"}
    # The fixture's extraction: FY2021 Q1 Data Center $1.1 billion (rounded), FY2026 Q4 $62.3 billion.
    assert "Data Center revenue went from $1.1 billion in FY2021 Q1 to $62.3 billion in FY2026 Q4" in page


def test_each_chart_has_titled_accessible_svgs_its_units_sources_and_table_link(release):
    _, page = release
    _, svgs = read_page(page)
    titles = {c.title for c in CHARTS}
    assert len(svgs) == 2 * len(CHARTS)  # a wide and a narrow rendering each
    assert {s["title"] for s in svgs} == titles
    for svg in svgs:
        assert svg["attrs"]["role"] == "img"
        labels = svg["attrs"]["aria-labelledby"].split()
        assert [label.rsplit("-", 1)[1] for label in labels] == ["title", "desc"]
    for chart in CHARTS:
        figure = re.search(rf'<figure id="chart-{chart.id}".*?</figure>', page, re.S).group(0)
        assert f"Units: {chart.units}" in figure.replace("&#x27;", "'")
        assert f'href="#table-{chart.tables[0]}"' in figure and f'id="table-{chart.tables[0]}"' in page
        assert re.search(r"vintage \d{4}-\d{2}-\d{2}", figure), chart.id
        assert 'class="takeaway"' in figure
    assert '<a href="#source-codecarbon">' in page and 'id="source-codecarbon"' in page
    # A field a spec encodes but the data lacks shows up as "undefined" in axes and legends.
    svg_text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", page))
    assert "undefined" not in svg_text and "NaN" not in svg_text
    spread = re.search(r'<figure id="chart-grid_intensity_source_spread".*?</figure>', page, re.S).group(0)
    legend = set(re.findall(r"<text[^>]*>([^<]*)</text>", spread))
    assert {"codecarbon", "owid_energy", "ember_eu_power_2020", "direct", "lifecycle"} <= legend


def test_page_fetches_nothing_and_lists_tables_with_rows_and_downloads(release):
    folder, page = release
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"\ssrc=", page) and "@import" not in page and "url(" not in page
    assert not re.search(r'<link(?![^>]*href="data:)', page)
    # External addresses appear only as links a reader may follow (sources' homepages).
    for anchor in re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', page):
        assert 'rel="external"' in anchor
    package = json.loads((folder / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert f'<a href="{resource["path"]}">Parquet</a>' in page
        assert f'<td class="num">{resource["rows"]:,}</td>' in page
    for name in ("aifootprint.duckdb", "datapackage.json", "CHANGELOG.md", "SHA256SUMS"):
        assert f'href="{name}"' in page and (folder / name).exists()
    assert len(page.encode()) < MAX_PAGE_BYTES
    palette_colours = {c.lower() for c in re.findall(r'fill="(#[0-9a-fA-F]{6})"', page)}
    assert "#0072b2" in palette_colours  # Okabe-Ito blue, the first colour-blind-safe category


def test_charts_whose_tables_are_absent_or_whose_rows_are_all_withheld_are_left_out_with_the_reason(tmp_path):
    emaps_only = [r for r in HOURLY if r["source_id"] == "emaps_hourly"]
    warehouse = small_warehouse(tmp_path / "warehouse", with_everything=False, hourly_rows=emaps_only)
    page = (build_release(warehouse).path / "index.html").read_text()
    embedded, _ = read_page(page)
    assert set(embedded) == {"grid_intensity_by_country", "grid_intensity_source_spread"}
    lines = left_out_lines(page)
    assert "AI accelerators in service: table accelerator_fleet_footprint is not in this release." in lines
    assert "Data-centre power usage effectiveness (PUE): table datacenter_pue is not in this release." in lines
    hourly_day = next(line for line in lines if line.startswith("An average day of grid carbon intensity"))
    assert (
        "no rows to plot among those this release carries; rows kept out by licence: emaps_hourly (48 rows of "
        "grid_intensity_hourly; declared by the source module: ODbL-1.0"
    ) in hourly_day
    assert len(lines) == len(CHARTS) - 2


def test_charts_draw_only_released_rows_and_name_the_sources_kept_out_by_licence(public_release):
    folder, page = public_release
    package = json.loads((folder / "datapackage.json").read_text())
    withheld = {r["name"]: r.get("withheld", []) for r in package["resources"]}
    assert withheld["grid_intensity_hourly"][0]["source_id"] == "emaps_hourly"
    embedded, _ = read_page(page)
    # Germany's hours come from Electricity Maps, whose rows the release leaves out: only CISO is drawn.
    assert {r["zone_id"] for r in embedded["grid_intensity_hourly_day"]} == {"US-CAL-CISO"}
    assert {r["zone_id"] for r in embedded["grid_intensity_hourly_year"]} == {"US-CAL-CISO"}
    with connect_release(folder) as con:
        for chart_id, plotted in embedded.items():
            assert emitted(chart_id, plotted) == expected(chart_id, con), chart_id
    day = re.search(r'<figure id="chart-grid_intensity_hourly_day".*?</figure>', page, re.S).group(0)
    assert (
        "Kept out of this release by licence, so not drawn: emaps_hourly (48 rows of grid_intensity_hourly; "
        "declared by the source module"
    ) in day
    unkept = re.search(r'<figure id="chart-grid_intensity_by_country".*?</figure>', page, re.S).group(0)
    assert "Kept out of this release" not in unkept
    # NVIDIA's revenue source taken as not redistributable (see public_release): the whole table is withheld.
    assert any(
        line.startswith(
            "NVIDIA Data Center revenue by fiscal quarter: no rows to plot among those this "
            "release carries; rows kept out by licence: nvidia_revenue_by_market (21 rows of "
            "chip_revenue_by_market;"
        )
        for line in left_out_lines(page)
    )
    assert "nvidia_datacenter_revenue" not in embedded


def test_a_missing_column_is_named(release, tmp_path):
    folder, _ = release
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("SHA256SUMS", "index.html"))
    from pipelines.report import charts

    original = list(charts.CHARTS)
    extra = charts.Chart(
        "needs_a_column",
        "A chart needing a new column",
        {"grid_carbon_intensity": ("zone_id", "demand_twh")},
        "TWh",
        lambda con: None,
    )
    charts.CHARTS.append(extra)
    try:
        result = write_report(copy)
    finally:
        charts.CHARTS[:] = original
    lines = left_out_lines(result.path.read_text())
    assert "A chart needing a new column: table grid_carbon_intensity has no column demand_twh." in lines
    assert result.left_out == {"needs_a_column": "table grid_carbon_intensity has no column demand_twh"}


def test_a_failing_chart_is_named_not_a_traceback(release, tmp_path, monkeypatch):
    folder, _ = release
    from pipelines.report import charts

    def broken(con):
        return con.execute("select no_such_column from datacenter_pue").fetchdf()

    monkeypatch.setattr(charts, "CHARTS", [charts.Chart("broken", "Broken", {"datacenter_pue": ()}, "", broken)])
    monkeypatch.setattr("pipelines.report.page.CHARTS", charts.CHARTS)
    with pytest.raises(ReportError, match=r"^chart broken failed on this release: BinderException"):
        build_report(folder, tmp_path / "out")


def test_report_command_writes_elsewhere_with_links_back_to_the_release(release, tmp_path, monkeypatch, capsys):
    folder, _ = release
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(folder.parent.parent))
    out = tmp_path / "site"
    assert main(["report", "--out", str(out)]) == 0  # default: the latest release
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out / "index.html")
    assert f"{len(CHARTS)} chart(s)" in captured.err
    page = (out / "index.html").read_text()
    relative = re.search(r'href="([^"]*)aifootprint.duckdb"', page).group(1)
    assert (out / relative / "aifootprint.duckdb").resolve() == (folder / "aifootprint.duckdb").resolve()


def test_report_command_refuses_to_write_into_a_published_release(release, capsys):
    folder, _ = release
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for target in (folder, folder / "charts"):
        assert main(["report", "--release", str(folder), "--out", str(target)]) == 2
        assert f"refusing to write into the published release {folder}" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    with pytest.raises(ReportError, match="refusing to write into the published release"):
        build_report(folder, folder)


def test_report_command_bad_release_folders_are_one_line_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "empty"))
    assert main(["report", "--out", str(tmp_path / "o")]) == 2
    assert "no release in" in capsys.readouterr().err
    assert main(["report", "--release", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "not_a_release").mkdir()
    assert main(["report", "--release", str(tmp_path / "not_a_release"), "--out", str(tmp_path / "o")]) == 1
    assert "is not a release folder" in capsys.readouterr().err
