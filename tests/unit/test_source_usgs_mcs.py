"""usgs_mcs: USGS MCS2024 world and salient CSVs -> mineral_production (quirks of the real files)."""

import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import usgs_mcs
from pipelines.validation import validate

FOLDER = FIXTURES / "usgs_mcs"


def parse(folder=FOLDER):
    frame = usgs_mcs.parse_mineral_production(fixture_source(usgs_mcs.SOURCE_ID, folder=folder))
    return frame.assign(source_id=usgs_mcs.SOURCE_ID, source_vintage=usgs_mcs.DATA_AS_OF)


def one(frame, **where):
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, f"{where}: {len(frame)} rows"
    return frame.iloc[0]


def test_cobalt_production_and_reserves_in_tonnes():
    frame = parse()
    congo = one(frame, mineral="cobalt", zone_id="COD", year=2023, measure="mine_production")
    assert (congo["quantity_t"], congo["zone_name"], congo["is_estimated"]) == (170000.0, "Congo (Kinshasa)", True)
    assert one(frame, mineral="cobalt", zone_id="WLD", year=2023, measure="mine_production")["quantity_t"] == 230000
    assert one(frame, mineral="cobalt", zone_id="COD", year=2023, measure="reserves")["quantity_t"] == 6_000_000
    assert len(validate("mineral_production", frame, source_id=usgs_mcs.SOURCE_ID)) == len(frame)


def test_kilograms_become_tonnes_and_names_lose_footnotes():
    frame = parse()
    russia = one(frame, mineral="palladium", zone_id="RUS", year=2023, measure="mine_production")
    assert (russia["quantity_t"], russia["published_unit"], russia["zone_name"]) == (92.0, "kg", "Russia")
    zimbabwe = one(frame, mineral="palladium", zone_id="ZWE", year=2023, measure="mine_production")
    assert zimbabwe["zone_name"] == "Zimbabwe"  # a name ending in e, not an estimate mark
    korea = one(frame, mineral="gallium", zone_id="KOR", year=2023, measure="primary_production")
    assert (korea["quantity_t"], korea["is_estimated"]) == (2.0, True)
    assert (
        one(frame, mineral="gallium", zone_id="USA", year=2023, measure="primary_production", usgs_table="world")[
            "zone_name"
        ]
        == "United States"
    )  # non-breaking space inside the name
    other = one(frame, mineral="gallium", zone_id="AGG-OTHER-COUNTRIES", year=2023, measure="production_capacity")
    assert other["quantity_t"] == 88.0 and "footnote 4" in other["usgs_notes"]  # "88,000" kg, quoted
    caledonia = one(frame, mineral="cobalt", zone_id="NCL", year=2023, measure="mine_production")
    assert "footnote 11" in caledonia["usgs_notes"] and caledonia["zone_name"] == "New Caledonia"
    assert one(frame, mineral="platinum_group_metals", zone_id="ZWE", measure="reserves")["quantity_t"] == 1200


def test_na_and_w_stay_null_with_their_status():
    frame = parse()
    germanium = frame[(frame["mineral"] == "germanium") & (frame["usgs_table"] == "world")]
    assert germanium["quantity_t"].isna().all()
    assert one(germanium, zone_id="USA", year=2023, measure="refinery_production")["value_status"] == "withheld"
    assert one(germanium, zone_id="WLD", year=2023, measure="refinery_production")["value_status"] == "not_available"
    withheld = one(frame, mineral="tungsten", year=2023, measure="secondary_production", usgs_table="us_salient")
    assert withheld["value_status"] == "withheld" and withheld["quantity_t"] != withheld["quantity_t"]


def test_salient_quirks_minus_lower_bound_and_half_unit():
    frame = parse()
    shipments = one(frame, mineral="tantalum", year=2021, measure="government_stockpile_shipments")
    assert shipments["quantity_t"] == -10.0  # Unicode minus: net acquisitions
    reliance = one(frame, mineral="germanium", year=2023, measure="net_import_reliance")
    assert (reliance["share_pct"], reliance["is_lower_bound"], reliance["quantity_t"] != reliance["quantity_t"]) == (
        50.0,
        True,
        True,
    )
    osmium = one(frame, mineral="osmium", year=2023, measure="imports")
    assert osmium["value_status"] == "less_than_half_unit" and osmium["quantity_t"] != osmium["quantity_t"]


def copy_with(tmp_path, name, change):
    for path in FOLDER.iterdir():
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / name
    target.write_bytes(change(target.read_bytes().decode("utf-8")).encode("utf-8"))
    return tmp_path


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("mcs2024-cobal_world.csv", lambda t: t.replace(",170000,", ",lots,"), "line 5: 'lots' is not a number"),
        (
            "mcs2024-cobal_world.csv",
            lambda t: t.replace("Congo (Kinshasa)", "Atlantis"),
            "unknown country name 'Atlantis'",
        ),
        (
            "mcs2024-cobal_world.csv",
            lambda t: t.replace("Prod_t_est_2022", "Production2022").replace("Prod_t_est_2023", "Production2023"),
            "no production column",
        ),
        (
            "mcs2024-tanta_world.csv",
            lambda t: t.replace("Mine production, tantalum content", "Smelting"),
            "is not mine, refinery or primary production",
        ),
        ("mcs2024-galli_world.csv", lambda t: "", "file is empty"),
    ],
)
def test_bad_files_fail_with_a_message_naming_file_and_line(tmp_path, name, change, message):
    with pytest.raises(SourceFormatError, match=name) as error:
        parse(copy_with(tmp_path, name, change))
    assert message in str(error.value)


def test_live_files_are_pinned():
    assert all(f.sha256 and f.data_as_of == "2024-01-31" and usgs_mcs.COMMIT in f.url for f in usgs_mcs.SOURCE.files)
    assert len(usgs_mcs.SOURCE.files) == 11
