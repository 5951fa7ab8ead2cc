"""The calibration's figures: every axis has units, every figure its source, and the fit and
check figures registered in the catalogue."""

from hashjoule.reports.catalogue import FIGURES


def test_every_axis_has_units(small_calibration):
    from hashjoule.figures import calibration as figures

    for fig in (figures.hashrate_fit(small_calibration.paths), figures.residuals(small_calibration.paths),
                figures.posterior_marginals(small_calibration.posterior), figures.holdout_check(small_calibration.paths)):
        for ax in fig.axes:
            assert "[" in ax.get_xlabel() and "[" in ax.get_ylabel()
        assert any(text.get_text().startswith("Source:") for text in fig.texts)


def test_calibration_figures_are_registered_with_their_axes(tmp_path):
    """The calibration's fit and out-of-sample figures, from a calibration's paths."""
    import numpy as np
    import xarray as xr

    from hashjoule import figures

    assert {"calibration-fit", "calibration-check"} <= set(FIGURES)
    time = np.arange("2021-01-01", "2021-12-31", dtype="datetime64[D]").astype("datetime64[ns]")
    rng = np.random.default_rng(0)
    paths = xr.Dataset({"draws": (("draw", "time"), 100 + rng.normal(0, 5, (20, time.size))),
                        "point": ("time", np.full(time.size, 100.0)), "observed": ("time", np.full(time.size, 90.0)),
                        "fitted": ("time", np.where(time < np.datetime64("2021-05-01"), 95.0, np.nan))},
                       coords={"time": time})
    paths.attrs.update(cutoff="2021-04-30", check_start="2021-05-01", check_end="2021-12-31", scenario="china-2021",
                       mdape_in_sample=0.05, mdape_check=0.1, rmse_log_check=0.1, coverage_check=0.0)
    for fig in (figures.calibration.hashrate_fit(paths), figures.calibration.holdout_check(paths)):
        ax = fig.axes[0]
        assert ax.get_ylabel() == "network hashrate [EH/s]" and "[UTC day]" in ax.get_xlabel()
        assert any("Coin Metrics" in t.get_text() for t in fig.texts)  # the source line
