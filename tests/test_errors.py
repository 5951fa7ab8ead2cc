"""Errors that are the user's to fix: one line per problem, naming where, what was expected
and what was found."""

import pytest

from hashjoule.errors import InputError, Problem


def test_a_problem_names_source_key_expected_and_found():
    problem = Problem("prices.csv", "row 17, column 'price_usd'", "a number above 0", "'-3'")
    assert str(problem) == "prices.csv: row 17, column 'price_usd': expected a number above 0, found '-3'"


def test_a_problem_without_key_or_found_leaves_them_out():
    assert str(Problem("--date", "", "a day written YYYY-MM-DD")) == "--date: expected a day written YYYY-MM-DD"


def test_a_problem_is_always_one_line():
    text = str(Problem("s.toml", "policy[0].note\nsecond", "text", "'a\tb\x00'"))
    assert "\n" not in text and text.isprintable()
    assert "policy[0].note\\nsecond" in text and "a\\tb\\x00" in text


def test_an_error_holds_its_problems_in_order_one_line_each():
    first, second = Problem("a.toml", "x", "1"), Problem("a.toml", "y", "2", "3")
    error = InputError([first, second])
    assert error.problems == [first, second]
    assert str(error) == "a.toml: x: expected 1\na.toml: y: expected 2, found 3"
    assert isinstance(error, ValueError)


def test_single_is_an_error_of_one_problem():
    error = InputError.single("--seed", "", "a whole number", "'x'")
    assert error.problems == [Problem("--seed", "", "a whole number", "'x'")]
    assert InputError(error.problems[0]).problems == error.problems


def test_an_error_needs_a_problem():
    with pytest.raises(ValueError, match="at least one problem"):
        InputError([])
