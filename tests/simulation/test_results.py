"""The random streams of a draw and the energy and CO2 of a GW-day (results.py); the layout
of the Dataset itself is checked on the ensemble's output (test_engine_ensemble.py)."""

import numpy as np
import pytest

from hashjoule.simulation.results import STREAMS, draw_streams, per_gw_day

from simworld import toy_inputs


def _first_numbers(streams):
    return {name: [g.random() for g in gens] for name, gens in streams.items()}


def test_a_draws_numbers_do_not_depend_on_its_batch():
    alone = _first_numbers(draw_streams(7, [5], STREAMS))
    in_batch = _first_numbers(draw_streams(7, [2, 5, 9], STREAMS))
    assert set(alone) == set(STREAMS)
    for name in STREAMS:
        assert in_batch[name][1] == alone[name][0], name


def test_draws_purposes_and_seeds_have_streams_of_their_own():
    numbers = _first_numbers(draw_streams(7, [0, 1], STREAMS))
    firsts = [value for name in STREAMS for value in numbers[name]]
    assert len(set(firsts)) == len(firsts)  # every draw and purpose its own stream
    assert _first_numbers(draw_streams(8, [0]))["price"][0] != numbers["price"][0]


def test_each_stream_is_the_child_the_draws_seed_sequence_spawns():
    """Built directly, a purpose's generator is the one spawned from the draw's sequence."""
    children = np.random.SeedSequence(7, spawn_key=(3,)).spawn(len(STREAMS))
    direct = draw_streams(7, [3], STREAMS)
    for name, child in zip(STREAMS, children):
        assert direct[name][0].random(4).tolist() == np.random.default_rng(child).random(4).tolist(), name
    assert set(draw_streams(7, [3])) == {"price", "first_block", "epoch_work"}


@pytest.mark.parametrize("seed", [-1, 1.5])
def test_a_seed_must_be_a_non_negative_integer(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        draw_streams(seed, [0])


def test_a_gw_day_is_24_gwh_and_its_co2_the_emission_factor_times_24_000_mwh():
    x = toy_inputs(regions=2)  # emission factor 0.5 t/MWh in each region
    one = per_gw_day(x)
    np.testing.assert_array_equal(one["energy"], [24.0, 24.0])
    np.testing.assert_allclose(one["co2"], [12_000.0, 12_000.0])
    by_draw = per_gw_day(x, np.array([[0.1, 0.2], [0.3, 0.4]]))
    np.testing.assert_allclose(by_draw["co2"], [[2_400.0, 4_800.0], [7_200.0, 9_600.0]])
