"""The chain's compiled passes equal their numpy references bit for bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashjoule.simulation import chain_kernels
from hashjoule.simulation.world import baseline_inputs


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 50))
def test_mine_stretch_equals_the_numpy_reference(seed, n):
    """Blocks and subsidy included, some epochs across a halving."""
    rng = np.random.default_rng(seed)
    base = 209_000.0 if seed % 2 else 0.0  # the epoch from 209,000 to 211,016 holds the halving
    scale = 2016 * 2.0**32 * 1e13
    first_at = rng.exponential(scale / 2016, n)
    end_at = first_at + rng.gamma(2015, scale / 2016, n)
    state = {
        "rate": rng.lognormal(np.log(scale / 14 / 86_400), 0.5, n),
        "elapsed": rng.uniform(0, 1000, n),
        "done": rng.uniform(0, 1, n) * end_at,
        "first_at": first_at,
        "end_at": end_at,
        "first_time": rng.uniform(0, 1e6, n),
        "between": np.full(n, 2014.0),
        "height": base + rng.uniform(0, 2016, n),
        "epoch_end_height": np.full(n, base + 2016.0),
    }
    state["first_found"] = state["done"] > first_at
    state["work_left"] = state["rate"] * 86_400 * rng.choice([0.0, 0.5, 1.0, 20.0], n)
    compiled = {k: v.copy() for k, v in state.items()}
    reference = {k: v.copy() for k, v in state.items()}
    added = rng.uniform(0, 10, (2, n))  # blocks and subsidy of earlier stretches
    outputs = [(np.empty(n), np.empty(n, dtype=bool), *added.copy()) for _ in range(2)]
    names = ("rate", "work_left", "elapsed", "done", "first_at", "end_at", "first_found", "first_time", "between",
             "height", "epoch_end_height")
    some = chain_kernels.mine_stretch(5.0 * 86_400, *(compiled[k] for k in names), *outputs[0])
    expected = chain_kernels.mine_stretch_reference(5.0 * 86_400, *(reference[k] for k in names), *outputs[1])
    assert some == expected
    for k in names:
        np.testing.assert_array_equal(compiled[k], reference[k], err_msg=k)
    for a, b in zip(*outputs):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_the_compiled_hashprice_is_the_reference(seed, n):
    """Fractional heights on both sides of the halvings, zero and extreme prices and difficulties."""
    rng = np.random.default_rng(seed)
    halving = rng.integers(1, 34, n) * 210_000.0
    height = halving + rng.choice([-1.0, -0.5, -1e-7, 0.0, 0.25, 1.0, 3000.0], n)
    prices = rng.choice([0.0, 1e-3, 3e4, 1e9], n) * rng.uniform(0.5, 1.5, n)
    difficulty = rng.choice([1.0, 1e13, 1e15], n) * rng.uniform(0.5, 1.5, n)
    fees = float(rng.choice([0.0, 0.1, 2.5]))
    compiled, reference = np.empty(n), np.empty(n)
    chain_kernels.hashprice_day(height, fees, prices, difficulty, compiled)
    chain_kernels.hashprice_day_reference(height, fees, prices, difficulty, reference)
    np.testing.assert_array_equal(compiled, reference)


def test_a_days_start_and_its_epoch_ends_are_numpys_operations():
    """The compiled start of a day and the instants of the epochs' last blocks are the numpy
    expressions they replace, bit for bit."""
    rng = np.random.default_rng(4)
    n = 40
    hashrate = rng.lognormal(18, 1, n)
    out = [np.full(n, np.nan) for _ in range(5)]
    chain_kernels.start_day(hashrate, *out)
    rate, work_left, elapsed, blocks, minted = out
    np.testing.assert_array_equal(rate, hashrate * 1e12)
    np.testing.assert_array_equal(work_left, hashrate * 1e12 * 86_400)
    assert not (elapsed.any() or blocks.any() or minted.any())
    ends = rng.random(n) < 0.3
    done, end_at, elapsed = rng.uniform(0, 1e20, n), rng.uniform(1e20, 2e20, n), rng.uniform(0, 1e3, n)
    expected_rows = np.flatnonzero(ends)
    used = (end_at[expected_rows] - done[expected_rows]) / rate[expected_rows]
    expected_time, expected_elapsed = 86_400.0 + elapsed[expected_rows] + used, elapsed.copy()
    expected_elapsed[expected_rows] += used
    rows, end_time = chain_kernels.epoch_ends(ends, 86_400.0, rate, done, end_at, elapsed)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(end_time, expected_time)
    np.testing.assert_array_equal(elapsed, expected_elapsed)


def test_ensemble_run_with_the_numpy_chain_is_identical(monkeypatch):
    """A whole ensemble run gives the same numbers with the compiled chain and its numpy reference."""
    from hashjoule.simulation import engine_ensemble

    x = baseline_inputs("2016-01-01", "2016-06-30")
    compiled = engine_ensemble.run_batch(x, range(6), seed=3)
    monkeypatch.setattr(engine_ensemble.EnsembleChain, "stretch", staticmethod(chain_kernels.mine_stretch_reference))
    monkeypatch.setattr(engine_ensemble.EnsembleChain, "price_day", staticmethod(chain_kernels.hashprice_day_reference))
    monkeypatch.setattr(engine_ensemble.EnsembleChain, "_close_epochs",
                        engine_ensemble.EnsembleChain._close_epochs_reference)
    reference = engine_ensemble.run_batch(x, range(6), seed=3)
    for name in ("hashrate", "power", "blocks", "btc_minted", "difficulty", "epoch_end"):
        np.testing.assert_array_equal(compiled[name].values, reference[name].values, err_msg=name)


def _retarget(bits, spans):
    """The compiled retarget of each epoch, as :func:`chain_kernels.close_epochs` calls it (-1: not taken)."""
    from hashjoule.network import chain

    return np.array([chain_kernels._next_bits_one(b, s, chain.TARGET_TIMESPAN_S, chain.POW_LIMIT_BITS)
                     for b, s in zip(bits.tolist(), spans.tolist())], dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0x01000001, 0x22FFFFFF), st.integers(-10, 6_000_000)), min_size=1, max_size=20))
def test_the_compiled_retarget_is_the_reference(epochs):
    from hashjoule.network import chain

    bits = np.array([b for b, _ in epochs], dtype=np.int64)
    spans = np.array([s for _, s in epochs], dtype=np.int64)
    out = _retarget(bits, spans)
    taken = out >= 0
    assert (taken == ((bits >> 24 >= 4) & (bits >> 24 <= 32) & ~(bits & 0x00800000).astype(bool)
                      & (bits & 0x007FFFFF >= 0x8000))).all()
    expected = [chain.next_bits(int(b), 0, int(s)) for b, s in zip(bits[taken], spans[taken])]
    np.testing.assert_array_equal(out[taken], expected)


def test_the_compiled_subsidy_is_the_reference_at_the_halvings():
    """Heights on, just below and just above each halving, and stretches across one or more."""
    from hashjoule.network import chain

    edges = np.arange(0, 70) * float(chain.HALVING_INTERVAL)
    heights = np.concatenate([edges, np.nextafter(edges, -1.0)[1:], np.nextafter(edges, np.inf), edges + 0.5])
    for start in heights:
        for end in (start, start + 0.25, start + 2016.0, start + 500_000.0):
            assert chain_kernels._minted_btc(start, end) == chain.minted_btc(start, end), (start, end)


def test_the_compiled_retarget_at_the_limit_and_the_sign_bit():
    from hashjoule.network import chain

    bits = np.array([0x1D00FFFF, 0x1C7FFFFF, 0x1B0404CB, 0x170E2632], dtype=np.int64)  # the limit, a sign-bit carry, real epochs
    for span in (1, chain.TARGET_TIMESPAN_S, 3 * chain.TARGET_TIMESPAN_S, 10**8):
        out = _retarget(bits, np.full(bits.size, span))
        assert out.tolist() == [chain.next_bits(int(b), 0, span) for b in bits]


@pytest.mark.parametrize("seed", [3, None])
def test_closing_epochs_compiled_is_the_reference_whatever_the_targets(seed):
    """Random and deterministic epoch work; real targets, and targets of fewer than 4 bytes
    or with a small mantissa, which the compiled retarget hands to the reference."""
    from hashjoule.network import chain
    from hashjoule.simulation.engine_ensemble import EnsembleChain
    from hashjoule.simulation.results import draw_streams

    x = baseline_inputs("2016-01-01", "2016-03-31")
    n = 8
    chains = [EnsembleChain(x, n, None if seed is None else draw_streams(seed, np.arange(n)), max_epochs=2,
                            record_epochs=record) for record in (True, True, False, False)]  # each its own generators
    rng = np.random.default_rng(1)
    for state in chains:
        state.bits[:] = [0x1D00FFFF, 0x1C7FFFFF, 0x1B0404CB, 0x170E2632, 0x03123456, 0x1D000001, 0x1A00FFFF, 0x18034567]
        state.difficulty[:] = chain.difficulty_from_bits_array(state.bits)
        state.first_time[:] = np.random.default_rng(1).uniform(0, 1e6, n)
    for epoch in range(12):  # past the record's first two columns and the variates' first chunk of 8
        rows = np.sort(rng.choice(n, rng.integers(n // 2, n + 1), replace=False))
        end_time = chains[0].first_time[rows] + rng.uniform(1e5, 5e6, rows.size)
        for state, close in zip(chains, ("_close_epochs", "_close_epochs_reference") * 2):
            getattr(state, close)(rows, end_time)
        for name in ("bits", "difficulty", "epochs_done", "epoch_end_height", "done", "first_found", "first_at",
                     "end_at", "between", "epoch_end_s", "epoch_difficulty"):
            np.testing.assert_array_equal(getattr(chains[0], name), getattr(chains[1], name), err_msg=name)
            if not name.startswith("epoch_"):  # a chain that records no epochs runs alike
                for state in chains[2:]:
                    np.testing.assert_array_equal(getattr(chains[0], name), getattr(state, name), err_msg=name)
    assert chains[0].epochs_done.max() > 8 and chains[0].epoch_end_s.shape[1] > 8
    assert all(state.epoch_end_s.size == state.epoch_difficulty.size == 0 for state in chains[2:])
