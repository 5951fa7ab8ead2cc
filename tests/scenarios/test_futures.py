"""Futures a scenario states: the price after the record, the 2028 halving in the per-bitcoin
outputs, average or marginal grid emission factors."""

import math

import numpy as np
import pytest

from hashjoule.errors import InputError
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.market import daily_drift, daily_volatility
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.runs import comparable, load, with_emissions
from hashjoule.simulation import engine_ensemble
from hashjoule.simulation.runner import annual_totals, summary_table
from hashjoule.simulation.reduce import annual_summaries

#: Kilograms in a pound (exact, by definition).
KG_PER_LB = 0.45359237
RECORD_END = np.datetime64("2023-02-25")


def _scenario(tmp_path, body: str, name: str = "s") -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "baseline"\n[run]\nstart = 2022-01-01\nend = 2024-12-31\n' + body)
    return str(path)


# --- the market after the record ------------------------------------------------------


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
    median = x.market.price_paths(x.days, None)[0]
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
    median = x.market.price_paths(x.days, None)[0]
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


# --- the halving in the per-bitcoin outputs ----------------------------------------------


def test_the_2028_halving_shows_in_the_per_bitcoin_columns():
    """Published rule (Bitcoin Core, GetBlockSubsidy): 3.125 BTC a block from height 840,000
    (2024-04-20), 1.5625 BTC from 1,050,000, 210,000 blocks later: about four years at 600 s
    a block, so in 2028. Exact in whole years on either side; electricity per bitcoin about
    doubles across it."""
    _, _, x, _ = load(_halving_run())
    ds = engine_ensemble.run_batch(x, [0], seed=None)
    ds = ds.merge(annual_totals(ds))
    table = summary_table(ds.merge(annual_summaries(ds)))
    subsidy = table.subsidy_btc_per_block_median
    assert subsidy[2027] == pytest.approx(3.125, abs=1e-9)
    assert subsidy[2029] == pytest.approx(1.5625, abs=1e-9)
    assert 1.5625 < subsidy[2028] < 3.125
    per_btc = table.energy_per_btc_MWh_median
    energy = ds.annual_energy.sum("region").isel(draw=0).to_series()
    assert per_btc[2029] / per_btc[2027] == pytest.approx(2 * energy[2029] / energy[2027], rel=0.02)


def _halving_run() -> str:
    scenario = load_scenario("halving-2028")[0]
    assert scenario.market.drift_per_year == 0.15
    return "halving-2028"


# --- average and marginal emission factors -----------------------------------------------


def test_marginal_factors_replace_the_average_where_one_is_bundled():
    scenario = load_scenario("china-2021")[0]
    average = resolve(scenario).regions
    marginal = resolve(with_emissions(scenario, "marginal")).regions
    names = list(average.names)
    ef = dict(zip(names, marginal.emission_factor_t_per_mwh))
    # NDRC 2016 edition, operating margins of 2012-2014 (t CO2/MWh), as published to 4 decimals
    assert ef["Inner Mongolia"] == ef["Shanxi"] == ef["Beijing"] == 1.0000
    assert ef["Xinjiang"] == ef["Gansu"] == ef["Qinghai"] == 0.9316
    assert ef["Sichuan"] == 0.9229 and ef["Yunnan"] == 0.8676
    # EIA FAQ 74 (2022): US natural gas generation 0.97 lb CO2/kWh, rounded to 0.01 lb
    assert ef["United States"] == pytest.approx(0.97 * KG_PER_LB, abs=0.005 * KG_PER_LB)
    for name in ("Russia", "Kazakhstan", "Canada", "Other"):  # none bundled: the average kept
        assert ef[name] == average.emission_factor_t_per_mwh[names.index(name)]
    # the margin of a coal or hydro grid burns more than the grid's average
    for name in ("Inner Mongolia", "Xinjiang", "Sichuan", "Yunnan", "United States"):
        assert ef[name] > average.emission_factor_t_per_mwh[names.index(name)], name


def test_a_region_override_wins_over_the_basis(tmp_path):
    source = _scenario(tmp_path, '[emissions]\nbasis = "marginal"\n[regions."Sichuan"]\nemission_factor_t_per_mwh = 0.2\n')
    regions = resolve(load_scenario(source)[0]).regions
    assert regions.emission_factor_t_per_mwh[regions.names.index("Sichuan")] == 0.2
    assert regions.emission_factor_t_per_mwh[regions.names.index("Xinjiang")] == 0.9316


def test_a_comparison_refuses_two_bases_unless_one_is_imposed(tmp_path):
    source = _scenario(tmp_path, '[emissions]\nbasis = "marginal"\n')
    base = _scenario(tmp_path, "", "b")
    with pytest.raises(InputError) as error:
        comparable([source], base)
    assert error.value.problems[0].key == "emissions.basis"
    assert all(s.emissions.basis == "average" for s in comparable([source], base, "average").values())
    with pytest.raises(InputError):
        with_emissions(load_scenario(base)[0], "lifecycle")


def test_the_basis_changes_the_co2_of_a_comparison_by_the_energy_moved_times_the_factor_gap(tmp_path):
    """The basis changes factors only: the energies are identical, and the change of the net
    CO2 between the two bases is sum_r dE_r (marginal_r - average_r) exactly."""
    head = "[run]\nstart = 2020-06-01\nend = 2022-12-31\n"
    (tmp_path / "c.toml").write_text(f'name = "c"\nextends = "china-2021"\n{head}')
    (tmp_path / "b.toml").write_text(f'name = "b"\nextends = "baseline"\n{head}')
    runs = {}
    for basis in ("average", "marginal"):
        for name in ("b", "c"):
            _, _, x, _ = load(str(tmp_path / f"{name}.toml"), basis)
            runs[basis, name] = (engine_ensemble.run_batch(x, [0], seed=None), x.regions.emission_factor_t_per_mwh)
    moved = (runs["average", "c"][0].energy - runs["average", "b"][0].energy).sum(["draw", "time"])  # GWh
    np.testing.assert_array_equal(runs["marginal", "c"][0].energy, runs["average", "c"][0].energy)
    gap = runs["marginal", "c"][1] - runs["average", "c"][1]  # t/MWh
    net = {basis: float((runs[basis, "c"][0].co2 - runs[basis, "b"][0].co2).sum()) for basis in ("average", "marginal")}
    assert net["marginal"] - net["average"] == pytest.approx(float((moved.to_numpy() * 1e3 * gap).sum()), rel=1e-9)
    assert net["marginal"] < net["average"]  # the shut capacity stood on dirtier margins than averages
