"""Laws of the chain that both engines must obey, as checks taking an engine's ``run_batch``.

``tests/simulation/test_engine_des.py`` and ``test_engine_ensemble.py`` apply each check to
their own engine; ``test_engine_equivalence.py`` compares the two engines' results.
"""

import numpy as np
import pytest

from hashjoule.network import chain

from simworld import toy_inputs

EPOCH_START = 2016 * 312  # an epoch boundary in the 6.25 BTC era


def first_epoch(run, draws, seed):
    """Constant hashrate, matched difficulty, start at an epoch boundary: return the first
    epoch's duration and its retarget timespan, both in units of the mean block time."""
    x = toy_inputs(days=17, height=EPOCH_START)
    ds = run(x, np.arange(draws), seed=seed)
    block_s = chain.difficulty_from_bits(x.chain_start.bits) * 2**32 / (float(x.initial_capacity_ths.sum()) * 1e12)
    duration = ds.epoch_end.isel(epoch=0).to_numpy() * 86_400 / block_s
    factor = (ds.difficulty.isel(time=-1) / ds.epoch_difficulty.isel(epoch=0)).to_numpy()  # after the retarget
    return duration, chain.TARGET_TIMESPAN_S / factor / block_s


def epochs_last_14_days_at_matched_difficulty(run):
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


def halving_at_the_right_height(run):
    """Start 100 blocks before the 3rd halving (630,000): the day's subsidy halves after 100 blocks."""
    x = toy_inputs(days=3, height=629_900, bits=None)
    ds = run(x, [0], seed=None)
    minted = float(ds.btc_minted.sum())
    blocks = float(ds.blocks.sum())
    assert minted == pytest.approx(100 * 12.5 + (blocks - 100) * 6.25, rel=1e-9)


def zero_hashrate_means_no_energy_and_no_blocks(run):
    x = toy_inputs(days=20, capacity_ths=1e6)
    x = x.with_changes(initial_capacity_ths=np.zeros_like(x.initial_capacity_ths))
    ds = run(x, [0, 1], seed=5)
    assert float(ds.energy.sum()) == 0 and float(ds.blocks.sum()) == 0 and float(ds.btc_minted.sum()) == 0
