"""Variance-based (Sobol) sensitivity of a scenario's headline results to its uncertain parameters.

The factors are the uncertain parameters of the scenario and of its baseline (a parameter
both have takes one value in both runs), plus one factor for the random streams of prices
and block times, so that the variance the model's own randomness adds is counted and
ranked like any other. Saltelli's design and the Jansen / Saltelli estimators come from
SALib (Herman and Usher, 2017); each design point is one draw of the scenario and one
paired draw of the baseline on the ensemble engine.

Outputs (per design point):

- ``energy_<year>``: the scenario's network electricity use in the first year compared [TWh];
- ``co2_avoided_china``: baseline minus scenario CO2 in China over the years compared [Mt];
- ``net_global_change``: scenario minus baseline world electricity over the years compared
  [TWh] (negative: a saving).

Reading the indices: S1 is the share of an output's variance a factor explains alone, ST
the share it explains with all its interactions; ST near 0 means the factor can be fixed
at any value without changing the output; ST - S1 large means the factor acts through
interactions. The confidence intervals are SALib's bootstrap 95 % intervals: with few
samples they are wide, and small negative indices are estimation noise.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule.scenarios.compare import period_totals
from hashjoule.scenarios.uncertain import describe
from hashjoule.simulation import engine_ensemble
from hashjoule.simulation.parallel import client, run_batches
from hashjoule.simulation.summary import ANNUAL

#: Name of the factor that stands for the random streams of prices and blocks.
STREAMS = "random streams (price path, block times)"
#: Design points per engine batch. [draws]
BATCH = 250


def _outputs(scenario: xr.Dataset, baseline: xr.Dataset, first: int, last: int) -> np.ndarray:
    """The three headline outputs per design point. (n, 3)"""
    s, b = period_totals(scenario, first, last), period_totals(baseline, first, last)
    energy = scenario.annual_energy.sel(year=first).sum("region")
    return np.column_stack([energy.to_numpy(), (b.co2_china - s.co2_china).to_numpy(),
                            (s.energy_world - b.energy_world).to_numpy()])


def _run_points(scenario, baseline, seed: int, years: tuple[int, int], task) -> np.ndarray:
    """Outputs at design points ``task`` = (rows of u over all factors (n, P), factor names)."""
    u, names = task
    streams = np.floor(u[:, names.index(STREAMS)] * 2**31).astype(np.int64)
    runs = []
    for inputs, space in (scenario, baseline):
        columns = [names.index(n) for n in space.names]
        values = space.values(u[:, columns]) if space.names else None
        summary = engine_ensemble.summarise(inputs, streams, seed, values)
        runs.append(summary[list(ANNUAL)].assign_coords(draw=np.arange(u.shape[0])))
    return _outputs(runs[0], runs[1], *years)


def design(names: list[str], samples: int, seed: int) -> tuple[dict, np.ndarray]:
    """SALib's problem over the unit hypercube and Saltelli's design for it, N (P + 2) rows."""
    from SALib.sample import sobol as sample

    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    points = sample.sample(problem, int(samples), calc_second_order=False, seed=int(seed))
    # the unit interval's ends map to infinite quantiles for unbounded distributions: stay inside
    return problem, np.clip(points, 1e-9, 1 - 1e-9)


def evaluate(points: np.ndarray, names: list[str], scenario, baseline, seed: int, years: tuple[int, int],
             workers: int | None = None, scheduler: str | None = None, progress: bool = False) -> np.ndarray:
    """The three outputs at every design point, in batches of :data:`BATCH` paired draws. (n, 3)"""
    tasks = [(points[a:a + BATCH], names) for a in range(0, len(points), BATCH)]
    outputs = np.empty((len(points), 3))
    with client(workers, scheduler) as dask_client:
        for i, result in run_batches(_run_points, tasks, (scenario, baseline, int(seed), years), dask_client,
                                     progress, [len(t[0]) for t in tasks], "sensitivity"):
            outputs[i * BATCH:i * BATCH + len(result)] = result
    return outputs


def analyse(problem: dict, outputs: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """S1, S1_conf, ST and ST_conf of every output column, (outputs, factors) each."""
    from SALib.analyze import sobol as analyze

    indices = {key: np.empty((outputs.shape[1], problem["num_vars"])) for key in ("S1", "S1_conf", "ST", "ST_conf")}
    for k in range(outputs.shape[1]):
        # a generator, not the int: SALib ignores a seed of 0 (its bootstrap would vary run to run)
        result = analyze.analyze(problem, outputs[:, k], calc_second_order=False,
                                 seed=np.random.default_rng([int(seed), k]))
        for key in indices:
            indices[key][k] = result[key]
    return indices


_LONG_NAMES = {"S1": "first-order Sobol index", "S1_conf": "95 % confidence half-width of S1",
               "ST": "total-order Sobol index", "ST_conf": "95 % confidence half-width of ST"}


def indices_dataset(indices: dict[str, np.ndarray], outputs: np.ndarray, names: list[str], labels: list[str],
                    first: int) -> xr.Dataset:
    """The indices over (output, parameter) with the outputs' units, mean and spread."""
    ds = xr.Dataset({key: (("output", "parameter"), value, {"units": "1", "long_name": _LONG_NAMES[key]})
                     for key, value in indices.items()},
                    coords={"output": [f"energy_{first}", "co2_avoided_china", "net_global_change"],
                            "parameter": names, "output_units": ("output", ["TWh", "Mt", "TWh"]),
                            "parameter_label": ("parameter", labels)})
    ds["output_mean"] = ("output", outputs.mean(axis=0),
                         {"units": "see output_units", "long_name": "mean of the output over the design"})
    ds["output_std"] = ("output", outputs.std(axis=0, ddof=1),
                        {"units": "see output_units", "long_name": "standard deviation of the output over the design"})
    return ds


def sobol_indices(scenario, baseline, samples: int = 256, seed: int = 0, years: tuple[int, int] | None = None,
                  workers: int | None = None, scheduler: str | None = None, progress: bool = False) -> xr.Dataset:
    """First-order and total Sobol indices of the headline outputs.

    Parameters
    ----------
    scenario, baseline : tuple of (ModelInputs, ParameterSpace)
        Resolved scenario and baseline (same period).
    samples : int
        Base samples N of Saltelli's design (a power of 2); the model runs N (P + 2) paired
        draws for P factors.
    seed : int
        Seed of the design and of the engines' streams.
    years : (int, int)
        First and last year compared (default 2021 to the run's last year).

    Returns
    -------
    xarray.Dataset
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` over (output, parameter) [1], the outputs'
        mean and standard deviation over the design, the scenario's name as the scalar
        coordinate ``scenario`` (results of several scenarios concatenate along it), and the
        design in the attributes.
    """
    last = int(str(scenario[0].time[-1])[:4])
    first, last = years or (2021, last)
    names = list(dict.fromkeys([*scenario[1].names, *baseline[1].names, STREAMS]))
    problem, points = design(names, samples, seed)
    outputs = evaluate(points, names, scenario, baseline, seed, (first, last), workers, scheduler, progress)
    spaces = (scenario[1], baseline[1])
    labels = [next((describe(sp.scenario, n) for sp in spaces if n in sp.names), n) for n in names]
    ds = indices_dataset(analyse(problem, outputs, seed), outputs, names, labels, first)
    ds = ds.assign_coords(scenario=str(scenario[1].scenario.name))
    ds.attrs.update(title="hashjoule Sobol sensitivity", samples=int(samples), model_runs=int(len(points)),
                    first_year=first, last_year=last, seed=int(seed), method="Saltelli design, SALib sobol.analyze "
                    "(first and total order, bootstrap confidence)")
    return ds


def ranked_table(ds: xr.Dataset, output: str) -> list[tuple[str, float, float, float, float]]:
    """(parameter, ST, ST_conf, S1, S1_conf) of one output, by decreasing total index."""
    sel = ds.sel(output=output)
    rows = [(str(p), float(sel.ST.sel(parameter=p)), float(sel.ST_conf.sel(parameter=p)),
             float(sel.S1.sel(parameter=p)), float(sel.S1_conf.sel(parameter=p))) for p in ds.parameter.values]
    return sorted(rows, key=lambda row: -row[1])
