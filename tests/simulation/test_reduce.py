"""Streaming summaries over draws: moments along the fixed tree, counts folded in, per-draw totals."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.simulation import histograms as hist
from hashjoule.simulation import reduce as rd


def test_subtrees_cover_a_batch_with_the_largest_aligned_ones():
    assert rd.subtrees(0, 3) == [(1, 0), (0, 2)]
    assert rd.subtrees(0, 16) == [(4, 0)]
    assert rd.subtrees(20, 40) == [(2, 5), (3, 3), (3, 4)]  # blocks 20-23, 24-31, 32-39
    assert rd.subtrees(5, 6) == [(0, 5)]


@pytest.mark.parametrize("cuts", [[0, 13], [0, 4, 8, 13], [0, 1, 2, 5, 6, 11, 12, 13], [0, 7, 13]])
def test_moments_merge_alike_whatever_the_batches_and_their_order(cuts):
    """13 blocks cut into batches: each batch folds its whole subtrees, the reduction the rest,
    in any order of arrival; the means and variances are the same to the last bit."""
    rng = np.random.default_rng(3)
    blocks = [(int(n), {"x": (rng.normal(size=4), rng.uniform(1, 2, size=4))}) for n in rng.integers(1, 50, 13)]
    results = []
    for order in (1, -1):
        reduction = rd.Reduction(1000)
        for first, stop in list(zip(cuts[:-1], cuts[1:]))[::order]:
            for level, index in rd.subtrees(first, stop):
                reduction._insert(level, index, rd.fold(blocks[index << level:(index + 1) << level]))
        results.append(reduction._root())
    reference = results[0]
    one_batch = rd.Reduction(1000)
    one_batch._insert(*rd.subtrees(0, 13)[0], rd.fold(blocks[:8]))
    for level, index in rd.subtrees(8, 13):
        one_batch._insert(level, index, rd.fold(blocks[index << level:(index + 1) << level]))
    for n, moments in results + [one_batch._root()]:
        assert n == sum(b[0] for b in blocks)
        np.testing.assert_array_equal(moments["x"][0], reference[1]["x"][0])
        np.testing.assert_array_equal(moments["x"][1], reference[1]["x"][1])
    # and they are the moments of all the draws: the blocks' pooled mean
    pooled = sum(n * m["x"][0] for n, m in blocks) / reference[0]
    np.testing.assert_allclose(reference[1]["x"][0], pooled, rtol=1e-12)


def test_a_missing_batch_is_refused_not_bridged():
    blocks = [(50, {"x": (np.ones(2), np.ones(2))}) for _ in range(6)]
    reduction = rd.Reduction(1000)
    for level, index in rd.subtrees(0, 2) + rd.subtrees(4, 6):  # blocks 2 and 3 never came
        reduction._insert(level, index, rd.fold(blocks[index << level:(index + 1) << level]))
    with pytest.raises(RuntimeError, match="blocks 2 to 3 are missing"):
        reduction._root()


def _totals(first, n):
    """Per-draw totals of a batch of draws ``first`` to ``first + n - 1``."""
    draws = np.arange(first, first + n)
    return xr.Dataset({"annual_energy": (("draw", "year"), draws[:, None] * 1.5, {"units": "TWh"}),
                       "days": ("year", [365])}, coords={"draw": draws, "year": [2021]})


def test_per_draw_totals_take_their_rows_whatever_the_order_of_the_batches():
    reduction = rd.Reduction(5)
    reduction._keep(_totals(3, 2), 3)
    with pytest.raises(RuntimeError, match="3 of 5 draws are missing"):
        reduction._per_draw()
    reduction._keep(_totals(0, 3), 0)
    totals = reduction._per_draw()
    assert totals.draw.values.tolist() == [0, 1, 2, 3, 4]
    assert totals.annual_energy.values[:, 0].tolist() == [0.0, 1.5, 3.0, 4.5, 6.0]
    assert totals.annual_energy.attrs["units"] == "TWh" and totals.days.values.tolist() == [365]
    assert reduction.per_draw_of(3).annual_energy.values[:, 0].tolist() == [4.5, 6.0]
    with pytest.raises(ValueError, match="lie outside the run's 5"):
        reduction._keep(_totals(4, 2), 4)


def _batch_summary(first, n, draws=None):
    """The summary of a batch of ``n`` synthetic draws over 3 days and 2 regions, its blocks
    numbered from ``first`` and its draws ``draws`` (default ``first`` onwards)."""
    from types import SimpleNamespace

    from hashjoule.simulation.summary import DaySummary

    time = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-01-04"))
    regions = SimpleNamespace(names=["a", "b"], emission_factor_t_per_mwh=np.ones(2))
    world = SimpleNamespace(days=3, time=time, regions=regions, market=SimpleNamespace(fees_btc_per_block=np.zeros(3)))
    rng = np.random.default_rng(first)
    summary = DaySummary(world, n, first_draw=first)
    for day in range(3):
        summary.record_regional(day, rng.uniform(1.0, 100.0, size=(3, n, 2)))
        summary.record_chain(day, rng.uniform(100.0, 200.0, n), rng.uniform(1.0, 2.0, n), rng.uniform(1.0, 2.0, n))
    summary.record_prices(0, rng.uniform(1e3, 1e5, size=(3, n)))
    return summary.dataset(np.arange(first, first + n) if draws is None else np.asarray(draws))


def _snapshot(reduction):
    """Everything the reduction holds, copied."""
    return reduction.state().copy(deep=True), reduction.per_draw.copy(deep=True), list(reduction.batches)


@pytest.mark.parametrize("first, n", [(50, 100), (0, 50), (100, 100)])  # overlapping, again, past the run's end
def test_a_refused_batch_leaves_the_reduction_as_it_was(first, n):
    reduction = rd.Reduction(150)
    reduction.add(_batch_summary(0, 100), 0)
    before = _snapshot(reduction)
    with pytest.raises(ValueError, match="in already|lie outside the run's 150"):
        reduction.add(_batch_summary(first, n), first)
    state, per_draw, batches = _snapshot(reduction)
    xr.testing.assert_identical(state, before[0])
    xr.testing.assert_identical(per_draw, before[1])
    assert batches == before[2] == [0]
    reduction.add(_batch_summary(100, 50), 100)  # and the right batch still goes in
    assert reduction.result().draw.values.tolist() == list(range(150))


def test_a_batch_whose_draws_are_not_the_ones_it_claims_is_refused():
    reduction = rd.Reduction(200)
    with pytest.raises(ValueError, match="not 0 to 99"):
        reduction.add(_batch_summary(0, 100, draws=np.arange(100, 200)), 0)
    with pytest.raises(ValueError, match="not 0 to 99"):
        reduction.add(_batch_summary(0, 100, draws=np.r_[1, 0, 2:100]), 0)
    assert reduction.coords is None and not reduction.nodes and not reduction.counts and reduction.per_draw is None
    totals = _batch_summary(0, 100)[["annual_energy", "days"]]
    with pytest.raises(ValueError, match="not 0 to 99"):
        reduction._keep(totals.assign_coords(draw=totals.draw + 1), 0)


def test_a_batch_that_does_not_fit_the_run_is_refused_whole():
    reduction = rd.Reduction(250)
    reduction.add(_batch_summary(0, 100), 0)
    before = _snapshot(reduction)
    good = _batch_summary(100, 100)
    bad = {"moments are not those": good.assign_coords(node_index=good.node_index + 1),  # of blocks 4 and 5
           "power: the batch's counts are not ranges": good.assign(
               power__first_bin=good.power__first_bin + hist.bin_count("power")),
           "co2: the batch's counts are not ranges": good.assign(co2__bins=good.co2__bins + 1),  # more than it sent
           # a first bin whose sum with the length wraps round in its own type
           "price: the batch's counts are not ranges": good.assign(price__first_bin=xr.full_like(
               good.price__first_bin, np.iinfo(np.int32).max)),
           "hashrate: the batch's counts are not unsigned": good.assign(hashrate__counts=good.hashrate__counts * 1.0),
           "power: the batch's counts are not unsigned": good.assign(power__counts=good.power__counts.astype(np.int32)),
           "co2: the batch's bin ranges and extremes": good.assign(co2__min=("other", np.zeros(7))),
           "time coordinate": good.assign_coords(time=good.time + np.timedelta64(1, "D"))}
    for message, summary in bad.items():
        with pytest.raises(ValueError, match=message):
            reduction.add(summary, 100)
    with pytest.raises(ValueError, match="whole blocks of 50 of its draws, 100 to 219"):
        reduction.add(_batch_summary(100, 120), 100)  # short, but not the run's last
    state, per_draw, batches = _snapshot(reduction)
    xr.testing.assert_identical(state, before[0])
    xr.testing.assert_identical(per_draw, before[1])
    assert batches == before[2] and reduction.filled.tolist() == [True] * 100 + [False] * 150
    reduction.add(good, 100)


def test_a_missing_draw_is_found_even_beside_a_draw_delivered_twice():
    reduction = rd.Reduction(5)
    reduction._keep(_totals(0, 3), 0)
    with pytest.raises(ValueError, match=r"draws 2 .*in already"):
        reduction._keep(_totals(2, 2), 2)  # draws 2 and 3: as many as are missing, but 2 twice
    with pytest.raises(RuntimeError, match=r"2 of 5 draws are missing \(3, 4\)"):
        reduction._per_draw()
    reduction._keep(_totals(3, 2), 3)
    assert reduction._per_draw().annual_energy.values[:, 0].tolist() == [0.0, 1.5, 3.0, 4.5, 6.0]


def test_a_checkpoint_holding_a_batch_twice_is_refused():
    reduction = rd.Reduction(150)
    reduction.add(_batch_summary(0, 100), 0)
    state = reduction.state()
    state = state.assign_coords(batch=[0, 0])
    with pytest.raises(ValueError, match="in already"):
        rd.Reduction.from_state(state, [reduction.per_draw_of(0)] * 2, 150)
