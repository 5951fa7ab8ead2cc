"""Mining machines retired (e-waste) per calendar year."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import OKABE_ITO, caption, new_figure, styled


@styled
def ewaste_per_year(retired_t: xr.DataArray, published_t_per_yr: float | None = None) -> Figure:
    """Tonnes of mining machines retired in each calendar year.

    Parameters
    ----------
    retired_t : xarray.DataArray
        Over ``year``; a ``case`` dimension (estimators) is drawn as grouped bars. [t]
    published_t_per_yr : float, optional
        A published annual rate drawn as a line (de Vries and Stoll 2021, May 2021). [t/yr]

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure()
    years = retired_t.year.values
    cases = list(retired_t.case.values) if "case" in retired_t.dims else [None]
    width = 0.8 / len(cases)
    colours = ("blue", "orange", "green", "purple")
    for i, case in enumerate(cases):
        values = retired_t if case is None else retired_t.sel(case=case)
        ax.bar(years + (i - (len(cases) - 1) / 2) * width, values / 1e3, width=width,
               color=OKABE_ITO[colours[i % len(colours)]], label=str(case) if case is not None else None)
    if published_t_per_yr is not None:
        ax.axhline(published_t_per_yr / 1e3, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.0,
                   label=f"de Vries and Stoll (2021): {published_t_per_yr / 1e3:.1f} kt/yr (May 2021)")
    top = max(float(retired_t.max()), published_t_per_yr or 0.0) / 1e3
    ax.set_ylim(0, top * 1.4)  # room for the legend above the bars and the line
    ax.set_xticks(years)
    ax.set_xlabel("year [calendar year, UTC]")
    ax.set_ylabel("machines retired [kt]")
    ax.set_title("Mining machines retired (e-waste) per year")
    ax.legend(loc="upper left")
    caption(fig, "Source: hashjoule after de Vries and Stoll (2021). Retirements = mass of machines in service "
                 "(IT power x 4.06 kg/kW, Antminer S19 Pro) / mean service life (release to first unprofitable day "
                 "at the estimate's electricity price). The last year is partial.")
    return fig
