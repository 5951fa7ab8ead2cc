"""Historical estimates of the network's electricity use, with bounds.

Three methods from the literature, chosen by name:

``cbeci``
    The Cambridge Bitcoin Electricity Consumption Index, original method (served to
    2022): hardware that is released, under 5 years old and profitable at the chosen
    electricity price counts; lower / best / upper use the most efficient, the
    equal-weight mean and the least efficient counted model, with PUE 1.01 / 1.10 /
    1.20. Reference: CCAF, https://ccaf.io/cbnsi/cbeci/methodology and
    CambridgeAltFin/ccaf_cbeci_api.
``cbeci2023``
    The same index after its 2023 revision (version 1.4.0): the best guess weights each
    profitable model by its age, 1, 0.8, 0.6, 0.4, 0.2 in its first to fifth year after
    release and 0 after, instead of equally; bounds as ``cbeci``. Its hardware list is
    the original one plus the machines released from May 2020 on with a cited release
    month (:func:`~hashjoule.network.hardware.cbeci2023_catalogue`). Reference: CCAF, CBECI methodology, changelog
    of version 1.4.0 (2023).
``stoll2019``
    The economic upper bound of Stoll et al. (2019): all of miners' revenue spent on
    electricity. doi:10.1016/j.joule.2019.05.012
``digiconomist``
    Top-down: a fixed 60 % of miners' revenue spent on electricity at 0.05 USD/kWh.
    de Vries (2018), doi:10.1016/j.joule.2018.04.016

A bound a method does not define is NaN (``stoll2019`` has only ``upper``,
``digiconomist`` only ``best``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.network.hardware import Catalogue, cbeci2023_catalogue, cbeci_catalogue, in_service
from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.network.history import daily_inputs
from hashjoule.network.periods import select_period

METHODS = ("cbeci", "cbeci2023", "stoll2019", "digiconomist")
BOUNDS = ("lower", "best", "upper")

#: Joules per kilowatt-hour. [J/kWh]
J_PER_KWH = 3.6e6
#: Hours in a year of 365.25 days, used to annualise. [h/yr]
HOURS_PER_YEAR = 8766.0
#: Electricity price of the Cambridge index's headline estimate. [USD/kWh]
DEFAULT_PRICE_USD_PER_KWH = 0.05

#: CBECI power usage effectiveness for the lower, best and upper bound. [1]
CBECI_PUE = {"lower": 1.01, "best": 1.10, "upper": 1.20}
#: CBECI moving-average window of the profitability threshold. [d]
CBECI_THRESHOLD_WINDOW_D = 14
#: CBECI moving-average window of the resulting power. [d]
CBECI_RESULT_WINDOW_D = 7
#: CBECI hardware service life. [yr]
CBECI_LIFETIME_YR = 5.0
#: CBECI 2023 revision: weight of a model in its first, second, ... fifth year after release
#: (0 from the sixth year on). [1]
CBECI2023_AGE_WEIGHTS = (1.0, 0.8, 0.6, 0.4, 0.2)
#: Days in a year of 365.25 days. [d]
DAYS_PER_YEAR = 365.25
#: Digiconomist: share of miners' revenue spent on electricity. [1]
DIGICONOMIST_COST_SHARE = 0.60
#: Digiconomist: electricity price assumed. [USD/kWh]
DIGICONOMIST_PRICE_USD_PER_KWH = 0.05


# --- relations ----------------------------------------------------------


def profitability_threshold_j_per_th(revenue_usd_per_day, hashrate_ths, price_usd_per_kwh):
    """Least efficient machine that still earns its electricity bill.

    e* = revenue per TH of work / price of a joule
       = revenue / (H x 86,400 s) x 3.6e6 J/kWh / p.

    Parameters
    ----------
    revenue_usd_per_day : numeric
        Miners' revenue (subsidy + fees) x price. [USD/day]
    hashrate_ths : numeric
        Network hashrate. [TH/s]
    price_usd_per_kwh : numeric
        Electricity price. [USD/kWh]

    Returns
    -------
    threshold : numeric
        Break-even efficiency. [J/TH]
    """
    return revenue_usd_per_day / (hashrate_ths * SECONDS_PER_DAY) * J_PER_KWH / price_usd_per_kwh


def fleet_power_gw(hashrate_ths, efficiency_j_per_th, pue):
    """Power drawn by a fleet: hashrate x efficiency x PUE.

    Parameters
    ----------
    hashrate_ths : numeric
        Hashrate. [TH/s]
    efficiency_j_per_th : numeric
        Machine efficiency. [J/TH]
    pue : numeric
        Power usage effectiveness (facility power / IT power). [1]

    Returns
    -------
    power : numeric
        [GW]
    """
    return hashrate_ths * efficiency_j_per_th * pue / 1e9


def spending_limited_power_gw(revenue_usd_per_day, price_usd_per_kwh, cost_share=1.0):
    """Power that a share of revenue buys at a given electricity price.

    Parameters
    ----------
    revenue_usd_per_day : numeric
        Miners' revenue. [USD/day]
    price_usd_per_kwh : numeric
        Electricity price. [USD/kWh]
    cost_share : numeric, default 1
        Share of revenue spent on electricity. [1]

    Returns
    -------
    power : numeric
        [GW]
    """
    kwh_per_day = cost_share * revenue_usd_per_day / price_usd_per_kwh
    return kwh_per_day / 24.0 / 1e6


def annualised_energy_twh_per_yr(power_gw):
    """Energy per year at a constant power: P x 8766 h. [TWh/yr]"""
    return power_gw * HOURS_PER_YEAR / 1e3


# --- methods -------------------------------------------------------------


def age_weights(dates, release) -> np.ndarray:
    """Weight of each model on each day by its age, as in the Cambridge index's 2023 revision.

    A model weighs 1 in its first year after release, then 0.8, 0.6, 0.4 and 0.2, and 0
    from five years of age on (years of 365.25 days); before its release it weighs 0.

    Parameters
    ----------
    dates : array_like of datetime64
        Days. (n,)
    release : array_like of datetime64
        Release dates of the models. (m,)

    Returns
    -------
    weights : numpy.ndarray of float
        (n, m). [1]

    References
    ----------
    CCAF, Cambridge Bitcoin Electricity Consumption Index, methodology and changelog of
    version 1.4.0 (2023), https://ccaf.io/cbnsi/cbeci/methodology
    """
    dates = np.asarray(dates, dtype="datetime64[ns]")[:, None]
    release = np.asarray(release, dtype="datetime64[ns]")[None, :]
    age_yr = (dates - release) / np.timedelta64(1, "D") / DAYS_PER_YEAR
    table = np.append(np.asarray(CBECI2023_AGE_WEIGHTS), 0.0)
    year = np.clip(np.floor(age_yr), 0, len(CBECI2023_AGE_WEIGHTS)).astype(int)
    return np.where(age_yr > 0, table[year], 0.0)


def _smoothed_threshold(inputs: xr.Dataset, price_usd_per_kwh) -> xr.DataArray:
    threshold = profitability_threshold_j_per_th(inputs.revenue, inputs.hashrate, price_usd_per_kwh)
    return threshold.rolling(time=CBECI_THRESHOLD_WINDOW_D, min_periods=1).mean()


def cbeci(inputs: xr.Dataset, price_usd_per_kwh=DEFAULT_PRICE_USD_PER_KWH,
          catalogue: Catalogue | None = None, weighting: str = "equal") -> xr.Dataset:
    """The Cambridge index: original method (``weighting="equal"``) or its 2023 revision (``"age"``).

    Parameters
    ----------
    inputs : xarray.Dataset
        Daily ``hashrate`` [TH/s] and ``revenue`` [USD/day], as from
        :func:`hashjoule.network.history.daily_inputs`.
    price_usd_per_kwh : float or xarray.DataArray
        Electricity price of the profitability test, one number or a daily series over
        the inputs' ``time``. [USD/kWh]
    catalogue : Catalogue, optional
        Hardware list; default the Cambridge list of 2020.
    weighting : {"equal", "age"}
        Weights of the counted models in the best guess: equal (original method) or by
        age (:func:`age_weights`, 2023 revision).

    Returns
    -------
    result : xarray.Dataset
        ``power`` (time x bound) [GW], ``threshold`` [J/TH] (14-day mean) and
        ``models_counted`` [1].
    """
    catalogue = catalogue or cbeci_catalogue()
    hashrate = inputs.hashrate.to_numpy()
    threshold = _smoothed_threshold(inputs, price_usd_per_kwh)
    efficiency = catalogue.efficiency_j_per_th
    if weighting == "age":
        weights = age_weights(inputs.time.values, catalogue.release)
        counted = weights > 0
    else:
        counted = in_service(inputs.time.values, catalogue.release, CBECI_LIFETIME_YR)
        weights = counted.astype(float)
    counted &= efficiency[None, :] < threshold.to_numpy()[:, None]
    weights = np.where(counted, weights, 0.0)
    n = counted.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_bound = {
            "lower": np.where(counted, efficiency, np.inf).min(axis=1),
            "best": (weights * efficiency).sum(axis=1) / weights.sum(axis=1),
            "upper": np.where(counted, efficiency, -np.inf).max(axis=1),
        }
    power = np.stack(
        [np.where(n > 0, fleet_power_gw(hashrate, by_bound[b], CBECI_PUE[b]), np.nan) for b in BOUNDS], axis=1
    )
    # No profitable model: CBECI keeps the previous day's value.
    power = pd.DataFrame(power).ffill().to_numpy()
    power = xr.DataArray(power, dims=("time", "bound"), coords={"time": inputs.time, "bound": list(BOUNDS)})
    power = power.rolling(time=CBECI_RESULT_WINDOW_D, min_periods=1).mean()
    return xr.Dataset(
        {
            "power": power,
            "threshold": threshold.assign_attrs(units="J/TH", long_name="CBECI profitability threshold (14-day mean)"),
            "models_counted": ("time", n, {"units": "1", "long_name": "CBECI hardware models counted"}),
        }
    )


def stoll2019(inputs: xr.Dataset, price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH) -> xr.DataArray:
    """Economic upper bound: all revenue spent on electricity at the given price.

    Returns
    -------
    power : xarray.DataArray
        (time x bound), only ``upper`` defined. [GW]
    """
    upper = spending_limited_power_gw(inputs.revenue, price_usd_per_kwh)
    return _only_bound(upper, "upper")


def digiconomist(inputs: xr.Dataset) -> xr.DataArray:
    """Top-down estimate: 60 % of revenue spent on electricity at 0.05 USD/kWh.

    Returns
    -------
    power : xarray.DataArray
        (time x bound), only ``best`` defined. [GW]
    """
    best = spending_limited_power_gw(inputs.revenue, DIGICONOMIST_PRICE_USD_PER_KWH, DIGICONOMIST_COST_SHARE)
    return _only_bound(best, "best")


def _only_bound(values: xr.DataArray, bound: str) -> xr.DataArray:
    full = xr.full_like(values, np.nan, dtype=float).expand_dims(bound=list(BOUNDS), axis=-1).copy()
    full.loc[{"bound": bound}] = values
    return full


# --- the estimate --------------------------------------------------------


def _aligned(price_series: xr.DataArray, inputs: xr.Dataset) -> xr.DataArray:
    """The price series on the inputs' days; a day without a positive finite price is refused."""
    price = price_series.reindex(time=inputs.time)
    values = price.to_numpy()
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        day = str(inputs.time.values[int(np.flatnonzero(bad)[0])])[:10]
        raise InputError.single(price_series.attrs.get("source", "price series"), f"day {day}",
                                "a positive electricity price [USD/kWh] on every day of the inputs",
                                f"{int(bad.sum())} day(s) without one")
    return price


def _by_method(methods, inputs: xr.Dataset, price) -> tuple[list[xr.DataArray], dict[str, xr.DataArray]]:
    """Power (time x bound) of each method, and the Cambridge methods' thresholds and counts."""
    parts, extra = [], {}
    for method in methods:
        if method in ("cbeci", "cbeci2023"):
            if method == "cbeci2023":
                result = cbeci(inputs, price, catalogue=cbeci2023_catalogue(), weighting="age")
            else:
                result = cbeci(inputs, price, weighting="equal")
            parts.append(result.power)
            extra.update({f"{method}_threshold": result.threshold, f"{method}_models_counted": result.models_counted})
        elif method == "stoll2019":
            parts.append(stoll2019(inputs, price))
        else:
            parts.append(digiconomist(inputs))
    return parts, extra


def _price_attrs(price_series: xr.DataArray | None) -> dict[str, str]:
    if price_series is None:
        return {}
    return {"electricity_price_series": str(price_series.name),
            "electricity_price_series_source": str(price_series.attrs.get("source", ""))}


def check_methods(methods) -> tuple[str, ...]:
    """Validate method names; ``"all"`` expands to every method."""
    methods = METHODS if methods in (None, "all") else (methods,) if isinstance(methods, str) else tuple(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise InputError.single("method", "", f"one of {', '.join(METHODS)} or all", ", ".join(unknown) or "nothing")
    return methods


def estimate(price_usd_per_kwh: float = DEFAULT_PRICE_USD_PER_KWH, methods="all", start=None, end=None,
             inputs: xr.Dataset | None = None, price_series: xr.DataArray | None = None) -> xr.Dataset:
    """Daily electricity use of the network by several methods, with bounds.

    Parameters
    ----------
    price_usd_per_kwh : float, default 0.05
        Electricity price for the ``cbeci`` profitability test and the ``stoll2019``
        limit (``digiconomist`` always uses its own 0.05). [USD/kWh]
    methods : str or sequence of str, default "all"
        Names from :data:`METHODS`.
    start, end : str or datetime-like, optional
        First and last day reported (moving averages are computed over the whole
        history first, so the result does not depend on the window).
    inputs : xarray.Dataset, optional
        Daily inputs; default :func:`~hashjoule.network.history.daily_inputs`.
    price_series : xarray.DataArray, optional
        A daily electricity price over the inputs' ``time`` [USD/kWh] (see
        :mod:`hashjoule.estimates.prices`); when given it replaces the flat price in
        the profitability tests and the economic limit, and its ``name`` and
        ``source`` are recorded in the attributes.

    Returns
    -------
    estimate : xarray.Dataset
        ``power`` [GW], ``annualised_energy`` [TWh/yr] and ``energy`` [GWh]
        (consumed on the day), each over (time, estimator, bound); the CBECI
        ``threshold`` [J/TH] and ``models_counted``; and the inputs used.
    """
    if not (np.isfinite(price_usd_per_kwh) and price_usd_per_kwh > 0):
        raise InputError.single("price", "", "a positive electricity price [USD/kWh]", repr(price_usd_per_kwh))
    methods = check_methods(methods)
    inputs = daily_inputs() if inputs is None else inputs
    select_period(inputs, start, end)  # check the period before the work
    price = price_usd_per_kwh if price_series is None else _aligned(price_series, inputs)
    parts, extra = _by_method(methods, inputs, price)
    # The dimension is called "estimator", not "method": xarray's ``sel`` already
    # has a ``method=`` keyword, so ``ds.sel(method="cbeci")`` could never work.
    power = xr.concat(parts, dim=xr.DataArray(list(methods), dims="estimator", name="estimator"))
    power = power.transpose("time", "estimator", "bound")
    ds = xr.Dataset(
        {
            "power": power.assign_attrs(units="GW", long_name="electrical power of the mining network"),
            "annualised_energy": annualised_energy_twh_per_yr(power).assign_attrs(
                units="TWh/yr", long_name="annualised electricity consumption (power x 8766 h)"),
            "energy": (power * 24.0).assign_attrs(units="GWh", long_name="electricity consumed on the day"),
            **extra,
            **{name: inputs[name] for name in ("hashrate", "price", "revenue", "subsidy", "fees",
                                               "fees_observed", "transactions")},
        },
        attrs={
            "title": "hashjoule historical estimate of Bitcoin mining electricity use",
            "electricity_price_usd_per_kwh": float(price_usd_per_kwh) if price_series is None else float("nan"),
            "methods": ", ".join(methods),
            **_price_attrs(price_series),
            "references": "cbeci: CCAF CBECI methodology (ccaf.io/cbnsi/cbeci/methodology); "
                          "cbeci2023: the same, version 1.4.0 (2023), hardware weighted by age, "
                          "with the machines from May 2020 on of asic_release_dates_2020plus.csv; "
                          "stoll2019: doi:10.1016/j.joule.2019.05.012; digiconomist: doi:10.1016/j.joule.2018.04.016",
        },
    )
    return select_period(ds, start, end)

