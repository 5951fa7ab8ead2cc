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
from hashjoule.simulation.runner import annual_totals

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
        ds = engine_ensemble.run_batch(inputs, streams, seed, None, values)
        runs.append(annual_totals(ds).assign_coords(draw=np.arange(u.shape[0])))
    return _outputs(runs[0], runs[1], *years)


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
        mean and standard deviation over the design, and the design size in the attributes.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    inputs = scenario[0]
    last = int(str(inputs.time[-1])[:4])
    first, last = years or (2021, last)
    names = list(dict.fromkeys([*scenario[1].names, *baseline[1].names, STREAMS]))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    design = sample.sample(problem, int(samples), calc_second_order=False, seed=int(seed))
    # the unit interval's ends map to infinite quantiles for unbounded distributions: stay inside
    design = np.clip(design, 1e-9, 1 - 1e-9)
    tasks = [(design[a:a + BATCH], names) for a in range(0, len(design), BATCH)]
    outputs = np.empty((len(design), 3))
    with client(workers, scheduler) as dask_client:
        for i, result in run_batches(_run_points, tasks, (scenario, baseline, int(seed), (first, last)), dask_client,
                                     progress, [len(t[0]) for t in tasks], "sensitivity"):
            outputs[i * BATCH:i * BATCH + len(result)] = result
    labels = [f"energy_{first}", "co2_avoided_china", "net_global_change"]
    units = ["TWh", "Mt", "TWh"]
    indices = {key: np.empty((3, len(names))) for key in ("S1", "S1_conf", "ST", "ST_conf")}
    for k in range(3):
        # a generator, not the int: SALib ignores a seed of 0 (its bootstrap would vary run to run)
        result = analyze.analyze(problem, outputs[:, k], calc_second_order=False,
                                 seed=np.random.default_rng([int(seed), k]))
        for key in indices:
            indices[key][k] = result[key]
    long = {"S1": "first-order Sobol index", "S1_conf": "95 % confidence half-width of S1",
            "ST": "total-order Sobol index", "ST_conf": "95 % confidence half-width of ST"}
    ds = xr.Dataset({key: (("output", "parameter"), value, {"units": "1", "long_name": long[key]})
                     for key, value in indices.items()},
                    coords={"output": labels, "parameter": names,
                            "output_units": ("output", units)})
    ds["output_mean"] = ("output", outputs.mean(axis=0),
                         {"units": "see output_units", "long_name": "mean of the output over the design"})
    ds["output_std"] = ("output", outputs.std(axis=0, ddof=1),
                        {"units": "see output_units", "long_name": "standard deviation of the output over the design"})
    spaces = (scenario[1], baseline[1])
    labels_of = [next((describe(sp.scenario, n) for sp in spaces if n in sp.names), n) for n in names]
    ds = ds.assign_coords(parameter_label=("parameter", labels_of))
    ds.attrs.update(title="hashjoule Sobol sensitivity", samples=int(samples), model_runs=int(len(design)),
                    first_year=first, last_year=last, seed=int(seed), method="Saltelli design, SALib sobol.analyze "
                    "(first and total order, bootstrap confidence)")
    return ds


def ranked_table(ds: xr.Dataset, output: str) -> list[tuple[str, float, float, float, float]]:
    """(parameter, ST, ST_conf, S1, S1_conf) of one output, by decreasing total index."""
    sel = ds.sel(output=output)
    rows = [(str(p), float(sel.ST.sel(parameter=p)), float(sel.ST_conf.sel(parameter=p)),
             float(sel.S1.sel(parameter=p)), float(sel.S1_conf.sel(parameter=p))) for p in ds.parameter.values]
    return sorted(rows, key=lambda row: -row[1])
