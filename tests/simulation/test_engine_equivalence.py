"""The two engines against each other: the same path without randomness, the same random
streams per draw, and agreement in distribution on the bundled world."""

import numpy as np
import pytest
from scipy import stats

from hashjoule.simulation import engine_des, engine_ensemble

from simworld import toy_inputs


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


def test_same_draw_same_price_path_in_both_engines(world_2019):
    future = world_2019.with_changes(
        market=world_2019.market.__class__(world_2019.market.price_history_usd[:30], 0.0, 0.03,
                                           world_2019.market.fees_btc_per_block))
    des = engine_des.run_batch(future, [5], seed=1)
    ens = engine_ensemble.run_batch(future, [5], seed=1)
    np.testing.assert_array_equal(des.price, ens.price)
    assert float(des.price.std()) > 0


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
