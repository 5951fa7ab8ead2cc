"""Historical replay: fit the deployment behaviour so that a no-policy world reproduces the
observed network hashrate, and score how well it does.

The engine is the deterministic ensemble run (median price path = observed prices, mean
epoch work), the target the observed daily hashrate (Coin Metrics, 7-day mean). Two
parameters are fitted by least squares on the log hashrate (Nelder-Mead): the growth
rate of deployments and the mean time before switched-off machines are scrapped; the
deployment lag is chosen from a short grid. ``python -m hashjoule.calibration.replay -o FILE``
refits and writes a set; copy it into ``hashjoule/calibration/sets/`` to bundle it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from hashjoule.output import atomic_path
from hashjoule.simulation.engine_ensemble import run_batch
from hashjoule.simulation.history import daily_inputs
from hashjoule.simulation.inputs import FleetParameters, ModelInputs
from hashjoule.simulation.world import baseline_inputs

#: Window of the fit: from the first full year of the Cambridge hardware list's ASIC era to
#: the last month before China's 2021 crackdown, which a no-policy world cannot reproduce.
FIT_START, FIT_END = "2016-01-01", "2021-04-30"
#: Deployment lags tried. [d]
LAGS_DAYS = (30, 90, 180)
#: Name of the bundled parameter set.
SET_NAME = "replay-2016-2021"


@dataclass(frozen=True)
class ReplayFit:
    """A fitted parameter set and its scores.

    Attributes
    ----------
    parameters : FleetParameters
    start, end : str
        Window of the fit.
    mdape : float
        Median absolute percentage error of the daily hashrate in the window. [1]
    rmse_log : float
        Root-mean-square error of the log hashrate in the window. [1]
    evaluations : int
        Engine runs the fit took.
    """

    parameters: FleetParameters
    start: str
    end: str
    mdape: float
    rmse_log: float
    evaluations: int


def observed_hashrate_ths(start: str, end: str) -> np.ndarray:
    """Observed network hashrate, trailing 7-day mean. [TH/s]"""
    hashrate = daily_inputs().hashrate.rolling(time=7, min_periods=1).mean()
    return hashrate.sel(time=slice(start, end)).to_numpy()


def simulated_hashrate_ths(inputs: ModelInputs, parameters: FleetParameters) -> np.ndarray:
    """Network hashrate of the deterministic run. [TH/s]"""
    ds = run_batch(inputs.with_changes(fleet=parameters), [0], seed=None)
    return ds.hashrate.sum("region").isel(draw=0).to_numpy() * 1e6


def score(simulated: np.ndarray, observed: np.ndarray) -> tuple[float, float]:
    """Median absolute percentage error and RMSE of the log, of simulated vs observed."""
    return (float(np.median(np.abs(simulated / observed - 1))),
            float(np.sqrt(np.mean((np.log(simulated) - np.log(observed)) ** 2))))


def fit(start: str = FIT_START, end: str = FIT_END, lags=LAGS_DAYS, max_evaluations: int = 80,
        observed: np.ndarray | None = None) -> ReplayFit:
    """Fit growth rate and retirement time for each lag; keep the best.

    Parameters
    ----------
    start, end : str
        Window; only data up to ``end`` enter the fit.
    lags : sequence of int
        Deployment lags to try. [d]
    max_evaluations : int
        Engine runs allowed per lag.
    observed : numpy.ndarray, optional
        Daily hashrate to fit [TH/s]; default the observed one (Coin Metrics, 7-day mean).
    """
    inputs = baseline_inputs(start, end)
    observed = observed_hashrate_ths(start, end) if observed is None else np.asarray(observed, dtype=float)
    best, runs = None, 0
    for lag in lags:
        def loss(x, lag=lag):
            g, tau = np.exp(x)
            simulated = simulated_hashrate_ths(inputs, FleetParameters(float(g), int(lag), float(max(tau, 1.0))))
            return score(simulated, observed)[1] ** 2

        result = minimize(loss, np.log([0.004, 60.0]), method="Nelder-Mead",
                          options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-6})
        runs += result.nfev
        if best is None or result.fun < best[0]:
            best = (result.fun, lag, result.x)
    _, lag, x = best
    g, tau = np.exp(x)
    parameters = FleetParameters(float(g), int(lag), float(max(tau, 1.0)))
    mdape, rmse = score(simulated_hashrate_ths(inputs, parameters), observed)
    return ReplayFit(parameters, start, end, mdape, rmse, runs)


def _sets_folder():
    return resources.files("hashjoule.calibration").joinpath("sets")


def read_set(path) -> FleetParameters:
    """Fleet parameters from a set file (``[parameters]`` table of a TOML file)."""
    values = tomllib.loads(Path(path).read_text(encoding="utf-8"))["parameters"]
    return FleetParameters(values["growth_per_day"], int(values["deployment_lag_days"]),
                           values["unprofitable_retirement_days"], values.get("max_growth_per_day", float("inf")))


def load_set(name: str = SET_NAME) -> FleetParameters:
    """Fleet parameters of a bundled set."""
    path = _sets_folder().joinpath(f"{name}.toml")
    if not path.is_file():
        raise KeyError(f"no calibrated set {name!r}")
    with resources.as_file(path) as file:
        return read_set(file)


def write_set(result: ReplayFit, path: Path) -> None:
    """Write a fitted set as TOML (atomically), with its window, method and scores."""
    p = result.parameters
    text = f"""# Fleet parameters fitted by hashjoule.calibration.replay (regenerate: python -m hashjoule.calibration.replay -o FILE)
[fit]
window_start = "{result.start}"
window_end = "{result.end}"
method = "least squares on log daily hashrate, deterministic ensemble run, Nelder-Mead; lag from a grid"
target = "Coin Metrics implied hashrate, trailing 7-day mean"
median_absolute_percentage_error = {result.mdape:.4f}
rmse_log = {result.rmse_log:.4f}
engine_runs = {result.evaluations}
date = "{date.today().isoformat()}"

[parameters]
growth_per_day = {p.growth_per_day:.6g}          # 1/d
deployment_lag_days = {p.deployment_lag_days}       # d
unprofitable_retirement_days = {p.unprofitable_retirement_days:.6g}   # d
max_growth_per_day = {p.max_growth_per_day:.6g}         # 1/d (inf: no supply limit)
"""
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(text, encoding="utf-8")


def main(argv=None) -> None:
    """Refit and write the set to a file (copy it into hashjoule/calibration/sets/ to bundle it)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m hashjoule.calibration.replay", description=main.__doc__)
    parser.add_argument("-o", "--output", default=f"{SET_NAME}.toml", help="file to write (default: %(default)s)")
    target = Path(parser.parse_args(argv).output)
    fitted = fit()
    write_set(fitted, target)
    print(f"{fitted}\nwrote {target}")


if __name__ == "__main__":
    main()
