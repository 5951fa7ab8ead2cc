"""The chain's daily passes, compiled (numba), most beside their numpy reference: the day's
hashprice at the next block's subsidy (:func:`hashprice_day`), the day's start
(:func:`start_day`), a stretch of the day's work with its blocks and subsidy
(:func:`mine_stretch`) and the instants its epochs ended (:func:`epoch_ends`), the retarget
(:func:`_next_bits_one`), and the close of an epoch and the start of the next
(:func:`close_epochs`, :func:`open_epochs`). As
in :mod:`~hashjoule.simulation.kernels`, each performs the reference's operations in its
order, and the tests compare them (the day's start and its epochs' end instants with the
numpy expressions they replaced). One difference in form: :func:`open_epochs` raises 256.0
to an integer power by repeated products where numpy calls ``pow``; for a power of two and
the exponents a compact target gives (29 - size, -3 to 28 for sizes 1 to 32) both are
exact, so the difficulties are the same.
"""

from __future__ import annotations

import numba
import numpy as np

from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.network import chain
from hashjoule.network.chain import (
    ERA_START_SUPPLY_SAT,
    HALVING_INTERVAL,
    HASHES_PER_DIFFICULTY,
    INITIAL_SUBSIDY_SAT,
    POW_LIMIT_BITS,
    RETARGET_INTERVAL,
    SAT_PER_BTC,
)
from hashjoule.simulation.economics import hashprice_usd_per_ths_day


@numba.njit(cache=True, nogil=True, error_model="numpy")
def mine_stretch(day_start, rate, work_left, elapsed, done, first_at, end_at, first_found, first_time, between,
                 height, epoch_end_height, new_height, ends, blocks, minted):
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
    blocks, minted : numpy.ndarray
        Added to: the stretch's blocks [1] and their subsidy (:func:`~hashjoule.network.chain.minted_btc`,
        the same operations) [BTC]. (n,)

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
        blocks[i] += new_height[i] - height[i]
        minted[i] += _minted_btc(height[i], new_height[i])
    return some_end


@numba.njit(cache=True, nogil=True, error_model="numpy")
def start_day(hashrate_ths, rate, work_left, elapsed, blocks, minted):
    """A day's start for each draw: the network ``rate`` [H/s] from ``hashrate_ths``, the
    ``work_left`` of the day [H], and no seconds ``elapsed``, ``blocks`` or subsidy
    ``minted`` yet, written. (n,)"""
    for i in range(rate.size):
        rate[i] = hashrate_ths[i] * 1e12
        work_left[i] = rate[i] * SECONDS_PER_DAY
        elapsed[i], blocks[i], minted[i] = 0.0, 0.0, 0.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def epoch_ends(ends, day_start, rate, done, end_at, elapsed):
    """The draws whose epoch ended in the stretch just mined (``ends``), and the instants
    their last blocks were found [s since the start]; each one's ``elapsed`` seconds of the
    day move on to that instant. Returns (rows, end_time)."""
    rows = np.flatnonzero(ends)
    end_time = np.empty(rows.size)
    for j in range(rows.size):
        i = rows[j]
        used = (end_at[i] - done[i]) / rate[i]
        end_time[j] = day_start + elapsed[i] + used
        elapsed[i] += used
    return rows, end_time


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _era_subsidy_sat(era):
    """:func:`hashjoule.network.chain._era_subsidy_sat` of one era. [sat]"""
    return INITIAL_SUBSIDY_SAT >> min(era, 63) if era < 64 else 0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _era(height):
    """height // HALVING_INTERVAL, exactly (numba's floor division of floats is slow): the
    quotient's floor, corrected where the division rounded across an integer."""
    era = np.floor(height / HALVING_INTERVAL)
    if era * HALVING_INTERVAL > height:
        era -= 1.0
    elif (era + 1.0) * HALVING_INTERVAL <= height:
        era += 1.0
    return era


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _supply_btc(height):
    """:func:`hashjoule.network.chain.supply_btc` of one height, the same operations. [BTC]"""
    era = _era(height)
    era = np.int64(era if era < 64.0 else 64.0)  # a NaN or infinite height: the last era, not a stray index
    return (ERA_START_SUPPLY_SAT[era] + (height - era * HALVING_INTERVAL) * _era_subsidy_sat(era)) / SAT_PER_BTC


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _minted_btc(start, end):
    """:func:`hashjoule.network.chain.minted_btc` of one stretch, the same operations. [BTC]"""
    era = _era(start)
    if _era(end) == era or end == start:
        return (end - start) * _era_subsidy_sat(np.int64(era)) / SAT_PER_BTC
    return _supply_btc(end) - _supply_btc(start)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def hashprice_day(height, fees_btc, price_usd, difficulty, out):
    """Each draw's hashprice today (``out``, (draw,) [USD/(TH/s)/d]): the subsidy of the next
    block after ``height`` plus ``fees_btc`` per block, at the draw's price today ``price_usd``
    [USD/BTC] and ``difficulty``, with the operations of
    :func:`~hashjoule.simulation.economics.hashprice_usd_per_ths_day`."""
    for i in range(height.size):
        subsidy = _era_subsidy_sat(np.int64(_era(height[i]))) / SAT_PER_BTC
        out[i] = (subsidy + fees_btc) * price_usd[i] * SECONDS_PER_DAY * 1e12 / (difficulty[i] * HASHES_PER_DIFFICULTY)


def hashprice_day_reference(height, fees_btc, price_usd, difficulty, out):
    """numpy form of :func:`hashprice_day`."""
    reward = chain.block_subsidy_btc(height.astype(np.int64)) + fees_btc
    out[:] = hashprice_usd_per_ths_day(reward, price_usd, difficulty)


def mine_stretch_reference(day_start, rate, work_left, elapsed, done, first_at, end_at, first_found, first_time,
                           between, height, epoch_end_height, new_height, ends, blocks, minted):
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
    blocks += new_height - height
    minted += chain.minted_btc(height, new_height)
    return bool(ends.any())


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _next_bits_one(bits, timespan, target_timespan, limit_bits):
    """The retarget of one epoch, or -1 for a target this pass does not take (fewer than 4
    bytes or more than 32, negative, or a mantissa below 0x8000, which the compact encoding
    never writes: the caller takes the reference for those, which refuses what overflows 256
    bits).

    The new target is floor(mantissa x 256**(size-3) x span / T) for the clamped span; a
    retarget moves it at most 4x, so its byte length is size - 1, size or size + 1, and
    the top three bytes of each candidate are floor(mantissa x span x 256**j / T) for
    j = 1, 0, -1, which fit in 64 bits (mantissa x span < 2**46): the one in [2**16, 2**24)
    is the compact mantissa."""
    size, mantissa = bits >> 24, bits & 0x007FFFFF
    if size < 4 or size > 32 or bits >> 32 or bits & 0x00800000 or mantissa < 0x8000:
        return -1
    span = min(max(timespan, target_timespan // 4), target_timespan * 4)
    product = mantissa * span
    for new_size in range(size - 1, size + 2):
        if new_size > size:
            top = (product >> 8) // target_timespan
        else:
            top = (product << (8 * (size - new_size))) // target_timespan
        if top >= 1 << 16 and top < 1 << 24:
            break
    else:
        return -1
    if new_size >= 29:  # above the proof-of-work limit, 2**224 - 1
        return limit_bits
    if top & 0x00800000:  # the sign bit: one byte more
        return (top >> 8) | ((new_size + 1) << 24)
    return top | (new_size << 24)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def close_epochs(rows, end_time, epochs_done, first_time, bits, difficulty, record, epoch_end_s, epoch_difficulty,
                 target_timespan, limit_bits, timespan, new_bits):
    """Close the epochs of draws ``rows`` that ended at ``end_time`` [s]: if ``record``, record
    their end and difficulty at column ``epochs_done`` of ``epoch_end_s`` and ``epoch_difficulty``, and
    write their timespans [s] (integer seconds of the last block's and the first block's
    times) and next compact targets (:func:`_next_bits_one`, -1 where the caller must take
    the reference) into ``timespan`` and ``new_bits`` (row,). Returns whether every target
    was taken."""
    taken = True
    for j in range(rows.size):
        i = rows[j]
        if record:
            epoch_end_s[i, epochs_done[i]] = end_time[j]
            epoch_difficulty[i, epochs_done[i]] = difficulty[i]
        timespan[j] = np.int64(np.floor(end_time[j])) - np.int64(np.floor(first_time[i]))
        new_bits[j] = _next_bits_one(bits[i], timespan[j], target_timespan, limit_bits)
        taken = taken and new_bits[j] >= 0
    return taken


@numba.njit(cache=True, nogil=True, error_model="numpy")
def open_epochs(rows, new_bits, x1, rest, epochs_done, bits, difficulty, epoch_end_height, done, first_found,
                first_at, end_at, between):
    """Start the next epoch of draws ``rows`` at the compact targets ``new_bits``: its
    difficulty (:func:`hashjoule.network.chain.difficulty_from_bits_array`), and the work to its
    first and last block from the draw's standard Exp(1) and Gamma(2015) variates of the epoch,
    ``x1`` and ``rest`` (draw, epoch; one row: the same for every draw)."""
    for j in range(rows.size):
        i = rows[j]
        bits[i] = new_bits[j]
        difficulty[i] = 0xFFFF / np.float64(bits[i] & 0x007FFFFF) * 256.0 ** ((POW_LIMIT_BITS >> 24) - (bits[i] >> 24))
        epochs_done[i] += 1
        epoch_end_height[i] += RETARGET_INTERVAL
        k, row = epochs_done[i], i if x1.shape[0] > 1 else 0
        scale = difficulty[i] * HASHES_PER_DIFFICULTY
        done[i] = 0.0
        first_found[i] = False
        first_at[i] = x1[row, k] * scale
        end_at[i] = (x1[row, k] + rest[row, k]) * scale
        between[i] = RETARGET_INTERVAL - 2


def compile_chain_kernels() -> None:
    """Compile (or load from numba's cache) the chain's passes for the types the engine passes."""
    one = np.ones(1)
    hashprice_day(one, 0.0, one, one, np.empty(1))
    rows, counts, bits = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), np.array([0x1D00FFFF])
    close_epochs(rows, one, counts, np.zeros(1), bits, one, True, np.ones((1, 2)), np.ones((1, 2)), 1, 0x1D00FFFF,
                 np.empty(1, dtype=np.int64), np.empty(1, dtype=np.int64))
    open_epochs(rows, bits.copy(), np.ones((1, 2)), np.ones((1, 2)), counts, bits, one.copy(), np.zeros(1),
                np.zeros(1), np.zeros(1, dtype=bool), np.zeros(1), np.zeros(1), np.zeros(1))
    mine_stretch(0.0, one, np.zeros(1), np.zeros(1), np.zeros(1), one, one, np.zeros(1, dtype=bool), np.zeros(1),
                 one, np.zeros(1), one, np.empty(1), np.empty(1, dtype=bool), np.zeros(1), np.zeros(1))
    start_day(one, np.empty(1), np.empty(1), np.empty(1), np.empty(1), np.empty(1))
    epoch_ends(np.ones(1, dtype=bool), 0.0, one, np.zeros(1), one, np.zeros(1))
