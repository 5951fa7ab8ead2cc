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

ENGINES = {"des": engine_des.run_batch, "ensemble": engine_ensemble.run_batch}
#: Default batch size of each engine [draws]: a few hundred MB of daily arrays at most.
DEFAULT_BATCH = {"des": 1, "ensemble": 250}
#: Runs up to this many draws keep them by default. [draws]
KEEP_DRAWS_UP_TO = 100
#: Variables reduced to a mean and standard deviation over draws.
DAILY = ("hashrate", "power", "energy", "co2", "blocks", "btc_minted", "fees", "difficulty", "price")


def annual_totals(ds: xr.Dataset) -> xr.Dataset:
    """Per-draw totals per calendar year: energy [TWh] and CO2 [Mt] per region, blocks and BTC.

    Years the run covers only in part are totals over the days covered; ``days`` says how many.
    """
    year = ds.time.dt.year.rename("year")
    grouped = ds[["energy", "co2", "blocks", "btc_minted"]].groupby(year).sum("time")
    out = xr.Dataset(
        {
            "annual_energy": (grouped.energy / 1e3).assign_attrs(units="TWh", long_name="electricity consumed in the year"),
            "annual_co2": (grouped.co2 / 1e6).assign_attrs(units="Mt", long_name="CO2 emitted in the year"),
            "annual_blocks": grouped.blocks.assign_attrs(units="1", long_name="blocks mined in the year"),
            "annual_btc_minted": grouped.btc_minted.assign_attrs(units="BTC", long_name="subsidy minted in the year"),
            "days": ds.time.groupby(year).count().assign_attrs(units="d", long_name="days of the year in the run"),
        }
    )
    return out


class _Reducer:
    """Running sums over draws."""

    def __init__(self):
        self.n = 0
        self.means: dict[str, np.ndarray] = {}
        self.m2: dict[str, np.ndarray] = {}  # sums of squared deviations from the mean
        self.parts: list[xr.Dataset] = []
        self.template: xr.Dataset | None = None

    def add(self, ds: xr.Dataset) -> None:
        """Fold in a batch (Chan et al.'s pairwise update of mean and variance: stable
        where the spread is tiny next to the mean)."""
        if self.template is None:
            self.template = ds.isel(draw=0, drop=True)[list(DAILY)]
        k = ds.draw.size
        for name in DAILY:
            values = ds[name].to_numpy()
            mean_b = values.mean(axis=0)
            m2_b = ((values - mean_b) ** 2).sum(axis=0)
            if self.n == 0:
                self.means[name], self.m2[name] = mean_b, m2_b
            else:
                delta = mean_b - self.means[name]
                total = self.n + k
                self.means[name] = self.means[name] + delta * (k / total)
                self.m2[name] = self.m2[name] + m2_b + delta ** 2 * (self.n * k / total)
        self.n += k
        self.parts.append(xr.merge([annual_totals(ds), ds[["epoch_duration", "epoch_difficulty"]]]))

    def result(self) -> xr.Dataset:
        out = xr.Dataset(coords=self.template.coords)
        for name in DAILY:
            var = self.template[name]
            mean = self.means[name]
            variance = self.m2[name] / max(self.n - 1, 1)
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
    kept, reducer = [], _Reducer()
    with tqdm(total=draws, unit="draw", disable=not progress, desc=f"{engine} engine") as bar:
        for first in range(0, draws, batch_size):
            ds = run(inputs, np.arange(first, min(first + batch_size, draws)), seed)
            if keep_draws:
                kept.append(ds)
            else:
                reducer.add(ds)
            bar.update(ds.draw.size)
    if keep_draws:
        result = xr.concat(kept, dim="draw", join="outer", combine_attrs="drop_conflicts")
        result = result.merge(annual_totals(result))
    else:
        result = reducer.result()
        result.attrs.update(ds.attrs)
    result.attrs.update(engine=engine, draws=int(draws), batch_size=batch_size, keep_draws=int(keep_draws),
                        seed=-1 if seed is None else int(seed))
    return result


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Per year: mean and 5-95 % range over draws of energy [TWh] and CO2 [Mt], BTC minted,
    and the network hashrate at the year's last day [EH/s] (mean over draws)."""
    energy = ds.annual_energy.sum("region")
    co2 = ds.annual_co2.sum("region")
    rows = {}
    hashrate = ds.hashrate.sum("region").mean("draw") if "hashrate" in ds else ds.hashrate_mean.sum("region")
    last_days = hashrate.groupby("time.year").last()
    for year in energy.year.values:
        e, c = energy.sel(year=year), co2.sel(year=year)
        rows[int(year)] = {
            "days": int(ds.days.sel(year=year)),
            "energy_TWh_mean": float(e.mean()), "energy_TWh_p5": float(e.quantile(0.05)),
            "energy_TWh_p95": float(e.quantile(0.95)),
            "co2_Mt_mean": float(c.mean()), "co2_Mt_p5": float(c.quantile(0.05)), "co2_Mt_p95": float(c.quantile(0.95)),
            "btc_minted_mean": float(ds.annual_btc_minted.sel(year=year).mean()),
            "hashrate_EHs_year_end": float(last_days.sel(year=year)),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")
