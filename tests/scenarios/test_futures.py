"""Futures a scenario states: the 2028 halving in the per-bitcoin outputs, average or marginal
grid emission factors (the price after the record: test_market.py)."""

import numpy as np
import pytest

from hashjoule.errors import InputError
from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.runs import comparable, load, with_emissions
from hashjoule.simulation import engine_ensemble
from hashjoule.simulation.runner import annual_totals, summary_table
from hashjoule.simulation.annual import annual_summaries

#: Kilograms in a pound (exact, by definition).
KG_PER_LB = 0.45359237


def _scenario(tmp_path, body: str, name: str = "s") -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "baseline"\n[run]\nstart = 2022-01-01\nend = 2024-12-31\n' + body)
    return str(path)


# --- the halving in the per-bitcoin outputs ----------------------------------------------


def test_the_2028_halving_shows_in_the_per_bitcoin_columns():
    """Published rule (Bitcoin Core, GetBlockSubsidy): 3.125 BTC a block from height 840,000
    (2024-04-20), 1.5625 BTC from 1,050,000, 210,000 blocks later: about four years at 600 s
    a block, so in 2028. Exact in whole years on either side; electricity per bitcoin about
    doubles across it."""
    _, _, x, _ = load(_halving_run())
    ds = engine_ensemble.run_batch(x, [0], seed=None)
    ds = ds.merge(annual_totals(x, ds))
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
