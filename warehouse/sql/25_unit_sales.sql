-- requires: accelerator_shipments, chip_revenue_by_market, accelerator_sales_assumptions
-- Accelerator unit sales per vendor and calendar year, two ways side by side:
--
--   cited_units      calendar-year `units_shipped` figures of accelerator_shipments, as their
--                    publishers give them (several publishers: the widest range); central =
--                    the midpoint of low and high, or the low end of a lower bound;
--   revenue_derived  NVIDIA only (no other vendor's data-centre revenue is recorded):
--                    units = Data Center revenue x accelerator share / average selling price,
--                    low    = revenue x share_low  / asp_high
--                    central= revenue x share_central / asp_central
--                    high   = revenue x share_high / asp_low
--                    with share and ASP from accelerator_sales_assumptions (cited ranges).
--
-- Fiscal to calendar years: a fiscal quarter counts in the calendar year of its middle day
-- (NVIDIA's fiscal year ends in late January, so calendar 2024 = fiscal 2025 Q1-Q4, shifted by
-- about four weeks); a calendar year is derived only when all four of its quarters are recorded.
-- Data Center revenue includes networking, systems and software; the share takes networking
-- out, not the rest, so revenue-derived units lean high for the same ASP.

create or replace view chip_datacenter_revenue_by_calendar_year as
select company, year(period_start::date + ((period_end::date - period_start::date) // 2)::integer) as year,
       sum(revenue_usd) as datacenter_revenue_usd, count(*) as quarters,
       bool_or(is_rounded) as is_rounded,
       string_agg('FY' || fiscal_year || ' ' || fiscal_quarter, ', ' order by period_start) as fiscal_quarters,
       string_agg(citation_url, ' ; ' order by period_start) as citation_urls,
       any_value(source_id) as source_id, max(source_vintage) as source_vintage
from chip_revenue_by_market
where market = 'data_center'
group by all
having count(*) = 4;

create or replace view accelerator_unit_sales as
with cited as (
    select vendor, try_cast(period as integer) as year, product_family,
           min(units_low) as units_low,
           case when count(units_high) = count(*) then max(units_high) end as units_high,
           bool_or(is_forecast) as is_forecast,
           string_agg(distinct citation_publisher, '; ' order by citation_publisher) as basis,
           string_agg(distinct citation_url, ' ; ' order by citation_url) as citation,
           max(source_id) as source_id, max(source_vintage) as source_vintage
    from accelerator_shipments
    where metric = 'units_shipped' and regexp_full_match(trim(period), '[0-9]{4}') and units_low is not null
    group by all
),
assumption as (
    select vendor, parameter, unnest(range(first_year, last_year + 1)) as year, value_low, value_central,
           value_high, citation_url
    from accelerator_sales_assumptions
),
derived as (
    select 'NVIDIA' as vendor, r.year, 'data-centre accelerators (from Data Center revenue)' as product_family,
           r.datacenter_revenue_usd * s.value_low / p.value_high as units_low,
           r.datacenter_revenue_usd * s.value_central / p.value_central as units_central,
           r.datacenter_revenue_usd * s.value_high / p.value_low as units_high,
           false as is_forecast,
           'Data Center revenue ' || round(r.datacenter_revenue_usd / 1e9, 1) || ' bn USD (' || r.fiscal_quarters
               || ') x accelerator share ' || s.value_low || '-' || s.value_high || ' / ASP '
               || p.value_low || '-' || p.value_high || ' USD' as basis,
           s.citation_url || ' ; ' || p.citation_url || ' ; ' || r.citation_urls as citation,
           r.source_id, r.source_vintage
    from chip_datacenter_revenue_by_calendar_year r
    join assumption s on s.vendor = 'NVIDIA' and s.parameter = 'accelerator_share_fraction' and s.year = r.year
    join assumption p on p.vendor = 'NVIDIA' and p.parameter = 'asp_usd' and p.year = r.year
    where r.company = 'NVIDIA'
)
select vendor, year, 'cited_units' as method, product_family, units_low,
       case when units_high is null then units_low else (units_low + units_high) / 2 end as units_central,
       units_high, is_forecast, basis, citation, source_id, source_vintage
from cited
union all
select vendor, year, 'revenue_derived' as method, product_family, units_low, units_central, units_high,
       is_forecast, basis, citation, source_id, source_vintage
from derived
order by vendor, year, method, product_family;

-- The best estimate per vendor and year, for the fleet: a cited figure of the vendor's own
-- (not an "all vendors" total) where one exists (the largest product family when several do),
-- else the revenue-derived range. `method` says which.
create or replace view accelerator_unit_sales_best as
select * exclude (preference) from (
    select *, row_number() over (partition by vendor, year
                                 order by method = 'cited_units' desc, units_central desc) as preference
    from accelerator_unit_sales
    where vendor <> 'all'
)
where preference = 1;
