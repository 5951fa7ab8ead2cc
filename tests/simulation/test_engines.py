"""The two engines: exact chain behaviour, agreement in distribution, invariants."""

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from hashjoule.network import chain
from hashjoule.simulation import engine_des, engine_ensemble
from hashjoule.simulation.runner import simulate
from hashjoule.simulation.world import baseline_inputs

from simworld import toy_inputs

ENGINES = [engine_des.run_batch, engine_ensemble.run_batch]


@pytest.fixture(scope="module")
def world_2019():
    """One year of the bundled world, with its calibrated-looking defaults."""
    return baseline_inputs("2019-01-01", "2019-12-31")


# --- the chain under a constant hashrate ----------------------------------------

def test_des_blocks_come_every_600_s_at_matched_difficulty():
    """Constant hashrate, difficulty matched to it: mean block interval 600 s.

    About 120 days x 144 = 17,300 exponential intervals: the mean has a relative
    standard error of 1/sqrt(17,300) = 0.76 %; we allow 3 standard errors.
    """
    x = toy_inputs(days=120)
    ds = engine_des.run_draw(x, 0, seed=11)
    blocks = float(ds.blocks.sum())
    assert 120 * 86_400 / blocks == pytest.approx(600, rel=3 / np.sqrt(blocks))


@pytest.mark.parametrize("run", ENGINES, ids=["des", "ensemble"])
def test_epochs_last_14_days_at_matched_difficulty(run):
    """Each epoch is Gamma(2016) block intervals, g x 14 days with g of mean 1 and sd
    1/sqrt(2016). The retarget sets the next difficulty to 1/g of the matched one, so an
    epoch lasts 14 g_k / g_(k-1) days: mean 14 (1 + 1/2016) days, sd 14 sqrt(2/2016) =
    0.44 d. The difficulty stays matched on average."""
    x = toy_inputs(days=200)
    ds = run(x, np.arange(4), seed=3)
    durations = ds.epoch_duration.to_numpy()
    durations = durations[np.isfinite(durations)]
    assert durations.size >= 40
    sd = 14 * np.sqrt(2 / 2016)
    assert durations.mean() == pytest.approx(14.0, abs=3 * sd / np.sqrt(durations.size))
    assert durations.std() == pytest.approx(sd, rel=0.25)  # ~50 epochs: the sd is known to about 10 %
    d0 = chain.difficulty_from_bits(x.chain_start.bits)
    assert float(ds.difficulty.isel(time=-1).mean()) == pytest.approx(d0, rel=0.05)


@pytest.mark.parametrize("run", ENGINES, ids=["des", "ensemble"])
def test_halving_at_the_right_height(run):
    """Start 100 blocks before the 3rd halving (630,000): the day's subsidy halves after 100 blocks."""
    x = toy_inputs(days=3, height=629_900, bits=None)
    ds = run(x, [0], seed=None)
    minted = float(ds.btc_minted.sum())
    blocks = float(ds.blocks.sum())
    assert minted == pytest.approx(100 * 12.5 + (blocks - 100) * 6.25, rel=1e-9)


def test_deterministic_engines_agree_exactly():
    """Without randomness both engines walk the same path: every block takes its mean work
    (DES) and every epoch its mean work (ensemble)."""
    x = toy_inputs(days=90, growth=0.003, tariff=0.03)
    des = engine_des.run_batch(x, [0], seed=None)
    ens = engine_ensemble.run_batch(x, [0], seed=None)
    ens_epochs = ens.epoch_duration.isel(epoch=slice(0, des.epoch.size))
    assert ens.epoch_duration.isel(epoch=slice(des.epoch.size, None)).isnull().all()
    np.testing.assert_allclose(des.epoch_duration, ens_epochs, rtol=1e-9)
    np.testing.assert_allclose(des.energy, ens.energy, rtol=1e-9)
    assert float(des.blocks.sum()) == pytest.approx(float(ens.blocks.sum()), abs=1.0)


# --- the work of an epoch, exactly -------------------------------------------------

EPOCH_START = 2016 * 312  # an epoch boundary in the 6.25 BTC era


def _first_epoch(run, draws, seed):
    """Constant hashrate, matched difficulty, start at an epoch boundary: return the first
    epoch's duration and its retarget timespan, both in units of the mean block time."""
    x = toy_inputs(days=17, height=EPOCH_START)
    ds = run(x, np.arange(draws), seed=seed)
    block_s = chain.difficulty_from_bits(x.chain_start.bits) * 2**32 / (float(x.initial_capacity_ths.sum()) * 1e12)
    duration = ds.epoch_end.isel(epoch=0).to_numpy() * 86_400 / block_s
    factor = (ds.difficulty.isel(time=-1) / ds.epoch_difficulty.isel(epoch=0)).to_numpy()  # after the retarget
    return duration, chain.TARGET_TIMESPAN_S / factor / block_s


def test_ensemble_epoch_work_is_exactly_gamma_2016():
    """20,000 first epochs: the time to the epoch's last block is Gamma(2016) block times and
    the retarget span (first to last block) Gamma(2015). One-sample KS tests at 20,000
    values detect a KS distance of 0.014 at the 0.1 % level; a shape off by 3 (0.15 % in
    the mean, 0.07 standard deviations) gives 0.027."""
    duration, span = _first_epoch(engine_ensemble.run_batch, 20_000, seed=21)
    assert stats.kstest(duration, stats.gamma(2016).cdf).pvalue > 0.001
    # the span is taken between whole seconds and the bits keep 3 bytes: both far below the spread
    assert stats.kstest(span, stats.gamma(2015).cdf).pvalue > 0.001
    assert stats.kstest(duration, stats.gamma(2019).cdf).pvalue < 1e-6  # the test can fail


def test_des_epoch_work_is_gamma_2016():
    """300 per-block first epochs (600,000 blocks): same laws, with less power (KS distance
    0.11 at the 0.1 % level) but from 2016 real exponential intervals each."""
    duration, span = _first_epoch(engine_des.run_batch, 300, seed=22)
    assert stats.kstest(duration, stats.gamma(2016).cdf).pvalue > 0.001
    assert stats.kstest(span, stats.gamma(2015).cdf).pvalue > 0.001


def test_steady_state_epochs_carry_cores_off_by_one():
    """In steady state an epoch of Gamma(2016) blocks runs at a difficulty set from the
    previous epoch's span of 2015 intervals, Gamma(2015): mean 14 x 2016 x E[1/Gamma(2015)]
    = 14 x 2016/2014 = 14.0139 days, against 14 x 2016/2015 = 14.0069 without the
    off-by-one. 4,000 draws x ~14 epochs pin the mean to about 0.0006 d."""
    x = toy_inputs(days=200, height=EPOCH_START)
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


# --- agreement in distribution --------------------------------------------------

@pytest.fixture(scope="module")
def both_engines(world_2019):
    """40 per-block draws and 400 ensemble draws of 2019 (the same inputs).

    40 DES draws x ~26 epochs give ~1,000 epoch durations and retarget factors; against
    ~10,000 from the ensemble, a two-sample KS test at the 0.1 % level detects a difference
    in the distributions of about 0.065 (KS distance), a quarter of the spread of an epoch
    duration: power enough to catch a wrong Gamma shape or a retarget bias.
    """
    des = engine_des.run_batch(world_2019, np.arange(40), seed=2024)
    ens = engine_ensemble.run_batch(world_2019, np.arange(400), seed=2024)
    return des, ens


def _finite(values):
    values = np.asarray(values).ravel()
    return values[np.isfinite(values)]


def test_epoch_durations_agree_in_distribution(both_engines):
    des, ens = both_engines
    a, b = _finite(des.epoch_duration), _finite(ens.epoch_duration)
    assert a.size > 900 and b.size > 9000
    assert stats.ks_2samp(a, b).pvalue > 0.001


def test_difficulty_paths_agree_in_distribution(both_engines):
    des, ens = both_engines

    def factors(ds):
        d = ds.epoch_difficulty.to_numpy()
        return _finite(d[:, 1:] / d[:, :-1])

    assert stats.ks_2samp(factors(des), factors(ens)).pvalue > 0.001
    last_des = des.difficulty.isel(time=-1).to_numpy()
    last_ens = ens.difficulty.isel(time=-1).to_numpy()
    se = np.sqrt(last_des.var(ddof=1) / last_des.size + last_ens.var(ddof=1) / last_ens.size)
    assert abs(last_des.mean() - last_ens.mean()) < 4 * se


def test_mean_annual_energy_agrees_within_monte_carlo_error(both_engines):
    des, ens = both_engines
    a = des.energy.sum(["time", "region"]).to_numpy() / 1e3
    b = ens.energy.sum(["time", "region"]).to_numpy() / 1e3
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(a.mean() - b.mean()) < 4 * se


# --- invariants -----------------------------------------------------------------

@pytest.mark.parametrize("run", ENGINES, ids=["des", "ensemble"])
def test_zero_hashrate_means_no_energy_and_no_blocks(run):
    x = toy_inputs(days=20, capacity_ths=1e6)
    x = x.with_changes(initial_capacity_ths=np.zeros_like(x.initial_capacity_ths))
    ds = run(x, [0, 1], seed=5)
    assert float(ds.energy.sum()) == 0 and float(ds.blocks.sum()) == 0 and float(ds.btc_minted.sum()) == 0


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


# --- reproducibility --------------------------------------------------------------

def test_same_seed_same_numbers_whatever_the_batches(world_2019):
    a = simulate(world_2019, "ensemble", 12, seed=7, batch_size=5)
    b = simulate(world_2019, "ensemble", 12, seed=7, batch_size=12)
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())
    c = simulate(world_2019, "ensemble", 12, seed=8, batch_size=12)
    assert not np.array_equal(a.energy.to_numpy(), c.energy.to_numpy())


def test_reduced_results_equal_the_kept_draws(world_2019):
    kept = simulate(world_2019, "ensemble", 9, seed=3, batch_size=4, keep_draws=True)
    reduced = simulate(world_2019, "ensemble", 9, seed=3, batch_size=4, keep_draws=False)
    np.testing.assert_allclose(reduced.energy_mean, kept.energy.mean("draw"), rtol=1e-12)
    np.testing.assert_allclose(reduced.energy_std, kept.energy.std("draw", ddof=1), rtol=1e-6, atol=1e-9)
    xr.testing.assert_allclose(reduced.annual_energy, kept.annual_energy)


def test_same_draw_same_price_path_in_both_engines(world_2019):
    future = world_2019.with_changes(
        market=world_2019.market.__class__(world_2019.market.price_history_usd[:30], 0.0, 0.03,
                                           world_2019.market.fees_btc_per_block))
    des = engine_des.run_batch(future, [5], seed=1)
    ens = engine_ensemble.run_batch(future, [5], seed=1)
    np.testing.assert_array_equal(des.price, ens.price)
    assert float(des.price.std()) > 0


def test_output_layout(world_2019):
    ds = engine_ensemble.run_batch(world_2019, [0, 1], seed=0)
    assert ds.hashrate.dims == ("draw", "time", "region")
    assert ds.energy.attrs["units"] == "GWh" and ds.co2.attrs["units"] == "t" and ds.hashrate.attrs["units"] == "EH/s"
    assert ds.epoch_difficulty.dims == ("draw", "epoch")
    for var in ds.data_vars.values():
        assert {"units", "long_name"} <= set(var.attrs)
    assert ds.attrs["seed"] == 0 and ds.attrs["engine"] == "ensemble"
