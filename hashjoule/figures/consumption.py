"""Historical electricity use of the network: annualised consumption with bounds."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.figures.style import GREY, OKABE_ITO, caption, new_figure, styled


@styled
def annualised_consumption(estimate: xr.Dataset, cambridge: xr.DataArray | None = None,
                           claim_twh_per_yr: float = ARTICLE_TWH_PER_YEAR) -> Figure:
    """Annualised electricity consumption over time, lower to upper bound, with references.

    Parameters
    ----------
    estimate : xarray.Dataset
        From :func:`hashjoule.estimates.estimators.estimate`: ``annualised_energy``
        over (time, estimator, bound). [TWh/yr]
    cambridge : xarray.DataArray, optional
        The published Cambridge index over ``time`` at the same electricity price. [TWh/yr]
    claim_twh_per_yr : float
        Level drawn as a horizontal reference (the article's claim). [TWh/yr]

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure()
    energy = estimate.annualised_energy
    time = energy.time.values
    estimators = list(energy.estimator.values)
    if "cbeci" in estimators:
        cbeci = energy.sel(estimator="cbeci")
        ax.fill_between(time, cbeci.sel(bound="lower"), cbeci.sel(bound="upper"), color=OKABE_ITO["sky"], alpha=0.35,
                        linewidth=0, label="cbeci lower to upper bound (PUE 1.01-1.20)")
        ax.plot(time, cbeci.sel(bound="best"), color=OKABE_ITO["blue"], label="cbeci best guess")
    if "stoll2019" in estimators:
        ax.plot(time, energy.sel(estimator="stoll2019", bound="upper"), color=OKABE_ITO["vermillion"], linewidth=1.0,
                linestyle="--", label="stoll2019 economic upper bound")
    if "digiconomist" in estimators:
        ax.plot(time, energy.sel(estimator="digiconomist", bound="best"), color=OKABE_ITO["green"], linewidth=1.0,
                label="digiconomist (60 % of revenue)")
    if cambridge is not None:
        ax.plot(cambridge.time.values, cambridge, color=OKABE_ITO["black"], linewidth=1.0, linestyle=":",
                label="Cambridge index as served 2023 (revised method)")
    ax.axhline(claim_twh_per_yr, color=GREY, linewidth=1.0)
    ax.annotate(f"{claim_twh_per_yr:.0f} TWh/yr (article, Dec 2021)", (time[0], claim_twh_per_yr),
                xytext=(2, 3), textcoords="offset points", fontsize=8, color="#555555")
    ax.set_xlim(time[0], time[-1])
    ax.set_ylim(bottom=0)
    ax.set_ylabel("annualised electricity consumption [TWh/yr]")
    ax.set_xlabel("date [UTC day]")
    price = estimate.attrs.get("electricity_price_usd_per_kwh")
    ax.set_title("Electricity use of Bitcoin mining, annualised"
                 + (f" (profitability at {price:g} USD/kWh)" if price is not None else ""))
    ax.legend(loc="upper left")
    caption(fig, "Source: hashjoule historical estimators (cbeci: CCAF method; stoll2019: doi:10.1016/"
                 "j.joule.2019.05.012; digiconomist: doi:10.1016/j.joule.2018.04.016) from Coin Metrics and "
                 "Glassnode data; Cambridge index CC BY-NC 4.0.")
    return fig
