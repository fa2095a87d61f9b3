"""aifootprint: an open data pipeline on the environmental cost of AI."""
