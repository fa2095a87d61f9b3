"""CodeCarbon's `emissions.csv` (one row per tracked run) as a jobs table.

What a row gives and how it is read:

* `energy_consumed` (kWh), measured: the job's energy, with the CPU/GPU/RAM split
  (`cpu_energy`, `gpu_energy`, `ram_energy`) where the file has it (older files do not).
* `pue`: CodeCarbon multiplies every measurement by it, so a value other than 1 means the
  energy already includes the data centre's overhead (see warehouse/sql/30_footprint.sql).
* `timestamp` is written when tracking stops, in the machine's local time without an offset:
  the start is timestamp - duration, converted to UTC with the time zone given by the caller,
  else the country's (the first of several, flagged, for countries with more than one).
* `gpu_model` embeds the count ("4 x NVIDIA A100-SXM4-80GB"); `gpu_count` wins where present.
  A run without a GPU has no accelerator: operational CO2e only.
* location: the cloud region's zone where the warehouse has an intensity for it, else the
  region's country from `cloud_regions`, else `region` as a sub-national zone, else the country.
* `emissions` (kgCO2e): CodeCarbon's own figure, kept as tracker_kgco2e for the comparison.

Rows that cannot be used (a CodeCarbon version this reader does not know, a value that is not
a number, a timestamp it cannot read, several GPU models in one run) carry a `reason`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines import zones

REQUIRED_COLUMNS = ("timestamp", "duration", "emissions", "energy_consumed", "country_iso_code")
OPTIONAL_COLUMNS = (
    "project_name",
    "run_id",
    "experiment_id",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "country_name",
    "region",
    "cloud_provider",
    "cloud_region",
    "codecarbon_version",
    "gpu_count",
    "gpu_model",
    "pue",
)
# Major versions whose columns this reader has been checked against (1.x had no version column).
KNOWN_MAJOR_VERSIONS = (1, 2, 3)
HEADER_MARKERS = ("energy_consumed", "emissions", "duration")


def looks_like(header: list[str]) -> bool:
    return all(marker in header for marker in HEADER_MARKERS)


def read_codecarbon(
    path: str | Path, *, con: duckdb.DuckDBPyConnection | None = None, timezone: str | None = None
) -> duckdb.DuckDBPyRelation:
    """The runs of a CodeCarbon emissions.csv as a jobs relation (columns: see module docstring).

    `con` is a warehouse connection (for cloud regions; an in-memory one is used otherwise);
    `timezone` (an IANA name such as 'Europe/Paris') overrides the country's for the timestamps.
    """
    con = con if con is not None else duckdb.connect()
    return con.sql(codecarbon_sql(path, con, timezone))


def codecarbon_sql(path: str | Path, con: duckdb.DuckDBPyConnection, timezone: str | None) -> str:
    """The reader's query; it reads `codecarbon_locations`, which it registers on `con`."""
    from pipelines.job_formats import JobFormatError, read_header, validate_timezone

    header = read_header(path, delimiter=",")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise JobFormatError(
            f"{path}: not a CodeCarbon emissions.csv this reader knows: missing column(s) "
            f"{missing} (it reads {list(REQUIRED_COLUMNS)} and optionally "
            f"{list(OPTIONAL_COLUMNS)})"
        )
    if timezone is not None:
        validate_timezone(timezone, "--timezone")

    def column(name: str) -> str:
        return f"nullif(trim(\"{name}\"), '')" if name in header else "null::varchar"

    def number(name: str) -> str:
        return f"try_cast({column(name)} as double)"

    locations = _locations(con, path, header, timezone)
    con.register("codecarbon_locations", locations)
    return f"""
        with run as (
            select row_number() over () + 1 as source_line, *
            from read_csv('{_sql_string(path)}', header = true, all_varchar = true, quote = '"', escape = '"')
        ),
        parsed as (
            select source_line,
                   {column("project_name")} as project_name, {column("run_id")} as run_id,
                   {column("codecarbon_version")} as codecarbon_version,
                   {column("timestamp")} as timestamp_text,
                   try_strptime({column("timestamp")}, ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
                                                        '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f'])
                       as stopped_local,
                   {column("duration")} as duration_text, {number("duration")} as duration_s,
                   {column("energy_consumed")} as energy_text, {number("energy_consumed")} as energy_kwh,
                   {number("cpu_energy")} as cpu_energy_kwh, {number("gpu_energy")} as gpu_energy_kwh,
                   {number("ram_energy")} as ram_energy_kwh,
                   {column("emissions")} as emissions_text, {number("emissions")} as emissions_kgco2e,
                   {column("pue")} as pue_text, {number("pue")} as codecarbon_pue,
                   {number("gpu_count")} as gpu_count,
                   coalesce({column("gpu_model")}, '') as gpu_model,
                   coalesce(upper({column("country_iso_code")}), '') as country_iso_code,
                   coalesce(lower({column("region")}), '') as region,
                   coalesce(lower({column("cloud_provider")}), '') as cloud_provider,
                   coalesce(lower({column("cloud_region")}), '') as cloud_region
            from run
        ),
        located as (
            select p.*, l.zone, l.zone_basis, l.timezone, l.timezone_basis,
                   regexp_extract(p.gpu_model, '^\\s*(\\d+)\\s*x\\s*(.+?)\\s*$', ['n', 'name']) as gpu,
                   len(regexp_extract_all(p.gpu_model, '\\d+\\s*x\\s')) as gpu_model_count,
                   try_cast(split_part(p.codecarbon_version, '.', 1) as integer) as major_version
            from parsed p
            left join codecarbon_locations l
              on l.country_iso_code = p.country_iso_code and l.region = p.region
             and l.cloud_provider = p.cloud_provider and l.cloud_region = p.cloud_region
        ),
        timed as (
            select *,
                   coalesce(gpu_count, try_cast(nullif(gpu.n, '') as double), 0) as device_count,
                   timezone('UTC', timezone(timezone, stopped_local - to_microseconds(
                       (duration_s * 1e6)::bigint))) as start_utc
            from located
        )
        select source_line,
               case when device_count > 0 then nullif(gpu.name, '') end as hardware,
               case when device_count > 0 then device_count end as count,
               duration_s / 3600.0 as hours,
               zone, year(start_utc) as year,
               null::double as pue, null::double as power_w, null::double as utilization, null::double as intensity,
               null::double as lifetime_years, null::double as embodied_kgco2e,
               energy_kwh as measured_energy_kwh, cpu_energy_kwh, gpu_energy_kwh, ram_energy_kwh,
               codecarbon_pue as tracker_pue, emissions_kgco2e as tracker_kgco2e,
               start_utc, timezone, timezone_basis, zone_basis,
               project_name, run_id, codecarbon_version, gpu_model,
               case
                 when codecarbon_version is not null and (major_version is null
                      or major_version not in ({", ".join(map(str, KNOWN_MAJOR_VERSIONS))}))
                   then 'CodeCarbon version ' || codecarbon_version || ' is not one this reader knows (1.x to 3.x): '
                        || 'its columns may mean something else'
                 when stopped_local is null
                   then 'timestamp ' || coalesce('''' || timestamp_text || '''', 'is missing')
                        || ' is not a date and time (YYYY-MM-DDTHH:MM:SS)'
                 when duration_s is null or not isfinite(duration_s)
                   then 'duration ' || coalesce('''' || duration_text || '''', 'is missing') || ' is not a number'
                 when energy_kwh is null or not isfinite(energy_kwh)
                   then 'energy_consumed ' || coalesce('''' || energy_text || '''', 'is missing') || ' is not a number'
                 when emissions_kgco2e is null or not isfinite(emissions_kgco2e)
                   then 'emissions ' || coalesce('''' || emissions_text || '''', 'is missing') || ' is not a number'
                 when pue_text is not null and (codecarbon_pue is null or not isfinite(codecarbon_pue))
                   then 'pue ''' || pue_text || ''' is not a number'
                 when gpu_model_count > 1
                   then 'several GPU models in one run (''' || gpu_model || '''): give one model per run'
                 when device_count > 0 and nullif(gpu.name, '') is null
                   then 'gpu_count ' || printf('%g', device_count) || ' but no gpu_model names the GPU'
                 when zone is null then 'no country in country_iso_code'
               end as reason
        from timed
    """


def _locations(con, path, header: list[str], timezone: str | None) -> pd.DataFrame:
    """Zone and time zone of each distinct location in the file (a handful), resolved in Python."""
    keys = [c for c in ("country_iso_code", "region", "cloud_provider", "cloud_region")]
    selected = ", ".join(
        f"coalesce({'upper' if c == 'country_iso_code' else 'lower'}(nullif(trim(\"{c}\"), '')), '') as {c}"
        if c in header
        else f"'' as {c}"
        for c in keys
    )
    distinct = con.execute(
        f"select distinct {selected} from read_csv('{_sql_string(path)}', header = true, all_varchar = true)"
    ).fetchall()
    zone_ids = _known_zone_ids(con)
    cloud_countries = _cloud_region_countries(con)
    rows = []
    for country, region, provider, cloud_region in distinct:
        zone, zone_basis = _zone(country, region, provider, cloud_region, zone_ids, cloud_countries)
        tz, tz_basis = _timezone(country, timezone)
        rows.append((country, region, provider, cloud_region, zone, zone_basis, tz, tz_basis))
    return pd.DataFrame(rows, columns=[*keys, "zone", "zone_basis", "timezone", "timezone_basis"], dtype=object)


def _zone(
    country: str,
    region: str,
    provider: str,
    cloud_region: str,
    zone_ids: set[str] | None,
    cloud_countries: dict[str, str],
) -> tuple[str | None, str | None]:
    iso3 = zones.normalise_alpha3(country) if country else None
    if provider and cloud_region:
        cloud_zone = zones.cloud_region_id(provider, cloud_region)
        if zone_ids is not None and cloud_zone in zone_ids:
            return cloud_zone, "cloud region"
        if cloud_zone in cloud_countries:
            return cloud_countries[cloud_zone], f"country of cloud region {cloud_zone} (cloud_regions)"
    if iso3 and region:
        sub = _subdivision_zone(iso3, region)
        if sub and zone_ids is not None and sub in zone_ids:
            return sub, f"region '{region}'"
    if iso3:
        return iso3, "country_iso_code"
    return None, None


def _subdivision_zone(iso3: str, region: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return None
    folded = region.strip().lower()
    for subdivision in pycountry.subdivisions.get(country_code=country.alpha_2) or ():
        if subdivision.name.lower() == folded or subdivision.code.split("-")[-1].lower() == folded:
            return zones.subdivision_id(subdivision.code)
    return None


def _timezone(country: str, timezone: str | None) -> tuple[str, str]:
    import pytz

    if timezone:
        return timezone, "given (--timezone)"
    iso3 = zones.normalise_alpha3(country) if country else None
    alpha2 = None
    if iso3:
        import pycountry

        found = pycountry.countries.get(alpha_3=iso3)
        alpha2 = found.alpha_2 if found else None
    candidates = pytz.country_timezones.get(alpha2.lower(), []) if alpha2 else []
    if len(candidates) == 1:
        return candidates[0], f"country {iso3}"
    if candidates:
        return candidates[0], (
            f"country {iso3}: first of its {len(candidates)} time zones (give --timezone for another)"
        )
    return "UTC", "UTC: no time zone known for the country (give --timezone)"


def _known_zone_ids(con) -> set[str] | None:
    try:
        return {
            row[0] for row in con.execute("select distinct zone_id from grid_carbon_intensity_preferred").fetchall()
        }
    except duckdb.Error:
        return None


def _cloud_region_countries(con) -> dict[str, str]:
    try:
        return dict(
            con.execute(
                "select zone_id, any_value(country_zone_id) from cloud_regions "
                "where country_zone_id is not null group by zone_id"
            ).fetchall()
        )
    except duckdb.Error:
        return {}


def _sql_string(path) -> str:
    return str(path).replace("'", "''")
