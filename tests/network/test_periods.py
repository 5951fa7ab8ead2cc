"""Dates and periods given by users: parsed strictly, checked against the data, selected
with both ends included."""

import datetime

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hashjoule.errors import InputError
from hashjoule.network.periods import parse_day, select_period


@pytest.fixture(scope="module")
def daily():
    time = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    return xr.Dataset({"x": ("time", np.arange(time.size, dtype=float))}, coords={"time": time})


@pytest.mark.parametrize("value", ["2021-05-19", " 2021-05-19 ", datetime.date(2021, 5, 19),
                                   pd.Timestamp("2021-05-19 13:45"), np.datetime64("2021-05-19")])
def test_a_day_from_text_date_or_timestamp_is_midnight(value):
    assert parse_day(value, "start") == pd.Timestamp("2021-05-19")


@pytest.mark.parametrize("value", ["2021", "20210519", "2021-02-30", "2021-05-19 12:00", "", "yesterday", None, 3.5,
                                   20210519, True, np.int64(5)])
def test_anything_but_a_calendar_day_is_refused_by_name(value):
    with pytest.raises(InputError) as caught:
        parse_day(value, "--date")
    assert str(caught.value) == f"--date: expected a day written YYYY-MM-DD, found {value!r}"


def test_the_period_includes_both_ends(daily):
    part = select_period(daily, "2021-03-01", "2021-03-31")
    assert part.time.size == 31
    assert part.time.values[0] == np.datetime64("2021-03-01") and part.time.values[-1] == np.datetime64("2021-03-31")


def test_without_ends_the_period_is_the_whole_data(daily):
    assert select_period(daily).time.size == 365
    assert select_period(daily, end="2021-01-10").time.size == 10


@pytest.mark.parametrize("start, end, message", [
    ("2020-12-31", None, "start: expected a day from 2021-01-01 to 2021-12-31 (the bundled data), found 2020-12-31"),
    (None, "2022-01-01", "end: expected a day from 2021-01-01 to 2021-12-31 (the bundled data), found 2022-01-01"),
    ("2021-06-02", "2021-06-01", "end: expected a day on or after start (2021-06-02), found 2021-06-01"),
])
def test_a_period_outside_the_data_or_backwards_is_refused(daily, start, end, message):
    with pytest.raises(InputError) as caught:
        select_period(daily, start, end)
    assert str(caught.value) == message
