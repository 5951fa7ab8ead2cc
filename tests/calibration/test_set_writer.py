"""Writing parameter-set files: a set reads back as written, and a bad one is never written."""

import math
import tomllib

import pytest

from hashjoule.calibration import set_writer
from hashjoule.errors import InputError
from hashjoule.scenarios import parameter_sets
from hashjoule.simulation.inputs import FleetParameters

TABLES = {
    "fit": {"window_start": "2016-01-01", "window_end": "2021-04-30", "method": "test", "engine_runs": 10,
            "median_absolute_percentage_error": 0.08, "date": "2026-01-01"},
    "parameters": {"growth_per_day": 0.005, "deployment_lag_days": 60, "unprofitable_retirement_days": 25.0,
                   "supply_ths_per_day": math.inf},
    "posterior": {"lag_frequencies": {"30": 0.25, "60": 0.75}, "sigma_narrowed_to_bounds": []},
    "distributions": {"growth_per_day": {"dist": "lognormal", "median": 0.006, "sigma": 0.2}},
}


def test_set_round_trip(tmp_path):
    path = set_writer.write_set(TABLES, tmp_path / "x.toml", {("parameters", "growth_per_day"): "1/d"})
    text = path.read_text()
    assert "growth_per_day = 0.005   # 1/d" in text, text
    values = tomllib.loads(text)
    assert values["fit"]["median_absolute_percentage_error"] == pytest.approx(0.08)
    assert values["parameters"]["supply_ths_per_day"] == math.inf
    assert values["posterior"]["lag_frequencies"] == {"30": 0.25, "60": 0.75}
    assert parameter_sets.read_set(path) == FleetParameters(0.005, 60, 25.0)
    assert list(values) == ["fit", "parameters", "posterior", "distributions"]


def test_a_bad_set_is_refused_with_file_and_key(tmp_path):
    broken = {**TABLES, "parameters": {"growth_per_day": 0.005}}
    with pytest.raises(InputError, match=r"x.toml: parameters.deployment_lag_days: expected a number"):
        set_writer.write_set(broken, tmp_path / "x.toml")
    wide = {**TABLES, "distributions": {"unprofitable_retirement_days": {"dist": "lognormal", "median": 3, "sigma": 2}}}
    with pytest.raises(InputError, match=r"x.toml: distributions.unprofitable_retirement_days: .* >= 1.0"):
        set_writer.write_set(wide, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()


def test_the_crackdown_check_is_written(tmp_path):
    tables = {**TABLES, "crackdown": {"scenario": "china-2021", "draws": 100, "drop": -0.46, "recovered_day": "none"}}
    values = tomllib.loads(set_writer.write_set(tables, tmp_path / "x.toml").read_text())
    assert values["crackdown"] == tables["crackdown"]
