"""Paired comparison of scenarios against a baseline, draw by draw, summarised as a Dataset
over scenario and quantile."""

import numpy as np
import xarray as xr

from hashjoule.scenarios.compare import QUANTILES, flat_table, summarise


def _differences(seed: int, draws: int = 200) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    units = {"saved_china": "TWh", "net_global": "TWh", "co2_avoided_china": "Mt", "co2_net_global": "Mt"}
    return xr.Dataset({name: ("draw", rng.normal(10 * (i + 1), 3, draws), {"units": unit})
                       for i, (name, unit) in enumerate(units.items())}, coords={"draw": np.arange(draws)})


def test_summary_is_a_dataset_over_scenario_and_quantile_with_units():
    diffs = {"a": _differences(1), "b": _differences(2)}
    summary = summarise(diffs, household_kwh_per_year=1000.0)
    assert summary.saved_china.dims == ("scenario", "quantile")
    assert list(summary.scenario.values) == ["a", "b"] and tuple(summary["quantile"].values) == QUANTILES
    assert summary.saved_china_mean.dims == ("scenario",)
    units = {name: var.attrs["units"] for name, var in summary.data_vars.items()}
    assert units["net_global"] == units["saved_china_mean"] == "TWh" and units["co2_net_global"] == "Mt"
    assert units["household_years"] == "household-yr"
    values = diffs["b"].net_global.to_numpy()
    np.testing.assert_array_equal(summary.net_global.sel(scenario="b"), np.quantile(values, QUANTILES))
    assert float(summary.net_global_mean.sel(scenario="b")) == values.mean()
    # household-years: TWh -> kWh over the household's year
    np.testing.assert_allclose(summary.household_years_mean.sel(scenario="b"), values.mean() * 1e9 / 1000.0)


def test_flat_table_has_the_gallery_columns():
    table = flat_table(summarise({"a": _differences(1)}, 1000.0))
    assert list(table.columns[:3]) == ["saved_china_mean", "saved_china_p5", "saved_china_p95"]
    assert list(table.columns[-3:]) == ["household_years_mean", "household_years_p5", "household_years_p95"]
    assert table.index.name == "scenario" and table.loc["a", "net_global_p5"] < table.loc["a", "net_global_p95"]


def test_paired_intervals_are_narrower_than_unpaired():
    from hashjoule.api import compare

    paired = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024)
    unpaired = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024, paired=False)
    assert paired.attrs["first_year"] == 2021 and paired.attrs["last_year"] == 2024
    assert paired.attrs["draws"] == 12 and paired.attrs["seed"] == 0
    assert (paired.attrs["paired"], unpaired.attrs["paired"]) == (1, 0)

    def width(summary):
        band = summary.net_global.sel(scenario="inner-mongolia-only")
        return float(band.sel(quantile=0.95) - band.sel(quantile=0.05))

    assert width(paired) < width(unpaired) / 3
    assert float(paired.saved_china_mean.sel(scenario="inner-mongolia-only")) > 0
