"""Schema errors as problems: one per key path, in the file's words."""

import pytest
from pydantic import ValidationError

from hashjoule.scenarios.messages import schema_problems
from hashjoule.scenarios.schema import Scenario


def problems_of(data: dict):
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    return schema_problems("s.toml", caught.value)


def test_an_unknown_key_gets_a_spelling_suggestion_and_its_path():
    [problem] = problems_of({"name": "s", "run": {"draw": 5}})
    assert problem.source == "s.toml" and problem.key == "run.draw" and "did you mean 'draws'?" in problem.expected


def test_a_key_of_another_distribution_is_named_as_such():
    found = problems_of({"name": "s", "uncertainty": {"pue": {"dist": "uniform", "low": 1.05, "mode": 1.1,
                                                             "high": 1.2}}})
    assert any(p.key == "uncertainty.pue.mode" and "a key of another table" in p.expected for p in found)


def test_a_number_where_a_number_or_distribution_may_stand_reports_one_branch():
    [problem] = problems_of({"name": "s", "uncertainty": {"tariff_scale": "high"}})
    assert problem.key == "uncertainty.tariff_scale" and problem.found == "'high'"
