"""Zone identifiers shared by every grid source.

One scheme, so rows from different publishers line up on `zone_id`:

* country: ISO 3166-1 alpha-3 (`FRA`); Kosovo, which ISO does not code, is `XKX`.
* subregion: a sub-national zone.
    - an ISO 3166-2 subdivision becomes `<alpha-3>-<subdivision>`: `USA-CA`, `CAN-ON`, `AUS-NSW`;
    - a US eGRID subregion keeps its eGRID acronym: `SRVC`, `CAMX`;
    - any other Electricity Maps zone keeps its zone key: `US-CAL-CISO`, `DK-DK1`.
* aggregate: `WLD` for the world; a region or group of countries is `AGG-<NAME>` with the
  publisher's name upper-cased and punctuation folded to `-` (`AGG-EU-EMBER`), except the
  few listed in `_AGGREGATE_IDS`, which several publishers name differently.
* cloud_region: `<provider>:<region>` in lower case (`gcp:europe-west9`).

`resolve_zone()` turns what a user types (an id in any case, an ISO alpha-2 code, a name) into
the zone id of a warehouse's grid_carbon_intensity_preferred, or `UnknownZoneError` with the
closest zones.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from pipelines.errors import InvalidInputError

ZONE_TYPES = ("country", "subregion", "aggregate", "cloud_region")

# Codes outside ISO 3166-1 that publishers use for countries.
_EXTRA_ALPHA2 = {"XK": "XKX", "UK": "GBR", "EL": "GRC"}
_EXTRA_ALPHA3 = {
    "XKX": "Kosovo",
    "OWID_KOS": "Kosovo",
    # Retired ISO codes some publishers still use.
    "SCG": "Serbia and Montenegro",
    "ANT": "Netherlands Antilles",
}
_ALPHA3_ALIASES = {"OWID_KOS": "XKX", "KOS": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}

# Country names that pycountry's exact lookup does not resolve.
_NAME_ALIASES = {
    "czech republic": "CZE",
    "kosovo": "XKX",
    "turkey": "TUR",
    "russia": "RUS",
    "vietnam": "VNM",
    "south korea": "KOR",
    "korea, republic of": "KOR",
    "korea (south)": "KOR",
    "north korea": "PRK",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "tanzania, united republic of": "TZA",
    "moldova": "MDA",
    "taiwan": "TWN",
    "brunei": "BRN",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "congo, democratic republic of the": "COD",
    "republic of the congo": "COG",
    "congo": "COG",
    "east timor": "TLS",
    "timor": "TLS",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "micronesia": "FSM",
    "micronesia (country)": "FSM",
    "palestine": "PSE",
    "united states of america": "USA",
    "usa": "USA",
    "us": "USA",
    "united kingdom": "GBR",
    "uk": "GBR",
    "great britain": "GBR",
    "the bahamas": "BHS",
    "bahamas": "BHS",
    "gambia": "GMB",
    "the gambia": "GMB",
    "falkland islands": "FLK",
    "reunion": "REU",
    "réunion": "REU",
    "curacao": "CUW",
    "curaçao": "CUW",
    "macao": "MAC",
    "macau": "MAC",
    "hong kong": "HKG",
    "saint helena": "SHN",
    "us virgin islands": "VIR",
    "united states virgin islands": "VIR",
    "british virgin islands": "VGB",
    "virgin islands, british": "VGB",
    "serbia and montenegro": "SCG",
}

# Aggregates that several publishers name differently, mapped to one id.
_AGGREGATE_IDS = {
    "world": "WLD",
    "owid_wrl": "WLD",
    "wor": "WLD",
    "european union (27)": "EU27",
    "eu-27": "EU27",
    "eu27": "EU27",
    "eu": "EU27",
    "european union": "EU27",
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def iso3_from_alpha2(code: str) -> str | None:
    code = code.strip().upper()
    if code in _EXTRA_ALPHA2:
        return _EXTRA_ALPHA2[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_3 if country else None


def normalise_alpha3(code: str) -> str | None:
    """An alpha-3 code as published (OWID_KOS, ROM ...) -> our country id, or None."""
    code = code.strip().upper()
    if code in _ALPHA3_ALIASES:
        return _ALPHA3_ALIASES[code]
    if code in _EXTRA_ALPHA3:
        return code
    return code if pycountry.countries.get(alpha_3=code) else None


@lru_cache(maxsize=4096)
def iso3_from_name(name: str) -> str | None:
    folded = _fold(name)
    if folded in _NAME_ALIASES:
        return _NAME_ALIASES[folded]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_3
    except LookupError:
        return None


def country_name(iso3: str) -> str:
    if iso3 in _EXTRA_ALPHA3:
        return _EXTRA_ALPHA3[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise KeyError(f"unknown ISO 3166-1 alpha-3 code '{iso3}'")
    return getattr(country, "common_name", None) or country.name


def aggregate_id(name: str) -> str:
    folded = _fold(name)
    if folded in _AGGREGATE_IDS:
        return _AGGREGATE_IDS[folded]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "AGG-" + re.sub(r"[^A-Z0-9]+", "-", ascii_name.upper()).strip("-")


def _top_level_subdivision(code: str) -> bool:
    # Only first-level subdivisions (states, provinces): Electricity Maps' IT-NO (northern
    # Italy bidding zone) must not become ISO's IT-NO (the province of Novara).
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision is not None and getattr(subdivision, "parent_code", None) is None


def subdivision_id(code: str) -> str | None:
    """A first-level ISO 3166-2 code (`US-CA`, `AU-NSW`) -> `USA-CA`; None if ISO does not list it."""
    code = code.strip().upper()
    if "-" not in code:
        return None
    country, _, local = code.partition("-")
    if not _top_level_subdivision(code):
        return None
    iso3 = iso3_from_alpha2(country) if len(country) == 2 else normalise_alpha3(country)
    return f"{iso3}-{local}" if iso3 else None


def electricitymaps_zone(zone_key: str) -> tuple[str, str]:
    """An Electricity Maps zone key -> (zone_id, zone_type).

    Country keys are ISO alpha-2 (`DE`); older exports use alpha-3 prefixes for some
    sub-zones (`AUS-NSW`).
    """
    key = zone_key.strip()
    if "-" not in key:
        iso3 = iso3_from_alpha2(key) if len(key) == 2 else normalise_alpha3(key)
        if iso3:
            return iso3, "country"
        return key, "subregion"
    prefix, _, local = key.partition("-")
    if len(prefix) == 3 and normalise_alpha3(prefix):
        alpha2 = pycountry.countries.get(alpha_3=normalise_alpha3(prefix))
        if alpha2 is not None and _top_level_subdivision(f"{alpha2.alpha_2}-{local}"):
            return f"{alpha2.alpha_3}-{local}", "subregion"
    sub = subdivision_id(key)
    if sub:
        return sub, "subregion"
    return key, "subregion"


def cloud_region_id(provider: str, region: str) -> str:
    return f"{provider.strip().lower()}:{region.strip().lower()}"


def us_state_id(state_code: str) -> str:
    return f"USA-{state_code.strip().upper()}"


# --- resolving a user's zone against a warehouse --------------------------------------------------


class UnknownZoneError(InvalidInputError):
    """A zone that is neither a zone id nor a zone name of grid_carbon_intensity_preferred."""

    def __init__(self, zone: str, suggestions: list[str]):
        self.zone = zone
        self.suggestions = list(suggestions)
        hint = f"; closest zones: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__([f"unknown zone {zone!r}{hint}"])


@dataclass(frozen=True)
class ZoneIndex:
    ids: dict[str, str]  # lower-case zone id -> zone id
    names: dict[str, set[str]]  # lower-case zone name -> zone ids
    labels: dict[str, str]  # zone id -> "FRA (France)"


def zone_index(con) -> ZoneIndex:
    rows = con.execute("select distinct zone_id, zone_name from grid_carbon_intensity_preferred").fetchall()
    ids, names, labels = {}, {}, {}
    for zone_id, zone_name in rows:
        ids[zone_id.lower()] = zone_id
        labels[zone_id] = f"{zone_id} ({zone_name})" if zone_name else zone_id
        if zone_name:
            names.setdefault(zone_name.strip().lower(), set()).add(zone_id)
    return ZoneIndex(ids, names, labels)


def resolve_zone(index: ZoneIndex, text: str) -> str:
    """A zone id from an id in any case ('fra'), an ISO alpha-2 code ('FR') or a name ('France')."""
    wanted = str(text).strip()
    folded = wanted.lower()
    if folded in index.ids:
        return index.ids[folded]
    candidates = []
    if len(wanted) == 2:
        candidates.append(iso3_from_alpha2(wanted))
    if len(index.names.get(folded, ())) == 1:
        candidates.append(next(iter(index.names[folded])))
    candidates.append(iso3_from_name(wanted) if wanted else None)
    for candidate in candidates:
        if candidate and candidate.lower() in index.ids:
            return index.ids[candidate.lower()]
    keys = list(index.ids) + list(index.names)
    close = difflib.get_close_matches(folded, keys, n=5, cutoff=0.6)
    suggestions = []
    for key in close:
        for zone_id in [index.ids[key]] if key in index.ids else sorted(index.names[key]):
            if index.labels[zone_id] not in suggestions:
                suggestions.append(index.labels[zone_id])
    raise UnknownZoneError(wanted, suggestions[:5])
