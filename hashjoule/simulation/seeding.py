"""Many independent random generators at once, each exactly numpy's
``default_rng(SeedSequence(seed, spawn_key=key))``.

Every draw of a run has its own streams, keyed by the draw and the purpose (and, for a
scenario's sampled values, the parameter), so that a draw's numbers do not depend on the
batch, the worker or the other draws. numpy builds each stream's ``SeedSequence`` one at a
time, about 19 us apiece here, and a batch of 2,000 ``china-2021`` draws needs 42,000 of
them (36,000 for its 18 parameters, 6,000 for the engines: 0.8 s, 8 % of the batch). The
sequence's hash is plain 32-bit integer arithmetic whose constants evolve the same way for
every key: :func:`seed_state` runs it for all keys at once on numpy's uint32 arrays and
gives the 128-bit state and increment PCG64 takes from the sequence; a generator then
costs about 3 us, the hash included. The tests compare states and first numbers with
numpy's own construction. The generators draw the same numbers as numpy's; they cannot
``spawn`` children (nothing here asks them to).

The hash (M. E. O'Neill's ``seed_seq`` design as numpy implements it): the entropy (the
seed's 32-bit words, least significant first, zero-padded to the pool size of four words
when a spawn key follows, then one word per key element) is hashed into a pool of four
words, each pool word is mixed with the hashes of the others and of the entropy beyond
the pool, and the state is read out of the pool through a second hash.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_INIT_A, _MULT_A = np.uint32(0x43B0D7E5), np.uint32(0x931E8875)
_INIT_B, _MULT_B = np.uint32(0x8B51F9DD), np.uint32(0x58F38DED)
_MIX_L, _MIX_R = np.uint32(0xCA01F9DD), np.uint32(0x4973F715)
_SHIFT = np.uint32(16)
_POOL = 4
#: 32-bit words of the state PCG64 asks for: four 64-bit words (seed and increment).
_STATE_WORDS = 8


class _Hash:
    """The running hash constant: the same sequence of values for every key."""

    def __init__(self, start: np.uint32, multiplier: np.uint32):
        self.value, self.multiplier = start, multiplier

    def __call__(self, words: np.ndarray) -> np.ndarray:
        out = words ^ self.value
        self.value = self.value * self.multiplier
        out = out * self.value
        return out ^ (out >> _SHIFT)


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = _MIX_L * x - _MIX_R * y
    return out ^ (out >> _SHIFT)


def _words(n: int) -> list[int]:
    """A non-negative integer's 32-bit words, least significant first (zero: one word)."""
    words = [n & 0xFFFFFFFF]
    while n > 0xFFFFFFFF:
        n >>= 32
        words.append(n & 0xFFFFFFFF)
    return words


def seed_state(seed: int, keys) -> np.ndarray:
    """What ``SeedSequence(seed, spawn_key=tuple(key)).generate_state(4, numpy.uint64)`` gives,
    for each row ``key`` of ``keys`` (n, k): non-negative integers below 2**32. (n, 4) uint64"""
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    keys = np.atleast_2d(np.asarray(keys))  # checked before any conversion: no key wraps or truncates
    if keys.size and (keys.dtype.kind not in "iuO" or keys.min() < 0 or keys.max() > 0xFFFFFFFF):
        raise ValueError("spawn keys: expected integers in [0, 2**32)")
    keys = keys.astype(np.int64)
    run = _words(int(seed))
    if keys.shape[1]:
        run += [0] * (_POOL - len(run))
    entropy = [np.full(keys.shape[0], w, dtype=np.uint32) for w in run] + [k.astype(np.uint32) for k in keys.T]
    with np.errstate(over="ignore"):  # arithmetic modulo 2**32 is the definition
        hash_a = _Hash(_INIT_A, _MULT_A)
        zero = np.zeros(keys.shape[0], dtype=np.uint32)
        pool = [hash_a(entropy[i] if i < len(entropy) else zero) for i in range(_POOL)]
        for source in range(_POOL):
            for target in range(_POOL):
                if source != target:
                    pool[target] = _mix(pool[target], hash_a(pool[source]))
        for source in range(_POOL, len(entropy)):
            for target in range(_POOL):
                pool[target] = _mix(pool[target], hash_a(entropy[source]))
        hash_b = _Hash(_INIT_B, _MULT_B)
        state = np.stack([hash_b(pool[i % _POOL]) for i in range(_STATE_WORDS)], axis=1)
    return state.astype("<u4", order="C").view("<u8").astype(np.uint64)  # pairs, low word first, as numpy


class _State(ISeedSequence):
    """A sequence whose state is already known (:func:`seed_state`), as PCG64 takes it."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray):
        self.state = state

    def generate_state(self, n_words, dtype=np.uint32):
        if n_words != _STATE_WORDS // 2 or np.dtype(dtype) != np.uint64:
            raise ValueError("a known state gives exactly PCG64's four 64-bit words")
        return self.state


def generators(seed: int, keys) -> Iterator[np.random.Generator]:
    """``numpy.random.default_rng(SeedSequence(seed, spawn_key=tuple(key)))`` for each row of
    ``keys`` (see :func:`seed_state`): the states computed together, each generator made as
    it is taken (a generator holds about 1 kB: a caller that needs one number from each
    need not hold them all)."""
    return (np.random.Generator(np.random.PCG64(_State(row))) for row in seed_state(seed, keys))
