"""What each scenario changes against the baseline: in China and worldwide, energy and CO2."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from hashjoule.constants import BAND
from hashjoule.figures.style import OKABE_ITO, caption, new_figure, styled

#: Panels: (title, unit, [(label, variable, sign, colour)]); sign turns a saving into a negative change.
PANELS = (
    ("electricity", "TWh", [("China", "saved_china", -1.0, OKABE_ITO["vermillion"]),
                            ("world (net)", "net_global", 1.0, OKABE_ITO["blue"])]),
    ("CO2", "Mt", [("China", "co2_avoided_china", -1.0, OKABE_ITO["vermillion"]),
                   ("world (net)", "co2_net_global", 1.0, OKABE_ITO["blue"])]),
)


@styled
def scenario_savings(table: xr.Dataset, first_year: int | None = None, last_year: int | None = None) -> Figure:
    """Change of each scenario against the baseline, mean and 5-95 % interval of paired draws.

    Parameters
    ----------
    table : xarray.Dataset
        The comparison of :func:`hashjoule.api.compare`: ``saved_china``, ``net_global``
        [TWh], ``co2_avoided_china`` and ``co2_net_global`` [Mt] over (``scenario``,
        ``quantile``) with the quantiles 0.05 and 0.95, and their means over draws
        ``<quantity>_mean`` over ``scenario``.
    first_year, last_year : int, optional
        Years the totals cover (for the title).

    Returns
    -------
    matplotlib.figure.Figure
        Negative values are savings; China's bar is minus the energy (CO2) saved there.
    """
    names = [str(s) for s in table.scenario.values]
    fig, axes = new_figure(1, 2, sharey=True, figsize=(7.5, 1.6 + 0.55 * len(names)))
    y = np.arange(len(names))
    for ax, (quantity, unit, bars) in zip(axes, PANELS):
        for offset, (where, var, sign, colour) in zip((-0.18, 0.18), bars):
            mean = sign * table[f"{var}_mean"].values
            ends = (sign * table[var].sel(quantile=BAND[0]).values, sign * table[var].sel(quantile=BAND[1]).values)
            low, high = np.minimum(*ends), np.maximum(*ends)
            ax.barh(y + offset, mean, height=0.34, color=colour, label=where)
            # the interval as a line from its ends: a heavy-tailed mean may lie outside it
            ax.errorbar((low + high) / 2, y + offset, xerr=(high - low) / 2, fmt="none", ecolor="#333333",
                        elinewidth=0.9, capsize=2.5)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel(f"change of {quantity} against the baseline [{unit}]")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, names)
    axes[0].set_ylim(len(names) - 0.5, -0.5)
    axes[0].legend(loc="lower left")
    span = f", {first_year}-{last_year}" if first_year is not None else ""
    axes[0].set_title(f"Scenarios against the baseline{span}: below 0 is a saving")
    caption(fig, "Source: hashjoule compare; mean and 5-95 % interval of paired differences (common random "
                 "numbers). China: minus the amount saved there; world: net change including relocation abroad.")
    return fig
