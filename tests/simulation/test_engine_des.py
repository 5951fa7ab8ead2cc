"""The per-block engine (engine_des.py): exact chain behaviour, block by block."""

import numpy as np
import pytest
from scipy import stats

from hashjoule.simulation import engine_des

import chainlaws
from simworld import toy_inputs


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


def test_epochs_last_14_days_at_matched_difficulty():
    chainlaws.epochs_last_14_days_at_matched_difficulty(engine_des.run_batch)


def test_halving_at_the_right_height():
    chainlaws.halving_at_the_right_height(engine_des.run_batch)


# --- the work of an epoch, exactly -------------------------------------------------

def test_des_epoch_work_is_gamma_2016():
    """300 per-block first epochs (600,000 blocks): the laws of the ensemble's test (time to
    the epoch's last block Gamma(2016) block times, retarget span Gamma(2015)), with less
    power (KS distance 0.11 at the 0.1 % level) but from 2016 real exponential intervals each."""
    duration, span = chainlaws.first_epoch(engine_des.run_batch, 300, seed=22)
    assert stats.kstest(duration, stats.gamma(2016).cdf).pvalue > 0.001
    assert stats.kstest(span, stats.gamma(2015).cdf).pvalue > 0.001


# --- invariants -----------------------------------------------------------------

def test_zero_hashrate_means_no_energy_and_no_blocks():
    chainlaws.zero_hashrate_means_no_energy_and_no_blocks(engine_des.run_batch)
