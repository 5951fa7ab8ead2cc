"""Electricity per bitcoin minted over time, with household equivalents."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import OKABE_ITO, caption, household_axes, new_figure, styled

#: Window of the rolling sums of energy and of bitcoins minted. [d]
WINDOW_DAYS = 30


def energy_per_btc_rolling(estimate: xr.Dataset, window_days: int = WINDOW_DAYS) -> xr.DataArray:
    """Electricity per bitcoin of subsidy over a trailing window.

    Parameters
    ----------
    estimate : xarray.Dataset
        With ``energy`` [GWh/day] over (time, estimator, bound) and ``subsidy`` [BTC/day].
    window_days : int
        Days summed for both energy and bitcoins. [d]

    Returns
    -------
    xarray.DataArray
        Over (time, estimator, bound). [MWh/BTC]
    """
    energy = estimate.energy.rolling(time=window_days).sum()
    minted = estimate.subsidy.rolling(time=window_days).sum()
    return (energy * 1e3 / minted).assign_attrs(
        units="MWh/BTC", long_name=f"electricity per bitcoin minted, trailing {window_days} days (subsidy only)")


@styled
def energy_per_bitcoin(estimate: xr.Dataset, households: dict[str, float],
                       window_days: int = WINDOW_DAYS, start=None) -> Figure:
    """Electricity per bitcoin minted (cbeci lower, best and upper) with household-year axes.

    Parameters
    ----------
    estimate : xarray.Dataset
        From :func:`hashjoule.estimates.estimators.estimate` (with ``cbeci``).
    households : dict of str to float
        Up to two reference households: label -> annual electricity use. [kWh/yr]
    window_days : int
        Trailing window of the ratio. [d]
    start : str, optional
        First day shown; the windows before it still count the days before it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure()
    per_btc = energy_per_btc_rolling(estimate, window_days).sel(estimator="cbeci", time=slice(start, None))
    time = per_btc.time.values
    ax.fill_between(time, per_btc.sel(bound="lower"), per_btc.sel(bound="upper"), color=OKABE_ITO["sky"], alpha=0.35,
                    linewidth=0, label="cbeci lower to upper bound")
    ax.plot(time, per_btc.sel(bound="best"), color=OKABE_ITO["blue"], label="cbeci best guess")
    ax.set_ylim(bottom=0)
    ax.set_xlim(time[0], time[-1])
    ax.set_ylabel("electricity per bitcoin [MWh/BTC]")
    ax.set_xlabel("date [UTC day]")
    household_axes(ax, households)
    ax.set_title(f"Electricity per bitcoin minted (subsidy only, trailing {window_days} days)")
    ax.legend(loc="upper left")
    refs = "; ".join(f"{name}: {kwh:,.0f} kWh/yr" for name, kwh in households.items())
    caption(fig, f"Source: hashjoule cbeci estimator (CCAF method) from Coin Metrics data; subsidy exact from block "
                 f"heights. Households: {refs} (NEA/NBS; EIA).")
    return fig
