"""Consensus rules, checked against Bitcoin Core's test vectors and the bundled headers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashjoule.network import chain

GENESIS_TARGET = 0x00000000FFFF0000000000000000000000000000000000000000000000000000
GENESIS_HASH = 0x000000000019D6689C085AE165831E934FF763AE46A2A6C172B3F1B60A8CE26F


# --- subsidy --------------------------------------------------------------

@pytest.mark.parametrize(
    "height, sat",
    [
        (0, 5_000_000_000),
        (209_999, 5_000_000_000),
        (210_000, 2_500_000_000),  # 2012-11-28
        (420_000, 1_250_000_000),  # 2016-07-09
        (630_000, 625_000_000),  # 2020-05-11
        (840_000, 312_500_000),  # 2024-04-20
        (6_929_999, 1),  # era 32: 5e9 >> 32
        (6_930_000, 0),  # era 33 and later pay nothing
        (64 * 210_000, 0),
        (10**12, 0),
    ],
)
def test_block_subsidy(height, sat):
    assert chain.block_subsidy_sat(height) == sat


def test_total_supply_is_the_known_figure():
    # The well-known cap: 20,999,999.9769 BTC.
    assert chain.minted_sat(0, 7_000_000) == 2_099_999_997_690_000


@given(st.integers(0, 8_000_000), st.integers(0, 500_000), st.integers(0, 500_000))
def test_minted_is_additive(a, gap1, gap2):
    b, c = a + gap1, a + gap1 + gap2
    assert chain.minted_sat(a, b) + chain.minted_sat(b, c) == chain.minted_sat(a, c)


@given(st.integers(0, 8_000_000))
def test_minted_over_one_block_is_its_subsidy(height):
    assert chain.minted_sat(height, height + 1) == chain.block_subsidy_sat(height)


def test_vectorised_subsidy_matches_exact():
    heights = np.array([0, 209_999, 210_000, 630_000, 840_000, 6_929_999, 6_930_000, 64 * 210_000, 10**9])
    expected = [chain.block_subsidy_sat(int(h)) / 1e8 for h in heights]
    np.testing.assert_array_equal(chain.block_subsidy_btc(heights), expected)


def test_negative_heights_are_refused():
    with pytest.raises(ValueError):
        chain.block_subsidy_sat(-1)
    with pytest.raises(ValueError):
        chain.block_subsidy_btc([-5])
    with pytest.raises(ValueError):
        chain.minted_sat(10, 5)


# --- compact targets --------------------------------------------------------

def test_genesis_values():
    assert chain.bits_to_target(0x1D00FFFF) == GENESIS_TARGET
    assert chain.target_to_bits(GENESIS_TARGET) == 0x1D00FFFF
    assert chain.difficulty_from_bits(0x1D00FFFF) == 1.0
    assert GENESIS_HASH <= GENESIS_TARGET
    assert chain.implied_hashrate_hs(1.0) == pytest.approx(2**32 / 600)


# Bitcoin Core, src/test/arith_uint256_tests.cpp (bignum_SetCompact).
@pytest.mark.parametrize(
    "bits, target",
    [
        (0x00000000, 0),
        (0x00123456, 0),
        (0x00923456, 0),  # sign bit set but the shifted mantissa is 0: not negative
        (0x01803456, 0),
        (0x02800056, 0),
        (0x03800000, 0),
        (0x04800000, 0),
        (0x01003456, 0),
        (0x01123456, 0x12),
        (0x02123456, 0x1234),
        (0x03123456, 0x123456),
        (0x04123456, 0x12345600),
        (0x05009234, 0x92340000),
        (0x20123456, 0x1234560000000000000000000000000000000000000000000000000000000000),
    ],
)
def test_set_compact_vectors(bits, target):
    assert chain.bits_to_target(bits) == target


@pytest.mark.parametrize("target, bits", [(0, 0), (0x12, 0x01120000), (0x80, 0x02008000), (0x1234, 0x02123400),
                                          (0x92340000, 0x05009234), (0x12345600, 0x04123456)])
def test_get_compact_vectors(target, bits):
    assert chain.target_to_bits(target) == bits


@pytest.mark.parametrize("bits", [0x04923456, 0x01FEDCBA, 0xFF123456])
def test_negative_or_overflowing_compact_is_refused(bits):
    with pytest.raises(ValueError):
        chain.bits_to_target(bits)


@given(st.integers(1, 2**256 - 1))
def test_encoding_truncates_and_is_stable(target):
    bits = chain.target_to_bits(target)
    decoded = chain.bits_to_target(bits)
    assert decoded <= target
    assert chain.target_to_bits(decoded) == bits
    if target >= 2**24:  # at least 15 significant mantissa bits survive
        assert (target - decoded) / target < 2**-15


def test_every_bundled_bits_value_round_trips(headers):
    for bits in headers.bits:
        assert chain.target_to_bits(chain.bits_to_target(int(bits))) == bits


@given(st.floats(1.0, 1e18))
def test_difficulty_target_round_trip(difficulty):
    assert chain.difficulty_from_target(chain.target_from_difficulty(difficulty)) == pytest.approx(difficulty, rel=1e-12)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_target_from_nonsense_difficulty_is_refused(bad):
    with pytest.raises(ValueError):
        chain.target_from_difficulty(bad)


# --- retarget ----------------------------------------------------------------

def test_on_schedule_epoch_keeps_the_target():
    bits = 0x17028C61
    assert chain.next_bits(bits, 0, chain.TARGET_TIMESPAN_S) == bits


def test_timespan_is_clamped_to_a_factor_of_four():
    bits = 0x1B0404CB
    target = chain.bits_to_target(bits)
    quick = chain.bits_to_target(chain.next_bits(bits, 0, 1))
    slow = chain.bits_to_target(chain.next_bits(bits, 0, 100 * chain.TARGET_TIMESPAN_S))
    assert quick == chain.bits_to_target(chain.target_to_bits(target // 4))
    assert slow == chain.bits_to_target(chain.target_to_bits(target * 4))


def test_target_never_exceeds_the_proof_of_work_limit():
    assert chain.next_bits(0x1D00FFFF, 0, 4 * chain.TARGET_TIMESPAN_S) == 0x1D00FFFF


@given(st.integers(0x03000001, 0x1D00FFFF), st.integers(-10**7, 10**7))
def test_retarget_is_bounded_and_monotone(bits, timespan):
    try:
        target = chain.bits_to_target(bits)
    except ValueError:
        return
    if target == 0:
        return
    new = chain.bits_to_target(chain.next_bits(bits, 0, timespan))
    assert new <= chain.POW_LIMIT and new <= target * 4
    later = chain.bits_to_target(chain.next_bits(bits, 0, timespan + 600))
    assert later >= new


# Bitcoin Core, src/test/pow_tests.cpp: real mainnet epochs with the last block's time,
# so these check the 2015-interval timespan, the clamps and the proof-of-work limit.
@pytest.mark.parametrize(
    "first_time, last_time, bits, expected",
    [
        (1261130161, 1262152739, 0x1D00FFFF, 0x1D00D86A),  # height 32,255: first rise
        (1231006505, 1233061996, 0x1D00FFFF, 0x1D00FFFF),  # height 2,015: capped at the limit
        (1279008237, 1279297671, 0x1C05A3F4, 0x1C0168FD),  # height 68,543: clamped at T/4
        (1263163443, 1269211443, 0x1C387F6F, 0x1D00E1FD),  # height 46,367: clamped at 4T
    ],
)
def test_core_retarget_vectors(first_time, last_time, bits, expected):
    assert chain.next_bits(bits, first_time, last_time) == expected


def test_first_rise_is_in_the_bundled_headers(headers):
    """Height 32,256 (2009-12-30): the bundled headers carry the bits Core computes."""
    assert headers.bits.loc[32_256 // 2016] == chain.next_bits(0x1D00FFFF, 1261130161, 1262152739)


def test_every_bundled_retarget_is_reproduced(headers):
    """Recompute each epoch's bits from the previous bits and the observed epoch span.

    The data give the first block of each epoch, so the observed span runs 2016 block
    intervals, one more than Core measures (to the epoch's last block). The missing
    interval is one block's, median about 600 s: the relative error of the timespan,
    and so of the difficulty, is that interval over 1,209,600 s. We allow a last
    interval of up to 4 hours either way (1.2 %): timestamps may run up to 2 h ahead
    of network time and behind their predecessor, and early blocks were hours apart.
    """
    bits, times = headers.bits.to_numpy(), headers.time_unix.to_numpy()
    errors = []
    for k in range(1, len(headers)):
        computed = chain.next_bits(int(bits[k - 1]), int(times[k - 1]), int(times[k]))
        errors.append(chain.difficulty_from_bits(computed) / chain.difficulty_from_bits(int(bits[k])) - 1)
    errors = np.abs(errors)
    assert errors.max() < 4 * 3600 / chain.TARGET_TIMESPAN_S
    assert np.median(errors) < 0.001  # a typical 600 s interval gives 0.05 %


def test_every_bundled_retarget_has_a_plausible_last_block_time(headers):
    """Exact form of the test above: for every retarget there is a timestamp of the
    epoch's last block, within 4 h of the next epoch's first block, for which the exact
    rule gives the observed bits to the bit."""
    bits, times = headers.bits.to_numpy(), headers.time_unix.to_numpy()
    window = 4 * 3600
    for k in range(1, len(headers)):
        prev, observed = int(bits[k - 1]), chain.bits_to_target(int(bits[k]))
        span = int(times[k] - times[k - 1])

        def target(s, prev=prev):
            return chain.bits_to_target(chain.next_bits(prev, 0, s))

        # smallest timespan whose target reaches the observed one (target grows with timespan)
        lo, hi = max(span - window, 1), span + window
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if target(mid) >= observed else (mid + 1, hi)
        assert target(lo) == observed, f"epoch {k}: no last-block time within {window} s reproduces the bits"


# --- vectorised forms used by the ensemble engine ---------------------------

@given(st.integers(0, 8_000_000), st.integers(0, 500_000))
def test_supply_matches_exact_minting(a, gap):
    assert chain.supply_btc(a + gap) - chain.supply_btc(a) == pytest.approx(chain.minted_sat(a, a + gap) / 1e8, abs=1e-8)


def test_supply_at_known_heights():
    assert chain.supply_btc(210_000) == 10_500_000
    assert chain.supply_btc(7_000_000) == 20_999_999.9769
    assert chain.supply_btc(105_000.5) == pytest.approx(105_000.5 * 50)


@given(st.integers(0x03000001, 0x1D00FFFF), st.integers(0, 6_000_000))
def test_vectorised_retarget_is_exact(bits, timespan):
    if bits & 0x00800000 or not bits & 0x007FFFFF:
        return  # negative or zero target
    assert chain.next_bits_array([bits], [timespan])[0] == chain.next_bits(bits, 0, timespan)


def test_vectorised_retarget_on_every_bundled_epoch(headers):
    bits, times = headers.bits.to_numpy(), headers.time_unix.to_numpy()
    spans = np.diff(times)
    expected = [chain.next_bits(int(b), 0, int(s)) for b, s in zip(bits[:-1], spans)]
    np.testing.assert_array_equal(chain.next_bits_array(bits[:-1], spans), expected)


@pytest.mark.parametrize("count", [1, chain.FEW_EPOCHS, chain.FEW_EPOCHS + 1, 200])
def test_several_epochs_retarget_alike_one_by_one_or_vectorised(headers, count):
    """next_bits_many takes next_bits for a few epochs and next_bits_array for more: the same numbers."""
    bits, spans = headers.bits.to_numpy()[:-1][-count:], np.diff(headers.time_unix.to_numpy())[-count:]
    many = chain.next_bits_many(bits, spans)
    assert many.dtype == np.int64 and many.shape == bits.shape
    np.testing.assert_array_equal(many, [chain.next_bits(int(b), 0, int(s)) for b, s in zip(bits, spans)])
    np.testing.assert_array_equal(many, chain.next_bits_array(bits, spans))
    assert chain.next_bits_many(int(bits[0]), int(spans[0])) == many[0]  # one epoch, as a number


def test_vectorised_difficulty(headers):
    exact = [chain.difficulty_from_bits(int(b)) for b in headers.bits]
    np.testing.assert_allclose(chain.difficulty_from_bits_array(headers.bits.to_numpy()), exact, rtol=1e-12)


@given(st.floats(0, 8e6), st.floats(0, 5e5))
def test_minted_btc_is_the_supply_difference(start, gap):
    # the supply is ~2e7 BTC, known in float64 to ~4e-9 BTC: the difference is as good as that
    assert chain.minted_btc(start, start + gap) == pytest.approx(
        chain.supply_btc(start + gap) - chain.supply_btc(start), rel=1e-12, abs=1e-8)
