"""Demand response: a share of each season's hours curtailed, compiled once, applied in both engines."""

from dataclasses import replace

import numpy as np
import pytest

from hashjoule.simulation import engine_des, engine_ensemble
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.policy import DemandResponse, compile_policies

from simworld import toy_inputs

TIME = np.arange(np.datetime64("2021-04-01"), np.datetime64("2021-12-01"))
NAMES = ("r0", "r1")


def curtailed(policies, n: int = 1) -> np.ndarray:
    """The curtailed shares spread over the days, (T, n, R) [1]."""
    return compile_policies(policies, TIME, NAMES, n).daily(TIME.size)["curtailed_share"]


def _day(text: str) -> int:
    return int((np.datetime64(text) - TIME[0]).astype(int))


def test_shares_follow_the_seasons_between_start_and_end():
    daily = curtailed([DemandResponse(("r0",), "2021-04-10", "2021-10-31", share_dry=0.1, share_wet=0.3)])[:, 0]
    share = daily[:, 0]
    assert not share[:_day("2021-04-10")].any()
    assert share[_day("2021-04-10"):_day("2021-05-01")] == pytest.approx(0.1)  # April: dry season
    assert share[_day("2021-05-01"):_day("2021-11-01")] == pytest.approx(0.3)  # May-October: wet season
    assert not share[_day("2021-11-01"):].any()  # after the end, included
    assert not daily[:, 1].any()


def test_curtailments_of_one_region_combine_as_independent_hours():
    daily = curtailed([DemandResponse(("r0", "r1"), "2021-04-01", share_wet=0.5),
                       DemandResponse(("r0",), "2021-04-01", share_wet=0.2)])[:, 0]
    assert daily[_day("2021-06-01")] == pytest.approx([1 - 0.5 * 0.8, 0.5])


def test_per_draw_shares_are_the_one_draw_shares_draw_by_draw():
    """One translation: each draw's curtailment is that of the policy with the draw's share."""
    shares = np.array([0.0, 0.25, 0.6])
    many = curtailed([DemandResponse(("r1",), "2021-06-15", "2021-11-20", 0.05, shares)], 3)
    for i, value in enumerate(shares):
        one = curtailed([DemandResponse(("r1",), "2021-06-15", "2021-11-20", 0.05, value)])
        np.testing.assert_array_equal(many[:, i], one[:, 0])


@pytest.mark.parametrize("run", [engine_ensemble.run_batch, engine_des.run_batch])
def test_both_engines_scale_the_online_capacity_by_the_hours_kept(run):
    """With free power every machine runs: on a curtailed day the region's hashrate, power,
    energy and CO2 are exactly (1 - share) of the day before; the other region's are not touched."""
    x = toy_inputs(days=40, start="2021-06-01")
    policy = compile_policies([DemandResponse(("r0",), "2021-06-11", share_wet=0.25)], x.time, x.regions.names)
    curtailed = run(x.with_changes(policy=policy), [0], seed=None)
    plain = run(x, [0], seed=None)
    day = 10
    for name in ("hashrate", "power", "energy", "co2"):
        ratio = curtailed[name].isel(draw=0, time=day) / plain[name].isel(draw=0, time=day)
        assert float(ratio.sel(region="r0")) == pytest.approx(0.75, rel=1e-12), name
        assert float(ratio.sel(region="r1")) == pytest.approx(1.0, rel=1e-12), name
    before = slice(0, day)
    np.testing.assert_allclose(curtailed.energy.isel(time=before), plain.energy.isel(time=before), rtol=1e-12)


def test_per_draw_shares_reach_each_draw():
    x = toy_inputs(days=20, start="2021-06-01")
    values = DrawValues.central(x, 2)
    draws = compile_policies([DemandResponse(("r0",), "2021-06-01", share_wet=np.array([0.0, 0.4]))],
                             x.time, x.regions.names, 2)
    policy = replace(values.policy, curtail_days=draws.curtail_days, curtailed_share=draws.curtailed_share)
    ds = engine_ensemble.run_batch(x, [0, 1], seed=0, values=replace(values, policy=policy))  # constant price
    first = ds.hashrate.isel(time=0).sel(region="r0")
    assert float(first[1] / first[0]) == pytest.approx(0.6, rel=1e-12)
