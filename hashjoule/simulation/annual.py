"""Summaries over draws of each draw's annual totals: quantiles by region and for the
network, totals over the whole run, and the probability that the network's annual energy
exceeds a threshold (the article's 134 TWh by default). The draws' totals are exact (one
number a draw and year), so these are numpy's quantiles, not the binned ones of
:mod:`~hashjoule.simulation.reduce`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.simulation.histograms import QUANTILES


def annual_summaries(ds: xr.Dataset, thresholds_twh=(ARTICLE_TWH_PER_YEAR,)) -> xr.Dataset:
    """Quantiles over draws of the annual totals (by region and for the network), totals over
    the whole run per draw and their quantiles, and the probability that the network's annual
    energy exceeds each threshold."""
    out = {}  # built whole, then made a Dataset once: each assignment to one aligns it again
    for name in ("annual_energy", "annual_co2"):
        var = ds[name]
        attrs = var.attrs
        out[f"{name}_quantiles"] = _draw_quantiles(var).assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, quantiles over draws"})
        out[f"{name}_network_quantiles"] = _draw_quantiles(var.sum("region")).assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, network total, quantiles over draws"})
    for name in ("annual_energy", "annual_co2"):
        period = name.replace("annual_", "period_")
        var = ds[name].sum("year").assign_attrs(units=ds[name].attrs["units"],
                                                long_name=ds[name].attrs["long_name"].replace("in the year", "over the run"))
        out[period] = var
        out[f"{period}_network_quantiles"] = _draw_quantiles(var.sum("region")).assign_attrs(
            {**var.attrs, "long_name": f"{var.attrs['long_name']}, network total, quantiles over draws"})
    total = ds.annual_energy.sum("region")
    threshold = xr.DataArray(list(map(float, thresholds_twh)), dims="threshold", attrs={"units": "TWh"})
    whole = ds.days >= 365  # a part of a year is not compared with an annual threshold
    out["annual_energy_exceedance"] = ((total > threshold).mean("draw").where(whole)
                                       .assign_attrs(units="1", long_name="probability that the network's annual "
                                                     "electricity use exceeds the threshold (NaN for a part of a year)"))
    return xr.Dataset(out, coords={"quantile": ("quantile", list(QUANTILES), {"units": "1"}),
                                   "threshold": threshold})


def _draw_quantiles(var: xr.DataArray) -> xr.DataArray:
    """Quantiles of ``var`` over draws (:data:`QUANTILES`), NaN skipped; the NaN-skipping
    search, twice as slow, taken only where there is one."""
    return var.quantile(list(QUANTILES), dim="draw", skipna=bool(np.isnan(var.data).any()))
