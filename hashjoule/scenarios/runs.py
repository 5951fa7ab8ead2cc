"""Running scenarios: the baseline world, a scenario file, a paired comparison and a Sobol
analysis, each from a name or a file to an xarray Dataset; the summary of a finished run.
:mod:`hashjoule.api`, the reports and the command line call these.

Every function here that runs the model goes through :func:`run_scenario` (or, for the
world without policy, :func:`simulate`), each scenario once.
"""

from __future__ import annotations

import xarray as xr

from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.errors import InputError
from hashjoule.estimates.accounting import household
from hashjoule.network.chain import TARGET_SPACING_S
from hashjoule.scenarios.compare import paired_differences, summarise
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.parameter_sets import SET_NAME, load_set
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.schema import Emissions
from hashjoule.scenarios.sensitivity import sobol_indices
from hashjoule.scenarios.uncertain import ParameterSpace
from hashjoule.simulation.runner import STALLED_SHARE_OF_BLOCKS
from hashjoule.simulation.runner import simulate as run_engine
from hashjoule.simulation.world import baseline_inputs


def simulate(start="2016-01-01", end="2023-12-31", engine: str = "ensemble", draws: int = 100,
             seed: int | None = 0, batch_size: int | None = None, keep_draws: bool | None = None,
             progress: bool = False, parameter_set: str = SET_NAME, workers: int | None = None,
             scheduler: str | None = None) -> xr.Dataset:
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
    batch_size, keep_draws, progress, workers, scheduler
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
    ds = run_engine(inputs, engine, draws, seed, batch_size, keep_draws, progress, workers=workers, scheduler=scheduler)
    ds.attrs.update(parameter_set=parameter_set, scenario="baseline world without mining policy (no scenario file)")
    return ds


def with_emissions(scenario, emissions: str | None):
    """The scenario with its ``[emissions] basis`` replaced (``"average"`` or ``"marginal"``; None: kept)."""
    if emissions is None:
        return scenario
    try:
        return scenario.model_copy(update={"emissions": Emissions(basis=emissions)})
    except ValueError:
        raise InputError.single("emissions", "", "average or marginal", repr(emissions)) from None


def load(source: str, emissions: str | None = None):
    """A scenario, its text, its central world and its uncertain parameters.

    ``emissions`` (``"average"`` or ``"marginal"``) replaces the file's ``[emissions] basis``.

    Returns
    -------
    scenario : hashjoule.scenarios.schema.Scenario
    text : str
        The file's text (recorded in outputs).
    inputs : ModelInputs
    space : hashjoule.scenarios.uncertain.ParameterSpace
    """
    scenario, text = load_scenario(source)
    scenario = with_emissions(scenario, emissions)
    inputs = resolve(scenario, source)
    return scenario, text, inputs, ParameterSpace(scenario, inputs)


def run_scenario(source: str, draws: int | None = None, seed: int | None = None, engine: str | None = None,
                 batch_size: int | None = None, keep_draws: bool | None = None, progress: bool = False,
                 workers: int | None = None, scheduler: str | None = None, checkpoint=None, resume: bool = False,
                 emissions: str | None = None):
    """Run a scenario file or bundled scenario (``hashjoule run``).

    Parameters
    ----------
    source : str
        Bundled name (``hashjoule scenarios list``) or path to a TOML file.
    draws, seed, engine : optional
        Override the file's ``[run]`` values.
    batch_size, keep_draws, progress, workers, scheduler, checkpoint, resume
        See :func:`hashjoule.simulation.runner.simulate`.
    emissions : {"average", "marginal"}, optional
        Override the file's ``[emissions] basis``: grid factors of every generator, or of the
        generation an added load sets running.

    Returns
    -------
    ds : xarray.Dataset
        Summaries over draws (and the draws if kept), with the scenario's text and name
        in the attributes. Every draw samples the file's distributions.
    scenario : hashjoule.scenarios.schema.Scenario
    """
    scenario, text, inputs, space = load(source, emissions)
    draws = scenario.run.draws if draws is None else draws
    seed = scenario.run.seed if seed is None else seed
    identity = {"scenario": scenario.name, "scenario_text": text,
                **({} if emissions is None else {"emission_basis": emissions})}
    ds = run_engine(inputs, engine or scenario.run.engine, draws, seed, batch_size, keep_draws, progress,
                    space=space, workers=workers, scheduler=scheduler, checkpoint=checkpoint, resume=resume,
                    identity=identity)
    ds.attrs.update(scenario=scenario.name, scenario_text=text, parameter_set=scenario.fleet.parameter_set,
                    emission_basis=scenario.emissions.basis)
    return ds, scenario


def comparable(sources: list[str], baseline: str, emissions: str | None = None) -> dict:
    """Load the scenarios and the baseline, refusing runs that cannot be paired.

    Every file is loaded and resolved, then each scenario is checked against the baseline:
    the same run period, fleet parameter set and emission basis, and a name of its own
    (``emissions`` replaces every file's basis).

    Returns
    -------
    dict of str to Scenario
        The validated scenarios by source, the baseline's included.

    Raises
    ------
    hashjoule.errors.InputError
        Naming the file and key that prevent the pairing.
    """
    # every file is checked, and the runs made comparable, before anything runs
    loaded = {source: with_emissions(load_scenario(source)[0], emissions) for source in [baseline, *sources]}
    for source, scenario in loaded.items():
        resolve(scenario, source)
    base_run = loaded[baseline]
    for source in sources:
        s = loaded[source]
        for key, mine, theirs in (("run.start", s.run.start, base_run.run.start), ("run.end", s.run.end, base_run.run.end),
                                  ("fleet.parameter_set", s.fleet.parameter_set, base_run.fleet.parameter_set),
                                  ("emissions.basis", s.emissions.basis, base_run.emissions.basis)):
            if mine != theirs:
                raise InputError.single(source, key, f"the baseline's value ({theirs}) for a paired comparison", str(mine))
    names = [loaded[source].name for source in sources]
    for source, name in zip(sources, names):
        if names.count(name) > 1 or name == base_run.name:
            raise InputError.single(source, "name", "a scenario name not used by another compared scenario", repr(name))
    return loaded


def years_compared(base_run, first_year, last_year) -> tuple[int, int]:
    """The whole years compared: by default 2021 to the baseline run's last year."""
    first = first_year or 2021
    last = last_year or base_run.run.end.year
    span = f"whole years within the run, {base_run.run.start.year} to {base_run.run.end.year}"
    if not base_run.run.start.year <= first <= last <= base_run.run.end.year:
        raise InputError.single("from_year/to_year", "", span, f"{first}-{last}")
    return first, last


def run_each(sources, draws: int, seed: int, keep_draws=False, progress: bool = False,
             workers: int | None = None, scheduler: str | None = None,
             emissions: str | None = None) -> dict[str, xr.Dataset]:
    """Run every source once with the same draws and seed (common random numbers).

    Parameters
    ----------
    sources : sequence of str
        Scenario names or files; each is run once, however often it is named.
    keep_draws : bool or container of str
        Keep the daily series of every run (True), of none (False), or of the sources named.
    emissions : {"average", "marginal"}, optional
        Replaces every file's ``[emissions] basis``.

    Returns
    -------
    dict of str to xarray.Dataset
        The runs by source, in the order given.
    """
    runs = {}
    for source in dict.fromkeys(sources):
        keep = keep_draws if isinstance(keep_draws, bool) else source in keep_draws
        runs[source] = run_scenario(source, draws, seed, keep_draws=keep, progress=progress, workers=workers,
                                    scheduler=scheduler, emissions=emissions)[0]
    return runs


def compare_runs(runs: dict[str, xr.Dataset], base: xr.Dataset, years: tuple[int, int],
                 paired: bool = True) -> xr.Dataset:
    """The paired comparison of finished runs with a finished baseline run.

    Parameters
    ----------
    runs : dict of str to xarray.Dataset
        Scenario runs (annual totals per draw), each with the baseline's draws and seed.
    base : xarray.Dataset
        The baseline's run.
    years : (int, int)
        First and last whole year compared.

    Returns
    -------
    xarray.Dataset
        See :func:`hashjoule.scenarios.compare.summarise`; the attributes name the baseline,
        the years, the draws, the seed and whether draws were paired.
    """
    for ds in runs.values():
        if (ds.attrs.get("seed"), ds.attrs.get("draws")) != (base.attrs.get("seed"), base.attrs.get("draws")):
            raise ValueError(f"the run of {ds.attrs.get('scenario')!r} has another seed or number of draws than "
                             "the baseline's: its draws cannot be paired")
    differences = {ds.attrs["scenario"]: paired_differences(ds, base, *years, paired=paired) for ds in runs.values()}
    summary = summarise(differences, household("china3").kwh_per_year)
    summary.attrs.update(title="hashjoule paired comparison", baseline=base.attrs["scenario"],
                         first_year=int(years[0]), last_year=int(years[1]), draws=int(base.attrs["draws"]),
                         seed=int(base.attrs["seed"]), paired=int(bool(paired)),
                         household="Chinese household of three (2021)")
    return summary


def compare(sources: list[str], baseline: str = "baseline", first_year: int | None = None,
            last_year: int | None = None, draws: int | None = None, seed: int | None = None,
            progress: bool = False, paired: bool = True, workers: int | None = None,
            scheduler: str | None = None, emissions: str | None = None) -> xr.Dataset:
    """Run scenarios and a baseline with common random numbers and summarise the differences
    (``hashjoule compare``). A parameter the scenario and the baseline share takes the same
    value in both, draw by draw. Each scenario and the baseline run once. ``emissions``
    (``"average"``, ``"marginal"``) replaces every file's ``[emissions] basis``.

    Returns
    -------
    xarray.Dataset
        Over (``scenario``, ``quantile``): energy saved in China and net global change
        [TWh], CO2 avoided in China and net global [Mt], household-years; their means over
        draws as ``<name>_mean``; the years compared as ``first_year`` and ``last_year``
        attributes. See :func:`compare_runs`.
    """
    loaded = comparable(sources, baseline, emissions)
    base_run = loaded[baseline]
    years = years_compared(base_run, first_year, last_year)
    draws = draws if draws is not None else base_run.run.draws
    seed = seed if seed is not None else base_run.run.seed
    runs = run_each([baseline, *sources], draws, seed, progress=progress, workers=workers, scheduler=scheduler,
                    emissions=emissions)
    base = runs.pop(baseline)
    return compare_runs(runs, base, years, paired)


def run_summary(ds: xr.Dataset) -> xr.Dataset:
    """Per year of a run, over draws: energy [TWh], CO2 [Mt], bitcoins minted [BTC] and the
    hashrate on the year's last day [EH/s] at the quantiles of the run, the probability
    that the energy exceeds each threshold, and the share of draws whose chain stalled
    (under 10 % of the scheduled blocks).

    Returns
    -------
    xarray.Dataset
        Over (``year``, ``quantile``), with the run's ``scenario`` as a coordinate (so that
        summaries of several runs concatenate along it) and its attributes.
    """
    q = ds.annual_energy_network_quantiles["quantile"].values
    stalled = ds.annual_blocks < STALLED_SHARE_OF_BLOCKS * (SECONDS_PER_DAY // TARGET_SPACING_S) * ds.days
    summary = xr.Dataset({
        "days": ds.days,
        "energy": ds.annual_energy_network_quantiles.assign_attrs(units="TWh", long_name="network electricity "
                                                                  "consumed in the year"),
        "co2": ds.annual_co2_network_quantiles.assign_attrs(units="Mt", long_name="network CO2 emitted in the year"),
        "btc_minted": ds.annual_btc_minted.quantile(q, "draw").assign_attrs(units="BTC", long_name="subsidy minted"),
        "hashrate_year_end": ds.annual_hashrate_end.quantile(q, "draw").assign_attrs(
            units="EH/s", long_name="network hashrate on the year's last day"),
        "p_energy_above": ds.annual_energy_exceedance.assign_attrs(
            units="1", long_name="share of draws whose energy in the year exceeds the threshold"),
        "stalled_share": stalled.mean("draw").assign_attrs(
            units="1", long_name="share of draws in which mining nearly stopped in the year"),
    })
    keep = ("scenario", "engine", "draws", "seed", "parameter_set", "deterministic", "uncertain_parameters")
    summary.attrs.update({key: ds.attrs[key] for key in keep if key in ds.attrs})
    return summary.transpose("year", ...).assign_coords(scenario=str(ds.attrs.get("scenario", "")))
def sensitivity(source: str, baseline: str = "baseline", samples: int = 256, seed: int | None = None,
                first_year: int | None = None, last_year: int | None = None, workers: int | None = None,
                scheduler: str | None = None, progress: bool = False) -> xr.Dataset:
    """Sobol indices of a scenario's headline results: its energy in the first year compared,
    CO2 avoided in China and the net global change against the baseline
    (``hashjoule sensitivity``); see :mod:`hashjoule.scenarios.sensitivity`.

    Parameters
    ----------
    samples : int
        Base samples of Saltelli's design, a power of 2; the engine runs samples x (P + 2)
        paired draws for P factors.

    Returns
    -------
    xarray.Dataset
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` over (output, parameter).
    """
    if samples < 2 or samples & (samples - 1):
        raise InputError.single("samples", "", "a power of 2, at least 2 (Saltelli's design)", str(samples))
    loaded = comparable([source], baseline)
    years = years_compared(loaded[baseline], first_year, last_year)
    scenario, text, inputs, space = load(source)
    _, _, base_inputs, base_space = load(baseline)
    seed = scenario.run.seed if seed is None else seed
    ds = sobol_indices((inputs, space), (base_inputs, base_space), samples, seed, years, workers, scheduler, progress)
    ds.attrs.update(scenario=scenario.name, scenario_text=text, baseline=baseline)
    return ds
