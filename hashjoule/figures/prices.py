"""The estimate under a flat electricity price against prices that vary over time and region."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.figures.style import GREY, OKABE_ITO, caption, new_figure, styled

#: Colours of the varying price series, in order.
_COLOURS = ("vermillion", "green", "purple", "orange")


@styled
def flat_vs_varying_price(annualised: xr.DataArray, prices: xr.DataArray, flat_price_usd_per_kwh: float) -> Figure:
    """The cbeci best guess at a flat price and at each varying price, with the prices.

    Parameters
    ----------
    annualised : xarray.DataArray
        Annualised consumption over (time, case), ``case`` "flat" then the price series'
        names. [TWh/yr]
    prices : xarray.DataArray
        The daily price of each varying case over (time, case). [USD/kWh]
    flat_price_usd_per_kwh : float
        The flat price. [USD/kWh]

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (top, bottom) = new_figure(2, 1, sharex=True, height_ratios=(2, 1))
    time = annualised.time.values
    top.plot(time, annualised.sel(case="flat"), color=OKABE_ITO["blue"],
             label=f"flat {flat_price_usd_per_kwh:g} USD/kWh")
    bottom.axhline(flat_price_usd_per_kwh, color=OKABE_ITO["blue"], linewidth=1.0)
    for case, colour in zip([c for c in annualised.case.values if c != "flat"], _COLOURS):
        top.plot(time, annualised.sel(case=case), color=OKABE_ITO[colour], linewidth=1.0, label=str(case))
        bottom.plot(time, prices.sel(case=case), color=OKABE_ITO[colour], linewidth=1.0)
    top.set_ylim(bottom=0)
    top.set_ylabel("annualised consumption [TWh/yr]")
    top.set_title("Original Cambridge method, best guess: flat against varying electricity prices")
    top.legend(loc="upper left")
    bottom.set_ylabel("price [USD/kWh]")
    bottom.set_xlabel("date [UTC day]")
    bottom.set_ylim(bottom=0)
    bottom.grid(True, color=GREY, alpha=0.3)
    top.set_xlim(time[0], time[-1])
    caption(fig, "Source: US EIA industrial monthly average; the prices miners reported (news, filings) by country, "
                 "weighted by the Cambridge Mining Map's country shares. Estimate: hashjoule cbeci (CCAF method).")
    return fig
