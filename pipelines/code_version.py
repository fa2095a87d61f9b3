"""Code versions derived from the code itself, so a changed parser or SQL file re-runs its assets."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType


def code_version(parts: Iterable[ModuleType | Path | str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, ModuleType):
            digest.update(Path(inspect.getfile(part)).read_bytes())
        elif isinstance(part, Path):
            digest.update(part.read_bytes())
        else:
            digest.update(part.encode())
    return digest.hexdigest()[:16]
