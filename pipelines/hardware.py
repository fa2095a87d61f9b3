"""Accelerator names: the canonical model key and name lookup.

Canonical model key
-------------------
Sources name one accelerator many ways ("H100 SXM", "NVIDIA H100 SXM5 80GB", "H100-80GB").
`canonical_model()` turns a name into one lower-case key, hyphen-separated:

    <model>[-<form factor>][-<memory>gb]          e.g. h100-sxm, a100-pcie-40gb, tpu-v3, rtx-3090

* model: the product's own tokens, without vendor and brand words (NVIDIA, AMD, Google,
  Intel, Tesla, GeForce, Quadro, Radeon, Instinct, Jetson, board makers, "GPU", "chip").
  A series prefix glued to its number is split ("RX480" -> rx-480, "TPUv3" -> tpu-v3,
  "Habana Gaudi2" -> gaudi-2).
* form factor: sxm (any SXM generation: SXM2/4/5 name the socket of one product generation,
  so they add nothing), pcie or nvl, when the name says so. A model sold mainly as SXM gets
  sxm when the name gives no form factor (`FAMILY_DEFAULT_FORM`: H100, H200, A100, V100), so
  "H100" and "H100 SXM" are one key; "H100 PCIe" stays its own.
* memory: only for models sold in several memory sizes under one name (`MEMORY_VARIANTS`:
  A100 40/80 GB, V100 16/32 GB, ...), and only when the name (or the caller, `memory_gb=`)
  states it. For any other model the memory in a name is dropped: "H100-80GB" is h100-sxm.

`resolve_accelerator()` looks a user's name up in `accelerator_specs_preferred` by this key and
forgives what the key cannot carry: a multi-memory model named without its memory resolves to
the documented default (`FAMILY_DEFAULT_MEMORY`: A100 -> 80 GB, the part most 2022+ training
reports name; both SXM4 A100s are 400 W) or to the only variant the data holds. Anything else
is `UnknownHardwareError` listing the closest keys.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pipelines.errors import UnknownHardwareError

FAMILY_DEFAULT_FORM = {"h100": "sxm", "h200": "sxm", "a100": "sxm", "v100": "sxm"}
MEMORY_VARIANTS = {"a100": (40, 80), "v100": (16, 32), "m40": (12, 24), "p100": (12, 16)}
FAMILY_DEFAULT_MEMORY = {"a100": 80}

_FORM_TOKENS = {"sxm": "sxm", "pcie": "pcie", "nvl": "nvl"}
# Words that name a vendor, brand line or board maker rather than the accelerator itself.
_NOISE_TOKENS = {
    "nvidia",
    "amd",
    "google",
    "intel",
    "ati",
    "tesla",
    "geforce",
    "quadro",
    "radeon",
    "instinct",
    "jetson",
    "gigabyte",
    "asus",
    "msi",
    "evga",
    "zotac",
    "pny",
    "oc",
    "gpu",
    "chip",
    "graphics",
    "card",
    "accelerator",
    "tensor",
    "core",
    "processing",
    "unit",
    "cloud",
    "data",
    "center",
    "habana",
    "gpus",
}
_SERIES_PREFIX = re.compile(r"^(gtx|rtx|rx|tpu|gaudi)(v?\d+[a-z]*)$")
# "80GB", "40/80GB" and the shorthand "80G" (Epoch's "Nvidia H100 80G"), but not the "10G" of "A10G".
_MEMORY = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*)\s*gb?\b")

_VENDOR_PATTERNS = (
    ("Google", re.compile(r"\btpu", re.IGNORECASE)),
    ("AMD", re.compile(r"\b(amd|radeon|instinct|rx\s?\d|mi\d{3})", re.IGNORECASE)),
    ("Intel", re.compile(r"\b(intel|gaudi|xeon)", re.IGNORECASE)),
    (
        "NVIDIA",
        re.compile(
            r"\b(nvidia|geforce|gtx|rtx|titan|tesla|quadro|jetson|xavier|"
            r"[abhlptkmv]\d{1,4}[a-z]{0,2})\b",
            re.IGNORECASE,
        ),
    ),
)


def canonical_model(name: str, vendor: str | None = None, *, memory_gb: float | None = None) -> str:
    """The canonical key of an accelerator name (format in the module docstring).

    `memory_gb` picks the memory size when the name states several ("A100 PCIe 40/80GB"): a
    source's memory column. It only matters for models in `MEMORY_VARIANTS`, and a name that
    states no memory stays without it, so sources that name the model alike share one key.
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = text.replace("pci-e", "pcie").replace("pci express", "pcie")
    stated = [float(v) for match in _MEMORY.findall(text) for v in re.split(r"\s*/\s*", match)]
    text = _MEMORY.sub(" ", text)
    noise = _NOISE_TOKENS | set(re.split(r"[^a-z0-9]+", (vendor or "").lower()))

    tokens: list[str] = []
    form = None
    for token in re.split(r"[^a-z0-9]+", text):
        if not token or token in noise:
            continue
        if re.fullmatch(r"sxm\d*", token) or token in _FORM_TOKENS:
            form = form or _FORM_TOKENS.get(token, "sxm")
            continue
        split = _SERIES_PREFIX.match(token)
        tokens.extend(split.groups() if split else [token])
    if not tokens:
        raise ValueError(f"no model name in {name!r}")

    family = "-".join(tokens)
    form = form or FAMILY_DEFAULT_FORM.get(family)
    memory = None
    if family in MEMORY_VARIANTS:
        if len(set(stated)) == 1:
            memory = stated[0]
        elif memory_gb is not None and not pd.isna(memory_gb) and float(memory_gb) in stated:
            memory = float(memory_gb)  # "A100 PCIe 40/80GB" with a memory column of 40
    parts = [*tokens, *([form] if form else []), *([f"{_number(memory)}gb"] if memory else [])]
    return "-".join(parts)


def with_stated_memory(key: str, memory_gb) -> str:
    """The key with its memory suffix from a source's memory column, for a model sold in several
    memory sizes whose name states none ("NVIDIA A100" with 40 GB in the memory column ->
    a100-sxm-40gb). Any other key, or a memory that is not one of the model's sizes, is unchanged."""
    family = model_family(key)
    if (
        family not in MEMORY_VARIANTS
        or re.search(r"-\d+(\.\d+)?gb$", key)
        or memory_gb is None
        or pd.isna(memory_gb)
        or float(memory_gb) not in MEMORY_VARIANTS[family]
    ):
        return key
    return f"{key}-{_number(float(memory_gb))}gb"


def model_family(key: str) -> str:
    """The key without its form factor and memory suffix: 'a100-sxm-80gb' -> 'a100'."""
    tokens = [t for t in key.split("-") if t not in _FORM_TOKENS.values() and not re.fullmatch(r"\d+(\.\d+)?gb", t)]
    return "-".join(tokens)


def infer_vendor(name: str) -> str:
    """The chip vendor a name implies (TPU -> Google, RX/Instinct -> AMD, ...); 'unknown' if none."""
    for vendor, pattern in _VENDOR_PATTERNS:
        if pattern.search(str(name)):
            return vendor
    return "unknown"


def infer_kind(name: str) -> str:
    return "tpu" if re.search(r"\btpu", str(name), re.IGNORECASE) else "gpu"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def stated_memory_gb(name: str) -> float | None:
    """The one memory size a name states ("Tesla M40 24GB" -> 24.0); None for none or several."""
    stated = {float(v) for match in _MEMORY.findall(str(name).lower()) for v in re.split(r"\s*/\s*", match)}
    return stated.pop() if len(stated) == 1 else None


# --- name lookup -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceleratorMatch:
    """What a name resolved to, and from which source row."""

    query: str
    canonical_model: str
    matched_name: str  # the model as the chosen source names it
    vendor: str
    kind: str
    tdp_w: float | None
    memory_gb: float | None
    source_id: str
    source_vintage: str
    how: str  # exact | default_memory | only_variant


_PREFERRED_COLUMNS = ("canonical_model", "model", "vendor", "kind", "tdp_w", "memory_gb", "source_id", "source_vintage")


def resolve_accelerator(con_or_frame, name: str) -> AcceleratorMatch:
    """Resolve a user's accelerator name to one canonical model.

    `con_or_frame` is a DuckDB connection to a warehouse (reads `accelerator_specs_preferred`) or
    a DataFrame of that view's shape. A frame of `accelerator_specs` rows (several per model) is
    reduced to one row per model by the sources' `accelerator_specs` priority (the ranks the view
    uses), without the view's per-column filling.
    Raises UnknownHardwareError with the closest keys when nothing fits.
    """
    rows = _preferred_rows(con_or_frame)
    try:
        key = canonical_model(name)
    except ValueError:
        raise UnknownHardwareError(name, _closest("", rows)) from None

    if key in rows:
        return _match(name, rows[key], "exact")
    extensions = sorted(k for k in rows if k.startswith(key + "-"))
    if extensions:
        default = FAMILY_DEFAULT_MEMORY.get(model_family(key))
        wanted = f"{key}-{_number(default)}gb" if default else None
        if wanted in extensions:
            return _match(name, rows[wanted], "default_memory")
        if len(extensions) == 1:
            return _match(name, rows[extensions[0]], "only_variant")
        raise UnknownHardwareError(name, extensions, reason=f"'{name}' is ambiguous ({key})")
    raise UnknownHardwareError(name, _closest(key, rows))


def _preferred_rows(con_or_frame) -> dict[str, Mapping]:
    if isinstance(con_or_frame, pd.DataFrame):
        frame = con_or_frame
        if frame["canonical_model"].duplicated().any():
            # Imported here: the source modules import this one for canonical_model().
            from pipelines.sources import priority_ranks

            rank = priority_ranks("accelerator_specs")
            frame = (
                frame.assign(_rank=frame["source_id"].map(rank).fillna(math.inf))
                .sort_values(["_rank", "model"])
                .drop_duplicates("canonical_model")
            )
    else:
        columns = ", ".join(_PREFERRED_COLUMNS)
        frame = con_or_frame.execute(f"select {columns} from accelerator_specs_preferred").fetchdf()
    return {row["canonical_model"]: row for row in frame.to_dict("records")}


def _match(query: str, row: Mapping, how: str) -> AcceleratorMatch:
    def optional(value):
        return None if value is None or pd.isna(value) else float(value)

    return AcceleratorMatch(
        query=query,
        canonical_model=row["canonical_model"],
        matched_name=row["model"],
        vendor=row["vendor"],
        kind=row["kind"],
        tdp_w=optional(row.get("tdp_w")),
        memory_gb=optional(row.get("memory_gb")),
        source_id=row["source_id"],
        source_vintage=str(row["source_vintage"]),
        how=how,
    )


def _closest(key: str, rows, n: int = 5) -> list[str]:
    keys = sorted(rows)
    # Other variants of the same model first ("H100 PCIe" -> h100-sxm, h100-nvl), then look-alikes.
    family = model_family(key) if key else None
    close = [k for k in keys if family and model_family(k) == family][:n]
    close += [k for k in difflib.get_close_matches(key, keys, n=n, cutoff=0.5) if k not in close]
    close = close[:n]
    if len(close) < n:  # always offer something to pick from, best first
        ranked = sorted(keys, key=lambda k: -difflib.SequenceMatcher(None, key, k).ratio())
        close += [k for k in ranked if k not in close][: n - len(close)]
    return close
