"""Hashrate and CO2 by region over time."""

from figureworld import assert_units
from hashjoule import figures


def test_composition(run):
    fig = figures.regional_composition(run, {"Sichuan": ["Sichuan"], "China other": ["Xinjiang"]})
    assert_units(fig, "EH/s", "kt/d")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert set(legend) == {"Sichuan", "China other", "rest of world"}
