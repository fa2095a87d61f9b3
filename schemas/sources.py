from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

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
    file: Series[str] = pa.Field(description="File name within the source's raw snapshot.")
    url: Series[str] = pa.Field(description="Live URL the file is fetched from.")
    obtained_from: Series[str] = pa.Field(nullable=True, description="Where these exact bytes were obtained.")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the raw bytes.")
    bytes: Series[int] = pa.Field(ge=0, description="Size of the raw file, bytes.")
    format: Series[str] = pa.Field(nullable=True, description="File format (csv, json, xlsx, yaml, markdown).")
    retrieved_at: Series[str] = pa.Field(nullable=True,
                                         description="UTC time a live refresh fetched the file; empty for archives.")
    title: Series[str] = pa.Field(description="Source title.")
    publisher: Series[str] = pa.Field(description="Who publishes the data.")
    license: Series[str] = pa.Field(description="Licence of the data as stated by the publisher.")
    homepage: Series[str] = pa.Field(description="Source homepage.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "file"]
