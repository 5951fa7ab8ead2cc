"""The market after the bundled record as a scenario states it: drift, volatility, a user's price path.

One relation holds the future price: :meth:`hashjoule.simulation.inputs.Market.price_chunks`
(:meth:`~hashjoule.simulation.inputs.Market.price_paths` puts its chunks together), a
geometric Brownian motion of the log price from the last known price, with the world's drift
and volatility (:func:`hashjoule.simulation.world.baseline_market`: no drift, the volatility of
the last four years). A scenario's ``[market]`` section changes only its numbers: the drift and
the volatility (written as yearly rates, converted here to daily ones), and the known prices,
which a user's path extends past the record. A deterministic run then follows the path, and
after it the median of the random walk; every Monte Carlo draw follows the same path and
draws its own walk after it.
"""

from __future__ import annotations

import io
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from hashjoule.constants import DAYS_PER_YEAR
from hashjoule.errors import InputError
from hashjoule.scenarios.load import read_file_text
from hashjoule.scenarios.schema import Market as MarketSection
from hashjoule.simulation.inputs import ModelInputs

#: Columns of a price path file.
DATE, PRICE = "date", "price_usd"


def daily_drift(drift_per_year: float) -> float:
    """Mean daily change of the log price from a yearly one: mu_d = mu_yr / 365.25. [1/d]"""
    return drift_per_year / DAYS_PER_YEAR


def daily_volatility(volatility_per_year: float) -> float:
    """Daily standard deviation of the log price from a yearly one (independent daily changes):
    sigma_d = sigma_yr / sqrt(365.25). [1/sqrt(d)]"""
    return volatility_per_year / math.sqrt(DAYS_PER_YEAR)


def read_price_path(path, label: str) -> pd.Series:
    """Daily prices of a user's CSV file (columns ``date``, ``price_usd``), by day. [USD/BTC]

    Raises
    ------
    hashjoule.errors.InputError
        Naming the file, the row (the file's line) and column at fault and what was expected.
    """
    text = read_file_text(path, label, "a CSV file of daily prices (columns date, price_usd)")
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise InputError.single(label, "", "a CSV file with a header line date,price_usd", str(error)[:80]) from None
    missing = [c for c in (DATE, PRICE) if c not in table.columns]
    if missing or table.empty:
        found = f"columns {', '.join(map(str, table.columns)) or 'none'}" if missing else "no rows"
        raise InputError.single(label, "header", "columns date and price_usd and at least one row", found)
    days = pd.to_datetime(table[DATE].str.strip(), format="%Y-%m-%d", errors="coerce")
    prices = pd.to_numeric(table[PRICE].str.strip(), errors="coerce")
    for column, bad, expected in ((DATE, days.isna(), "a day written YYYY-MM-DD"),
                                  (PRICE, ~(np.isfinite(prices) & (prices > 0)), "a positive finite price [USD/BTC]")):
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError.single(label, f"line {row + 2}, column {column}", expected, repr(table[column].iloc[row]))
    steps = np.diff(days.to_numpy()).astype("timedelta64[D]").astype(int)
    if (steps != 1).any():
        row = int(np.flatnonzero(steps != 1)[0]) + 1
        raise InputError.single(label, f"line {row + 2}, column {DATE}",
                                f"the day after {days.iloc[row - 1]:%Y-%m-%d} (consecutive days in order)",
                                table[DATE].iloc[row])
    return pd.Series(prices.to_numpy(dtype=float), index=pd.DatetimeIndex(days))


def extended_history(history: np.ndarray, time: np.ndarray, path: pd.Series, label: str) -> np.ndarray:
    """The run's known prices: the record's, then the path's from the day after the record to
    the end of the run (the record keeps its days). (T_known,) [USD/BTC]"""
    if history.size >= time.size:
        return history
    after = pd.Timestamp(time[history.size])
    if not path.index[0] <= after <= path.index[-1]:
        raise InputError.single(label, DATE, f"consecutive days that include {after:%Y-%m-%d}, the day after the "
                                "bundled record", f"{path.index[0]:%Y-%m-%d} to {path.index[-1]:%Y-%m-%d}")
    added = path.loc[after:pd.Timestamp(time[-1])].to_numpy()
    return np.concatenate([history, added])


def with_market(inputs: ModelInputs, section: MarketSection, label: str = "scenario") -> ModelInputs:
    """The world's market with a scenario's ``[market]`` section applied (the world itself if
    the section changes nothing)."""
    if section.drift_per_year is None and section.volatility_per_year is None and section.price_path is None:
        return inputs
    market = inputs.market
    history = market.price_history_usd
    if section.price_path is not None:
        path = read_price_path(Path(section.price_path), f"{label}: market.price_path {section.price_path}")
        history = extended_history(history, inputs.time, path, f"{label}: market.price_path {section.price_path}")
    drift = market.drift_per_day if section.drift_per_year is None else daily_drift(section.drift_per_year)
    volatility = (market.volatility_per_sqrt_day if section.volatility_per_year is None
                  else daily_volatility(section.volatility_per_year))
    return inputs.with_changes(market=replace(market, price_history_usd=history, drift_per_day=drift,
                                              volatility_per_sqrt_day=volatility))
