"""A batch's summary taken day by day: block moments, bins and annual totals against numpy
over the kept daily series, and the same numbers from a run that never keeps them."""

import numpy as np
import pytest

from hashjoule.simulation import engine_ensemble
from hashjoule.simulation import histograms as hist
from hashjoule.simulation import reduce as rd
from hashjoule.simulation.summary import summarise_batch

DRAWS = 120  # two whole blocks and a short one


@pytest.fixture(scope="module")
def kept(world_2019):
    ds = engine_ensemble.run_batch(world_2019, np.arange(DRAWS), seed=4)
    return ds, summarise_batch(world_2019, ds, 0)


def test_moments_are_numpys_over_each_subtree_of_blocks(kept):
    """120 draws: blocks of 50, 50 and 20; the first two make a subtree, the third one alone."""
    ds, summary = kept
    assert list(zip(summary.node_level.values, summary.node_index.values, summary.node_draws.values)) == [
        (1, 0, 100), (0, 2, 20)]
    for name in rd.MOMENTS:
        values = ds[name].transpose("time", "draw", ...).to_numpy()
        for node, (first, stop) in enumerate([(0, 100), (100, 120)]):
            block = values[:, first:stop]
            mean = summary[f"{name}__mean"].isel(node=node).to_numpy()
            np.testing.assert_allclose(mean, block.mean(axis=1), rtol=1e-12, atol=0, err_msg=name)
            m2 = summary[f"{name}__m2"].isel(node=node).to_numpy()
            spread = ((block - block.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
            np.testing.assert_allclose(m2, spread, rtol=1e-9, atol=1e-12 * np.abs(block).max(), err_msg=name)


def test_histograms_and_extremes_are_those_of_the_network_totals(kept):
    ds, summary = kept
    for name in hist.HISTOGRAMS:
        var = ds[name]
        totals = (var.sum("region") if "region" in var.dims else var).transpose("time", "draw").to_numpy()
        expected = hist.histogram(hist.bin_index(totals, name), name)
        # each day's range of bins only, from its first to its last non-empty one
        first, size = summary[f"{name}__first_bin"].to_numpy(), summary[f"{name}__bins"].to_numpy()
        used = [np.flatnonzero(day) for day in expected]
        assert first.tolist() == [u[0] for u in used] and (first + size - 1).tolist() == [u[-1] for u in used]
        assert summary[f"{name}__counts"].size == size.sum() < expected.size / 20
        counts = np.zeros_like(expected)
        hist.add_day_ranges(counts, first, size, summary[f"{name}__counts"].to_numpy())
        np.testing.assert_array_equal(counts, expected, err_msg=name)
        assert counts[:, 0].sum() == 0 and (counts.sum(axis=1) == DRAWS).all()  # every value inside the range
        np.testing.assert_allclose(summary[f"{name}__min"], totals.min(axis=1), rtol=1e-13)
        np.testing.assert_allclose(summary[f"{name}__max"], totals.max(axis=1), rtol=1e-13)


def test_annual_totals_are_the_sums_of_the_days(kept):
    ds, summary = kept
    np.testing.assert_allclose(summary.annual_energy.sum("region").isel(year=0),
                               ds.energy.sum(("time", "region")) * 1e-3, rtol=1e-12)  # GWh -> TWh
    np.testing.assert_allclose(summary.annual_co2.isel(year=0), ds.co2.sum("time") * 1e-6, rtol=1e-12)  # t -> Mt
    np.testing.assert_allclose(summary.annual_blocks.isel(year=0), ds.blocks.sum("time"), rtol=1e-12)
    np.testing.assert_allclose(summary.annual_btc_minted.isel(year=0), ds.btc_minted.sum("time"), rtol=1e-12)
    np.testing.assert_allclose(summary.annual_hashrate_end.isel(year=0),
                               ds.hashrate.isel(time=-1).sum("region"), rtol=1e-13)
    assert summary.days.values.tolist() == [365]
    assert summary.annual_energy.attrs["units"] == "TWh" and summary.annual_co2.attrs["units"] == "Mt"


def test_a_run_that_keeps_nothing_gives_the_same_summary(world_2019, kept):
    _, summary = kept
    streamed = engine_ensemble.summarise(world_2019, np.arange(DRAWS), seed=4)
    assert set(streamed.data_vars) == set(summary.data_vars)
    for name in streamed.data_vars:
        np.testing.assert_array_equal(streamed[name].to_numpy(), summary[name].to_numpy(), err_msg=name)


def test_a_batch_starts_at_a_block_edge(world_2019):
    with pytest.raises(ValueError, match="multiple of 50"):
        engine_ensemble.summarise(world_2019, np.arange(3), seed=4, first_draw=7)


def test_bins_count_the_edges_at_or_below_a_value():
    edges = hist.bin_edges("hashrate")
    assert edges[0] == pytest.approx(1e-3) and edges.size == 8 * hist.BINS_PER_DECADE + 1
    values = np.array([np.nan, 0.0, -1.0, edges[0], np.nextafter(edges[0], 0), edges[5], 1e9, np.inf])
    assert hist.bin_index(values, "hashrate").tolist() == [0, 0, 0, 1, 0, 6, edges.size, edges.size]
    # inside the range: the logarithmic definition, away from the edges
    inside = np.geomspace(0.0011, 9e4, 997)
    assert np.array_equal(hist.bin_index(inside, "hashrate"), np.floor((np.log10(inside) + 3) * hist.BINS_PER_DECADE) + 1)


def test_the_compiled_count_finds_the_bins_of_the_numpy_reference():
    from hashjoule.simulation.summary import _histogram_day

    edges = hist.bin_edges("co2")
    rng = np.random.default_rng(1)
    values = np.concatenate([[np.nan, 0.0, -5.0, np.inf, 1e30], edges, np.nextafter(edges, 0), np.nextafter(edges, np.inf),
                             10 ** rng.uniform(-1, 10, 5000)])
    counts, extremes = np.zeros(hist.bin_count("co2"), dtype=np.uint16), np.zeros(2)
    _histogram_day(values, edges, counts, extremes)
    np.testing.assert_array_equal(counts, np.bincount(hist.bin_index(values, "co2"), minlength=counts.size))
    assert np.isnan(extremes).all()  # a NaN among the values
    _histogram_day(values[1:], edges, counts, extremes)
    assert extremes.tolist() == [-5.0, np.inf]


def test_a_batch_of_no_draws_is_refused_with_a_clear_error(world_2019):
    """As a run of no draws is (runner): not an error from deep inside numpy."""
    with pytest.raises(ValueError, match="a batch needs at least one draw, got none"):
        engine_ensemble.summarise(world_2019, np.arange(0), seed=4)


def test_a_summary_of_no_recorded_day_is_refused_with_a_clear_error():
    """Empty histograms have no range of bins to send: a clear error, not an IndexError."""
    from types import SimpleNamespace

    from hashjoule.simulation.summary import DaySummary

    time = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-01-03"))
    regions = SimpleNamespace(names=["a"], emission_factor_t_per_mwh=np.ones(1))
    world = SimpleNamespace(days=2, time=time, regions=regions, market=SimpleNamespace(fees_btc_per_block=np.zeros(2)))
    summary = DaySummary(world, 3, first_draw=0)
    with pytest.raises(ValueError, match="hashrate: no value counted in the batch's histograms"):
        summary.dataset(np.arange(3))


def test_the_fleet_day_takes_each_variables_moments_totals_and_sums_as_their_own_passes_do():
    """The one-pass day equals, bit for bit, the block moments of each variable taken alone
    (_block_moments, merged into the batch's subtrees as reduce.fold merges them), the totals
    and annual sums added in region order, and the histogram of those totals; an engine's day
    (TH/s, power x CO2 factor) equals its derived series."""
    from types import SimpleNamespace

    from hashjoule.simulation.reduce import fold
    from hashjoule.simulation.summary import DaySummary, _block_moments, _histogram_day

    rng = np.random.default_rng(7)
    n, regions = 137, 5  # two whole blocks and a short one
    time = np.arange(np.datetime64("2021-12-30"), np.datetime64("2022-01-02"))
    world = SimpleNamespace(days=3, time=time, market=SimpleNamespace(fees_btc_per_block=np.zeros(3)),
                            regions=SimpleNamespace(names=list("abcde"), emission_factor_t_per_mwh=np.ones(regions)))
    factors = rng.uniform(0.1, 0.9, (n, regions))
    summaries = [DaySummary(world, n, factors, first_draw=0) for _ in range(2)]
    hashrate = rng.lognormal(14, 2, (3, n, regions)) * rng.choice([0.0, 1.0], (3, n, regions), p=[0.1, 0.9])
    power = hashrate * rng.uniform(2e-8, 4e-8, (3, n, regions))
    derived = [np.stack([hashrate[d] * 1e-6, power[d], power[d] * summaries[0].co2_per_gw_day]) for d in range(3)]
    for day in range(3):
        summaries[0].record_fleet(day, hashrate[day], power[day])
        summaries[1].record_regional(day, derived[day])
    a, b = summaries
    for name in ("regional", "counts", "extremes", "annual_fleet", "hashrate_end"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    day, year = 2, a.year[2]
    counts, extremes = np.zeros_like(a.counts[:, day]), np.zeros((3, 2))
    for v, values in enumerate(derived[day]):
        mean, m2 = np.empty((a.blocks.size - 1, regions)), np.empty((a.blocks.size - 1, regions))
        _block_moments(values, a.blocks, mean, m2)
        blocks = [(int(a.blocks[b + 1] - a.blocks[b]), {"x": (mean[b], m2[b])}) for b in range(a.blocks.size - 1)]
        nodes = [fold(blocks[start:start + (1 << level)])[1]["x"] for start, level in a.nodes.tolist()]
        np.testing.assert_array_equal(a.regional[v, 0, day], [node[0] for node in nodes])
        np.testing.assert_array_equal(a.regional[v, 1, day], [node[1] for node in nodes])
        totals = np.zeros(n)
        for r in range(regions):
            totals += values[:, r]
        _histogram_day(totals, a.edges[v, :a.edge_count[v]], counts[v], extremes[v])
    np.testing.assert_array_equal(a.counts[:3, day], counts[:3])
    np.testing.assert_array_equal(a.extremes[:3, :, day], extremes)
    annual = np.zeros((2, n, regions))
    for d in range(3):
        if a.year[d] == year:
            annual += [derived[d][1] * 24.0, derived[d][2]]
    np.testing.assert_array_equal(a.annual_fleet[:, year], annual)


@pytest.mark.parametrize("first_draw, draws", [(0, 50), (0, 137), (150, 500), (350, 1237), (800, 800)])
def test_a_days_blocks_merge_into_the_subtrees_as_the_reduction_merges_them(first_draw, draws):
    """The compiled merge of a day's blocks into the batch's whole subtrees equals, bit for
    bit, reduce.fold over the same blocks (whatever the batch's place in the tree, a short
    last block included), and covers each block once."""
    from hashjoule.simulation.reduce import BLOCK, fold, subtrees
    from hashjoule.simulation.summary import _fold_day

    rng = np.random.default_rng(first_draw + draws)
    edges = np.array(list(range(0, draws, BLOCK)) + [draws], dtype=np.int64)
    b, first_block = edges.size - 1, first_draw // BLOCK
    keys = subtrees(first_block, first_block + b)
    nodes = np.array([((index << level) - first_block, level) for level, index in keys], dtype=np.int64)
    assert sum(1 << level for level, _ in keys) == b
    day_blocks = np.stack([rng.lognormal(3, 2, (2, b, 4)) for _ in range(3)])
    blocks = [[(int(edges[j + 1] - edges[j]), {"x": (day_blocks[v, 0, j], day_blocks[v, 1, j])}) for j in range(b)]
              for v in range(3)]
    expected = [[fold(blocks[v][start:start + (1 << level)])[1]["x"] for start, level in nodes.tolist()] for v in range(3)]
    out = np.empty((3, 2, len(keys), 4))
    _fold_day(day_blocks.copy(), edges, nodes, out)
    for v in range(3):
        np.testing.assert_array_equal(out[v, 0], [node[0] for node in expected[v]])
        np.testing.assert_array_equal(out[v, 1], [node[1] for node in expected[v]])


def test_a_batch_off_the_trees_left_edge_merges_its_days_into_its_own_subtrees():
    """Draws 50-199 are blocks 1-3 of the run: the subtrees of block 1 alone and of blocks 2-3,
    whose moments the summary's regional variables hold each day, as reduce.fold gives them."""
    from types import SimpleNamespace

    from hashjoule.simulation.reduce import fold
    from hashjoule.simulation.summary import DaySummary, _block_moments

    rng = np.random.default_rng(11)
    n, regions = 150, 3
    time = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-01-03"))
    world = SimpleNamespace(days=2, time=time, market=SimpleNamespace(fees_btc_per_block=np.zeros(2)),
                            regions=SimpleNamespace(names=list("abc"), emission_factor_t_per_mwh=np.ones(regions)))
    summary = DaySummary(world, n, first_draw=50)
    assert summary.keys == [(0, 1), (1, 1)]
    values = rng.lognormal(2, 1, (2, 3, n, regions))
    for day in range(2):
        summary.record_regional(day, values[day])
    for day in range(2):
        for v in range(3):
            mean, m2 = np.empty((3, regions)), np.empty((3, regions))
            _block_moments(values[day, v], np.array([0, 50, 100, 150]), mean, m2)
            blocks = [(50, {"x": (mean[b], m2[b])}) for b in range(3)]
            for node, part in enumerate((blocks[:1], blocks[1:])):
                _, moments = fold(part)
                np.testing.assert_array_equal(summary.regional[v, 0, day, node], moments["x"][0])
                np.testing.assert_array_equal(summary.regional[v, 1, day, node], moments["x"][1])
