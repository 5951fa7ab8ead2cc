"""Electricity per bitcoin across a halving, and the halving's day in each draw."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from figureworld import assert_units
from hashjoule import figures
from hashjoule.figures.halving import day_quantiles, halving_days, monthly_energy_per_btc

HOMES = {"Chinese household of three": 2500.0, "US household": 10715.0}


def toy_halving_run(halving_days_after_start=(850, 860, 870), draws_reaching=3) -> xr.Dataset:
    """144 blocks a day, 3.125 BTC each until the draw's halving day (height 1,050,000),
    which mints half its blocks at 1.5625; 24 GWh a day in each of two regions."""
    time = pd.date_range("2026-01-01", "2029-12-31", freq="D")
    draws = len(halving_days_after_start)
    subsidy = np.full((draws, time.size), 3.125)
    for d, day in enumerate(halving_days_after_start[:draws_reaching]):
        subsidy[d, day] = (3.125 + 1.5625) / 2
        subsidy[d, day + 1:] = 1.5625
    blocks = np.full((draws, time.size), 144.0)
    return xr.Dataset({"energy": (("draw", "time", "region"), np.full((draws, time.size, 2), 24.0), {"units": "GWh"}),
                       "blocks": (("draw", "time"), blocks, {"units": "1"}),
                       "btc_minted": (("draw", "time"), blocks * subsidy, {"units": "BTC"})},
                      coords={"draw": np.arange(draws), "time": time, "region": ["a", "b"]},
                      attrs={"scenario": "toy", "seed": 0, "parameter_set": "test"})


def test_halving_days_follow_the_chain_rules():
    run = toy_halving_run()
    days = halving_days(run)
    # the run starts in the 3.125 BTC era: the only halving it crosses is the one at 1,050,000
    assert days.height.values.tolist() == [1_050_000]
    expected = run.time.values[[850, 860, 870]]
    np.testing.assert_array_equal(days.sel(height=1_050_000).values, expected)
    assert str(day_quantiles(days, [0.5]).sel(height=1_050_000).values[0])[:10] == str(expected[1])[:10]


def test_a_draw_that_never_halves_is_left_out():
    days = halving_days(toy_halving_run(draws_reaching=2))
    assert int(days.notnull().sum()) == 2
    assert str(day_quantiles(days, [1.0]).values.ravel()[0])[:10] == str(days.values.ravel()[1])[:10]


def test_monthly_energy_per_btc():
    # 48 GWh a day over 144 x 3.125 BTC a day is 106.7 MWh/BTC, and twice that after the halving
    per_btc = monthly_energy_per_btc(toy_halving_run())
    assert per_btc.attrs["units"] == "MWh/BTC"
    assert float(per_btc.sel(time="2026-01-01", draw=0)) == pytest.approx(48e3 / (144 * 3.125))
    assert float(per_btc.sel(time="2029-12-01", draw=0)) == pytest.approx(48e3 / (144 * 1.5625))


def test_halving_figure_marks_the_median_day():
    run = toy_halving_run()
    fig = figures.halving_per_bitcoin(run, HOMES, "2027-01-01", "2029-12-31")
    assert_units(fig, "MWh/BTC", "household-yr/BTC")
    ax = fig.axes[0]
    median = run.time.values[860]
    assert any(np.asarray(line.get_xdata())[0] == median for line in ax.get_lines() if len(line.get_xdata()) == 2)
    assert any("1,050,000" in t.get_text() and str(median)[:10] in t.get_text() for t in ax.texts)
