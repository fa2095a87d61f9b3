"""eurostat_weee: Eurostat env_waselee as JSON-stat 2.0 -> ewaste_statistics."""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import eurostat_weee
from pipelines.validation import validate

FOLDER = FIXTURES / "eurostat_weee"


def parse(folder=FOLDER):
    frame = eurostat_weee.parse_ewaste_statistics(fixture_source("eurostat_weee", folder=folder))
    return frame.assign(source_id="eurostat_weee", source_vintage="2024-10-23")


def rows(frame):
    return sorted(frame[["zone_id", "year", "metric", "value", "unit"]].itertuples(index=False, name=None))


def edited(tmp_path, change):
    shutil.copy(FOLDER / "env_waselee.json", tmp_path / "env_waselee.json")
    dataset = json.loads((tmp_path / "env_waselee.json").read_text())
    change(dataset)
    (tmp_path / "env_waselee.json").write_text(json.dumps(dataset))
    return tmp_path


def test_cells_decode_to_their_dimension_codes():
    assert rows(parse()) == [
        ("BEL", 2022, "collected", pytest.approx(129.611), "kt"),
        ("BEL", 2022, "collected_per_capita", 11.09, "kg/person"),
        ("BEL", 2022, "put_on_market", pytest.approx(301.458), "kt"),
        ("BEL", 2022, "recycled_prepared_for_reuse", pytest.approx(104.522), "kt"),
        ("EU27", 2021, "collected", pytest.approx(4953.017), "kt"),
        ("EU27", 2021, "put_on_market", pytest.approx(14363.402), "kt"),
        ("EU27", 2022, "collected", pytest.approx(4975.002), "kt"),
        ("EU27", 2022, "collected_per_capita", 11.2, "kg/person"),
        ("EU27", 2022, "put_on_market", pytest.approx(13510.29), "kt"),
        ("GRC", 2022, "collected", pytest.approx(61.238), "kt"),
        ("GRC", 2022, "collected_per_capita", 5.87, "kg/person"),
        ("GRC", 2022, "put_on_market_per_capita", 19.9, "kg/person"),
    ]


def test_zones_names_and_series():
    frame = parse().set_index(["zone_id", "year", "metric"])
    greece = frame.loc[("GRC", 2022, "collected")]
    assert (greece["zone_name"], greece["zone_type"], greece["series"]) == ("Greece", "country",
                                                                            "env_waselee/TOTAL/COL/T")
    eu = frame.loc[("EU27", 2022, "collected_per_capita")]
    assert (eu["zone_type"], eu["zone_name"]) == ("aggregate", "European Union - 27 countries (from 2020)")


def test_overlapping_operations_are_not_published():
    # TRT_NEU (treated outside the EU) is part of what was collected; publishing it as its own
    # metric would invite adding it to `collected`.
    assert parse()["series"].str.contains("TRT_NEU").sum() == 0


def test_dense_value_array_reads_like_the_sparse_object(tmp_path):
    def densify(dataset):
        cells = [None] * 48
        for index, number in dataset["value"].items():
            cells[int(index)] = number
        dataset["value"] = cells

    assert rows(parse(edited(tmp_path, densify))) == rows(parse())


def test_category_index_as_a_list_reads_like_the_object(tmp_path):
    def as_list(dataset):
        for dimension in dataset["dimension"].values():
            index = dimension["category"]["index"]
            dimension["category"]["index"] = sorted(index, key=index.get)

    assert rows(parse(edited(tmp_path, as_list))) == rows(parse())


def test_output_is_schema_valid():
    assert len(validate("ewaste_statistics", parse(), source_id="eurostat_weee")) == 12


def test_missing_dimension_names_it(tmp_path):
    def drop_geo(dataset):
        position = dataset["id"].index("geo")
        del dataset["id"][position], dataset["size"][position]

    with pytest.raises(SourceFormatError, match=r"dimension\(s\) \['geo'\] not in the dataset"):
        parse(edited(tmp_path, drop_geo))


def test_size_that_disagrees_with_categories_is_refused(tmp_path):
    def wrong_size(dataset):
        dataset["size"][dataset["id"].index("time")] = 3

    with pytest.raises(SourceFormatError, match="dimension 'time' lists 2 categories, size says 3"):
        parse(edited(tmp_path, wrong_size))


def test_error_response_is_refused(tmp_path):
    (tmp_path / "env_waselee.json").write_text(json.dumps(
        {"error": [{"status": 400, "id": 100, "label": "No data found for the given query"}]}))
    with pytest.raises(SourceFormatError, match="not a JSON-stat 2.0 dataset"):
        parse(tmp_path)


def test_source_url_asks_for_json_stat_of_all_categories():
    (declared,) = eurostat_weee.SOURCE.files
    assert declared.url == ("https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/env_waselee"
                            "?format=JSON&lang=EN&waste=TOTAL")
