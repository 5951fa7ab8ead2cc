"""China's 2021 crackdown as a test of the fleet: the collapse, its trough, the recovery, China's share.

The same measures are taken of the observed hashrate (Coin Metrics, trailing 7-day mean)
and of the median over a scenario's draws of the simulated one, so the two compare like
for like:

- the peak: the highest 7-day mean between :data:`PEAK_WINDOW`'s days (observed: 181 EH/s
  on 2021-05-13);
- the trough: the lowest after the peak up to :data:`TROUGH_END` (observed: 85 EH/s on
  2021-07-02, a drop of 53 %);
- the recovery: the first day after the trough back at the peak (observed: 2021-12-09);
- China's share of the hashrate in the months of :data:`SHARE_MONTHS`, against the
  Cambridge Mining Map (22.3 % in September 2021, 21.1 % in January 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import xarray as xr

from hashjoule.calibration import observed as obs
from hashjoule.calibration.fit import scenario_world
from hashjoule.data import read_table
from hashjoule.scenarios.compare import china_regions
from hashjoule.scenarios.uncertain import ParameterSpace
from hashjoule.simulation.inputs import FleetParameters
from hashjoule.simulation.runner import simulate

#: Days within which the pre-crackdown peak is sought.
PEAK_WINDOW = ("2021-04-01", "2021-06-15")
#: Last day within which the trough is sought.
TROUGH_END = "2021-10-31"
#: Months whose Mining Map share of China is compared with the model's.
SHARE_MONTHS = ("2021-09", "2022-01")
#: Last day a crackdown check needs: the last month of :data:`SHARE_MONTHS`.
CHECK_END = "2022-01-31"


@dataclass(frozen=True)
class Collapse:
    """Peak, trough and recovery of a hashrate series.

    Attributes
    ----------
    peak_day, trough_day : pandas.Timestamp
    peak_ehs, trough_ehs : float
        [EH/s]
    drop : float
        trough / peak - 1. [1]
    recovered_day : pandas.Timestamp or None
        First day after the trough at or above the peak (None: not within the series).
    """

    peak_day: pd.Timestamp
    peak_ehs: float
    trough_day: pd.Timestamp
    trough_ehs: float
    drop: float
    recovered_day: pd.Timestamp | None


def collapse(hashrate_ehs: pd.Series) -> Collapse:
    """Peak, trough and recovery of a daily series indexed by day. [EH/s]"""
    window = hashrate_ehs.loc[PEAK_WINDOW[0]:PEAK_WINDOW[1]]
    peak_day, peak = window.idxmax(), float(window.max())
    after = hashrate_ehs.loc[peak_day:TROUGH_END]
    trough_day, trough = after.idxmin(), float(after.min())
    later = hashrate_ehs.loc[trough_day:]
    back = later.index[later.to_numpy() >= peak]
    return Collapse(peak_day, peak, trough_day, trough, trough / peak - 1, back[0] if back.size else None)


def observed_china_share(months=SHARE_MONTHS) -> dict[str, float]:
    """Mainland China's share of the global hashrate on the Cambridge Mining Map, by month. [1]"""
    table = read_table("cbeci_mining_map_countries_monthly")
    china = table[table.country == "Mainland China"].set_index("month").hashrate_share_pct
    return {m: float(china.loc[pd.Timestamp(m)]) / 100 for m in months}


def model_china_share(hashrate: xr.DataArray, months=SHARE_MONTHS) -> dict[str, float]:
    """China's share of a run's hashrate by month: per draw, the month's mean in China over
    the month's mean in all regions; the median over draws. ``hashrate`` has dims ``time``,
    ``region`` and possibly ``draw``. [1]"""
    out = {}
    for month in months:
        days = hashrate.sel(time=month)
        share = days.sel(region=china_regions()).sum("region").mean("time") / days.sum("region").mean("time")
        out[month] = float(share.median("draw")) if "draw" in share.dims else float(share)
    return out


def observed_collapse() -> Collapse:
    """:func:`collapse` of the observed hashrate (trailing 7-day mean)."""
    return collapse((obs.daily_hashrate(CHECK_END) / 1e6).to_series())


def model_collapse(hashrate: xr.DataArray) -> Collapse:
    """:func:`collapse` of the median over draws of the 7-day trailing mean of the network
    hashrate (dims ``time``, ``region``, ``draw``). [EH/s]"""
    network = hashrate.sum("region").rolling(time=obs.SMOOTHING_DAYS, min_periods=1).mean()
    return collapse(network.median("draw").to_series())


def run(scenario: str = "china-2021", draws: int = 100, seed: int = 0, start: str = "2016-01-01",
        parameters: FleetParameters | None = None) -> xr.DataArray:
    """A scenario's hashrate from ``start`` to :data:`CHECK_END`, every draw sampling the file's
    distributions, with the draws kept; ``parameters`` replace the fleet parameters of the
    scenario's set (a calibration checks its own). (draw, time, region) [EH/s]"""
    world, inputs = scenario_world(scenario, CHECK_END, start)
    if parameters is not None:
        inputs = inputs.with_changes(fleet=parameters)
    ds = simulate(inputs, draws=draws, seed=seed, keep_draws=True, space=ParameterSpace(world, inputs))
    return ds.hashrate


def measures(hashrate: xr.DataArray) -> dict:
    """The model's value of every measure, by name: the drop [1], the trough and recovery
    days, China's share by month [1]."""
    model = model_collapse(hashrate)
    shares = model_china_share(hashrate)
    return {"drop": model.drop, "trough_day": model.trough_day, "recovered_day": model.recovered_day,
            **{f"china_share_{month}": shares[month] for month in SHARE_MONTHS}}


def observed_measures() -> dict:
    """:func:`measures` of the record."""
    seen = observed_collapse()
    return {"drop": seen.drop, "trough_day": seen.trough_day, "recovered_day": seen.recovered_day,
            **{f"china_share_{month}": v for month, v in observed_china_share().items()}}


def compare(model: dict) -> dict:
    """Model against observed for every measure, as a table: rows by measure, with the model's
    value, the observed one and the difference (days for dates, points for shares)."""
    rows = {}
    for name, seen in observed_measures().items():
        value = model[name]
        if isinstance(seen, pd.Timestamp):
            rows[name] = (value, seen, None if value is None else (value - seen).days)
        else:
            rows[name] = (value, seen, 100 * (value - seen))
    return rows


def summary(hashrate: xr.DataArray) -> dict:
    """:func:`compare` of a run's :func:`measures`."""
    return compare(measures(hashrate))


def summary_lines(rows: dict) -> list[str]:
    """:func:`summary` as Markdown table rows, units in the header."""
    def text(value):
        if isinstance(value, pd.Timestamp):
            return f"{value:%Y-%m-%d}"
        return "not within the run" if value is None else f"{value:.1%}"

    units = {"drop": "points", "trough_day": "days", "recovered_day": "days"}
    lines = ["| measure | model (median of draws) | observed | difference |", "|---|---|---|---|"]
    for name, (model, seen, diff) in rows.items():
        unit = units.get(name, "points")
        lines.append(f"| {name} | {text(model)} | {text(seen)} | "
                     f"{'n/a' if diff is None else f'{diff:+.1f} {unit}'} |")
    return lines
