"""Electricity prices that vary over time and by region, for the estimators' profitability test.

The Cambridge index tests every machine against one flat price, 0.05 USD/kWh, the
assumption its critics question most (e.g. de Vries 2020, Joule 4:1, comment on the
index's price). Three series can replace it, by name:

``us-industrial``
    The US average industrial retail price, by month (EIA): varies over time only.
``reported``
    By region and over time: the price each country's miners reported (the mean of
    its reports, in USD/kWh; see :func:`hashjoule.data.prices.reported_prices_usd`)
    weighted by the country's share of the global hashrate in each month of the
    Cambridge Mining Map (2019-09 to 2022-01), over the countries with a reported
    price (China, the United States, Kazakhstan, Iran). Before and after the map's
    months the first and last month's shares are kept.
a file path
    The user's own prices (:func:`hashjoule.data.prices.user_price`).

A monthly price applies to every day of its month; before a series' first value and
after its last, its first and last values are kept (recorded in the attributes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data.prices import (mining_map_country_shares, reported_prices_usd, us_industrial_price,
                                   user_price)
from hashjoule.errors import InputError
from hashjoule.estimates.accounting import period_account
from hashjoule.estimates.estimators import estimate
from hashjoule.network.history import daily_inputs

#: Bundled price series by name.
BUNDLED = ("us-industrial", "reported")
#: Mining Map country names of the countries in the reported prices.
MAP_COUNTRY = {"China": "Mainland China", "United States": "United States", "Kazakhstan": "Kazakhstan",
               "Iran": "Iran, Islamic Rep.", "Russia": "Russian Federation"}


def reported_regional_price() -> xr.DataArray:
    """Monthly hashrate-weighted mean of the countries' reported mining prices.

    p(m) = sum_c s_c(m) p_c / sum_c s_c(m), over the countries c with a reported price
    p_c [USD/kWh] (mean of their reports) and their Mining Map share s_c(m) in month m.

    Returns
    -------
    price : xarray.DataArray
        Over ``time`` (first days of months, 2019-09 to 2022-01). [USD/kWh]
    """
    reports = reported_prices_usd()
    by_country = reports.groupby("country").price_usd_per_kwh.mean()
    shares = mining_map_country_shares()
    mapped = [c for c in by_country.index if MAP_COUNTRY.get(c) in shares.country.values]
    if not mapped:
        raise InputError.single(shares.attrs["source"], "column 'country'",
                                f"one or more of {', '.join(MAP_COUNTRY.values())}", "none of them")
    names = [MAP_COUNTRY[c] for c in mapped]
    prices = xr.DataArray([by_country[c] for c in mapped], dims="country", coords={"country": names})
    weights = shares.sel(country=names)
    price = (weights * prices).sum("country") / weights.sum("country")
    listed = ", ".join(f"{c} {by_country[c]:.3f}" for c in mapped)
    return price.rename("reported").assign_attrs(
        units="USD/kWh", long_name="reported mining electricity price, weighted by Mining Map country shares",
        source=f"mining_electricity_prices_reported.csv (country means, USD/kWh: {listed}); {shares.attrs['source']}")


def price_series(name_or_path: str) -> xr.DataArray:
    """A price series by bundled name (:data:`BUNDLED`) or from a user CSV file. [USD/kWh]"""
    if name_or_path == "us-industrial":
        return us_industrial_price()
    if name_or_path == "reported":
        return reported_regional_price()
    if not Path(name_or_path).exists():
        raise InputError.single("price series", "", f"one of {', '.join(BUNDLED)} or an existing CSV file",
                                repr(name_or_path))
    return user_price(name_or_path)


def daily(series: xr.DataArray, days) -> xr.DataArray:
    """A price series on given days: each day takes the latest value at or before it;
    days before the first value take the first.

    Parameters
    ----------
    series : xarray.DataArray
        Over ``time`` (days or first days of months). [USD/kWh]
    days : array_like of datetime64
        The days wanted.

    Returns
    -------
    price : xarray.DataArray
        Over ``time`` = days, with ``covered_from`` and ``covered_to`` attributes. [USD/kWh]
    """
    index = pd.DatetimeIndex(np.asarray(days, dtype="datetime64[ns]"))
    values = series.to_series().sort_index()
    on_days = values.reindex(values.index.union(index)).ffill().bfill().reindex(index)
    first, last = values.index[0], values.index[-1]
    return xr.DataArray(on_days.to_numpy(), dims="time", coords={"time": index}, name=series.name,
                        attrs={**series.attrs, "covered_from": f"{first:%Y-%m-%d}", "covered_to": f"{last:%Y-%m-%d}",
                               "outside": "first and last values kept"})


def compare_prices(flat_price_usd_per_kwh: float, series=BUNDLED, estimator: str = "cbeci",
                   inputs: xr.Dataset | None = None) -> xr.Dataset:
    """One estimator's best guess at a flat price and at each varying price series.

    Parameters
    ----------
    flat_price_usd_per_kwh : float
        The flat price. [USD/kWh]
    series : sequence of str
        Bundled series names or CSV paths.
    estimator : str
        ``cbeci`` or ``cbeci2023`` (best guess) or ``stoll2019`` (upper bound).
    inputs : xarray.Dataset, optional
        Daily inputs; default the bundled (or the user's) record.

    Returns
    -------
    comparison : xarray.Dataset
        ``annualised_energy`` [TWh/yr] and ``energy`` [GWh] over (time, case), ``case``
        "flat" then the series; ``price`` [USD/kWh] over (time, case).
    """
    inputs = daily_inputs() if inputs is None else inputs
    bound = "upper" if estimator == "stoll2019" else "best"
    days = inputs.time.values
    prices = {"flat": xr.DataArray(np.full(days.size, flat_price_usd_per_kwh), dims="time", coords={"time": days})}
    prices.update({str(s): daily(price_series(s), days) for s in series})
    runs = {case: estimate(flat_price_usd_per_kwh, estimator, inputs=inputs,
                           price_series=None if case == "flat" else price)
            for case, price in prices.items()}
    case = xr.DataArray(list(runs), dims="case", name="case")
    pick = {"estimator": estimator, "bound": bound}
    return xr.Dataset(
        {"annualised_energy": xr.concat([r.annualised_energy.sel(pick, drop=True) for r in runs.values()], case),
         "energy": xr.concat([r.energy.sel(pick, drop=True) for r in runs.values()], case),
         "price": xr.DataArray(np.stack([p.to_numpy() for p in prices.values()], axis=1), dims=("time", "case"),
                               coords={"time": days, "case": case},
                               attrs={"units": "USD/kWh", "long_name": "electricity price of the profitability test"})},
        attrs={"estimator": estimator, "bound": bound,
               "sources": "; ".join(f"{s}: {prices[str(s)].attrs.get('source', '')}" for s in series)},
    )


def yearly_effect(comparison: xr.Dataset, years=(2021, 2022)) -> pd.DataFrame:
    """Electricity consumed in each year under each price, and the change against the flat price.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by year; columns ``<case> [TWh]`` and ``<case> change`` (fraction) for
        every varying case.
    """
    rows = {}
    for year in years:
        twh = comparison.energy.sel(time=str(year)).sum("time") / 1e3
        row = {f"{case} [TWh]": float(twh.sel(case=case)) for case in comparison.case.values}
        row.update({f"{case} change": float(twh.sel(case=case) / twh.sel(case="flat") - 1)
                    for case in comparison.case.values if case != "flat"})
        rows[year] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")


def period_effect_text(flat_price_usd_per_kwh: float, methods, varying: xr.Dataset, account: xr.Dataset) -> str:
    """Lines comparing a period's electricity under a price series with the flat price.

    Parameters
    ----------
    flat_price_usd_per_kwh : float
        The flat price compared with. [USD/kWh]
    methods : str or sequence of str
        The estimators of ``varying``.
    varying : xarray.Dataset
        An estimate with a price series, over the period.
    account : xarray.Dataset
        Its :func:`~hashjoule.estimates.accounting.period_account`.
    """
    first, last = (str(varying.time.values[i])[:10] for i in (0, -1))
    flat = period_account(estimate(flat_price_usd_per_kwh, methods, first, last))
    lines = [f"Electricity price series {varying.attrs['electricity_price_series']} "
             f"({varying.attrs['electricity_price_series_source']}), against a flat {flat_price_usd_per_kwh:g} "
             f"USD/kWh, energy consumed {first} to {last} [TWh]:"]
    for estimator in varying.estimator.values:
        bound = "upper" if estimator == "stoll2019" else "best"
        with_series = float(account.energy.sel(estimator=estimator, bound=bound))
        fixed = float(flat.energy.sel(estimator=estimator, bound=bound))
        if estimator != "digiconomist" and fixed > 0:
            lines.append(f"  {estimator:<13}{bound:<6} flat {fixed:10.1f}   varying {with_series:10.1f}   "
                         f"change {with_series / fixed - 1:+.1%}")
    return "\n".join(lines)
