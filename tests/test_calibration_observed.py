"""Observed calibration targets: units, and nothing after the cut-off."""

import numpy as np
import pandas as pd
import pytest

from hashjoule.calibration import observed
from hashjoule.errors import InputError
from hashjoule.network.history import epoch_hashrate

UNTIL = "2020-03-15"


@pytest.mark.parametrize("function, units", [
    (observed.daily_hashrate, "TH/s"),
    (observed.difficulty, "1"),
    (observed.miners_revenue, "USD/day"),
    (observed.cambridge_consumption, "TWh/yr"),
])
def test_daily_series_stop_at_the_cutoff(function, units):
    series = function(UNTIL)
    assert series.attrs["units"] == units
    assert pd.Timestamp(series.time.values[-1]) == pd.Timestamp(UNTIL)
    assert np.isfinite(series).all()


def test_epochs_end_by_the_cutoff():
    epochs = observed.epoch_hashrate_ehs(UNTIL)
    assert epochs.attrs["units"] == "EH/s"
    later = observed.epoch_hashrate_ehs("2020-06-30")
    assert later.epoch.size > epochs.epoch.size
    # every epoch kept ended by the cut-off, and the next one did not
    ends = epoch_hashrate().end
    assert pd.Timestamp(ends.sel(epoch=epochs.epoch[-1]).values) <= pd.Timestamp(UNTIL) + pd.Timedelta(days=1)
    assert pd.Timestamp(ends.sel(epoch=epochs.epoch[-1] + 1).values) > pd.Timestamp(UNTIL) + pd.Timedelta(days=1)
    # 2019 epochs averaged 40-100 EH/s (Coin Metrics' daily series agrees within a few %)
    assert 40 < float(epochs.sel(epoch=epochs.epoch[-1])) < 130


def test_the_trailing_mean_sees_no_later_day():
    """Smoothing is applied after the cut: the last value averages the last seven days kept."""
    cut = observed.daily_hashrate(UNTIL, smoothing_days=7)
    raw = observed.daily_inputs().hashrate.sel(time=slice("2020-03-09", UNTIL))
    assert float(cut[-1]) == pytest.approx(float(raw.mean()))


def test_mining_map_months_and_averages():
    shares = observed.country_shares("2020-03-15")
    assert shares.attrs["units"] == "%"
    assert str(shares.time.values[-1])[:7] == "2020-02"  # March had not ended
    assert float(shares.sel(time="2019-09-01", country="Mainland China")) == pytest.approx(75.53)
    assert observed.province_averages("2020-04-29").size == 0  # the averaging window had not closed
    averages = observed.province_averages("2020-04-30")
    assert float(averages.sel(province="Xinjiang")) == pytest.approx(35.76)


@pytest.mark.parametrize("until, message", [
    ("2030-01-01", "--until: expected a day from 2010-07-18 to 2023-02-25"),
    ("2009-01-01", "--until: expected a day from"),
    ("31/12/2020", "--until: expected a date YYYY-MM-DD"),
])
def test_a_cutoff_outside_the_data_is_refused(until, message):
    with pytest.raises(InputError, match=message):
        observed.daily_hashrate(until)


def test_cambridge_prices_are_checked():
    with pytest.raises(InputError, match="0.01 to 0.19 USD/kWh"):
        observed.cambridge_consumption(UNTIL, price_usd_per_kwh=0.055)
