"""Observed calibration targets from the bundled data, each cut off at a day.

Every function takes ``until`` and returns only data up to and including that day, so a
fit that receives its targets from here cannot see what happened after its cut-off. A
quantity averaged over a window (the Mining Map's launch averages) is returned only if
the whole window ends by ``until``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data import cambridge_series, chain_daily, read_table
from hashjoule.errors import InputError
from hashjoule.network.history import daily_inputs, epoch_hashrate
from hashjoule.network.periods import parse_day

#: Days of the trailing mean that smooths the daily hashrate (one-day values carry the
#: Poisson noise of ~144 blocks, about 8 %). [d]
SMOOTHING_DAYS = 7
#: Last day of the Mining Map's launch averages (Sep 2019 - Apr 2020, CCAF).
LAUNCH_AVERAGE_END = "2020-04-30"


def cutoff(until, first=None, last=None) -> pd.Timestamp:
    """The cut-off as a day, checked against the span of the data.

    Parameters
    ----------
    until : str or datetime-like
        Last day of data kept.
    first, last : datetime-like, optional
        Span it must lie in (default: the daily chain data).

    Raises
    ------
    hashjoule.errors.InputError
        For a day that is not a date or lies outside the span.
    """
    if first is None or last is None:
        time = daily_inputs().time.values
        first, last = time[0], time[-1]
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    try:
        day = parse_day(until, "until")
    except InputError:
        raise InputError.single("--until", "", "a date YYYY-MM-DD", repr(str(until))) from None
    if not first <= day <= last:
        raise InputError.single("--until", "", f"a day from {first:%Y-%m-%d} to {last:%Y-%m-%d} (the bundled data)",
                                f"{day:%Y-%m-%d}")
    return day


def _trim(obj, dim: str, until: pd.Timestamp):
    """Keep ``obj`` along ``dim`` up to the end of day ``until``."""
    end = until + pd.Timedelta(days=1)
    return obj.sel({dim: obj[dim] < np.datetime64(end)})


def daily_hashrate(until, smoothing_days: int = SMOOTHING_DAYS) -> xr.DataArray:
    """Network hashrate implied by blocks and difficulty, trailing mean (Coin Metrics). [TH/s]

    The mean is taken after the cut-off is applied, so the last days see no later data.
    """
    data = daily_inputs()
    hashrate = _trim(data.hashrate, "time", cutoff(until, data.time.values[0], data.time.values[-1]))
    out = hashrate.rolling(time=smoothing_days, min_periods=1).mean()
    return out.assign_attrs(units="TH/s", long_name=f"network hashrate, trailing {smoothing_days}-day mean",
                            source="Coin Metrics community data (CC BY-NC 4.0)")


def epoch_hashrate_ehs(until) -> xr.DataArray:
    """Mean hashrate of each difficulty epoch that ended by ``until``, from headers only. [EH/s]"""
    epochs = epoch_hashrate()
    day = cutoff(until, epochs.start.values[0], epochs.end.values[-1])
    done = epochs.end.values < np.datetime64(day + pd.Timedelta(days=1))
    out = epochs.hashrate.isel(epoch=np.flatnonzero(done))
    return out.assign_coords(time=("epoch", epochs.start.values[done])).assign_attrs(
        units="EH/s", source=epochs.attrs["source"])


def difficulty(until) -> xr.DataArray:
    """Mean difficulty of each day's blocks (Coin Metrics). [1]"""
    series = chain_daily().difficulty
    return _trim(series, "time", cutoff(until)).assign_attrs(units="1")


def miners_revenue(until) -> xr.DataArray:
    """Miners' revenue, (subsidy + fees) x price, per day. [USD/day]"""
    data = daily_inputs()
    return _trim(data.revenue, "time", cutoff(until, data.time.values[0], data.time.values[-1]))


def cambridge_consumption(until, price_usd_per_kwh: float = 0.05) -> xr.DataArray:
    """Cambridge index annualised consumption at one electricity price. [TWh/yr]"""
    series = cambridge_series()
    prices = series.electricity_price.values
    if not np.isclose(prices, price_usd_per_kwh, rtol=0, atol=1e-9).any():
        raise InputError.single("price_usd_per_kwh", "", "0.01 to 0.19 USD/kWh in steps of 0.01", str(price_usd_per_kwh))
    day = cutoff(until, series.time.values[0], series.time.values[-1])
    one = series.sel(electricity_price=price_usd_per_kwh, method="nearest")
    return _trim(one, "time", day)


def country_shares(until) -> xr.DataArray:
    """Mining Map share of global hashrate, country x month (month labelled by its first day). [%]

    A month is kept only if it has ended by ``until``.
    """
    table = read_table("cbeci_mining_map_countries_monthly")
    month = pd.to_datetime(table.month.astype(str))
    wide = table.assign(time=month).pivot_table(index="time", columns="country", values="hashrate_share_pct")
    shares = xr.DataArray(wide.to_numpy(), dims=("time", "country"),
                          coords={"time": wide.index.to_numpy(), "country": wide.columns.to_numpy()},
                          name="share", attrs={"units": "%", "long_name": "share of global hashrate",
                                               "source": "Cambridge Mining Map (CC BY-NC 4.0)"})
    month_end = (pd.DatetimeIndex(shares.time.values) + pd.offsets.MonthEnd(0)).values
    day = cutoff(until, shares.time.values[0], month_end[-1])
    return shares.isel(time=np.flatnonzero(month_end <= np.datetime64(day)))


def province_averages(until) -> xr.DataArray:
    """Mining Map launch averages, Sep 2019 - Apr 2020: provinces' share of global hashrate. [%]

    Empty (no province) when ``until`` comes before the end of the averaging window.
    """
    table = read_table("cbeci_mining_map_china_provinces_avg_2019-09_2020-04")
    day = cutoff(until)
    keep = table if day >= pd.Timestamp(LAUNCH_AVERAGE_END) else table.iloc[:0]
    return xr.DataArray(keep.share_of_global_hashrate_pct.to_numpy(dtype=float), dims="province",
                        coords={"province": keep.province.to_numpy()}, name="share",
                        attrs={"units": "%", "long_name": "share of global hashrate, Sep 2019 - Apr 2020 average",
                               "source": "Cambridge Mining Map at launch (CC BY-NC 4.0)"})
