-- requires: chip_revenue_by_market, chip_company_financials
-- Total revenue per fiscal period from the earnings releases (chip_revenue_by_market, market =
-- 'total') beside SEC XBRL companyfacts (chip_company_financials, us-gaap Revenues), matched on
-- the company's CIK and the period's first and last day. Fiscal years are the sum of their four
-- release quarters. Periods only one source has are listed with the other side NULL, so a
-- reader sees what was not compared: with the recorded archive, companyfacts holds NVIDIA
-- FY2026 Q1-Q3 and the FY2025/FY2026 totals (and FY2027 quarters the releases do not reach).
--
--   from chip_revenue_sec_comparison(1e6);   -- tolerance in USD
create or replace macro chip_revenue_sec_comparison(tolerance_usd) as table
with release_quarters as (
    select cik, company, fiscal_year, fiscal_quarter as fiscal_period, period_start, period_end, revenue_usd
    from chip_revenue_by_market where market = 'total'
),
release_years as (
    select cik, any_value(company) as company, fiscal_year, 'FY' as fiscal_period,
           min(period_start) as period_start, max(period_end) as period_end, sum(revenue_usd) as revenue_usd
    from release_quarters group by cik, fiscal_year having count(*) = 4
),
releases as (select * from release_quarters union all by name select * from release_years),
sec as (
    select cik, fiscal_year, fiscal_period, period_start, period_end, value as revenue_usd, accn
    from chip_company_financials where metric = 'Revenues' and unit = 'USD'
)
select coalesce(r.company, s.cik) as company, coalesce(r.fiscal_year, s.fiscal_year) as fiscal_year,
       coalesce(r.fiscal_period, s.fiscal_period) as fiscal_period,
       coalesce(r.period_end, s.period_end) as period_end,
       r.revenue_usd as release_revenue_usd, s.revenue_usd as sec_revenue_usd,
       r.revenue_usd - s.revenue_usd as difference_usd,
       abs(r.revenue_usd - s.revenue_usd) <= tolerance_usd as agrees,
       s.accn as sec_accession
from releases r
full join sec s on s.cik = r.cik and s.period_start = r.period_start and s.period_end = r.period_end
order by coalesce(r.cik, s.cik), period_end, fiscal_period;
