"""Energy under flat against varying electricity prices."""

import numpy as np
import pandas as pd
import xarray as xr

from figureworld import assert_units
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
