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

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.estimates.accounting import household, household_years, period_account
from hashjoule.estimates.cambridge import cambridge_at
from hashjoule.estimates.estimators import DEFAULT_PRICE_USD_PER_KWH, estimate

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


def _bounds(values: xr.DataArray) -> tuple[float, float, float]:
    return tuple(float(values.sel(bound=b)) for b in ("lower", "best", "upper"))


def _triple(values: xr.DataArray, fmt: str) -> str:
    lo, mid, hi = _bounds(values)
    return f"{mid:{fmt}} (bounds {lo:{fmt}} to {hi:{fmt}})"


def _inside(values: xr.DataArray, claim: float) -> bool:
    lo, _, hi = _bounds(values)
    return lo <= claim <= hi


def _times(values: xr.DataArray, claim: float) -> str:
    factor = _bounds(values)[1] / claim
    return f"{factor:,.0f}" if factor >= 10 else f"{factor:.2g}"


def _profitable_hardware(ds: xr.Dataset, start: str, end: str) -> bool:
    """Whether the CBECI method counted any model on some day of the period (else it only
    repeats an old value, by its rule)."""
    return bool((ds.cbeci_models_counted.sel(time=slice(start, end)) > 0).any())


def _no_estimate(claim: str, year: int, price: float) -> Verdict:
    return Verdict(
        claim=claim,
        findings=[f"At {price:g} USD/kWh the original Cambridge method finds no profitable hardware in {year}."],
        verdict="Cannot be tested at this electricity price.",
        sources=["CCAF, Cambridge Bitcoin Electricity Consumption Index methodology (ccaf.io/cbnsi/cbeci/methodology)"],
    )


def check_annual_energy(year: int = 2021, price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH,
                        ds: xr.Dataset | None = None) -> Verdict:
    """Test '134 billion kWh a year' against the estimators for a calendar year."""
    claim = f"Bitcoin mining uses {ARTICLE_TWH_PER_YEAR:.0f} billion kWh (TWh) a year."
    start, end = f"{year}-01-01", f"{year}-12-31"
    ds = estimate(price_usd_per_kwh) if ds is None else ds
    consumed = period_account(ds, start, end).energy.sel(estimator="cbeci")  # also checks the year
    lo, mid, hi = _bounds(consumed)
    if not (np.isfinite([lo, mid, hi]).all() and _profitable_hardware(ds, start, end)):
        return _no_estimate(claim, year, price_usd_per_kwh)
    best = ds.annualised_energy.sel(estimator="cbeci", bound="best", time=slice(start, end)).to_series()
    above = best.index[best >= ARTICLE_TWH_PER_YEAR]

    verdict = Verdict(claim=claim)
    verdict.findings = [
        f"Electricity consumed in {year}, original Cambridge method at {price_usd_per_kwh:g} USD/kWh: "
        f"{mid:.1f} TWh (bounds {lo:.1f} to {hi:.1f} TWh).",
        f"Annualised rate (power x 8766 h), same method: {best.min():.1f} to {best.max():.1f} TWh/yr over {year}, "
        f"peak on {best.idxmax():%Y-%m-%d}; at or above {ARTICLE_TWH_PER_YEAR:.0f} TWh/yr on {len(above)} days "
        f"({_runs(above)}).",
    ]
    cambridge = cambridge_at(price_usd_per_kwh)
    if cambridge is None:
        verdict.findings.append(f"The published Cambridge series has no column for {price_usd_per_kwh:g} USD/kWh.")
    else:
        cambridge = cambridge.sel(time=slice(start, end))
        verdict.findings.append(
            f"Cambridge index as served in 2023 (revised method) at {price_usd_per_kwh:g} USD/kWh: "
            f"{float(cambridge.sum()) / 365.25:.1f} TWh consumed in {year}, "  # daily annualised -> the year's energy
            f"peak annualised {float(cambridge.max()):.1f} TWh/yr.")
    if "cbeci2023" in ds.estimator.values:
        lo23, mid23, hi23 = _bounds(period_account(ds, start, end).energy.sel(estimator="cbeci2023"))
        verdict.findings.append(
            f"Electricity consumed in {year}, Cambridge method as revised in 2023 (hardware weighted by age, "
            f"the 2020 hardware list plus seven dated machines to 2022) at {price_usd_per_kwh:g} USD/kWh: "
            f"{mid23:.1f} TWh (bounds {lo23:.1f} to {hi23:.1f} TWh).")
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
    claim = "Mining one bitcoin uses the electricity a family of three uses in a year."
    start, end = f"{year}-01-01", f"{year}-12-31"
    ds = estimate(price_usd_per_kwh) if ds is None else ds
    china, us = household("china3"), household("us")
    account = period_account(ds, start, end, home=china).sel(estimator="cbeci")
    per_btc = account.energy_per_btc
    if not (np.isfinite(_bounds(per_btc)).all() and _profitable_hardware(ds, start, end)):
        return _no_estimate(claim, year, price_usd_per_kwh)
    china_years = account.household_years_per_btc
    verdict = Verdict(claim=claim)
    verdict.findings = [
        f"Electricity per bitcoin minted in {year} (subsidy only, {float(account.btc_minted):,.0f} BTC): "
        f"{_triple(per_btc, ',.0f')} MWh/BTC; with fees ({float(account.btc_with_fees):,.0f} BTC paid to miners): "
        f"{_triple(account.energy_per_btc_with_fees, ',.0f')} MWh/BTC.",
        f"A {china.label} uses {china.kwh_per_year:,.0f} kWh/yr; one bitcoin is "
        f"{_triple(china_years, ',.0f')} such household-years, or "
        f"{_triple(household_years(per_btc, us.kwh_per_year), ',.1f')} years of a {us.label} "
        f"({us.kwh_per_year:,.0f} kWh/yr).",
    ]
    verdict.verdict = (
        f"{'Plausible' if _inside(china_years, 1.0) else 'Not supported'} for a bitcoin: the best guess is "
        f"{_times(china_years, ARTICLE_HOUSEHOLD_YEARS_PER_BTC)} times the claim."
    )
    if np.isfinite(float(account.transactions)):
        tx_years = household_years(account.energy_per_transaction, china.kwh_per_year)
        verdict.findings.append(
            f"Electricity per transaction in {year} (about {float(account.transactions) / 1e6:.1f} million "
            f"transactions, approximated as fees paid / mean fee): {_triple(account.energy_per_transaction, '.2f')} "
            f"MWh, i.e. {_triple(tx_years, '.2f')} years of the {china.label}.")
        fits = _inside(tx_years, ARTICLE_HOUSEHOLD_YEARS_PER_BTC)
        verdict.verdict += (
            f" For one transaction the best guess is {_times(tx_years, ARTICLE_HOUSEHOLD_YEARS_PER_BTC)} times the "
            + ("claim, within the bounds: the claim fits the electricity per transaction, which it may have meant."
               if fits else "claim, outside the bounds too."))
    else:
        verdict.findings.append(
            f"No transaction count for every day of {year} (fees are observed 2016-01-01 to 2022-09-01), "
            "so no per-transaction figure.")
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
