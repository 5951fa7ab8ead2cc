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
