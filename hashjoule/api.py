"""The Python entry points that the command line mirrors, wiring inputs, engines and outputs."""

from __future__ import annotations

import xarray as xr

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
