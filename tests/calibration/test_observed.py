"""Observed calibration targets: units, and nothing after the cut-off."""

import numpy as np
import pandas as pd
import pytest

from hashjoule.calibration import observed
from hashjoule.errors import InputError

UNTIL = "2020-03-15"


def test_the_daily_hashrate_stops_at_the_cutoff():
    series = observed.daily_hashrate(UNTIL)
    assert series.attrs["units"] == "TH/s"
    assert pd.Timestamp(series.time.values[-1]) == pd.Timestamp(UNTIL)
    assert np.isfinite(series).all()


def test_the_trailing_mean_sees_no_later_day():
    """Smoothing is applied after the cut: the last value averages the last seven days kept."""
    cut = observed.daily_hashrate(UNTIL, smoothing_days=7)
    raw = observed.daily_inputs().hashrate.sel(time=slice("2020-03-09", UNTIL))
    assert float(cut[-1]) == pytest.approx(float(raw.mean()))


@pytest.mark.parametrize("until, message", [
    ("2030-01-01", "until: expected a day from 2010-07-18 to 2023-02-25"),
    ("2009-01-01", "until: expected a day from"),
    ("31/12/2020", "until: expected a date YYYY-MM-DD"),
])
def test_a_cutoff_outside_the_data_is_refused(until, message):
    with pytest.raises(InputError, match=message):
        observed.daily_hashrate(until)
