"""The default world built from the bundled data."""

import numpy as np
import pandas as pd
import pytest

from hashjoule.data import epoch_headers
from hashjoule.errors import InputError
from hashjoule.network import chain
from hashjoule.simulation import economics
from hashjoule.simulation.fleet import Fleet
from hashjoule.network.history import daily_inputs
from hashjoule.simulation.world import ROADMAP_FLOOR_J_PER_TH, baseline_inputs


@pytest.fixture(scope="module")
def world():
    return baseline_inputs("2019-06-01", "2025-12-31")


def test_regions_and_shares(world):
    r = world.regions
    assert len(r.names) == 17 and r.initial_share.sum() == pytest.approx(1.0)
    # Cambridge Mining Map, Sep 2019 - Aug 2020: China about 70 %, Xinjiang and Sichuan the largest
    china = sum(s for name, s in zip(r.names, r.initial_share) if name in
                ("Sichuan", "Yunnan", "Xinjiang", "Inner Mongolia", "Gansu", "Qinghai", "Shanxi", "Beijing", "Other China"))
    assert 0.6 < china < 0.8
    assert max(zip(r.initial_share, r.names))[1] in ("Xinjiang", "Sichuan")


def test_hydro_tariffs_are_seasonal(world):
    sichuan = world.regions.names.index("Sichuan")
    days = pd.DatetimeIndex(world.time)
    tariff = world.regions.tariff_usd_per_kwh[:, sichuan]
    assert tariff[days.month == 7].max() < tariff[days.month == 1].min()


def test_emission_factors_come_from_the_bundled_tables(world):
    ef = dict(zip(world.regions.names, world.regions.emission_factor_t_per_mwh))
    assert ef["Sichuan"] == pytest.approx(0.1255)  # MEE 2021
    assert ef["United States"] == pytest.approx(0.369571, rel=1e-4)  # OWID 2020


def test_roadmap_improves_towards_its_floor(world):
    hw = world.hardware
    future = np.array(["roadmap" in name for name in hw.names])
    assert future.sum() == 5  # 2021 .. 2025
    eff = hw.efficiency_j_per_th[future]
    assert np.all(np.diff(eff) < 0) and eff.min() > ROADMAP_FLOOR_J_PER_TH


def test_chain_start_matches_the_headers(world):
    start = world.chain_start
    header = epoch_headers().loc[start.height // 2016]
    assert start.bits == header.bits
    first = pd.Timestamp("2019-06-01").timestamp() + start.epoch_first_time_s
    assert first == header.time_unix


def test_initial_online_hashrate_matches_the_observed(world):
    observed = float(daily_inputs().hashrate.sel(time=slice("2019-05-25", "2019-05-31")).mean())
    reward = chain.block_subsidy_btc(world.chain_start.height) + world.market.fees_btc_per_block[0]
    hashprice = economics.hashprice_usd_per_ths_day(reward, np.array([world.market.price_history_usd[0]]),
                                                chain.difficulty_from_bits(world.chain_start.bits))
    online = Fleet(world, 1).online_ths(0, hashprice).sum()
    assert online == pytest.approx(observed, rel=1e-6)  # the fleet computes shares in single precision


def test_prices_are_observed_then_projected(world):
    observed_days = world.market.price_history_usd.size
    assert world.time[observed_days - 1] == np.datetime64("2023-02-25")
    assert world.market.volatility_per_sqrt_day > 0.01  # bitcoin's daily volatility is a few %


@pytest.mark.parametrize("start, end, message", [
    ("2005-01-01", "2020-01-01", "--start|start"),
    ("2024-01-01", "2025-01-01", "start"),
    ("2020-01-01", "2019-01-01", "on or after start"),
])
def test_impossible_periods_are_refused(start, end, message):
    with pytest.raises(InputError, match=message):
        baseline_inputs(start, end)


def test_the_fleet_follows_the_maps_monthly_split_until_february_2021():
    """Target days: the first of each Mining Map month from September 2019 to February 2021
    (the last before the first 2021 shutdown); new machines go where the latest put them."""
    from hashjoule.simulation.world import observed_shares

    assert baseline_inputs("2019-06-01", "2019-12-31").regions.share_target_days.size == 0  # by default: fixed
    x = baseline_inputs("2019-06-01", "2021-12-31", follow_map=True)
    r = x.regions
    days = x.time[r.share_target_days]
    assert str(days[0]) == "2019-09-01" and str(days[-1]) == "2021-02-01" and days.size == 18
    np.testing.assert_allclose(r.share_targets.sum(axis=1), 1.0)
    china = [r.names.index(n) for n in ("Sichuan", "Yunnan", "Xinjiang", "Inner Mongolia", "Gansu", "Qinghai",
                                          "Shanxi", "Beijing", "Other China")]
    # the map's Mainland China: 75.53 % in September 2019, 51.61 % in February 2021 (of the
    # regions the model has; Ireland, on the map from September 2020, is not one of them)
    assert r.share_targets[0, china].sum() == pytest.approx(0.7553, abs=0.01)
    assert r.share_targets[-1, china].sum() == pytest.approx(0.5161 / (1 - 0.0214), abs=0.01)
    # February alone, a dry month, would leave Sichuan 4.7 % for good: on the last target,
    # China's provinces are split as over March 2020 - February 2021, rains included
    assert r.share_targets[-1, r.names.index("Sichuan")] > 0.07
    assert (r.deployment_share[r.share_target_days[-1]:] == r.share_targets[-1]).all()
    assert (r.deployment_share[:r.share_target_days[0]] == r.initial_share).all()
    # a calibration's cut-off sees only the months published by then
    known = observed_shares(x.time, r.initial_share, known_until=pd.Timestamp("2020-06-15"))
    assert str(x.time[known[1][-1]]) == "2020-05-01"


def test_a_world_starting_inside_or_after_the_followed_months_starts_from_the_maps_split():
    """A run from 2021-03-01 starts as the map was in February 2021 (its provinces over a
    seasonal cycle) and follows no later month; one from 2020-06-15 starts as in June 2020."""
    from hashjoule.simulation.world import observed_shares

    late = baseline_inputs("2021-03-01", "2021-12-31", follow_map=True).regions
    assert late.share_target_days.size == 0
    full = baseline_inputs("2019-06-01", "2021-12-31", follow_map=True).regions
    np.testing.assert_array_equal(late.initial_share, full.share_targets[-1])
    assert (late.deployment_share == late.initial_share).all()
    mid = baseline_inputs("2020-06-15", "2020-12-31", follow_map=True)
    june = observed_shares(mid.time, mid.regions.initial_share, last="2020-06-01")[0]
    assert str(mid.time[mid.regions.share_target_days[0]]) == "2020-07-01"
    np.testing.assert_allclose(mid.regions.initial_share.sum(), 1.0)
    # June 2020 as the run's first split: the raw month, except that as a last month its
    # provinces are taken over the cycle; China's total is the month's either way
    china = slice(0, 9)
    assert mid.regions.initial_share[china].sum() == pytest.approx(june[china].sum(), rel=1e-12)


def test_the_fleet_is_split_as_observed_on_each_target_day():
    x = baseline_inputs("2019-06-01", "2020-03-31", follow_map=True)
    fleet = Fleet(x, 1)
    target_days = x.regions.share_target_days
    hashprice = np.array([0.2])
    for day in range(int(target_days[2]) + 1):
        online, _ = fleet.online_day(day, hashprice)
        fleet.advance(day, hashprice, online.sum(axis=1), np.array([1e13]))
        if day + 1 in fleet.share_targets:
            installed = fleet.capacity.sum(axis=0)[0]
            np.testing.assert_allclose(installed / installed.sum(), fleet.share_targets[day + 1], rtol=1e-12)
