"""The market after the bundled record as a scenario states it: yearly rates made daily, the
drift of the median path, a user's price path extending the record, and a bad path refused."""

import math

import numpy as np
import pytest

from hashjoule.errors import InputError
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.market import daily_drift, daily_volatility
from hashjoule.scenarios.resolve import resolve

RECORD_END = np.datetime64("2023-02-25")


def _scenario(tmp_path, body: str, name: str = "s") -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "baseline"\n[run]\nstart = 2022-01-01\nend = 2024-12-31\n' + body)
    return str(path)


def test_yearly_rates_become_daily_ones():
    assert daily_drift(0.3653) * 365.25 == pytest.approx(0.3653)
    # independent daily changes: variances add up over a year
    assert daily_volatility(0.7) ** 2 * 365.25 == pytest.approx(0.49)


def test_the_record_volatility_is_what_the_section_defaults_to():
    """The default documented in the schema (about 0.7 a year) is the record's last four years."""
    x = resolve(load_scenario("baseline")[0])
    assert x.market.volatility_per_sqrt_day * math.sqrt(365.25) == pytest.approx(0.73, abs=0.05)
    assert x.market.drift_per_day == 0.0


def test_drift_sets_the_median_path_after_the_record(tmp_path):
    x = resolve(load_scenario(_scenario(tmp_path, "[market]\ndrift_per_year = 0.2\nvolatility_per_year = 0.4\n"))[0])
    base = resolve(load_scenario(_scenario(tmp_path, "", "b"))[0])
    np.testing.assert_array_equal(x.market.price_history_usd, base.market.price_history_usd)
    median = x.market.price_paths(x.days, None)[:, 0]
    known = x.market.price_history_usd.size
    years = (np.arange(known, x.days) - known + 1) / 365.25
    np.testing.assert_allclose(median[known:], x.market.price_history_usd[-1] * np.exp(0.2 * years), rtol=1e-9)
    assert x.market.volatility_per_sqrt_day == pytest.approx(0.4 / math.sqrt(365.25))


def test_a_price_path_extends_the_record_and_the_walk_goes_on_after_it(tmp_path):
    days = np.arange(np.datetime64("2023-02-20"), np.datetime64("2023-04-01"))  # overlaps the record's end
    prices = np.linspace(30_000, 40_000, days.size)
    lines = ["date,price_usd"] + [f"{d},{p}" for d, p in zip(days, prices)]
    (tmp_path / "prices.csv").write_text("\n".join(lines) + "\n")
    source = _scenario(tmp_path, '[market]\nprice_path = "prices.csv"\ndrift_per_year = 0.1\n')
    x = resolve(load_scenario(source)[0])
    base = resolve(load_scenario(_scenario(tmp_path, "", "b"))[0])
    record = base.market.price_history_usd.size
    assert x.time[record - 1] == RECORD_END
    np.testing.assert_array_equal(x.market.price_history_usd[:record], base.market.price_history_usd)  # record kept
    np.testing.assert_array_equal(x.market.price_history_usd[record:], prices[days > RECORD_END])
    median = x.market.price_paths(x.days, None)[:, 0]
    assert median[x.market.price_history_usd.size] == pytest.approx(40_000 * math.exp(0.1 / 365.25))


@pytest.mark.parametrize("rows, where", [
    (["2023-02-26,30000", "2023-02-27,-1"], "line 3, column price_usd"),
    (["2023-02-26,30000", "2023-02-28,31000"], "line 3, column date"),
    (["26/02/2023,30000"], "line 2, column date"),
    (["2023-03-05,30000"], "date"),  # starts after the day after the record
])
def test_a_bad_price_path_names_the_file_the_line_and_the_column(tmp_path, rows, where):
    (tmp_path / "prices.csv").write_text("date,price_usd\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as error:
        resolve(load_scenario(_scenario(tmp_path, '[market]\nprice_path = "prices.csv"\n'))[0])
    problem = error.value.problems[0]
    assert "prices.csv" in problem.source and problem.key == where

