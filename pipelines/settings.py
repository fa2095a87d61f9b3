"""Where things live: the warehouse, the raw archive, Dagster's home."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """The repo when running from a checkout; otherwise the working directory."""
    return PACKAGE_ROOT if (PACKAGE_ROOT / "pyproject.toml").is_file() else Path.cwd()


def warehouse_dir() -> Path:
    return Path(os.environ.get("AIFOOTPRINT_WAREHOUSE") or project_root() / "warehouse").resolve()


def archive_dir() -> Path | None:
    value = os.environ.get("AIFOOTPRINT_ARCHIVE")
    return Path(value).resolve() if value else None


DEFAULT_MAX_CARRY_FORWARD_YEARS = 3


def max_carry_forward_years() -> int:
    """How many years past a zone's latest data `grid_carbon_intensity_preferred` repeats its value."""
    from pipelines.errors import AifootprintError

    value = os.environ.get("AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS", "").strip()
    if not value:
        return DEFAULT_MAX_CARRY_FORWARD_YEARS
    if not value.isdigit():
        raise AifootprintError(f"AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS={value!r}: give a whole number of years >= 0")
    return int(value)


def source_mirror() -> str | None:
    """Base URL serving `<source_id>/<file>` in place of each live URL (mirrors, fault tests)."""
    return os.environ.get("AIFOOTPRINT_SOURCE_MIRROR") or None


def sql_dir() -> Path:
    return (
        PACKAGE_ROOT / "warehouse" / "sql"
        if (PACKAGE_ROOT / "warehouse" / "sql").is_dir()
        else Path(__file__).resolve().parent / "sql"
    )


def curated_dir() -> Path:
    return Path(__file__).resolve().parent / "curated"


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME (default: the repo's dagster_home/), given our dagster.yaml if it has none."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(project_root() / "dagster_home"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # The checkout's copy, or the one an installed package carries (see setup.py).
        shipped = [PACKAGE_ROOT / "dagster_home" / "dagster.yaml", Path(__file__).resolve().parent / "dagster.yaml"]
        found = next((path for path in shipped if path.is_file()), None)
        config.write_text(found.read_text() if found else "telemetry:\n  enabled: false\n")
    return home


def _positive_float_env(name: str, default: float) -> float:
    from pipelines.errors import SettingsError

    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value[:40]!r} is not a number") from None
    if not (number > 0 and number != float("inf")):
        raise SettingsError(f"{name}={value[:40]!r} must be a positive, finite number")
    return number


def fetch_deadline_s() -> float:
    """Base wall-clock limit for one attempt at one file, however slowly its bytes arrive."""
    return _positive_float_env("AIFOOTPRINT_FETCH_DEADLINE_S", 300.0)


def fetch_min_bytes_per_s() -> float:
    """Slowest transfer rate tolerated: a declared Content-Length extends the deadline by length / rate."""
    return _positive_float_env("AIFOOTPRINT_FETCH_MIN_BYTES_PER_S", 100_000.0)


def max_shrink_share() -> float:
    """Largest share of a table's rows a publish may drop without --allow-shrink (0.5 = half)."""
    share = _positive_float_env("AIFOOTPRINT_MAX_SHRINK_SHARE", 0.5)
    if share > 1:
        from pipelines.errors import SettingsError

        raise SettingsError(f"AIFOOTPRINT_MAX_SHRINK_SHARE={share} must be at most 1")
    return share


def allow_shrink() -> bool:
    """Set by `refresh --allow-shrink`: publish tables even when they lose a source or many rows."""
    return os.environ.get("AIFOOTPRINT_ALLOW_SHRINK", "").strip().lower() in {"1", "true", "yes"}
