"""Out-of-sample check: parameters fitted up to a cut-off, a scenario run forward, scored after it.

The fleet parameters come from data up to the cut-off only (:func:`hashjoule.calibration.fit.targets`).
The scenario (by default ``china-2021``, the reported 2021 crackdown) is then run from the
fit's first day to the end of the check window, once per posterior particle (each with its
own random epoch work) and once deterministically with the least-squares parameters, and
its hashrate after the cut-off is compared with the observed one. Prices and fees after
the cut-off are the observed ones: this is a forecast of the fleet given the market, not
of the market.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.calibration import observed as obs
from hashjoule.calibration.fit import FIT_START, Posterior, score
from hashjoule.errors import InputError
from hashjoule.simulation.engine_ensemble import run_batch
from hashjoule.network.history import daily_inputs
from hashjoule.simulation.inputs import FleetParameters, ModelInputs

#: Scenario run forward.
SCENARIO = "china-2021"
#: Last day of the check window when the cut-off comes before it: the end of the 2021
#: collapse and recovery.
CHECK_END = "2021-12-31"
#: Length of the check window when the cut-off is on or after :data:`CHECK_END`. [d]
CHECK_DAYS = 245
#: Quantiles of the draws whose band is checked for coverage. [1]
BAND = (0.05, 0.95)


@dataclass(frozen=True)
class HoldoutScore:
    """Scores of the forecast against the observed daily hashrate (7-day mean) after the cut-off.

    Attributes
    ----------
    start, end : str
        Check window.
    mdape : float
        Median absolute percentage error of the draws' median path. [1]
    rmse_log : float
        RMSE of the log of the draws' median path. [1]
    coverage : float
        Share of the days whose observed hashrate lies in the 5-95 % band of the draws. [1]
    mdape_point : float
        MdAPE of the deterministic run with the least-squares parameters. [1]
    mdape_relative : float
        MdAPE of the median path and the observed one each divided by its value on the
        cut-off day: the shape of the path, without the level error it starts from. [1]
    draws : int
        Posterior particles run forward.
    """

    start: str
    end: str
    mdape: float
    rmse_log: float
    coverage: float
    mdape_point: float
    mdape_relative: float
    draws: int


def check_window(until) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the check after the cut-off ``until``: to :data:`CHECK_END` for a
    cut-off before it, else :data:`CHECK_DAYS` after the cut-off; never beyond the data.

    Raises
    ------
    hashjoule.errors.InputError
        When the data leave fewer than 30 days after the cut-off.
    """
    day = obs.cutoff(until)
    last_data = pd.Timestamp(daily_inputs().time.values[-1])
    end = pd.Timestamp(CHECK_END) if day < pd.Timestamp(CHECK_END) else day + pd.Timedelta(days=CHECK_DAYS)
    end = min(end, last_data)
    if (end - day).days < 30:
        raise InputError.single("--until", "", f"a day at least 30 days before the end of the data ({last_data:%Y-%m-%d}) "
                                "to leave a period for the out-of-sample check", f"{day:%Y-%m-%d}")
    return day + pd.Timedelta(days=1), end


def scenario_inputs(name: str, end, start: str = FIT_START) -> ModelInputs:
    """A scenario's inputs over ``start`` to ``end`` (its own period replaced)."""
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve

    scenario, _ = load_scenario(name)
    run = scenario.run.model_copy(update={"start": pd.Timestamp(start).date(), "end": pd.Timestamp(end).date()})
    return resolve(scenario.model_copy(update={"run": run}), name)


def forecast(inputs: ModelInputs, posterior: Posterior, point: FleetParameters) -> xr.Dataset:
    """Hashrate paths of the posterior particles and of the point estimate.

    Returns
    -------
    xarray.Dataset
        ``draws`` (draw x time) and ``point`` (time), network hashrate. [EH/s]
    """
    n = len(posterior.distances)
    paths = np.empty((n, inputs.days))
    for i in range(n):
        # each particle on the streams its prior draw ran on in the fit
        ds = run_batch(inputs.with_changes(fleet=posterior.parameters(i)), [posterior.proposal[i]], seed=posterior.seed)
        paths[i] = ds.hashrate.sum("region").isel(draw=0).to_numpy()
    point_path = run_batch(inputs.with_changes(fleet=point), [0], seed=None).hashrate.sum("region").isel(draw=0)
    attrs = {"units": "EH/s"}
    return xr.Dataset({"draws": (("draw", "time"), paths, {**attrs, "long_name": "hashrate, posterior draws"}),
                       "point": ("time", point_path.to_numpy(), {**attrs, "long_name": "hashrate, least-squares fit"})},
                      coords={"time": inputs.time.astype("datetime64[ns]"), "draw": np.arange(n)})


def score_forecast(paths: xr.Dataset, observed_ehs: xr.DataArray, start, end) -> HoldoutScore:
    """Score the paths of :func:`forecast` against the observed hashrate over ``start`` to ``end``
    (both series must also hold the cut-off day, the day before ``start``)."""
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    cut = pd.Timestamp(start) - pd.Timedelta(days=1)
    draws, point = paths.draws.sel(time=window), paths.point.sel(time=window)
    seen = observed_ehs.sel(time=window).to_numpy()
    median = draws.median("draw").to_numpy()
    low, high = draws.quantile(list(BAND), "draw").to_numpy()
    mdape, rmse = score(median, seen)
    relative = score(median / float(paths.draws.median("draw").sel(time=cut)), seen / float(observed_ehs.sel(time=cut)))
    return HoldoutScore(f"{pd.Timestamp(start):%Y-%m-%d}", f"{pd.Timestamp(end):%Y-%m-%d}", mdape, rmse,
                        float(np.mean((seen >= low) & (seen <= high))), score(point.to_numpy(), seen)[0],
                        relative[0], int(paths.draw.size))
