"""Fit the fleet parameters to the observed network hashrate.

Two fits share one target, the log of the observed daily hashrate (Coin Metrics, trailing
7-day mean) up to a cut-off day, and one engine, the ensemble engine in a world without
mining policy:

* :func:`least_squares` - the deterministic run (observed prices, mean epoch work);
  growth rate and retirement time by trust-region least squares on the log residuals
  (``scipy.optimize.least_squares``), the deployment lag from a grid (it is a whole
  number of days, on which the run does not depend smoothly);
* :func:`abc_rejection` - a likelihood-free posterior: parameters drawn from a prior,
  one random ensemble draw each (random epoch work), the draws whose log hashrate lies
  closest to the observed kept (Pritchard et al. 1999, doi:10.1093/oxfordjournals.molbev.a026091).

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
from scipy import stats

from hashjoule.calibration import observed as obs
from hashjoule.errors import InputError
from hashjoule.scenarios.schema import BOUNDS
from hashjoule.simulation.engine_ensemble import run_batch
from hashjoule.simulation.inputs import FleetParameters, ModelInputs
from hashjoule.network.periods import parse_day
from hashjoule.simulation.world import WET_MONTHS, baseline_inputs

#: First day of the fit: the first full year of the Cambridge hardware list's ASIC era.
FIT_START = "2016-01-01"
#: Default cut-off: the last month before China's 2021 crackdown, which a world without
#: mining policy cannot reproduce.
FIT_END = "2021-04-30"
#: Deployment lags tried by the least-squares fit and the prior of the posterior. [d]
LAGS_DAYS = (30, 60, 90, 120, 180)
#: Shortest fit window: one year, so that a halving or a boom-bust cycle can be seen. [d]
MIN_WINDOW_DAYS = 365
#: Starting point of the least-squares fit: growth [1/d], retirement time [d].
START_POINT = (0.004, 60.0)
#: Parameters probed by :func:`parameter_correlations`: the two fitted ones and two tariff
#: factors (every tariff; wet-season tariffs only).
PROBED = ("growth_per_day", "unprofitable_retirement_days", "tariff_factor", "wet_season_tariff_factor")


@dataclass(frozen=True)
class Prior:
    """Prior of the likelihood-free fit: log-uniform growth and retirement, uniform lag.

    Attributes
    ----------
    growth_per_day : tuple of float
        Range of the growth rate. [1/d]
    retirement_days : tuple of float
        Range of the mean wait before unprofitable machines are scrapped. [d]
    lags_days : tuple of int
        Deployment lags, equally likely. [d]
    """

    growth_per_day: tuple[float, float] = (0.002, 0.02)
    retirement_days: tuple[float, float] = (2.0, 300.0)
    lags_days: tuple[int, ...] = LAGS_DAYS

    def sample(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """``n`` parameter vectors. Growth [1/d], retirement [d], lag [d]."""
        log_uniform = lambda bounds: np.exp(rng.uniform(*np.log(bounds), size=n))  # noqa: E731
        return {"growth_per_day": log_uniform(self.growth_per_day),
                "unprofitable_retirement_days": log_uniform(self.retirement_days),
                "deployment_lag_days": rng.choice(np.asarray(self.lags_days), size=n)}


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
    """

    parameters: FleetParameters
    mdape: float
    rmse_log: float
    evaluations: int


@dataclass(frozen=True)
class Posterior:
    """Result of :func:`abc_rejection`: the accepted sample and what it was drawn from.

    Attributes
    ----------
    samples : dict of str to numpy.ndarray
        Accepted values by parameter name (growth [1/d], retirement [d], lag [d]).
    distances : numpy.ndarray
        Their distances: RMSE of the log of the 7-day mean hashrate. [1]
    tolerance : float
        Largest accepted distance. [1]
    proposals : int
        Prior draws simulated.
    seed : int
        Root seed; prior draw ``j`` ran on draw ``j`` of its streams.
    proposal : numpy.ndarray of int
        The prior draw each accepted particle is, so that it can be run again on its own
        streams. (particles,)
    """

    samples: dict
    distances: np.ndarray
    tolerance: float
    proposals: int
    seed: int
    proposal: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __eq__(self, other) -> bool:
        return (isinstance(other, Posterior) and self.samples.keys() == other.samples.keys()
                and all(np.array_equal(v, other.samples[k]) for k, v in self.samples.items())
                and np.array_equal(self.distances, other.distances) and np.array_equal(self.proposal, other.proposal)
                and (self.tolerance, self.proposals, self.seed) == (other.tolerance, other.proposals, other.seed))

    def parameters(self, i: int) -> FleetParameters:
        """Fleet parameters of accepted particle ``i``."""
        s = self.samples
        return FleetParameters(float(s["growth_per_day"][i]), int(s["deployment_lag_days"][i]),
                               float(s["unprofitable_retirement_days"][i]))


def targets(until: str = FIT_END, start: str = FIT_START) -> tuple[ModelInputs, np.ndarray]:
    """World and observed hashrate of a fit window; nothing after ``until`` enters.

    Returns
    -------
    inputs : ModelInputs
        World without mining policy from ``start`` to ``until``.
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
        raise InputError.single("--until", "", f"a day at least {MIN_WINDOW_DAYS} days after the fit's start "
                                f"({first:%Y-%m-%d})", f"{end:%Y-%m-%d}")
    observed = series.sel(time=slice(first, end)).to_numpy()
    return baseline_inputs(first, end, known_until=end), observed


def simulated_hashrate_ths(inputs: ModelInputs, parameters: FleetParameters, draw: int = 0,
                           seed: int | None = None) -> np.ndarray:
    """Network hashrate of one run (``seed=None``: the deterministic one). [TH/s]"""
    ds = run_batch(inputs.with_changes(fleet=parameters), [draw], seed=seed)
    return ds.hashrate.sum("region").isel(draw=0).to_numpy() * 1e6  # EH/s -> TH/s


def score(simulated: np.ndarray, observed: np.ndarray) -> tuple[float, float]:
    """Median absolute percentage error [1] and RMSE of the log [1] of simulated vs observed."""
    simulated, observed = np.asarray(simulated, float), np.asarray(observed, float)
    return (float(np.median(np.abs(simulated / observed - 1))),
            float(np.sqrt(np.mean((np.log(simulated) - np.log(observed)) ** 2))))


def least_squares(inputs: ModelInputs, observed: np.ndarray, lags=LAGS_DAYS,
                  max_evaluations: int = 40) -> LeastSquaresFit:
    """Fit growth and retirement by least squares on the log hashrate, for each lag; keep the best.

    Parameters
    ----------
    inputs : ModelInputs
        The world of the fit window (see :func:`targets`).
    observed : numpy.ndarray
        Hashrate to fit, one value per day of ``inputs``. [TH/s]
    lags : sequence of int
        Deployment lags to try. [d]
    max_evaluations : int
        Engine runs allowed per lag.
    """
    log_observed = np.log(np.asarray(observed, dtype=float))
    runs, best = 0, None
    for lag in lags:
        def residuals(x, lag=int(lag)):
            g, tau = np.exp(x)
            return np.log(simulated_hashrate_ths(inputs, FleetParameters(float(g), lag, float(tau)))) - log_observed

        result = scipy.optimize.least_squares(residuals, np.log(START_POINT), bounds=(np.log([1e-4, 1.0]),
                                              np.log([0.2, 3650.0])), diff_step=1e-3, x_scale=1.0,
                                              max_nfev=max_evaluations, xtol=1e-4, ftol=1e-8)
        runs += result.nfev + result.njev * 2
        if best is None or result.cost < best[0]:
            best = (result.cost, int(lag), result.x)
    _, lag, x = best
    g, tau = np.exp(x)
    parameters = FleetParameters(float(g), lag, float(tau))
    mdape, rmse = score(simulated_hashrate_ths(inputs, parameters), observed)
    return LeastSquaresFit(parameters, mdape, rmse, runs + 1)


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


def _trailing_mean(values: np.ndarray, days: int = obs.SMOOTHING_DAYS) -> np.ndarray:
    sums = np.cumsum(np.insert(values, 0, 0.0))
    width = np.minimum(np.arange(1, values.size + 1), days)
    return (sums[1:] - sums[np.arange(values.size) + 1 - width]) / width


def abc_rejection(inputs: ModelInputs, observed: np.ndarray, proposals: int = 200, accept: float = 0.1,
                  seed: int = 0, prior: Prior = Prior()) -> Posterior:
    """Likelihood-free posterior of the fleet parameters by ABC rejection.

    Each proposal draws parameters from the prior and runs one random draw of the
    ensemble engine (epoch work sampled from its Gamma law); the distance is the RMSE of
    the log of the 7-day mean hashrate against the observed one; the closest ``accept``
    share is kept.

    Parameters
    ----------
    inputs, observed
        As :func:`least_squares`.
    proposals : int
        Prior draws to simulate (each one engine run).
    accept : float
        Share of the proposals kept, (0, 1]. [1]
    seed : int
        Root seed: prior draws come from ``SeedSequence([seed, 0])``, the engine's draw
        ``i`` from the ensemble engine's streams of ``seed``.
    prior : Prior

    Returns
    -------
    Posterior
    """
    if not 0 < accept <= 1 or proposals < 1:
        raise ValueError("accept in (0, 1] and proposals >= 1")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    drawn = prior.sample(rng, proposals)
    log_observed = np.log(np.asarray(observed, dtype=float))
    distances = np.empty(proposals)
    for i in range(proposals):
        parameters = FleetParameters(float(drawn["growth_per_day"][i]), int(drawn["deployment_lag_days"][i]),
                                     float(drawn["unprofitable_retirement_days"][i]))
        simulated = _trailing_mean(simulated_hashrate_ths(inputs, parameters, draw=i, seed=seed))
        with np.errstate(divide="ignore"):
            distances[i] = np.sqrt(np.mean((np.log(simulated) - log_observed) ** 2))
    distances = np.where(np.isfinite(distances), distances, np.inf)
    keep = np.argsort(distances, kind="stable")[: max(1, round(accept * proposals))]
    return Posterior({k: v[keep] for k, v in drawn.items()}, distances[keep], float(distances[keep].max()),
                     proposals, seed, keep.astype(np.int64))


def marginals(posterior: Posterior) -> tuple[dict[str, dict], list[str]]:
    """Posterior marginals in the scenario files' distribution format.

    Growth and retirement as log-normals (median = geometric mean of the sample, sigma =
    standard deviation of its log). Scenario files require a distribution's central
    99.8 % to lie within the parameter's bounds (:data:`hashjoule.scenarios.schema.BOUNDS`);
    a wider sigma is reduced to the largest allowed one and the parameter named in the
    second return value. The lag, a whole number of days that scenario files cannot make
    uncertain, is left to :func:`lag_frequencies`.

    Returns
    -------
    distributions : dict of str to dict
        ``{name: {"dist": "lognormal", "median": ..., "sigma": ...}}`` [the parameter's unit; sigma 1]
    narrowed : list of str
        Parameters whose sigma was reduced.
    """
    out, narrowed = {}, []
    z = stats.norm.ppf(0.999)
    for name in ("growth_per_day", "unprofitable_retirement_days"):
        logs = np.log(posterior.samples[name])
        median = float(np.exp(logs.mean()))
        sigma = max(float(logs.std(ddof=1)) if logs.size > 1 else 0.0, 1e-3)
        low, high = BOUNDS[name]
        widest = min(np.log(median / low) if low > 0 else np.inf, np.log(high / median)) / z
        if sigma > widest:
            sigma = float(np.nextafter(widest, 0))
            narrowed.append(name)
        out[name] = {"dist": "lognormal", "median": median, "sigma": sigma}
    return out, narrowed


def lag_frequencies(posterior: Posterior, lags=LAGS_DAYS) -> dict[str, float]:
    """Share of the accepted particles at each deployment lag, keyed by the lag in days. [1]"""
    lag = posterior.samples["deployment_lag_days"]
    return {str(int(v)): float(np.mean(lag == v)) for v in lags}
