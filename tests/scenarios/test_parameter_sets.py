"""Reading parameter-set files: the bundled set, its distributions for scenarios, and how
scenarios name a set (writing them is tested in tests/calibration/test_set_writer.py)."""

import tomllib

import pytest

from hashjoule.errors import InputError
from hashjoule.scenarios import parameter_sets
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.schema import LogNormal, Normal

def test_the_bundled_set_has_its_record_and_posterior():
    name = parameter_sets.SET_NAME
    values = tomllib.loads(parameter_sets._sets_folder().joinpath(f"{name}.toml").read_text())
    assert {"fit", "parameters", "posterior", "distributions", "holdout"} <= set(values)
    assert values["fit"]["window_end"] == "2021-04-30"
    for key in ("median_absolute_percentage_error", "rmse_log", "date", "method"):
        assert key in values["fit"]
    distributions = parameter_sets.set_distributions(name)
    assert set(distributions) == {"growth_per_day", "unprofitable_retirement_days", "supply_ths_per_day",
                                  "supply_growth_per_year"}
    assert all(isinstance(d, Normal if name == "supply_growth_per_year" else LogNormal)
               for name, d in distributions.items())
    growth = distributions["growth_per_day"].frozen()
    assert growth.ppf(0.01) < parameter_sets.load_set(name).growth_per_day < growth.ppf(0.99)


def test_an_unknown_set_is_refused_with_the_known_ones():
    with pytest.raises(InputError, match=r"calibration set: expected a set in hashjoule/calibration/sets .*found 'nope'"):
        parameter_sets.load_set("nope")
    with pytest.raises(InputError, match="found 'nope'"):
        parameter_sets.set_distributions("nope")


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
