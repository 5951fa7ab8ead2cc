"""The Dataset both engines return, and the random streams they draw from.

Layout: dims ``draw``, ``time``, ``region`` and ``epoch``; every variable has ``units``
and ``long_name``. Energy and CO2 are derived here from power, once for both engines.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hashjoule import __version__
from hashjoule.simulation.inputs import ModelInputs

#: Streams of each draw, in the order of :func:`draw_streams`.
STREAMS = ("price", "first_block", "epoch_work")


def draw_streams(seed: int, draws) -> dict[str, list[np.random.Generator]]:
    """Independent generators for each draw, keyed by the draw's index.

    Each draw ``d`` gets ``SeedSequence(seed, spawn_key=(d,))`` and one child generator per
    purpose (:data:`STREAMS`), so a draw's numbers do not depend on which batch, worker
    or engine runs it, nor on how many numbers another purpose used.
    """
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    out = {name: [] for name in STREAMS}
    for draw in draws:
        children = np.random.SeedSequence(int(seed), spawn_key=(int(draw),)).spawn(len(STREAMS))
        for name, child in zip(STREAMS, children):
            out[name].append(np.random.default_rng(child))
    return out


def _var(dims, values, units, long_name):
    return (dims, np.asarray(values), {"units": units, "long_name": long_name})


def build_dataset(inputs: ModelInputs, draws, *, hashrate_ths, power_gw, blocks, minted_btc, fees_btc,
                  difficulty, price_usd, epoch_end_s, epoch_difficulty, epoch_complete, engine: str,
                  seed: int | None) -> xr.Dataset:
    """Assemble an engine's arrays into the common Dataset.

    Parameters
    ----------
    hashrate_ths, power_gw : numpy.ndarray
        (draw, time, region), online hashrate [TH/s] and power [GW].
    blocks, minted_btc, fees_btc, difficulty, price_usd : numpy.ndarray
        (draw, time): blocks mined [1], subsidy minted [BTC], fees paid [BTC],
        difficulty at the end of the day [1], price [USD/BTC].
    epoch_end_s, epoch_difficulty : numpy.ndarray
        (draw, epoch), NaN-padded: when each epoch ended [s since the start] and its
        difficulty [1].
    epoch_complete : numpy.ndarray of bool
        (draw, epoch): the epoch ran whole inside the run (so its duration is known).
    """
    energy_gwh = power_gw * 24.0
    co2_t = energy_gwh * 1e3 * inputs.regions.emission_factor_t_per_mwh[None, None, :]
    starts = np.concatenate([np.zeros((epoch_end_s.shape[0], 1)), epoch_end_s[:, :-1]], axis=1)
    duration = np.where(epoch_complete, epoch_end_s - starts, np.nan)
    dims3, dims2, dimsE = ("draw", "time", "region"), ("draw", "time"), ("draw", "epoch")
    ds = xr.Dataset(
        {
            "hashrate": _var(dims3, hashrate_ths / 1e6, "EH/s", "hashrate online"),
            "power": _var(dims3, power_gw, "GW", "electrical power of the online machines, PUE included"),
            "energy": _var(dims3, energy_gwh, "GWh", "electricity consumed on the day"),
            "co2": _var(dims3, co2_t, "t", "CO2 emitted on the day"),
            "blocks": _var(dims2, blocks, "1", "blocks mined on the day"),
            "btc_minted": _var(dims2, minted_btc, "BTC", "block subsidy minted on the day"),
            "fees": _var(dims2, fees_btc, "BTC", "transaction fees paid to miners on the day"),
            "difficulty": _var(dims2, difficulty, "1", "difficulty at the end of the day"),
            "price": _var(dims2, price_usd, "USD/BTC", "bitcoin price"),
            "epoch_end": _var(dimsE, epoch_end_s / 86_400.0, "d", "end of the epoch, days since the start"),
            "epoch_duration": _var(dimsE, duration / 86_400.0, "d", "duration of the epoch (2016 blocks)"),
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
    return ds
