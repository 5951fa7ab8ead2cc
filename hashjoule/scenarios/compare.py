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
    return xr.Dataset({
        "energy_china": years.sel(region=china).sum(["year", "region"]),
        "energy_world": years.sum(["year", "region"]),
        "co2_china": co2.sel(region=china).sum(["year", "region"]),
        "co2_world": co2.sum(["year", "region"]),
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


def summarise(differences: dict[str, xr.Dataset], household_kwh_per_year: float) -> pd.DataFrame:
    """Mean and 5-95 % interval of each quantity, one row per scenario; household-years of
    the net global change (negative: households' worth of electricity saved)."""
    rows = {}
    for name, d in differences.items():
        row = {}
        for var in d.data_vars:
            values = d[var].to_numpy()
            row[f"{var}_mean"] = values.mean()
            row[f"{var}_p5"], row[f"{var}_p95"] = np.quantile(values, BAND)
        years = household_years(d.net_global.to_numpy() * 1e6, household_kwh_per_year)  # TWh -> MWh
        row["household_years_mean"] = years.mean()
        row["household_years_p5"], row["household_years_p95"] = np.quantile(years, BAND)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")
