"""Sobol indices by parameter."""

import numpy as np
import xarray as xr

from figureworld import assert_units
from hashjoule import figures


def test_sobol():
    rng = np.random.default_rng(3)
    shape = (2, 4)
    ds = xr.Dataset({name: (("output", "parameter"), rng.random(shape)) for name in ("S1", "S1_conf", "ST", "ST_conf")},
                    coords={"output": ["energy 2021-2030", "co2 2021-2030"],
                            "parameter": ["compliance", "share", "delay_days", "pue"]})
    ds = ds.assign_coords(output_units=("output", ["TWh", "Mt"]),
                          parameter_label=("parameter", ["policy[0].compliance (shutdown: Inner Mongolia, Xinjiang, "
                                                         "Sichuan)", "share", "delay_days", "pue"]))
    fig = figures.sobol_indices(ds)
    assert_units(fig, "1")
    assert fig.axes[0].get_title(loc="left") in ("energy 2021-2030 [TWh]", "CO2 2021-2030 [Mt]")
    assert all(len(t.get_text()) <= 44 for t in fig.axes[0].get_yticklabels())
    assert len([ax for ax in fig.axes if ax.get_title(loc="left") or ax.get_title()]) == 2
