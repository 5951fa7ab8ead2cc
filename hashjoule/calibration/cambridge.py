"""How close the ``cbeci`` estimator comes to the published Cambridge index.

The bundled Cambridge series was served in September 2023, after CCAF revised its
method (new hardware list and weights, 2023); the original method that ``cbeci``
implements is the one that produced the series up to 2022. The ratio is therefore
expected near 1 before 2021 and to drift after (see docs/historical-estimates.md).
"""

from __future__ import annotations

import pandas as pd
import xarray as xr

from hashjoule.data import cambridge_series


def ratio_to_cambridge(estimate_ds: xr.Dataset) -> xr.DataArray:
    """Daily ratio of the ``cbeci`` best guess to the Cambridge series at the same price.

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        From :func:`hashjoule.simulation.estimators.estimate` with ``cbeci`` among its
        estimators and an electricity price the Cambridge series has (0.01..0.19 USD/kWh).

    Returns
    -------
    ratio : xarray.DataArray
        Over the days both series cover. [1]
    """
    price = round(float(estimate_ds.attrs["electricity_price_usd_per_kwh"]), 2)
    cambridge = cambridge_series()
    if price not in cambridge.electricity_price.values:
        raise ValueError(f"the Cambridge series has no column for {price} USD/kWh")
    ours = estimate_ds.annualised_energy.sel(estimator="cbeci", bound="best")
    ratio = ours / cambridge.sel(electricity_price=price, drop=True)
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
