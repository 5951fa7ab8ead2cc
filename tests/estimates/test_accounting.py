"""Energy per bitcoin, per transaction, household equivalents and CO2."""

import numpy as np
import pytest

from hashjoule.errors import InputError
from hashjoule.estimates import accounting as acc


def test_energy_per_bitcoin_example_of_the_model_notes():
    # MODEL.md: 134 TWh over the ~328,500 BTC of subsidy minted in 2021 is about 408 MWh/BTC.
    assert acc.energy_per_btc_mwh(134.0, 328_500) == pytest.approx(407.9, abs=0.1)


def test_household_years_and_co2():
    assert acc.household_years(10.715, 10_715) == pytest.approx(1.0)
    assert acc.co2_t(1000.0, 0.5581) == pytest.approx(558.1)


def test_reference_households():
    china = acc.household("china3")
    # NEA 2021 residential 1,174.8 TWh (derived, see PROVENANCE) / NBS 1,412.60 M people x 3
    assert china.kwh_per_year == pytest.approx(1174.8e9 / 1412.60e6 * 3)
    assert "NEA" in china.source
    us = acc.household("us")
    assert us.kwh_per_year == 10_715  # EIA, 2020
    assert acc.china_household(2020).kwh_per_year == pytest.approx(1094.9e9 / 1412.12e6 * 3)
    custom = acc.household(kwh_per_year=3000)
    assert custom.kwh_per_year == 3000 and custom.key == "custom"


@pytest.mark.parametrize("call", [
    lambda: acc.household("mars"),
    lambda: acc.household(kwh_per_year=-1.0),
    lambda: acc.household(kwh_per_year=float("nan")),
    lambda: acc.china_household(2016),
])
def test_bad_households_are_refused(call):
    with pytest.raises(InputError):
        call()


def test_period_account_2021(estimate_ds, inputs):
    account = acc.period_account(estimate_ds, "2021-01-01", "2021-12-31")
    blocks = float(inputs.blocks.sel(time=slice("2021-01-01", "2021-12-31")).sum())
    assert float(account.btc_minted) == 6.25 * blocks  # all of 2021 is in the 6.25 BTC era
    assert float(account.btc_with_fees) > float(account.btc_minted)
    cbeci = account.sel(estimator="cbeci")
    assert (cbeci.energy_per_btc_with_fees < cbeci.energy_per_btc).all()
    np.testing.assert_allclose(cbeci.energy_per_btc, cbeci.energy * 1e6 / float(account.btc_minted))
    np.testing.assert_allclose(cbeci.household_years_per_btc,
                               cbeci.energy_per_btc * 1e3 / account.attrs["household_kwh_per_year"])
    assert account.energy.attrs["units"] == "TWh"
    assert np.isfinite(cbeci.energy_per_transaction).all()
    assert "co2" not in account


def test_period_account_with_co2(estimate_ds):
    account = acc.period_account(estimate_ds, "2020-01-01", "2020-12-31", emission_factor_t_per_mwh=0.5)
    np.testing.assert_allclose(account.co2, account.energy * 0.5)  # TWh x t/MWh = Mt
    assert account.co2.attrs["units"] == "Mt"


def test_no_transaction_count_gives_nan_not_a_wrong_number(estimate_ds):
    account = acc.period_account(estimate_ds, "2015-01-01", "2015-12-31")
    assert np.isnan(float(account.transactions))
    assert account.energy_per_transaction.isnull().all()


@pytest.mark.parametrize("factor", [-0.1, float("nan")])
def test_bad_emission_factor_is_refused(estimate_ds, factor):
    with pytest.raises(InputError, match="emission factor"):
        acc.period_account(estimate_ds, "2020-01-01", "2020-01-31", emission_factor_t_per_mwh=factor)


def test_energy_consumed_against_an_independent_path(estimate_ds, inputs):
    """The economic limit spends all revenue at 0.05 USD/kWh: energy [kWh] = revenue / price,
    computed here straight from the inputs, without the estimator's power or units."""
    total = acc.energy_consumed_twh(estimate_ds, "2021-01-01", "2021-12-31")
    revenue = float(inputs.revenue.sel(time=slice("2021-01-01", "2021-12-31")).sum())
    assert float(total.sel(estimator="stoll2019", bound="upper")) == pytest.approx(revenue / 0.05 / 1e9, rel=1e-12)
    assert total.attrs["units"] == "TWh" and total.attrs["start"] == "2021-01-01"
