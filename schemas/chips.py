"""Chips and hardware: accelerator specifications, embodied emissions, shipments, chip-maker financials."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Cited, Provenance
from schemas.registry import register

_DATE = fields.DATE_PATTERN


@register(
    "accelerator_specs",
    primary_key=("source_id", "model"),
    description="""
Accelerator (GPU, TPU ...) specifications as each source states them: one row per model and
source, kept side by side when sources disagree. `canonical_model` is the normalised key that
joins the sources (pipelines/hardware.py documents its format); the view
`accelerator_specs_preferred` picks one row per canonical model. CPUs listed in the same
source files are not accelerators and are left out. Values a source states but that
contradict the product's datasheet are left empty (each case is listed in its source module).
Besides the open tool datasets (ML CO2 Impact, Green Algorithms, Boavizta), datasheet figures
compiled by hand with a citation per row (pipelines/curated/accelerator_specs_curated.csv)
cover accelerators those datasets lack (H200, B200, MI300X, TPU v5p ...).
""",
)
class AcceleratorSpecs(Provenance):
    vendor = column(str, description="Chip vendor (NVIDIA, AMD, Google, Intel), as the name implies.")
    model = column(str, str_length={"min_value": 1}, description="Model name exactly as the source gives it (trimmed).")
    canonical_model = column(
        str,
        str_matches=fields.CANONICAL_MODEL_PATTERN,
        description="Normalised key: <model>[-<form factor>][-<memory>gb], lower case, e.g. h100-sxm, "
        "a100-pcie-40gb, tpu-v3 (format and defaults: pipelines/hardware.py).",
    )
    kind = column(str, isin=["gpu", "tpu", "other"], description="gpu | tpu | other accelerator.")
    tdp_w = column(
        float,
        nullable=True,
        gt=0,
        le=2000,
        description="Thermal design power, watts, as the source states it (the "
        "ML CO2 Impact TPU rows give average measured power).",
    )
    memory_gb = column(float, nullable=True, gt=0, le=1024, description="Accelerator memory (HBM/GDDR), gigabytes.")
    release_year = column(
        pd.Int64Dtype, nullable=True, ge=1990, le=2100, description="Year of release, where the source gives it."
    )
    peak_tflops_fp32 = column(
        float,
        nullable=True,
        gt=0,
        le=5000,
        description="Peak 32-bit floating-point throughput, teraFLOP/s, as the source states it (for recent "
        "NVIDIA data-centre parts the datasheet's TF32 tensor-core figure, with sparsity).",
    )
    peak_tflops_fp16 = column(
        float,
        nullable=True,
        gt=0,
        le=10000,
        description="Peak 16-bit floating-point throughput, teraFLOP/s, as the source states it (tensor-core "
        "and bfloat16 figures where that is what the source lists).",
    )
    process_nm = column(float, nullable=True, gt=0, le=250, description="Manufacturing process node, nanometres.")
    die_area_mm2 = column(
        float,
        nullable=True,
        gt=0,
        le=5000,
        description="Physical area of the main die, square millimetres (not Boavizta's loss-adjusted effective area).",
    )
    mass_kg = column(
        float, nullable=True, gt=0, le=100, description="Mass of one card or module, kilograms (Boavizta gpu_specs)."
    )
    reference = column(
        str,
        nullable=True,
        description="The source's own citation for the row (its source/url column), as "
        "given, e.g. a datasheet URL or 'average consumption - not TDP'.",
    )
    source_file = fields.SOURCE_FILE


@register(
    "hardware_embodied_emissions",
    primary_key=("source_id", "item"),
    description="""
Manufacturing (embodied) greenhouse-gas emissions of accelerators and server components, kg
CO2e per item. Two kinds of rows: (a) Boavizta-modelled, one per GPU of Boavizta's gpu_specs.csv,
cradle-to-gate = casing x mass_casing + heatsink x mass_heatsink + pwb x pwb_surface(cm2) +
gpu x effective die surface(mm2) + vram x vram surface(mm2) + upstream_transport x mass, with
the factors.yml gwp factors (formula and wafer-loss model: pipelines/hardware.py); (b) cited
figures compiled by hand in pipelines/curated/hardware_embodied_pcf.csv (manufacturer product
carbon footprints, LCA studies, literature estimates), each with its publication. Where
canonical_model is set, embodied_kgco2e is for one unit of that accelerator; the view
`accelerator_embodied_preferred` picks one figure per accelerator.
""",
)
class HardwareEmbodiedEmissions(Cited):
    item = column(str, str_length={"min_value": 3}, description="What the figure is for, in words.")
    canonical_model = column(
        str,
        nullable=True,
        str_matches=fields.CANONICAL_MODEL_PATTERN,
        description="Accelerator key (see accelerator_specs) when embodied_kgco2e is for exactly one unit of it; "
        "empty for boards, servers, components and shares of instances.",
    )
    embodied_kgco2e = column(float, gt=0, lt=100000, description="Emissions, kilograms of CO2-equivalent.")
    boundary = column(
        str, description="Life-cycle stages counted, e.g. cradle-to-gate (raw materials to factory gate)."
    )
    method = column(str, description="How the figure was obtained (standard, model, derivation).")
    method_type = column(
        str,
        isin=["manufacturer_pcf", "lca_study", "parametric_model", "estimate"],
        description="manufacturer_pcf = the maker's product carbon footprint (or a per-unit share of it); "
        "lca_study = independent life-cycle assessment; parametric_model = model from physical "
        "inputs (Boavizta, ADEME); estimate = literature estimate or allocation.",
    )
    citation = fields.citation(locator=False, via_url=False)
    source_file = fields.SOURCE_FILE


@register(
    "accelerator_shipments",
    primary_key=("vendor", "product_family", "period", "metric", "citation_publisher"),
    description="""
Estimates of AI-accelerator unit shipments, purchases and data-centre revenue by vendor and
period, compiled by hand from cited publications (pipelines/curated/accelerator_shipments.csv);
every row carries its publisher, title and URL: the primary publisher (a vendor's SEC filing or
press release; for paywalled analyst studies the outlet that first published the figures), with
the news or aggregator page the figure was found on as `via_url`. units_low = units_high for a point estimate;
units_high is empty for a lower bound ("over 2 million"). Periods: YYYY = calendar year,
YYYYQn = calendar quarter, FYYYYY[Qn] = the vendor's fiscal year (NVIDIA FY2025 ended January
2025). Analyst estimates, vendor results and forecasts (is_forecast) are not additive across
publishers. units_low and units_high are in `unit` (devices, or US dollars for datacenter_revenue):
the one table whose quantity columns change unit with the row, kept so for the fleet model and
report that read units_low.
""",
)
class AcceleratorShipments(Cited):
    vendor = column(str, description="NVIDIA | AMD | Intel | Google | all (several vendors together).")
    product_family = column(str, description="Products covered, as the publication scopes them.")
    period = column(
        str,
        str_matches=r"^(FY)?\d{4}(Q[1-4])?$",
        description="YYYY, YYYYQn (calendar) or FYYYYY[Qn] (vendor fiscal period).",
    )
    metric = column(
        str,
        isin=["units_shipped", "units_purchased", "datacenter_revenue"],
        description="units_shipped (by the vendor) | units_purchased (by one buyer) | datacenter_revenue.",
    )
    units_low = column(float, gt=0, description="Low (or point) estimate, in `unit`.")
    units_high = column(float, nullable=True, gt=0, description="High estimate, in `unit`; empty for a lower bound.")
    unit = column(str, isin=["units", "usd"], description="units (devices) | usd (US dollars, nominal).")
    is_forecast = column(bool, description="True when the figure is a projection, not a reported one.")
    citation = fields.citation(locator=False, via_url=True)
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="units_high >= units_low where both are given")
    def high_not_below_low(cls, frame):
        return frame["units_high"].isna() | (frame["units_high"] >= frame["units_low"])


@register(
    "chip_company_financials",
    primary_key=("cik", "metric", "unit", "period_start", "period_end"),
    description="""
Income-statement facts of chip makers by fiscal quarter and year, from SEC EDGAR XBRL company
facts (us-gaap concepts as reported in 10-K and 10-Q filings and their amendments). One row per
company, concept, unit and period: where later filings restate a period's value (every 10-K
repeats prior years), the value from the latest filing (greatest `filed_date`, then accession
number) is kept. fiscal_year and fiscal_period are those the company gave the period in the
filing that reported it as its current period; quarters and full years only (year-to-date
six- and nine-month figures are left out). Long format on purpose (`value` in `unit`, as XBRL
states it): concepts come in several units (USD, shares, USD per share), so the unit is a column,
not a name suffix.
""",
)
class ChipCompanyFinancials(Provenance):
    company = column(str, description="Company name as EDGAR gives it (entityName).")
    cik = column(str, str_matches=r"^\d{10}$", description="SEC Central Index Key, 10 digits.")
    fiscal_year = column(int, ge=1990, le=2100, description="Company fiscal year of the period.")
    fiscal_period = column(
        str, isin=["FY", "Q1", "Q2", "Q3", "Q4"], description="FY (full fiscal year) or Q1-Q4 (fiscal quarter)."
    )
    period_start = column(str, str_matches=_DATE, description="First day of the period, YYYY-MM-DD.")
    period_end = column(str, str_matches=_DATE, description="Last day of the period, YYYY-MM-DD.")
    metric = column(str, description="us-gaap XBRL concept, e.g. Revenues, NetIncomeLoss.")
    value = column(float, description="Reported value, in `unit`.")
    unit = column(str, description="XBRL unit of measure, e.g. USD (US dollars, nominal).")
    form = column(str, description="Form of the filing the value comes from (10-K, 10-Q, 10-K/A ...).")
    filed_date = column(str, str_matches=_DATE, description="Date that filing was filed, YYYY-MM-DD.")
    accn = column(str, str_matches=r"^\d{10}-\d{2}-\d{6}$", description="EDGAR accession number of that filing.")
    source_file = fields.SOURCE_FILE


@register(
    "chip_revenue_by_market",
    primary_key=("source_id", "cik", "fiscal_year", "fiscal_quarter", "breakdown", "market"),
    description="""
Revenue of a chip maker per fiscal quarter by market platform (NVIDIA: Data Center, Gaming,
Professional Visualization, Automotive), by reportable segment (Compute & Networking,
Graphics) and in total, NVIDIA FY2021-FY2026. Each row cites the quarterly results press
release filed as Form 8-K Exhibit 99.1 on SEC EDGAR (`citation_url`, `citation_accession`); the
third-party extraction the figures were read from is `via_url`. Market-platform figures come
from the release's narrative and are rounded above $1 billion (`is_rounded`,
`revenue_precision_usd`); segment and total figures are exact to $1 million. Markets omit OEM &
Other, so they do not sum to the total. Period dates follow NVIDIA's fiscal calendar (year
ending on the last Sunday of January). Segment revenue is not in SEC companyfacts (dimensional
facts are excluded from that API), so this is the only segment series; the asset check
compares the totals with chip_company_financials where both have the period.
""",
)
class ChipRevenueByMarket(Cited):
    company = column(str, description="Company (NVIDIA).")
    cik = column(str, str_matches=r"^\d{10}$", description="SEC Central Index Key, 10 digits.")
    fiscal_year = column(int, ge=1990, le=2100, description="Company fiscal year (NVIDIA FY2026 ended 2026-01-25).")
    fiscal_quarter = column(str, isin=["Q1", "Q2", "Q3", "Q4"], description="Fiscal quarter.")
    period_start = column(
        str, str_matches=_DATE, description="First day of the quarter, YYYY-MM-DD, from the company's fiscal calendar."
    )
    period_end = column(str, str_matches=_DATE, description="Last day of the quarter, YYYY-MM-DD.")
    breakdown = column(
        str,
        isin=["market_platform", "reportable_segment", "total"],
        description="market_platform (the markets the releases name) | "
        "reportable_segment (10-Q/10-K segments) | total (all revenue).",
    )
    market = column(
        str,
        isin=[
            "data_center",
            "gaming",
            "professional_visualization",
            "automotive",
            "compute_and_networking",
            "graphics",
            "total",
        ],
        description="Market platform, reportable segment, or total.",
    )
    revenue_usd = column(float, ge=0, description="Revenue in the quarter, US dollars (nominal).")
    is_rounded = column(
        bool,
        description="True when the figure is rounded (narrative '$22.6 billion'): exact only to revenue_precision_usd.",
    )
    revenue_precision_usd = column(
        float,
        isin=[1e6, 1e7, 1e8],
        description="Precision of revenue_usd, US dollars: 1e6 exact to $1 million, 1e7 or "
        "1e8 rounded to $0.01 or $0.1 billion.",
    )
    citation_publisher = fields.CITATION_PUBLISHER
    citation_title = fields.CITATION_TITLE
    citation_url = fields.CITATION_URL.but(
        str_matches=r"^https://www\.sec\.gov/Archives/edgar/data/",
        description="The press release (8-K Exhibit 99.1) on SEC EDGAR.",
    )
    citation_accession = column(
        str, str_matches=r"^\d{10}-\d{2}-\d{6}$", description="EDGAR accession number of that 8-K."
    )
    citation_published = fields.CITATION_PUBLISHED.but(
        str_matches=fields.DATE_PATTERN,
        description="Release date, YYYY-MM-DD; empty where no recorded file states it (FY2026 Q4).",
    )
    citation_locator = fields.CITATION_LOCATOR
    via_url = fields.VIA_URL
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="period_start <= period_end, a quarter of 13 or 14 weeks")
    def quarter_length(cls, frame):
        days = (pd.to_datetime(frame["period_end"]) - pd.to_datetime(frame["period_start"])).dt.days + 1
        return days.isin([91, 98])


@register(
    "gpu_clusters",
    primary_key=("source_id", "cluster_id"),
    description="""
AI compute clusters (AI supercomputers): owner, country, chip type and count, H100-equivalents,
power capacity, first operational and decommissioned dates, with Epoch AI's status (existing,
planned, decommissioned) and certainty (confirmed, likely, unlikely) kept as published. Rows
Epoch marks as possible duplicates of another cluster, and rows repeated in the file, are left
out, so clusters can be summed within a status. Power capacity is the facility's rated power
in MW (reported where a source states it, else Epoch's estimate from the chips): never energy.
The view `cluster_power_by_country_year` sums it by country, year and status group.
""",
)
class GpuClusters(Provenance):
    cluster_id = column(
        str,
        description="Cluster name, with ' #n' (occurrence in the file) added where "
        "Epoch gives several clusters one anonymised name.",
    )
    cluster_name = column(str, description="Cluster name as Epoch gives it.")
    status = column(
        str,
        isin=["existing", "planned", "decommissioned"],
        description="Epoch's status: existing | planned | decommissioned.",
    )
    certainty = column(
        str, isin=["confirmed", "likely", "unlikely"], description="Epoch's certainty that the cluster is as described."
    )
    is_single_cluster = column(
        pd.BooleanDtype,
        nullable=True,
        description="True when Epoch judges the chips one cluster; empty when Epoch says unclear.",
    )
    owner = column(str, nullable=True, description="Owner(s), comma-separated as Epoch gives them.")
    sector = column(str, nullable=True, description="Private | Public | Public/Private.")
    country = column(str, nullable=True, description="Country of the cluster's site, as Epoch names it.")
    location = column(str, nullable=True, description="Site, as Epoch gives it.")
    chip_type_primary = column(str, nullable=True, description="Main accelerator, Epoch's hardware name.")
    chip_count_primary = column(float, nullable=True, gt=0, description="Number of main accelerators, devices.")
    chip_type_secondary = column(str, nullable=True, description="Second accelerator type, if any.")
    chip_count_secondary = column(float, nullable=True, ge=0, description="Number of those, devices.")
    ai_chip_count = column(float, nullable=True, gt=0, description="All AI accelerators, devices.")
    h100_equivalents = column(
        float,
        nullable=True,
        gt=0,
        description="Compute in H100-equivalents (Epoch's performance-weighted count), devices.",
    )
    first_operational_date = column(
        str,
        nullable=True,
        str_matches=_DATE,
        description="First operational date, YYYY-MM-DD (a YYYY-MM in the "
        "file is its month's first day); empty for planned.",
    )
    decommissioned_date = column(
        str, nullable=True, str_matches=_DATE, description="Decommissioning date, YYYY-MM-DD, where applicable."
    )
    power_capacity_mw = column(
        float,
        nullable=True,
        gt=0,
        le=20000,
        description="Power capacity, MW: reported where available, else calculated (Epoch).",
    )
    reported_power_capacity_mw = column(
        float, nullable=True, gt=0, le=20000, description="Power capacity a cited source reports, MW."
    )
    calculated_power_capacity_mw = column(
        float,
        nullable=True,
        gt=0,
        le=20000,
        description="Epoch's power capacity from chip count and per-chip power with overhead, MW.",
    )
    hardware_cost_usd = column(float, nullable=True, gt=0, description="Hardware cost, US dollars (Epoch).")
    is_in_standard_analysis = column(bool, description="True when Epoch includes the row in its standard analysis.")
    source_url = column(str, nullable=True, description="Epoch's first cited source for the cluster.")
    source_file = fields.SOURCE_FILE


@register(
    "accelerator_sales_assumptions",
    primary_key=("source_id", "vendor", "parameter", "first_year"),
    description="""
Cited inputs that turn a vendor's data-centre revenue into accelerator units (view
`accelerator_unit_sales`, warehouse/sql/25_unit_sales.sql): `accelerator_share_fraction`, the
share of Data Center revenue that is accelerators (the rest is networking, and systems and
software the share cannot separate), and `asp_usd`, the average selling price per accelerator,
each as low / central / high over calendar years first_year..last_year. NVIDIA only: no other
vendor publishes data-centre accelerator revenue by quarter in the recorded sources. Compiled
by hand (pipelines/curated/accelerator_sales_assumptions.csv), one citation per row.
""",
)
class AcceleratorSalesAssumptions(Cited):
    vendor = column(str, isin=["NVIDIA"], description="Vendor the input applies to.")
    parameter = column(
        str,
        isin=["accelerator_share_fraction", "asp_usd"],
        description="accelerator_share_fraction (fraction 0-1 of Data Center revenue) "
        "| asp_usd (US dollars per accelerator, nominal).",
    )
    first_year = column(int, ge=2000, le=2100, description="First calendar year the input applies to.")
    last_year = column(int, ge=2000, le=2100, description="Last calendar year the input applies to.")
    value = fields.range_of(
        float,
        gt=0,
        low="Low value, in the unit the parameter's name ends with.",
        central="Central value (the midpoint where the citation gives only a range; see citation_note).",
        high="High value.",
    )
    citation = fields.citation(locator=True, via_url=True)
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="value_low <= value_central <= value_high and first_year <= last_year")
    def ordered(cls, frame):
        return (
            (frame["value_low"] <= frame["value_central"])
            & (frame["value_central"] <= frame["value_high"])
            & (frame["first_year"] <= frame["last_year"])
        )

    @pa.dataframe_check(description="a fraction parameter lies in (0, 1]")
    def fraction_in_range(cls, frame):
        return (frame["parameter"] != "accelerator_share_fraction") | (frame["value_high"] <= 1)
