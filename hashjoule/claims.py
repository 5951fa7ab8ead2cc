"""A sourced check of the two claims that started hashjoule.

A news article of December 2021 said that Bitcoin mining used 134 billion kWh a year,
and that one bitcoin costs the electricity a family of three uses in a year. This
module computes what the bundled data and the historical estimators say about both,
and words a verdict from those numbers; nothing here is a stored answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data import cambridge_series
from hashjoule.simulation.accounting import household, period_account
from hashjoule.simulation.estimators import DEFAULT_PRICE_USD_PER_KWH, estimate

#: The article's figure for global mining electricity. [TWh/yr]
ARTICLE_TWH_PER_YEAR = 134.0
#: The article's figure for one bitcoin. [household-yr of a family of three]
ARTICLE_HOUSEHOLD_YEARS_PER_BTC = 1.0


@dataclass
class Verdict:
    """One claim, the numbers that test it, and what they say.

    Attributes
    ----------
    claim : str
        The claim as the article made it.
    findings : list of str
        Numbers, each with its unit and method.
    verdict : str
        The conclusion, worded from the findings.
    sources : list of str
        Where the numbers and constants come from.
    """

    claim: str
    findings: list[str] = field(default_factory=list)
    verdict: str = ""
    sources: list[str] = field(default_factory=list)


def _runs(days: pd.DatetimeIndex) -> str:
    """Consecutive runs of days, written compactly."""
    if days.empty:
        return "no day"
    breaks = np.flatnonzero(np.diff(days.values).astype("timedelta64[D]").astype(int) > 1)
    starts = [days[0], *days[breaks + 1]]
    ends = [*days[breaks], days[-1]]
    return ", ".join(f"{a:%Y-%m-%d}" if a == b else f"{a:%Y-%m-%d} to {b:%Y-%m-%d}" for a, b in zip(starts, ends))


def check_annual_energy(year: int = 2021, price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH,
                        ds: xr.Dataset | None = None) -> Verdict:
    """Test '134 billion kWh a year' against the estimators for a calendar year."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    ds = estimate(price_usd_per_kwh) if ds is None else ds
    account = period_account(ds, start, end)  # checks that the year is inside the data
    best = ds.annualised_energy.sel(estimator="cbeci", bound="best", time=slice(start, end)).to_series()
    consumed = account.energy.sel(estimator="cbeci")
    lo, mid, hi = (float(consumed.sel(bound=b)) for b in ("lower", "best", "upper"))
    above = best.index[best >= ARTICLE_TWH_PER_YEAR]
    cambridge = cambridge_series().sel(electricity_price=0.05, time=slice(start, end))
    cambridge_twh = float(cambridge.sum()) / 365.25  # daily annualised values -> energy of the year

    verdict = Verdict(claim=f"Bitcoin mining uses {ARTICLE_TWH_PER_YEAR:.0f} billion kWh (TWh) a year.")
    verdict.findings = [
        f"Electricity consumed in {year}, original Cambridge method at {price_usd_per_kwh:.2f} USD/kWh: "
        f"{mid:.1f} TWh (bounds {lo:.1f} to {hi:.1f} TWh).",
        f"Annualised rate (power x 8766 h), same method: {best.min():.1f} to {best.max():.1f} TWh/yr over {year}, "
        f"peak on {best.idxmax():%Y-%m-%d}; at or above {ARTICLE_TWH_PER_YEAR:.0f} TWh/yr on {len(above)} days "
        f"({_runs(above)}).",
        f"Cambridge index as served in 2023 (revised method): {cambridge_twh:.1f} TWh consumed in {year}, "
        f"peak annualised {float(cambridge.max()):.1f} TWh/yr.",
    ]
    inside = lo <= ARTICLE_TWH_PER_YEAR <= hi
    verdict.verdict = (
        f"{'Plausible' if inside else 'Not supported'}: {ARTICLE_TWH_PER_YEAR:.0f} TWh is "
        f"{'inside' if inside else 'outside'} the bounds for {year} and {ARTICLE_TWH_PER_YEAR / mid - 1:+.0%} "
        f"against the best guess of electricity actually consumed. "
        + (f"It matches an annualised rate reached on {len(above)} days of the year, a snapshot, not the year's total."
           if len(above) else "No day of the year reached it as an annualised rate.")
    )
    verdict.sources = [
        "CCAF, Cambridge Bitcoin Electricity Consumption Index methodology (ccaf.io/cbnsi/cbeci/methodology)",
        "Coin Metrics community data (hashrate, price; CC BY-NC 4.0); Glassnode fees",
        "CBECI series served Sep 2023 (dataalways/energy-adjusted-cbeci; CC BY-NC 4.0)",
    ]
    return verdict


def check_energy_per_bitcoin(year: int = 2021, price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH,
                             ds: xr.Dataset | None = None) -> Verdict:
    """Test 'one bitcoin costs a family of three a year of electricity' for a calendar year."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    ds = estimate(price_usd_per_kwh) if ds is None else ds
    china = household("china3")
    us = household("us")
    account = period_account(ds, start, end, home=china).sel(estimator="cbeci")

    def triple(values, fmt):
        lo, mid, hi = (float(values.sel(bound=b)) for b in ("lower", "best", "upper"))
        return f"{mid:{fmt}} (bounds {lo:{fmt}} to {hi:{fmt}})"

    per_btc = account.energy_per_btc
    per_tx = account.energy_per_transaction
    china_years = per_btc * 1e3 / china.kwh_per_year
    tx_china_years = per_tx * 1e3 / china.kwh_per_year
    verdict = Verdict(claim="Mining one bitcoin uses the electricity a family of three uses in a year.")
    verdict.findings = [
        f"Electricity per bitcoin minted in {year} (subsidy only, {float(account.btc_minted):,.0f} BTC): "
        f"{triple(per_btc, ',.0f')} MWh/BTC; with fees ({float(account.btc_with_fees):,.0f} BTC paid to miners): "
        f"{triple(account.energy_per_btc_with_fees, ',.0f')} MWh/BTC.",
        f"A {china.label} uses {china.kwh_per_year:,.0f} kWh/yr; one bitcoin is "
        f"{triple(china_years, ',.0f')} such household-years, or "
        f"{triple(per_btc * 1e3 / us.kwh_per_year, ',.1f')} years of a {us.label} ({us.kwh_per_year:,.0f} kWh/yr).",
        f"Electricity per transaction in {year} (about {float(account.transactions) / 1e6:.1f} million transactions, "
        f"approximated as fees paid / mean fee): {triple(per_tx, '.2f')} MWh, i.e. {triple(tx_china_years, '.2f')} "
        f"years of the {china.label}.",
    ]
    def inside(values):
        return float(values.sel(bound="lower")) <= ARTICLE_HOUSEHOLD_YEARS_PER_BTC <= float(values.sel(bound="upper"))

    def times(values):
        factor = float(values.sel(bound="best")) / ARTICLE_HOUSEHOLD_YEARS_PER_BTC
        return f"{factor:,.0f}" if factor >= 10 else f"{factor:.2g}"

    verdict.verdict = (
        f"{'Plausible' if inside(china_years) else 'Not supported'} for a bitcoin: the best guess is "
        f"{times(china_years)} times the claim. For one transaction the best guess is {times(tx_china_years)} "
        f"times the claim, "
        f"{'within' if inside(tx_china_years) else 'outside'} the bounds: the article may have meant a transaction."
    )
    verdict.sources = [
        "CCAF CBECI methodology; Coin Metrics and Glassnode daily data (see PROVENANCE.md)",
        f"China household: {china.source}",
        f"US household: {us.source}",
    ]
    return verdict


def check_claims(year: int = 2021, price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH) -> list[Verdict]:
    """Both checks, from one estimate."""
    ds = estimate(price_usd_per_kwh)
    return [check_annual_energy(year, price_usd_per_kwh, ds), check_energy_per_bitcoin(year, price_usd_per_kwh, ds)]
