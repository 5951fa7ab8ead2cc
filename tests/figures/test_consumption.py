"""Annualised consumption by estimator, with the Cambridge index and the article's figure."""

from figureworld import assert_units
from hashjoule import figures


def test_consumption(estimate):
    cambridge = estimate.annualised_energy.sel(estimator="cbeci", bound="best") * 0.9
    fig = figures.annualised_consumption(estimate, cambridge)
    assert_units(fig, "TWh/yr")
    assert any(line.get_ydata()[0] == 134.0 for line in fig.axes[0].lines if len(line.get_ydata()) == 2)
