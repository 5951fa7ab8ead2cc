"""Summaries over draws of the draws' annual totals (annual.py): exceedance, quantiles."""

import numpy as np
import xarray as xr

from hashjoule.simulation.annual import annual_summaries
from hashjoule.simulation.histograms import QUANTILES


def test_exceedance_is_the_share_of_draws_above_the_threshold():
    rng = np.random.default_rng(5)
    energy = rng.lognormal(np.log(120.0), 0.3, size=(400, 2, 3)) / 3  # (draw, year, region) [TWh]
    ds = xr.Dataset({"annual_energy": (("draw", "year", "region"), energy, {"units": "TWh", "long_name": "e in the year"}),
                     "annual_co2": (("draw", "year", "region"), energy / 2, {"units": "Mt", "long_name": "c in the year"}),
                     "days": ("year", [365, 200])}, coords={"year": [2021, 2022]})
    out = annual_summaries(ds, thresholds_twh=(100.0, 134.0))
    total = energy.sum(axis=2)
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) == (total[:, 0] > 134.0).mean()
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=100.0)) == (total[:, 0] > 100.0).mean()
    assert 0.2 < float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) < 0.5
    assert np.isnan(out.annual_energy_exceedance.sel(year=2022)).all()
    np.testing.assert_allclose(out.period_energy.sum("region"), total.sum(axis=1))


def test_annual_quantiles_are_numpys_over_draws_and_skip_a_draw_without_value():
    """The quantiles over draws are numpy's (linear interpolation); a NaN draw (a region the
    draw does not have) is left out, not spread over the quantiles."""
    rng = np.random.default_rng(6)
    energy = rng.lognormal(0.0, 0.5, size=(50, 1, 2))  # (draw, year, region) [TWh]
    ds = xr.Dataset({"annual_energy": (("draw", "year", "region"), energy, {"units": "TWh", "long_name": "e in the year"}),
                     "annual_co2": (("draw", "year", "region"), energy / 2, {"units": "Mt", "long_name": "c in the year"}),
                     "days": ("year", [365])}, coords={"year": [2021]})
    q = list(QUANTILES)
    out = annual_summaries(ds)
    np.testing.assert_array_equal(out.annual_energy_quantiles.transpose("quantile", "year", "region"),
                                  np.quantile(energy, q, axis=0))
    energy[7, 0, 1] = np.nan
    out = annual_summaries(ds.assign(annual_energy=ds.annual_energy.copy(data=energy)))
    np.testing.assert_array_equal(out.annual_energy_quantiles.transpose("quantile", "year", "region"),
                                  np.nanquantile(energy, q, axis=0))
    assert np.isfinite(out.annual_energy_quantiles).all()
