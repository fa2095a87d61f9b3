"""The mapping file a SLURM user writes: what the accounting cannot say about the hardware and site.

TOML, because Python reads it without a dependency and it allows comments:

    timezone = "Europe/Paris"          # Start/End are cluster-local; default UTC
    zone = "FRA"                       # grid zone for clusters not listed below (optional)
    pue = 1.3                          # optional; else the dataset's default PUE

    [clusters.jeanzay]                 # the Cluster column of sacct
    zone = "FRA"
    timezone = "Europe/Paris"
    pue = 1.2

    [partitions.gpu_p5]                # the Partition column
    hardware = "A100 SXM4 80GB"
    pue = 1.25

    [gpu_types.a100]                   # the <type> of gres/gpu:<type>=N in AllocTRES
    hardware = "A100 80GB"

An accelerator comes from the job's GPU type when the mapping names it, else from its
partition. PUE: partition, then cluster, then the top level. Every key is checked: an unknown
one, a wrong type or an unknown time zone is a one-line error naming the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.job_formats import JobFormatError, validate_timezone

TOP_LEVEL_KEYS = {"timezone": str, "zone": str, "pue": float, "clusters": dict, "partitions": dict, "gpu_types": dict}
SECTION_KEYS = {
    "clusters": {"zone": str, "timezone": str, "pue": float},
    "partitions": {"hardware": str, "pue": float},
    "gpu_types": {"hardware": str, "pue": float},
}


@dataclass(frozen=True)
class Mapping:
    path: str
    timezone: str = "UTC"
    timezone_is_default: bool = True
    zone: str | None = None
    pue: float | None = None
    clusters: dict[str, dict] = field(default_factory=dict)
    partitions: dict[str, dict] = field(default_factory=dict)
    gpu_types: dict[str, dict] = field(default_factory=dict)


def load_mapping(path: str | Path | None) -> Mapping:
    """Read and check a mapping file; None gives the empty mapping (UTC, no hardware)."""
    if path is None:
        return Mapping(path="(no mapping file)")
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise JobFormatError(f"{where}: no such mapping file") from None
    except IsADirectoryError:
        raise JobFormatError(f"{where}: is a folder, not a mapping file") from None
    except UnicodeDecodeError as exc:
        raise JobFormatError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise JobFormatError(f"{where}: not valid TOML: {exc}") from None
    _check_keys(where, "", data, TOP_LEVEL_KEYS)
    sections = {}
    for section, allowed in SECTION_KEYS.items():
        entries = data.get(section, {})
        checked = {}
        for name, values in entries.items():
            key = f"{section}.{name}"
            if not isinstance(values, dict):
                raise JobFormatError(f"{where}: {key} must be a table ([{key}]) with {sorted(allowed)}")
            _check_keys(where, key + ".", values, allowed)
            if section != "clusters" and "hardware" not in values:
                raise JobFormatError(f"{where}: {key} has no hardware (the accelerator name, e.g. 'A100 80GB')")
            if "timezone" in values:
                validate_timezone(values["timezone"], f"{where}: {key}.timezone")
            # sacct prints partition, cluster and GPU type names as configured; match any case.
            checked[str(name).lower()] = values
        sections[section] = checked
    if "timezone" in data:
        validate_timezone(data["timezone"], f"{where}: timezone")
    return Mapping(
        path=where,
        timezone=data.get("timezone", "UTC"),
        timezone_is_default="timezone" not in data,
        zone=data.get("zone"),
        pue=data.get("pue"),
        **sections,
    )


def _check_keys(where: str, prefix: str, values: dict, allowed: dict) -> None:
    for key, value in values.items():
        if key not in allowed:
            raise JobFormatError(f"{where}: {prefix}{key}: unknown key (expected one of {sorted(allowed)})")
        wanted = allowed[key]
        ok = (
            (isinstance(value, (int, float)) and not isinstance(value, bool))
            if wanted is float
            else isinstance(value, wanted)
        )
        if not ok:
            kind = {float: "a number", str: "text", dict: "a table"}[wanted]
            raise JobFormatError(f"{where}: {prefix}{key} must be {kind}, got {value!r}")
        if key == "pue" and not value >= 1:
            raise JobFormatError(f"{where}: {prefix}{key} must be >= 1, got {value!r}")
        if wanted is str and not value.strip():
            raise JobFormatError(f"{where}: {prefix}{key} is empty")
