"""Observed calibration targets from the bundled data, each cut off at a day.

The fits' target, the daily network hashrate, is returned only up to and including the
cut-off day ``until`` (and smoothed after the cut), so a fit that receives it from here
cannot see what happened after its cut-off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.network.history import daily_inputs
from hashjoule.network.periods import parse_day

#: Days of the trailing mean that smooths the daily hashrate (one-day values carry the
#: Poisson noise of ~144 blocks, about 8 %). [d]
SMOOTHING_DAYS = 7


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
        raise InputError.single("until", "", "a date YYYY-MM-DD", repr(str(until))) from None
    if not first <= day <= last:
        raise InputError.single("until", "", f"a day from {first:%Y-%m-%d} to {last:%Y-%m-%d} (the bundled data)",
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
