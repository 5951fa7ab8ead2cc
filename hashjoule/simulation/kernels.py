"""The fleet's daily passes over its installed capacity, compiled (numba), each beside its
numpy reference.

The share of a class's capacity that runs is 1 / (1 + odds) with odds = (median tariff /
break-even tariff)**k (:func:`~hashjoule.simulation.economics.online_fraction`). The
odds factor into a part of the machine class and region, ``a`` = (median tariff x kWh per
TH/s-day)**k, and a part of the draw and region, ``b`` = (cost and tariff factors of the
draw / hashprice)**k = ``c`` x ``p``, with ``c`` the draw's factors**k (fixed for a season)
and ``p`` = hashprice**-k, one number per draw and distinct value of k (``group`` maps each
region to its k). A day needs exponentials only on the small arrays ``a`` and ``p``; what
is done per class, draw and region is a product, a sum and a division. Both passes run over
every element once, where numpy needs a temporary array and a pass per operation.

The compiled loops and the numpy references perform the same IEEE operations in the same
order (no fast-math, so no reassociation and no fused multiply-add): their results are
identical, which the tests check. The per-block engine, the reference of the ensemble
engine, uses the same passes.
"""

from __future__ import annotations

import time

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _draw_factor(c, p, group):
    """:func:`draw_factor` compiled: b = c x p, element by element, (draw, region). [1]"""
    b = np.empty(c.shape)
    for i in range(c.shape[0]):
        for r in range(c.shape[1]):
            b[i, r] = c[i, r] * p[i, group[r]]
    return b


@numba.njit(cache=True, nogil=True, error_model="numpy")
def online_totals(capacity, a, c, p, group, watts_per_ths, by_region, watts):
    """Online capacity and its power, summed over the classes in service.

    Parameters
    ----------
    capacity : numpy.ndarray
        Installed capacity of the classes in service, (class, draw, region). [TH/s]
    a : numpy.ndarray
        Odds factor of the class and region, (class, region). [1]
    c, p, group : numpy.ndarray
        The draw's odds factor b = c x p as :func:`draw_factor` takes it (formed here, element
        by element, with the same products). [1]
    watts_per_ths : numpy.ndarray
        Power per TH/s, PUE included, (class, region). [W/(TH/s)]
    by_region, watts : numpy.ndarray
        Written: online capacity [TH/s] and its power [W], (draw, region).
    """
    classes, draws, regions = capacity.shape
    b = _draw_factor(c, p, group)  # apart: the loops below then vectorise
    for i in range(draws):
        for r in range(regions):
            by_region[i, r] = 0.0
            watts[i, r] = 0.0
        for h in range(classes):
            for r in range(regions):
                online = capacity[h, i, r] / (1.0 + a[h, r] * b[i, r])
                by_region[i, r] += online
                watts[i, r] += online * watts_per_ths[h, r]


def draw_factor(c, p, group):
    """The draw's odds factor b = c x p, (draw, region), from ``c`` (draw, region), the draw's
    factor at a hashprice of 1, ``p`` (draw, distinct k), hashprice**-k, and ``group``
    (region,), the index of each region's k among the distinct ones. [1]"""
    return c * (p if p.shape[1] == 1 else p[:, group])  # one k everywhere: the same products, broadcast


def online_totals_reference(capacity, a, b, watts_per_ths):
    """numpy form of :func:`online_totals`; returns (by_region, watts) and the online capacity."""
    online = capacity / (1.0 + a[:, None, :] * b[None, :, :])
    by_region = np.zeros(online.shape[1:])
    watts = np.zeros(online.shape[1:])
    for h in range(online.shape[0]):  # classes in order: the compiled loop's order of addition
        by_region += online[h]
        watts += online[h] * watts_per_ths[h][None, :]
    return by_region, watts, online


@numba.njit(cache=True, nogil=True, error_model="numpy")
def retire(capacity, a, c, p, group, rate, skip):
    """Scrap, at ``rate`` per day, the capacity that runs unprofitably at the odds ``a`` x ``b``.

    Parameters
    ----------
    capacity : numpy.ndarray
        Updated in place, (class, draw, region). [TH/s]
    a, c, p, group : numpy.ndarray
        Odds factors, as in :func:`online_totals`, at the hashprice miners expect. [1]
    rate : numpy.ndarray
        Share of the switched-off capacity scrapped per day, (draw,). [1/d]
    skip : numpy.ndarray of bool
        Regions left alone (the caller treats them), (region,).
    """
    classes, draws, regions = capacity.shape
    b = _draw_factor(c, p, group)  # apart: the loops below then vectorise
    for h in range(classes):
        for i in range(draws):
            for r in range(regions):
                odds = a[h, r] * b[i, r]
                off = odds / (1.0 + odds) * rate[i]
                # a select rather than a branch, so that the loop vectorises; the capacity is
                # finite, so a skipped region's keeps its value exactly
                capacity[h, i, r] -= capacity[h, i, r] * (0.0 if skip[r] else off)


def retire_reference(capacity, a, b, rate, skip):
    """numpy form of :func:`retire`."""
    odds = a[:, None, :] * b[None, :, :]
    off = odds / (1.0 + odds) * rate[None, :, None]
    keep = np.flatnonzero(~skip)
    part = capacity[..., keep]
    part -= part * off[..., keep]
    capacity[..., keep] = part


@numba.njit(cache=True, nogil=True, error_model="numpy")
def resume_hidden(hidden, capacity, days):
    """Hidden capacity resumes in its region at the rate 1 / ``days`` (draw,) per day:
    ``hidden`` and ``capacity`` (class, draw, region, the same views' shape) updated in place. [TH/s]"""
    classes, draws, regions = hidden.shape
    for h in range(classes):
        for i in range(draws):
            for r in range(regions):
                resuming = hidden[h, i, r] / days[i]
                hidden[h, i, r] -= resuming
                capacity[h, i, r] += resuming


def resume_hidden_reference(hidden, capacity, days):
    """numpy form of :func:`resume_hidden`."""
    resuming = hidden / days[None, :, None]
    hidden -= resuming
    capacity += resuming


@numba.njit(cache=True, nogil=True, error_model="numpy")
def mine_stretch(day_start, rate, work_left, elapsed, done, first_at, end_at, first_found, first_time, between,
                 height, epoch_end_height, new_height, ends):
    """Spend each draw's work left today, up to its epoch's last block at most.

    The blocks of the stretch are the epoch's first and last block where they fall, and the
    ones between as their expectation (see :mod:`~hashjoule.simulation.engine_ensemble`).

    Parameters
    ----------
    day_start : float
        Start of the day. [s since the start]
    rate : numpy.ndarray
        Network hashrate. (n,) [H/s]
    work_left : numpy.ndarray
        Updated: work still to spend today, left over past an epoch's end. (n,) [H]
    elapsed : numpy.ndarray
        Seconds of the day used by earlier epochs. (n,) [s]
    done, first_at, end_at : numpy.ndarray
        Work done in the epoch (updated), and at which its first and its last block are found. (n,) [H]
    first_found, first_time : numpy.ndarray
        Updated: whether the epoch's first block is found, and when. (n,) [1], [s]
    between : numpy.ndarray
        Blocks strictly between the first and last block. (n,) [1]
    height, epoch_end_height : numpy.ndarray
        Height (fractional) and the height at the epoch's end. (n,) [1]
    new_height, ends : numpy.ndarray
        Written: the height after the stretch, and whether the epoch ended in it. (n,)

    Returns
    -------
    bool
        Whether some epoch ended.
    """
    some_end = False
    for i in range(rate.size):
        new_height[i] = height[i]
        ends[i] = False
        if not work_left[i] > 0.0:
            continue
        seg_end = done[i] + work_left[i]
        hit = (not first_found[i]) and seg_end >= first_at[i]
        if hit:
            first_time[i] = day_start + elapsed[i] + (first_at[i] - done[i]) / rate[i]
            first_found[i] = True
        if seg_end >= end_at[i]:
            new_height[i] = epoch_end_height[i]
            ends[i] = True
            some_end = True
            work_left[i] = seg_end - end_at[i]
        else:
            overlap = min(seg_end, end_at[i]) - max(done[i], first_at[i])
            overlap = overlap if overlap > 0.0 else 0.0
            new_height[i] = height[i] + (1.0 if hit else 0.0) + between[i] * overlap / (end_at[i] - first_at[i])
            done[i] = seg_end
            work_left[i] = 0.0
    return some_end


def mine_stretch_reference(day_start, rate, work_left, elapsed, done, first_at, end_at, first_found, first_time,
                           between, height, epoch_end_height, new_height, ends):
    """numpy form of :func:`mine_stretch`."""
    active = work_left > 0
    seg_end = done + work_left
    hit = active & ~first_found & (seg_end >= first_at)
    first_time[hit] = day_start + elapsed[hit] + (first_at[hit] - done[hit]) / rate[hit]
    first_found |= hit
    ends[:] = active & (seg_end >= end_at)
    overlap = np.maximum(np.minimum(seg_end, end_at) - np.maximum(done, first_at), 0.0)
    counted = np.where(active, between * overlap / (end_at - first_at), 0.0)
    new_height[:] = np.where(ends, epoch_end_height, height + hit + counted)
    done[:] = np.where(active & ~ends, seg_end, done)
    work_left[:] = np.where(ends, seg_end - end_at, 0.0)
    return bool(ends.any())


@numba.njit(cache=True, nogil=True, error_model="numpy")
def next_bits(bits, timespan, target_timespan, limit_bits, out):
    """The retarget (:func:`hashjoule.network.chain.next_bits`) of several epochs, exact, in
    64-bit integers: compact targets ``bits`` and the epochs' timespans [s] give ``out``, or -1
    for a target this pass does not take (fewer than 4 bytes or more than 32, negative, or a
    mantissa below 0x8000, which the compact encoding never writes: the caller takes the
    reference for those, which refuses what overflows 256 bits).

    The new target is floor(mantissa x 256**(size-3) x span / T) for the clamped span; a
    retarget moves it at most 4x, so its byte length is size - 1, size or size + 1, and
    the top three bytes of each candidate are floor(mantissa x span x 256**j / T) for
    j = 1, 0, -1, which fit in 64 bits (mantissa x span < 2**46): the one in [2**16, 2**24)
    is the compact mantissa."""
    for e in range(bits.size):
        size, mantissa = bits[e] >> 24, bits[e] & 0x007FFFFF
        out[e] = -1
        if size < 4 or size > 32 or bits[e] >> 32 or bits[e] & 0x00800000 or mantissa < 0x8000:
            continue
        span = min(max(timespan[e], target_timespan // 4), target_timespan * 4)
        product = mantissa * span
        for new_size in range(size - 1, size + 2):
            if new_size > size:
                top = (product >> 8) // target_timespan
            else:
                top = (product << (8 * (size - new_size))) // target_timespan
            if top >= 1 << 16 and top < 1 << 24:
                break
        else:
            continue
        if new_size >= 29:  # above the proof-of-work limit, 2**224 - 1
            out[e] = limit_bits
        elif top & 0x00800000:  # the sign bit: one byte more
            out[e] = (top >> 8) | ((new_size + 1) << 24)
        else:
            out[e] = top | (new_size << 24)


def compile_kernels() -> float:
    """Compile (or load from numba's cache) every kernel for the types the engines pass;
    returns the seconds it took. Worker processes forked afterwards inherit the machine code."""
    began = time.perf_counter()
    capacity, pair = np.ones((1, 1, 1)), np.ones((1, 1))
    group = np.zeros(1, dtype=np.int64)
    online_totals(capacity, pair, pair, pair, group, pair, np.empty((1, 1)), np.empty((1, 1)))
    retire(capacity, pair, pair, pair, group, np.zeros(1), np.zeros(1, dtype=bool))
    resume_hidden(capacity[:, :, :1], np.zeros((1, 1, 1))[:, :, :1], np.ones(1))
    next_bits(np.array([0x1D00FFFF]), np.array([1]), 1, 0x1D00FFFF, np.empty(1, dtype=np.int64))
    one = np.ones(1)
    mine_stretch(0.0, one, np.zeros(1), np.zeros(1), np.zeros(1), one, one, np.zeros(1, dtype=bool), np.zeros(1),
                 one, np.zeros(1), one, np.empty(1), np.empty(1, dtype=bool))
    from hashjoule.simulation.summary import compile_summary  # the batch summary's passes

    compile_summary()
    return time.perf_counter() - began
