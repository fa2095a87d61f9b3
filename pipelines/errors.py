"""Errors the pipeline raises for bad sources and bad data.

Every error names the source and file it came from, so a failed refresh tells a user
what to look at without reading a traceback.
"""

from __future__ import annotations


class AifootprintError(Exception):
    """Base class: a source, validation or integrity failure (CLI exit status 1)."""


class SourceError(AifootprintError):
    """A problem with one raw file of one source."""

    def __init__(self, source_id: str, file: str | None, message: str):
        self.source_id = source_id
        self.file = file
        where = f"source '{source_id}'" + (f", file '{file}'" if file else "")
        super().__init__(f"{where}: {message}")


class FetchError(SourceError):
    """The file could not be fetched (network, HTTP status, size cap)."""


class TransientFetchError(FetchError):
    """A fault worth retrying: connection error, timeout, 429 or 5xx."""


class ArchiveError(SourceError):
    """The raw archive lacks the file, or its bytes do not match the manifest sha256."""


class SourceFormatError(SourceError):
    """The bytes are not in the format the parser expects (missing column, HTML, empty ...)."""

    def __init__(
        self, source_id: str, file: str | None, message: str, column: str | None = None, sample_rows: list | None = None
    ):
        self.column = column
        self.sample_rows = sample_rows or []
        detail = message
        if column:
            detail += f" (column '{column}')"
        if self.sample_rows:
            detail += f"; sample rows: {self.sample_rows[:5]}"
        super().__init__(source_id, file, detail)


class ValidationError(AifootprintError):
    """Rows that fail a published table's schema, with the source, column and row sample."""


class InvalidInputError(ValueError):
    """Inputs that cannot describe a job (count <= 0, PUE < 1 ...): bad usage, not bad data."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class UnknownHardwareError(AifootprintError):
    """An accelerator name that matches no canonical model; `suggestions` lists the closest keys."""

    def __init__(self, name: str, suggestions: list[str], reason: str | None = None):
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"{reason or f'unknown accelerator {name!r}'}{hint}")


class WarehouseLockedError(AifootprintError):
    """Another process is writing the warehouse."""


class SettingsError(AifootprintError):
    """An environment setting (AIFOOTPRINT_*) holds a value that cannot be used."""


class ShrinkRefusedError(AifootprintError):
    """A publish would drop a whole source or too many rows of a table; the published version is kept."""
