"""Low / central / high columns (`<quantity>_<unit>_low`, `_central`, `_high`): the check that they are ordered."""

from __future__ import annotations

import pandas as pd


def ordered(frame: pd.DataFrame, stems: tuple[str, ...]) -> pd.Series:
    """Rows where low <= central <= high for every stem; an empty end is not compared.

    A relative tolerance (1e-9 of the central value) absorbs floating-point noise: the three are
    often one product scaled.
    """
    ok = pd.Series(True, index=frame.index)
    for stem in stems:
        low, central, high = (frame[f"{stem}_{part}"] for part in ("low", "central", "high"))
        slack = central.abs() * 1e-9
        ok &= low.isna() | central.isna() | (low <= central + slack)
        ok &= high.isna() | central.isna() | (central <= high + slack)
    return ok
