"""Side-by-side comparison of scenarios against a baseline, draw by draw.

Scenarios run with the same seed and draw indices share their random numbers (prices,
blocks): common random numbers. The difference of two scenarios is then taken draw by
draw, and its spread over draws is the uncertainty of the difference itself, much
narrower than the spread of either scenario.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.constants import BAND
from hashjoule.data import read_table
from hashjoule.estimates.accounting import household_years
from hashjoule.simulation.annual import by_draws, draw_sum


def china_regions() -> list[str]:
    """Regions of the model inside mainland China."""
    table = read_table("model_regions")
    return list(table.region[table.kind == "china_province"])


def period_totals(ds: xr.Dataset, first_year: int, last_year: int) -> xr.Dataset:
    """Per-draw totals over whole calendar years: energy [TWh] and CO2 [Mt], China and world."""
    years = ds.annual_energy.sel(year=slice(first_year, last_year))
    if years.year.size != last_year - first_year + 1:
        raise ValueError(f"the run does not cover {first_year}-{last_year}")
    china = [r for r in china_regions() if r in ds.region.values]
    co2 = ds.annual_co2.sel(year=slice(first_year, last_year))

    def in_china(part: xr.DataArray) -> xr.DataArray:
        return part.sel(region=china).sum(["year", "region"])

    return xr.Dataset({  # a slice of draws at a time: summing them all at once copies them all
        "energy_china": by_draws(in_china, years),
        "energy_world": draw_sum(years, ["year", "region"]),
        "co2_china": by_draws(in_china, co2),
        "co2_world": draw_sum(co2, ["year", "region"]),
    })


def paired_differences(scenario: xr.Dataset, baseline: xr.Dataset, first_year: int, last_year: int,
                       paired: bool = True) -> xr.Dataset:
    """Savings in China and net global change of a scenario against the baseline, per draw.

    Parameters
    ----------
    paired : bool
        True: draw d against draw d (common random numbers). False: draw d against draw
        d - 1 of the baseline, as if the runs were independent (for comparison only).

    Returns
    -------
    xarray.Dataset
        Over ``draw``: ``saved_china`` [TWh] (baseline - scenario, China), ``net_global``
        [TWh] (scenario - baseline, world; negative is a saving), ``co2_avoided_china`` [Mt],
        ``co2_net_global`` [Mt].
    """
    s, b = period_totals(scenario, first_year, last_year), period_totals(baseline, first_year, last_year)
    if not np.array_equal(s.draw.values, b.draw.values):
        raise ValueError("scenario and baseline must have the same draws")
    if not paired:
        b = b.roll(draw=1, roll_coords=False)
    return xr.Dataset({
        "saved_china": (b.energy_china - s.energy_china).assign_attrs(units="TWh"),
        "net_global": (s.energy_world - b.energy_world).assign_attrs(units="TWh"),
        "co2_avoided_china": (b.co2_china - s.co2_china).assign_attrs(units="Mt"),
        "co2_net_global": (s.co2_world - b.co2_world).assign_attrs(units="Mt"),
    })


#: Quantiles of every summary: the 5-95 % interval and the median. [1]
QUANTILES = (BAND[0], 0.5, BAND[1])
#: What each paired difference is, for the summaries' ``long_name``.
LONG_NAMES = {
    "saved_china": "electricity saved in China (baseline - scenario)",
    "net_global": "net global change of electricity (scenario - baseline; negative is a saving)",
    "co2_avoided_china": "CO2 avoided in China (baseline - scenario)",
    "co2_net_global": "net global change of CO2 (scenario - baseline; negative is a saving)",
    "household_years": "net global change of electricity in years of a household's use",
}


def with_household_years(differences: xr.Dataset, household_kwh_per_year: float) -> xr.Dataset:
    """The differences with ``household_years``: the net global change in years of a
    household's electricity (negative: households' worth of electricity saved)."""
    years = household_years(differences.net_global * 1e6, household_kwh_per_year)  # TWh -> MWh
    return differences.assign(household_years=years.assign_attrs(
        units="household-yr", household_kwh_per_year=float(household_kwh_per_year)))


def summarise(differences: dict[str, xr.Dataset], household_kwh_per_year: float) -> xr.Dataset:
    """Mean, median and 5-95 % interval over draws of each paired difference, by scenario.

    Parameters
    ----------
    differences : dict of str to xarray.Dataset
        Per scenario name, :func:`paired_differences` (over ``draw``).
    household_kwh_per_year : float
        Electricity of the reference household. [kWh/yr]

    Returns
    -------
    xarray.Dataset
        Over (``scenario``, ``quantile``): ``saved_china``, ``net_global`` [TWh],
        ``co2_avoided_china``, ``co2_net_global`` [Mt] and ``household_years``
        [household-yr], at the quantiles :data:`QUANTILES`; the same names with ``_mean``
        hold the means over draws (over ``scenario``). Units in each variable's attributes.
    """
    per_draw = xr.concat([with_household_years(d, household_kwh_per_year) for d in differences.values()],
                         dim=pd.Index(list(differences), name="scenario"))
    quantiles = per_draw.quantile(list(QUANTILES), dim="draw", skipna=False)
    means = per_draw.mean("draw", skipna=False)
    summary = xr.Dataset()
    for name, var in per_draw.data_vars.items():
        attrs = {"units": var.attrs["units"], "long_name": LONG_NAMES[name]}
        summary[name] = quantiles[name].transpose("scenario", "quantile").assign_attrs(attrs)
        summary[f"{name}_mean"] = means[name].assign_attrs(attrs, long_name=f"mean over draws of the {LONG_NAMES[name]}")
    summary.attrs["household_kwh_per_year"] = float(household_kwh_per_year)
    return summary


def flat_table(summary: xr.Dataset) -> pd.DataFrame:
    """The summary as one row per scenario: ``<quantity>_mean``, ``_p5`` and ``_p95`` columns
    (the layout of the gallery's ``savings.csv``)."""
    columns = {}
    for name in LONG_NAMES:
        if name not in summary:
            continue
        columns[f"{name}_mean"] = summary[f"{name}_mean"].to_series()
        for q in BAND:
            columns[f"{name}_p{round(q * 100)}"] = summary[name].sel(quantile=q).to_series()
    return pd.DataFrame(columns).rename_axis("scenario")
