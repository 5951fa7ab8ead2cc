"""Historical estimators: the relations and invariants (the Cambridge acceptance check is in
test_cambridge.py)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.estimates import estimators as est
from hashjoule.network.hardware import Catalogue


# --- relations ----------------------------------------------------------------

def test_profitability_threshold_units():
    # 86,400 USD/day over 1 TH/s is 1 USD per TH; at 0.05 USD/kWh one USD buys
    # 20 kWh = 7.2e7 J, so a machine breaks even at 7.2e7 J/TH.
    assert est.profitability_threshold_j_per_th(86_400.0, 1.0, 0.05) == pytest.approx(7.2e7)


def test_power_and_annualised_energy():
    # 100 EH/s at 30 J/TH and PUE 1.1: 1e8 TH/s x 33 J/TH = 3.3 GW
    assert est.fleet_power_gw(1e8, 30.0, 1.1) == pytest.approx(3.3)
    assert est.annualised_energy_twh_per_yr(1.0) == pytest.approx(8.766)
    # 1 M USD/day at 0.05 USD/kWh buys 20 GWh/day = 0.8333 GW
    assert est.spending_limited_power_gw(1e6, 0.05) == pytest.approx(20e6 / 24 / 1e6)


# --- invariants -------------------------------------------------------------

def test_bounds_are_ordered(estimate_ds):
    cbeci = estimate_ds.power.sel(estimator="cbeci")
    assert (cbeci.sel(bound="lower") <= cbeci.sel(bound="best")).all()
    assert (cbeci.sel(bound="best") <= cbeci.sel(bound="upper")).all()
    assert float(cbeci.min()) >= 0


def test_undefined_bounds_are_nan_and_defined_ones_are_not(estimate_ds):
    power = estimate_ds.power
    assert power.sel(estimator="stoll2019", bound=["lower", "best"]).isnull().all()
    assert power.sel(estimator="digiconomist", bound=["lower", "upper"]).isnull().all()
    assert power.sel(estimator="cbeci").notnull().all()
    assert power.sel(estimator="stoll2019", bound="upper").notnull().all()


def test_dataset_layout_and_units(estimate_ds):
    assert estimate_ds.power.dims == ("time", "estimator", "bound")
    assert estimate_ds.power.attrs["units"] == "GW"
    assert estimate_ds.annualised_energy.attrs["units"] == "TWh/yr"
    assert estimate_ds.energy.attrs["units"] == "GWh"
    assert str(estimate_ds.time.values[0])[:10] == "2010-07-18"
    for name, var in estimate_ds.data_vars.items():
        assert "long_name" in var.attrs, name


def test_a_dearer_electricity_price_never_raises_the_estimate(inputs):
    cheap = est.estimate(0.04, "cbeci", inputs=inputs).power.sel(estimator="cbeci")
    dear = est.estimate(0.08, "cbeci", inputs=inputs).power.sel(estimator="cbeci")
    for bound in ("best", "upper"):
        assert (dear.sel(bound=bound) <= cheap.sel(bound=bound) * (1 + 1e-12)).all()


def test_economic_limit_scales_with_one_over_price(inputs):
    a = est.estimate(0.05, "stoll2019", inputs=inputs).power.sel(estimator="stoll2019", bound="upper")
    b = est.estimate(0.10, "stoll2019", inputs=inputs).power.sel(estimator="stoll2019", bound="upper")
    np.testing.assert_allclose(a, 2 * b)


def test_digiconomist_ignores_the_price(inputs):
    a = est.estimate(0.03, "digiconomist", inputs=inputs).power
    b = est.estimate(0.09, "digiconomist", inputs=inputs).power
    xr.testing.assert_identical(a, b)


def test_window_does_not_change_the_numbers(estimate_ds, inputs):
    window = est.estimate(0.05, start="2018-03-01", end="2018-03-31", inputs=inputs)
    xr.testing.assert_allclose(window.power, estimate_ds.power.sel(time=slice("2018-03-01", "2018-03-31")))


def test_unprofitable_days_keep_the_last_power_not_the_last_efficiency():
    """CBECI keeps the previous day's power when no model is profitable, so a changing
    hashrate does not move the estimate on those days."""
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    hashrate = np.linspace(1e6, 2e6, 60)
    revenue = hashrate * 86_400.0  # 1 USD per TH: threshold 7.2e7 J/TH at 0.05 USD/kWh
    revenue[20:] = 1e-3  # then nothing is profitable
    inputs = xr.Dataset({"hashrate": ("time", hashrate), "revenue": ("time", revenue)}, coords={"time": days})
    catalogue = Catalogue(np.array(["a", "b"]), np.array(["2019-01-01", "2019-06-01"], dtype="datetime64[ns]"),
                          np.array([50.0, 100.0]), "test")
    result = est.cbeci(inputs, 0.05, catalogue)
    counted = result.models_counted.to_numpy()
    # the 14-day mean threshold, 7.2e7 x (33 - t) / 14 J/TH from day 20, passes below
    # both models' efficiency after day 32; from day 33 nothing counts
    assert (counted[:33] == 2).all() and (counted[33:] == 0).all()
    held = est.fleet_power_gw(hashrate[32], 75.0, 1.1)  # last day with both models counted
    # after the 7-day mean has flushed the rising days, power stays at the held value
    np.testing.assert_allclose(result.power.sel(bound="best")[40:], held)
    assert float(result.power.sel(bound="best")[40]) < est.fleet_power_gw(hashrate[40], 75.0, 1.1)


# --- errors -------------------------------------------------------------------

@pytest.mark.parametrize("price", [0.0, -0.05, float("nan"), float("inf")])
def test_nonsense_price_is_refused(price, inputs):
    with pytest.raises(InputError, match="price"):
        est.estimate(price, inputs=inputs)


def test_unknown_method_is_refused(inputs):
    with pytest.raises(InputError, match="one of cbeci, cbeci2023, stoll2019, digiconomist"):
        est.estimate(0.05, "magic", inputs=inputs)


@pytest.mark.parametrize("start, end, message", [
    ("2009-01-01", None, "expected a day from 2010-07-18"),
    (None, "2030-01-01", "expected a day from 2010-07-18"),
    ("2021-05-01", "2021-04-30", "on or after start"),
    ("yesterday-ish", None, "written YYYY-MM-DD"),
])
def test_bad_periods_are_refused(start, end, message, inputs):
    with pytest.raises(InputError, match=message):
        est.estimate(0.05, start=start, end=end, inputs=inputs)
