"""The per-epoch engine (engine_ensemble.py): exact epoch work, the deterministic path,
invariants and the layout of its output."""

import numpy as np
import pytest
from scipy import stats

from hashjoule.simulation import engine_ensemble
from hashjoule.simulation.world import baseline_inputs

import chainlaws
from simworld import toy_inputs


# --- the chain under a constant hashrate ----------------------------------------

def test_epochs_last_14_days_at_matched_difficulty():
    chainlaws.epochs_last_14_days_at_matched_difficulty(engine_ensemble.run_batch)


def test_halving_at_the_right_height():
    chainlaws.halving_at_the_right_height(engine_ensemble.run_batch)


# --- the work of an epoch, exactly -------------------------------------------------

def test_ensemble_epoch_work_is_exactly_gamma_2016():
    """20,000 first epochs: the time to the epoch's last block is Gamma(2016) block times and
    the retarget span (first to last block) Gamma(2015). One-sample KS tests at 20,000
    values detect a KS distance of 0.014 at the 0.1 % level; a shape off by 3 (0.15 % in
    the mean, 0.07 standard deviations) gives 0.027."""
    duration, span = chainlaws.first_epoch(engine_ensemble.run_batch, 20_000, seed=21)
    assert stats.kstest(duration, stats.gamma(2016).cdf).pvalue > 0.001
    # the span is taken between whole seconds and the bits keep 3 bytes: both far below the spread
    assert stats.kstest(span, stats.gamma(2015).cdf).pvalue > 0.001
    assert stats.kstest(duration, stats.gamma(2019).cdf).pvalue < 1e-6  # the test can fail


def test_steady_state_epochs_carry_cores_off_by_one():
    """In steady state an epoch of Gamma(2016) blocks runs at a difficulty set from the
    previous epoch's span of 2015 intervals, Gamma(2015): mean 14 x 2016 x E[1/Gamma(2015)]
    = 14 x 2016/2014 = 14.0139 days, against 14 x 2016/2015 = 14.0069 without the
    off-by-one. 4,000 draws x ~14 epochs pin the mean to about 0.0006 d."""
    x = toy_inputs(days=200, height=chainlaws.EPOCH_START)
    ds = engine_ensemble.run_batch(x, np.arange(4000), seed=23)
    durations = ds.epoch_duration.isel(epoch=slice(2, None)).to_numpy()  # the first retargets settle
    per_draw = np.nanmean(durations, axis=1)
    se = per_draw.std(ddof=1) / np.sqrt(per_draw.size)
    assert abs(per_draw.mean() - 14 * 2016 / 2014) < 3 * se
    assert abs(per_draw.mean() - 14 * 2016 / 2015) > 3 * se  # and the off-by-one is visible


def test_deterministic_run_is_the_centre_of_the_random_ones():
    """A flat world where some machines are off (tariff near break-even) and scrapping runs:
    the deterministic path (mean epoch work) and the mean of random runs must agree, or a
    calibration on the one would not carry to the other. Tolerance: 1 %, against a spread
    over draws of about 0.3 % here."""
    x = toy_inputs(days=365, tariff=0.04, retire_days=30.0, growth=0.002, lag=30)
    det = engine_ensemble.run_batch(x, [0], seed=None).hashrate.isel(time=-1).sum()
    rnd = engine_ensemble.run_batch(x, np.arange(200), seed=5).hashrate.isel(time=-1).sum("region")
    assert float(rnd.mean()) == pytest.approx(float(det), rel=0.01)


# --- invariants -----------------------------------------------------------------

def test_zero_hashrate_means_no_energy_and_no_blocks():
    chainlaws.zero_hashrate_means_no_energy_and_no_blocks(engine_ensemble.run_batch)


def test_energy_is_never_negative_and_never_nan(world_2019):
    ds = engine_ensemble.run_batch(world_2019, np.arange(20), seed=9)
    for name in ("hashrate", "power", "energy", "co2", "blocks", "btc_minted", "difficulty"):
        values = ds[name].to_numpy()
        assert np.isfinite(values).all() and (values >= 0).all(), name


def test_more_tariff_never_means_more_energy():
    base = baseline_inputs("2019-01-01", "2020-12-31")
    totals = []
    for factor in (1.0, 1.5, 2.0, 4.0):
        regions = base.regions.__class__(**{**base.regions.__dict__,
                                            "tariff_usd_per_kwh": base.regions.tariff_usd_per_kwh * factor})
        ds = engine_ensemble.run_batch(base.with_changes(regions=regions), np.arange(8), seed=1)
        totals.append(ds.energy.sum(["time", "region"]).to_numpy())  # same draws: common random numbers
    totals = np.array(totals)
    assert (np.diff(totals, axis=0) <= 1e-9 * totals[:-1]).all()


def test_thirty_years_past_several_halvings_without_nan():
    x = baseline_inputs("2016-01-01", "2045-12-31")
    ds = engine_ensemble.run_batch(x, np.arange(3), seed=4)
    for name in ("hashrate", "energy", "co2", "blocks", "btc_minted", "difficulty", "price"):
        assert np.isfinite(ds[name].to_numpy()).all(), name
    yearly = ds[["blocks", "btc_minted"]].groupby("time.year").sum()
    assert (yearly.blocks > 1_000).all()  # the chain never died in these draws
    per_block = yearly.btc_minted / yearly.blocks
    assert float(per_block.sel(year=2017).mean()) == pytest.approx(12.5, rel=1e-9)  # the 2016-2020 era
    # at least four more halvings by 2045 (projected years mine fewer than 52,560 blocks a year)
    assert float(per_block.sel(year=2045).max()) <= 12.5 / 16


# --- the output -------------------------------------------------------------------

def test_output_layout(world_2019):
    ds = engine_ensemble.run_batch(world_2019, [0, 1], seed=0)
    assert ds.hashrate.dims == ("draw", "time", "region")
    assert ds.energy.attrs["units"] == "GWh" and ds.co2.attrs["units"] == "t" and ds.hashrate.attrs["units"] == "EH/s"
    assert ds.epoch_difficulty.dims == ("draw", "epoch")
    for var in ds.data_vars.values():
        assert {"units", "long_name"} <= set(var.attrs)
    assert ds.attrs["seed"] == 0 and ds.attrs["engine"] == "ensemble"


def test_epoch_variates_drawn_ahead_in_chunks_are_each_draws_own_sequence():
    """Grown chunk by chunk or drawn at once, each draw's Exp(1) and Gamma(2015) variates are
    its generators' sequences, in order."""
    def streams(seed):
        return [np.random.default_rng([seed, j]) for j in range(3)]

    grown = engine_ensemble._EpochRandoms(streams(5), streams(6), chunk=3)
    x1, rest = grown.ensure(10)  # drawn in four chunks
    at_once = engine_ensemble._EpochRandoms(streams(5), streams(6), chunk=12)
    assert x1.shape == rest.shape == (3, 12)
    np.testing.assert_array_equal(x1, at_once.ensure(0)[0])
    np.testing.assert_array_equal(rest, at_once.ensure(0)[1])
    np.testing.assert_array_equal(x1[1], np.random.default_rng([5, 1]).standard_exponential(12))
    np.testing.assert_array_equal(rest[2], np.random.default_rng([6, 2]).standard_gamma(2015, 12))
