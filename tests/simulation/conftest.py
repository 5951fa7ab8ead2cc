"""Fixtures of the simulation tests: the bundled world over one year."""

import pytest

from hashjoule.simulation.world import baseline_inputs


@pytest.fixture(scope="module")
def world_2019():
    """One year of the bundled world, with its calibrated-looking defaults."""
    return baseline_inputs("2019-01-01", "2019-12-31")
