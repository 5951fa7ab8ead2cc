"""Electronic waste from mining machines retired: tonnes per year and grams per transaction.

de Vries and Stoll (2021) count a machine as waste when it stops being profitable, find
a mean service life of 1.29 years and, for May 2021, 30.7 kt of machines retired a year
(272 g per transaction). The relations here follow the same idea with the data bundled:

* the mass of the machines in service is proportional to the power they draw,
  M = P_IT x m_P, with m_P the mass per kW of rated power of a reported machine
  (``asic_masses_reported.csv``; heat sinks, fans and power supply scale with the heat
  a machine dissipates);
* the service life L of a model is the time from its release to the first day it is no
  longer profitable (its efficiency above the index's profitability threshold);
* in a steady state the fleet is replaced once per mean life, so machines are retired
  at M / L a year; the machines deployed in a year are those retired plus the growth of
  the fleet's mass over the year;
* the energy used to make those machines is their mass times the manufacturing energy
  per kg of comparable electronics (``embodied_energy_electronics_reported.csv``: a
  desktop computer and monitor, Williams 2004; no such figure for a mining machine was
  found).

References: de Vries, A., Stoll, C. (2021). Bitcoin's growing e-waste problem.
Resources, Conservation and Recycling 175, 105901. doi:10.1016/j.resconrec.2021.105901;
Williams, E. (2004). Energy intensity of computer manufacturing. Environmental Science &
Technology 38, 6166-6174. doi:10.1021/es035152j
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.data import read_table
from hashjoule.estimates.estimators import CBECI_PUE, DAYS_PER_YEAR
from hashjoule.network.hardware import Catalogue, cbeci_catalogue

#: de Vries and Stoll (2021): machines retired a year as of May 2021, for comparison. [t/yr]
PUBLISHED_T_PER_YR = 30_700.0
#: The same: per transaction. [g]
PUBLISHED_G_PER_TX = 272.0
#: The same: mean service life of a mining machine. [yr]
PUBLISHED_LIFE_YR = 1.29
#: Grams per tonne.
G_PER_T = 1e6
#: Megajoules per terajoule.
MJ_PER_TJ = 1e6
#: Terajoules per gigawatt-hour. [TJ/GWh]
TJ_PER_GWH = 3.6
#: Release window of the models whose service life is averaged: ASICs of the original
#: Cambridge list whose end of profitability the bundled record can see.
LIFE_RELEASED_FROM, LIFE_RELEASED_TO = "2014-01-01", "2019-12-31"


def mass_per_kw_kg() -> float:
    """Mass of a mining machine per kW of rated power, mean of the reported machines. [kg/kW]"""
    table = read_table("asic_masses_reported")
    return float((table.mass_kg / (table.power_w / 1e3)).mean())


def manufacturing_energy_mj_per_kg() -> float:
    """Energy used to manufacture a kg of electronics, from the reported product. [MJ/kg]

    The product's mass is its fossil fuel use over the ratio of that use to the product's
    weight (both reported); the energy per kg is the production energy over that mass:
    6400 MJ / (260 kg / 11) = 271 MJ/kg.

    References
    ----------
    Williams, E. (2004). Energy intensity of computer manufacturing: hybrid assessment
    combining process and economic input-output methods. Environmental Science &
    Technology 38(22), 6166-6174. doi:10.1021/es035152j
    """
    table = read_table("embodied_energy_electronics_reported")
    mass_kg = table.fossil_fuels_kg / table.fossil_fuels_to_product_mass_ratio
    return float((table.production_energy_mj / mass_kg).mean())


def embodied_energy_tj(mass_t, mj_per_kg):
    """Energy used to manufacture a mass of machines: mass x energy per kg.

    Parameters
    ----------
    mass_t : numeric
        Mass of the machines. [t]
    mj_per_kg : numeric
        Manufacturing energy per kg. [MJ/kg]

    Returns
    -------
    energy : numeric
        [TJ]
    """
    return mass_t * 1e3 * mj_per_kg / MJ_PER_TJ


def deployed_t(retired_t, fleet_mass_start_t, fleet_mass_end_t):
    """Machines deployed over a period: those retired plus the growth of the fleet's mass. [t]

    A mass balance (deployed - retired = change of the fleet); it is negative only if the
    fleet shrank by more than it retired, which the steady-state retirement rate does not
    rule out in a year of falling power.
    """
    return retired_t + fleet_mass_end_t - fleet_mass_start_t


def fleet_mass_t(it_power_gw, kg_per_kw):
    """Mass of the machines in service: IT power x mass per kW.

    Parameters
    ----------
    it_power_gw : numeric
        Power drawn by the machines themselves (facility power / PUE). [GW]
    kg_per_kw : numeric
        Machine mass per kW of rated power. [kg/kW]

    Returns
    -------
    mass : numeric
        [t]
    """
    return it_power_gw * 1e6 * kg_per_kw / 1e3


def retirement_rate_t_per_yr(mass_t, life_yr):
    """Steady-state retirements: the fleet is replaced once per mean life, M / L. [t/yr]"""
    return mass_t / life_yr


def service_life_yr(threshold_j_per_th: xr.DataArray, catalogue: Catalogue | None = None) -> pd.Series:
    """Time from each model's release to its first unprofitable day.

    Parameters
    ----------
    threshold_j_per_th : xarray.DataArray
        The daily profitability threshold over ``time`` (e.g. ``cbeci_threshold`` of an
        estimate). [J/TH]
    catalogue : Catalogue, optional
        Models; default the Cambridge list of 2020.

    Returns
    -------
    life : pandas.Series
        By model name, for models released within the threshold's days; NaN where the
        model is still profitable on the last day (its life is not yet known). [yr]
    """
    catalogue = catalogue or cbeci_catalogue()
    days = pd.DatetimeIndex(threshold_j_per_th.time.values)
    threshold = threshold_j_per_th.to_numpy()
    life = {}
    for name, release, efficiency in zip(catalogue.name, catalogue.release, catalogue.efficiency_j_per_th):
        if not days[0] <= release <= days[-1]:
            continue
        after = days > release
        unprofitable = np.flatnonzero(after & (efficiency >= threshold))
        life[name] = (days[unprofitable[0]] - release).days / DAYS_PER_YEAR if unprofitable.size else np.nan
    return pd.Series(life, name="service_life", dtype=float)


def mean_service_life_yr(threshold_j_per_th: xr.DataArray, catalogue: Catalogue | None = None,
                         released_from: str = LIFE_RELEASED_FROM, released_to: str = LIFE_RELEASED_TO) -> float:
    """Mean service life of the models released in a window whose life is known. [yr]"""
    catalogue = catalogue or cbeci_catalogue()
    life = service_life_yr(threshold_j_per_th, catalogue)
    released = pd.Series(pd.DatetimeIndex(catalogue.release), index=catalogue.name)
    window = released[(released >= released_from) & (released <= released_to)].index
    known = life.reindex(window).dropna()
    if known.empty:
        raise ValueError(f"no model released {released_from} to {released_to} has a known service life")
    return float(known.mean())


def ewaste(estimate_ds: xr.Dataset, estimator: str = "cbeci") -> xr.Dataset:
    """Machines retired, daily rate, per year and per transaction, from a historical estimate.

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        From :func:`hashjoule.estimates.estimators.estimate` over the whole record, with
        ``estimator`` (``cbeci`` or ``cbeci2023``) among its estimators.
    estimator : str
        Whose best guess of power and profitability threshold to use.

    Returns
    -------
    result : xarray.Dataset
        ``fleet_mass`` [t] and ``retirement_rate`` [t/yr] over ``time``;
        ``retired`` [t] by calendar ``year``; ``per_transaction`` [g] over ``time``
        (NaN where transactions are not observed); the energy used to make the machines,
        ``embodied_rate`` [TJ/yr] and ``embodied_per_transaction`` [MJ] over ``time``,
        ``embodied_retired`` [TJ], ``deployed`` [t] and ``embodied_deployed`` [TJ] by
        ``year``; attributes ``mean_service_life_yr``, ``mass_per_kw_kg`` and
        ``manufacturing_energy_mj_per_kg``.
    """
    kg_per_kw = mass_per_kw_kg()
    life = mean_service_life_yr(estimate_ds[f"{estimator}_threshold"])
    it_power = estimate_ds.power.sel(estimator=estimator, bound="best", drop=True) / CBECI_PUE["best"]
    mass = fleet_mass_t(it_power, kg_per_kw)
    rate = retirement_rate_t_per_yr(mass, life)
    per_day = rate / DAYS_PER_YEAR
    retired = per_day.groupby("time.year").sum()
    per_tx = per_day * G_PER_T / estimate_ds.transactions
    mj_per_kg = manufacturing_energy_mj_per_kg()
    yearly_mass = mass.groupby("time.year")
    deployed = deployed_t(retired, yearly_mass.first(), yearly_mass.last())
    embodied = "energy used to manufacture the machines"
    return xr.Dataset(
        {
            "fleet_mass": mass.assign_attrs(units="t", long_name="mass of the machines in service"),
            "retirement_rate": rate.assign_attrs(units="t/yr", long_name="machines retired (fleet mass / mean life)"),
            "retired": retired.assign_attrs(units="t", long_name="machines retired in the calendar year"),
            "per_transaction": per_tx.assign_attrs(units="g", long_name="machines retired per transaction"),
            "embodied_rate": embodied_energy_tj(rate, mj_per_kg).assign_attrs(
                units="TJ/yr", long_name=f"{embodied} retired (rate)"),
            "embodied_per_transaction": (embodied_energy_tj(per_day, mj_per_kg) * MJ_PER_TJ
                                         / estimate_ds.transactions).assign_attrs(
                units="MJ", long_name=f"{embodied} retired, per transaction"),
            "embodied_retired": embodied_energy_tj(retired, mj_per_kg).assign_attrs(
                units="TJ", long_name=f"{embodied} retired in the calendar year"),
            "deployed": deployed.assign_attrs(units="t", long_name="machines deployed in the calendar year "
                                                                    "(retired + growth of the fleet)"),
            "embodied_deployed": embodied_energy_tj(deployed, mj_per_kg).assign_attrs(
                units="TJ", long_name=f"{embodied} deployed in the calendar year"),
        },
        attrs={"mean_service_life_yr": life, "mass_per_kw_kg": kg_per_kw, "estimator": estimator,
               "manufacturing_energy_mj_per_kg": mj_per_kg,
               "references": "de Vries and Stoll (2021), doi:10.1016/j.resconrec.2021.105901; "
                             "manufacturing energy: Williams (2004), doi:10.1021/es035152j"},
    )


def period_text(estimate_ds: xr.Dataset, start=None, end=None, estimator: str = "cbeci") -> str:
    """One paragraph on the machines retired over a period, beside the published figures.

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        An estimate over the whole record (the service life needs it), with ``estimator``.
    start, end : str, optional
        The period.
    """
    waste = ewaste(estimate_ds, estimator).sel(time=slice(start, end))
    retired = float(waste.retirement_rate.sum()) / DAYS_PER_YEAR
    per_tx = waste.per_transaction.mean()
    tx = f"{float(per_tx):.0f} g per transaction" if bool(per_tx.notnull()) else "no transaction count for the period"
    first, last = (str(waste.time.values[i])[:10] for i in (0, -1))
    embodied_tj = float(waste.embodied_rate.sum()) / DAYS_PER_YEAR
    electricity_gwh = float(estimate_ds.energy.sel(estimator=estimator, bound="best", time=slice(start, end)).sum())
    mj_tx = waste.embodied_per_transaction.mean()
    mj_tx = f", {float(mj_tx):.0f} MJ per transaction" if bool(mj_tx.notnull()) else ""
    return (f"Mining machines retired (e-waste), {estimator} best guess: {retired:,.0f} t over {first} to {last} "
            f"(mean rate {float(waste.retirement_rate.mean()) / 1e3:.1f} kt/yr), {tx}; mean service life "
            f"{waste.attrs['mean_service_life_yr']:.2f} yr, {waste.attrs['mass_per_kw_kg']:.2f} kg per kW "
            f"(de Vries and Stoll 2021: {PUBLISHED_T_PER_YR / 1e3:.1f} kt/yr and {PUBLISHED_G_PER_TX:.0f} g per "
            f"transaction in May 2021, life {PUBLISHED_LIFE_YR} yr). Energy used to make the machines retired: "
            f"{embodied_tj:,.0f} TJ ({embodied_tj / TJ_PER_GWH:,.0f} GWh){mj_tx}, "
            f"{embodied_tj / TJ_PER_GWH / electricity_gwh:.1%} of the electricity the network used over the period, "
            f"at {waste.attrs['manufacturing_energy_mj_per_kg']:.0f} MJ per kg (a desktop computer and monitor, "
            f"Williams 2004; no figure for a mining machine found).")
