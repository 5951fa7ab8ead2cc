"""The Python entry points that the command line mirrors, wiring inputs, engines and outputs."""

from __future__ import annotations

import xarray as xr

from hashjoule.errors import InputError

from hashjoule.calibration.replay import SET_NAME, load_set
from hashjoule.simulation.runner import simulate as run_engine
from hashjoule.simulation.world import baseline_inputs


def simulate(start="2016-01-01", end="2023-12-31", engine: str = "ensemble", draws: int = 100,
             seed: int | None = 0, batch_size: int | None = None, keep_draws: bool | None = None,
             progress: bool = False, parameter_set: str = SET_NAME) -> xr.Dataset:
    """Simulate the world without mining policy (``hashjoule simulate``).

    Parameters
    ----------
    start, end : str
        First and last day; the start must lie in the bundled chain data (2010-07-26 to
        2023-02-25), the end may be later (prices and hardware are then projected).
    engine : {"ensemble", "des"}
        Vectorised Monte Carlo engine, or the per-block discrete-event engine.
    draws : int
        Monte Carlo draws.
    seed : int or None
        Root seed; ``None`` runs one deterministic draw.
    batch_size, keep_draws, progress
        See :func:`hashjoule.simulation.runner.simulate`.
    parameter_set : str
        Calibrated fleet parameters (``hashjoule/calibration/sets/<name>.toml``).

    Returns
    -------
    xarray.Dataset
        Daily results by draw and region (or their means over draws), annual totals per
        draw, epoch statistics; attributes record the engine, seed and parameter set.
    """
    inputs = baseline_inputs(start, end, load_set(parameter_set))
    ds = run_engine(inputs, engine, draws, seed, batch_size, keep_draws, progress)
    ds.attrs.update(parameter_set=parameter_set, scenario="baseline world without mining policy (no scenario file)")
    return ds


def run_scenario(source: str, draws: int | None = None, seed: int | None = None, engine: str | None = None,
                 batch_size: int | None = None, keep_draws: bool | None = None, progress: bool = False):
    """Run a scenario file or bundled scenario (``hashjoule run``).

    Parameters
    ----------
    source : str
        Bundled name (``hashjoule scenarios list``) or path to a TOML file.
    draws, seed, engine : optional
        Override the file's ``[run]`` values.

    Returns
    -------
    ds : xarray.Dataset
        As :func:`simulate`, with the scenario's text and name in the attributes.
    scenario : hashjoule.scenarios.schema.Scenario
    """
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve

    scenario, text = load_scenario(source)
    inputs = resolve(scenario, source)
    draws = scenario.run.draws if draws is None else draws
    seed = scenario.run.seed if seed is None else seed
    ds = run_engine(inputs, engine or scenario.run.engine, draws, seed, batch_size, keep_draws, progress)
    ds.attrs.update(scenario=scenario.name, scenario_text=text, parameter_set=scenario.fleet.parameter_set)
    return ds, scenario


def compare(sources: list[str], baseline: str = "baseline", first_year: int | None = None,
            last_year: int | None = None, draws: int | None = None, seed: int | None = None,
            progress: bool = False, paired: bool = True):
    """Run scenarios and a baseline with common random numbers and summarise the differences
    (``hashjoule compare``).

    Returns
    -------
    table : pandas.DataFrame
        Per scenario: mean and 5-95 % interval of energy saved in China [TWh], net global
        change [TWh], CO2 avoided in China and net global [Mt], and household-years.
    period : tuple of int
        The years compared.
    """
    from hashjoule.scenarios.compare import paired_differences, summarise
    from hashjoule.scenarios.load import load_scenario
    from hashjoule.scenarios.resolve import resolve
    from hashjoule.simulation.accounting import household

    # every file is checked, and the runs made comparable, before anything runs
    loaded = {source: load_scenario(source)[0] for source in [baseline, *sources]}
    for source, scenario in loaded.items():
        resolve(scenario, source)
    base_run = loaded[baseline]
    for source in sources:
        s = loaded[source]
        for key, mine, theirs in (("run.start", s.run.start, base_run.run.start), ("run.end", s.run.end, base_run.run.end),
                                  ("fleet.parameter_set", s.fleet.parameter_set, base_run.fleet.parameter_set)):
            if mine != theirs:
                raise InputError.single(source, key, f"the baseline's value ({theirs}) for a paired comparison", str(mine))
    names = [loaded[source].name for source in sources]
    for source, name in zip(sources, names):
        if names.count(name) > 1 or name == base_run.name:
            raise InputError.single(source, "name", "a scenario name not used by another compared scenario", repr(name))
    first = first_year or 2021
    last = last_year or base_run.run.end.year
    span = f"whole years within the run, {base_run.run.start.year} to {base_run.run.end.year}"
    if not base_run.run.start.year <= first <= last <= base_run.run.end.year:
        raise InputError.single("--from-year/--to-year", "", span, f"{first}-{last}")

    draws = draws if draws is not None else base_run.run.draws
    seed = seed if seed is not None else base_run.run.seed
    base, _ = run_scenario(baseline, draws, seed, progress=progress, keep_draws=False)
    differences = {}
    for source in sources:
        ds, scenario = run_scenario(source, draws, seed, progress=progress, keep_draws=False)
        differences[scenario.name] = paired_differences(ds, base, first, last, paired=paired)
    return summarise(differences, household("china3").kwh_per_year), (first, last)


def figures(names: list[str] | None = None, output=".", formats=("png",), progress: bool = False,
            command: str | None = None, draws: int | None = None) -> dict:
    """Remake bundled figures from the bundled scenarios and data (``hashjoule figures``).

    Parameters
    ----------
    names : list of str, optional
        Figure names (:data:`hashjoule.gallery.RECIPES`); default all.
    output : path-like
        Folder for the figures, their data (CSV) and ``manifest.json``.
    formats : sequence of {"png", "svg", "pdf"}
    draws : int, optional
        Draws of every simulation (default: those of the documented figures).

    Returns
    -------
    dict
        The manifest (see :func:`hashjoule.gallery.make_figures`).
    """
    from hashjoule.gallery import make_figures

    return make_figures(names, output, formats, progress, command, draws)


def report(source: str, output, compare=(), baseline: str = "baseline", draws: int | None = None,
           seed: int | None = None, progress: bool = False, command: str | None = None):
    """Write a self-contained HTML report of a scenario (``hashjoule report``).

    Headline numbers with 5-95 % intervals, figures, the comparison with the baseline, the
    assumptions with their sources and the article-claims check; see
    :func:`hashjoule.htmlreport.build_report`. Returns the path of ``report.html``.
    """
    from hashjoule.htmlreport import build_report

    return build_report(source, output, compare, baseline, draws, seed, progress, command)
