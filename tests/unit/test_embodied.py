"""The Boavizta GPU manufacturing model (pipelines/embodied.py), worked by hand."""

import math

import pytest

from pipelines import embodied

# factors.yml (boaviztapi@15878f0) gpu: manufacture gwp, kg CO2e per unit of each quantity
GWP = {
    "casing": 8.2542,
    "heatsink": 5.7412,
    "pwb": 0.032549,
    "gpu": 0.042592,
    "vram": 0.18379,
    "upstream_transport": 0.25955,
}
# gpu_specs.csv: NVIDIA L4,NVIDIA,1,12,24,390.96,93.13,19000,1000,0,0,0.0871,0.142,
L4 = {
    "number": 12,
    "vram": 24,
    "die_surface": 390.96,
    "pwb_surface": 93.13,
    "distance_boat": 19000,
    "distance_truck": 1000,
    "distance_plane": 0,
    "mass_casing": 0,
    "mass_heatsink": 0.0871,
    "mass": 0.142,
}


def test_effective_area_of_one_l4_vram_die_by_hand():
    # One VRAM die: 24 GB x 15.5 mm2/GB / 12 dies = 31 mm2.
    # w = sqrt(31) + 0.2 = 5.767764 mm; w^2 = 33.267106 mm2
    # wafer S = pi x 150^2 = 70,685.835 mm2
    # dies per wafer n = S / w^2 - pi x 300 / sqrt(2 w^2) = 2124.797 - 115.544 = 2009.252
    # wafer share S / n = 35.180168 mm2; yield exp(-sqrt(33.267106 / 100 x 0.1)) = 0.833274
    # effective area = 35.180168 / 0.833274 = 42.219206 mm2
    assert embodied.effective_die_area_mm2(31.0) == pytest.approx(42.219206, rel=1e-6)
    # Boavizta's H100 archetype: an 814 mm2 die costs ~2,808 mm2 of wafer (gpu_specs lists 2810.4).
    assert embodied.effective_die_area_mm2(814) == pytest.approx(2808.4, abs=0.5)


def test_boavizta_l4_cradle_to_gate_by_hand():
    # casing     8.2542   x 0 kg          =  0
    # heatsink   5.7412   x 0.0871 kg     =  0.500059
    # pwb        0.032549 x 93.13 cm2     =  3.031288
    # gpu die    0.042592 x 390.96 mm2    = 16.651768   (die_surface is already the effective area)
    # vram       0.18379  x 12 x 42.219206 mm2 = 0.18379 x 506.630477 = 93.113615
    # upstream   0.25955  x 0.142 kg      =  0.036856
    # total                                 113.333587 kg CO2e
    result = embodied.boavizta_gpu_embodied(L4, GWP)
    assert result.terms_kgco2e["heatsink"] == pytest.approx(0.500059, abs=1e-6)
    assert result.terms_kgco2e["pwb"] == pytest.approx(3.031288, abs=1e-6)
    assert result.terms_kgco2e["gpu"] == pytest.approx(16.651768, abs=1e-6)
    assert result.terms_kgco2e["vram"] == pytest.approx(93.113615, abs=1e-5)
    assert result.terms_kgco2e["upstream_transport"] == pytest.approx(0.036856, abs=1e-6)
    assert result.cradle_to_gate_kgco2e == pytest.approx(113.333587, abs=1e-5)


def test_boavizta_distribution_and_end_of_life_are_reported_apart():
    # boat 1.33e-5 x 19000 km x 0.142 kg + truck 5.04e-5 x 1000 x 0.142 = 0.035883 + 0.007157 = 0.043040
    result = embodied.boavizta_gpu_embodied(L4, GWP, {"boat": 1.33e-5, "truck": 5.04e-5, "plane": 2.11e-3}, 1.5062)
    assert result.distribution_kgco2e == pytest.approx(0.043040, abs=1e-6)
    assert result.end_of_life_kgco2e == pytest.approx(1.5062 * 0.142)
    assert result.cradle_to_gate_kgco2e == pytest.approx(113.333587, abs=1e-5)


def test_no_vram_means_no_vram_term():
    assert embodied.vram_surface_mm2(0, 0) == 0.0
    assert math.isclose(embodied.vram_surface_mm2(24, 12), 12 * embodied.effective_die_area_mm2(31.0))
