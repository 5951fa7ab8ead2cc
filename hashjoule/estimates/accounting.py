"""From electricity to the quantities people quote: per bitcoin, per transaction,
household equivalents and CO2.

Energy per bitcoin divides the electricity of a period by the bitcoins minted in it
(subsidy only) or paid to miners (subsidy + fees): the two answer different questions
and both are reported. Energy per transaction is a different quantity again (the same
electricity spread over many more transactions) and must not be confused with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from hashjoule.data import read_table
from hashjoule.errors import InputError
from hashjoule.network.periods import select_period

#: Reference year of the bundled household figures.
DEFAULT_HOUSEHOLD_YEAR = 2021
#: Persons in the household of the article's claim ("a family of three").
CHINA_FAMILY_SIZE = 3


@dataclass(frozen=True)
class Household:
    """A reference household.

    Attributes
    ----------
    key : str
        Short name (``china3``, ``us`` or ``custom``).
    label : str
        Readable description.
    kwh_per_year : float
        Electricity used in a year. [kWh/yr]
    source : str
        Where the number comes from, and how it was derived.
    """

    key: str
    label: str
    kwh_per_year: float
    source: str

    def __post_init__(self):
        if not (np.isfinite(self.kwh_per_year) and self.kwh_per_year > 0):
            raise InputError.single("household", self.key, "a positive annual consumption [kWh/yr]",
                                    repr(self.kwh_per_year))


def china_household(year: int = DEFAULT_HOUSEHOLD_YEAR, persons: int = CHINA_FAMILY_SIZE) -> Household:
    """A Chinese household: national residential electricity per person x persons.

    Residential electricity (urban and rural residents, NEA) divided by the year-end
    population (NBS), both bundled; see PROVENANCE.md for the 2019 and 2021 residential
    values, which are derived from reported growth rates.
    """
    residential = read_table("china_residential_electricity_annual")
    people = read_table("china_population_household")
    people = people[people.indicator == "population_year_end"]
    twh = residential.loc[residential.year == year, "residential_electricity_twh"]
    millions = people.loc[people.year == year, "value"]
    if twh.empty or millions.empty:
        years = sorted(set(residential.year.astype(int)) & set(people.year.astype(int)))
        raise InputError.single("household year", "", f"one of {', '.join(map(str, years))}", str(year))
    per_person = float(twh.iloc[0]) * 1e9 / (float(millions.iloc[0]) * 1e6)
    return Household(
        key="china3",
        label=f"Chinese household of {persons} ({year})",
        kwh_per_year=per_person * persons,
        source=(f"NEA residential electricity {float(twh.iloc[0]):.1f} TWh / NBS year-end population "
                f"{float(millions.iloc[0]):.2f} M = {per_person:.0f} kWh per person, x {persons} persons"),
    )


def us_household() -> Household:
    """The average US residential customer in 2020 (EIA: 10,715 kWh/yr)."""
    table = read_table("household_electricity_reference")
    row = table[(table.region == "United States") & (table.unit == "kWh/customer/yr")].iloc[0]
    return Household(
        key="us",
        label=f"US household ({int(row.year)})",
        kwh_per_year=float(row.value),
        source=f"EIA, {row.source_page_title}, {row.source_url}",
    )


HOUSEHOLDS = {"china3": china_household, "us": us_household}


def household(key: str = "china3", kwh_per_year: float | None = None) -> Household:
    """A reference household by name, or a user's own annual consumption.

    Parameters
    ----------
    key : {"china3", "us"}
        Bundled reference; ignored when ``kwh_per_year`` is given.
    kwh_per_year : float, optional
        The user's own figure. [kWh/yr]
    """
    if kwh_per_year is not None:
        return Household("custom", "household given by the user", float(kwh_per_year), "--household-kwh / kwh_per_year")
    if key not in HOUSEHOLDS:
        raise InputError.single("household", "", f"one of {', '.join(HOUSEHOLDS)}", repr(key))
    return HOUSEHOLDS[key]()


# --- relations ----------------------------------------------------------


def energy_per_btc_mwh(energy_twh, btc):
    """Electricity per bitcoin. [MWh/BTC] from energy [TWh] and bitcoins [BTC]."""
    return energy_twh * 1e6 / btc


def household_years(energy_mwh, household_kwh_per_year):
    """How many years of a household's electricity an amount of energy is. [household-yr]"""
    return energy_mwh * 1e3 / household_kwh_per_year


def co2_t(energy_mwh, emission_factor_t_per_mwh):
    """CO2 emitted by electricity use: energy x grid emission factor.

    Parameters
    ----------
    energy_mwh : numeric
        Electricity consumed. [MWh]
    emission_factor_t_per_mwh : numeric
        Grid emission factor (equal to kg/kWh). [t CO2/MWh]

    Returns
    -------
    co2 : numeric
        [t CO2]
    """
    return energy_mwh * emission_factor_t_per_mwh


# --- a period's account --------------------------------------------------


def energy_consumed_twh(estimate_ds: xr.Dataset, start=None, end=None) -> xr.DataArray:
    """Electricity consumed over a period (days ``start`` to ``end`` included).

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        With a daily ``energy`` [GWh], as from
        :func:`hashjoule.estimates.estimators.estimate`.

    Returns
    -------
    energy : xarray.DataArray
        Summed over the days; other dimensions kept (estimator x bound). [TWh]
    """
    period = select_period(estimate_ds, start, end)
    total = period.energy.sum("time", skipna=False) / 1e3
    return total.assign_attrs(units="TWh", long_name="electricity consumed over the period",
                              start=str(period.time.values[0])[:10], end=str(period.time.values[-1])[:10])


def _check_emission_factor(value: float | None) -> None:
    if value is not None and not (np.isfinite(value) and value >= 0):
        raise InputError.single("emission factor", "", "a non-negative number [t CO2/MWh]", repr(value))


def period_account(estimate_ds: xr.Dataset, start=None, end=None, home: Household | None = None,
                   emission_factor_t_per_mwh: float | None = None) -> xr.Dataset:
    """Totals of a period from a historical estimate.

    Parameters
    ----------
    estimate_ds : xarray.Dataset
        From :func:`hashjoule.estimates.estimators.estimate`.
    start, end : str or datetime-like, optional
        First and last day (included).
    home : Household, optional
        Reference household; default a Chinese household of three.
    emission_factor_t_per_mwh : float, optional
        Grid emission factor for CO2. [t CO2/MWh]

    Returns
    -------
    account : xarray.Dataset
        Over (estimator, bound): ``energy`` [TWh], ``energy_per_btc`` [MWh/BTC]
        (subsidy only), ``energy_per_btc_with_fees`` [MWh/BTC],
        ``household_years_per_btc`` [household-yr/BTC], ``households_for_a_year``
        (energy / a household's year), ``energy_per_transaction`` [MWh] (NaN if the
        period has days without a transaction count) and ``co2`` [Mt] when an
        emission factor is given. Scalars ``btc_minted`` and ``btc_with_fees`` [BTC],
        ``transactions`` [1].
    """
    home = home or household()
    _check_emission_factor(emission_factor_t_per_mwh)
    period = select_period(estimate_ds, start, end)
    energy_twh = energy_consumed_twh(period)
    minted = float(period.subsidy.sum())
    with_fees = minted + float(period.fees.sum())
    transactions = float(period.transactions.sum(skipna=False))
    per_btc = energy_per_btc_mwh(energy_twh, minted)
    years = household_years(energy_twh * 1e6, home.kwh_per_year)
    account = xr.Dataset(
        {
            "energy": energy_twh.assign_attrs(units="TWh", long_name="electricity consumed over the period"),
            "energy_per_btc": per_btc.assign_attrs(units="MWh/BTC", long_name="electricity per bitcoin minted (subsidy only)"),
            "energy_per_btc_with_fees": energy_per_btc_mwh(energy_twh, with_fees).assign_attrs(
                units="MWh/BTC", long_name="electricity per bitcoin paid to miners (subsidy + fees)"),
            "household_years_per_btc": household_years(per_btc, home.kwh_per_year).assign_attrs(
                units="household-yr/BTC", long_name=f"household-years of electricity per bitcoin minted ({home.label})"),
            "households_for_a_year": (years / ((period.time.size) / 365.25)).assign_attrs(
                units="households", long_name=f"households using as much electricity in a year ({home.label})"),
            "energy_per_transaction": (energy_twh * 1e6 / transactions).assign_attrs(
                units="MWh", long_name="electricity per transaction (transactions approximated from fees)"),
            "btc_minted": ((), minted, {"units": "BTC", "long_name": "subsidy minted"}),
            "btc_with_fees": ((), with_fees, {"units": "BTC", "long_name": "subsidy + fees paid to miners"}),
            "transactions": ((), transactions, {"units": "1", "long_name": "transactions (approximate)"}),
        },
        attrs={"start": str(period.time.values[0])[:10], "end": str(period.time.values[-1])[:10],
               "days": int(period.time.size), "household": home.label,
               "household_kwh_per_year": home.kwh_per_year, "household_source": home.source},
    )
    if emission_factor_t_per_mwh is not None:
        account["co2"] = (co2_t(energy_twh * 1e6, emission_factor_t_per_mwh) / 1e6).assign_attrs(
            units="Mt", long_name="CO2 emitted", emission_factor_t_per_mwh=emission_factor_t_per_mwh)
    return account
