"""The fleet's daily update: online shares, retirements, orders and shipments, relocation, hidden mining."""

import numpy as np
import pytest

from hashjoule.simulation import economics as fl
from hashjoule.simulation.fleet import Fleet

from simworld import toy_inputs

def matched(network_ths):
    """The difficulty at which ``network_ths`` finds a block every 600 s: no retarget pending."""
    return np.atleast_1d(np.asarray(network_ths, dtype=float)) * 600 * 1e12 / 2**32


def test_fast_path_equals_the_plain_relation():
    """Fleet.online_ths factors the odds into a class's and a draw's part when no surcharge
    applies; it must equal online_fraction (to double precision, less a few roundings)."""
    x = toy_inputs(days=3, tariff=0.05)
    fleet = Fleet(x, 4)
    hashprice = np.array([0.05, 0.1, 0.2, 0.4])
    online = fleet.online_ths(0, hashprice)
    expected = fl.online_fraction(fl.breakeven_tariff_usd_per_kwh(hashprice, 30.0, 1.1), 0.05, 4.0)
    np.testing.assert_allclose(online[0, :, 0] / fleet.capacity[0, :, 0], expected, rtol=1e-12)


def test_end_of_life_scraps_the_class():
    x = toy_inputs(days=20, lifetime_days=15)  # class released on day -10: dies on day 5
    fleet = Fleet(x, 1)
    assert fleet.online_ths(4, np.array([1.0])).sum() > 0
    assert fleet.online_ths(5, np.array([1.0])).sum() == 0 and fleet.capacity.sum() == 0


def test_removal_relocation_and_attrition_conserve_capacity():
    days = 400
    removal = np.zeros((days, 2))
    removal[10, 0] = 1.0  # region 0 shuts down at once on day 10
    x = toy_inputs(days=days, removal=removal, relocation_share=0.6, attrition=0.25,
                   destinations=np.array([0.0, 1.0]))
    fleet = Fleet(x, 1)
    start = fleet.capacity[:, 0, 0].sum()
    for day in range(days):
        fleet.online_ths(day, np.array([1e3]))  # very profitable: nothing retires
        fleet.advance(day, np.array([1e3]), np.array([0.0]), matched(0.0))
    assert fleet.capacity[:, 0, 0].sum() == 0  # nothing left in the closed region
    moved = fleet.capacity[:, 0, 1].sum() - start  # region 1 started with the same capacity
    # 60 % relocates, a quarter of that is lost; after 390 days of a 30-day mean delay ~all arrived
    assert moved == pytest.approx(start * 0.6 * 0.75, rel=1e-4)


def test_a_ban_stops_deployment_there():
    days = 50
    ban = np.zeros((days, 2), bool)
    ban[:, 0] = True
    x = toy_inputs(days=days, growth=0.01, tariff=0.01, ban=ban)
    fleet = Fleet(x, 1)
    for day in range(days):
        fleet.online_ths(day, np.array([1.0]))
        fleet.advance(day, np.array([1.0]), np.array([1e6]), matched(1e6))
    c = fleet.capacity[0, 0]
    assert c[0] <= x.initial_capacity_ths[0, 0]  # no new machines, at most retirements
    assert c[1] > x.initial_capacity_ths[1, 0]  # all new machines went to the open region


def test_unprofitable_machines_retire():
    x = toy_inputs(days=100, tariff=0.05, retire_days=10.0)
    fleet = Fleet(x, 1)
    for day in range(100):
        fleet.online_ths(day, np.array([1e-6]))  # nothing pays
        fleet.advance(day, np.array([1e-6]), np.array([0.0]), matched(0.0))
    assert fleet.capacity.sum() < 1e-3 * x.initial_capacity_ths.sum()


def test_machines_a_retarget_would_revive_are_kept():
    """At a hashprice of 0.015 USD/(TH/s)/d only 2 % of the capacity pays (tariff median
    0.05); four times that, what a retarget can restore when the network runs far below its
    difficulty, 84 % would. Scrapping follows what would stay off after the retarget."""
    def run(difficulty):
        x = toy_inputs(days=100, tariff=0.05, retire_days=10.0)
        fleet = Fleet(x, 1)
        for day in range(100):
            fleet.online_ths(day, np.array([0.015]))
            fleet.advance(day, np.array([0.015]), np.array([1.0]), difficulty)
        return fleet.capacity.sum() / x.initial_capacity_ths.sum()

    assert run(np.array([1e20])) > 0.15  # exp(-100 d x 16 % / 10 d) = 0.20
    assert run(matched(1.0)) < 1e-3  # exp(-100 d x 98 % / 10 d) = 5e-5


def test_orders_follow_the_anticipated_margin():
    """A network at a quarter of the hashrate its difficulty implies expects 4x today's
    hashprice after the retarget, and orders machines on that margin."""
    def ordered(difficulty):
        x = toy_inputs(days=3, tariff=0.05, growth=0.01, lag=0, retire_days=1e9)
        fleet = Fleet(x, 1)
        fleet.online_ths(0, np.array([0.015]))
        before = fleet.capacity.sum()
        fleet.advance(0, np.array([0.015]), np.array([1e6]), difficulty)
        return fleet.capacity.sum() - before

    assert ordered(matched(1e6)) < 1e-3  # nothing ordered (the newest machine loses money): a little scrapped
    assert ordered(matched(4e6)) > 100.0


def test_deployments_follow_the_margin_after_the_lag():
    lag = 7
    x = toy_inputs(days=40, growth=0.01, tariff=0.05, lag=lag, retire_days=1e9)
    fleet = Fleet(x, 1)
    capacity = []
    for day in range(40):
        hashprice = np.array([1e-6 if day < 20 else 10.0])  # margin jumps on day 20
        fleet.online_ths(day, hashprice)
        fleet.advance(day, hashprice, np.array([1e6]), matched(1e6))
        capacity.append(fleet.capacity.sum())
    growth = np.diff(capacity)
    assert np.all(growth[: 20 + lag - 1] <= 1e-6)  # the jump is seen, machines arrive lag days later
    assert growth[20 + lag - 1] > 0


def test_retirement_takes_the_share_off_at_the_anticipated_hashprice():
    """One day's retirement scraps rate x (1 - share at the anticipated hashprice) of each class."""
    x = toy_inputs(days=5, tariff=0.05)
    fleet = Fleet(x, 3)
    hashprice = np.array([0.01, 0.03, 0.05])
    fleet.online_ths(0, hashprice)
    ratio = np.array([1.0, 2.0, 4.0])
    before = fleet.capacity[fleet.cls].copy()
    expected = before * (1 - (1 - fleet.share_on(0, hashprice * ratio)) * fleet.retire_rate[None, :, None])
    fleet._retire(0, hashprice * ratio)
    np.testing.assert_allclose(fleet.capacity[fleet.cls], expected, rtol=1e-12)


def test_what_a_fleet_computes_once_per_batch_is_what_each_day_would_compute(monkeypatch, tmp_path):
    """The class odds factor kept while the classes in service and the tariffs stay, the
    classes scrapped, the newest class and the regions under a surcharge, against the same
    computed afresh on every day of a run with tariff changes, ends of life and surcharges."""
    from scenarioworld import short

    from hashjoule.simulation import engine_ensemble

    _, x, space = short(tmp_path, start="2019-01-01", end="2022-12-31")
    seen = {"tariff change": False, "end of life": False, "surcharge": False}
    start_day = Fleet._start_day

    def checking(self, day):
        start_day(self, day)
        hw, policy = self.inputs.hardware, self.values.policy
        alive = np.flatnonzero((hw.release_day <= day) & (day < self.end_of_life))
        assert self.cls == (slice(int(alive[0]), int(alive[-1]) + 1) if alive.size else slice(0, 0))
        np.testing.assert_array_equal(self._a, np.exp(self.k * (self.log_tariff[day] + self.log_kwh[self.cls])))
        np.testing.assert_array_equal(self.surcharged, np.flatnonzero(policy.adder_regions[policy.step(day)]))
        assert self.newest[day] == hw.newest(day)
        ends = np.where(self.end_of_life > 0, self.end_of_life, 0) == day
        assert (day in self.dying) == ends.any() and (not ends.any() or (self.dying[day] == ends).all())
        tariff = self.inputs.regions.tariff_usd_per_kwh
        seen["tariff change"] |= day > 0 and bool(np.any(tariff[day] != tariff[day - 1]))
        seen["end of life"] |= bool(ends.any())
        seen["surcharge"] |= bool(self.surcharged.size)

    monkeypatch.setattr(Fleet, "_start_day", checking)
    engine_ensemble.run_batch(x, range(3), seed=2, values=space.values(space.unit_sample(2, range(3))))
    assert all(seen.values()), seen


def test_a_shipment_capacity_kept_by_day_is_each_draws_own():
    """With the same finite capacity and growth in every draw, the capacity computed once per
    day is, bit for bit, what each draw's own computation gives; draws that differ keep
    their own."""
    from dataclasses import replace

    from hashjoule.simulation.draws import DrawValues

    x = toy_inputs(days=400)
    n = 3
    same = replace(DrawValues.central(x, n), supply_ths_per_day=np.full(n, 3.1e5),
                   supply_growth_per_year=np.full(n, 0.37))
    fleet = Fleet(x, n, same)
    for day in range(x.days):
        each = fl.shipment_capacity_ths_per_day(fleet.supply_years[day], same.supply_ths_per_day,
                                                same.supply_growth_per_year)
        np.testing.assert_array_equal(np.full(n, fleet.supply_by_day[day]), each)
    assert len(np.unique(fleet.supply_by_day)) > 300  # it grows: the check compares distinct numbers
    differ = replace(same, supply_growth_per_year=np.array([0.37, 0.5, 0.37]))
    assert Fleet(x, n, differ).supply_by_day is None


def test_the_deployment_terms_kept_are_those_of_each_day(monkeypatch, tmp_path):
    """Deployment weights, tariff and PUE kept while the season, surcharges, bans and shares
    stay are the ones computed afresh on each day of a run through China's 2021 bans, and
    the regions open are the complement of those banned."""
    from scenarioworld import short

    from hashjoule.simulation import engine_ensemble

    _, x, space = short(tmp_path, start="2021-01-01", end="2021-12-31")
    terms = Fleet._deployment_terms
    bans = set()

    def checking(self, day, open_regions):
        kept = terms(self, day, open_regions)
        policy = self.values.policy
        np.testing.assert_array_equal(open_regions, ~policy.banned_on(day))
        bans.add(policy.ban_step(day))
        self._deployment_key = None
        fresh = terms(self, day, open_regions)
        for a, b in zip(kept, fresh):
            np.testing.assert_array_equal(a, b)
        return kept

    monkeypatch.setattr(Fleet, "_deployment_terms", checking)
    engine_ensemble.run_batch(x, range(3), seed=2, values=space.values(space.unit_sample(2, range(3))))
    assert len(bans) > 1, "the run crosses no change of the bans"


def test_only_classes_in_service_are_on_the_way_when_relocation_runs(monkeypatch, tmp_path):
    """The relocation pass and the shutdowns take only the classes in service: through
    china-2021's shutdowns, end-of-life scrapping included, no other class holds anything
    installed, in transit or waiting."""
    from scenarioworld import short

    from hashjoule.simulation import engine_ensemble

    _, x, space = short(tmp_path, start="2019-01-01", end="2023-12-31")
    relocate = Fleet._relocate
    moved = []

    def checking(self, open_regions):
        others = np.ones(self.transit.shape[0], dtype=bool)
        others[self.cls] = False
        assert not self.transit[others].any() and not self.queue[others].any()
        assert not self.capacity[others].any()  # nor installed: shutdowns remove from the classes in service only
        moved.append(bool(self.transit.any()))
        relocate(self, open_regions)

    monkeypatch.setattr(Fleet, "_relocate", checking)
    engine_ensemble.run_batch(x, range(3), seed=2, values=space.values(space.unit_sample(2, range(3))))
    assert any(moved), "nothing was sent abroad: the check saw no relocation"


def test_hidden_capacity_is_held_only_by_the_classes_that_resume_it(monkeypatch, tmp_path):
    """The daily resumption takes only the classes in service that were in service on a day
    of removals: through china-2021 and the years after it, no other class holds hidden
    capacity, and the resumption stops once those classes have reached their end of life."""
    from scenarioworld import short

    from hashjoule.simulation import engine_ensemble

    _, x, space = short(tmp_path, start="2020-06-01", end="2028-12-31")
    resume = Fleet._resume_hidden
    ranges = []

    def checking(self):
        first, stop = max(self.cls.start, self.hiding_classes.start), min(self.cls.stop, self.hiding_classes.stop)
        others = np.ones(self.hidden.shape[0], dtype=bool)
        others[first:stop] = False
        assert not self.hidden[others].any()
        ranges.append(stop - first)
        resume(self)

    monkeypatch.setattr(Fleet, "_resume_hidden", checking)
    engine_ensemble.run_batch(x, range(2), seed=2, values=space.values(space.unit_sample(2, range(2))))
    assert max(ranges) > 0 and ranges[-1] <= 0, "the run saw no hidden capacity, or it never ended"
