"""A scenario's CO2 change against the baseline counted at average and at marginal grid
emission factors: in China, abroad and net."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from hashjoule.constants import BAND
from hashjoule.figures.style import GREY, OKABE_ITO, caption, new_figure, styled

#: Where the change happens, in the order drawn, with its axis label.
PARTS = {"china": "China\n(minus CO2 avoided)", "abroad": "outside China\n(CO2 added)", "world": "world\n(net change)"}
#: Colour of each emission basis.
BASIS_COLOURS = {"average": OKABE_ITO["sky"], "marginal": OKABE_ITO["vermillion"]}


def co2_change_parts(differences: xr.Dataset) -> xr.DataArray:
    """A scenario's CO2 change against the baseline in China, outside China and worldwide.

    Outside China = net global change + CO2 avoided in China, draw by draw: what moved
    abroad with the relocated machines, counted on the destinations' grids.

    Parameters
    ----------
    differences : xarray.Dataset
        Paired differences per draw, as :func:`hashjoule.scenarios.compare.paired_differences`
        returns them: ``co2_avoided_china`` (baseline - scenario, China) and
        ``co2_net_global`` (scenario - baseline, world). [Mt]

    Returns
    -------
    xarray.DataArray
        Over ``part`` (``china``, ``abroad``, ``world``) and the differences' own dims;
        scenario - baseline, so that below zero is a saving. [Mt]
    """
    china = -differences.co2_avoided_china
    world = differences.co2_net_global
    parts = xr.concat([china, world - china, world], dim="part").assign_coords(part=list(PARTS))
    return parts.assign_attrs(units="Mt", long_name="change of CO2 against the baseline (scenario - baseline)")


@styled
def emission_factor_bases(table: xr.Dataset, first_year: int | None = None, last_year: int | None = None) -> Figure:
    """CO2 change of a scenario against the baseline by emission basis: mean and 5-95 %.

    Parameters
    ----------
    table : xarray.Dataset
        ``co2_change`` over (``basis``, ``part``, ``quantile``) with the quantiles 0.05 and
        0.95, and ``co2_change_mean`` over (``basis``, ``part``): the paired differences of
        :func:`co2_change_parts` summarised over draws, for the bases ``average`` and
        ``marginal``; attributes ``scenario`` and ``baseline`` name the runs. [Mt]
    first_year, last_year : int, optional
        Years the totals cover (for the title).

    Returns
    -------
    matplotlib.figure.Figure
        Grouped bars, one group per part, one bar per basis; below zero is a saving.
    """
    bases = [str(b) for b in table.basis.values]
    parts = [str(p) for p in table.part.values]
    fig, ax = new_figure(figsize=(7.0, 4.2))
    x = np.arange(len(parts))
    width = 0.8 / len(bases)
    for i, basis in enumerate(bases):
        offset = (i - (len(bases) - 1) / 2) * width
        change = table.co2_change.sel(basis=basis)
        mean = table.co2_change_mean.sel(basis=basis).values
        ends = change.sel(quantile=BAND[0]).values, change.sel(quantile=BAND[1]).values
        low, high = np.minimum(*ends), np.maximum(*ends)
        ax.bar(x + offset, mean, width=width * 0.9, color=BASIS_COLOURS.get(basis, GREY), label=f"{basis} factors")
        # the interval drawn from its ends: a heavy-tailed mean may lie outside it
        ax.errorbar(x + offset, (low + high) / 2, yerr=(high - low) / 2, fmt="none", ecolor="#333333",
                    elinewidth=0.9, capsize=3)
        for xi, value in zip(x + offset, mean):  # the mean written at the zero line, clear of the interval
            ax.annotate(f"{value:+.0f}", (xi, 0.0), xytext=(0, 3 if value < 0 else -3), textcoords="offset points",
                        ha="center", va="bottom" if value < 0 else "top", fontsize=7, color="#333333")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(x, [PARTS.get(p, p) for p in parts])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    span = f", {first_year}-{last_year}" if first_year is not None else ""
    ax.set_ylabel(f"change of CO2 against the baseline{span} [Mt]")
    ax.set_xlabel("where the CO2 changes [region group]")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower right")
    scenario, baseline = table.attrs.get("scenario", "scenario"), table.attrs.get("baseline", "baseline")
    ax.set_title(f"{scenario} against {baseline}{span}: average or marginal emission factors")
    caption(fig, f"Source: hashjoule compare {scenario} --emissions average|marginal (seed "
                 f"{table.attrs.get('seed', '?')}, {table.attrs.get('draws', '?')} paired draws); mean and 5-95 % "
                 "interval of paired differences, below 0 a saving. Marginal: operating margin of China's regional "
                 "grids (NDRC), natural gas in the US (EIA); the average elsewhere.")
    return fig
