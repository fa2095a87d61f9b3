"""Every table of a curated source, parsed from pipelines/curated/ and validated (shared by curated sources' tests)."""

from pipelines import settings
from pipelines.archive import resolve_curated
from pipelines.assets.factory import with_provenance
from pipelines.validation import validate


def curated_tables(source):
    raw = resolve_curated(settings.curated_dir(), source)
    return raw, {
        table: validate(table, with_provenance(parse(raw), raw), source_id=source.id)
        for table, parse in source.parsers.items()
    }
