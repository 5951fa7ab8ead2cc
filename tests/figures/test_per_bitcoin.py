"""Electricity per bitcoin, with household-year axes."""

import numpy as np
import pytest
import xarray as xr

from figureworld import assert_units, labels
from hashjoule import figures


def test_per_bitcoin_has_household_axes(estimate):
    fig = figures.energy_per_bitcoin(estimate, {"Chinese household of three": 2500.0, "US household": 10715.0})
    assert_units(fig, "MWh/BTC", "household-yr/BTC")
    assert len([t for t in labels(fig) if "household-yr" in t]) == 2


def test_per_bitcoin_ratio():
    # 24 GWh a day over 900 BTC a day is 26.7 MWh/BTC whatever the window
    from hashjoule.figures.per_bitcoin import energy_per_btc_rolling

    ds = xr.Dataset({"energy": ("time", np.full(40, 24.0)), "subsidy": ("time", np.full(40, 900.0))})
    assert float(energy_per_btc_rolling(ds, 30).isel(time=-1)) == pytest.approx(24e3 / 900)
