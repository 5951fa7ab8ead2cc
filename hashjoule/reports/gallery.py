"""Every bundled figure, remade from the bundled scenarios and data with fixed seeds.

Each figure is written with its data (CSV, one row per time step, year or scenario) and an
entry in ``manifest.json``: the scenarios, seed and draws it used, the SHA-256 of every
file written and of every input (bundled data files, scenario files, parameter set), and
the software versions. Nothing random is left unseeded, and the data files carry no date,
so two runs give byte-identical data files.

What each figure shows and needs is in :mod:`hashjoule.reports.catalogue`; here is how each
is made.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from hashjoule import figures
from hashjoule.constants import BAND
from hashjoule.reports.catalogue import FIGURES, LIBRARY, SEED, check_request
from hashjoule.reports.figuredata import (composition_groups, gantt_rows, mining_map_china_ehs, observed_hashrate_ehs,
                                         reported_notices)
from hashjoule.figures.style import INNER, OUTER, save_figure
from hashjoule.figures.timeline import OBSERVED_WINDOW_DAYS, observed_mean
from hashjoule.output import atomic_path, provenance, sha256
from hashjoule.reports.manifest import input_files, output_folder, read_manifest, write_table

#: Draws of the runs whose daily series are kept for bands (a few hundred MB for 2016-2030).
KEPT_DRAWS = 150
#: Draws of the paired comparison of the scenario library.
COMPARE_DRAWS = 100
#: Base samples of the Sobol design (a power of 2; the design runs samples x (factors + 2) paired draws).
SOBOL_SAMPLES = 64
#: Electricity price of the historical estimate, the Cambridge index's headline. [USD/kWh]
PRICE_USD_PER_KWH = 0.05
#: Particles of the calibration's posterior, as ``hashjoule calibrate``'s default.
CALIBRATION_DRAWS = 40
#: First day of the historical figures.
HISTORY_START = "2016-01-01"
#: Scenario and whole years of the emission-factor figure (those docs/scenarios.md reports).
EMISSIONS_SCENARIO, EMISSIONS_YEARS = "china-2021", (2021, 2025)
#: Emission bases compared, as ``hashjoule compare --emissions`` takes them.
EMISSION_BASES = ("average", "marginal")
#: Scenario and first and last day of the halving figure.
HALVING_SCENARIO, HALVING_WINDOW = "halving-2028", ("2024-01-01", "2030-12-31")
#: Metadata that would make two saves of one figure differ (dates), removed per format.


class Runs:
    """The model runs and estimates that several figures share, each made once."""

    def __init__(self, progress: bool = False, draws: int | None = None):
        self.progress = progress
        #: Draws of the runs with kept draws and of the paired comparison; base samples of the
        #: Sobol design (the power of 2 at or below ``draws``).
        self.draws = {"kept": draws or KEPT_DRAWS, "compared": draws or COMPARE_DRAWS,
                      "sobol": 2 ** max(1, int(draws).bit_length() - 1) if draws else SOBOL_SAMPLES,
                      "calibration": draws or CALIBRATION_DRAWS}
        self._cache: dict = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def scenario(self, name: str, keep_draws: bool) -> xr.Dataset:
        """A bundled scenario's run, seed :data:`SEED`."""
        from hashjoule.scenarios.runs import run_scenario

        return self._once(("run", name, keep_draws), lambda: run_scenario(
            name, self.draws["kept"], SEED, keep_draws=keep_draws, progress=self.progress)[0])

    def scenario_file(self, name: str):
        """The validated scenario."""
        from hashjoule.scenarios.load import load_scenario

        return self._once(("file", name), lambda: load_scenario(name)[0])

    def estimate(self) -> xr.Dataset:
        """The historical estimate by all methods at :data:`PRICE_USD_PER_KWH`."""
        from hashjoule.estimates.estimators import estimate

        return self._once("estimate", lambda: estimate(PRICE_USD_PER_KWH))

    def calibration(self):
        """The calibration of the bundled set's window (cut-off 2021-04-30), seed :data:`SEED`
        (the crackdown check is ``hashjoule calibrate``'s, not a figure's: skipped)."""
        from hashjoule.calibration.workflow import calibrate

        return self._once("calibration", lambda: calibrate(draws=self.draws["calibration"], seed=SEED,
                                                                    crackdown_draws=0))

    def paired_runs(self, sources: tuple[str, ...], emissions: str) -> dict[str, xr.Dataset]:
        """Runs of the baseline (first) and scenarios with the comparison's draws and seed under
        an emission basis, each checked for pairing first, as ``hashjoule compare --emissions``."""
        from hashjoule.scenarios.runs import comparable, run_each

        def make():
            comparable(list(sources[1:]), sources[0], emissions)
            return run_each(sources, self.draws["compared"], SEED, progress=self.progress, emissions=emissions)

        return self._once(("paired", sources, emissions), make)

    def compare(self, names: tuple[str, ...]) -> xr.Dataset:
        """The paired comparison of scenarios with the baseline (over scenario and quantile)."""
        from hashjoule.scenarios.runs import compare

        return self._once(("compare", names), lambda: compare(list(names), draws=self.draws["compared"], seed=SEED,
                                                              progress=self.progress))


# --- data of each figure --------------------------------------------------------------


def _columns(da: xr.DataArray, prefix: str, dim: str) -> dict[str, xr.DataArray]:
    """One variable per label of ``dim``, NaN-only ones left out."""
    return {f"{prefix}_{label}": da.sel({dim: label}, drop=True) for label in da[dim].values
            if bool(da.sel({dim: label}).notnull().any())}


def _with_units(ds: xr.Dataset, units: str) -> xr.Dataset:
    for var in ds.data_vars.values():
        var.attrs.setdefault("units", units)
    return ds


def _consumption(runs: Runs):
    from hashjoule.estimates.cambridge import cambridge_at

    est = runs.estimate().sel(time=slice(HISTORY_START, None))
    cambridge = cambridge_at(PRICE_USD_PER_KWH).sel(time=slice(HISTORY_START, str(est.time.values[-1])[:10]))
    fig = figures.annualised_consumption(est, cambridge)
    energy = est.annualised_energy
    data = xr.Dataset({name: da for estimator in energy.estimator.values
                       for name, da in _columns(energy.sel(estimator=estimator, drop=True), str(estimator), "bound").items()})
    data["cambridge_index"] = cambridge.reindex(time=est.time)
    return fig, _with_units(data, "TWh/yr")


def _households() -> dict[str, float]:
    from hashjoule.estimates.accounting import household

    return {"Chinese household of three": household("china3").kwh_per_year, "US household": household("us").kwh_per_year}


def _per_bitcoin(runs: Runs):
    from hashjoule.estimates.accounting import household_years
    from hashjoule.figures.per_bitcoin import energy_per_btc_rolling

    est = runs.estimate()
    homes = _households()
    fig = figures.energy_per_bitcoin(est, homes, start=HISTORY_START)
    per_btc = energy_per_btc_rolling(est).sel(estimator="cbeci", time=slice(HISTORY_START, None), drop=True)
    data = _with_units(xr.Dataset(_columns(per_btc, "cbeci", "bound")), "MWh/BTC")
    for key, kwh in zip(("china3", "us"), homes.values()):
        data[f"household_years_{key}"] = household_years(per_btc.sel(bound="best"), kwh).assign_attrs(
            units="household-yr/BTC", long_name=f"cbeci best guess in years of a household using {kwh:.0f} kWh/yr")
    return fig, data


def _timeline(runs: Runs):
    from hashjoule.scenarios.compare import china_regions

    sim = runs.scenario("china-2021", keep_draws=True)
    policies = gantt_rows(runs.scenario_file("china-2021"))
    observed, mapped = observed_hashrate_ehs(), mining_map_china_ehs()
    china = sim.hashrate.sel(region=china_regions()).sum("region")
    fig = figures.crackdown_timeline(sim, observed, policies, reported_notices(), china=china, mapped_china=mapped)
    window = slice("2021-01-01", "2022-03-31")
    data = xr.Dataset()
    for name, series, what in (("simulated", sim.hashrate.sum("region"), "network hashrate"),
                               ("china", china, "hashrate in China's regions")):
        q = series.sel(time=window).quantile([BAND[0], 0.5, BAND[1]], "draw")
        for v in q["quantile"].values:
            data[f"{name}_p{int(round(v * 100))}"] = q.sel(quantile=v, drop=True).assign_attrs(
                long_name=f"simulated {what}, {v:.0%} quantile over draws")
    data["observed"] = observed_mean(observed).sel(time=window).reindex(time=data.time).assign_attrs(
        long_name=f"observed hashrate, trailing {OBSERVED_WINDOW_DAYS}-day mean (Coin Metrics)")
    data["china_mining_map"] = mapped.reindex(time=data.time)
    return fig, [_with_units(data, "EH/s"), policies.drop_vars("policy").assign_coords(policy=policies.label)
                 .drop_vars("label")]


def _savings(runs: Runs):
    from hashjoule.scenarios.compare import flat_table

    names = tuple(n for n in LIBRARY if n != "baseline")
    summary = runs.compare(names)
    # the data file keeps one row per scenario, a column per statistic
    data = flat_table(summary).to_xarray()
    for name in data.data_vars:
        data[name].attrs["units"] = summary[name.rsplit("_", 1)[0]].attrs["units"]
    return figures.scenario_savings(summary, summary.attrs["first_year"], summary.attrs["last_year"]), data


def _fan(runs: Runs):
    sim = runs.scenario("china-2021", keep_draws=True)
    base = runs.scenario("baseline", keep_draws=False)
    fig = figures.annual_fan(sim, "annual_energy", reference=base)
    totals = figures.fan.full_years(sim, "annual_energy").quantile([OUTER[0], INNER[0], 0.5, INNER[1], OUTER[1]], "draw")
    data = xr.Dataset({f"china_2021_p{int(round(v * 100))}": totals.sel(quantile=v, drop=True)
                       for v in totals["quantile"].values})
    data["baseline_p50"] = figures.fan.full_years(base, "annual_energy").median("draw")
    return fig, _with_units(data, "TWh")


def _composition(runs: Runs):
    sim = runs.scenario("china-2021", keep_draws=True)
    groups = composition_groups()
    fig = figures.regional_composition(sim, groups)
    parts = {}
    for name, scale, unit in (("hashrate", 1.0, "EH/s"), ("co2", 1e-3, "kt/d")):
        monthly = figures.composition.grouped(sim[name].mean("draw"), groups).resample(time="MS").mean() * scale
        parts.update({f"{name}_{g}": monthly.sel(group=g, drop=True).assign_attrs(units=unit)
                      for g in monthly.group.values})
    return fig, xr.Dataset(parts)


def _sensitivity(runs: Runs):
    from hashjoule.scenarios.runs import sensitivity

    indices = sensitivity("china-2021", samples=runs.draws["sobol"], seed=SEED, progress=runs.progress)
    # the scenario is named in the header; a column of it on every row would say nothing more
    return figures.sobol_indices(indices), indices[["S1", "S1_conf", "ST", "ST_conf"]].drop_vars("scenario")


def _calibration_fit(runs: Runs):
    cal = runs.calibration()
    return figures.calibration.hashrate_fit(cal.paths), cal.paths[["observed", "fitted"]]


def _calibration_check(runs: Runs):
    cal = runs.calibration()
    paths = cal.paths
    band = paths.draws.quantile([BAND[0], 0.5, BAND[1]], "draw")
    data = xr.Dataset({"observed": paths.observed, "point": paths.point,
                       **{f"draws_{label}": band.isel(quantile=i, drop=True).assign_attrs(paths.draws.attrs)
                          for i, label in enumerate(("p5", "median", "p95"))}})
    return figures.calibration.holdout_check(paths), data


def _prices(runs: Runs):
    from hashjoule.estimates.prices import compare_prices
    from hashjoule.figures.prices import flat_vs_varying_price

    comparison = compare_prices(PRICE_USD_PER_KWH).sel(time=slice(HISTORY_START, None))
    fig = flat_vs_varying_price(comparison.annualised_energy, comparison.price, PRICE_USD_PER_KWH)
    data = xr.Dataset({**{f"cbeci_best_{c}": comparison.annualised_energy.sel(case=c, drop=True)
                          for c in comparison.case.values},
                       **{f"price_{c}": comparison.price.sel(case=c, drop=True) for c in comparison.case.values}})
    return fig, data


def _ewaste(runs: Runs):
    from hashjoule.estimates.ewaste import PUBLISHED_T_PER_YR, ewaste
    from hashjoule.figures.ewaste import ewaste_per_year

    cases = ["cbeci", "cbeci2023"]
    retired = xr.concat([ewaste(runs.estimate(), c).retired.sel(year=slice(2016, None)) for c in cases],
                        xr.DataArray(cases, dims="case", name="case"))
    data = xr.Dataset({f"retired_{c}": retired.sel(case=c, drop=True) for c in cases})
    return ewaste_per_year(retired, PUBLISHED_T_PER_YR), data


def _emission_factors(runs: Runs):
    from hashjoule.figures.emission_factors import co2_change_parts
    from hashjoule.scenarios.compare import QUANTILES, paired_differences

    changes = []
    for basis in EMISSION_BASES:
        done = runs.paired_runs(("baseline", EMISSIONS_SCENARIO), basis)
        changes.append(co2_change_parts(paired_differences(done[EMISSIONS_SCENARIO], done["baseline"],
                                                           *EMISSIONS_YEARS)))
    change = xr.concat(changes, dim=pd.Index(list(EMISSION_BASES), name="basis"))
    span = f"{EMISSIONS_YEARS[0]}-{EMISSIONS_YEARS[1]}"
    table = xr.Dataset({"co2_change": change.quantile(list(QUANTILES), "draw", skipna=False).assign_attrs(change.attrs),
                        "co2_change_mean": change.mean("draw", skipna=False).assign_attrs(change.attrs)},
                       attrs={"scenario": EMISSIONS_SCENARIO, "baseline": "baseline", "seed": SEED,
                              "draws": change.draw.size})
    fig = figures.emission_factor_bases(table, *EMISSIONS_YEARS)
    # one row per basis and part: mean and quantiles over the paired draws
    data = xr.Dataset({"mean": table.co2_change_mean.assign_attrs(
        long_name=f"mean over draws of the CO2 change against the baseline, {span} (below 0: a saving)")})
    for q in QUANTILES:
        data[f"p{round(q * 100)}"] = table.co2_change.sel(quantile=q, drop=True).assign_attrs(
            long_name=f"{round(q * 100)} % quantile over draws of the CO2 change against the baseline, {span}")
    return fig, _with_units(data, "Mt")


def _halving(runs: Runs):
    from hashjoule.estimates.accounting import household_years
    from hashjoule.figures.halving import day_quantiles, halving_days, monthly_energy_per_btc

    run = runs.scenario(HALVING_SCENARIO, keep_draws=True)
    homes = _households()
    fig = figures.halving_per_bitcoin(run, homes, *HALVING_WINDOW)
    q = monthly_energy_per_btc(run).sel(time=slice(*HALVING_WINDOW)).quantile([BAND[0], 0.5, BAND[1]], "draw")
    data = xr.Dataset({f"mwh_per_btc_p{round(v * 100)}": q.sel(quantile=v, drop=True).assign_attrs(
        units="MWh/BTC",
        long_name=f"{round(v * 100)} % quantile over draws of the electricity per bitcoin minted in the month")
        for v in q["quantile"].values})
    for key, kwh in zip(("china3", "us"), homes.values()):
        data[f"household_years_{key}_p50"] = household_years(data.mwh_per_btc_p50, kwh).assign_attrs(
            units="household-yr/BTC", long_name=f"median in years of a household using {kwh:.0f} kWh/yr")
    days = halving_days(run)
    when = day_quantiles(days, [BAND[0], 0.5, BAND[1]])
    halvings = xr.Dataset({f"day_p{round(v * 100)}": when.isel(quantile=i, drop=True).assign_attrs(
        units="UTC day", long_name=f"{round(v * 100)} % quantile over the draws reaching it of the halving's day")
        for i, v in enumerate(when["quantile"].values)})
    halvings["draws_reaching"] = days.notnull().sum("draw").assign_attrs(
        units="1", long_name="draws in which the chain reaches the height within the run")
    return fig, [data, halvings]


#: How each bundled figure (:data:`hashjoule.reports.catalogue.FIGURES`) is made:
#: ``make(runs) -> (Figure, Dataset or list of Datasets)``, the figure and its data.
MAKERS: dict[str, Callable[[Runs], tuple[Figure, xr.Dataset | list[xr.Dataset]]]] = {
    "consumption": _consumption,
    "per-bitcoin": _per_bitcoin,
    "timeline": _timeline,
    "savings": _savings,
    "fan": _fan,
    "composition": _composition,
    "calibration-fit": _calibration_fit,
    "calibration-check": _calibration_check,
    "sensitivity": _sensitivity,
    "prices": _prices,
    "ewaste": _ewaste,
    "emission-factors": _emission_factors,
    "halving": _halving,
}


def make_figure(name: str, runs: Runs, directory: Path, formats, made: dict) -> dict:
    """Make one figure, write it in every format with its data, and return its manifest entry."""
    recipe = FIGURES[name]
    fig, data = MAKERS[name](runs)
    written = [save_figure(fig, directory / f"{name}.{fmt}", fmt) for fmt in formats]
    parts = data if isinstance(data, list) else [data]
    n = runs.draws.get(recipe.runs, 0)
    header = {"figure": name, "what": recipe.description, "seed": recipe.seed if n else "none",
              "draws": n, "scenarios": ", ".join(recipe.scenarios) or "none (historical data)"}
    for i, part in enumerate(parts):
        suffix = "" if i == 0 else f".{next(iter(part.dims))}"
        written.append(write_table(part, directory / f"{name}{suffix}.csv", header))
    return {"description": recipe.description, "scenarios": list(recipe.scenarios),
            "seed": recipe.seed if n else None, "draws": n,
            "files": {p.name: sha256(p) for p in written}, "inputs": input_files(recipe.scenarios),
            "made_by": made}


def make_figures(names=None, directory=".", formats=("png",), progress: bool = False,
                 command: str | None = None, draws: int | None = None) -> dict:
    """Make bundled figures, their data files and ``manifest.json`` in a folder.

    Parameters
    ----------
    names : list of str, optional
        Figures to make (:data:`~hashjoule.reports.catalogue.FIGURES`); default all.
    directory : path-like
        Output folder; created if its parent exists.
    formats : sequence of {"png", "svg", "pdf"}
    progress : bool
        Show progress bars (figures, and the model runs).
    command : str, optional
        Command line recorded in the manifest.
    draws : int, optional
        Draws of every simulation, for a quick look; default :data:`KEPT_DRAWS` for the
        bands and :data:`COMPARE_DRAWS` for the comparison (the documented figures).

    Returns
    -------
    dict
        The manifest: per figure its description, scenarios, seed, draws, files written
        (name -> SHA-256), inputs (path -> SHA-256) and the call that made it (command,
        versions, time); at the top, the latest call's.
    """
    names, formats = check_request(names, formats)
    directory = output_folder(directory)
    manifest_path = directory / "manifest.json"
    manifest = read_manifest(manifest_path)
    made = {key: value for key, value in provenance(command).items() if key != "history"}
    made["created"] = f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
    manifest.update(made)  # the latest call; each figure's entry keeps the call that made it
    entries = manifest.setdefault("figures", {})
    runs = Runs(progress, draws)
    for name in tqdm(names, desc="figures", unit="figure", disable=not progress):
        entries[name] = make_figure(name, runs, directory, formats, made)
        # written after every figure: an interrupted call leaves no entry whose hashes are stale
        manifest["figures"] = dict(sorted(entries.items()))
        with atomic_path(manifest_path) as tmp:
            tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
