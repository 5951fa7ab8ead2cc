"""Per-draw values of the uncertain parameters (draws.py): the starting fleet each draw
implies, and both engines reading a draw's values alike."""

import numpy as np
import pytest

from hashjoule.network import chain
from hashjoule.simulation.draws import initial_capacity
from hashjoule.simulation.economics import hashprice_usd_per_ths_day
from hashjoule.simulation.fleet import Fleet


from scenarioworld import short

@pytest.fixture(scope="module")
def china(tmp_path_factory):
    """The library's china-2021 over 2021: its scenario, central inputs and parameter space."""
    return short(tmp_path_factory.mktemp("draws"))


def test_each_draw_starts_at_the_observed_hashrate(china):
    _, inputs, space = china
    values = space.values(space.unit_sample(2, range(50)))
    assert np.ptp(values.tariff_scale) > 0.3 and np.ptp(values.efficiency_scale) > 0.1
    capacity = initial_capacity(inputs, values)
    x = inputs
    hashprice = hashprice_usd_per_ths_day(chain.block_subsidy_btc(x.chain_start.height) + x.market.fees_btc_per_block[0],
                                          np.full(50, x.market.price_history_usd[0]),
                                          np.full(50, chain.difficulty_from_bits(x.chain_start.bits)))
    fleet = Fleet(inputs, 50, values)
    np.testing.assert_allclose(fleet.capacity, capacity)
    online = fleet.online_ths(0, hashprice).sum(axis=(0, 2))
    central = Fleet(inputs, 1).online_ths(0, hashprice[:1]).sum()
    np.testing.assert_allclose(online, central, rtol=1e-5)  # single-precision shares
    # yet the draws differ in how much capacity that takes
    assert np.ptp(capacity.sum(axis=(0, 2))) / capacity.sum(axis=(0, 2)).mean() > 0.03


def test_both_engines_read_a_draws_values_alike(china):
    """Deterministic runs (mean block work, median prices) at a sampled point: the per-block
    and the vectorised engine must give the same path."""
    from hashjoule.simulation import engine_des, engine_ensemble

    _, inputs, space = china
    values = space.values(space.unit_sample(9, [3]))
    des = engine_des.run_batch(inputs, [0], None, values=values)
    ens = engine_ensemble.run_batch(inputs, [0], None, values=values)
    central = engine_ensemble.run_batch(inputs, [0], None)
    np.testing.assert_allclose(des.energy.sum("region"), ens.energy.sum("region"), rtol=1e-6)
    np.testing.assert_allclose(des.co2.sum("region"), ens.co2.sum("region"), rtol=1e-6)
    assert not np.allclose(ens.co2.sum("region"), central.co2.sum("region"), rtol=1e-3)


def test_a_batch_refuses_a_policy_schedule_of_another_number_of_draws(china):
    """One draw's schedule given to four draws is refused, not applied to all of them."""
    from dataclasses import replace

    from hashjoule.simulation.draws import DrawValues

    _, inputs, _ = china
    values = replace(DrawValues.central(inputs, 4), policy=inputs.policy)
    with pytest.raises(ValueError, match="policy: expected a schedule of 4 draws, got 1"):
        Fleet(inputs, 4, values)
