"""Fixtures of the figure tests: small synthetic Datasets (no model involved)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from figureworld import toy_run


@pytest.fixture(scope="module")
def estimate():
    time = pd.date_range("2021-01-01", periods=90, freq="D")
    rng = np.random.default_rng(1)
    power = xr.DataArray(10 + rng.random((90, 3, 3)), dims=("time", "estimator", "bound"),
                         coords={"time": time, "estimator": ["cbeci", "stoll2019", "digiconomist"],
                                 "bound": ["lower", "best", "upper"]})
    power = power * xr.DataArray([0.5, 1.0, 2.0], dims="bound")
    return xr.Dataset({"annualised_energy": (power * 8.766).assign_attrs(units="TWh/yr"),
                       "energy": (power * 24).assign_attrs(units="GWh"),
                       "subsidy": ("time", np.full(90, 900.0), {"units": "BTC/day"})},
                      attrs={"electricity_price_usd_per_kwh": 0.05})


@pytest.fixture(scope="module")
def run():
    return toy_run()
