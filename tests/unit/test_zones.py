import duckdb
import pytest

from pipelines import zones


@pytest.mark.parametrize(
    "key, expected",
    [
        ("DE", ("DEU", "country")),
        ("XK", ("XKX", "country")),
        ("US-CAL-CISO", ("US-CAL-CISO", "subregion")),
        ("AUS-NSW", ("AUS-NSW", "subregion")),
        ("AU-NSW", ("AUS-NSW", "subregion")),
        ("CA-ON", ("CAN-ON", "subregion")),
        ("DK-DK1", ("DK-DK1", "subregion")),
        ("IT-NO", ("IT-NO", "subregion")),  # a bidding zone, not ISO's province of Novara
    ],
)
def test_electricitymaps_zone_keys(key, expected):
    assert zones.electricitymaps_zone(key) == expected


@pytest.mark.parametrize(
    "name, iso3",
    [
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Tanzania, United Republic Of", "TZA"),
        ("United States", "USA"),
        ("Kosovo", "XKX"),
        ("Democratic Republic of Congo", "COD"),
    ],
)
def test_country_names(name, iso3):
    assert zones.iso3_from_name(name) == iso3


def test_unknown_name_is_none():
    assert zones.iso3_from_name("Atlantis") is None


def test_aggregates_share_ids_across_publishers():
    assert zones.aggregate_id("World") == zones.aggregate_id("OWID_WRL") == "WLD"
    assert zones.aggregate_id("European Union (27)") == zones.aggregate_id("EU-27") == "EU27"
    assert zones.aggregate_id("ASEAN (Ember)") == "AGG-ASEAN-EMBER"


def test_codes():
    assert zones.normalise_alpha3("OWID_KOS") == "XKX"
    assert zones.normalise_alpha3("ZZZ") is None
    assert zones.cloud_region_id("GCP", "Europe-West9") == "gcp:europe-west9"
    assert zones.us_state_id("ca") == "USA-CA"


def test_resolve_zone_against_a_warehouse_by_id_code_or_name():
    con = duckdb.connect()
    con.execute(
        "create table grid_carbon_intensity_preferred as select * from (values "
        "('FRA', 'France'), ('USA-CA', 'California'), ('WLD', 'World')) t(zone_id, zone_name)"
    )
    index = zones.zone_index(con)
    assert [zones.resolve_zone(index, text) for text in ("fra", "FR", "France", " california ")] == [
        "FRA",
        "FRA",
        "FRA",
        "USA-CA",
    ]
    with pytest.raises(zones.UnknownZoneError, match="unknown zone 'Frnace'; closest zones: FRA \\(France\\)"):
        zones.resolve_zone(index, "Frnace")
