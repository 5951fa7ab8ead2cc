"""Shared fixtures: bundled data and one historical estimate, computed once per session."""

import os
import shutil
import tempfile
from importlib import resources

import pytest

# The tests never read the user's own data folder (``hashjoule data import``): an empty
# one of their own, set before anything is loaded, and inherited by command-line subprocesses.
os.environ["HASHJOULE_DATA_DIR"] = tempfile.mkdtemp(prefix="hashjoule-test-data-")

from hashjoule.data import epoch_headers
from hashjoule.estimates.estimators import estimate
from hashjoule.network.history import daily_inputs


@pytest.fixture(scope="session")
def headers():
    return epoch_headers()


@pytest.fixture(scope="session")
def inputs():
    return daily_inputs()


@pytest.fixture(scope="session")
def estimate_ds(inputs):
    """All estimators at the Cambridge index's default 0.05 USD/kWh."""
    return estimate(0.05, inputs=inputs)


@pytest.fixture
def data_copy(tmp_path):
    """Copy bundled data files into a temporary folder, to damage them there."""

    def copy(*names):
        for name in names:
            source = resources.files("hashjoule.data").joinpath(f"{name}.csv")
            with resources.as_file(source) as path:
                shutil.copy(path, tmp_path / f"{name}.csv")
        return tmp_path

    return copy


@pytest.fixture(scope="session")
def small_calibration():
    """A calibration small enough for tests: one year of fit, 6 particles, two lags (its
    workflow, report and figures are tested in calibration/, reports/ and figures/)."""
    from hashjoule.calibration import workflow

    return workflow.calibrate(until="2018-08-31", start="2017-07-01", draws=6, seed=5, lags=(30, 90), max_evaluations=8,
                              crackdown_draws=0)
