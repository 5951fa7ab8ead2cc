"""The fleet parameters' uncertainty: the least-squares estimate's, corrected for autocorrelation.

The daily residuals of the fit stay of one sign for months (lag-1 autocorrelation of the
log residuals about 0.97 on 2016-2021), so the ~1,900 days carry the information of a few
dozen independent ones. :func:`laplace` takes the Gaussian approximation of the estimate at
each lag's optimum, s^2 (J^T J)^-1, and widens it by the effective sample size of an AR(1)
series, n_eff = n (1 - rho) / (1 + rho) (e.g. Wilks 2011, Statistical Methods in the
Atmospheric Sciences, 3rd ed., eq. 5.12): the standard errors by sqrt(n / n_eff). The lags,
a grid, are weighted by their likelihood with the same correction,
exp(-n_eff / 2 x (RSS_lag / RSS_best - 1)). Each particle is then run as one random draw of the
ensemble engine and its distance (RMSE of the log 7-day mean hashrate) reported.

The particles' spread is what the fit does not know about the parameters; it is not what the
model gets wrong. A forecast's band also carries the model's own error, estimated in sample
(the model discrepancy of Kennedy and O'Hagan 2001, J. R. Stat. Soc. B 63:425,
doi:10.1111/1467-9868.00294): :func:`discrepancy` fits an AR(1) process to the log residuals
of the least-squares run, less the block luck of the observed 7-day mean that every random
draw already carries, and :func:`discrepancy_factors` draws its paths forward from zero on the
cut-off day (the forecast starts from the observed hashrate, so its error starts at zero).

ABC rejection from a wide prior (:func:`abc_rejection`, Pritchard et al. 1999,
doi:10.1093/oxfordjournals.molbev.a026091) was the method before the shipment capacity
made the fit five-dimensional: at 1,000 runs it keeps particles with a typical error of
20 % where the optimum has 10 %, and their forecast from the 2021 cut-off is off by 45 %
(docs/calibration.md). It stays for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from hashjoule.calibration.fit import (
    FITTED,
    LAGS_DAYS,
    LOWER,
    UPPER,
    LeastSquaresFit,
    search_point,
    batch_hashrate_ths,
    particle,
    simulated_hashrate_ths,
    trailing_mean,
    values_at,
)
from hashjoule.calibration.observed import SMOOTHING_DAYS
from hashjoule.network.chain import TARGET_SPACING_S
from hashjoule.scenarios.schema import BOUNDS
from hashjoule.simulation.inputs import FleetParameters, ModelInputs
from hashjoule.constants import SECONDS_PER_DAY

#: Relative variance of a 7-day mean hashrate made of the blocks found (Poisson, one block
#: expected every 600 s): the luck every random draw carries already, taken out of the
#: residuals' variance before it is called model error. [1]
LUCK_VARIANCE = TARGET_SPACING_S / (SMOOTHING_DAYS * SECONDS_PER_DAY)

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
    supply_ths_per_day : tuple of float
        Range of the shipment capacity on 2020-01-01 (log-uniform). [TH/s per day]
    supply_growth_per_year : tuple of float
        Range of its yearly growth (uniform). [1/yr]
    """

    growth_per_day: tuple[float, float] = (0.002, 0.02)
    retirement_days: tuple[float, float] = (2.0, 300.0)
    lags_days: tuple[int, ...] = LAGS_DAYS
    supply_ths_per_day: tuple[float, float] = (1e5, 1e6)
    supply_growth_per_year: tuple[float, float] = (0.0, 1.0)

    def sample(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """``n`` parameter vectors, by :class:`FleetParameters` field name."""
        log_uniform = lambda bounds: np.exp(rng.uniform(*np.log(bounds), size=n))  # noqa: E731
        return {"growth_per_day": log_uniform(self.growth_per_day),
                "unprofitable_retirement_days": log_uniform(self.retirement_days),
                "deployment_lag_days": rng.choice(np.asarray(self.lags_days), size=n),
                "supply_ths_per_day": log_uniform(self.supply_ths_per_day),
                "supply_growth_per_year": rng.uniform(*self.supply_growth_per_year, size=n)}


@dataclass(frozen=True)
class Posterior:
    """A sample of fleet parameters and how it was drawn (:func:`laplace`, :func:`abc_rejection`).

    Attributes
    ----------
    samples : dict of str to numpy.ndarray
        Values by :class:`FleetParameters` field name, one per particle.
    distances : numpy.ndarray
        Their distances: RMSE of the log of the 7-day mean hashrate. [1]
    tolerance : float
        Largest distance. [1]
    proposals : int
        Engine runs the sample took.
    seed : int
        Root seed of the engine's streams.
    proposal : numpy.ndarray of int
        The stream index each particle ran on, so that it can be run again on its own
        streams. (particles,)
    method : dict
        What the method found on the way (effective sample size, lag weights, and the model
        discrepancy's ``discrepancy_rho`` [1] and ``discrepancy_sigma`` [1], log scale).
    """

    samples: dict
    distances: np.ndarray
    tolerance: float
    proposals: int
    seed: int
    proposal: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    method: dict = field(default_factory=dict)

    def __eq__(self, other) -> bool:
        return (isinstance(other, Posterior) and self.samples.keys() == other.samples.keys()
                and all(np.array_equal(v, other.samples[k]) for k, v in self.samples.items())
                and np.array_equal(self.distances, other.distances) and np.array_equal(self.proposal, other.proposal)
                and (self.tolerance, self.proposals, self.seed) == (other.tolerance, other.proposals, other.seed))

    @classmethod
    def from_table(cls, table: dict) -> "Posterior":
        """The sample a parameter set's ``[posterior]`` table records (written by
        ``hashjoule calibrate``): its particles, each on the streams of its index."""
        values = {k: np.asarray(v, dtype=float) for k, v in table["particle"].items()}
        values["deployment_lag_days"] = values["deployment_lag_days"].astype(np.int64)
        n = values["deployment_lag_days"].size
        method = {key: float(table[key]) for key in ("discrepancy_rho", "discrepancy_sigma") if key in table}
        return cls(values, np.full(n, np.nan), float(table["largest_rmse_log"]), n, int(table["seed"]),
                   np.arange(n, dtype=np.int64), method)

    def parameters(self, i: int) -> FleetParameters:
        """Fleet parameters of accepted particle ``i``."""
        return particle(self.samples, i)


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
    distances = distances_of(inputs, observed, drawn, np.arange(proposals), seed)
    keep = np.argsort(distances, kind="stable")[: max(1, round(accept * proposals))]
    return Posterior({k: v[keep] for k, v in drawn.items()}, distances[keep], float(distances[keep].max()),
                     proposals, seed, keep.astype(np.int64))


def distances_of(inputs: ModelInputs, observed: np.ndarray, drawn: dict, draws: np.ndarray, seed: int) -> np.ndarray:
    """RMSE of the log 7-day mean hashrate of each proposal (values by field name, one per
    entry of ``draws``, the stream index it runs on); infinite for a run that dies out. [1]"""
    paths = batch_hashrate_ths(inputs, drawn, draws=draws, seed=seed)
    simulated = np.apply_along_axis(trailing_mean, 1, paths)
    with np.errstate(divide="ignore", invalid="ignore"):
        distances = np.sqrt(np.mean((np.log(simulated) - np.log(np.asarray(observed, dtype=float))) ** 2, axis=1))
    return np.where(np.isfinite(distances), distances, np.inf)


def laplace(inputs: ModelInputs, observed: np.ndarray, fitted: LeastSquaresFit, particles: int = 40,
            seed: int = 0) -> Posterior:
    """Particles from the least-squares estimate's distribution, widened for autocorrelation.

    Parameters
    ----------
    inputs, observed
        The fit's world and target (:func:`hashjoule.calibration.fit.targets`).
    fitted : LeastSquaresFit
        With its ``optima`` for every lag tried.
    particles : int
        Sample size (each one engine run).
    seed : int
        Root seed: lags and values from ``SeedSequence([seed, 1])``, particle ``i`` run on
        the engine's streams ``i``.

    Returns
    -------
    Posterior
    """
    if particles < 1 or not fitted.optima:
        raise ValueError("particles >= 1 and a fit with its optima")
    residuals = np.log(simulated_hashrate_ths(inputs, fitted.parameters)) - np.log(observed)
    n_eff = effective_sample_size(residuals)
    widen = np.sqrt(residuals.size / n_eff)
    lags = np.array(sorted(fitted.optima))
    rss = np.array([fitted.optima[lag][2] for lag in lags])
    weights = np.exp(-n_eff / 2 * (rss / rss.min() - 1))
    weights /= weights.sum()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    lag = rng.choice(lags, size=particles, p=weights)
    x = np.empty((particles, len(FITTED)))
    for value in lags:
        rows = lag == value
        centre, covariance, _ = fitted.optima[int(value)]
        x[rows] = rng.multivariate_normal(centre, covariance * widen**2, size=int(rows.sum()))
    x[:, 3] = np.abs(x[:, 3])  # reflected at its bound: the capacity does not shrink (fit.LOWER)
    x = np.clip(x, search_point(LOWER), search_point(UPPER))  # the rest within the fit's bounds
    samples = {**values_at(x), "deployment_lag_days": lag}
    distances = distances_of(inputs, observed, samples, np.arange(particles), seed)
    rho, sigma = discrepancy(residuals)
    return Posterior(samples, distances, float(distances.max()), particles, seed, np.arange(particles, dtype=np.int64),
                     {"effective_sample_size": n_eff, "widening": float(widen),
                      "lag_weights": {str(int(k)): float(w) for k, w in zip(lags, weights)},
                      "discrepancy_rho": rho, "discrepancy_sigma": sigma})


def lag_one(residuals: np.ndarray) -> float:
    """Lag-1 autocorrelation of a series, within [0, 0.999]. [1]"""
    r = np.asarray(residuals, dtype=float)
    return float(np.clip(np.corrcoef(r[:-1], r[1:])[0, 1], 0.0, 0.999)) if r.size > 2 else 0.0


def discrepancy(residuals: np.ndarray) -> tuple[float, float]:
    """The model's error as an AR(1) process on the log scale, from the fit's log residuals.

    Returns its lag-1 autocorrelation rho [1] and stationary standard deviation sigma [1]:
    the residuals' variance about their mean, less :data:`LUCK_VARIANCE` (the observed
    series' block luck, which the random draws carry themselves), plus their mean squared
    (a lasting bias is model error too).
    """
    r = np.asarray(residuals, dtype=float)
    variance = max(float(r.var()) - LUCK_VARIANCE, 0.0) + float(r.mean()) ** 2
    return lag_one(r), float(np.sqrt(variance))


def discrepancy_factors(rho: float, sigma: float, draws: np.ndarray, days: int, seed: int) -> np.ndarray:
    """Multiplicative model-error paths exp(d_t) for ``days`` days after a forecast's start,
    d_0 = 0 and d_t = rho d_(t-1) + sigma sqrt(1 - rho^2) e_t, e_t standard normal from the
    stream ``SeedSequence([seed, 2, draw])`` of each draw, so that a draw's path does not
    depend on the others. (draws, days) [1]"""
    innovations = np.stack([np.random.default_rng(np.random.SeedSequence([seed, 2, int(d)])).standard_normal(days)
                            for d in np.asarray(draws)]) if days else np.zeros((len(draws), 0))
    d = np.zeros((len(draws), days))
    scale = sigma * np.sqrt(1.0 - rho**2)
    for t in range(1, days):
        d[:, t] = rho * d[:, t - 1] + scale * innovations[:, t]
    return np.exp(d)


def effective_sample_size(residuals: np.ndarray) -> float:
    """n (1 - rho) / (1 + rho) of a series with lag-1 autocorrelation rho (at least 1). [count]"""
    rho = lag_one(residuals)
    return max(np.asarray(residuals).size * (1 - rho) / (1 + rho), 1.0)


def marginals(posterior: Posterior) -> tuple[dict[str, dict], list[str]]:
    """Posterior marginals in the scenario files' distribution format.

    Growth, retirement and the shipment capacity as log-normals (median = geometric mean
    of the sample, sigma = standard deviation of its log), the capacity's yearly growth,
    which may be negative, as a normal. Scenario files require a distribution's central
    99.8 % to lie within the parameter's bounds (:data:`hashjoule.scenarios.schema.BOUNDS`);
    a wider spread is reduced to the largest allowed one and the parameter named in the
    second return value. The lag, a whole number of days that scenario files cannot make
    uncertain, is left to :func:`lag_frequencies`.

    Returns
    -------
    distributions : dict of str to dict
        ``{name: {"dist": "lognormal", "median": ..., "sigma": ...}}`` or ``{"dist": "normal",
        "mean": ..., "sd": ...}`` [the parameter's unit; sigma 1]
    narrowed : list of str
        Parameters whose spread was reduced.
    """
    out, narrowed = {}, []
    z = stats.norm.ppf(0.999)
    for name in FITTED:
        low, high = BOUNDS[name]
        normal = name == "supply_growth_per_year"
        values = posterior.samples[name] if normal else np.log(posterior.samples[name])
        centre = float(values.mean())
        spread = max(float(values.std(ddof=1)) if values.size > 1 else 0.0, 1e-3)
        if normal:
            widest = min(centre - low, high - centre) / z
        else:
            widest = min(centre - np.log(low) if low > 0 else np.inf, np.log(high) - centre) / z
        if spread > widest:
            spread = float(np.nextafter(widest, 0))
            narrowed.append(name)
        out[name] = ({"dist": "normal", "mean": centre, "sd": spread} if normal
                     else {"dist": "lognormal", "median": float(np.exp(centre)), "sigma": spread})
    return out, narrowed


def lag_frequencies(posterior: Posterior, lags=LAGS_DAYS) -> dict[str, float]:
    """Share of the accepted particles at each deployment lag, keyed by the lag in days. [1]"""
    lag = posterior.samples["deployment_lag_days"]
    return {str(int(v)): float(np.mean(lag == v)) for v in lags}
