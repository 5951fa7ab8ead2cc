"""Electricity prices as data: the US industrial monthly price, the prices miners reported,
and a user's own price file, each checked and in USD/kWh.

How these become the daily price of the estimators' profitability test is in
:mod:`hashjoule.estimates.prices`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data.catalogue import FileSpec
from hashjoule.data.loaders import read_checked, read_table
from hashjoule.errors import InputError

#: US cents per US dollar.
CENTS_PER_USD = 100.0
#: Column of a user's price file. [USD/kWh]
USER_PRICE_COLUMN = "price_usd_per_kwh"
#: A user's price file: a price per day (``date``) or per month (``month``).
USER_PRICE_SPECS = {
    "date": FileSpec("(your file)", "Electricity price per day.", {USER_PRICE_COLUMN: "USD/kWh"}, time="date"),
    "month": FileSpec("(your file)", "Electricity price per month.", {USER_PRICE_COLUMN: "USD/kWh"},
                      time="month", time_format="month"),
}


def us_industrial_price(directory=None) -> xr.DataArray:
    """US average industrial retail electricity price by month (EIA), 2015-01 to 2022-10.

    Returns
    -------
    price : xarray.DataArray
        Over ``time`` (first day of each month). [USD/kWh]
    """
    df = read_table("us_eia_industrial_electricity_price_monthly", directory)
    return xr.DataArray(
        df.us_industrial_avg_retail_price_cents_per_kwh.to_numpy() / CENTS_PER_USD, dims="time",
        coords={"time": df.month.to_numpy()}, name="us-industrial",
        attrs={"units": "USD/kWh", "long_name": "US average industrial retail electricity price (monthly)",
               "source": f"US EIA, Electric Power Monthly, {df.attrs['source']}"})


def cny_per_usd(directory=None) -> pd.Series:
    """Annual average exchange rate, indexed by year. [CNY/USD]"""
    df = read_table("cny_usd_exchange_rate_annual", directory)
    return pd.Series(df.cny_per_usd.to_numpy(), index=df.year.astype(int).to_numpy())


def reported_prices_usd(directory=None) -> pd.DataFrame:
    """Electricity prices miners reported, one row per report, in USD/kWh.

    The price of a report is the middle of its range (its high value when only that is
    given); CNY prices are converted at the annual average rate of the report's year.
    Reports in another currency (RUB: Irkutsk) are left out, as no exchange rate is
    bundled for it.

    Returns
    -------
    reports : pandas.DataFrame
        Columns ``region``, ``country``, ``year`` and ``price_usd_per_kwh`` [USD/kWh].
    """
    df = read_table("mining_electricity_prices_reported", directory)
    rates = cny_per_usd(directory)
    year = df.period.str.slice(0, 4).astype(int)
    middle = np.where(np.isnan(df.price_low), df.price_high, (df.price_low + df.price_high) / 2)
    per_usd = np.where(df.currency == "USD", 1.0,
                       np.where(df.currency == "CNY", rates.reindex(year).to_numpy(), np.nan))
    out = pd.DataFrame({"region": df.region, "country": df.country, "year": year,
                        "price_usd_per_kwh": middle / per_usd})
    return out[np.isfinite(out.price_usd_per_kwh)].reset_index(drop=True)


def mining_map_country_shares(directory=None) -> xr.DataArray:
    """Share of global hashrate by country and month (Cambridge Mining Map), 2019-09 to 2022-01.

    Returns
    -------
    shares : xarray.DataArray
        (time x country), time the first day of each month. [1]
    """
    df = read_table("cbeci_mining_map_countries_monthly", directory)
    table = df.pivot_table(index="month", columns="country", values="hashrate_share_pct", aggfunc="sum")
    return xr.DataArray(table.to_numpy() / 100.0, dims=("time", "country"),
                        coords={"time": table.index.to_numpy(), "country": table.columns.to_numpy(dtype=str)},
                        attrs={"units": "1", "long_name": "share of global hashrate",
                               "source": f"Cambridge Mining Map (CC BY-NC 4.0), {df.attrs['source']}"})


def user_price(path) -> xr.DataArray:
    """A user's electricity price file, checked.

    The file is a CSV table with a ``date`` (YYYY-MM-DD) or a ``month`` (YYYY-MM)
    column, in increasing order, and a ``price_usd_per_kwh`` column. [USD/kWh]

    Returns
    -------
    price : xarray.DataArray
        Over ``time`` (days, or first days of months). [USD/kWh]
    """
    path = Path(path)
    header = _header(path)
    kind = "month" if "month" in header and "date" not in header else "date"
    df = read_checked(path, USER_PRICE_SPECS[kind], str(path))
    values = df[USER_PRICE_COLUMN].to_numpy()
    zero = np.flatnonzero(values <= 0)
    if zero.size:
        raise InputError.single(str(path), f"line {int(zero[0]) + 2}, column {USER_PRICE_COLUMN!r}",
                                "a positive price [USD/kWh]", str(values[zero[0]]))
    return xr.DataArray(values, dims="time", coords={"time": df[kind].to_numpy()}, name=path.name,
                        attrs={"units": "USD/kWh", "long_name": f"electricity price per {'day' if kind == 'date' else 'month'}",
                               "source": f"user file {path}"})


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as stream:
            return [c.strip() for c in stream.readline().split(",")]
    except OSError:
        return []  # the checked read names the problem
