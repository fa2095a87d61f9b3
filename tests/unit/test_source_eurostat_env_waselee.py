"""eurostat_env_waselee: Eurostat's WEEE bulk TSV (legacy and SDMX 2.1 layouts) -> ewaste_statistics."""

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import eurostat_env_waselee as eurostat
from pipelines.validation import validate

FOLDER = FIXTURES / "eurostat_env_waselee"


def parse(folder=FOLDER):
    frame = eurostat.parse_ewaste_statistics(fixture_source(eurostat.SOURCE_ID, folder=folder))
    return frame.assign(source_id=eurostat.SOURCE_ID, source_vintage="2020-12-25")


def one(frame, **where):
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, f"{where}: {len(frame)} rows"
    return frame.iloc[0]


def written(tmp_path, text):
    (tmp_path / eurostat.FILE).write_text(text, encoding="utf-8")
    return tmp_path


def test_values_flags_and_units():
    frame = parse()
    germany_2006 = one(frame, zone_id="DEU", year=2006, metric="collected", category="TOTAL")
    assert (germany_2006["value"], germany_2006["unit"], germany_2006["flag"]) == (pytest.approx(753.9), "kt", "s")
    assert germany_2006["series"] == "env_waselee/TOTAL/COL/T"
    germany_2017 = one(frame, zone_id="DEU", year=2017, metric="collected", category="TOTAL")
    assert germany_2017["value"] == pytest.approx(836.907) and germany_2017["flag"] is None
    assert one(frame, zone_id="DEU", year=2017, metric="collected_per_capita")["unit"] == "kg/person"


def test_rates_are_relative_to_the_mass_collected_and_may_exceed_100():
    malta = one(parse(), zone_id="MLT", year=2016, metric="recycling_rate")
    assert (malta["value"], malta["unit"], malta["rate_definition"]) == (103.4, "percent", "recycled_over_collected")
    assert len(validate("ewaste_statistics", parse(), source_id=eurostat.SOURCE_ID)) == len(parse())


def test_missing_cells_are_left_out_not_zero():
    # Germany 2005 and Malta 2018 are ':' in this vintage.
    frame = parse()
    assert frame.query("zone_id == 'DEU' and year == 2005 and metric == 'collected'").empty
    assert frame.query("zone_id == 'MLT' and year == 2018").empty
    assert one(frame, zone_id="MLT", year=2006, metric="recycled_prepared_for_reuse")["value"] == 0


def test_zones_categories_and_aggregates():
    frame = parse()
    greece = one(frame, zone_id="GRC", year=2017, metric="collected", category="EE_ITT")
    assert greece["zone_name"] == "Greece" and greece["zone_type"] == "country"
    assert set(frame[frame["zone_id"] == "GBR"]["zone_type"]) == {"country"}
    eu = frame[frame["zone_id"] == "EU27"]
    assert set(eu["zone_type"]) == {"aggregate"} and set(eu["metric"]) == {"put_on_market"}
    france = one(frame, zone_id="FRA", year=2018, metric="collection_rate")
    assert (france["value"], france["unit"], france["rate_definition"]) == (
        46.5,
        "percent",
        "collected_over_put_on_market_avg_3y",
    )


def test_sdmx_layout_with_freq_parses_the_same(tmp_path):
    legacy = (FOLDER / eurostat.FILE).read_text().splitlines()
    header = legacy[0].replace("waste,wst_oper,unit,geo\\time", "freq,waste,wst_oper,unit,geo\\TIME_PERIOD")
    sdmx = [header] + ["A," + line for line in legacy[1:]]
    frame = parse(written(tmp_path, "\n".join(sdmx) + "\n"))
    columns = ["zone_id", "year", "metric", "category", "value", "flag"]
    assert (
        frame[columns].sort_values(columns[:4]).values.tolist()
        == parse()[columns].sort_values(columns[:4]).values.tolist()
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("waste,wst_oper,unit,geo\\time\t2017 \nTOTAL,COL,T,DE\t12,5\n", "neither 'number [flags]' nor ':'"),
        ("waste,wst_oper,unit,geo\\time\t2017 \t2016 \nTOTAL,COL,T,DE\t1\n", "has 2 tab-separated fields"),
        ("waste,wst_oper,unit\\time\t2017 \nTOTAL,COL,T\t1\n", "lacks dimension(s) ['geo']"),
        ("waste,wst_oper,unit,geo,time\t2017\n", "not a Eurostat TSV key"),
        ("waste,wst_oper,unit,geo\\time\t2017 \nTOTAL,COL,T,DE\t:\n", "no values"),
        ("waste,wst_oper,unit,geo\\time\t2017 \nBAD,COL,T,DE\t1\n", "waste category 'BAD'"),
    ],
)
def test_malformed_files_fail_with_a_message_naming_file_and_line(tmp_path, text, message):
    with pytest.raises(SourceFormatError, match="env_waselee.tsv") as error:
        parse(written(tmp_path, text))
    assert message in str(error.value)


def test_non_utf8_and_empty_files_are_refused(tmp_path):
    (tmp_path / eurostat.FILE).write_bytes(b"waste,wst_oper,unit,geo\\time\t2017\nTOTAL,COL,T,DE\t1\xff\n")
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        parse(tmp_path)
    (tmp_path / eurostat.FILE).write_bytes(b"")
    with pytest.raises(SourceFormatError, match="empty"):
        parse(tmp_path)


def test_live_url_is_the_sdmx_tsv():
    (declared,) = eurostat.SOURCE.files
    assert declared.url.startswith("https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/env_waselee")
    assert "format=TSV" in declared.url and declared.name == "env_waselee.tsv"
