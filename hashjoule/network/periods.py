"""Dates and periods given by users: parsed, checked against the data, and selected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.errors import InputError


def parse_day(value, name: str) -> pd.Timestamp:
    """A day from a string (``YYYY-MM-DD``), date or timestamp, checked.

    Parameters
    ----------
    value : str or datetime-like
        The day.
    name : str
        Name of the argument, for the error message.

    Raises
    ------
    hashjoule.errors.InputError
        If ``value`` is not a valid day.
    """
    if isinstance(value, (bool, int, float, np.number)):  # pandas would read a number as nanoseconds
        raise InputError.single(name, "", "a day written YYYY-MM-DD", repr(value))
    try:
        if isinstance(value, str):  # strictly a calendar day: not "2021", "20210101" or a time
            day = pd.to_datetime(value.strip(), format="%Y-%m-%d")
        else:
            day = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise InputError.single(name, "", "a day written YYYY-MM-DD", repr(value)) from None
    if pd.isna(day):
        raise InputError.single(name, "", "a day written YYYY-MM-DD", repr(value))
    return day.normalize()


def select_period(ds: xr.Dataset, start=None, end=None) -> xr.Dataset:
    """The days ``start`` to ``end`` (both included) of a daily Dataset, checked.

    Parameters
    ----------
    ds : xarray.Dataset
        Data with a daily ``time`` coordinate.
    start, end : str or datetime-like, optional
        First and last day; default the first and last day of ``ds``.

    Raises
    ------
    hashjoule.errors.InputError
        If a day is malformed, ``end`` is before ``start``, or the period is not
        inside the data.
    """
    first, last = pd.Timestamp(ds.time.values[0]), pd.Timestamp(ds.time.values[-1])
    lo = first if start is None else parse_day(start, "start")
    hi = last if end is None else parse_day(end, "end")
    span = f"a day from {first:%Y-%m-%d} to {last:%Y-%m-%d} (the bundled data)"
    for name, day in (("start", lo), ("end", hi)):
        if not first <= day <= last:
            raise InputError.single(name, "", span, f"{day:%Y-%m-%d}")
    if hi < lo:
        raise InputError.single("end", "", f"a day on or after start ({lo:%Y-%m-%d})", f"{hi:%Y-%m-%d}")
    return ds.sel(time=slice(lo, hi))
