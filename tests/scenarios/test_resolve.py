"""From a scenario to the engines' inputs: the reported dates, region overrides."""

import numpy as np
import pytest

from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.network import chain
from hashjoule.simulation import economics
from hashjoule.simulation.fleet import Fleet


def test_china_2021_compiles_the_reported_dates():
    inputs = resolve(load_scenario("china-2021")[0])
    days = inputs.time
    names = list(inputs.regions.names)
    daily = inputs.policy.daily(inputs.days, draw=0)
    removal = daily["removal_rate"]
    first = {name: str(days[np.flatnonzero(removal[:, names.index(name)])[0]]) for name in
             ("Inner Mongolia", "Xinjiang", "Qinghai", "Sichuan", "Yunnan", "Other China")}
    # removals start so that each ramp ends by the reported deadline
    assert first == {"Inner Mongolia": "2021-03-31", "Xinjiang": "2021-06-09", "Qinghai": "2021-06-09",
                     "Sichuan": "2021-06-18", "Yunnan": "2021-06-12", "Other China": "2021-09-24"}
    last = {name: str(days[np.flatnonzero(removal[:, names.index(name)])[-1]]) for name in ("Inner Mongolia", "Sichuan")}
    assert last == {"Inner Mongolia": "2021-04-29", "Sichuan": "2021-06-20"}
    hainan = daily["tariff_adder_usd_per_kwh"][:, names.index("Other China")]
    assert str(days[np.flatnonzero(hainan)[0]]) == "2021-12-03"  # converted by policy.cny_to_usd
    assert hainan.max() == pytest.approx(0.80 / 6.4515)  # CNY at the 2021 average rate
    assert daily["deployment_ban"][:, names.index("Sichuan")].any()
    assert not daily["deployment_ban"][:, names.index("United States")].any()


def test_region_share_override_rescales_the_rest(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\n[regions."United States"]\nshare = 0.5\n')
    inputs = resolve(load_scenario(str(path))[0])
    base = resolve(load_scenario("baseline")[0])
    shares, before = inputs.regions.initial_share, base.regions.initial_share
    us = inputs.regions.names.index("United States")
    assert shares[us] == 0.5
    others = np.arange(len(shares)) != us
    np.testing.assert_allclose(shares[others], before[others] * 0.5 / before[others].sum())
    # and the first day's online hashrate is still the observed one
    assert _online_on_day_0(inputs) == pytest.approx(_online_on_day_0(base), rel=1e-5)


def _online_on_day_0(x):
    reward = chain.block_subsidy_btc(x.chain_start.height) + x.market.fees_btc_per_block[0]
    hashprice = economics.hashprice_usd_per_ths_day(reward, np.array([x.market.price_history_usd[0]]),
                                                chain.difficulty_from_bits(x.chain_start.bits))
    return float(Fleet(x, 1).online_ths(0, hashprice).sum())


def test_the_observed_split_is_followed_until_a_scenarios_first_policy_moves_machines(tmp_path):
    """With ``regional_split = "mining-map"``: china-2021's first ban (Inner Mongolia, announced
    2021-03-09) comes after the last map month followed; early-ban-2019's comes before the
    map begins; shares of a file's own replace the map's. By default the split is fixed."""
    def mapped(extends, more=""):
        path = tmp_path / f"{extends}-map.toml"
        path.write_text(f'name = "m"\nextends = "{extends}"\n[fleet]\nregional_split = "mining-map"\n{more}')
        return resolve(load_scenario(str(path))[0])

    assert resolve(load_scenario("china-2021")[0]).regions.share_target_days.size == 0
    china = mapped("china-2021")
    assert str(china.time[china.regions.share_target_days[-1]]) == "2021-02-01"
    early = mapped("early-ban-2019")
    assert early.regions.share_target_days.size == 0
    assert (early.regions.deployment_share == early.regions.initial_share).all()
    own = mapped("baseline", '[regions."United States"]\nshare = 0.5\n')
    assert own.regions.share_target_days.size == 0
    assert (own.regions.deployment_share == own.regions.initial_share).all()


def test_a_split_cut_by_an_early_policy_keeps_its_last_month_over_a_seasonal_cycle(tmp_path):
    """A ban from 2020-07-15: the map is followed to July 2020, and July's provinces are taken
    over the twelve months ending with it, as they then hold for the rest of the run."""
    from hashjoule.simulation.world import observed_shares

    path = tmp_path / "ban.toml"
    path.write_text('name = "ban"\nextends = "baseline"\n[fleet]\nregional_split = "mining-map"\n'
                    '[[policy]]\ntype = "deployment_ban"\nregions = ["Sichuan"]\nstart = 2020-07-15\n')
    x = resolve(load_scenario(str(path))[0])
    r = x.regions
    assert str(x.time[r.share_target_days[-1]]) == "2020-07-01"
    raw = observed_shares(x.time, r.initial_share, last="2020-08-01")[2]  # July is not the last here
    july = raw[list(x.time[observed_shares(x.time, r.initial_share, last="2020-08-01")[1]].astype(str)).index("2020-07-01")]
    china = slice(0, 9)
    assert r.share_targets[-1][china].sum() == pytest.approx(july[china].sum(), rel=1e-12)
    assert r.share_targets[-1][0] != pytest.approx(july[0], rel=1e-3)  # Sichuan: the cycle's, not July's
    assert (r.deployment_share[r.share_target_days[-1]:] == r.share_targets[-1]).all()
