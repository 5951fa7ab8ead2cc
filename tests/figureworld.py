"""A small synthetic run for the figure and report tests (no model involved)."""

import numpy as np
import pandas as pd
import xarray as xr

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
