"""Monte Carlo fan chart of a scenario's annual electricity (or CO2)."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import GREY, INNER, OKABE_ITO, OUTER, caption, draw_quantiles, new_figure, styled

#: Units shown for each annual variable.
ANNUAL_UNITS = {"annual_energy": "TWh/yr", "annual_co2": "Mt/yr"}


def full_years(ds: xr.Dataset, variable: str) -> xr.DataArray:
    """A per-draw annual total summed over regions, whole calendar years only."""
    whole = ds.days.values >= 365
    return ds[variable].sum("region").isel(year=whole)


@styled
def annual_fan(ds: xr.Dataset, variable: str = "annual_energy", reference: xr.Dataset | None = None) -> Figure:
    """Median, 25-75 % and 5-95 % of an annual total over the draws.

    Parameters
    ----------
    ds : xarray.Dataset
        A run's results with the per-draw ``annual_energy`` [TWh] or ``annual_co2`` [Mt]
        over (draw, year, region) and ``days`` per year.
    variable : {"annual_energy", "annual_co2"}
    reference : xarray.Dataset, optional
        Another run (such as the baseline) whose median is drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure()
    totals = full_years(ds, variable)
    q = draw_quantiles(totals, [OUTER[0], INNER[0], 0.5, INNER[1], OUTER[1]])
    years = totals.year.values
    name = ds.attrs.get("scenario", "run")
    ax.fill_between(years, q.isel(quantile=0), q.isel(quantile=4), color=OKABE_ITO["sky"], alpha=0.3, linewidth=0,
                    label="5-95 % of draws")
    ax.fill_between(years, q.isel(quantile=1), q.isel(quantile=3), color=OKABE_ITO["sky"], alpha=0.6, linewidth=0,
                    label="25-75 % of draws")
    ax.plot(years, q.isel(quantile=2), color=OKABE_ITO["blue"], marker="o", markersize=3, label=f"{name}, median")
    if reference is not None:
        ref = full_years(reference, variable).median("draw")
        ax.plot(ref.year.values, ref, color=GREY, linestyle="--", marker="o", markersize=3,
                label=f"{reference.attrs.get('scenario', 'reference')}, median")
    quantity = "electricity consumed" if variable == "annual_energy" else "CO2 emitted"
    ax.set_ylabel(f"{quantity} [{ANNUAL_UNITS.get(variable, ds[variable].attrs.get('units', ''))}]")
    ax.set_xlabel("year [calendar year, UTC]")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{quantity.capitalize()} per year, world, scenario '{name}' ({totals.draw.size} draws)")
    ax.legend(loc="upper left")
    caption(fig, f"Source: hashjoule fleet simulation (ensemble engine, seed {ds.attrs.get('seed', '?')}, parameters "
                 f"{ds.attrs.get('parameter_set', '?')}). After 2023-02-25 prices follow a random walk: a projection.")
    return fig
