"""Generators built together (seeding.py) are numpy's, one by one: same states, same numbers."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hashjoule.simulation.seeding import generators, seed_state

#: rows of spawn keys, all of one length (0-5 words)
rows_of_keys = st.integers(0, 5).flatmap(
    lambda length: st.lists(st.lists(st.integers(0, 2**32 - 1), min_size=length, max_size=length),
                            min_size=1, max_size=4))


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**160), rows=rows_of_keys)
@example(seed=0, rows=[[0, 0]])
@example(seed=2**32, rows=[[2**32 - 1]])  # a seed of two words, padded to the pool
@example(seed=2**128 + 1, rows=[[1, 2, 3]])  # five words: longer than the pool, not padded
@example(seed=5, rows=[[]])  # no spawn key: no padding
def test_the_states_are_numpys(seed, rows):
    state = seed_state(seed, np.array(rows, dtype=np.int64).reshape(len(rows), -1))
    for row, key in zip(state, rows):
        assert np.array_equal(row, np.random.SeedSequence(seed, spawn_key=tuple(key)).generate_state(4, np.uint64))


def test_the_generators_draw_numpys_numbers():
    keys = np.array([[d, j] for d in (0, 1, 999_999) for j in range(4)])
    for rng, key in zip(generators(11, keys), keys, strict=True):
        reference = np.random.default_rng(np.random.SeedSequence(11, spawn_key=tuple(int(k) for k in key)))
        assert rng.random() == reference.random()
        assert np.array_equal(rng.standard_normal(5), reference.standard_normal(5))


@pytest.mark.parametrize("seed, key, message", [
    (-1, [[0]], "seed"), (1.5, [[0]], "seed"), (1, [[2**32]], "spawn keys"), (1, [[-1]], "spawn keys"),
    (1, [[2**63]], "spawn keys"), (1, [[2**64 + 1]], "spawn keys"), (1, [[1.5]], "spawn keys")])
def test_refuses_seeds_and_keys_outside_its_range(seed, key, message):
    with pytest.raises(ValueError, match=message):
        seed_state(seed, key)
