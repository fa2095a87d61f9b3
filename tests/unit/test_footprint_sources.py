"""Footprint reference schemas: duplicate datacenter_pue rows (parsers: tests/unit/test_source_<id>.py)."""

import pandas as pd
import pytest

from pipelines.validation import validate


def test_duplicate_pue_rows_are_rejected():
    row = {
        "scope": "industry",
        "entity": "Uptime",
        "year": 2024,
        "pue": 1.56,
        "citation_publisher": None,
        "citation_title": None,
        "citation_url": None,
        "citation_published": None,
        "citation_note": None,
        "source_file": "f.csv",
        "source_id": "s",
        "source_vintage": "2024-01-01",
    }
    with pytest.raises(Exception, match="unique|duplicate"):
        validate("datacenter_pue", pd.DataFrame([row, {**row, "pue": 1.6}]))
