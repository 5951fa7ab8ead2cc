"""The posterior's model-error term: estimated from residuals, drawn forward from zero."""

import numpy as np
import pytest

from hashjoule.calibration import posterior


def _ar1(rho, sigma, n, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    x[0] = sigma * rng.standard_normal()
    for t in range(1, n):
        x[t] = rho * x[t - 1] + sigma * np.sqrt(1 - rho**2) * rng.standard_normal()
    return x


def test_discrepancy_finds_a_known_ar1_process():
    residuals = _ar1(0.9, 0.1, 20_000, 1)
    rho, sigma = posterior.discrepancy(residuals)
    assert rho == pytest.approx(0.9, abs=0.01)
    # block luck is taken out: sigma^2 = var - LUCK_VARIANCE
    assert sigma == pytest.approx(np.sqrt(0.1**2 - posterior.LUCK_VARIANCE), rel=0.05)


def test_residuals_of_luck_alone_leave_no_model_error():
    rng = np.random.default_rng(2)
    residuals = rng.normal(0.0, np.sqrt(posterior.LUCK_VARIANCE) * 0.9, 5_000)
    assert posterior.discrepancy(residuals)[1] == pytest.approx(0.0, abs=0.005)


def test_a_lasting_bias_counts_as_model_error():
    assert posterior.discrepancy(np.full(100, 0.2))[1] == pytest.approx(0.2)


def test_factors_start_at_one_and_reach_the_stationary_spread():
    f = posterior.discrepancy_factors(0.95, 0.1, np.arange(4000), 300, seed=3)
    assert f.shape == (4000, 300)
    assert np.all(f[:, 0] == 1.0)  # the forecast starts from the observed value
    d = np.log(f)
    assert d[:, 1].std() == pytest.approx(0.1 * np.sqrt(1 - 0.95**2), rel=0.05)
    assert d[:, -1].std() == pytest.approx(0.1, rel=0.05)
    assert abs(d[:, -1].mean()) < 0.01


def test_each_draw_has_its_own_stream():
    both = posterior.discrepancy_factors(0.9, 0.1, np.array([5, 9]), 50, seed=0)
    alone = posterior.discrepancy_factors(0.9, 0.1, np.array([9]), 50, seed=0)
    np.testing.assert_array_equal(both[1], alone[0])
    assert not np.array_equal(both[0], both[1])
    np.testing.assert_array_equal(posterior.discrepancy_factors(0.0, 0.0, np.array([1]), 10, seed=0), 1.0)
