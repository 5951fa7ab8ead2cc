"""Run either engine over many draws, in batches, here or on dask workers, and reduce them.

Draw ``d`` always uses the random streams of ``(seed, d)``, its uncertain parameters
included, so a draw's numbers do not depend on the batch or process that runs it, and the
reductions (:mod:`hashjoule.simulation.reduce`) are built not to depend on them either:
the same scenario and seed give identical numbers with one process or many, with any batch
size, and after an interrupted run is resumed from its checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import xarray as xr

from hashjoule.constants import ARTICLE_TWH_PER_YEAR
from hashjoule.simulation import engine_des, engine_ensemble
from hashjoule.simulation.annual import annual_summaries, draw_sum
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.reduce import BLOCK, Reduction
from hashjoule.simulation.summary import ANNUAL, summarise_batch

ENGINES = {"des": engine_des.run_batch, "ensemble": engine_ensemble.run_batch}
#: Default batch size [draws]: a batch summarised as it runs needs memory for its blocks'
#: moments and histograms (about 12 bytes per draw and day), so batches can be large, and
#: the engine's per-day work on arrays of one number per draw is spread over many draws
#: (4,000 draws, fastest of two turns: the baseline world 8 % faster at 2,000 than at 1,000,
#: `china-2021` 5 %; at 4,000 the fleet's capacity, class x draw x region, leaves a core's
#: cache and `china-2021` is as slow as at 1,000).
DEFAULT_BATCH = 2000
#: Default batch size when every draw's daily series are kept (about 580 bytes per draw and
#: day, 800 MB for 250 draws over 15 years). [draws]
DEFAULT_KEPT_BATCH = 250
#: Runs up to this many draws keep them by default. [draws]
KEEP_DRAWS_UP_TO = 100


def annual_totals(inputs: ModelInputs, ds: xr.Dataset) -> xr.Dataset:
    """Per-draw totals per calendar year of an engine's Dataset (of the world ``inputs``):
    energy [TWh] and CO2 [Mt] per region, blocks, BTC and the hashrate on the year's last day.

    Years the run covers only in part are totals over the days covered; ``days`` says how many.
    """
    return summarise_batch(inputs, ds, 0)[list(ANNUAL)]


@dataclass(frozen=True)
class Batch:
    """Draws ``first .. stop-1`` of a run, and what to return of them."""

    first: int
    stop: int
    keep: bool


def plan(draws: int, batch_size: int) -> list[Batch]:
    """Batches of ``batch_size`` draws (rounded up to whole reduction blocks)."""
    size = -(-int(batch_size) // BLOCK) * BLOCK
    return [Batch(first, min(first + size, draws), False) for first in range(0, draws, size)]


def run_batch(inputs: ModelInputs, engine: str, seed: int | None, space, batch: Batch):
    """Run one batch; return its summary and, if asked, its draws with their annual totals.

    Runs in whichever process the batch is sent to; arguments and results are picklable.
    The ensemble engine summarises a batch whose draws are not kept as it runs, without
    their daily series.
    """
    draws = np.arange(batch.first, batch.stop)
    values = None
    if space is not None and seed is not None and len(space):
        u = space.unit_sample(seed, draws)
        values = space.values(u)
    if batch.keep or engine == "des":
        ds = ENGINES[engine](inputs, draws, seed, None, values)
        summary = summarise_batch(inputs, ds, batch.first)
        ds = ds.merge(summary[list(ANNUAL)])
    else:
        ds, summary = None, engine_ensemble.summarise(inputs, draws, seed, values, batch.first)
    if values is not None:
        parameters = _parameter_values(space, u, draws)
        summary = summary.merge(parameters)
        ds = None if ds is None else ds.merge(parameters)
    if not batch.keep:
        return summary, None
    return summary, ds.copy(deep=True)


def _parameter_values(space, u, draws) -> xr.Dataset:
    """The scalar parameters each draw took, (draw, parameter) [the parameters' units]."""
    sampled = space.sampled(u)
    values = np.column_stack(list(sampled.values())) if sampled else np.zeros((draws.size, 0))
    return xr.Dataset({"parameter_value": (("draw", "parameter"), values,
                                           {"units": "the parameter's unit", "long_name": "value of an uncertain "
                                            "parameter in the draw (see the scenario file)"})},
                      coords={"draw": draws, "parameter": list(sampled)})


def simulate(inputs: ModelInputs, engine: str = "ensemble", draws: int = 100, seed: int | None = 0,
             batch_size: int | None = None, keep_draws: bool | None = None, progress: bool = False, *,
             space=None, workers: int | None = None, scheduler: str | None = None, checkpoint=None,
             resume: bool = False, identity: dict | None = None, thresholds_twh=(ARTICLE_TWH_PER_YEAR,)) -> xr.Dataset:
    """Simulate draws ``0 .. draws-1`` with one engine.

    Parameters
    ----------
    inputs : ModelInputs
        The central world.
    engine : {"ensemble", "des"}
    draws : int
        Number of Monte Carlo draws.
    seed : int or None
        Root seed; ``None``: one deterministic draw at the central values.
    batch_size : int, optional
        Draws per batch, rounded up to whole reduction blocks of
        :data:`~hashjoule.simulation.reduce.BLOCK` draws (default 2,000; 250 when every draw's
        daily series are kept or the engine is "des"; with local workers, and no checkpoint, the
        fewest whole rounds of one batch per worker within that size). Results do not depend
        on it.
    keep_draws : bool, optional
        Keep every draw's daily series (default when ``draws`` <= 100) beside the summaries.
    progress : bool
        Show a progress bar.
    space : hashjoule.scenarios.uncertain.ParameterSpace, optional
        Uncertain parameters, sampled per draw from the draw's own stream.
    workers : int, optional
        Run batches on a local dask cluster of this many processes.
    scheduler : str, optional
        Address of a running dask scheduler to run batches on.
    checkpoint : path, optional
        Folder keeping finished batches (see :mod:`hashjoule.simulation.checkpoint`); the
        caller removes it once the results are safely written (``hashjoule run`` does).
    resume : bool
        Continue the run kept in ``checkpoint``.
    identity : dict, optional
        What identifies the run in the checkpoint's manifest (e.g. the scenario text).
    thresholds_twh : sequence of float
        Annual energy thresholds of the exceedance probabilities. [TWh]

    Returns
    -------
    xarray.Dataset
        Means and standard deviations over draws per day (and region), quantiles of the daily
        network totals and of the annual totals, exceedance probabilities, the annual totals
        per draw, the parameter values each draw took; with ``keep_draws`` also the daily
        series and epoch statistics of every draw. The same numbers whatever the batch size,
        workers or interruptions.
    """
    from hashjoule.simulation.checkpoint import Checkpoint, fingerprint
    from hashjoule.simulation.parallel import client, run_batches

    keep_draws = draws <= KEEP_DRAWS_UP_TO if keep_draws is None else keep_draws
    # a checkpointed run's batches do not depend on the workers, so that it resumes on others
    batch_size = _checked_request(engine, draws, seed, batch_size, None if checkpoint is not None else workers,
                                  keep_draws or engine == "des")
    batches = [replace(b, keep=keep_draws) for b in plan(draws, batch_size)]
    store = None if checkpoint is None else Checkpoint(
        checkpoint, {**(identity or {}), "engine": engine, "draws": int(draws), "seed": -1 if seed is None else int(seed),
                     "batch_size": batch_size, "keep_draws": bool(keep_draws), "inputs": fingerprint(inputs, space)},
        resume)
    reduction = (store.reduction() if store is not None else None) or Reduction(draws)
    kept = {first: store.load_draws(first) for first in reduction.batches} if keep_draws and store else {}
    todo = [b for b in batches if b.first not in reduction.batches]
    resumed = sum(b.stop - b.first for b in batches) - sum(b.stop - b.first for b in todo)
    with client(workers, scheduler) as dask_client:
        for i, (summary, ds) in run_batches(run_batch, todo, (inputs, engine, seed, space), dask_client, progress,
                                            [b.stop - b.first for b in todo], _label(engine, identity)):
            reduction.add(summary, todo[i].first)
            kept[todo[i].first] = ds
            if store is not None:
                store.save(reduction, todo[i].first, ds)
    result = _with_draws(reduction.result(), [kept[b.first] for b in batches] if keep_draws else [])
    result = result.merge(annual_summaries(result, thresholds_twh))
    result.attrs.update(title="hashjoule fleet simulation", engine=engine, draws=int(draws), batch_size=batch_size,
                        keep_draws=int(keep_draws), seed=-1 if seed is None else int(seed),
                        deterministic=int(seed is None), start=str(inputs.time[0]), end=str(inputs.time[-1]),
                        uncertain_parameters=", ".join(space.names) if space is not None else "")
    if store is not None:
        result.attrs.update(checkpoint=str(store.folder), resumed_draws=int(resumed))
    return result


#: A year with fewer blocks than this share of the scheduled 144 a day counts as stalled. [1]
STALLED_SHARE_OF_BLOCKS = 0.1


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Per year, over draws: quantiles (5, 17, 50, 83, 95 %) of energy [TWh] and CO2 [Mt]; the
    probability that energy exceeds each threshold of the run (:data:`hashjoule.constants.ARTICLE_TWH_PER_YEAR` by default); medians
    of the BTC minted, of the subsidy per block [BTC] (a halving year mixes two subsidies), of the
    electricity per bitcoin of subsidy [MWh/BTC] (it doubles, other things equal, when the subsidy
    halves: 2024, 2028, ...) and of the hashrate on the year's last day [EH/s]; and the share of
    draws whose chain stalled that year (under 10 % of the scheduled blocks: the price fell
    faster than the difficulty, which moves at most 4x an epoch, could follow).

    Quantiles, not means: projected prices are log-normal, and their right tail pulls means up.
    """
    rows = {}
    minted = ds.annual_btc_minted
    subsidy = minted / ds.annual_blocks.where(ds.annual_blocks > 0)  # [BTC/block]
    per_btc = draw_sum(ds.annual_energy, "region") * 1e6 / minted.where(minted > 0)  # TWh -> MWh, [MWh/BTC]
    for year in ds.year.values:
        days = int(ds.days.sel(year=year))
        row = {"days": days}
        for name, label in (("annual_energy", "energy_TWh"), ("annual_co2", "co2_Mt")):
            q = ds[f"{name}_network_quantiles"].sel(year=year)
            for quantile, value in zip(q["quantile"].values, q.values):
                key = "median" if quantile == 0.5 else f"p{round(quantile * 100)}"
                row[f"{label}_{key}"] = float(value)
        for threshold in ds.threshold.values:
            row[f"p_energy_above_{threshold:g}TWh"] = float(ds.annual_energy_exceedance.sel(year=year, threshold=threshold))
        row.update({
            "btc_minted_median": float(ds.annual_btc_minted.sel(year=year).median()),
            "subsidy_btc_per_block_median": float(subsidy.sel(year=year).median()),
            "energy_per_btc_MWh_median": float(per_btc.sel(year=year).median()),
            "hashrate_EHs_year_end_median": float(ds.annual_hashrate_end.sel(year=year).median()),
            "stalled_share": float((ds.annual_blocks.sel(year=year) < STALLED_SHARE_OF_BLOCKS * 144 * days).mean()),
        })
        rows[int(year)] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")


def _checked_request(engine: str, draws: int, seed: int | None, batch_size: int | None,
                     workers: int | None = None, daily: bool = False) -> int:
    """Refuse an unknown engine, a draw count that is not a positive whole number, a
    deterministic run of several draws or a batch size below 1; return the batch size
    (default :data:`DEFAULT_BATCH`, :data:`DEFAULT_KEPT_BATCH` for a run that holds its
    draws' ``daily`` series). With ``workers`` local workers, the batches are the fewest
    whole rounds of one per worker that keep them within that default, their size rounded
    up to whole blocks of :data:`~hashjoule.simulation.reduce.BLOCK` draws, so the last
    round may come out short: 4,000 draws on 2 workers run as 2 batches of 2,000, 10,000
    as 5 of 1,700 and one of 1,500 (docs/monte-carlo.md measures why one large batch per
    worker beats two smaller ones)."""
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws: expected a positive whole number, got {draws!r}")
    if seed is None and draws != 1:
        raise ValueError("a deterministic run (seed None) has exactly one draw")
    default = DEFAULT_KEPT_BATCH if daily else DEFAULT_BATCH
    if batch_size is None and workers:
        rounds = -(-int(draws) // (int(workers) * default))
        batch_size = max(BLOCK, -(-int(draws) // (rounds * int(workers))))
    batch_size = int(batch_size or default)
    if batch_size < 1:
        raise ValueError("batch_size: expected a positive whole number")
    return batch_size


def _label(engine: str, identity: dict | None) -> str:
    """The progress bar's label: the scenario, where the run names one, and the engine."""
    scenario = (identity or {}).get("scenario")
    return f"{scenario}: {engine} engine" if scenario else f"{engine} engine"


def _with_draws(result: xr.Dataset, daily: list[xr.Dataset]) -> xr.Dataset:
    """The summaries with every draw's daily series beside them (none: unchanged)."""
    if not daily:
        return result
    daily = xr.concat(daily, dim="draw", data_vars="minimal", coords="minimal", compat="override", join="outer",
                      combine_attrs="drop_conflicts")
    return daily.drop_vars([v for v in result.data_vars if v in daily.data_vars]).merge(result)
