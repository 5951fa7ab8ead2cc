"""Flat against varying electricity prices; machines retired per year."""

import numpy as np
import pandas as pd
import xarray as xr

from figureworld import assert_units
from hashjoule.figures.ewaste import ewaste_per_year
from hashjoule.figures.prices import flat_vs_varying_price


def test_price_figure_has_a_line_per_case_and_units():
    time = pd.date_range("2021-01-01", periods=60, freq="D")
    cases = ["flat", "us-industrial", "reported"]
    energy = xr.DataArray(np.outer(np.ones(60), [100.0, 90.0, 105.0]), dims=("time", "case"),
                          coords={"time": time, "case": cases})
    prices = xr.DataArray(np.outer(np.ones(60), [0.05, 0.07, 0.04]), dims=("time", "case"),
                          coords={"time": time, "case": cases})
    fig = flat_vs_varying_price(energy, prices, 0.05)
    assert_units(fig, "TWh/yr", "USD/kWh")
    assert len(fig.axes[0].get_lines()) == 3


def test_ewaste_figure_has_grouped_bars_and_the_published_line():
    retired = xr.DataArray([[1e3, 2e3], [1.1e3, 1.9e3]], dims=("case", "year"),
                           coords={"case": ["cbeci", "cbeci2023"], "year": [2020, 2021]})
    fig = ewaste_per_year(retired, 30_700.0)
    assert_units(fig, "kt")
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert ax.get_lines()[0].get_ydata()[0] == 30.7
