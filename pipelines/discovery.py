"""How the pipeline finds its parts: every submodule of a package, by name.

Sources (`pipelines/sources/`), table schemas (`schemas/`), asset modules (`pipelines/assets/`)
and CLI commands (`pipelines/commands/`) are all found this way, so adding one is adding its
module. The one rule for leaving a module out: its name starts with `_` (shared helpers such as
`pipelines/sources/_base.py`).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def modules(package: ModuleType) -> list[ModuleType]:
    """The package's submodules whose names do not start with `_`, imported, sorted by name.

    Sorted so that registries built from them (and the Dagster definitions) come out in the same
    order on every machine, whatever order the file system lists the files in.
    """
    names = sorted({info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")})
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]
