"""The Dataset both engines return, and the random streams they draw from.

Layout: dims ``draw``, ``time``, ``region`` and ``epoch``; every variable has ``units``
and ``long_name``. Energy and CO2 are derived from power here, once for both engines.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule import __version__
from hashjoule.constants import SECONDS_PER_DAY
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.seeding import generators

#: Streams of each draw, in the order of :func:`draw_streams` (a new purpose goes last, so
#: that the others keep their numbers).
STREAMS = ("price", "first_block", "epoch_work", "parameters")


#: The streams the engines draw from (the parameters' are the scenario layer's).
ENGINE_STREAMS = ("price", "first_block", "epoch_work")


def draw_streams(seed: int, draws, names=ENGINE_STREAMS) -> dict[str, list[np.random.Generator]]:
    """Independent generators for each draw, keyed by the draw's index, for the purposes
    ``names`` (of :data:`STREAMS`).

    Each draw ``d`` has ``SeedSequence(seed, spawn_key=(d,))`` and one child per purpose
    (:data:`STREAMS`, in order), so a draw's numbers do not depend on which batch, worker
    or engine runs it, nor on how many numbers another purpose used. A child is built
    directly, as ``SeedSequence(seed, spawn_key=(d, j))``, the sequence ``spawn`` gives the
    j-th child, so only the purposes asked for cost anything; all of a purpose's together
    (:func:`~hashjoule.simulation.seeding.generators`).
    """
    draws = np.asarray(draws, dtype=np.int64).reshape(-1)
    return {name: list(generators(seed, np.stack([draws, np.full(draws.size, STREAMS.index(name))], axis=1)))
            for name in names}


#: Daily variables: unit and long name.
VARIABLES = {
    "hashrate": ("EH/s", "hashrate online"),
    "power": ("GW", "electrical power of the online machines, PUE included"),
    "energy": ("GWh", "electricity consumed on the day"),
    "co2": ("t", "CO2 emitted on the day"),
    "blocks": ("1", "blocks mined on the day"),
    "btc_minted": ("BTC", "block subsidy minted on the day"),
    "fees": ("BTC", "transaction fees paid to miners on the day"),
    "difficulty": ("1", "difficulty at the end of the day"),
    "price": ("USD/BTC", "bitcoin price"),
}
#: Daily variables with a region dimension.
REGIONAL = ("hashrate", "power", "energy", "co2")


def _var(dims, values, units, long_name):
    return (dims, np.asarray(values), {"units": units, "long_name": long_name})


def per_gw_day(inputs: ModelInputs, emission_factor_t_per_mwh: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Energy [GWh] and CO2 [t] of 1 GW running for a day, by region (R,), or by draw and
    region (n, R) at the draws' own emission factors [t CO2/MWh] if given."""
    regions = len(inputs.regions.names)
    factor = inputs.regions.emission_factor_t_per_mwh if emission_factor_t_per_mwh is None else emission_factor_t_per_mwh
    return {"energy": np.full(regions, 24.0), "co2": 24.0e3 * factor}


class DailyArrays:
    """Day-major result arrays of a batch of ``n`` draws, written day by day by an engine.

    One instance can serve batch after batch (:meth:`for_draws` gives views for a smaller
    batch): reusing memory matters, since fresh pages are slow to come by. Energy and CO2
    are derived from power as each day is recorded, once for both engines.
    """

    def __init__(self, inputs: ModelInputs, n: int):
        days, regions = inputs.days, len(inputs.regions.names)
        self.inputs = inputs
        #: (time, draw, region)
        self.hashrate_ehs, self.power_gw, self.energy_gwh, self.co2_t = (
            np.zeros((days, n, regions)) for _ in range(4))
        #: (time, draw)
        self.blocks, self.minted_btc, self.fees_btc, self.difficulty, self.price_usd = (
            np.zeros((days, n)) for _ in range(5))
        self.per_gw_day = per_gw_day(inputs)

    @property
    def n(self) -> int:
        return self.blocks.shape[1]

    def for_draws(self, n: int, emission_factor_t_per_mwh: np.ndarray | None = None) -> "DailyArrays":
        """Views on the first ``n`` draws (this object if ``n`` is all of them), zeroed; each
        draw's CO2 is counted at its own emission factors (n, R) [t CO2/MWh] if given."""
        view = self if n == self.n else object.__new__(DailyArrays)
        if view is not self:
            view.inputs = self.inputs
            for name in ("hashrate_ehs", "power_gw", "energy_gwh", "co2_t", "blocks", "minted_btc",
                         "fees_btc", "difficulty", "price_usd"):
                setattr(view, name, getattr(self, name)[:, :n])
        view.per_gw_day = per_gw_day(self.inputs, emission_factor_t_per_mwh)
        for name in ("blocks", "minted_btc"):  # the per-block engine adds to these
            getattr(view, name)[:] = 0.0
        return view

    def record_fleet(self, day: int, hashrate_ths: np.ndarray, power_gw: np.ndarray) -> None:
        """The day's online hashrate [TH/s] and power [GW], (draw, region)."""
        np.multiply(hashrate_ths, 1e-6, out=self.hashrate_ehs[day])
        self.power_gw[day] = power_gw
        np.multiply(power_gw, self.per_gw_day["energy"], out=self.energy_gwh[day])
        np.multiply(power_gw, self.per_gw_day["co2"], out=self.co2_t[day])

    def record_chain(self, day: int, blocks: np.ndarray, minted_btc: np.ndarray, difficulty: np.ndarray) -> None:
        """The day's blocks [1], subsidy minted [BTC] and end-of-day difficulty [1], (draw,)."""
        self.blocks[day] = blocks
        self.minted_btc[day] = minted_btc
        self.difficulty[day] = difficulty

    def record_prices(self, first: int, prices_usd: np.ndarray) -> None:
        """Prices from day ``first`` on, (days, draw) [USD/BTC]."""
        self.price_usd[first:first + len(prices_usd)] = prices_usd


def build_dataset(inputs: ModelInputs, draws, arrays: DailyArrays, *, epoch_end_s, epoch_difficulty,
                  epoch_complete, engine: str, seed: int | None) -> xr.Dataset:
    """Wrap an engine's arrays into the common Dataset, without copying them.

    The day-major arrays appear as (draw, time[, region]) through transposed views. The
    fees follow from the blocks, now that every day's are counted: they are written into
    ``arrays`` here.

    Parameters
    ----------
    arrays : DailyArrays
        The daily results.
    epoch_end_s, epoch_difficulty : numpy.ndarray
        (draw, epoch), NaN-padded: when each epoch ended [s since the start] and its
        difficulty [1].
    epoch_complete : numpy.ndarray of bool
        (draw, epoch): the epoch ran whole inside the run (so its duration is known).
    """
    np.multiply(arrays.blocks, inputs.market.fees_btc_per_block[:, None], out=arrays.fees_btc)  # [BTC]
    starts = np.concatenate([np.zeros((epoch_end_s.shape[0], 1)), epoch_end_s[:, :-1]], axis=1)
    duration = np.where(epoch_complete, epoch_end_s - starts, np.nan)
    dims3, dims2, dimsE = ("time", "draw", "region"), ("time", "draw"), ("draw", "epoch")
    a = arrays
    values = {"hashrate": a.hashrate_ehs, "power": a.power_gw, "energy": a.energy_gwh, "co2": a.co2_t,
              "blocks": a.blocks, "btc_minted": a.minted_btc, "fees": a.fees_btc, "difficulty": a.difficulty,
              "price": a.price_usd}
    ds = xr.Dataset(
        {
            **{name: _var(dims3 if name in REGIONAL else dims2, values[name], *VARIABLES[name]) for name in values},
            "epoch_end": _var(dimsE, epoch_end_s / SECONDS_PER_DAY, "d", "end of the epoch, days since the start"),
            "epoch_duration": _var(dimsE, duration / SECONDS_PER_DAY, "d", "duration of the epoch (2016 blocks)"),
            "epoch_difficulty": _var(dimsE, epoch_difficulty, "1", "difficulty of the epoch"),
        },
        coords={
            "draw": ("draw", np.asarray(draws, dtype=np.int64), {"long_name": "Monte Carlo draw (seed stream index)"}),
            "time": ("time", inputs.time.astype("datetime64[ns]"), {"long_name": "UTC day"}),
            "region": ("region", list(inputs.regions.names)),
            "epoch": ("epoch", np.arange(epoch_end_s.shape[1])),
        },
        attrs={
            "title": "hashjoule fleet simulation",
            "engine": engine,
            "seed": -1 if seed is None else int(seed),
            "deterministic": int(seed is None),
            "hashjoule_version": __version__,
            "start": str(inputs.time[0]),
            "end": str(inputs.time[-1]),
        },
    )
    return ds.transpose("draw", "time", "region", "epoch")
