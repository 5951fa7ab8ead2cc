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


def _totals(draws: int, years: int, regions: int, seed: int = 7) -> xr.Dataset:
    """Random annual totals with a few NaN (regions some draws do not have)."""
    rng = np.random.default_rng(seed)
    energy = rng.lognormal(np.log(8.0), 0.5, size=(draws, years, regions))
    energy.flat[rng.choice(energy.size, 3, replace=False)] = np.nan
    return xr.Dataset({"annual_energy": (("draw", "year", "region"), energy, {"units": "TWh", "long_name": "e in the year"}),
                       "annual_co2": (("draw", "year", "region"), energy / 2, {"units": "Mt", "long_name": "c in the year"}),
                       "days": ("year", np.full(years, 365))},
                      coords={"draw": np.arange(draws), "year": 2016 + np.arange(years), "region": list("abcdefg")[:regions]})


def test_sums_and_quantiles_taken_a_slice_of_draws_at_a_time_are_the_whole_arrays(monkeypatch):
    """Slices of a few draws or columns give the numbers xarray and numpy give for the whole
    array, bit for bit, NaN skipped where a column has one."""
    ds = _totals(301, 4, 5)
    from hashjoule.simulation import annual

    monkeypatch.setattr(annual, "CHUNK_BYTES", 1000)  # 25 draws of 4 x 5 values, 25 columns of draws
    var = ds.annual_energy
    xr.testing.assert_identical(annual.draw_sum(var, "region"), var.sum("region"))
    xr.testing.assert_identical(annual.draw_sum(var, "year"), var.sum("year"))
    xr.testing.assert_identical(annual.draw_sum(var, ["year", "region"]), var.sum(["year", "region"]))
    some = var.assign_coords(chain=("draw", np.arange(301) % 3))  # a coordinate along draws goes along
    in_some = annual.by_draws(lambda part: part.sel(region=["a", "c"]).sum(["year", "region"]), some)
    xr.testing.assert_identical(in_some, some.sel(region=["a", "c"]).sum(["year", "region"]))
    whole = var.quantile(list(QUANTILES), dim="draw", skipna=True)
    xr.testing.assert_identical(annual._draw_quantiles(var), whole)
    assert np.isfinite(annual._draw_quantiles(var)).all()


def test_the_summaries_copy_a_slice_of_the_draws_totals_not_all_of_them(monkeypatch):
    """The summaries hold at most their results, the network's annual totals (one number a
    draw and year) and a few slices of 1 MiB: under 0.75 times the energy totals here, where
    xarray's NaN-skipping sums had copied them whole, with a mask (2.2 times their size)."""
    import tracemalloc

    from hashjoule.simulation import annual

    monkeypatch.setattr(annual, "CHUNK_BYTES", 2**20)
    ds = _totals(20_000, 12, 7)  # 13.4 MB of energy, as much of CO2
    tracemalloc.start()
    try:
        out = annual_summaries(ds)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.nbytes < peak < 0.75 * ds.annual_energy.nbytes
