"""Matching one training run across sources.

Sources name a run differently: Epoch's "GPT-3 175B (davinci)", "BLOOM-176B" and
"Llama 3.1-405B" are the papers' "GPT-3 175B", "BLOOM 176B" and Meta's "Llama 3.1 405B".
`run_key()` lower-cases a name and keeps only letters and digits, after dropping a parenthesised
qualifier when the rest still carries a size or version ("(davinci)", "(MoE)"); a qualifier that
is the only size ("GShard (600B)") is kept, so "GShard (600B)" and "GShard-600B (MoE)" meet.
"""

from __future__ import annotations

import re

_PARENTHESES = re.compile(r"\([^)]*\)")


def run_key(name: str) -> str | None:
    text = str(name).lower()
    without = _PARENTHESES.sub(" ", text)
    if re.search(r"\d", without):
        text = without
    key = re.sub(r"[^a-z0-9]+", "", text)
    return key or None
