"""Summaries over draws of each draw's annual totals: quantiles by region and for the
network, totals over the whole run, and the probability that the network's annual energy
exceeds a threshold (the article's 134 TWh by default). The draws' totals are exact (one
number a draw and year), so these are numpy's quantiles, not the binned ones of
:mod:`~hashjoule.simulation.reduce`.

They take the draws a slice at a time: for 100,000 draws over 15 years and 17 regions (389
MiB of totals) they allocate 55 MiB at most, their results included, where xarray's sums
over the whole array and numpy's quantiles of it had taken 464 MiB."""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.simulation.histograms import QUANTILES

#: Draws' values taken in one call by the sums and quantiles over draws below: numpy copies
#: what it sorts and xarray what it sums with NaN skipped, so this bounds the copies. [bytes]
CHUNK_BYTES = 2**20


def annual_summaries(ds: xr.Dataset, thresholds_twh=(ARTICLE_TWH_PER_YEAR,)) -> xr.Dataset:
    """Quantiles over draws of the annual totals (by region and for the network), totals over
    the whole run per draw and their quantiles, and the probability that the network's annual
    energy exceeds each threshold."""
    out = {}  # built whole, then made a Dataset once: each assignment to one aligns it again
    network = {}
    for name in ("annual_energy", "annual_co2"):
        var = ds[name]
        attrs = var.attrs
        out[f"{name}_quantiles"] = _draw_quantiles(var).assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, quantiles over draws"})
        network[name] = draw_sum(var, "region")
        out[f"{name}_network_quantiles"] = _draw_quantiles(network[name]).assign_attrs(
            {**attrs, "long_name": f"{attrs['long_name']}, network total, quantiles over draws"})
    for name in ("annual_energy", "annual_co2"):
        period = name.replace("annual_", "period_")
        var = draw_sum(ds[name], "year").assign_attrs(units=ds[name].attrs["units"],
                                                long_name=ds[name].attrs["long_name"].replace("in the year", "over the run"))
        out[period] = var
        out[f"{period}_network_quantiles"] = _draw_quantiles(draw_sum(var, "region")).assign_attrs(
            {**var.attrs, "long_name": f"{var.attrs['long_name']}, network total, quantiles over draws"})
    total = network["annual_energy"]
    threshold = xr.DataArray(list(map(float, thresholds_twh)), dims="threshold", attrs={"units": "TWh"})
    whole = ds.days >= 365  # a part of a year is not compared with an annual threshold
    out["annual_energy_exceedance"] = ((total > threshold).mean("draw").where(whole)
                                       .assign_attrs(units="1", long_name="probability that the network's annual "
                                                     "electricity use exceeds the threshold (NaN for a part of a year)"))
    return xr.Dataset(out, coords={"quantile": ("quantile", list(QUANTILES), {"units": "1"}),
                                   "threshold": threshold})


def draw_sum(var: xr.DataArray, dim: str | list[str]) -> xr.DataArray:
    """``var.sum(dim)``, NaN counted as 0 (a region a draw does not have), a slice of draws at
    a time (:func:`by_draws`): xarray writes 0 for NaN into a copy of what it sums, and the
    copy and its mask of every draw's annual totals at once were twice their size."""
    return by_draws(lambda part: part.sum(dim), var)


def by_draws(function, var: xr.DataArray) -> xr.DataArray:
    """``function(var)`` for a ``function`` that treats each draw apart (a sum over years or
    regions, say), taken on :data:`CHUNK_BYTES` of draws at a time so that its temporaries
    stay that small; the numbers are those of one call on the whole."""
    draws = var.sizes["draw"]
    step = max(1, CHUNK_BYTES * draws // max(var.nbytes, 1))
    first = function(var.isel(draw=slice(0, step)))
    if step >= draws:
        return first
    axis = first.dims.index("draw")
    out = xr.DataArray(np.empty(first.shape[:axis] + (draws,) + first.shape[axis + 1:], first.dtype),
                       dims=first.dims, name=first.name, attrs=first.attrs,
                       coords={name: var.coords[name] if "draw" in coord.dims else coord
                               for name, coord in first.coords.items()})
    out.data[(slice(None),) * axis + (slice(0, step),)] = first.data
    for start in range(step, draws, step):
        out.data[(slice(None),) * axis + (slice(start, start + step),)] = function(
            var.isel(draw=slice(start, start + step))).data
    return out


def _draw_quantiles(var: xr.DataArray) -> xr.DataArray:
    """Quantiles of ``var`` over draws (:data:`QUANTILES`), NaN skipped, a few columns (the
    draws' values of one year and region, say) at a time.

    numpy's quantile sorts a copy of what it is given, which for every draw's annual totals
    at once is as large as they are. A column's quantiles do not depend on its neighbours',
    so the numbers are the same. The NaN-skipping search, twice as slow, is taken only for
    columns that hold a NaN.
    """
    rest = [dim for dim in var.dims if dim != "draw"]
    data = var.transpose("draw", *rest).data
    columns = data.reshape(data.shape[0], -1)  # a view: "draw" is the first dimension
    out = np.empty((len(QUANTILES), columns.shape[1]))
    step = max(1, CHUNK_BYTES // (columns.itemsize * max(columns.shape[0], 1)))
    for first in range(0, columns.shape[1], step):
        chunk = np.ascontiguousarray(columns[:, first:first + step].T)  # each column's draws in a row
        quantile = np.nanquantile if np.isnan(chunk).any() else np.quantile
        out[:, first:first + step] = quantile(chunk, list(QUANTILES), axis=-1)
    coords = {name: coord for name, coord in var.coords.items() if "draw" not in coord.dims}
    return xr.DataArray(out.reshape(len(QUANTILES), *data.shape[1:]), dims=("quantile", *rest),
                        coords={**coords, "quantile": list(QUANTILES)}, name=var.name, attrs=var.attrs)
