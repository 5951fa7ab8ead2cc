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
from hashjoule.calibration.fit import batch_hashrate_ths, scenario_world, score
from hashjoule.calibration.posterior import Posterior, discrepancy_factors
from hashjoule.constants import BAND
from hashjoule.errors import InputError
from hashjoule.scenarios.uncertain import ParameterSpace
from hashjoule.simulation.engine_ensemble import run_batch
from hashjoule.network.history import daily_inputs
from hashjoule.simulation.inputs import Anchor, FleetParameters, ModelInputs

#: Scenario run forward.
SCENARIO = "china-2021"
#: Last day of the check window when the cut-off comes before it: the end of the 2021
#: collapse and recovery.
CHECK_END = "2021-12-31"


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
        Share of the days whose observed hashrate lies in the 5-95 % band of the predictive
        draws: parameters, scenario values, block luck and the model's own error. [1]
    coverage_parameters : float
        The same for the band without the model's error (parameters, scenario values and
        block luck only). [1]
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
    coverage_parameters: float = float("nan")


def check_window(until) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the check after the cut-off ``until``: to :data:`CHECK_END` for a
    cut-off before it, else to the end of the data (2023-02-25: the second hold-out, 2022
    and early 2023, after a cut-off on 2021-12-31).

    Raises
    ------
    hashjoule.errors.InputError
        When the data leave fewer than 30 days after the cut-off.
    """
    day = obs.cutoff(until)
    last_data = pd.Timestamp(daily_inputs().time.values[-1])
    end = pd.Timestamp(CHECK_END) if day < pd.Timestamp(CHECK_END) else last_data
    if (end - day).days < 30:
        raise InputError.single("until", "", f"a day at least 30 days before the end of the data ({last_data:%Y-%m-%d}) "
                                "to leave a period for the out-of-sample check", f"{day:%Y-%m-%d}")
    return day + pd.Timedelta(days=1), end


def anchor_at(inputs: ModelInputs, day) -> Anchor:
    """The observed hashrate on ``day`` (7-day mean, nothing later read) as the state a
    forecast from that day starts from (see :class:`~hashjoule.simulation.inputs.Anchor`)."""
    day = obs.cutoff(day)
    index = int((np.datetime64(day.date(), "D") - inputs.time[0]).astype(int))
    return Anchor(index, float(obs.daily_hashrate(day).sel(time=day)))


def forecast(inputs: ModelInputs, posterior: Posterior, point: FleetParameters, space=None) -> xr.Dataset:
    """Hashrate paths of the posterior particles and of the point estimate.

    Each particle runs on its own streams; with ``space`` (the
    scenario's :class:`~hashjoule.scenarios.uncertain.ParameterSpace`), it also takes the
    scenario's uncertain values (compliance, relocation, hidden mining, ...) of that draw,
    so that the band holds what the scenario does not know as well as what the fit does not.

    After the anchor's day (the forecast's start, ``inputs.anchor``), each draw is also
    multiplied by a path of the model's own error (:func:`~hashjoule.calibration.posterior.discrepancy_factors`,
    from the posterior's ``discrepancy_rho`` and ``discrepancy_sigma``; none if it has none).

    Returns
    -------
    xarray.Dataset
        ``draws`` (draw x time), network hashrate as the observed one is made (blocks found
        x difficulty, 7-day mean: :func:`~hashjoule.calibration.fit.implied_hashrate_ths`);
        ``predictive`` (draw x time), the same times the model's error; and ``point``
        (time), the hashrate switched on in the deterministic run. [EH/s]
    """
    n = len(posterior.distances)
    base = None if space is None else space.values(space.unit_sample(posterior.seed, posterior.proposal))
    paths = batch_hashrate_ths(inputs, posterior.samples, draws=posterior.proposal, seed=posterior.seed, base=base,
                               as_observed=True) / 1e6
    predictive = paths.copy()
    start = 0 if inputs.anchor is None else inputs.anchor.day
    predictive[:, start:] *= discrepancy_factors(posterior.method.get("discrepancy_rho", 0.0),
                                                 posterior.method.get("discrepancy_sigma", 0.0),
                                                 posterior.proposal, paths.shape[1] - start, posterior.seed)
    point_path = run_batch(inputs.with_changes(fleet=point), [0], seed=None).hashrate.sum("region").isel(draw=0)
    attrs = {"units": "EH/s"}
    return xr.Dataset({"draws": (("draw", "time"), paths, {**attrs, "long_name": "hashrate, posterior draws"}),
                       "predictive": (("draw", "time"), predictive,
                                      {**attrs, "long_name": "hashrate, posterior draws with the model's error"}),
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
    mdape, rmse = score(median, seen)
    relative = score(median / float(paths.draws.median("draw").sel(time=cut)), seen / float(observed_ehs.sel(time=cut)))

    def coverage(band: xr.DataArray) -> float:
        low, high = band.sel(time=window).quantile(list(BAND), "draw").to_numpy()
        return float(np.mean((seen >= low) & (seen <= high)))

    predictive = paths.predictive if "predictive" in paths else paths.draws
    return HoldoutScore(f"{pd.Timestamp(start):%Y-%m-%d}", f"{pd.Timestamp(end):%Y-%m-%d}", mdape, rmse,
                        coverage(predictive), score(point.to_numpy(), seen)[0], relative[0], int(paths.draw.size),
                        coverage(paths.draws))


def check(scenario: str, start, until, sample: Posterior, point: FleetParameters) -> tuple[xr.Dataset, HoldoutScore]:
    """Run ``scenario`` from ``start`` with the particles and the point estimate, from the
    hashrate observed on the cut-off day ``until``, every particle sampling the scenario's
    own uncertain values too, and score it over :func:`check_window`.

    Returns
    -------
    paths : xarray.Dataset
        :func:`forecast`'s, with ``observed`` (the observed hashrate, 7-day mean [EH/s]).
    score : HoldoutScore
    """
    check_start, check_end = check_window(until)
    world, inputs = scenario_world(scenario, check_end, start)
    inputs = inputs.with_changes(anchor=anchor_at(inputs, until))
    paths = forecast(inputs, sample, point, ParameterSpace(world, inputs))
    observed_ehs = obs.daily_hashrate(check_end).sel(time=slice(start, check_end)) / 1e6
    paths = paths.assign(observed=("time", observed_ehs.to_numpy(), {"units": "EH/s", "long_name": "observed hashrate, "
                                   "trailing 7-day mean (Coin Metrics)"}))
    return paths, score_forecast(paths, observed_ehs, check_start, check_end)


def replay(table: dict) -> HoldoutScore:
    """A parameter set's recorded out-of-sample check, run again from its particles."""
    sample = Posterior.from_table(table["posterior"])
    point = FleetParameters(**{k: int(v) if k == "deployment_lag_days" else float(v)
                               for k, v in table["parameters"].items()})
    return check(table["holdout"]["scenario"], table["fit"]["window_start"], table["fit"]["window_end"],
                 sample, point)[1]
