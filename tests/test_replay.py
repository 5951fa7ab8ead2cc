"""Historical replay: the bundled fit reproduces the observed hashrate, with a stated error."""

import numpy as np
import pytest

from hashjoule.calibration import replay
from hashjoule.simulation.world import baseline_inputs


def test_bundled_set_reproduces_2016_to_april_2021():
    """The fit window's median absolute percentage error of the daily hashrate was 8.0 %
    when the set was made; we require at most 9 % so that a change in the model that
    worsens the fit is caught, and record the number in docs/fleet-simulation.md."""
    parameters = replay.load_set()
    inputs = baseline_inputs(replay.FIT_START, replay.FIT_END)
    simulated = replay.simulated_hashrate_ths(inputs, parameters)
    observed = replay.observed_hashrate_ths(replay.FIT_START, replay.FIT_END)
    mdape, rmse = replay.score(simulated, observed)
    assert mdape < 0.09
    assert rmse < 0.14


def test_the_fit_recovers_known_parameters():
    """Fit to a hashrate path the model itself made with known parameters: the fit must
    find them again, lag included. Nelder-Mead gets within 0.05 % in 80 runs here; 2 % allows
    for other numerical libraries."""
    start, end = "2017-01-01", "2018-12-31"
    truth = replay.FleetParameters(0.008, 30, 15.0)
    synthetic = replay.simulated_hashrate_ths(baseline_inputs(start, end), truth)
    fitted = replay.fit(start, end, lags=(30, 90), max_evaluations=80, observed=synthetic)
    assert fitted.parameters.deployment_lag_days == 30
    assert fitted.parameters.growth_per_day == pytest.approx(truth.growth_per_day, rel=0.02)
    assert fitted.parameters.unprofitable_retirement_days == pytest.approx(truth.unprofitable_retirement_days, rel=0.02)
    assert fitted.mdape < 0.005


def test_fit_is_reproducible():
    a = replay.fit("2018-01-01", "2018-12-31", lags=(30,), max_evaluations=6)
    b = replay.fit("2018-01-01", "2018-12-31", lags=(30,), max_evaluations=6)
    assert a == b


def test_set_round_trip(tmp_path):
    fitted = replay.ReplayFit(replay.FleetParameters(0.005, 60, 25.0), "2016-01-01", "2021-04-30", 0.08, 0.13, 10)
    path = tmp_path / "x.toml"
    replay.write_set(fitted, path)
    import tomllib

    values = tomllib.loads(path.read_text())
    assert values["parameters"]["growth_per_day"] == pytest.approx(0.005)
    assert values["fit"]["median_absolute_percentage_error"] == pytest.approx(0.08)
    assert np.isfinite(values["parameters"]["unprofitable_retirement_days"])
    assert values["parameters"]["max_growth_per_day"] == float("inf")
    assert replay.read_set(path) == fitted.parameters
