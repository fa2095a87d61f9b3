"""Provenance columns every published table carries."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series


class Provenance(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(
        description="Id of the source the row came from (see the `sources` table and SOURCE.toml).")
    source_vintage: Series[str] = pa.Field(
        str_matches=r"^\d{4}-\d{2}-\d{2}$",
        description="Date (YYYY-MM-DD) the raw file's data is as of: `data_as_of` in its manifest.")
