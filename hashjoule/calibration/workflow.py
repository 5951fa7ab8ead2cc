"""One calibration, end to end: fit up to a cut-off, posterior, out-of-sample check, parameter set.

:func:`calibrate` is what ``hashjoule calibrate`` and :func:`hashjoule.api.calibrate` run.
Its result carries the set's tables (see :mod:`hashjoule.calibration.parameter_sets`) and
two Datasets for the figures of :mod:`hashjoule.figures.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule import __version__
from hashjoule.calibration import fit, holdout
from hashjoule.calibration import observed as obs
from hashjoule.scenarios.uncertain import ParameterSpace

#: Default prior draws of the posterior (each one engine run of ~0.3 s for 2016-2021).
DRAWS = 400
#: Share of the prior draws kept in the posterior. [1]
ACCEPT = 0.1
#: Unit comments written beside the set's values.
UNITS = {("parameters", "growth_per_day"): "1/d", ("parameters", "deployment_lag_days"): "d",
         ("parameters", "unprofitable_retirement_days"): "d",
         ("parameters", "supply_ths_per_day"): "TH/s per day on 2020-01-01 (inf: no supply limit)",
         ("parameters", "supply_growth_per_year"): "1/yr",
         ("distributions", "growth_per_day"): "1/d", ("distributions", "unprofitable_retirement_days"): "d",
         ("distributions", "supply_ths_per_day"): "TH/s per day", ("distributions", "supply_growth_per_year"): "1/yr",
         ("posterior", "lag_frequencies"): "share of accepted particles by lag [d]",
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
    abc : fit.Posterior
    check : holdout.HoldoutScore
    """

    tables: dict
    paths: xr.Dataset
    posterior: xr.Dataset
    least_squares: fit.LeastSquaresFit
    abc: fit.Posterior
    check: holdout.HoldoutScore


def calibrate(until: str = fit.FIT_END, draws: int = DRAWS, seed: int = 0, accept: float = ACCEPT,
              start: str = fit.FIT_START, lags=fit.LAGS_DAYS, max_evaluations: int = 40,
              scenario: str = holdout.SCENARIO) -> Calibration:
    """Fit the fleet parameters on data up to ``until`` and check them after it.

    Parameters
    ----------
    until : str
        Cut-off: last day of data the fits see (2017-01-01 to 2022-12-31 leaves a year to
        fit and a month to check).
    draws : int
        Prior draws of the likelihood-free fit (engine runs).
    seed : int
        Root seed of the posterior and of the forecast's random epoch work.
    accept : float
        Share of the prior draws kept. [1]
    start : str
        First day of the fit.
    lags : sequence of int
        Deployment lags tried. [d]
    max_evaluations : int
        Engine runs allowed per lag in the least-squares fit.
    scenario : str
        Scenario run forward for the out-of-sample check.
    """
    check_start, check_end = holdout.check_window(until)
    inputs, observed = fit.targets(until, start, scenario)
    ls = fit.least_squares(inputs, observed, lags, max_evaluations)
    correlations = fit.parameter_correlations(inputs, observed, ls.parameters)
    prior = fit.Prior(lags_days=tuple(lags))
    abc = fit.abc_rejection(inputs, observed, draws, accept, seed, prior)
    world, forecast_inputs = fit.scenario_world(scenario, check_end, start)
    paths = holdout.forecast(forecast_inputs, abc, ls.parameters, ParameterSpace(world, forecast_inputs))
    observed_ehs = obs.daily_hashrate(check_end).sel(time=slice(start, check_end)) / 1e6
    check = holdout.score_forecast(paths, observed_ehs, check_start, check_end)
    cut = pd.Timestamp(check_start) - pd.Timedelta(days=1)
    fitted = np.full(paths.time.size, np.nan)
    fitted[: inputs.days] = fit.simulated_hashrate_ths(inputs, ls.parameters) / 1e6
    paths = paths.assign(observed=("time", observed_ehs.to_numpy(), {"units": "EH/s", "long_name": "observed hashrate, "
                                   "trailing 7-day mean (Coin Metrics)"}),
                         fitted=("time", fitted, {"units": "EH/s", "long_name": "fit, no mining policy"}))
    paths.attrs.update(cutoff=f"{cut:%Y-%m-%d}", check_start=check.start, check_end=check.end, scenario=scenario,
                       mdape_in_sample=ls.mdape, mdape_check=check.mdape, rmse_log_check=check.rmse_log,
                       coverage_check=check.coverage, source="hashjoule calibrate; observed: Coin Metrics (CC BY-NC 4.0)")
    tables = _tables(start, cut, ls, correlations, abc, check, scenario, prior, accept)
    return Calibration(tables, paths, _posterior_dataset(abc, ls, tables, prior), ls, abc, check)


def _tables(start, cut, ls, correlations, abc, check, scenario, prior, accept) -> dict:
    (g0, g1), (r0, r1) = prior.growth_per_day, prior.retirement_days
    (s0, s1), (q0, q1) = prior.supply_ths_per_day, prior.supply_growth_per_year
    distributions, narrowed = fit.marginals(abc)
    p = ls.parameters
    return {
        "fit": {"window_start": str(start), "window_end": f"{cut:%Y-%m-%d}",
                "method": "least squares on the log daily hashrate, deterministic ensemble run in the scenario's "
                          "world up to the cut-off, scipy.optimize.least_squares (trust region); lag from a grid",
                "scenario": scenario,
                "target": "Coin Metrics implied hashrate, trailing 7-day mean",
                "median_absolute_percentage_error": ls.mdape, "rmse_log": ls.rmse_log,
                "engine_runs": ls.evaluations, "correlations": _pairs(correlations),
                "date": date.today().isoformat(), "software": f"hashjoule {__version__}"},
        "parameters": {"growth_per_day": p.growth_per_day, "deployment_lag_days": p.deployment_lag_days,
                       "unprofitable_retirement_days": p.unprofitable_retirement_days,
                       "supply_ths_per_day": p.supply_ths_per_day, "supply_growth_per_year": p.supply_growth_per_year},
        "posterior": {"method": "ABC rejection, one random ensemble draw per prior draw, distance = RMSE of the log "
                                "7-day mean hashrate", "seed": abc.seed, "proposals": abc.proposals,
                      "accepted": len(abc.distances), "accept_share": accept, "tolerance_rmse_log": abc.tolerance,
                      "prior": f"log-uniform growth {g0:g}-{g1:g} /d, log-uniform retirement {r0:g}-{r1:g} d, "
                               f"log-uniform shipment capacity {s0:g}-{s1:g} TH/s per day, uniform capacity growth "
                               f"{q0:g}-{q1:g} /yr, uniform lag over "
                               + ", ".join(str(int(v)) for v in prior.lags_days) + " d",
                      "lag_frequencies": fit.lag_frequencies(abc, prior.lags_days),
                      "sigma_narrowed_to_bounds": narrowed},
        "distributions": distributions,
        "holdout": {"scenario": scenario, "window_start": check.start, "window_end": check.end,
                    "median_absolute_percentage_error": check.mdape, "rmse_log": check.rmse_log,
                    "coverage_5_95": check.coverage, "point_fit_mdape": check.mdape_point,
                    "relative_path_mdape": check.mdape_relative, "draws": check.draws},
    }


def _pairs(correlations: xr.DataArray) -> dict[str, float]:
    """Upper triangle of a correlation matrix, keyed ``a~b``. [1]"""
    names = list(correlations.parameter.values)
    return {f"{a}~{b}": float(correlations.sel(parameter=a, other=b))
            for i, a in enumerate(names) for b in names[i + 1:]}


def _posterior_dataset(abc: fit.Posterior, ls: fit.LeastSquaresFit, tables: dict, prior: fit.Prior) -> xr.Dataset:
    units = {"growth_per_day": "1/d", "unprofitable_retirement_days": "d", "deployment_lag_days": "d",
             "supply_ths_per_day": "TH/s per day", "supply_growth_per_year": "1/yr"}
    names = {"growth_per_day": "growth rate of orders", "unprofitable_retirement_days": "mean wait before scrapping",
             "deployment_lag_days": "deployment lag", "supply_ths_per_day": "shipment capacity on 2020-01-01",
             "supply_growth_per_year": "yearly growth of the shipment capacity"}
    variables = {k: ("particle", np.asarray(v, dtype=float), {"units": units[k], "long_name": names[k]})
                 for k, v in abc.samples.items()}
    variables["distance"] = ("particle", abc.distances, {"units": "1", "long_name": "RMSE of log hashrate"})
    attrs = {f"least_squares_{k}": float(getattr(ls.parameters, k)) for k in units}
    attrs.update(prior_growth_per_day=list(prior.growth_per_day), prior_unprofitable_retirement_days=list(prior.retirement_days),
                 prior_supply_ths_per_day=list(prior.supply_ths_per_day),
                 prior_supply_growth_per_year=list(prior.supply_growth_per_year),
                 proposals=abc.proposals, seed=abc.seed, source="hashjoule calibrate (ABC rejection)")
    for k, d in tables["distributions"].items():
        attrs[f"{d['dist']}_{k}"] = [d["median"], d["sigma"]] if d["dist"] == "lognormal" else [d["mean"], d["sd"]]
    return xr.Dataset(variables, coords={"particle": np.arange(len(abc.distances))}, attrs=attrs)
