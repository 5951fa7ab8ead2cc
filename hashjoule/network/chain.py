"""Bitcoin consensus rules that fix how much work a block costs and what it pays.

Everything here is exact: targets are Python integers (the 256-bit arithmetic of
Bitcoin Core), subsidies are integer satoshi. Floats appear only where a quantity
is a ratio by nature (difficulty, hashrate).

References
----------
Bitcoin Core, ``src/pow.cpp`` (``CalculateNextWorkRequired``),
``src/arith_uint256.cpp`` (``SetCompact`` / ``GetCompact``) and
``src/validation.cpp`` (``GetBlockSubsidy``); https://github.com/bitcoin/bitcoin
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

#: Target spacing between blocks. [s]
TARGET_SPACING_S = 600
#: Blocks between two difficulty retargets.
RETARGET_INTERVAL = 2016
#: Target duration of one retarget epoch, 2016 x 600. [s]
TARGET_TIMESPAN_S = RETARGET_INTERVAL * TARGET_SPACING_S
#: Blocks between two subsidy halvings.
HALVING_INTERVAL = 210_000
#: Subsidy of the first era, 50 BTC. [sat]
INITIAL_SUBSIDY_SAT = 50 * 10**8
#: Satoshi per bitcoin.
SAT_PER_BTC = 10**8
#: Proof-of-work limit of mainnet (``consensus.powLimit``), 2**224 - 1.
POW_LIMIT = (1 << 224) - 1
#: Compact form of the easiest target, the genesis block's ``nBits``.
POW_LIMIT_BITS = 0x1D00FFFF
#: Hashes expected per unit of difficulty, 2**32 (to within 2**-32).
HASHES_PER_DIFFICULTY = 2**32

_UINT256_MASK = (1 << 256) - 1


# --- subsidy -------------------------------------------------------------


def block_subsidy_sat(height: int) -> int:
    """Block subsidy at a height.

    Parameters
    ----------
    height : int
        Block height (>= 0).

    Returns
    -------
    subsidy : int
        New coins the block may create. [sat]
    """
    if height < 0:
        raise ValueError(f"block height must be >= 0, got {height}")
    halvings = height // HALVING_INTERVAL
    if halvings >= 64:  # Core's guard: a shift by >= 64 is undefined in C++
        return 0
    return INITIAL_SUBSIDY_SAT >> halvings


def minted_sat(height_start: int, height_end: int) -> int:
    """Total subsidy of the blocks with heights in ``[height_start, height_end)``.

    Exact for any span, in O(number of halvings crossed).

    Returns
    -------
    minted : int
        Sum of block subsidies. [sat]
    """
    if height_start < 0 or height_end < height_start:
        raise ValueError(f"need 0 <= height_start <= height_end, got [{height_start}, {height_end})")
    total = 0
    height = height_start
    while height < height_end:
        era_end = (height // HALVING_INTERVAL + 1) * HALVING_INTERVAL
        upper = min(era_end, height_end)
        subsidy = block_subsidy_sat(height)
        if subsidy == 0:
            break
        total += (upper - height) * subsidy
        height = upper
    return total


def _era_subsidy_sat(era):
    """Subsidy per block of halving eras (array of int, >= 0), zero from era 64 on. [sat]"""
    era = np.asarray(era, dtype=np.int64)
    return np.where(era < 64, np.right_shift(INITIAL_SUBSIDY_SAT, np.minimum(era, 63)), 0)


def block_subsidy_btc(height):
    """Block subsidy for an array of heights (vectorised, for the engines).

    Parameters
    ----------
    height : array_like of int
        Block heights (>= 0).

    Returns
    -------
    subsidy : numpy.ndarray of float
        Subsidy per block. [BTC] Exact: every value is a dyadic fraction of
        50 BTC with at most 33 halvings, which a float64 holds exactly.
    """
    height = np.asarray(height, dtype=np.int64)
    if np.any(height < 0):
        raise ValueError("block heights must be >= 0")
    halvings = height // HALVING_INTERVAL
    sat = _era_subsidy_sat(halvings)
    return sat / SAT_PER_BTC


#: Total subsidy minted before the first block of each era 0..64. [sat]
ERA_START_SUPPLY_SAT = np.concatenate(
    [[0], np.cumsum([HALVING_INTERVAL * (INITIAL_SUBSIDY_SAT >> era) for era in range(64)])]
).astype(np.int64)


def supply_btc(height):
    """Bitcoins minted by all blocks below ``height`` (vectorised; heights may be fractional).

    Exact for integer heights; linear within an era otherwise, which is what an
    expected (non-integer) block count calls for.

    Parameters
    ----------
    height : array_like
        Heights (>= 0).

    Returns
    -------
    supply : numpy.ndarray
        [BTC]
    """
    height = np.asarray(height, dtype=float)
    if np.any(height < 0):
        raise ValueError("block heights must be >= 0")
    era = np.minimum(height // HALVING_INTERVAL, 64).astype(np.int64)
    subsidy = _era_subsidy_sat(era)
    sat = ERA_START_SUPPLY_SAT[era] + (height - era * HALVING_INTERVAL) * subsidy
    return sat / SAT_PER_BTC


def minted_btc(height_start, height_end):
    """Subsidy of the blocks from ``height_start`` to ``height_end`` (vectorised, fractional
    heights allowed): :func:`supply_btc` (end) - (start), computed directly when no halving
    lies between them. Each element is computed on its own, so the result for one does not
    depend on the others in the array. [BTC]"""
    height_start = np.asarray(height_start, dtype=float)
    height_end = np.asarray(height_end, dtype=float)
    era = height_start // HALVING_INTERVAL
    same_era = (height_end // HALVING_INTERVAL == era) | (height_end == height_start)
    minted = (height_end - height_start) * _era_subsidy_sat(era) / SAT_PER_BTC
    if same_era.all():
        return minted
    start, end = np.broadcast_arrays(height_start, height_end)
    minted = np.array(np.broadcast_to(minted, start.shape))
    crossing = ~np.broadcast_to(same_era, start.shape)
    minted[crossing] = supply_btc(end[crossing]) - supply_btc(start[crossing])
    return minted


# --- compact targets ("nBits") -------------------------------------------


def bits_to_target(bits: int) -> int:
    """Decode a compact target (``nBits``) as Bitcoin Core's ``SetCompact`` does.

    Raises
    ------
    ValueError
        If the compact form is negative (sign bit set with a non-zero mantissa)
        or overflows 256 bits; Core rejects such headers.
    """
    if not 0 <= bits <= 0xFFFFFFFF:
        raise ValueError(f"compact target must fit in 32 bits, got {bits:#x}")
    size = bits >> 24
    word = bits & 0x007FFFFF
    if size <= 3:
        word >>= 8 * (3 - size)  # Core checks sign and overflow on the shifted word
        target = word
    else:
        target = word << (8 * (size - 3))
    if word != 0 and bits & 0x00800000:
        raise ValueError(f"compact target {bits:#010x} is negative")
    if word != 0 and (size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32)):
        raise ValueError(f"compact target {bits:#010x} overflows 256 bits")
    return target


def target_to_bits(target: int) -> int:
    """Encode a target in compact form as Bitcoin Core's ``GetCompact`` does.

    The mantissa keeps the 3 most significant bytes and truncates the rest, so
    ``bits_to_target(target_to_bits(t)) <= t``.
    """
    if not 0 <= target <= _UINT256_MASK:
        raise ValueError("target must be a non-negative 256-bit integer")
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        compact = target << (8 * (3 - size))
    else:
        compact = target >> (8 * (size - 3))
    if compact & 0x00800000:  # mantissa would read as negative: move one byte up
        compact >>= 8
        size += 1
    return compact | (size << 24)


# --- retarget ------------------------------------------------------------


def clamp_timespan(timespan_s: int) -> int:
    """Clamp a measured epoch timespan to [T/4, 4T], T = 1,209,600 s. [s]"""
    return min(max(timespan_s, TARGET_TIMESPAN_S // 4), TARGET_TIMESPAN_S * 4)


def next_bits(last_bits: int, first_time: int, last_time: int) -> int:
    """Compact target of the next epoch (``CalculateNextWorkRequired``).

    Parameters
    ----------
    last_bits : int
        ``nBits`` of the epoch that just ended.
    first_time : int
        Timestamp of the epoch's first block. [s since 1970]
    last_time : int
        Timestamp of the epoch's last block (height ``2016 k - 1``). The span
        therefore covers 2015 block intervals, not 2016: Core's off-by-one. [s]

    Returns
    -------
    bits : int
        Compact target of the next 2016 blocks, never easier than the
        proof-of-work limit.
    """
    timespan = clamp_timespan(int(last_time) - int(first_time))
    # Python integers do not wrap; Core's 256-bit product cannot overflow either on
    # mainnet, since targets stay <= 2**224 and the timespan < 2**23.
    target = bits_to_target(last_bits) * timespan // TARGET_TIMESPAN_S
    return target_to_bits(min(target, POW_LIMIT))


def next_bits_array(last_bits, timespan_s) -> np.ndarray:
    """:func:`next_bits` for arrays of epochs, exact, in 64-bit integer arithmetic.

    The new target is floor(mantissa x 256**(size-3) x timespan / T); only its top three
    bytes survive the compact encoding, and those follow from
    floor(mantissa x timespan x 2**k / T) for a small shift k, which fits in 64 bits
    because mantissa x timespan < 2**46. Valid for mainnet-like targets (size >= 3,
    non-negative); checked against :func:`next_bits` in the tests.

    Parameters
    ----------
    last_bits : array_like of int
        Compact targets of the epochs that ended.
    timespan_s : array_like of int
        Time from each epoch's first to its last block. [s]
    """
    bits = np.asarray(last_bits, dtype=np.int64)
    span = np.clip(np.asarray(timespan_s, dtype=np.int64), TARGET_TIMESPAN_S // 4, TARGET_TIMESPAN_S * 4)
    size = bits >> 24
    if np.any(size < 3) or np.any(bits & 0x00800000):
        raise ValueError("next_bits_array handles positive targets of at least 3 bytes")
    product = (bits & 0x007FFFFF) * span  # < 2**46
    shift = 8 * (size - 3)  # old target = mantissa * 2**shift

    def top_bytes(new_size):
        k = shift - 8 * (new_size - 3)
        # a shift that would overflow 64 bits can only belong to a too-small size guess:
        # report it as too large (2**24), and the loop below moves up a byte
        fits = product.astype(float) * np.exp2(np.maximum(k, 0).astype(float)) < 2.0**62
        up = (product << np.where(fits, np.clip(k, 0, 62), 0)) // TARGET_TIMESPAN_S
        down = (product >> np.clip(-k, 0, 63)) // TARGET_TIMESPAN_S
        return np.where(k >= 0, np.where(fits, up, 1 << 24), down)

    # New targets below 2**24 are computed whole (they then fit in 64 bits).
    small = (shift <= 17) & ((product << np.minimum(shift, 17)) < (TARGET_TIMESPAN_S << 24))
    whole = (product << np.where(small, shift, 0)) // TARGET_TIMESPAN_S
    whole_size = (whole >= 1).astype(np.int64) + (whole >= 1 << 8) + (whole >= 1 << 16)
    # Larger ones: byte length estimated in floating point, then corrected exactly.
    estimate = np.log2(np.maximum(product, 1).astype(float)) - np.log2(TARGET_TIMESPAN_S) + shift
    new_size = (np.floor(estimate).astype(np.int64) + 8) // 8
    for _ in range(2):
        mantissa = top_bytes(new_size)
        new_size = np.where(mantissa >= 1 << 24, new_size + 1, np.where(mantissa < 1 << 16, new_size - 1, new_size))
    mantissa = np.where(small, whole << (8 * (3 - whole_size)), top_bytes(new_size))
    new_size = np.where(small, whole_size, new_size)
    over_limit = ~small & (new_size >= 29)  # target >= 2**224 > POW_LIMIT
    negative = (mantissa & 0x00800000) != 0
    mantissa = np.where(negative, mantissa >> 8, mantissa)
    new_size = np.where(negative, new_size + 1, new_size)
    return np.where(over_limit, POW_LIMIT_BITS, mantissa | (new_size << 24))


#: Up to this many epochs, :func:`next_bits_many` takes :func:`next_bits` one by one: on the
#: few epochs that end on one day of a batch, Python's integers beat numpy's per-call cost.
FEW_EPOCHS = 32


def next_bits_many(last_bits, timespan_s) -> np.ndarray:
    """:func:`next_bits` of several epochs: one by one for a few (:data:`FEW_EPOCHS`), else
    :func:`next_bits_array`; the same numbers either way (tested)."""
    bits = np.asarray(last_bits, dtype=np.int64)
    if bits.size > FEW_EPOCHS:
        return next_bits_array(bits, timespan_s)
    spans = np.broadcast_to(np.asarray(timespan_s, dtype=np.int64), bits.shape).ravel().tolist()
    return np.array([next_bits(b, 0, t) for b, t in zip(bits.ravel().tolist(), spans)],
                    dtype=np.int64).reshape(bits.shape)


def difficulty_from_bits_array(bits) -> np.ndarray:
    """Difficulty of compact targets (vectorised, float64). [1]"""
    bits = np.asarray(bits, dtype=np.int64)
    mantissa = (bits & 0x007FFFFF).astype(float)
    return 0xFFFF / mantissa * 256.0 ** ((POW_LIMIT_BITS >> 24) - (bits >> 24))


# --- difficulty, target, hashrate ----------------------------------------


def difficulty_from_target(target: int) -> float:
    """Difficulty = target(0x1d00ffff) / target. [1]"""
    if target <= 0:
        raise ValueError("target must be positive")
    return float(Fraction(bits_to_target(POW_LIMIT_BITS), target))


def difficulty_from_bits(bits: int) -> float:
    """Difficulty of a compact target. [1]"""
    return difficulty_from_target(bits_to_target(bits))


def target_from_difficulty(difficulty: float) -> int:
    """Target whose difficulty is ``difficulty`` (rounded down to an integer)."""
    if not difficulty > 0 or difficulty != difficulty or difficulty == float("inf"):
        raise ValueError(f"difficulty must be a positive finite number, got {difficulty}")
    return int(Fraction(bits_to_target(POW_LIMIT_BITS)) / Fraction(difficulty))


def expected_hashes(difficulty):
    """Expected number of hashes to find one block, difficulty x 2**32. [H]"""
    return np.asarray(difficulty, dtype=float) * HASHES_PER_DIFFICULTY


def implied_hashrate_hs(difficulty, block_interval_s=TARGET_SPACING_S):
    """Network hashrate implied by difficulty and the mean block interval.

    Parameters
    ----------
    difficulty : numeric
        Mining difficulty. [1]
    block_interval_s : numeric, default 600
        Mean time between blocks. [s]

    Returns
    -------
    hashrate : numeric
        Hashes per second. [H/s]
    """
    return expected_hashes(difficulty) / np.asarray(block_interval_s, dtype=float)
