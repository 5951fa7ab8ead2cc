"""Fixed bins of the daily network totals: quantiles from their counts, the compiled bin
search against its numpy form, and the counts packed by day and added back."""

import numpy as np
import pytest

from hashjoule.simulation import histograms as hist


@pytest.mark.parametrize("draws", [1, 3, 20, 60, 130, 2000])
def test_histogram_quantiles_are_within_a_bin_of_the_exact_ones(draws):
    rng = np.random.default_rng(draws)
    values = np.exp(rng.normal(np.log(150.0), 0.6, size=(40, draws)))  # (time, draw), EH/s-like
    values[:, : draws // 50] = 0.0  # a few stalled draws count as zero
    counts = hist.histogram(hist.bin_index(values, "hashrate"), "hashrate")
    approx = hist.histogram_quantiles(counts, "hashrate")
    exact = np.quantile(values, hist.QUANTILES, axis=1)  # numpy's linear definition
    np.testing.assert_allclose(approx, exact, rtol=hist.BIN_WIDTH)
    assert not np.allclose(approx, exact, rtol=1e-6)  # they are approximations, and the check can tell


@pytest.mark.parametrize("count_type", [np.uint16, np.uint32, np.int64])
@pytest.mark.parametrize("draws", [1, 2, 7, 500])
def test_the_compiled_bin_search_finds_the_numpy_forms_bins(draws, count_type, monkeypatch):
    """Days of one to many draws, spreads from none to wide, values below the range, a day in
    one bin; counts in the types a batch's summary (2 bytes), the reduction (4) and the
    numpy histogram (8) hold them."""
    rng = np.random.default_rng(draws)
    values = np.exp(rng.normal(np.log(150.0), rng.uniform(0.0, 3.0, size=(60, 1)), size=(60, draws)))
    values[::7, : max(draws // 3, 1)] = 0.0  # below the range
    values[5] = 150.0  # one bin holds the day
    counts = hist.histogram(hist.bin_index(values, "hashrate"), "hashrate").astype(count_type)
    compiled = hist.histogram_quantiles(counts, "hashrate")
    with monkeypatch.context() as patch:
        patch.setattr(hist, "_locate", hist.locate_reference)
        assert np.array_equal(compiled, hist.histogram_quantiles(counts, "hashrate"))
    k = np.array([[0] * 60, [draws - 1] * 60, list(rng.integers(0, draws, 60))], dtype=np.int64)
    found = [[np.empty_like(k) for _ in range(3)] for _ in range(2)]
    hist._locate(counts, k, *found[0])
    hist.locate_reference(counts, k, *found[1])
    for a, b in zip(*found):
        assert np.array_equal(a, b)


def test_a_day_without_values_is_refused():
    counts = hist.histogram(hist.bin_index(np.ones((3, 4)), "hashrate"), "hashrate")
    counts[1] = 0
    with pytest.raises(ValueError, match="day 1"):
        hist.histogram_quantiles(counts, "hashrate")


def test_day_ranges_pack_and_add_back_every_count():
    """Each day's counts from its first to its last non-empty bin, empty days and full ones
    among them, add back to the counts they were packed from, in the reduction's types."""
    rng = np.random.default_rng(4)
    counts = np.zeros((6, 40), dtype=np.uint16)
    counts[0, [3, 9]] = [2, 7]
    counts[2, :] = rng.integers(1, 9, 40)  # every bin
    counts[3, 39] = 1
    counts[5, 10:20] = rng.integers(0, 3, 10)  # with empty bins inside the range
    first_bin, day_bins = np.empty(6, np.int32), np.empty(6, np.int32)
    packed = hist.pack_day_ranges(counts, first_bin, day_bins)
    assert first_bin[[0, 1, 2, 3, 4]].tolist() == [3, 0, 0, 39, 0] and day_bins[[0, 1, 2, 3, 4]].tolist() == [7, 0, 40, 1, 0]
    used = np.flatnonzero(counts[5])
    assert (first_bin[5], day_bins[5]) == (used[0], used[-1] - used[0] + 1)
    assert packed.dtype == np.uint16 and packed.size == day_bins.sum()
    for total_type in (np.uint16, np.uint32, np.int64):
        total = np.ones(counts.shape, dtype=total_type)
        hist.add_day_ranges(total, first_bin, day_bins, packed)
        np.testing.assert_array_equal(total, counts + 1)


def test_counts_take_the_smallest_integer_type_that_holds_every_draw():
    """A bin can hold every draw of a batch or run: 2 bytes up to 65,535 draws, then 4, then 8."""
    draws = [1, 2**16 - 1, 2**16, 2**32 - 1, 2**32]
    assert [hist.count_type(n) for n in draws] == [np.uint16, np.uint16, np.uint32, np.uint32, np.int64]
    assert all(np.iinfo(hist.count_type(n)).max >= n for n in draws)
