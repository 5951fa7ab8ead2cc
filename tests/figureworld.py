"""A small synthetic run for the figure and report tests (no model involved), and the check
that a figure labels its axes with units."""

import re

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

REGIONS = ["Sichuan", "Xinjiang", "United States", "Other"]


def toy_run(draws: int = 5) -> xr.Dataset:
    """Kept draws over 2020-2022 in four regions, with the annual totals a run carries."""
    time = pd.date_range("2020-01-01", "2022-12-31", freq="D")
    rng = np.random.default_rng(2)
    hashrate = 50 + rng.random((draws, time.size, len(REGIONS))) * 10
    years = np.array([2020, 2021, 2022])
    annual = 20 + rng.random((draws, 3, len(REGIONS)))
    return xr.Dataset(
        {"hashrate": (("draw", "time", "region"), hashrate, {"units": "EH/s"}),
         "co2": (("draw", "time", "region"), hashrate * 1e3, {"units": "t"}),
         "annual_energy": (("draw", "year", "region"), annual, {"units": "TWh"}),
         "annual_co2": (("draw", "year", "region"), annual * 0.5, {"units": "Mt"}),
         "annual_hashrate_end": (("draw", "year"), hashrate[:, [365, 730, -1]].sum(-1), {"units": "EH/s"}),
         "days": ("year", [366, 365, 365])},
        coords={"draw": np.arange(draws), "time": time, "region": REGIONS, "year": years},
        attrs={"scenario": "toy", "seed": 0, "draws": draws, "engine": "ensemble", "parameter_set": "test"})


UNIT = re.compile(r"\[[^\]]+\]")


def labels(fig: Figure) -> list[str]:
    """Every non-empty axis label of a figure, secondary axes included."""
    found = []
    for ax in fig.axes:
        found += [text for text in (ax.get_xlabel(), ax.get_ylabel()) if text]
        found += [child.get_ylabel() for child in ax.child_axes if child.get_ylabel()]
    return found


def assert_units(fig: Figure, *expected: str) -> None:
    found = labels(fig)
    assert found and all(UNIT.search(text) for text in found), found
    for unit in expected:
        assert any(f"[{unit}]" in text for text in found), (unit, found)
    assert any("Source:" in t.get_text() for t in fig.texts)  # the caption line
