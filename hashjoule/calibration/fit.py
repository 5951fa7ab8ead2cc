"""Fit the fleet parameters to the observed network hashrate.

Two fits share one target, the log of the observed daily hashrate (Coin Metrics, trailing
7-day mean) up to a cut-off day, and one engine, the ensemble engine in the world of a
scenario (by default ``china-2021``, the policies as reported) built from what was known
by the cut-off and ending on it:

* :func:`least_squares` - the deterministic run (observed prices, mean epoch work);
  growth rate, retirement time and the manufacturers' shipment capacity (its level and
  yearly growth) by trust-region least squares on the log residuals
  (``scipy.optimize.least_squares``, the finite-difference Jacobian run as one batch), the
  deployment lag from a grid (it is a whole number of days, on which the run does not
  depend smoothly);
* :mod:`hashjoule.calibration.posterior` - the estimate's uncertainty, widened for the
  residuals' autocorrelation, as particles that each run as one random ensemble draw.

The cut-off is enforced here: :func:`targets` builds the observed series with
:mod:`hashjoule.calibration.observed` (which drops every later day) and a world that
ends on the cut-off day.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.optimize
import xarray as xr

from hashjoule.calibration import observed as obs
from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.errors import InputError
from hashjoule.network.chain import HASHES_PER_DIFFICULTY, difficulty_from_bits
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.engine_ensemble import run_batch
from hashjoule.simulation.economics import SUPPLY_REFERENCE_DAY
from hashjoule.simulation.inputs import FleetParameters, ModelInputs
from hashjoule.network.periods import parse_day
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.simulation.world import WET_MONTHS

#: First day of the fit: the first full year of the Cambridge hardware list's ASIC era.
FIT_START = "2016-01-01"
#: Default cut-off: the last month before China's 2021 crackdown, which a world without
#: mining policy cannot reproduce.
FIT_END = "2021-04-30"
#: Deployment lags tried by the least-squares fit and the prior of the posterior. [d]
LAGS_DAYS = (30, 60, 90, 120, 180)
#: Shortest fit window: one year, so that a halving or a boom-bust cycle can be seen. [d]
MIN_WINDOW_DAYS = 365
#: Scenario whose world the fits run in, up to the cut-off.
SCENARIO = "china-2021"
#: Fitted by least squares, in this order (the lag comes from a grid).
FITTED = ("growth_per_day", "unprofitable_retirement_days", "supply_ths_per_day", "supply_growth_per_year")
#: Starting point of the least-squares fit: growth [1/d], retirement time [d], shipment
#: capacity's yearly growth [1/yr]; the capacity itself starts from the data
#: (:func:`start_point`).
START_POINT = (0.006, 30.0, 0.2)
#: Bounds of the least-squares fit, same order. The capacity's growth is searched linearly,
#: the others in log space. Its lower bound is 0: chip makers' output does not shrink from
#: year to year (each process node packs more TH/s per wafer); the fit up to 2021-04, where
#: the limit binds only in 2020-2021, would otherwise take a shrinking capacity (-14 %/yr)
#: to bend the 2021 boom, and carry that shrinkage into every projection.
LOWER = (1e-4, 1.0, 1e4, 0.0)
UPPER = (0.2, 3650.0, 1e8, 5.0)
#: Parameters probed by :func:`parameter_correlations`: the two fitted ones and two tariff
#: factors (every tariff; wet-season tariffs only).
PROBED = ("growth_per_day", "unprofitable_retirement_days", "tariff_factor", "wet_season_tariff_factor")


@dataclass(frozen=True)
class LeastSquaresFit:
    """Result of :func:`least_squares`.

    Attributes
    ----------
    parameters : FleetParameters
    mdape : float
        Median absolute percentage error of the daily hashrate. [1]
    rmse_log : float
        Root-mean-square error of the log hashrate. [1]
    evaluations : int
        Engine runs the fit took.
    optima : dict of int to (numpy.ndarray, numpy.ndarray, float)
        For each lag tried [d], the optimum in the search space (logs of growth,
        retirement and capacity; the capacity's growth as is), the covariance of the
        estimate there, s^2 (J^T J)^-1 with s^2 the residuals' variance (treating the
        days as independent, which they are not: see :mod:`hashjoule.calibration.posterior`),
        and the sum of squared log residuals.
    """

    parameters: FleetParameters
    mdape: float
    rmse_log: float
    evaluations: int
    optima: dict = field(default_factory=dict, compare=False)


def particle(samples: dict, i: int) -> FleetParameters:
    """Fleet parameters of entry ``i`` of arrays of values by field name."""
    return FleetParameters(**{k: int(v[i]) if k == "deployment_lag_days" else float(v[i]) for k, v in samples.items()})


def scenario_world(name: str, end, start: str = FIT_START, known_until=None):
    """A scenario over ``start`` to ``end`` (its own period replaced) and its inputs, built from
    what was known by ``known_until`` if given. Returns (Scenario, ModelInputs)."""
    scenario, _ = load_scenario(name)
    run = scenario.run.model_copy(update={"start": pd.Timestamp(start).date(), "end": pd.Timestamp(end).date()})
    scenario = scenario.model_copy(update={"run": run})
    return scenario, resolve(scenario, name, known_until)


def scenario_inputs(name: str, end, start: str = FIT_START, known_until=None) -> ModelInputs:
    """The inputs of :func:`scenario_world`."""
    return scenario_world(name, end, start, known_until)[1]


def targets(until: str = FIT_END, start: str = FIT_START, scenario: str = SCENARIO) -> tuple[ModelInputs, np.ndarray]:
    """World and observed hashrate of a fit window; nothing after ``until`` enters.

    Returns
    -------
    inputs : ModelInputs
        The scenario's world from ``start`` to ``until``, built from what was known by
        ``until`` (policies after it have no day in the window).
    observed : numpy.ndarray
        Observed daily hashrate, trailing 7-day mean, same days. [TH/s]

    Raises
    ------
    hashjoule.errors.InputError
        For a cut-off outside the data or a window shorter than a year.
    """
    series = obs.daily_hashrate(until)
    first = parse_day(start, "start")
    end = pd.Timestamp(series.time.values[-1])
    if (end - first).days < MIN_WINDOW_DAYS:
        raise InputError.single("until", "", f"a day at least {MIN_WINDOW_DAYS} days after the fit's start "
                                f"({first:%Y-%m-%d})", f"{end:%Y-%m-%d}")
    observed = series.sel(time=slice(first, end)).to_numpy()
    return scenario_inputs(scenario, end, first, known_until=end), observed


def simulated_hashrate_ths(inputs: ModelInputs, parameters: FleetParameters, draw: int = 0,
                           seed: int | None = None) -> np.ndarray:
    """Network hashrate of one run (``seed=None``: the deterministic one). [TH/s]"""
    ds = run_batch(inputs.with_changes(fleet=parameters), [draw], seed=seed)
    return ds.hashrate.sum("region").isel(draw=0).to_numpy() * 1e6  # EH/s -> TH/s


def batch_hashrate_ths(inputs: ModelInputs, values: dict, draws=None, seed: int | None = None,
                       base: DrawValues | None = None, as_observed: bool = False) -> np.ndarray:
    """Network hashrate of draws that take their own fleet parameters, one batch per lag. (n, T) [TH/s]

    Parameters
    ----------
    values : dict of str to numpy.ndarray
        Per-draw values of :data:`FITTED` parameters (all the same length n), and of
        ``deployment_lag_days`` if the draws' lags differ (else the lag is ``inputs``'s).
    draws : sequence of int, optional
        Stream indices (with ``seed``); default 0..n-1.
    seed : int or None
        ``None``: every draw deterministic (median prices, mean epoch work).
    base : DrawValues, optional
        The draws' other uncertain values (default: the central ones).
    as_observed : bool
        The hashrate as the observed series is made (:func:`implied_hashrate_ths`) instead of
        the hashrate switched on.
    """
    n = len(values[FITTED[0]])
    draws = np.arange(n) if draws is None else np.asarray(draws)
    base = DrawValues.central(inputs, n) if base is None else base
    lags = np.asarray(values.get("deployment_lag_days", np.full(n, inputs.fleet.deployment_lag_days)))
    out = np.empty((n, inputs.days))
    for lag in np.unique(lags):
        rows = np.flatnonzero(lags == lag)
        world = inputs.with_changes(fleet=replace(inputs.fleet, deployment_lag_days=int(lag)))
        drawn = replace(base.take(rows), **{k: np.asarray(values[k], dtype=float)[rows] for k in FITTED})
        ds = run_batch(world, draws[rows], seed=seed, values=drawn)
        out[rows] = implied_hashrate_ths(ds, world) if as_observed else ds.hashrate.sum("region").to_numpy() * 1e6
    return out


def implied_hashrate_ths(ds: xr.Dataset, inputs: ModelInputs) -> np.ndarray:
    """A run's hashrate as Coin Metrics' is made of the chain: the blocks found in a day times
    the work a block took that day (the difficulty at its start x 2**32 H), over 86,400 s,
    then the trailing 7-day mean; so it carries the luck of the blocks. (draw, time) [TH/s]"""
    difficulty = ds.difficulty.transpose("draw", "time").to_numpy()
    start = np.column_stack([np.full(difficulty.shape[0], difficulty_from_bits(inputs.chain_start.bits)),
                             difficulty[:, :-1]])
    daily = ds.blocks.transpose("draw", "time").to_numpy() * start * HASHES_PER_DIFFICULTY / SECONDS_PER_DAY / 1e12
    return np.apply_along_axis(trailing_mean, 1, daily)


def trailing_mean(values: np.ndarray, days: int = obs.SMOOTHING_DAYS) -> np.ndarray:
    """Mean of each day and the ``days - 1`` before it (fewer at the start). [the values' unit]"""
    sums = np.cumsum(np.insert(values, 0, 0.0))
    width = np.minimum(np.arange(1, values.size + 1), days)
    return (sums[1:] - sums[np.arange(values.size) + 1 - width]) / width


def score(simulated: np.ndarray, observed: np.ndarray) -> tuple[float, float]:
    """Median absolute percentage error [1] and RMSE of the log [1] of simulated vs observed."""
    simulated, observed = np.asarray(simulated, float), np.asarray(observed, float)
    return (float(np.median(np.abs(simulated / observed - 1))),
            float(np.sqrt(np.mean((np.log(simulated) - np.log(observed)) ** 2))))


def values_at(x: np.ndarray) -> dict:
    """:data:`FITTED` values by name from points x (n, 4) (or one point) of the search space:
    logs, but the capacity's growth as is."""
    x = np.atleast_2d(x)
    return {"growth_per_day": np.exp(x[:, 0]), "unprofitable_retirement_days": np.exp(x[:, 1]),
            "supply_ths_per_day": np.exp(x[:, 2]), "supply_growth_per_year": x[:, 3]}


def search_point(values) -> np.ndarray:
    """A point of the least-squares search space from values in :data:`FITTED` order: logs,
    but the capacity's growth as is."""
    return np.array([np.log(values[0]), np.log(values[1]), np.log(values[2]), values[3]])


def start_point(inputs: ModelInputs, observed: np.ndarray) -> tuple[float, ...]:
    """Where the least-squares search starts (:data:`FITTED` order): :data:`START_POINT`, with the
    shipment capacity at the fastest 30-day rise of the observed hashrate, carried back to the
    reference day at the starting growth. A capacity that never binds gives the fit no slope
    to follow; one at the fastest rise binds there. [1/d, d, TH/s per day, 1/yr]"""
    days = 30
    rise = (observed[days:] - observed[:-days]) / days
    peak = int(np.argmax(rise)) + days
    growth, retirement, capacity_growth = START_POINT
    years = float((inputs.time[peak] - np.datetime64(SUPPLY_REFERENCE_DAY, "D")).astype(int)) / 365.25
    capacity = max(float(rise.max()), 1.0) / (1.0 + capacity_growth) ** years
    return growth, retirement, capacity, capacity_growth


def least_squares(inputs: ModelInputs, observed: np.ndarray, lags=LAGS_DAYS,
                  max_evaluations: int = 40) -> LeastSquaresFit:
    """Fit :data:`FITTED` by least squares on the log hashrate, for each lag; keep the best.

    The residuals' Jacobian is taken by forward differences, its runs as one batch of
    deterministic draws (one per parameter), so an iteration costs about two engine runs.

    Parameters
    ----------
    inputs : ModelInputs
        The world of the fit window (see :func:`targets`).
    observed : numpy.ndarray
        Hashrate to fit, one value per day of ``inputs``. [TH/s]
    lags : sequence of int
        Deployment lags to try. [d]
    max_evaluations : int
        Residual evaluations allowed per lag.
    """
    log_observed = np.log(np.asarray(observed, dtype=float))
    step = 1e-3
    runs, best, optima = 0, None, {}
    for lag in lags:
        world = inputs.with_changes(fleet=replace(inputs.fleet, deployment_lag_days=int(lag)))

        def residuals(x, world=world):
            return np.log(batch_hashrate_ths(world, values_at(x))[0]) - log_observed

        def jacobian(x, world=world):
            shifted = x[None, :] + np.eye(x.size) * step
            base = residuals(x)
            return ((np.log(batch_hashrate_ths(world, values_at(shifted))) - log_observed) - base).T / step

        result = scipy.optimize.least_squares(residuals, search_point(start_point(inputs, observed)), jac=jacobian,
                                              bounds=(search_point(LOWER), search_point(UPPER)), x_scale=1.0,
                                              max_nfev=max_evaluations, xtol=1e-4, ftol=1e-8)
        runs += result.nfev + 2 * result.njev
        variance = 2 * result.cost / max(log_observed.size - result.x.size, 1)
        optima[int(lag)] = (result.x, variance * np.linalg.pinv(result.jac.T @ result.jac), 2 * result.cost)
        if best is None or result.cost < best[0]:
            best = (result.cost, int(lag), result.x)
    _, lag, x = best
    parameters = particle({**values_at(x), "deployment_lag_days": [lag]}, 0)
    mdape, rmse = score(simulated_hashrate_ths(inputs, parameters), observed)
    return LeastSquaresFit(parameters, mdape, rmse, runs + 1, optima)


def with_tariff_factors(inputs: ModelInputs, level: float = 1.0, wet_season: float = 1.0) -> ModelInputs:
    """Every tariff times ``level``, and wet-season tariffs (May-October) also times ``wet_season``. [1]"""
    wet = np.isin(pd.DatetimeIndex(inputs.time).month, WET_MONTHS)[:, None]
    tariff = inputs.regions.tariff_usd_per_kwh * level * np.where(wet, wet_season, 1.0)
    return inputs.with_changes(regions=replace(inputs.regions, tariff_usd_per_kwh=tariff))


def parameter_correlations(inputs: ModelInputs, observed: np.ndarray, parameters: FleetParameters,
                           step: float = 0.01) -> xr.DataArray:
    """Correlations of the log-parameter estimates at ``parameters``, tariff factors included.

    From the central-difference Jacobian J of the log residuals with respect to the logs
    of growth, retirement time and two factors the set does not carry (every tariff; the
    wet-season tariffs alone), the correlation matrix of (J^T J)^-1. A pair near +-1 cannot
    be told apart by the hashrate; near 0 it can, locally (the residuals are autocorrelated,
    so the implied standard errors would be too small and are not reported).

    Parameters
    ----------
    step : float
        Step of the central differences in log space. [1]

    Returns
    -------
    xarray.DataArray
        Dims ``parameter`` x ``other``, names in :data:`PROBED`. [1]
    """
    log_observed = np.log(np.asarray(observed, dtype=float))

    def residuals(x):
        g, tau, level, wet = np.exp(x)
        run = replace(parameters, growth_per_day=float(g), unprofitable_retirement_days=float(tau))
        return np.log(simulated_hashrate_ths(with_tariff_factors(inputs, level, wet), run)) - log_observed

    x0 = np.log([parameters.growth_per_day, parameters.unprofitable_retirement_days, 1.0, 1.0])
    jac = np.column_stack([(residuals(x0 + dx) - residuals(x0 - dx)) / (2 * step) for dx in np.eye(4) * step])
    covariance = np.linalg.pinv(jac.T @ jac)
    sd = np.sqrt(np.diag(covariance))
    return xr.DataArray(covariance / np.outer(sd, sd), dims=("parameter", "other"),
                        coords={"parameter": list(PROBED), "other": list(PROBED)}, attrs={"units": "1"})


