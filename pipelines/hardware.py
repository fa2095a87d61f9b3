"""Accelerator names, the canonical model key, name lookup and the Boavizta GPU embodied model.

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

Boavizta GPU manufacturing model
--------------------------------
`boavizta_gpu_embodied()` applies BoaviztAPI's GPU component method (boaviztapi
`compute/impacts_computation.py::gpu_impact_embedded`, `models/component/gpu.py`; documented at
https://doc.api.boavizta.org/Explanations/components/gpu/) to one row of gpu_specs.csv with
the climate-change (gwp) factors of factors.yml `gpu:` in kg CO2e per unit:

    cradle-to-gate kgCO2e = casing   x mass_casing (kg)
                          + heatsink x mass_heatsink (kg)
                          + pwb      x pwb_surface (cm2)
                          + gpu      x die_surface (mm2; gpu_specs gives the *effective* area,
                                                     wafer edge and yield losses included)
                          + vram     x vram_surface (mm2)
                          + upstream_transport x mass (kg)
    vram_surface = number x effective_area(vram_GB x 15.5 mm2/GB / number)
    effective_area(a) = (S / n) / exp(-sqrt(w^2 / 100 x 0.1))   (wafer share / yield),
        w = sqrt(a) + 0.2 mm kerf, S = pi x 150^2 mm2 (300 mm wafer),
        n = S / w^2 - pi x 300 / sqrt(2 w^2) dies per wafer

Distribution (boat/truck/plane x km x mass) and end of life (x mass) are Boavizta's other
embedded terms; they are reported separately by `boavizta_gpu_embodied()` and left out of the
published cradle-to-gate figure so it compares with manufacturers' cradle-to-gate PCFs.
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
    "nvidia", "amd", "google", "intel", "ati", "tesla", "geforce", "quadro", "radeon", "instinct", "jetson",
    "gigabyte", "asus", "msi", "evga", "zotac", "pny", "oc", "gpu", "chip", "graphics", "card", "accelerator",
    "tensor", "core", "processing", "unit", "cloud", "data", "center", "habana", "gpus",
}
_SERIES_PREFIX = re.compile(r"^(gtx|rtx|rx|tpu|gaudi)(v?\d+[a-z]*)$")
# "80GB", "40/80GB" and the shorthand "80G" (Epoch's "Nvidia H100 80G"), but not the "10G" of "A10G".
_MEMORY = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*)\s*gb?\b")

_VENDOR_PATTERNS = (
    ("Google", re.compile(r"\btpu", re.IGNORECASE)),
    ("AMD", re.compile(r"\b(amd|radeon|instinct|rx\s?\d|mi\d{3})", re.IGNORECASE)),
    ("Intel", re.compile(r"\b(intel|gaudi|xeon)", re.IGNORECASE)),
    ("NVIDIA", re.compile(r"\b(nvidia|geforce|gtx|rtx|titan|tesla|quadro|jetson|xavier|"
                          r"[abhlptkmv]\d{1,4}[a-z]{0,2})\b", re.IGNORECASE)),
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
    if (family not in MEMORY_VARIANTS or re.search(r"-\d+(\.\d+)?gb$", key) or memory_gb is None
            or pd.isna(memory_gb) or float(memory_gb) not in MEMORY_VARIANTS[family]):
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


# --- staging rows for accelerator_specs ----------------------------------------------------------

SPEC_COLUMNS = ("vendor", "model", "canonical_model", "kind", "tdp_w", "memory_gb", "release_year",
                "peak_tflops_fp32", "peak_tflops_fp16", "process_nm", "die_area_mm2", "mass_kg", "reference",
                "source_file")
# How the hardware files mark an empty cell besides leaving it empty.
MISSING_MARKERS = ("", "nan", "unk")


def numeric_column(raw, file: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column where MISSING_MARKERS mean no value; anything else non-numeric is an error."""
    cells = frame[column].astype("string").str.strip()
    blank = cells.isna() | cells.str.lower().isin(MISSING_MARKERS)
    return raw.to_number(file, frame.assign(**{column: cells.mask(blank)}), column)


def finish_specs(frame: pd.DataFrame, source_file: str) -> pd.DataFrame:
    """Staging rows of accelerator_specs: vendor and canonical key from the name, every column present.

    `frame` holds `model`, `kind` and whichever spec columns the source gives. A memory column
    only picks the key's memory where the name lists several ("40/80GB").
    """
    frame = frame.assign(model=frame["model"].astype(str).str.strip())
    memory = frame["memory_gb"] if "memory_gb" in frame else pd.Series(None, index=frame.index, dtype=float)
    frame = frame.assign(
        vendor=[infer_vendor(m) for m in frame["model"]],
        canonical_model=[canonical_model(m, memory_gb=g) for m, g in zip(frame["model"], memory)],
        source_file=source_file,
    )
    for column in SPEC_COLUMNS:
        if column not in frame:
            frame[column] = (pd.array([pd.NA] * len(frame), dtype="Int64") if column == "release_year"
                             else None if column == "reference" else float("nan"))
    return frame[list(SPEC_COLUMNS)].reset_index(drop=True)


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


_PREFERRED_COLUMNS = ("canonical_model", "model", "vendor", "kind", "tdp_w", "memory_gb", "source_id",
                      "source_vintage")


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
            frame = (frame.assign(_rank=frame["source_id"].map(rank).fillna(math.inf))
                     .sort_values(["_rank", "model"]).drop_duplicates("canonical_model"))
    else:
        columns = ", ".join(_PREFERRED_COLUMNS)
        frame = con_or_frame.execute(f"select {columns} from accelerator_specs_preferred").fetchdf()
    return {row["canonical_model"]: row for row in frame.to_dict("records")}


def _match(query: str, row: Mapping, how: str) -> AcceleratorMatch:
    def optional(value):
        return None if value is None or pd.isna(value) else float(value)

    return AcceleratorMatch(query=query, canonical_model=row["canonical_model"], matched_name=row["model"],
                            vendor=row["vendor"], kind=row["kind"], tdp_w=optional(row.get("tdp_w")),
                            memory_gb=optional(row.get("memory_gb")), source_id=row["source_id"],
                            source_vintage=str(row["source_vintage"]), how=how)


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


# --- Boavizta GPU manufacturing model -------------------------------------------------------------

WAFER_DIAMETER_MM = 300.0
KERF_MM = 0.2
VRAM_DIE_MM2_PER_GB = 15.5
# factors.yml gpu: component -> (phase, the gpu_specs quantity it multiplies, unit of that quantity)
BOAVIZTA_GPU_TERMS = {
    "casing": ("manufacture", "mass_casing", "kg"),
    "heatsink": ("manufacture", "mass_heatsink", "kg"),
    "pwb": ("manufacture", "pwb_surface", "cm2"),
    "gpu": ("manufacture", "die_surface", "mm2"),
    "vram": ("manufacture", "vram_surface", "mm2"),
    "upstream_transport": ("manufacture", "mass", "kg"),
}


def effective_die_area_mm2(die_area_mm2: float) -> float:
    """Wafer area one good die costs: kerf, wafer-edge loss and yield (Boavizta's wafer model)."""
    wafer = math.pi * (WAFER_DIAMETER_MM / 2) ** 2
    footprint = (math.sqrt(die_area_mm2) + KERF_MM) ** 2
    dies_per_wafer = wafer / footprint - math.pi * WAFER_DIAMETER_MM / math.sqrt(2 * footprint)
    per_die = wafer / dies_per_wafer
    usable_ratio = math.exp(-math.sqrt(footprint / 100 * 0.1))
    return per_die / usable_ratio


def vram_surface_mm2(vram_gb: float, vram_dies: float) -> float:
    if not vram_gb or not vram_dies:
        return 0.0
    return vram_dies * effective_die_area_mm2(vram_gb * VRAM_DIE_MM2_PER_GB / vram_dies)


def boavizta_gpu_factors(factors: Mapping) -> tuple[dict[str, float], dict[str, float], float]:
    """(manufacture gwp per component, distribution gwp per km.kg per mode, end-of-life gwp per kg)
    from a parsed factors.yml. Raises KeyError naming the missing path."""
    def gwp(component: str, phase: str) -> float:
        try:
            return float(factors["gpu"][component][phase]["gwp"]["impact"])
        except (KeyError, TypeError, ValueError):
            raise KeyError(f"gpu.{component}.{phase}.gwp.impact") from None

    manufacture = {component: gwp(component, phase) for component, (phase, _, _) in BOAVIZTA_GPU_TERMS.items()}
    distribution = {mode: gwp(f"transport_{mode}", "distribution") for mode in ("boat", "truck", "plane")}
    return manufacture, distribution, gwp("end_of_life", "eol")


@dataclass(frozen=True)
class GpuEmbodied:
    cradle_to_gate_kgco2e: float
    terms_kgco2e: dict[str, float]
    distribution_kgco2e: float
    end_of_life_kgco2e: float


def boavizta_gpu_embodied(spec: Mapping, gwp_factors: Mapping[str, float],
                          distribution_factors: Mapping[str, float] | None = None,
                          end_of_life_factor: float = 0.0) -> GpuEmbodied:
    """Boavizta's GPU embodied climate impact for one gpu_specs.csv row (formula: module docstring).

    `spec` holds gpu_specs quantities (mass_casing, mass_heatsink, pwb_surface, die_surface,
    vram, number, mass, distance_boat/truck/plane); `gwp_factors` the factors.yml `gpu:`
    manufacture gwp impact per component.
    """
    quantities = {**spec, "vram_surface": vram_surface_mm2(spec.get("vram") or 0, spec.get("number") or 0)}
    terms = {component: gwp_factors[component] * float(quantities.get(quantity) or 0.0)
             for component, (_, quantity, _) in BOAVIZTA_GPU_TERMS.items()}
    mass = float(spec.get("mass") or 0.0)
    distribution = sum(factor * float(spec.get(f"distance_{mode}") or 0.0) * mass
                       for mode, factor in (distribution_factors or {}).items())
    return GpuEmbodied(sum(terms.values()), terms, distribution, end_of_life_factor * mass)
