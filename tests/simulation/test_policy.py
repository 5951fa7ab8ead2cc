"""Policies compile to the schedule the engines read (the schedule itself: test_policy_schedule.py),
and act on the fleet."""

from types import SimpleNamespace

import numpy as np
import pytest

from hashjoule.simulation import engine_ensemble
from hashjoule.simulation.policy import (
    DeploymentBan,
    Relocation,
    Shutdown,
    TariffSurcharge,
    cny_to_usd,
    compile_policies,
    daily_removal_rate,
)

from simworld import toy_inputs

TIME = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-03-01"))
NAMES = ("r0", "r1")


def daily(policies, time=TIME, names=NAMES):
    """The central schedule of ``policies`` spread over the days: (T, R) arrays."""
    schedule = compile_policies(policies, time, names)
    return SimpleNamespace(**schedule.daily(time.size, draw=0), schedule=schedule)


def test_removal_rate_reaches_the_compliance():
    rate = daily_removal_rate(0.9, 30)
    assert (1 - rate) ** 30 == pytest.approx(0.1)
    assert daily_removal_rate(1.0, 1) == 1.0


def test_shutdown_compiles_to_removals_and_a_ban():
    series = daily([Shutdown(("r0",), "2021-01-05", "2021-01-10", 10, 0.8)])
    assert series.deployment_ban[4:, 0].all() and not series.deployment_ban[:4, 0].any()
    assert not series.deployment_ban[:, 1].any()
    kept = np.prod(1 - series.removal_rate[:, 0])
    assert kept == pytest.approx(0.2)
    assert series.removal_rate[:9, 0].sum() == 0 and series.removal_rate[19:, 0].sum() == 0


def test_surcharges_add_up_and_bans_end():
    series = daily([TariffSurcharge(("r1",), "2021-02-01", 0.05), TariffSurcharge(("r1",), "2021-02-10", 0.02),
                    DeploymentBan(("r0",), "2021-01-10", "2021-01-20")])
    assert series.tariff_adder_usd_per_kwh[40, 1] == pytest.approx(0.07)
    assert series.tariff_adder_usd_per_kwh[35, 1] == pytest.approx(0.05)
    assert series.deployment_ban[9:20, 0].all() and not series.deployment_ban[20:, 0].any()


def test_dates_outside_the_run_are_clipped():
    series = daily([Shutdown(("r0",), "2020-01-01", "2030-01-01", 5, 1.0)])
    assert series.deployment_ban[:, 0].all() and series.removal_rate.sum() == 0


def test_unknown_regions_are_refused():
    with pytest.raises(ValueError, match="unknown regions atlantis"):
        compile_policies([Shutdown(("atlantis",), "2021-01-01", "2021-01-02")], TIME, NAMES)


def test_relocation_applies_to_shut_regions_only():
    schedule = compile_policies([Shutdown(("r0",), "2021-01-05", "2021-01-10"),
                                 Relocation(0.5, 45.0, {"r1": 1.0}, 0.1)], TIME, NAMES)
    assert list(schedule.relocation_share[0]) == [0.5, 0.0]
    assert list(schedule.destinations) == [0.0, 1.0]
    assert list(schedule.relocation_delay_days) == [45.0] and list(schedule.relocation_attrition) == [0.1]


def test_hainan_surcharge_in_usd():
    # +0.80 CNY/kWh at the 2021 average rate, 6.4515 CNY/USD (bundled; see PROVENANCE)
    assert cny_to_usd(0.80, 2021) == pytest.approx(0.80 / 6.4515)


def test_a_shutdown_moves_hashrate_abroad_in_the_engine():
    x = toy_inputs(days=200, tariff=0.0)
    series = compile_policies([Shutdown(("r0",), "2021-01-20", "2021-02-01", 10, 1.0),
                               Relocation(0.6, 30.0, {"r1": 1.0}, 0.25)], x.time, x.regions.names)
    ds = engine_ensemble.run_batch(x.with_changes(policy=series), [0], seed=None)
    hashrate = ds.hashrate.isel(draw=0)
    before = float(hashrate.sel(region="r0").isel(time=0))
    assert float(hashrate.sel(region="r0").isel(time=-1)) == pytest.approx(0.0, abs=1e-9)
    # 60 % of r0's capacity relocates, a quarter of it is lost: r1 gains 45 % of it
    gained = float(hashrate.sel(region="r1").isel(time=-1)) - float(hashrate.sel(region="r1").isel(time=0))
    assert gained == pytest.approx(0.45 * before, rel=0.01)


def test_a_ramp_begun_before_the_run_is_not_restarted():
    # effective 30 days before the run, 60-day ramp: only the last 30 days of it remain
    series = daily([Shutdown(("r0",), "2020-12-01", "2020-12-02", 60, 0.9)])
    assert (series.removal_rate[:30, 0] > 0).all() and (series.removal_rate[30:, 0] == 0).all()
    assert np.prod(1 - series.removal_rate[:, 0]) == pytest.approx(0.1 ** 0.5)


def test_a_ban_that_ended_before_the_run_does_nothing():
    series = daily([DeploymentBan(("r0",), "2020-01-01", "2020-06-30")])
    assert not series.deployment_ban.any() and series.schedule.banned.shape == (1, 2)


def test_cny_outside_the_table_takes_the_nearest_year():
    assert cny_to_usd(1.0, 2030) == cny_to_usd(1.0, 2022)
    assert cny_to_usd(1.0, 2010) == cny_to_usd(1.0, 2015)


def test_per_draw_numbers_compile_to_the_one_draw_schedules_draw_by_draw():
    """One translation: a policy whose numbers are arrays gives, for each draw, the schedule
    of the same policy with that draw's numbers."""
    compliance, adder = np.array([0.2, 0.9, 1.0]), np.array([0.0, 0.01, 0.05])
    many = compile_policies([Shutdown(("r0",), "2021-01-05", "2021-01-10", 10, compliance),
                             TariffSurcharge(("r1",), "2021-02-01", adder),
                             Relocation(np.array([0.1, 0.5, 0.9]), 45.0, {"r1": 1.0})], TIME, NAMES, 3)
    for i in range(3):
        one = compile_policies([Shutdown(("r0",), "2021-01-05", "2021-01-10", 10, float(compliance[i])),
                                TariffSurcharge(("r1",), "2021-02-01", float(adder[i])),
                                Relocation(float([0.1, 0.5, 0.9][i]), 45.0, {"r1": 1.0})], TIME, NAMES)
        drawn, alone = many.take([i]).daily(TIME.size), one.daily(TIME.size)
        for name in drawn:
            np.testing.assert_array_equal(drawn[name], alone[name], err_msg=name)
        np.testing.assert_array_equal(many.take([i]).relocation_share, one.relocation_share)


def test_something_that_is_not_a_policy_is_refused():
    with pytest.raises(TypeError, match="not a policy"):
        compile_policies(["shutdown"], TIME, NAMES)
