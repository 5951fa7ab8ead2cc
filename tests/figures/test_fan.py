"""The fan chart of annual electricity over the draws."""

import pytest

from figureworld import assert_units
from hashjoule import figures


def test_band_needs_draws(run):
    with pytest.raises(ValueError, match="draw"):
        figures.annual_fan(run.mean("draw").assign(days=run.days))


def test_fan(run):
    fig = figures.annual_fan(run, reference=run)
    assert_units(fig, "TWh/yr")
