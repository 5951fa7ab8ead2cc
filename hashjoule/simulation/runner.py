"""Run either engine over many draws, in batches, keeping the draws or reducing them.

Draw ``d`` always uses the random streams of ``(seed, d)``, so the numbers do not depend
on the batch size. With ``keep_draws=False`` each batch is folded into running sums as
soon as it is done (means and standard deviations over draws, per day and region; annual
totals per draw), so memory does not grow with the number of draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from tqdm.auto import tqdm

from hashjoule.simulation import engine_des, engine_ensemble
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.results import DailyArrays, per_gw_day

ENGINES = {"des": engine_des.run_batch, "ensemble": engine_ensemble.run_batch}
#: Default batch size of each engine [draws]: a few hundred MB of daily arrays at most.
DEFAULT_BATCH = {"des": 1, "ensemble": 250}
#: Runs up to this many draws keep them by default. [draws]
KEEP_DRAWS_UP_TO = 100
#: Variables reduced to a mean and standard deviation over draws.
DAILY = ("hashrate", "power", "blocks", "btc_minted", "fees", "difficulty", "price")
#: Variables that are power times a constant per region: their statistics follow from power's.
FROM_POWER = ("energy", "co2")


def annual_totals(ds: xr.Dataset) -> xr.Dataset:
    """Per-draw totals per calendar year: energy [TWh] and CO2 [Mt] per region, blocks and BTC.

    Years the run covers only in part are totals over the days covered; ``days`` says how many.
    """
    years = ds.time.dt.year.to_numpy()
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])

    def per_year(name, scale):
        var = ds[name]
        axis = var.get_axis_num("time")
        totals = np.add.reduceat(var.data, starts, axis=axis) * scale
        return [d if d != "time" else "year" for d in var.dims], totals

    return xr.Dataset(
        {
            "annual_energy": (*per_year("energy", 1e-3), {"units": "TWh", "long_name": "electricity consumed in the year"}),
            "annual_co2": (*per_year("co2", 1e-6), {"units": "Mt", "long_name": "CO2 emitted in the year"}),
            "annual_blocks": (*per_year("blocks", 1.0), {"units": "1", "long_name": "blocks mined in the year"}),
            "annual_btc_minted": (*per_year("btc_minted", 1.0), {"units": "BTC", "long_name": "subsidy minted in the year"}),
            "annual_hashrate_end": (("draw", "year"),
                                    ds.hashrate.isel(time=np.r_[starts[1:] - 1, years.size - 1])
                                    .sum("region", skipna=False).transpose("draw", "time").data,
                                    {"units": "EH/s", "long_name": "hashrate on the year's last day"}),
            "days": ("year", np.diff(np.r_[starts, years.size]), {"units": "d", "long_name": "days of the year in the run"}),
        },
        coords={"year": years[starts], "draw": ds.draw, "region": ds.region},
    )


class _Reducer:
    """Running sums over draws."""

    def __init__(self, inputs: ModelInputs):
        self.per_power = per_gw_day(inputs)
        self.n = 0
        self.shift: dict[str, np.ndarray] = {}  # the first batch's mean: sums are taken around it
        self.sum: dict[str, np.ndarray] = {}
        self.sum_squares: dict[str, np.ndarray] = {}
        self.scratch: dict[str, np.ndarray] = {}
        self.parts: list[xr.Dataset] = []
        self.template: xr.Dataset | None = None

    def add(self, ds: xr.Dataset) -> None:
        """Fold in a batch. Sums of deviations from a fixed shift (the first batch's mean)
        keep the variance accurate where the spread is tiny next to the mean."""
        if self.template is None:
            self.template = ds.isel(draw=0, drop=True)[list(DAILY + FROM_POWER)]
        for name in DAILY:
            var = ds[name].transpose("time", "draw", ...)  # a view of the day-major buffer
            values = var.data
            if name not in self.shift:
                self.shift[name] = values.mean(axis=1, keepdims=True)
                self.sum[name] = np.zeros(self.shift[name].shape[:1] + self.shift[name].shape[2:])
                self.sum_squares[name] = np.zeros_like(self.sum[name])
            scratch = self.scratch.get(name)
            if scratch is None or scratch.shape != values.shape:
                scratch = self.scratch[name] = np.empty(values.shape)
            np.subtract(values, self.shift[name], out=scratch)
            self.sum[name] += scratch.sum(axis=1)
            np.square(scratch, out=scratch)
            self.sum_squares[name] += scratch.sum(axis=1)
        self.n += ds.draw.size
        self.parts.append(xr.merge([annual_totals(ds), ds[["epoch_duration", "epoch_difficulty"]].copy(deep=True)]))

    def result(self) -> xr.Dataset:
        out = xr.Dataset(coords=self.template.coords)
        means, m2 = {}, {}
        for name in DAILY:
            shift = self.shift[name].squeeze(axis=1)
            means[name] = shift + self.sum[name] / self.n
            m2[name] = np.maximum(self.sum_squares[name] - self.sum[name] ** 2 / self.n, 0.0)
        for name in FROM_POWER:  # a non-negative factor per region scales mean and spread alike
            means[name] = means["power"] * self.per_power[name]
            m2[name] = m2["power"] * self.per_power[name] ** 2
        for name in DAILY + FROM_POWER:
            var = self.template[name]
            mean = means[name]
            variance = m2[name] / max(self.n - 1, 1)
            out[f"{name}_mean"] = (var.dims, mean, {**var.attrs, "long_name": f"{var.attrs['long_name']}, mean over draws"})
            out[f"{name}_std"] = (var.dims, np.sqrt(variance),
                                  {**var.attrs, "long_name": f"{var.attrs['long_name']}, standard deviation over draws"})
        return out.merge(xr.concat(self.parts, dim="draw", data_vars="minimal", coords="minimal",
                                   compat="override", join="outer"))


def simulate(inputs: ModelInputs, engine: str = "ensemble", draws: int = 100, seed: int | None = 0,
             batch_size: int | None = None, keep_draws: bool | None = None, progress: bool = False) -> xr.Dataset:
    """Simulate draws ``0 .. draws-1`` with one engine.

    Parameters
    ----------
    inputs : ModelInputs
    engine : {"ensemble", "des"}
    draws : int
        Number of Monte Carlo draws.
    seed : int or None
        Root seed; ``None``: one deterministic draw.
    batch_size : int, optional
        Draws per batch; default 250 (ensemble) or 1 (des). Results do not depend on it.
    keep_draws : bool, optional
        Keep every draw's daily series (default when ``draws`` <= 100) or reduce them to
        means and standard deviations over draws plus per-draw annual totals.
    progress : bool
        Show a progress bar.

    Returns
    -------
    xarray.Dataset
        With draws: the layout of :func:`~hashjoule.simulation.results.build_dataset` plus
        the annual totals; reduced: ``<name>_mean`` and ``<name>_std`` over (time[, region]),
        the annual totals (draw, year[, region]) and the epoch statistics (draw, epoch).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws: expected a positive whole number, got {draws!r}")
    if seed is None and draws != 1:
        raise ValueError("a deterministic run (seed None) has exactly one draw")
    batch_size = int(batch_size or DEFAULT_BATCH[engine])
    if batch_size < 1:
        raise ValueError("batch_size: expected a positive whole number")
    keep_draws = draws <= KEEP_DRAWS_UP_TO if keep_draws is None else keep_draws
    run = ENGINES[engine]
    kept, reducer = [], _Reducer(inputs)
    attrs = {}
    # reduced runs reuse one set of buffers: each batch is folded in before the next overwrites it
    buffers = None if keep_draws or engine == "des" else DailyArrays(inputs, min(batch_size, draws))
    with tqdm(total=draws, unit="draw", disable=not progress, desc=f"{engine} engine") as bar:
        for first in range(0, draws, batch_size):
            ds = run(inputs, np.arange(first, min(first + batch_size, draws)), seed, buffers)
            attrs = ds.attrs
            if keep_draws:
                kept.append(ds)
            else:
                reducer.add(ds)
            bar.update(ds.draw.size)
            del ds  # free the batch before the next one is made: its memory is then reused
    if keep_draws:
        result = xr.concat(kept, dim="draw", join="outer", combine_attrs="drop_conflicts")
        result = result.merge(annual_totals(result))
    else:
        result = reducer.result()
        result.attrs.update(attrs)
    result.attrs.update(engine=engine, draws=int(draws), batch_size=batch_size, keep_draws=int(keep_draws),
                        seed=-1 if seed is None else int(seed))
    return result


#: A year with fewer blocks than this share of the scheduled 144 a day counts as stalled. [1]
STALLED_SHARE_OF_BLOCKS = 0.1


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Per year, over draws: median and 5-95 % range of energy [TWh] and CO2 [Mt]; medians of
    the BTC minted and of the hashrate on the year's last day [EH/s]; and the share of draws
    whose chain stalled that year (under 10 % of the scheduled blocks: the price fell faster
    than the difficulty, which moves at most 4x an epoch, could follow).

    Medians, not means: projected prices are log-normal, and their right tail pulls means up.
    """
    energy = ds.annual_energy.sum("region")
    co2 = ds.annual_co2.sum("region")
    rows = {}
    for year in energy.year.values:
        e, c = energy.sel(year=year).to_numpy(), co2.sel(year=year).to_numpy()
        days = int(ds.days.sel(year=year))
        rows[int(year)] = {
            "days": days,
            "energy_TWh_median": np.median(e), "energy_TWh_p5": np.quantile(e, 0.05), "energy_TWh_p95": np.quantile(e, 0.95),
            "co2_Mt_median": np.median(c), "co2_Mt_p5": np.quantile(c, 0.05), "co2_Mt_p95": np.quantile(c, 0.95),
            "btc_minted_median": float(ds.annual_btc_minted.sel(year=year).median()),
            "hashrate_EHs_year_end_median": float(ds.annual_hashrate_end.sel(year=year).median()),
            "stalled_share": float((ds.annual_blocks.sel(year=year) < STALLED_SHARE_OF_BLOCKS * 144 * days).mean()),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")
