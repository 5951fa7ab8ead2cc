"""The schedule the engines read (policy_schedule.py): repeated and taken by draw, made from
daily arrays and spread back to them, checked for nonsense."""

import numpy as np
import pytest

from hashjoule.simulation.policy import Shutdown, compile_policies
from hashjoule.simulation.policy_schedule import PolicySchedule

TIME = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-03-01"))
NAMES = ("r0", "r1")


def test_a_central_schedule_repeated_is_the_same_for_every_draw():
    one = compile_policies([Shutdown(("r0",), "2021-01-05", "2021-01-10", 10, 0.8)], TIME, NAMES)
    many = one.repeat(4)
    assert many.n == 4 and many.removal_rate.shape == (10, 4, 2)
    np.testing.assert_array_equal(many.take([3]).daily(TIME.size)["removal_rate"], one.daily(TIME.size)["removal_rate"])


def test_a_schedule_made_from_daily_arrays_spreads_back_to_them():
    rng = np.random.default_rng(1)
    removal = np.where(rng.random((TIME.size, 2)) < 0.1, rng.random((TIME.size, 2)), 0.0)
    adder = np.repeat(rng.random((6, 2)), 10, axis=0)[:TIME.size]
    ban = np.repeat(rng.random((6, 2)) < 0.5, 10, axis=0)[:TIME.size]
    schedule = PolicySchedule.from_daily(removal, adder, ban, destinations=np.ones(2), relocation_share=np.zeros(2))
    spread = schedule.checked(TIME.size, 2).daily(TIME.size)
    np.testing.assert_array_equal(spread["removal_rate"][:, 0], removal)
    np.testing.assert_array_equal(spread["tariff_adder_usd_per_kwh"][:, 0], adder)
    np.testing.assert_array_equal(spread["deployment_ban"], ban)
    for day in range(TIME.size):  # the day's lookups: the open regions are the others, the step the row's
        np.testing.assert_array_equal(schedule.banned_on(day), ban[day])
        np.testing.assert_array_equal(schedule.open_on(day), ~ban[day])
        assert schedule.ban_step(day) == np.flatnonzero(schedule.ban_days <= day)[-1]


@pytest.mark.parametrize("change, message", [
    (lambda s: {"removal_days": s.removal_days[::-1]}, "removal_days"),
    (lambda s: {"adder_days": s.adder_days + 1}, "adder_days"),
    (lambda s: {"relocation_delay_days": np.array([0.5])}, "relocation_delay_days"),
    (lambda s: {"hidden_share": np.full((1, 2), np.nan)}, "hidden_share"),
    (lambda s: {"hosting_mw_per_day": np.array([0.0])}, "hosting_mw_per_day"),
    (lambda s: {"banned": np.zeros((1, 3), bool)}, "banned"),
    (lambda s: {"destinations": np.array([np.inf, 1.0])}, "relocation_destinations: expected finite"),
    (lambda s: {"adder_usd_per_kwh": np.full((1, 1, 2), 0.01)}, "adder_regions"),  # a surcharge nobody marked
])
def test_nonsense_schedules_are_refused(change, message):
    from dataclasses import replace

    schedule = compile_policies([Shutdown(("r0",), "2021-01-05", "2021-01-10", 10, 0.8)], TIME, NAMES)
    with pytest.raises(ValueError, match=message):
        replace(schedule, **change(schedule)).checked(TIME.size, 2)
