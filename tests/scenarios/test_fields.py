"""The building blocks of the scenario schema (fields.py): distributions as scipy sees them,
their central values, and bounds checked on 99.8 % of a distribution."""

import pydantic
import pytest
from scipy import stats

from hashjoule.scenarios.fields import Beta, LogNormal, Normal, Triangular, Uniform, central, within


@pytest.mark.parametrize("model, expected", [
    (Uniform(dist="uniform", low=2.0, high=6.0), 4.0),
    (Normal(dist="normal", mean=1.5, sd=0.2), 1.5),
    (LogNormal(dist="lognormal", median=3.0, sigma=0.5), 3.0),
    (Triangular(dist="triangular", low=0.0, mode=1.0, high=2.0), 1.0),
    (Beta(dist="beta", a=2.0, b=2.0, low=10.0, high=20.0), 15.0),
])
def test_the_central_value_of_a_symmetric_or_log_symmetric_distribution(model, expected):
    assert central(model) == pytest.approx(expected)
    assert model.frozen().median() == pytest.approx(expected)


def test_a_number_is_its_own_central_value():
    assert central(3) == 3.0 and isinstance(central(3), float)


def test_quantiles_are_scipys():
    model = LogNormal(dist="lognormal", median=2.0, sigma=0.3)
    assert model.ppf(0.9) == pytest.approx(stats.lognorm(0.3, scale=2.0).ppf(0.9))


def test_within_checks_the_central_998_per_mille_of_a_distribution():
    narrow = Normal(dist="normal", mean=0.5, sd=0.1)  # 0.5 +- 3.09 sd = 0.19 to 0.81
    assert within("share", narrow, 0.0, 1.0) is narrow
    wide = Normal(dist="normal", mean=0.5, sd=0.2)  # 0.5 - 3.09 x 0.2 < 0
    with pytest.raises(ValueError, match="share must be >= 0.0 for 99.8 % of the distribution"):
        within("share", wide, 0.0, 1.0)
    with pytest.raises(ValueError, match="pue must be <= 3.0$"):
        within("pue", 3.5, 1.0, 3.0)


@pytest.mark.parametrize("make", [
    lambda: Uniform(dist="uniform", low=2.0, high=2.0),
    lambda: Triangular(dist="triangular", low=0.0, mode=3.0, high=2.0),
    lambda: Normal(dist="normal", mean=0.0, sd=0.0),
    lambda: Normal(dist="normal", mean=0.0, sd=1.0, skew=1.0),
    lambda: Normal(dist="normal", mean=float("nan"), sd=1.0),
])
def test_ill_formed_distributions_are_refused(make):
    with pytest.raises(pydantic.ValidationError):
        make()
