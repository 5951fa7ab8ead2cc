"""Observed history as model inputs: daily revenue, hashrate and issuance; epoch hashrate.

Combines the bundled chain, price and fee data with the consensus rules of
:mod:`hashjoule.network.chain`: the subsidy minted each day is computed exactly from
block heights rather than taken from a third-party aggregate.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.data import chain_daily, epoch_headers, fees_daily
from hashjoule.data.loaders import labelled
from hashjoule.errors import InputError
from hashjoule.network import chain

#: Day block 1 was mined (UTC); the genesis block is the only earlier one.
FIRST_BLOCK_DAY = "2009-01-09"


def _heights_at_day_end(block_count: np.ndarray) -> np.ndarray:
    """Height of the first block after each day, from daily block counts.

    The daily series starts on 2009-01-09, the day block 1 was mined; the genesis
    block (height 0, 2009-01-03) is the only earlier one, hence the ``+ 1``.
    """
    return np.cumsum(block_count.astype(np.int64)) + 1


def daily_inputs(directory=None) -> xr.Dataset:
    """Observed daily inputs of the historical estimators, 2010-07-18 to 2023-02-25.

    Days before the first price (2010-07-18) are dropped. Fees are observed from
    2016-01-01 to 2022-09-01; on other days they are taken as zero and
    ``fees_observed`` is False (fees were under 1 % of miners' revenue in 2014-2015 and
    about 1-3 % in late 2022, so revenue is understated by that much there).

    Parameters
    ----------
    directory : path-like, optional
        Read the data files from this folder instead of the package's.

    Returns
    -------
    inputs : xarray.Dataset
        Over ``time`` (UTC days): ``hashrate`` [TH/s], ``price`` [USD/BTC],
        ``blocks`` [1/day], ``height_end`` [1] (first height after the day),
        ``subsidy`` [BTC/day], ``fees`` [BTC/day], ``fees_observed`` [bool],
        ``revenue`` [USD/day] = (subsidy + fees) x price, and ``transactions``
        [1/day], approximated as fees in USD / mean fee per transaction (NaN where
        fees are not observed).
    """
    observed = chain_daily(directory)
    first = str(observed.time.values[0])[:10]
    if first != FIRST_BLOCK_DAY:  # heights are counted from block 1, mined that day
        raise InputError.single("btc_daily_coinmetrics.csv", "line 2, column 'date'",
                                f"the series to start on {FIRST_BLOCK_DAY}, the day of block 1", first)
    heights = _heights_at_day_end(observed.block_count.to_numpy())
    starts = heights - observed.block_count.to_numpy().astype(np.int64)
    subsidy = np.array([chain.minted_sat(int(a), int(b)) for a, b in zip(starts, heights)]) / chain.SAT_PER_BTC

    fees_btc = fees_daily(directory).fees.reindex(time=observed.time)
    fees_observed = fees_btc.notnull().to_numpy()
    fees = np.where(fees_observed, fees_btc.to_numpy(), 0.0)
    price = observed.price.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        fee_mean = observed.fee_mean.to_numpy()
        transactions = np.where(fees_observed & (fee_mean > 0), fees * price / fee_mean, np.nan)

    def var(values, units, long_name):
        return labelled("time", values, units, long_name)

    ds = xr.Dataset(
        {
            "hashrate": var(observed.hashrate, "TH/s", "network hashrate (Coin Metrics, implied by blocks and difficulty)"),
            "price": var(price, "USD/BTC", "bitcoin price (Coin Metrics reference rate)"),
            "blocks": var(observed.block_count, "1/day", "blocks mined"),
            "height_end": var(heights, "1", "height of the first block after the day"),
            "subsidy": var(subsidy, "BTC/day", "block subsidy minted (exact, from heights)"),
            "fees": var(fees, "BTC/day", "transaction fees paid to miners (Glassnode; 0 where not observed)"),
            "fees_observed": ("time", fees_observed, {"long_name": "fees observed on the day"}),
            "revenue": var((subsidy + fees) * price, "USD/day", "miners' revenue, (subsidy + fees) x price"),
            "transactions": var(transactions, "1/day", "transactions, approximated as fees [USD] / mean fee [USD]"),
        },
        coords={"time": observed.time},
    )
    return ds.sel(time=ds.time[np.isfinite(price)])


def epoch_hashrate(directory=None) -> xr.Dataset:
    """Network hashrate per difficulty epoch, derived from the epoch-start headers only.

    H_k = difficulty_k x 2**32 x 2016 / (t_{k+1} - t_k): the work of the epoch's 2016
    blocks over the time between the first blocks of epochs k and k+1. Needs no
    third-party aggregate. The last header has no successor and gets no value.

    Returns
    -------
    epochs : xarray.Dataset
        Over ``epoch``: ``start`` and ``end`` (UTC), ``duration`` [s],
        ``difficulty`` [1] (exact, from the compact bits) and ``hashrate`` [EH/s].
    """
    headers = epoch_headers(directory)
    difficulty = np.array([chain.difficulty_from_bits(int(b)) for b in headers.bits])
    times = headers.time_unix.to_numpy()
    duration = np.diff(times).astype(float)
    if np.any(duration <= 0):
        raise ValueError("epoch start times must increase")
    work = chain.expected_hashes(difficulty[:-1]) * chain.RETARGET_INTERVAL
    epoch = headers.index.to_numpy()[:-1]
    return xr.Dataset(
        {
            "start": ("epoch", headers.time.to_numpy()[:-1], {"long_name": "time of the epoch's first block (UTC)"}),
            "end": ("epoch", headers.time.to_numpy()[1:], {"long_name": "time of the next epoch's first block (UTC)"}),
            "duration": ("epoch", duration, {"units": "s", "long_name": "epoch duration (2016 block intervals)"}),
            "difficulty": ("epoch", difficulty[:-1], {"units": "1", "long_name": "difficulty"}),
            "hashrate": ("epoch", work / duration / 1e18, {"units": "EH/s", "long_name": "mean network hashrate over the epoch"}),
        },
        coords={"epoch": epoch},
        attrs={"source": "bitcoinj checkpoints (Apache-2.0), btc_epoch_start_headers.csv"},
    )
