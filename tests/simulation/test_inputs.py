"""Model inputs refuse physical nonsense before any engine runs."""

from dataclasses import replace

import numpy as np
import pytest

from hashjoule.simulation.inputs import ChainStart, FleetParameters, Market
from hashjoule.simulation.policy_schedule import PolicySchedule

from simworld import toy_inputs


def test_a_valid_world():
    x = toy_inputs(days=10)
    assert x.days == 10 and x.initial_capacity_ths.shape == (2, 1)


@pytest.mark.parametrize("change, message", [
    (lambda x: {"initial_capacity_ths": -x.initial_capacity_ths}, "initial_capacity_ths: expected values >= 0"),
    (lambda x: {"initial_capacity_ths": x.initial_capacity_ths * np.nan}, "NaN"),
    (lambda x: {"time": x.time[::-1]}, "consecutive days"),
    (lambda x: {"regions": x.regions.__class__(**{**x.regions.__dict__, "initial_share": np.array([0.7, 0.7])})},
     "summing to 1"),
    (lambda x: {"regions": x.regions.__class__(**{**x.regions.__dict__,
                                                  "tariff_usd_per_kwh": x.regions.tariff_usd_per_kwh - 1})},
     "tariff_usd_per_kwh: expected values >= 0"),
    (lambda x: {"regions": x.regions.__class__(**{**x.regions.__dict__, "pue": np.array([0.9, 1.1])})}, "pue"),
    (lambda x: {"fleet": FleetParameters(-0.1)}, "growth_per_day"),
    (lambda x: {"fleet": FleetParameters(0.01, 2.5)}, "deployment_lag_days"),
    (lambda x: {"chain_start": ChainStart(-1, 0x1D00FFFF)}, "height"),
    (lambda x: {"chain_start": ChainStart(0, 0x04923456)}, "negative"),
    (lambda x: {"chain_start": ChainStart(100.5, 0x1D00FFFF)}, "whole number"),
    (lambda x: {"chain_start": ChainStart(0, 0x02123456)}, "at least 3 bytes"),
    (lambda x: {"chain_start": ChainStart(100, 0x1D00FFFF, 600)}, "mined before the start"),
    (lambda x: {"policy": PolicySchedule.from_daily(np.zeros((x.days, 2)), np.zeros((x.days, 2)),
                                                    np.zeros((x.days, 2), bool), destinations=np.zeros(2),
                                                    relocation_share=np.full(2, 0.5))}, "some positive weight"),
    (lambda x: {"policy": PolicySchedule.none(3)}, "shape"),
    (lambda x: {"regions": replace(x.regions, share_target_days=np.array([0]), share_targets=np.full((1, 2), 0.5))},
     "share_target_days"),
    (lambda x: {"regions": replace(x.regions, share_target_days=np.array([3]), share_targets=np.full((1, 2), 0.6))},
     "share_targets: expected shares summing to 1"),
    (lambda x: {"policy": PolicySchedule.none(2, n=2)}, "one draw"),
    (lambda x: {"policy": PolicySchedule.from_daily(np.full((x.days, 2), 1.5), np.zeros((x.days, 2)),
                                                    np.zeros((x.days, 2), bool), destinations=np.ones(2),
                                                    relocation_share=np.zeros(2))}, "removal_rate: expected values <= 1"),
])
def test_nonsense_is_refused(change, message):
    x = toy_inputs(days=10)
    with pytest.raises(ValueError, match=message):
        x.with_changes(**change(x))


def test_a_whole_lag_given_as_a_float_is_accepted():
    x = toy_inputs(days=10).with_changes(fleet=FleetParameters(0.01, 30.0))
    assert x.fleet.deployment_lag_days == 30 and isinstance(x.fleet.deployment_lag_days, int)


def test_each_draws_price_path_is_its_column_with_its_own_stream_and_volatility():
    """Day-major paths (time, draw): column j is the path of draw j alone, its stream and its
    volatility scale."""
    x = toy_inputs(days=60, volatility=0.05)
    scale = np.array([0.5, 1.0, 2.0])

    def streams():
        return [np.random.default_rng([7, j]) for j in range(3)]

    paths = x.market.price_paths(x.days, streams(), volatility_scale=scale)
    assert paths.shape == (x.days, 3) and paths.flags.c_contiguous
    for j in range(3):
        alone = x.market.price_paths(x.days, streams()[j:j + 1], volatility_scale=scale[j:j + 1])
        np.testing.assert_array_equal(paths[:, j], alone[:, 0])
    assert np.unique(paths[-1]).size == 3  # the draws' paths differ: the check compares distinct walks


def test_the_median_price_path_once_per_draw_with_its_own_volatility():
    x = toy_inputs(days=10, volatility=0.05)
    paths = x.market.price_paths(x.days, None, volatility_scale=np.array([0.5, 1.0, 2.0]))
    assert paths.shape == (x.days, 3)
    np.testing.assert_array_equal(paths, np.broadcast_to(x.market.price_paths(x.days, None), (x.days, 3)))


@pytest.mark.parametrize("chunk", [1, 7, 10, 11, 60, 512])
def test_price_chunks_are_one_pass_over_all_days_cut_in_pieces(chunk):
    """Chunks of any length, across the end of the observed prices, give the paths of one
    pass: each draw's normal variates in order, the log-price's running sum carried over."""
    history = np.linspace(20_000.0, 30_000.0, 10)
    market = Market(history, drift_per_day=1e-3, volatility_per_sqrt_day=0.04, fees_btc_per_block=np.zeros(60))
    scale = np.array([0.5, 1.0, 2.0])

    def streams():
        return [np.random.default_rng([7, j]) for j in range(3)]

    shocks = np.stack([rng.standard_normal(50) for rng in streams()], axis=1)
    one_pass = np.vstack([np.broadcast_to(history[:, None], (10, 3)),
                          history[-1] * np.exp(np.cumsum(1e-3 + 0.04 * scale[None, :] * shocks, axis=0))])
    pieces = np.full((60, 3), np.nan)
    for first, prices in market.price_chunks(60, streams(), scale, chunk=chunk):
        assert prices.shape == (min(chunk, 60 - first), 3) and prices.flags.c_contiguous
        pieces[first:first + len(prices)] = prices
    np.testing.assert_array_equal(pieces, one_pass)
    np.testing.assert_array_equal(market.price_paths(60, streams(), scale), one_pass)
