"""Where mining happens: regional composition of hashrate and CO2 over time."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import GREY, OKABE_ITO, caption, new_figure, styled

#: Colours of the stacked groups, in order; the last group ("rest") is grey.
GROUP_COLOURS = [OKABE_ITO[k] for k in ("vermillion", "orange", "yellow", "purple", "green", "blue", "sky")]
#: Resampling of the daily series before stacking.
PERIOD = "MS"


def _mean_over_draws(ds: xr.Dataset, name: str) -> xr.DataArray:
    """The daily mean over draws, from kept draws or from a reduced run's ``<name>_mean``."""
    return ds[name].mean("draw") if name in ds else ds[f"{name}_mean"]


def grouped(values: xr.DataArray, groups: dict[str, list[str]]) -> xr.DataArray:
    """Sum regions into named groups; regions in no group go to a last group, ``rest of world``."""
    listed = {r for members in groups.values() for r in members}
    rest = [r for r in values.region.values if r not in listed]
    parts = {name: values.sel(region=[r for r in members if r in values.region.values]).sum("region")
             for name, members in {**groups, "rest of world": rest}.items()}
    return xr.concat(list(parts.values()), dim=xr.DataArray(list(parts), dims="group", name="group"))


@styled
def regional_composition(ds: xr.Dataset, groups: dict[str, list[str]], start=None, end=None) -> Figure:
    """Stacked monthly means of hashrate [EH/s] and CO2 emissions [kt/d] by group of regions.

    Parameters
    ----------
    ds : xarray.Dataset
        A run's results: ``hashrate`` [EH/s] and ``co2`` [t/d] over (draw, time, region),
        or their ``_mean`` over draws.
    groups : dict of str to list of str
        Group name -> regions, at most 7 groups; the others form ``rest of world``.
    start, end : str, optional
        Days shown.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(groups) > len(GROUP_COLOURS):
        raise ValueError(f"at most {len(GROUP_COLOURS)} groups")
    colours = GROUP_COLOURS[:len(groups)] + [GREY]
    fig, (top, bottom) = new_figure(2, 1, sharex=True, figsize=(7.5, 6.0))
    panels = ((top, "hashrate", 1.0, "hashrate online [EH/s]"), (bottom, "co2", 1e-3, "CO2 emitted [kt/d]"))
    for ax, name, scale, ylabel in panels:
        values = grouped(_mean_over_draws(ds, name).sel(time=slice(start, end)), groups) * scale
        monthly = values.resample(time=PERIOD).mean()
        ax.stackplot(monthly.time.values, monthly.transpose("group", "time").values, colors=colours,
                     labels=[str(g) for g in monthly.group.values], linewidth=0)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.margins(x=0)
    bottom.set_xlabel("month [UTC]")
    top.legend(loc="upper left", ncols=2, fontsize=7, reverse=True)
    draws = ds.attrs.get("draws", ds.sizes.get("draw", "?"))
    top.set_title(f"Where mining happens, scenario '{ds.attrs.get('scenario', 'run')}' (mean of {draws} draws)")
    caption(fig, "Source: hashjoule fleet simulation; monthly means of daily values. CO2 = electricity x grid "
                 "emission factor of each region (MEE 2021-22 for Chinese provinces, IEA/OWID elsewhere).")
    return fig
