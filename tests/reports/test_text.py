"""The terminal's tables read the comparison's and the run summary's Datasets."""

import numpy as np
import xarray as xr

from hashjoule.reports.text import comparison_text
from hashjoule.scenarios.compare import summarise


def test_comparison_text_shows_mean_and_band_of_each_scenario():
    differences = xr.Dataset({name: ("draw", np.arange(101.0) * k, {"units": unit}) for name, k, unit in (
        ("saved_china", 1.0, "TWh"), ("net_global", -1.0, "TWh"), ("co2_avoided_china", 2.0, "Mt"),
        ("co2_net_global", -2.0, "Mt"))}, coords={"draw": np.arange(101)})
    summary = summarise({"ban": differences}, 1e4)  # 10 MWh a year: 1 TWh is 100,000 household-years
    summary.attrs.update(baseline="baseline", first_year=2021, last_year=2030, draws=101, seed=0, paired=1)
    text = comparison_text(summary)
    assert text.startswith("Scenarios against 'baseline', 2021-2030") and "101 draws, seed 0" in text
    lines = text.splitlines()
    assert lines[2] == "ban"
    assert lines[3].split() == ["energy", "saved", "in", "China", "[TWh]", "50.0", "[", "5.0,", "95.0]"]
    assert lines[7].split()[-4:] == ["-5.0", "[", "-9.5,", "-0.5]"]  # -50 TWh: -5 million household-yr
