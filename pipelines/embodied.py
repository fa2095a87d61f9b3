"""The Boavizta GPU manufacturing (embodied) model.

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

import math
from collections.abc import Mapping
from dataclasses import dataclass

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


def boavizta_gpu_embodied(
    spec: Mapping,
    gwp_factors: Mapping[str, float],
    distribution_factors: Mapping[str, float] | None = None,
    end_of_life_factor: float = 0.0,
) -> GpuEmbodied:
    """Boavizta's GPU embodied climate impact for one gpu_specs.csv row (formula: module docstring).

    `spec` holds gpu_specs quantities (mass_casing, mass_heatsink, pwb_surface, die_surface,
    vram, number, mass, distance_boat/truck/plane); `gwp_factors` the factors.yml `gpu:`
    manufacture gwp impact per component.
    """
    quantities = {**spec, "vram_surface": vram_surface_mm2(spec.get("vram") or 0, spec.get("number") or 0)}
    terms = {
        component: gwp_factors[component] * float(quantities.get(quantity) or 0.0)
        for component, (_, quantity, _) in BOAVIZTA_GPU_TERMS.items()
    }
    mass = float(spec.get("mass") or 0.0)
    distribution = sum(
        factor * float(spec.get(f"distance_{mode}") or 0.0) * mass
        for mode, factor in (distribution_factors or {}).items()
    )
    return GpuEmbodied(sum(terms.values()), terms, distribution, end_of_life_factor * mass)
