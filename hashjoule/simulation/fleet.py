"""Mining fleets: which machines are installed where, which run, and how the fleet changes.

The relations are small pure functions; :class:`Fleet` applies them day by day to the
installed capacity of a batch of draws, an array over (draw, region, hardware class).
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

import numpy as np

from hashjoule.network.chain import HASHES_PER_DIFFICULTY
from hashjoule.simulation.inputs import ModelInputs

#: Energy of 1 TH/s running for a day at 1 J/TH: 86,400 s / 3.6e6 J/kWh. [kWh]
KWH_PER_THS_DAY = 86_400 / 3.6e6


def hashprice_usd_per_ths_day(reward_btc_per_block, price_usd, difficulty):
    """Expected revenue of 1 TH/s for a day.

    = reward x price x 86,400 s x 1e12 H/TH / (difficulty x 2**32 H per block).

    Parameters
    ----------
    reward_btc_per_block : numeric
        Subsidy + fees. [BTC]
    price_usd : numeric
        [USD/BTC]
    difficulty : numeric
        [1]

    Returns
    -------
    hashprice : numeric
        [USD/(TH/s)/d]
    """
    return reward_btc_per_block * price_usd * 86_400e12 / (difficulty * HASHES_PER_DIFFICULTY)


def breakeven_tariff_usd_per_kwh(hashprice, efficiency_j_per_th, pue):
    """Highest tariff at which a machine still covers its electricity. [USD/kWh]"""
    return hashprice / (efficiency_j_per_th * pue * KWH_PER_THS_DAY)


def online_fraction(breakeven_usd_per_kwh, median_tariff_usd_per_kwh, shape, adder_usd_per_kwh=0.0):
    """Share of capacity whose tariff (plus any surcharge) is below the break-even tariff.

    Tariffs are log-logistic with the given median and shape k:
    P(tariff < x) = 1 / (1 + (median / x)**k).

    Returns
    -------
    fraction : numeric
        In [0, 1]. [1]
    """
    x = np.asarray(breakeven_usd_per_kwh - adder_usd_per_kwh, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        # a zero median (free power) gives log -inf: everything runs
        log_ratio = np.log(median_tariff_usd_per_kwh) - np.log(np.maximum(x, 1e-300))
        fraction = 1.0 / (1.0 + np.exp(shape * log_ratio))
    return np.where(x > 0, fraction, 0.0)


def profit_margin(hashprice, efficiency_j_per_th, pue, tariff_usd_per_kwh):
    """1 - electricity cost / revenue of a machine; negative when it loses money. [1]"""
    cost = efficiency_j_per_th * pue * KWH_PER_THS_DAY * tariff_usd_per_kwh
    with np.errstate(divide="ignore"):
        return np.where(hashprice > 0, 1.0 - cost / np.maximum(hashprice, 1e-300), -np.inf)


def deployment_ths_per_day(network_ths, margin, growth_per_day, max_growth_per_day=np.inf):
    """New capacity delivered: g x network hashrate x max(margin, 0), at most what the
    manufacturers can supply, taken as a share of the network per day. [TH/s per day]"""
    return np.minimum(growth_per_day * np.maximum(margin, 0.0), max_growth_per_day) * network_ths


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

    def __init__(self, inputs: ModelInputs, n: int, values=None):
        from hashjoule.simulation.draws import DrawValues, initial_capacity
        from hashjoule.simulation.world import is_wet

        self.inputs = inputs
        self.n = n
        hw, regions = inputs.hardware, inputs.regions
        #: the draws' uncertain parameters (central values if none are given)
        self.values = v = (DrawValues.central(inputs, n) if values is None else values).checked(len(regions.names))
        if v.n != n:
            raise ValueError(f"values: expected {n} draws, got {v.n}")
        #: installed capacity (class, draw, region) [TH/s]
        if values is None:
            self.capacity = np.broadcast_to(inputs.initial_capacity_ths.T[:, None, :],
                                            (len(hw.names), n, len(regions.names))).copy()
        else:
            self.capacity = initial_capacity(inputs, v)
        self.transit = np.zeros((len(hw.names), n))
        #: kWh one TH/s of class h uses in a day in region r, central values. (H, R)
        self.kwh_per_ths_day = hw.efficiency_j_per_th[:, None] * regions.pue[None, :] * KWH_PER_THS_DAY
        self.watts_per_ths = hw.efficiency_j_per_th[:, None] * regions.pue[None, :]  # (H, R) [W/(TH/s)]
        #: each draw's energy per hash over the central value's (efficiency and PUE). (n, R) [1]
        self.cost_scale = v.efficiency_scale[:, None] * v.pue / regions.pue[None, :]
        self.season = is_wet(inputs.time).astype(np.int64)  # 0 dry, 1 wet
        #: ln(cost scale x tariff scale) by season, (2, n, R): added to the central threshold
        self.log_offset = np.log(self.cost_scale[None, :, :] * v.tariff_scale.transpose(1, 0, 2)).astype(np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):  # a region without central share keeps none
            self.share_ratio = np.where(regions.initial_share > 0, v.share / regions.initial_share, 0.0)  # (n, R)
        self.retire_rate32 = (1.0 / v.unprofitable_retirement_days).astype(np.float32)[None, :, None]
        self.shape = regions.tariff_shape[None, None, :]
        self.shape32 = self.shape.astype(np.float32)
        self.end_of_life = hw.release_day + hw.lifetime_days
        lag = inputs.fleet.deployment_lag_days
        self.margins = np.zeros((lag + 1, n))  # ring buffer of the newest class's margin
        self.cls = slice(0, 0)
        self._odds, self._day = None, -1
        self.surcharged = np.zeros(0, dtype=np.int64)  # regions under a surcharge today
        self._deployment_key, self._deployment = None, None
        # per day, computed once: classes in service, classes reaching their end of life, and
        # ln(median tariff x kWh per TH/s-day) of each (class, region)
        self.alive_slices = [self.alive(day) for day in range(inputs.days)]
        self.dies_on = np.where(self.end_of_life > 0, self.end_of_life, 0)
        with np.errstate(divide="ignore"):  # a zero tariff gives -inf: the machine always runs
            self.log_threshold = (np.log(regions.tariff_usd_per_kwh)[:, None, None, :]
                                  + np.log(self.kwh_per_ths_day)[None, :, None, :]).astype(np.float32)

    def alive(self, day: int) -> slice:
        """Classes in service on ``day`` lie within this slice (classes are sorted by release)."""
        hw = self.inputs.hardware
        alive = np.flatnonzero((hw.release_day <= day) & (day < self.end_of_life))
        if alive.size == 0:
            return slice(0, 0)
        return slice(int(alive[0]), int(alive[-1]) + 1)

    def online_ths(self, day: int, hashprice: np.ndarray) -> np.ndarray:
        """Capacity switched on today, (class in :attr:`cls`, draw, region). [TH/s]

        Also scraps classes that reached the end of their life. Engines call it inside
        ``numpy.errstate(divide="ignore", over="ignore")``: a zero hashprice or tariff gives
        infinities that resolve to 0 or 1.
        """
        dead = self.dies_on == day
        if dead.any():
            self.capacity[dead] = 0.0
            self.transit[dead] = 0.0
        cls = self.cls = self.alive_slices[day]
        self._day = day
        return self.capacity[cls] * self.share_on(day, hashprice, keep_odds=True)

    def share_on(self, day: int, hashprice: np.ndarray, keep_odds: bool = False) -> np.ndarray:
        """Share of each alive class's capacity that pays its electricity at ``hashprice``,
        (class in :attr:`cls`, draw, region). [1]

        With ``keep_odds``, the odds against running, exp(k (ln threshold - ln hashprice)),
        are kept, so that the share at a scaled hashprice costs no new exponential (see
        :meth:`advance`); regions under a surcharge (:attr:`surcharged`) are evaluated
        exactly instead, and their odds are not valid.
        """
        cls = self.cls
        v, season = self.values, self.season[day]
        # 1 / (1 + exp(-k (ln hashprice - ln(median x kWh per TH/s-day)))), in log space and
        # single precision: a few parts in 1e7 are far below what is known of tariffs, and
        # the exponential is twice as fast
        log_price = np.subtract(np.log(hashprice).astype(np.float32)[:, None], self.log_offset[season])[None]
        fraction = np.subtract(self.log_threshold[day][cls], log_price)
        fraction *= self.shape32
        np.exp(fraction, out=fraction)
        self._odds = fraction.copy() if keep_odds else None
        fraction += 1.0
        np.reciprocal(fraction, out=fraction)
        # a surcharge does not scale: regions a surcharge covers take the plain relation (in
        # every draw, whatever the surcharge's value in it: a draw's numbers never depend on
        # the others in its batch)
        self.surcharged = np.flatnonzero(v.policy.adder_regions[v.policy.step(day)])
        if self.surcharged.size:
            fraction[..., self.surcharged] = self._surcharged_share(day, hashprice, v.policy.adder_on(day))
        return fraction

    def _surcharged_share(self, day: int, hashprice: np.ndarray, adder: np.ndarray) -> np.ndarray:
        """:func:`online_fraction` in the regions under a surcharge. (class in :attr:`cls`, draw, region) [1]"""
        r, v, season = self.surcharged, self.values, self.season[day]
        kwh = self.kwh_per_ths_day[self.cls][:, None, r] * self.cost_scale[None, :, r]
        median = self.inputs.regions.tariff_usd_per_kwh[day, r] * v.tariff_scale[:, season, r]
        return online_fraction(hashprice[None, :, None] / kwh, median[None], self.shape[..., r], adder[None, :, r])

    def _deployment_terms(self, day: int, open_regions: np.ndarray):
        """Per draw: whether new machines can go anywhere, the regions' weights among them, and
        the weighted tariff [USD/kWh] (surcharges included) and PUE [1] they pay. These change
        only with the season, the surcharges, the bans and the deployment shares: computed
        again only when one of those does."""
        regions, v, policy = self.inputs.regions, self.values, self.values.policy
        key = (self.season[day], np.searchsorted(policy.adder_days, day, side="right"), open_regions.tobytes(),
               regions.deployment_share[day].tobytes(), regions.tariff_usd_per_kwh[day].tobytes())
        if key != self._deployment_key:
            share = regions.deployment_share[day] * self.share_ratio * open_regions  # (n, R)
            total = share.sum(axis=1)
            deploying = total > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                weights = np.where(deploying[:, None], share / total[:, None], 0.0)
            tariff = (weights * (regions.tariff_usd_per_kwh[day] * v.tariff_scale[:, self.season[day], :]
                                 + policy.adder_on(day))).sum(axis=1)
            self._deployment_key = key
            self._deployment = deploying, weights, tariff, (weights * v.pue).sum(axis=1)
        return self._deployment

    def by_region_ths(self, online: np.ndarray) -> np.ndarray:
        """Online hashrate per (draw, region). [TH/s]"""
        return online.sum(axis=0)

    def power_gw(self, online: np.ndarray) -> np.ndarray:
        """Power per (draw, region): online x efficiency x PUE, summed over classes. [GW]"""
        return np.einsum("hnr,hr->nr", online, self.watts_per_ths[self.cls]) * self.cost_scale / 1e9

    def advance(self, day: int, hashprice: np.ndarray, network_ths: np.ndarray, difficulty: np.ndarray) -> None:
        """Apply today's retirements, relocation arrivals, policy removals and deployments.

        Miners look through the next retarget. The difficulty will move towards the network
        actually running, so the hashprice they expect is today's scaled by the hashrate
        the difficulty implies over the actual one (at most 4x, what one retarget can do).
        Switched-off machines are scrapped (after a mean wait) only in the share that would
        stay off at that hashprice, and new machines are ordered on the margin it gives.
        """
        x, v = self.inputs, self.values
        policy = v.policy
        implied_ths = difficulty * HASHES_PER_DIFFICULTY / 600.0 / 1e12
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(network_ths > 0, implied_ths / network_ths, np.inf)
        ratio = np.clip(ratio, 0.25, 4.0)
        anticipated = hashprice * ratio
        # switched-off machines that a retarget would not revive are scrapped after a mean wait
        if self._odds is not None and self._day == day:
            # share off at the anticipated hashprice: odds x ratio**-k, no new exponential
            odds = self._odds
            odds *= (ratio[None, :, None] ** -self.shape32).astype(np.float32)
            off = np.add(odds, 1.0, dtype=np.float32)
            np.divide(odds, off, out=off)
            self._odds = None  # used up
            if self.surcharged.size:
                off[..., self.surcharged] = 1.0 - self._surcharged_share(day, anticipated, policy.adder_on(day))
        else:
            off = 1.0 - self.share_on(day, anticipated)
        off *= self.retire_rate32
        alive = self.capacity[self.cls]
        alive -= alive * off
        # relocation: capacity in transit arrives after an exponential delay (arrivals first,
        # so that capacity removed today spends at least a day on the way)
        open_regions = ~x.policy.deployment_ban[day]
        destinations = x.policy.relocation_destinations * open_regions
        if destinations.sum() > 0 and self.transit.any():
            arriving = self.transit / policy.relocation_delay_days[None, :]
            self.transit -= arriving
            self.capacity += arriving[:, :, None] * (destinations / destinations.sum())[None, None, :]
        # shutdowns: capacity forced out, part of it sent abroad
        removal = policy.removal_on(day)
        if removal is not None:
            removed = self.capacity * removal[None, :, :]
            self.capacity -= removed
            moving = policy.relocation_share * (1.0 - policy.relocation_attrition)[:, None]
            self.transit += np.einsum("hnr,nr->hn", removed, moving)
        # deployments of the newest class, ordered deployment_lag_days ago; regions under a
        # ban get none, and their share goes to the open regions
        hw, regions = x.hardware, x.regions
        newest = hw.newest(day)
        deploying, weights, tariff, pue = self._deployment_terms(day, open_regions)
        margin = np.full(self.n, -np.inf)  # nothing running or nowhere to deploy: no orders
        running = (network_ths > 0) & deploying
        margin[running] = profit_margin(anticipated[running], hw.efficiency_j_per_th[newest] * v.efficiency_scale[running],
                                        pue[running], tariff[running])
        self.margins[day % self.margins.shape[0]] = margin
        lagged = self.margins[(day + 1) % self.margins.shape[0]] if day >= x.fleet.deployment_lag_days \
            else self.margins[0]
        if deploying.any() and hw.release_day[newest] <= day:
            new = deployment_ths_per_day(network_ths, lagged, v.growth_per_day, x.fleet.max_growth_per_day)
            self.capacity[newest] += new[:, None] * weights
