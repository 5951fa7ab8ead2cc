"""Fixed logarithmic bins of the daily network totals: their edges, each day's counts, the
counts packed by day for sending, and the quantiles found from them.

A batch counts each day's values of every draw into the bins of the variable's fixed range
(:mod:`~hashjoule.simulation.summary`); the reduction (:mod:`~hashjoule.simulation.reduce`)
adds the counts, exact in integers whatever the batches, and places each order statistic
inside its bin.
"""

from __future__ import annotations

import numba
import numpy as np

from hashjoule.constants import BAND

#: Quantiles reported over draws. [1]
QUANTILES = (BAND[0], 0.17, 0.5, 0.83, BAND[1])
#: Daily network totals with quantiles: log10 of the lowest and highest binned value, in
#: the variable's unit. Values below the range (a stalled chain) count as zero.
HISTOGRAMS = {"hashrate": (-3.0, 5.0), "power": (-3.0, 5.0), "co2": (0.0, 9.0), "price": (0.0, 9.0)}
#: Bins per decade: 120, so neighbouring bin edges differ by 1.94 %.
BINS_PER_DECADE = 120
BIN_WIDTH = 10 ** (1 / BINS_PER_DECADE) - 1


def bin_count(name: str) -> int:
    """Bins of ``name``'s histograms: those of its range, one below it and one above."""
    low, high = HISTOGRAMS[name]
    return int(round((high - low) * BINS_PER_DECADE)) + 2  # with an underflow and an overflow bin


def bin_edges(name: str) -> np.ndarray:
    """The lower edges of the bins of ``name`` inside its range, 10**(low + j / 120). [the variable's unit]"""
    low, _ = HISTOGRAMS[name]
    return 10.0 ** (low + np.arange(bin_count(name) - 1) / BINS_PER_DECADE)


def bin_index(values: np.ndarray, name: str) -> np.ndarray:
    """Index of the fixed bin of ``name`` each value falls in: the number of :func:`bin_edges`
    at or below it (0: below the range, zero and NaN included; the last: above it). Same
    shape as ``values``, uint16. Comparisons only, so the compiled summary
    (:mod:`~hashjoule.simulation.summary`) finds the same bins."""
    index = np.searchsorted(bin_edges(name), np.where(np.isnan(values), -np.inf, values), side="right")
    return index.astype(np.uint16)


def histogram(index: np.ndarray, name: str) -> np.ndarray:
    """Counts per day of bin indices (time, draw). (time, bins) int64"""
    bins = bin_count(name)
    flat = index.astype(np.int64) + bins * np.arange(index.shape[0])[:, None]
    return np.bincount(flat.ravel(), minlength=index.shape[0] * bins).reshape(index.shape[0], bins)


def histogram_quantiles(counts: np.ndarray, name: str, quantiles=QUANTILES) -> np.ndarray:
    """Quantiles from the counts (time, bins), (quantile, time).

    The definition is numpy's default (linear between the order statistics ``floor(q (N-1))``
    and the next); each order statistic is placed inside its bin, the j-th of c values at
    ``(j + 1/2) / c`` of the bin's logarithmic width, so each is within a bin width of
    the exact value, and so is the quantile. Order statistics in the lowest bin (below the
    range) count as zero. Their bins are found in one compiled pass over each day's counts
    (:func:`_locate`; :func:`locate_reference` is its numpy form).
    """
    low, _ = HISTOGRAMS[name]
    counts = np.ascontiguousarray(counts)  # in their own integer type: a copy in int64 took longer than the search
    total = counts.sum(axis=1, dtype=np.int64)
    if not total.all():  # every draw is counted every day, NaN and zero included
        raise ValueError(f"{name}: a day without values in its histogram (day {int(np.argmin(total))})")
    positions = [q * (total - 1) for q in quantiles]
    k = np.empty((2 * len(quantiles), counts.shape[0]), dtype=np.int64)  # each quantile's two order statistics
    for i, position in enumerate(positions):
        k[2 * i] = np.floor(position).astype(np.int64)
        k[2 * i + 1] = np.minimum(k[2 * i] + 1, total - 1)
    below, before, inside = (np.empty_like(k) for _ in range(3))
    _locate(counts, k, below, before, inside)

    def order_statistic(j: int) -> np.ndarray:
        """The order statistic ``k[j]`` of each day, placed in its bin. (time,)"""
        log_value = low + (below[j] - 1 + (k[j] - before[j] + 0.5) / inside[j]) / BINS_PER_DECADE
        return np.where(below[j] == 0, 0.0, 10.0 ** log_value)

    out = np.empty((len(quantiles), counts.shape[0]))
    for i, position in enumerate(positions):
        lower, upper = order_statistic(2 * i), order_statistic(2 * i + 1)
        out[i] = lower + (position - k[2 * i]) * (upper - lower)
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _locate(counts, k, below, before, inside):
    """For each day t and order statistic j (0-based rank ``k[j, t]``, below the day's total):
    ``below``, the number of bins holding at most k values together, ``before``, the values
    in them, and ``inside``, the count of the next bin (the statistic's), each (j, time)."""
    bins = counts.shape[1]
    cumulative = np.empty(bins, dtype=np.int64)
    for t in range(counts.shape[0]):
        running = 0
        for b in range(bins):
            running += counts[t, b]
            cumulative[b] = running
        for j in range(k.shape[0]):
            b = np.searchsorted(cumulative, k[j, t], side="right")
            below[j, t] = b
            before[j, t] = cumulative[b - 1] if b > 0 else 0
            inside[j, t] = counts[t, b]


def locate_reference(counts, k, below, before, inside):
    """numpy form of :func:`_locate`: the days' cumulative counts shifted past each other
    into one sorted array, in which one search finds every day's bins."""
    cumulative = np.cumsum(counts, axis=1, dtype=np.int64)
    rows = np.arange(counts.shape[0])
    stride = int(cumulative[:, -1].max()) + 1
    shifted = (cumulative + (rows * stride)[:, None]).ravel()
    for j in range(k.shape[0]):
        below[j] = np.searchsorted(shifted, k[j] + rows * stride, side="right") - rows * counts.shape[1]
        before[j] = np.where(below[j] > 0, cumulative[rows, np.maximum(below[j] - 1, 0)], 0)
        inside[j] = counts[rows, below[j]]


@numba.njit(cache=True, nogil=True)
def pack_day_ranges(counts, first_bin, day_bins):
    """Each day's counts (time, bins) from its first to its last non-empty bin, the days one
    after the other in one flat array (returned); each range's first bin and length go to
    ``first_bin`` and ``day_bins`` (time,), 0 and 0 for a day with none. A day's values
    take a few dozen neighbouring bins of the hundreds of the variable's range, so the
    ranges hold 46 % of the counts of the bins all days used (china-2021, 2,000 draws)."""
    total = 0
    for t in range(counts.shape[0]):
        low, high = 0, 0
        for b in range(counts.shape[1]):
            if counts[t, b]:
                if high == 0:
                    low = b
                high = b + 1
        first_bin[t], day_bins[t] = low, high - low
        total += high - low
    flat = np.empty(total, dtype=counts.dtype)
    k = 0
    for t in range(counts.shape[0]):
        flat[k:k + day_bins[t]] = counts[t, first_bin[t]:first_bin[t] + day_bins[t]]
        k += day_bins[t]
    return flat


def day_ranges(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pack_day_ranges` of ``counts`` (time, bins): the packed counts, and each day's
    first bin and number of bins (time,) int32."""
    first_bin, day_bins = np.empty(counts.shape[0], np.int32), np.empty(counts.shape[0], np.int32)
    return pack_day_ranges(counts, first_bin, day_bins), first_bin, day_bins


@numba.njit(cache=True, nogil=True)
def add_day_ranges(total, first_bin, day_bins, flat):
    """Add the counts :func:`pack_day_ranges` packed to ``total`` (time, bins), in place."""
    k = 0
    for t in range(total.shape[0]):
        for b in range(day_bins[t]):
            total[t, first_bin[t] + b] += flat[k + b]
        k += day_bins[t]


def count_type(draws: int) -> type:
    """The integer type of bin counts over ``draws`` draws, a batch's or a run's: 2 bytes while
    a bin cannot hold more, then 4, else 8. A run's counts over china-2021's 15 years take 44.8
    MB in 2 bytes, 89.6 in 4, and the pages a run writes first are slow to come by."""
    return np.uint16 if draws < 2**16 else np.uint32 if draws < 2**32 else np.int64
