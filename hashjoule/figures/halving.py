"""Electricity per bitcoin minted across the halvings of a simulated run, month by month,
with the day each halving falls on in the draws."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from hashjoule.constants import BAND
from hashjoule.figures.style import GREY, OKABE_ITO, caption, draw_quantiles, household_axes, new_figure, styled
from hashjoule.network.chain import HALVING_INTERVAL, block_subsidy_btc

#: Relative tolerance of the comparison of a day's subsidy per block with an era's. [1]
SUBSIDY_RTOL = 1e-9


def monthly_energy_per_btc(run: xr.Dataset) -> xr.DataArray:
    """Electricity per bitcoin of subsidy in each calendar month, per draw.

    Parameters
    ----------
    run : xarray.Dataset
        A run with kept draws: daily ``energy`` [GWh] over (draw, time, region) and
        ``btc_minted`` [BTC] over (draw, time).

    Returns
    -------
    xarray.DataArray
        Over (draw, time), ``time`` the first day of each month; a month with no bitcoin
        minted is NaN. [MWh/BTC]
    """
    energy = run.energy.sum("region").resample(time="MS").sum()  # [GWh]
    minted = run.btc_minted.resample(time="MS").sum()  # [BTC]
    return (energy * 1e3 / minted.where(minted > 0)).assign_attrs(
        units="MWh/BTC", long_name="electricity per bitcoin minted in the calendar month (subsidy only)")


def halving_days(run: xr.Dataset) -> xr.DataArray:
    """The day each halving crossed in a run falls on, per draw.

    The chain rules give each halving's height (every 210,000 blocks) and the subsidy per
    block before it; a draw's halving day is the first day whose subsidy minted per block
    mined falls below that subsidy (the day the block at that height is mined).

    Parameters
    ----------
    run : xarray.Dataset
        A run with kept draws: daily ``blocks`` [1] and ``btc_minted`` [BTC] over (draw, time).

    Returns
    -------
    xarray.DataArray
        Over (height, draw), datetime64; NaT for a draw that does not reach the height
        within the run. ``height`` is the block height at which the subsidy halves. [UTC day]
    """
    per_block = run.btc_minted / run.blocks.where(run.blocks > 0)  # [BTC/block]
    first = float(per_block.max())  # the subsidy of the run's first era
    days, heights = [], []
    for era in range(1, 64):
        before = float(block_subsidy_btc(era * HALVING_INTERVAL - 1))
        if before > first * (1 + SUBSIDY_RTOL):
            continue  # a halving before the run
        crossed = per_block < before * (1 - SUBSIDY_RTOL)
        if not bool(crossed.any()):
            break  # no draw reaches it: nor any later one
        day = run.time.isel(time=crossed.argmax("time")).where(crossed.any("time"))
        days.append(day.drop_vars("time"))
        heights.append(era * HALVING_INTERVAL)
    return xr.concat(days, dim="height").assign_coords(height=heights).assign_attrs(
        units="UTC day", long_name="day of the halving (the block at the height is mined)")


def day_quantiles(days: xr.DataArray, quantiles) -> xr.DataArray:
    """Quantiles over ``draw`` of dates (draws that never reach the date left out)."""
    origin = np.datetime64("1970-01-01", "ns")
    numeric = (days - origin) / np.timedelta64(1, "D")
    q = numeric.quantile(list(quantiles), "draw", skipna=True)
    return (origin + (q.round() * np.timedelta64(1, "D")).astype("timedelta64[ns]")).assign_attrs(days.attrs)


@styled
def halving_per_bitcoin(run: xr.Dataset, households: dict[str, float], start=None, end=None) -> Figure:
    """Electricity per bitcoin minted by month over the draws, with the halvings marked.

    Parameters
    ----------
    run : xarray.Dataset
        A scenario's run with kept draws (daily ``energy`` [GWh], ``btc_minted`` [BTC],
        ``blocks`` [1]); its ``scenario``, ``seed`` and ``parameter_set`` attributes name it.
    households : dict of str to float
        Up to two reference households: label -> annual electricity use. [kWh/yr]
    start, end : str, optional
        First and last day shown.

    Returns
    -------
    matplotlib.figure.Figure
        Median and 5-95 % of the draws' monthly values; each halving in the window as the
        median day over draws (line) and its 5-95 % (shaded), labelled with its height.
    """
    fig, ax = new_figure(figsize=(7.5, 4.2))
    per_btc = monthly_energy_per_btc(run).sel(time=slice(start, end))
    q = draw_quantiles(per_btc, [BAND[0], 0.5, BAND[1]])
    months = per_btc.time.values
    edges = np.append(months, months[-1] + np.timedelta64(31, "D")).astype("datetime64[M]").astype("datetime64[ns]")
    ends = [np.append(q.isel(quantile=i).values, q.isel(quantile=i).values[-1]) for i in range(3)]
    ax.fill_between(edges, ends[0], ends[2], step="post", color=OKABE_ITO["sky"], alpha=0.4, linewidth=0,
                    label="5-95 % of draws")
    ax.step(edges, ends[1], where="post", color=OKABE_ITO["blue"], label="median of draws")
    days = halving_days(run)
    when = day_quantiles(days, [BAND[0], 0.5, BAND[1]])
    low, high = edges[0], edges[-1]
    for height in days.height.values:
        first, median, last = when.sel(height=height).values
        if np.isnat(median) or not low <= median <= high:
            continue
        ax.axvspan(first, last + np.timedelta64(1, "D"), color=OKABE_ITO["orange"], alpha=0.3, linewidth=0)
        ax.axvline(median, color=OKABE_ITO["orange"], linewidth=1.2, linestyle="--")
        ax.annotate(f"halving at height {int(height):,}\n{str(median)[:10]} (median)", (median, 0.0),
                    xycoords=("data", "axes fraction"), xytext=(4, 4), textcoords="offset points",
                    ha="left", va="bottom", fontsize=7.5, color="#333333")
    ax.plot([], [], color=OKABE_ITO["orange"], linestyle="--", label="halving: median day, 5-95 % of draws shaded")
    ax.set_xlim(low, high)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("electricity per bitcoin minted [MWh/BTC]")
    ax.set_xlabel("month [UTC calendar month]")
    household_axes(ax, households)
    name = run.attrs.get("scenario", "run")
    ax.set_title(f"Electricity per bitcoin minted by month, scenario '{name}' ({per_btc.draw.size} draws)")
    ax.legend(loc="upper left", fontsize=7.5)
    refs = "; ".join(f"{label}: {kwh:,.0f} kWh/yr" for label, kwh in households.items())
    caption(fig, f"Source: hashjoule fleet simulation (ensemble engine, seed {run.attrs.get('seed', '?')}, parameters "
                 f"{run.attrs.get('parameter_set', '?')}); subsidy by the chain rules, halving every "
                 f"{HALVING_INTERVAL:,} blocks. After 2023-02-25 prices follow the scenario's stated path: a "
                 f"projection. Households: {refs}.")
    return fig
