from __future__ import annotations

from schemas.fields import column
from schemas.provenance import Provenance
from schemas.registry import register


@register(
    "sources",
    primary_key=("source_id", "file"),
    description="""
One row per raw file the published tables were built from: where it lives on the web, the
sha256 of the exact bytes used, its licence and the date its data is as of. Built from the
manifests (SOURCE.toml) of the raw snapshot the refresh read.
""",
)
class Sources(Provenance):
    file = column(str, description="File name within the source's raw snapshot.")
    url = column(str, description="Live URL the file is fetched from.")
    obtained_from = column(str, nullable=True, description="Where these exact bytes were obtained.")
    sha256 = column(str, str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the raw bytes.")
    bytes = column(int, ge=0, unit="bytes", description="Size of the raw file, bytes.")
    format = column(str, nullable=True, description="File format (csv, json, xlsx, yaml, markdown).")
    retrieved_at = column(
        str, nullable=True, description="UTC time a live refresh fetched the file; empty for archives."
    )
    title = column(str, description="Source title.")
    publisher = column(str, description="Who publishes the data.")
    license = column(str, description="Licence of the data as stated by the publisher.")
    homepage = column(str, description="Source homepage.")
