"""One calibration, end to end: fit up to a cut-off, posterior, out-of-sample check, parameter set.

:func:`calibrate` is what ``hashjoule calibrate`` and :func:`hashjoule.api.calibrate` run.
Its result carries the set's tables (see :mod:`hashjoule.scenarios.parameter_sets`) and
two Datasets for the figures of :mod:`hashjoule.figures.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import xarray as xr
from tqdm.auto import tqdm

from hashjoule import __version__
from hashjoule.calibration import crackdown, fit, holdout, posterior
from hashjoule.calibration.fit import FITTED

#: Default particles of the posterior (each one engine run).
DRAWS = 40
#: Draws of the crackdown check (:mod:`hashjoule.calibration.crackdown`).
CRACKDOWN_DRAWS = 100
#: Unit comments written beside the set's values.
UNITS = {("parameters", "growth_per_day"): "1/d", ("parameters", "deployment_lag_days"): "d",
         ("parameters", "unprofitable_retirement_days"): "d",
         ("parameters", "supply_ths_per_day"): "TH/s per day on 2020-01-01 (inf: no supply limit)",
         ("parameters", "supply_growth_per_year"): "1/yr",
         ("distributions", "growth_per_day"): "1/d", ("distributions", "unprofitable_retirement_days"): "d",
         ("distributions", "supply_ths_per_day"): "TH/s per day", ("distributions", "supply_growth_per_year"): "1/yr",
         ("posterior", "lag_frequencies"): "share of the particles by lag [d]",
         ("posterior", "lag_weights"): "likelihood weight of each lag [d], corrected for autocorrelation",
         ("posterior", "effective_sample_size"): "independent days the residuals are worth (AR(1))",
         ("posterior", "widening"): "factor on the least-squares standard errors [1]",
         ("posterior", "discrepancy_rho"): "lag-1 autocorrelation of the model's error, AR(1) on the log [1]",
         ("posterior", "discrepancy_sigma"): "its standard deviation, log scale, block luck taken out [1]",
         ("holdout", "coverage_5_95"): "share of days inside the predictive 5-95 % band (with the model's error) [1]",
         ("holdout", "coverage_5_95_parameters"): "the same, band of parameters, scenario values and luck only [1]",
         ("fit", "error_on_cutoff_day"): "simulated / observed - 1 on the last day [1]",
         ("fit", "correlations"): "of the log-parameter estimates at the optimum, tariff factors probed [1]"}


@dataclass(frozen=True)
class Calibration:
    """A finished calibration.

    Attributes
    ----------
    tables : dict
        The parameter set's sections (``fit``, ``parameters``, ``posterior``,
        ``distributions``, ``holdout``).
    paths : xarray.Dataset
        Over ``time`` (and ``draw``): ``observed`` and ``fitted`` hashrate, and the
        scenario's ``draws`` and ``point`` forecast [EH/s]; attributes give the cut-off,
        the check window and the scores.
    posterior : xarray.Dataset
        Over ``particle``: the accepted parameters and their distances, with the prior
        and the least-squares estimate in the attributes.
    least_squares : fit.LeastSquaresFit
    sample : posterior.Posterior
    check : holdout.HoldoutScore
    """

    tables: dict
    paths: xr.Dataset
    posterior: xr.Dataset
    least_squares: fit.LeastSquaresFit
    sample: posterior.Posterior
    check: holdout.HoldoutScore


def calibrate(until: str = fit.FIT_END, draws: int = DRAWS, seed: int = 0, start: str = fit.FIT_START,
              lags=fit.LAGS_DAYS, max_evaluations: int = 40, scenario: str = holdout.SCENARIO,
              crackdown_draws: int = CRACKDOWN_DRAWS, progress: bool = False) -> Calibration:
    """Fit the fleet parameters on data up to ``until`` and check them after it.

    Parameters
    ----------
    until : str
        Cut-off: last day of data the fits see (2017-01-01 to 2022-12-31 leaves a year to
        fit and a month to check).
    draws : int
        Particles of the posterior (one engine run each).
    seed : int
        Root seed of the posterior and of the forecast's random epoch work.
    start : str
        First day of the fit.
    lags : sequence of int
        Deployment lags tried. [d]
    max_evaluations : int
        Residual evaluations allowed per lag in the least-squares fit.
    scenario : str
        Scenario whose world the fit runs in up to the cut-off, and which is run forward for
        the out-of-sample check.
    crackdown_draws : int
        Draws of the scenario run from ``start`` with the least-squares parameters for the
        checks of :mod:`hashjoule.calibration.crackdown` (0: none).
    progress : bool
        Show a progress bar of the steps (fit, posterior, out-of-sample check, crackdown check).
    """
    check_start, _ = holdout.check_window(until)
    bar = tqdm(total=4, desc="calibrate: fit", unit="step", disable=not progress)
    inputs, observed = fit.targets(until, start, scenario)
    ls = fit.least_squares(inputs, observed, lags, max_evaluations)
    _step(bar, "posterior")
    correlations = fit.parameter_correlations(inputs, observed, ls.parameters)
    sample = posterior.laplace(inputs, observed, ls, draws, seed)
    _step(bar, "out-of-sample check")
    paths, check = holdout.check(scenario, start, until, sample, ls.parameters)
    _step(bar, "crackdown check")
    cut = pd.Timestamp(check_start) - pd.Timedelta(days=1)
    fitted = np.full(paths.time.size, np.nan)
    fitted[: inputs.days] = fit.simulated_hashrate_ths(inputs, ls.parameters) / 1e6
    paths = paths.assign(fitted=("time", fitted, {"units": "EH/s", "long_name": f"fit, {scenario} to the cut-off"}))
    paths.attrs.update(cutoff=f"{cut:%Y-%m-%d}", check_start=check.start, check_end=check.end, scenario=scenario,
                       mdape_in_sample=ls.mdape, mdape_check=check.mdape, rmse_log_check=check.rmse_log,
                       coverage_check=check.coverage, coverage_parameters_check=check.coverage_parameters, source="hashjoule calibrate; observed: Coin Metrics (CC BY-NC 4.0)")
    error_at_cut = float(fitted[inputs.days - 1] * 1e6 / observed[-1] - 1)
    tables = _tables(start, cut, ls, correlations, sample, check, scenario, error_at_cut)
    if crackdown_draws:
        rows = crackdown.summary(crackdown.run(scenario, crackdown_draws, seed, start, ls.parameters))
        tables["crackdown"] = {"scenario": scenario, "draws": crackdown_draws,
                               **{name: _plain(model) for name, (model, _, _) in rows.items()}}
    _step(bar, "done")
    bar.close()
    return Calibration(tables, paths, _posterior_dataset(sample, ls, tables), ls, sample, check)


def _step(bar, name: str) -> None:
    """Count a finished step and name the next."""
    bar.update()
    bar.set_description(f"calibrate: {name}")


def _tables(start, cut, ls, correlations, sample, check, scenario, error_at_cut) -> dict:
    distributions, narrowed = posterior.marginals(sample)
    p = ls.parameters
    return {
        "fit": {"window_start": str(start), "window_end": f"{cut:%Y-%m-%d}",
                "method": "least squares on the log daily hashrate, deterministic ensemble run in the scenario's "
                          "world up to the cut-off, scipy.optimize.least_squares (trust region); lag from a grid",
                "scenario": scenario,
                "target": "Coin Metrics implied hashrate, trailing 7-day mean",
                "median_absolute_percentage_error": ls.mdape, "rmse_log": ls.rmse_log,
                "error_on_cutoff_day": error_at_cut,
                "engine_runs": ls.evaluations, "correlations": _pairs(correlations),
                "date": date.today().isoformat(), "software": f"hashjoule {__version__}"},
        "parameters": {"growth_per_day": p.growth_per_day, "deployment_lag_days": p.deployment_lag_days,
                       "unprofitable_retirement_days": p.unprofitable_retirement_days,
                       "supply_ths_per_day": p.supply_ths_per_day, "supply_growth_per_year": p.supply_growth_per_year},
        "posterior": {"method": "least-squares estimate's Gaussian approximation, standard errors widened by "
                                "sqrt(n / n_eff) for the residuals' autocorrelation (AR(1)); lags weighted by "
                                "their likelihood with the same correction",
                      "seed": sample.seed, "particles": len(sample.distances),
                      "effective_sample_size": sample.method["effective_sample_size"],
                      "widening": sample.method["widening"], "lag_weights": sample.method["lag_weights"],
                      "discrepancy_rho": sample.method["discrepancy_rho"],
                      "discrepancy_sigma": sample.method["discrepancy_sigma"],
                      "largest_rmse_log": sample.tolerance,
                      "lag_frequencies": posterior.lag_frequencies(sample, tuple(sorted(ls.optima))),
                      "spread_narrowed_to_bounds": narrowed,
                      "particle": {k: [float(x) for x in v] for k, v in sample.samples.items()}},
        "distributions": distributions,
        "holdout": {"scenario": scenario, "window_start": check.start, "window_end": check.end,
                    "median_absolute_percentage_error": check.mdape, "rmse_log": check.rmse_log,
                    "coverage_5_95": check.coverage, "coverage_5_95_parameters": check.coverage_parameters,
                    "point_fit_mdape": check.mdape_point,
                    "relative_path_mdape": check.mdape_relative, "draws": check.draws,
                    "start": "from the observed hashrate on the cut-off day (the fleet's state scaled to it)",
                    "compared": "hashrate implied by the simulated blocks and difficulty, 7-day mean"},
    }


def _plain(value):
    """A value for a set file: a day as text, None as "none". [as given]"""
    if value is None:
        return "none"
    return f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else float(value)


def _pairs(correlations: xr.DataArray) -> dict[str, float]:
    """Upper triangle of a correlation matrix, keyed ``a~b``. [1]"""
    names = list(correlations.parameter.values)
    return {f"{a}~{b}": float(correlations.sel(parameter=a, other=b))
            for i, a in enumerate(names) for b in names[i + 1:]}


def _posterior_dataset(sample: posterior.Posterior, ls: fit.LeastSquaresFit, tables: dict) -> xr.Dataset:
    units = {"growth_per_day": "1/d", "unprofitable_retirement_days": "d", "deployment_lag_days": "d",
             "supply_ths_per_day": "TH/s per day", "supply_growth_per_year": "1/yr"}
    names = {"growth_per_day": "growth rate of orders", "unprofitable_retirement_days": "mean wait before scrapping",
             "deployment_lag_days": "deployment lag", "supply_ths_per_day": "shipment capacity on 2020-01-01",
             "supply_growth_per_year": "yearly growth of the shipment capacity"}
    variables = {k: ("particle", np.asarray(v, dtype=float), {"units": units[k], "long_name": names[k]})
                 for k, v in sample.samples.items()}
    variables["distance"] = ("particle", sample.distances, {"units": "1", "long_name": "RMSE of log hashrate"})
    attrs = {f"least_squares_{k}": float(getattr(ls.parameters, k)) for k in units}
    for k in FITTED:
        values = np.asarray(sample.samples[k], dtype=float)
        attrs[f"range_{k}"] = [float(values.min()), float(values.max())]
    attrs.update(particles=len(sample.distances), seed=sample.seed, widening=sample.method["widening"],
                 source="hashjoule calibrate (least squares, widened Gaussian approximation)")
    for k, d in tables["distributions"].items():
        attrs[f"{d['dist']}_{k}"] = [d["median"], d["sigma"]] if d["dist"] == "lognormal" else [d["mean"], d["sd"]]
    return xr.Dataset(variables, coords={"particle": np.arange(len(sample.distances))}, attrs=attrs)
