"""Observed daily inputs and the epoch hashrate derived from headers."""

import numpy as np
import pandas as pd
import pytest

from hashjoule.data import chain_daily, fees_daily
from hashjoule.network.history import epoch_hashrate


def test_daily_heights_agree_with_epoch_headers(inputs, headers):
    """Heights rebuilt from daily block counts put each epoch's first block on its own day.

    Block timestamps are not monotone, and a day's blocks may be counted by another
    clock than the header's: blocks stamped just after midnight can sit in the previous
    day's count. So a few headers land a few blocks off; none by more than 6.
    """
    in_range = headers[(headers.time >= inputs.time.values[0]) & (headers.time < inputs.time.values[-1])]
    days = in_range.time.dt.floor("D").to_numpy()
    end = inputs.height_end.sel(time=days).to_numpy()
    start = end - inputs.blocks.sel(time=days).to_numpy()
    height = in_range.height.to_numpy()
    off = np.where(height < start, height - start, np.where(height >= end, height - end + 1, 0))
    assert len(in_range) > 350
    assert np.abs(off).max() <= 6
    assert np.mean(off == 0) > 0.95


def test_exact_subsidy_agrees_with_glassnode_issuance(inputs):
    """Our subsidy comes from heights and the halving rule; Glassnode's is its own count.
    Day boundaries may differ by a block or two (0.1-0.2 % of ~150 blocks)."""
    issuance = fees_daily().issuance.dropna("time")
    ratio = (inputs.subsidy.sel(time=issuance.time) / issuance).to_numpy()
    assert np.median(ratio) == pytest.approx(1.0, abs=1e-3)
    assert np.quantile(np.abs(ratio - 1), 0.99) < 0.01


def test_subsidy_halves_on_the_halving_day(inputs):
    day = inputs.sel(time="2020-05-11")
    blocks = float(day.blocks)
    assert 6.25 * blocks < float(day.subsidy) < 12.5 * blocks
    assert float(inputs.subsidy.sel(time="2020-05-12")) == 6.25 * float(inputs.blocks.sel(time="2020-05-12"))


def test_revenue_and_units(inputs):
    assert inputs.revenue.attrs["units"] == "USD/day"
    np.testing.assert_allclose(inputs.revenue, (inputs.subsidy + inputs.fees) * inputs.price)
    assert not inputs.fees_observed.sel(time="2015-12-31") and inputs.fees_observed.sel(time="2016-01-01")
    assert np.isnan(inputs.transactions.sel(time="2015-06-01"))
    assert float(inputs.price.isnull().sum()) == 0


def test_transactions_approximation_is_of_the_right_size(inputs):
    # About 90-100 million on-chain transactions were made in 2021 (public explorers);
    # the fee-based approximation is checked to that order, not more.
    total = float(inputs.transactions.sel(time=slice("2021-01-01", "2021-12-31")).sum())
    assert 8e7 < total < 1.1e8


def test_epoch_hashrate_from_headers():
    epochs = epoch_hashrate()
    assert epochs.hashrate.attrs["units"] == "EH/s"
    assert epochs.epoch.size == 436
    assert (epochs.hashrate > 0).all() and (epochs.duration > 0).all()
    # Against Coin Metrics' daily implied hashrate averaged over the same days: both are
    # work / time, measured on different windows, so they agree in the median.
    chain = chain_daily()
    modern = epochs.sel(epoch=epochs.start >= np.datetime64("2016-01-01"))
    ratios = []
    for e in modern.epoch.values:
        window = chain.hashrate.sel(time=slice(modern.start.sel(epoch=e).values, modern.end.sel(epoch=e).values))
        if window.size:
            ratios.append(float(modern.hashrate.sel(epoch=e)) / (float(window.mean()) / 1e6))
    assert np.median(ratios) == pytest.approx(1.0, abs=0.02)


def test_epoch_2021_collapse_is_visible():
    epochs = epoch_hashrate().to_dataframe().set_index("start").hashrate
    may = epochs["2021-05-01":"2021-05-31"].max()
    july = epochs["2021-06-25":"2021-07-31"].min()
    assert july < 0.65 * may  # the crackdown removed roughly half of the hashrate
    assert isinstance(epochs.index, pd.DatetimeIndex)


def test_a_daily_series_not_starting_with_block_1_is_refused(data_copy):
    from hashjoule.errors import InputError
    from hashjoule.network.history import daily_inputs

    folder = data_copy("btc_daily_coinmetrics", "btc_daily_fees_glassnode")
    path = folder / "btc_daily_coinmetrics.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *lines[10:]]) + "\n")
    with pytest.raises(InputError, match="start on 2009-01-09"):
        daily_inputs(folder)
