"""Parameter-set files: writing and reading, distributions for scenarios, and how scenarios name a set."""

import math
import tomllib

import pytest

from hashjoule.calibration import set_writer
from hashjoule.scenarios import parameter_sets
from hashjoule.errors import InputError
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.schema import LogNormal
from hashjoule.simulation.inputs import FleetParameters

TABLES = {
    "fit": {"window_start": "2016-01-01", "window_end": "2021-04-30", "method": "test", "engine_runs": 10,
            "median_absolute_percentage_error": 0.08, "date": "2026-01-01"},
    "parameters": {"growth_per_day": 0.005, "deployment_lag_days": 60, "unprofitable_retirement_days": 25.0,
                   "max_growth_per_day": math.inf},
    "posterior": {"lag_frequencies": {"30": 0.25, "60": 0.75}, "sigma_narrowed_to_bounds": []},
    "distributions": {"growth_per_day": {"dist": "lognormal", "median": 0.006, "sigma": 0.2}},
}


def test_set_round_trip(tmp_path):
    path = set_writer.write_set(TABLES, tmp_path / "x.toml", {("parameters", "growth_per_day"): "1/d"})
    text = path.read_text()
    assert "growth_per_day = 0.005   # 1/d" in text, text
    values = tomllib.loads(text)
    assert values["fit"]["median_absolute_percentage_error"] == pytest.approx(0.08)
    assert values["parameters"]["max_growth_per_day"] == math.inf
    assert values["posterior"]["lag_frequencies"] == {"30": 0.25, "60": 0.75}
    assert parameter_sets.read_set(path) == FleetParameters(0.005, 60, 25.0)
    assert list(values) == ["fit", "parameters", "posterior", "distributions"]


def test_the_bundled_set_has_its_record_and_posterior():
    name = parameter_sets.SET_NAME
    values = tomllib.loads(parameter_sets._sets_folder().joinpath(f"{name}.toml").read_text())
    assert {"fit", "parameters", "posterior", "distributions", "holdout"} <= set(values)
    assert values["fit"]["window_end"] == "2021-04-30"
    for key in ("median_absolute_percentage_error", "rmse_log", "date", "method"):
        assert key in values["fit"]
    distributions = parameter_sets.set_distributions(name)
    assert set(distributions) == {"growth_per_day", "unprofitable_retirement_days"}
    assert all(isinstance(d, LogNormal) for d in distributions.values())
    growth = distributions["growth_per_day"].frozen()
    assert growth.ppf(0.01) < parameter_sets.load_set(name).growth_per_day < growth.ppf(0.99)


def test_a_bad_set_is_refused_with_file_and_key(tmp_path):
    with pytest.raises(InputError, match=r"calibration set: expected a set in hashjoule/calibration/sets .*found 'nope'"):
        parameter_sets.load_set("nope")
    with pytest.raises(InputError, match="found 'nope'"):
        parameter_sets.set_distributions("nope")
    broken = {**TABLES, "parameters": {"growth_per_day": 0.005}}
    with pytest.raises(InputError, match=r"x.toml: parameters.deployment_lag_days: expected a number"):
        set_writer.write_set(broken, tmp_path / "x.toml")
    wide = {**TABLES, "distributions": {"unprofitable_retirement_days": {"dist": "lognormal", "median": 3, "sigma": 2}}}
    with pytest.raises(InputError, match=r"x.toml: distributions.unprofitable_retirement_days: .* >= 1.0"):
        set_writer.write_set(wide, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()


def _scenario(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return str(path)


def test_scenarios_name_a_set_with_calibration(tmp_path):
    scenario, _ = load_scenario(_scenario(tmp_path, 'name = "t"\ncalibration = "replay-2016-2021"\n'))
    assert scenario.fleet.parameter_set == "replay-2016-2021"
    assert resolve(scenario).fleet == parameter_sets.load_set("replay-2016-2021")
    # the older key still works, and the same name under both keys is accepted
    for text in ('name = "t"\n[fleet]\nparameter_set = "replay-2016-2021"\n',
                 'name = "t"\ncalibration = "replay-2016-2021"\n[fleet]\nparameter_set = "replay-2016-2021"\n'):
        assert load_scenario(_scenario(tmp_path, text))[0].fleet.parameter_set == "replay-2016-2021"


def test_two_different_sets_are_refused(tmp_path):
    path = _scenario(tmp_path, 'name = "t"\ncalibration = "a"\n[fleet]\nparameter_set = "b"\n')
    with pytest.raises(InputError, match=r"s.toml: calibration: expected the same set as fleet.parameter_set \('b'\)"):
        load_scenario(path)


def test_a_file_overrides_the_set_of_the_scenario_it_extends(tmp_path):
    """Either key in the extending file replaces the set named (by either key) in the base."""
    for text in ('name = "t"\nextends = "china-2021"\ncalibration = "nope"\n',
                 'name = "t"\nextends = "china-2021"\n[fleet]\nparameter_set = "nope"\n'):
        scenario, _ = load_scenario(_scenario(tmp_path, text))
        assert scenario.fleet.parameter_set == "nope"
        with pytest.raises(InputError, match="found 'nope'"):
            resolve(scenario, "s.toml")
