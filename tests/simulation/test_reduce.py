"""Streaming summaries over draws: binned quantiles and exceedance probabilities."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.simulation import reduce as rd


@pytest.mark.parametrize("draws", [1, 3, 20, 60, 130, 2000])
def test_histogram_quantiles_are_within_a_bin_of_the_exact_ones(draws):
    rng = np.random.default_rng(draws)
    values = np.exp(rng.normal(np.log(150.0), 0.6, size=(40, draws)))  # (time, draw), EH/s-like
    values[:, : draws // 50] = 0.0  # a few stalled draws count as zero
    counts = rd.histogram(rd.bin_index(values, "hashrate"), "hashrate")
    approx = rd.histogram_quantiles(counts, "hashrate")
    exact = np.quantile(values, rd.QUANTILES, axis=1)  # numpy's linear definition
    np.testing.assert_allclose(approx, exact, rtol=rd.BIN_WIDTH)
    assert not np.allclose(approx, exact, rtol=1e-6)  # they are approximations, and the check can tell


def test_exceedance_is_the_share_of_draws_above_the_threshold():
    rng = np.random.default_rng(5)
    energy = rng.lognormal(np.log(120.0), 0.3, size=(400, 2, 3)) / 3  # (draw, year, region) [TWh]
    ds = xr.Dataset({"annual_energy": (("draw", "year", "region"), energy, {"units": "TWh", "long_name": "e in the year"}),
                     "annual_co2": (("draw", "year", "region"), energy / 2, {"units": "Mt", "long_name": "c in the year"}),
                     "days": ("year", [365, 200])}, coords={"year": [2021, 2022]})
    out = rd.annual_summaries(ds, thresholds_twh=(100.0, 134.0))
    total = energy.sum(axis=2)
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) == (total[:, 0] > 134.0).mean()
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=100.0)) == (total[:, 0] > 100.0).mean()
    assert 0.2 < float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) < 0.5
    assert np.isnan(out.annual_energy_exceedance.sel(year=2022)).all()
    np.testing.assert_allclose(out.period_energy.sum("region"), total.sum(axis=1))
