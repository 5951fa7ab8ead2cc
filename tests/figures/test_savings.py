"""Savings in China and the net global change, by scenario."""

import numpy as np
import xarray as xr

from figureworld import assert_units
from hashjoule import figures


def test_savings():
    names = ["a", "b", "c"]
    quantities = ("saved_china", "net_global", "co2_avoided_china", "co2_net_global")
    data = {v: (("scenario", "quantile"), np.outer([1.0, 2.0, 3.0], [0.5, 1.0, 1.5])) for v in quantities}
    data.update({f"{v}_mean": ("scenario", np.array([1.0, 2.0, 3.0])) for v in quantities})
    coords = {"scenario": names, "quantile": [0.05, 0.5, 0.95]}
    fig = figures.scenario_savings(xr.Dataset(data, coords=coords), 2021, 2030)
    assert_units(fig, "TWh", "Mt")
    # a heavy-tailed mean can lie outside its 5-95 % interval: still drawn, the interval from its ends
    data["net_global_mean"] = ("scenario", np.array([40.0, 2.0, 3.0]))
    fig = figures.scenario_savings(xr.Dataset(data, coords=coords), 2021, 2030)
    segments = [seg for c in fig.axes[0].collections for seg in c.get_segments()]
    assert any(np.allclose(sorted(seg[:, 0]), [0.5, 1.5]) for seg in segments)  # net_global of "a": 0.5 to 1.5
