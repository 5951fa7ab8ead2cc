"""Fixed numbers several layers share: their values and how they relate to each other."""

import pytest

from hashjoule import constants
from hashjoule.network import chain


def test_a_day_is_86_400_seconds_and_a_julian_year_365_25_days():
    assert constants.SECONDS_PER_DAY == 24 * 60 * 60
    assert constants.DAYS_PER_YEAR == 365.25


def test_the_article_claim_is_134_twh_a_year():
    # "134 billion kWh a year" = 134e9 kWh / 1e9 kWh per TWh
    assert constants.ARTICLE_TWH_PER_YEAR == pytest.approx(134e9 / 1e9)


def test_the_band_is_the_central_90_percent():
    low, high = constants.BAND
    assert (low, high) == (0.05, 0.95) and low + high == pytest.approx(1.0)


def test_a_day_holds_144_blocks_at_the_target_spacing():
    assert constants.SECONDS_PER_DAY / chain.TARGET_SPACING_S == 144
