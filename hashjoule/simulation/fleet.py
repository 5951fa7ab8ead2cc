"""Mining fleets: which machines are installed where, which run, and how the fleet changes.

The relations are small pure functions (:mod:`hashjoule.simulation.economics`); :class:`Fleet`
applies them day by day to the installed capacity of a batch of draws, an array over (draw,
region, hardware class).
Both engines use the same :class:`Fleet`, so they differ only in how blocks are mined.

Assumptions (each a parameter of :class:`~hashjoule.simulation.inputs.ModelInputs`):

- Machines switch on when they earn more than their electricity, day by day. Tariffs
  inside a region follow a log-logistic distribution around the regional median, so the
  online share of a class moves smoothly with the hashprice.
- New machines are of the newest class. Miners order them in proportion to the network's
  size and to the newest machine's profit margin seen ``deployment_lag_days`` earlier, up
  to what manufacturers can supply (a maximum growth rate of the network).
- Machines are scrapped at the end of their class's life, or after being switched off for
  ``unprofitable_retirement_days`` on average, counting only those that would stay off
  once the next retarget has brought the difficulty towards the running network.
- A shutdown removes a share of a region's capacity each day; part of it is moved abroad,
  arriving after an exponentially distributed delay, with some lost on the way.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hashjoule.simulation.draws import DrawValues, initial_capacity
from hashjoule.simulation.economics import (
    KWH_PER_THS_DAY,
    SUPPLY_REFERENCE_DAY,
    shipment_capacity_ths_per_day,
)
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.kernels import (
    anticipated_hashprice,
    draw_factor,
    online_totals,
    online_totals_reference,
    order_and_ship,
    relocate,
    resume_hidden,
    retire,
    retire_surcharged,
    surcharged_share,
    surcharged_totals,
)
from hashjoule.simulation.world import is_wet

class Fleet:
    """Installed capacity of ``n`` draws and its daily update.

    Capacity is held as (class, draw, region), so that the classes in service, a
    contiguous range, are one contiguous block of memory.

    Parameters
    ----------
    inputs : ModelInputs
        The central world.
    n : int
        Number of draws in the batch.
    values : hashjoule.simulation.draws.DrawValues, optional
        The draws' own values of the uncertain parameters (default: the central ones).
    """

    #: the day's orders and shipments (:func:`~hashjoule.simulation.kernels.order_and_ship`);
    #: the tests swap in its numpy reference
    ship = staticmethod(order_and_ship)
    #: the day's relocation arrivals and hosting (:func:`~hashjoule.simulation.kernels.relocate`)
    arrive = staticmethod(relocate)
    #: the hashprice expected after the next retarget (:func:`~hashjoule.simulation.kernels.anticipated_hashprice`)
    expect = staticmethod(anticipated_hashprice)

    def __init__(self, inputs: ModelInputs, n: int, values=None):
        self.inputs = inputs
        self.n = n
        #: the draws' uncertain parameters (central values if none are given)
        regions = len(inputs.regions.names)
        self.values = v = (DrawValues.central(inputs, n) if values is None else values).checked(regions)
        if v.n != n:
            raise ValueError(f"values: expected {n} draws, got {v.n}")
        if values is not None:  # the central world's schedule was checked with the inputs
            self.values = v = replace(v, policy=v.policy.checked(inputs.days, regions))
        self._init_stocks(central=values is None)
        self._init_costs()
        self._init_calendar()

    def _init_stocks(self, central: bool) -> None:
        """The capacity installed, moving, hidden and on order on the first day."""
        inputs, n, v = self.inputs, self.n, self.values
        classes, regions = len(inputs.hardware.names), len(inputs.regions.names)
        #: installed capacity (class, draw, region) [TH/s]
        if central:
            self.capacity = np.broadcast_to(inputs.initial_capacity_ths.T[:, None, :], (classes, n, regions)).copy()
        else:
            self.capacity = np.ascontiguousarray(initial_capacity(inputs, v))
        #: relocated capacity being shipped, (class, draw) [TH/s]
        self.transit = np.zeros((classes, n))
        #: relocated capacity arrived, waiting for hosting, (class, draw) [TH/s]
        self.queue = np.zeros((classes, n))
        #: whether anything was ever sent abroad: until then nothing can arrive
        self.moving = False
        #: capacity forced out that will resume hidden in its region, (class, draw, region) [TH/s]
        self.hidden = np.zeros((classes, n, regions))
        #: the regions a shutdown may hide capacity in, and the classes in service on a day of
        #: removals (no other holds any: it is dropped at a class's end of life), as slices:
        #: the daily resumption touches only them, and stops when those classes are gone
        hiding = np.flatnonzero(v.policy.hidden_share.any(axis=0))
        self.hiding_regions = slice(int(hiding[0]), int(hiding[-1]) + 1) if hiding.size else slice(0, 0)
        self.hiding_classes = slice(0, 0)
        #: orders placed on each of the last ``deployment_lag_days`` days, waiting for the lead time (ring) [TH/s]
        self.orders = np.zeros((inputs.fleet.deployment_lag_days, n))
        #: orders past their lead time, not yet shipped [TH/s]
        self.backlog = np.zeros(n)

    def _init_costs(self) -> None:
        """What running a machine costs, by class, draw and region, in the terms the odds of
        running are computed in."""
        hw, regions, v = self.inputs.hardware, self.inputs.regions, self.values
        #: kWh one TH/s of class h uses in a day in region r, central values. (H, R)
        self.kwh_per_ths_day = hw.efficiency_j_per_th[:, None] * regions.pue[None, :] * KWH_PER_THS_DAY
        self.watts_per_ths = hw.efficiency_j_per_th[:, None] * regions.pue[None, :]  # (H, R) [W/(TH/s)]
        #: each draw's energy per hash over the central value's (efficiency and PUE). (n, R) [1]
        self.cost_scale = v.efficiency_scale[:, None] * v.pue / regions.pue[None, :]
        self.uncurtailed = np.ones_like(self.cost_scale)  # the share of the hours kept without curtailment
        self.season = is_wet(self.inputs.time).astype(np.int64)  # 0 dry, 1 wet
        #: (cost scale x tariff scale)**k by season, (2, n, R): the draw's part of the odds at a
        #: hashprice of 1 [1]; the distinct values of k, and which one each region has
        self.k = np.asarray(regions.tariff_shape, dtype=float)  # (R,)
        self.k_values, self.k_group = np.unique(self.k, return_inverse=True)
        self.k_group = self.k_group.astype(np.int64)
        self._minus_k = -self.k_values
        with np.errstate(divide="ignore"):  # a zero tariff scale: everything runs
            self.draw_odds = np.ascontiguousarray(
                np.exp(self.k * np.log(self.cost_scale[None, :, :] * v.tariff_scale.transpose(1, 0, 2))))
        with np.errstate(invalid="ignore", divide="ignore"):  # a region without central share keeps none
            self.share_ratio = np.where(regions.initial_share > 0, v.share / regions.initial_share, 0.0)  # (n, R)
        self.retire_rate = 1.0 / v.unprofitable_retirement_days  # (n,) [1/d]
        #: the draws' tariff factors by season, contiguous: (2, n, R) [1]
        self.tariff_scale = np.ascontiguousarray(v.tariff_scale.transpose(1, 0, 2))
        #: no region left to the caller by :func:`~hashjoule.simulation.kernels.retire`
        self.none_skipped = np.zeros(len(regions.names), dtype=bool)
        with np.errstate(divide="ignore"):  # a zero tariff gives -inf: the machine always runs
            #: ln(median tariff) (T, R) and ln(kWh per TH/s-day) (H, R): the class's part of the odds
            self.log_tariff = np.log(regions.tariff_usd_per_kwh)
            self.log_kwh = np.log(self.kwh_per_ths_day)

    def _init_calendar(self) -> None:
        """What each day brings that does not depend on the draws: the classes in service and
        those reaching their end of life, the shipment capacity's years; and today's state."""
        hw = self.inputs.hardware
        self.end_of_life = hw.release_day + hw.lifetime_days
        #: days whose start finds the capacity split among regions as observed -> the split (R,)
        regions = self.inputs.regions
        self.share_targets = dict(zip(regions.share_target_days.tolist(), regions.share_targets))
        #: years from the shipment capacity's reference day, (T,) [yr]
        self.supply_years = (self.inputs.time - np.datetime64(SUPPLY_REFERENCE_DAY, "D")).astype(float) / 365.25
        #: the shipment capacity of each day (T,) [TH/s per day] when every draw has the same,
        #: computed once (a power per draw and day costs a fifth of the orders' day); else None
        v = self.values
        same = (np.all(v.supply_ths_per_day == v.supply_ths_per_day[0])
                and np.all(v.supply_growth_per_year == v.supply_growth_per_year[0]))
        self.supply_by_day = (shipment_capacity_ths_per_day(self.supply_years, v.supply_ths_per_day[0],
                                                            v.supply_growth_per_year[0]) if same else None)
        self._supply = np.empty(self.n)  # the day's, for every draw
        self.cls = slice(0, 0)
        self._a, self._day, self._a_key = None, -1, None
        self.surcharged = np.zeros(0, dtype=np.int64)  # regions under a surcharge today
        self._deployment_key, self._deployment = None, None
        # per day, computed once: classes in service, classes reaching their end of life, the
        # newest class, and which of the tariffs' and deployment shares' rows holds (an index
        # that changes when the row does)
        days = self.inputs.days
        self.alive_slices = self._alive_by_day(days)
        dies_on = np.where(self.end_of_life > 0, self.end_of_life, 0)
        self.dying = {int(day): dies_on == day for day in np.unique(dies_on) if 0 <= day < days}
        self.newest = hw.newest(np.arange(days)).tolist()
        self.tariff_row = _row_index(self.inputs.regions.tariff_usd_per_kwh)
        self.deployment_row = _row_index(self.inputs.regions.deployment_share)
        policy = self.values.policy
        self.surcharged_by_step = [np.flatnonzero(row) for row in policy.adder_regions]

    def _alive_by_day(self, days: int) -> list[slice]:
        """For each of the first ``days`` days, the slice within which the classes in service
        lie (classes are sorted by release)."""
        day = np.arange(days)[:, None]
        alive = (self.inputs.hardware.release_day[None, :] <= day) & (day < self.end_of_life[None, :])  # (T, H)
        first, last = alive.argmax(axis=1), alive.shape[1] - 1 - alive[:, ::-1].argmax(axis=1)
        return [slice(int(f), int(l) + 1) if any_ else slice(0, 0)
                for f, l, any_ in zip(first.tolist(), last.tolist(), alive.any(axis=1).tolist())]

    def _start_day(self, day: int) -> None:
        """Scrap the classes that reached the end of their life; set the classes in service
        (:attr:`cls`), the regions under a surcharge (:attr:`surcharged`) and the odds factor
        of each class in service and region (see :mod:`~hashjoule.simulation.kernels`)."""
        dead = self.dying.get(day)
        if dead is not None:
            self.capacity[dead] = 0.0
            self.transit[dead] = 0.0
            self.queue[dead] = 0.0
            self.hidden[dead] = 0.0
        cls = self.cls = self.alive_slices[day]
        self._day = day
        key = (cls.start, cls.stop, self.tariff_row[day])
        if key != self._a_key:  # (median tariff x kWh per TH/s-day)**k
            self._a = np.exp(self.k * (self.log_tariff[day] + self.log_kwh[cls]))
            self._a_key = key
        self.surcharged = self.surcharged_by_step[self.values.policy.step(day)]

    def odds_terms(self, day: int, hashprice: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The terms c, p and group of the draw's part of the odds against running (see
        :func:`~hashjoule.simulation.kernels.draw_factor`), as the compiled passes take them."""
        p = np.multiply.outer(np.log(hashprice), self._minus_k)
        return self.draw_odds[self.season[day]], np.exp(p, out=p), self.k_group

    def odds_factor(self, day: int, hashprice: np.ndarray) -> np.ndarray:
        """The draw's part of the odds against running, (cost and tariff factors / hashprice)**k,
        (draw, region) (:func:`~hashjoule.simulation.kernels.draw_factor`). [1]"""
        return draw_factor(*self.odds_terms(day, hashprice))

    def online_ths(self, day: int, hashprice: np.ndarray) -> np.ndarray:
        """Capacity switched on today, (class in :attr:`cls`, draw, region) [TH/s]: the numpy
        reference of :meth:`online_day`, whose sums over classes it gives exactly without
        curtailment (with it, to a rounding: here each class's capacity is curtailed, there
        the sums).

        Also scraps classes that reached the end of their life. Engines call it inside
        ``numpy.errstate(divide="ignore", over="ignore")``: a zero hashprice or tariff gives
        infinities that resolve to 0 or 1.
        """
        self._start_day(day)
        capacity = self.capacity[self.cls]
        _, _, online = online_totals_reference(capacity, self._a, self.odds_factor(day, hashprice),
                                               self.watts_per_ths[self.cls])
        if self.surcharged.size:
            online[..., self.surcharged] = capacity[..., self.surcharged] * self._surcharged_share(
                day, hashprice, capacity)
        curtailed = self.values.policy.curtailed_on(day)  # demand response: hours off, capacity kept
        if curtailed is not None:
            online *= 1.0 - curtailed[None]
        return online

    def online_day(self, day: int, hashprice: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Today's online hashrate [TH/s] and power [GW], each (draw, region), summed over
        the classes in service in one compiled pass (:func:`~hashjoule.simulation.kernels.online_totals`).

        Also scraps classes that reached the end of their life (see :meth:`online_ths`).
        """
        self._start_day(day)
        cls = self.cls
        capacity = self.capacity[cls]
        curtailed = self.values.policy.curtailed_on(day)  # demand response: hours off, capacity kept
        keep = self.uncurtailed if curtailed is None else 1.0 - curtailed
        by_region, watts = np.empty((self.n, self.k.size)), np.empty((self.n, self.k.size))
        online_totals(capacity, self._a, *self.odds_terms(day, hashprice), self.watts_per_ths[cls], keep,
                      self.cost_scale, by_region, watts)
        if self.surcharged.size:  # these regions take the plain relation
            surcharged_totals(capacity, self._surcharged_share(day, hashprice, capacity),
                              self.watts_per_ths[cls], keep, self.cost_scale, self.surcharged, by_region, watts)
        return by_region, watts

    def share_on(self, day: int, hashprice: np.ndarray) -> np.ndarray:
        """Share of each class in service's capacity that pays its electricity at ``hashprice``,
        (class in :attr:`cls`, draw, region). [1]

        1 / (1 + odds), with the odds as the product of a class's and a draw's factor
        (:mod:`~hashjoule.simulation.kernels`); regions under a surcharge take the plain
        relation (in every draw, whatever the surcharge's value in it: a draw's numbers never
        depend on the others in its batch).
        """
        if self._day != day:
            self._start_day(day)
        share = 1.0 / (1.0 + self._a[:, None, :] * self.odds_factor(day, hashprice)[None])
        if self.surcharged.size:
            share[..., self.surcharged] = self._surcharged_share(day, hashprice, np.ones_like(self.capacity[self.cls]))
        return share

    def _surcharged_share(self, day: int, hashprice: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        """:func:`~hashjoule.simulation.economics.online_fraction` in the regions under a surcharge,
        compiled (:func:`~hashjoule.simulation.kernels.surcharged_share`), where ``capacity`` (class
        in :attr:`cls`, draw, region) holds some (0 elsewhere). (class in :attr:`cls`, draw, region) [1]"""
        r = self.surcharged
        out = np.empty((self.cls.stop - self.cls.start, self.n, r.size))
        surcharged_share(hashprice, self.kwh_per_ths_day[self.cls], self.cost_scale,
                         self.inputs.regions.tariff_usd_per_kwh[day], self.tariff_scale[self.season[day]], self.k,
                         self.values.policy.adder_on(day), r, capacity, out)
        return out

    def _deployment_terms(self, day: int, open_regions: np.ndarray):
        """Per draw: whether new machines can go anywhere, the regions' weights among them, and
        the weighted tariff [USD/kWh] (surcharges included) and PUE [1] they pay; and whether
        any draw deploys, with ``open_regions`` the regions the bans leave open today
        (:meth:`~hashjoule.simulation.policy_schedule.PolicySchedule.open_on`). These change
        only with the season, the surcharges, the bans and the deployment shares: computed
        again only when one of those does."""
        regions, v, policy = self.inputs.regions, self.values, self.values.policy
        key = (self.season[day], policy.step(day), policy.ban_step(day), self.deployment_row[day],
               self.tariff_row[day])
        if key != self._deployment_key:
            share = regions.deployment_share[day] * self.share_ratio * open_regions  # (n, R)
            total = share.sum(axis=1)
            deploying = total > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                weights = np.where(deploying[:, None], share / total[:, None], 0.0)
            tariff = (weights * (regions.tariff_usd_per_kwh[day] * v.tariff_scale[:, self.season[day], :]
                                 + policy.adder_on(day))).sum(axis=1)
            self._deployment_key = key
            self._deployment = deploying, weights, tariff, (weights * v.pue).sum(axis=1), bool(deploying.any())
        return self._deployment

    def _resume_hidden(self) -> None:
        """Hidden capacity resumes in its region after an exponential delay (nothing to do
        until a shutdown hides some, nor once the classes holding it are gone)."""
        regions, hiding = self.hiding_regions, self.hiding_classes
        first, stop = max(self.cls.start, hiding.start), min(self.cls.stop, hiding.stop)
        if first < stop:
            resume_hidden(self.hidden, self.capacity, self.values.policy.hidden_resume_days, (first, stop),
                          (regions.start, regions.stop))

    def _relocate(self, open_regions: np.ndarray) -> None:
        """Relocated capacity arrives after an exponential shipping delay and waits for
        hosting, built in the open destinations at a finite rate. Arrivals come before today's
        removals, so capacity forced out today spends at least a day on the way."""
        if not self.moving:  # nothing was ever sent abroad
            return
        # the classes in service only: the others hold nothing on the way or waiting (dropped at
        # their end of life, or never installed), and their zeros would change no sum
        cls = self.cls
        transit, queue = self.transit[cls], self.queue[cls]
        policy = self.values.policy
        destinations = policy.destinations * open_regions
        if not (destinations.sum() > 0 and (transit.any() or queue.any())):
            return
        weights = destinations / destinations.sum()
        self.arrive(transit, queue, policy.relocation_delay_days,
                    self.inputs.hardware.efficiency_j_per_th[cls], self.values.efficiency_scale,
                    self.values.pue @ weights, policy.hosting_mw_per_day, weights, (0, cls.stop - cls.start),
                    self.capacity[cls])

    def _retire(self, day: int, anticipated: np.ndarray) -> None:
        """Scrap, at the draw's rate, the capacity that stays off at the ``anticipated`` hashprice."""
        if self._day != day:
            self._start_day(day)
        capacity, r = self.capacity[self.cls], self.surcharged
        skip = self.none_skipped
        if r.size:
            skip = skip.copy()
            skip[r] = True
        retire(capacity, self._a, *self.odds_terms(day, anticipated), self.retire_rate, skip)
        if r.size:
            retire_surcharged(capacity, self._surcharged_share(day, anticipated, capacity),
                              self.retire_rate, r)

    def _anchor(self, factor: np.ndarray) -> None:
        """Scale every part of the fleet's state by ``factor`` (n,): the anchor's observed
        hashrate over the simulated one. [1]"""
        factor = np.where(np.isfinite(factor), factor, 1.0)
        self.capacity *= factor[None, :, None]
        self.hidden *= factor[None, :, None]
        for state in (self.transit, self.queue):
            state *= factor[None, :]
        self.orders *= factor[None, :]
        self.backlog *= factor

    def advance(self, day: int, hashprice: np.ndarray, network_ths: np.ndarray, difficulty: np.ndarray) -> None:
        """Apply today's retirements, relocation arrivals, policy removals and deployments.

        Miners look through the next retarget. The difficulty will move towards the network
        actually running, so the hashprice they expect is today's scaled by the hashrate
        the difficulty implies over the actual one (at most 4x, what one retarget can do).
        Switched-off machines are scrapped (after a mean wait) only in the share that would
        stay off at that hashprice, and new machines are ordered on the margin it gives.
        """
        x = self.inputs
        if x.anchor is not None and day == x.anchor.day:
            self._anchor(x.anchor.hashrate_ths / network_ths)
        anticipated = np.empty(self.n)
        self.expect(hashprice, network_ths, difficulty, anticipated)
        # switched-off machines that a retarget would not revive are scrapped after a mean wait
        self._retire(day, anticipated)
        open_regions = self.values.policy.open_on(day)
        self._resume_hidden()
        self._relocate(open_regions)
        self._force_out(day)
        self._order_and_ship(day, anticipated, network_ths, open_regions)
        target = self.share_targets.get(day + 1)
        if target is not None:
            self._follow_observed_split(target)

    def _follow_observed_split(self, target: np.ndarray) -> None:
        """Split the installed capacity among regions as observed, ``target`` (R,), each draw
        keeping its own deviation from the central shares (:attr:`share_ratio`) and each
        region its mix of classes; regions without capacity stay without."""
        installed = self.capacity.sum(axis=0)  # (n, R)
        want = np.where(installed > 0, target[None, :] * self.share_ratio, 0.0)
        total = want.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            want /= total
            factor = np.where(installed > 0, want * installed.sum(axis=1, keepdims=True) / installed, 1.0)
        factor[total[:, 0] <= 0] = 1.0  # no region of the target holds capacity: left as it is
        self.capacity *= factor[None, :, :]

    def _force_out(self, day: int) -> None:
        """Shutdowns: capacity forced out; part of it resumes hidden, part is sent abroad."""
        policy = self.values.policy
        removal = policy.removal_on(day)
        if removal is None:
            return
        cls = self.cls  # the others have no capacity to remove
        capacity = self.capacity[cls]
        removed = capacity * removal[None, :, :]
        capacity -= removed
        hidden = removed * policy.hidden_share[None, :, :]
        self.hidden[cls] += hidden
        if self.hiding_regions.stop > 0:
            hiding = self.hiding_classes
            self.hiding_classes = (slice(min(hiding.start, cls.start), max(hiding.stop, cls.stop))
                                   if hiding.stop > hiding.start else cls)
        moving = policy.relocation_share * (1.0 - policy.relocation_attrition)[:, None]
        self.transit[cls] += np.einsum("hnr,nr->hn", removed - hidden, moving)
        self.moving = True

    def _order_and_ship(self, day: int, anticipated: np.ndarray, network_ths: np.ndarray,
                        open_regions: np.ndarray) -> None:
        """Orders of the newest class, placed on the margin at the ``anticipated`` hashprice,
        join the manufacturers' backlog after the lead time; deliveries are what the shipment
        capacity allows; regions under a ban get none, and their share goes to the open regions."""
        hw, v = self.inputs.hardware, self.values
        newest = self.newest[day]
        deploying, weights, tariff, pue, some = self._deployment_terms(day, open_regions)
        shipping = bool(hw.release_day[newest] <= day and some)
        if not shipping:
            supply = self.backlog  # (not read)
        elif self.supply_by_day is not None:
            supply = self._supply
            supply.fill(self.supply_by_day[day])
        else:
            supply = shipment_capacity_ths_per_day(self.supply_years[day], v.supply_ths_per_day,
                                                   v.supply_growth_per_year)
        lag = self.orders.shape[0]
        self.ship(anticipated, network_ths, deploying, hw.efficiency_j_per_th[newest], v.efficiency_scale, pue, tariff,
                  v.growth_per_day, day % lag if lag else -1, self.orders, self.backlog, shipping, supply, weights,
                  self.capacity[newest])


def _row_index(table: np.ndarray) -> list[int]:
    """For each day (row of ``table``, (time, ...)), an index that changes when the row does. (T,)"""
    return np.r_[0, np.cumsum(np.any(table[1:] != table[:-1], axis=1))].tolist()
