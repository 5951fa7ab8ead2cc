"""How close the ``cbeci`` estimator comes to the published Cambridge index.

The bundled Cambridge series was served in September 2023, after CCAF revised its
method (new hardware list and weights, 2023); the original method that ``cbeci``
implements is the one that produced the series up to 2022. The ratio is therefore
expected near 1 before 2021 and to drift after (see docs/historical-estimates.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data import cambridge_series


def cambridge_at(price_usd_per_kwh: float) -> xr.DataArray | None:
    """The Cambridge series [TWh/yr] at exactly this electricity price, or None if it has no such column."""
    cambridge = cambridge_series()
    match = np.flatnonzero(np.isclose(cambridge.electricity_price.values, price_usd_per_kwh, rtol=0, atol=1e-9))
    return cambridge.isel(electricity_price=int(match[0]), drop=True) if match.size else None


def ratio_to_cambridge(estimate_ds: xr.Dataset) -> xr.DataArray:
    """Daily ratio of the ``cbeci`` best guess to the Cambridge series at the same price.

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        From :func:`hashjoule.estimates.estimators.estimate` with ``cbeci`` among its
        estimators and an electricity price the Cambridge series has (0.01..0.19 USD/kWh).

    Returns
    -------
    ratio : xarray.DataArray
        Over the days both series cover. [1]
    """
    cambridge = cambridge_at(float(estimate_ds.attrs["electricity_price_usd_per_kwh"]))
    if cambridge is None:
        raise ValueError("the Cambridge series has columns for 0.01 to 0.19 USD/kWh only, by 0.01")
    ours = estimate_ds.annualised_energy.sel(estimator="cbeci", bound="best")
    ratio = ours / cambridge
    return ratio.dropna("time").assign_attrs(units="1", long_name="cbeci best guess / Cambridge index")


def yearly_median_ratio(estimate_ds: xr.Dataset) -> pd.DataFrame:
    """Median, 10th and 90th percentile of the daily ratio for every calendar year.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by year; columns ``median``, ``p10``, ``p90``, ``days``.
    """
    ratio = ratio_to_cambridge(estimate_ds).to_series()
    grouped = ratio.groupby(ratio.index.year)
    return pd.DataFrame({"median": grouped.median(), "p10": grouped.quantile(0.1),
                         "p90": grouped.quantile(0.9), "days": grouped.size()}).rename_axis("year")
